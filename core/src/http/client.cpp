// SPDX-License-Identifier: Apache-2.0
#include "http/client.hpp"

#include "build_config.hpp"
#include "http/client_connection.hpp"

#include <strings.h>

#include <stdexcept>

namespace vigil {

namespace http = boost::beast::http;

namespace {

std::chrono::steady_clock::duration seconds(double s)
{
	return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
		std::chrono::duration<double>(s));
}

std::unique_ptr<ClientConnector> connectorFor(const HttpUrl &origin)
{
	if (!origin.tls)
		return makePlainConnector();
#if VIGIL_TLS_ENABLED
	return makeTlsConnector(origin.host);
#else
	throw std::runtime_error("https:// needs TLS, which this vigil was built without "
				 "(-Dtls=disabled)");
#endif
}

} // namespace

std::string HttpClientResponse::header(std::string_view name) const
{
	for (const auto &[key, value] : headers)
		if (key.size() == name.size() &&
		    ::strncasecmp(key.data(), name.data(), name.size()) == 0)
			return value;
	return {};
}

struct HttpClient::Impl {
	HttpUrl origin;
	boost::asio::io_context io{1};
	std::unique_ptr<ClientConnector> connector;
	std::unique_ptr<ClientConnection> connection; // kept alive between requests
};

HttpClient::HttpClient(HttpUrl origin) : impl_(std::make_unique<Impl>())
{
	impl_->connector = connectorFor(origin);
	impl_->origin = std::move(origin);
}

HttpClient::~HttpClient() = default;

HttpClientResponse HttpClient::send(const HttpClientRequest &request, double timeout_seconds)
{
	Impl &c = *impl_;
	HttpClientResponse out;
	const ClientDeadline deadline = std::chrono::steady_clock::now() + seconds(timeout_seconds);
	try {
		if (c.connection && !c.connection->reusable())
			c.connection.reset();
		if (!c.connection) {
			boost::system::error_code ec;
			boost::asio::ip::tcp::resolver resolver(c.io);
			// Blocking: asio's asynchronous lookup would keep a thread.
			auto endpoints = resolver.resolve(c.origin.host, c.origin.port, ec);
			if (ec) {
				out.error = "looking up " + c.origin.host + ": " + ec.message();
				return out;
			}
			auto connection = c.connector->open(c.io);
			out.error = connection->connect(endpoints, deadline);
			if (!out.error.empty())
				return out;
			c.connection = std::move(connection);
		}

		ClientRequest message;
		message.version(11);
		message.method_string(request.method);
		message.target(request.target);
		message.set(http::field::host, c.origin.hostHeader());
		for (const auto &[name, value] : request.headers)
			message.set(name, value);
		message.body() = {request.body.data(), request.body.size()};
		message.prepare_payload();
		ClientResponseParser parser;
		parser.body_limit(request.max_body);
		out.error = c.connection->exchange(message, parser, deadline);
		if (!out.error.empty()) {
			c.connection.reset();
			return out;
		}
		auto &res = parser.get();
		out.status = static_cast<int>(res.result_int());
		for (const auto &field : res)
			out.headers.emplace_back(std::string(field.name_string()),
						 std::string(field.value()));
		out.body = std::move(res.body());
		if (!res.keep_alive())
			c.connection.reset();
	} catch (const std::exception &e) {
		// Allocation failures and the like: the connection's state is unknown.
		c.connection.reset();
		out = {};
		out.error = e.what();
	}
	return out;
}

} // namespace vigil
