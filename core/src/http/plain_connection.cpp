// SPDX-License-Identifier: Apache-2.0
// http:// connections of the HttpClient (client_connection.hpp).
#include "http/client_connection.hpp"

#include <boost/beast/core/error.hpp>

namespace vigil {

namespace {

class PlainConnection final : public ClientConnection {
public:
	explicit PlainConnection(boost::asio::io_context &io) : io_(io), stream_(io) {}

	std::string connect(const boost::asio::ip::tcp::resolver::results_type &endpoints,
			    ClientDeadline deadline) override
	{
		stream_.expires_at(deadline);
		std::string error;
		stream_.async_connect(endpoints, [&](boost::beast::error_code ec, const auto &) {
			if (ec)
				error = describeClientError("connecting", ec);
		});
		runToCompletion(io_);
		return error;
	}

	std::string exchange(ClientRequest &request, ClientResponseParser &parser,
			     ClientDeadline deadline) override
	{
		return exchangeOn(io_, stream_, buffer_, request, parser, deadline);
	}

	bool reusable() override { return idleSocketIsClean(stream_.socket(), buffer_); }

private:
	boost::asio::io_context &io_;
	boost::beast::tcp_stream stream_;
	boost::beast::flat_buffer buffer_;
};

class PlainConnector final : public ClientConnector {
public:
	std::unique_ptr<ClientConnection> open(boost::asio::io_context &io) override
	{
		return std::make_unique<PlainConnection>(io);
	}
};

} // namespace

std::unique_ptr<ClientConnector> makePlainConnector()
{
	return std::make_unique<PlainConnector>();
}

std::string describeClientError(const char *step, const boost::beast::error_code &ec)
{
	if (ec == boost::beast::error::timeout)
		return std::string(step) + ": timed out";
	return std::string(step) + ": " + ec.message();
}

} // namespace vigil
