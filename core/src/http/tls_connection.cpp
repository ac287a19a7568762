// SPDX-License-Identifier: Apache-2.0
// https:// connections of the HttpClient (client_connection.hpp), through
// Asio's OpenSSL stream.  Built only with TLS (meson option `tls`).
#include "http/client_connection.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace vigil {

namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

class TlsConnection final : public ClientConnection {
public:
	TlsConnection(asio::io_context &io, ssl::context &context, const std::string &host)
	    : io_(io), stream_(io, context)
	{
		// OpenSSL checks the name as part of the chain, so a mismatch is
		// reported as "hostname mismatch" like any other verify error.
		SSL *ssl = stream_.native_handle();
		X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
		boost::system::error_code not_ip;
		asio::ip::make_address(host, not_ip);
		if (!not_ip) {
			X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
		} else {
			X509_VERIFY_PARAM_set_hostflags(param,
							X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
			X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
			// SNI, for servers with several names on one address.
			SSL_set_tlsext_host_name(ssl, host.c_str());
		}
	}

	std::string connect(const asio::ip::tcp::resolver::results_type &endpoints,
			    ClientDeadline deadline) override
	{
		auto &tcp = boost::beast::get_lowest_layer(stream_);
		tcp.expires_at(deadline);
		std::string error;
		tcp.async_connect(endpoints, [&](boost::beast::error_code ec, const auto &) {
			if (ec) {
				error = describeClientError("connecting", ec);
				return;
			}
			stream_.async_handshake(ssl::stream_base::client,
						[&](boost::beast::error_code ec) {
							if (ec)
								error = handshakeError(ec);
						});
		});
		runToCompletion(io_);
		return error;
	}

	std::string exchange(ClientRequest &request, ClientResponseParser &parser,
			     ClientDeadline deadline) override
	{
		return exchangeOn(io_, stream_, buffer_, request, parser, deadline);
	}

	bool reusable() override
	{
		return idleSocketIsClean(boost::beast::get_lowest_layer(stream_).socket(), buffer_);
	}

private:
	// "certificate verify failed" alone does not say what to fix.
	std::string handshakeError(const boost::beast::error_code &ec)
	{
		std::string out = describeClientError("TLS handshake", ec);
		const long verify = SSL_get_verify_result(stream_.native_handle());
		if (verify != X509_V_OK)
			out += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
		return out;
	}

	asio::io_context &io_;
	boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
	boost::beast::flat_buffer buffer_;
};

class TlsConnector final : public ClientConnector {
public:
	explicit TlsConnector(std::string host) : host_(std::move(host))
	{
		context_.set_default_verify_paths();
		context_.set_verify_mode(ssl::verify_peer);
		context_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
				     ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
				     ssl::context::no_tlsv1_1);
	}

	std::unique_ptr<ClientConnection> open(asio::io_context &io) override
	{
		return std::make_unique<TlsConnection>(io, context_, host_);
	}

private:
	std::string host_;
	ssl::context context_{ssl::context::tls_client};
};

} // namespace

std::unique_ptr<ClientConnector> makeTlsConnector(const std::string &host)
{
	return std::make_unique<TlsConnector>(host);
}

} // namespace vigil
