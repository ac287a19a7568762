// SPDX-License-Identifier: Apache-2.0
// The HttpClient's connection, plain TCP or TLS (client.hpp).  Both run the
// same asynchronous Beast operations on the client's io_context until they
// complete; the deadline is the TCP stream's expiry, which closes the
// socket when it passes, so every call returns by then.
//
// Threads: the caller's only (the client's).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <poll.h>

#include <chrono>
#include <memory>
#include <string>

namespace vigil {

using ClientRequest = boost::beast::http::request<boost::beast::http::span_body<const char>>;
using ClientResponseParser = boost::beast::http::response_parser<boost::beast::http::string_body>;
using ClientDeadline = std::chrono::steady_clock::time_point;

// Each returns "" on success, else one line saying which step failed.
class ClientConnection {
public:
	virtual ~ClientConnection() = default;
	virtual std::string connect(const boost::asio::ip::tcp::resolver::results_type &endpoints,
				    ClientDeadline deadline) = 0;
	virtual std::string exchange(ClientRequest &request, ClientResponseParser &parser,
				     ClientDeadline deadline) = 0;
	// False once the server has closed (or written to) the idle connection.
	virtual bool reusable() = 0;
};

// Makes connections of one kind to one host.
class ClientConnector {
public:
	virtual ~ClientConnector() = default;
	virtual std::unique_ptr<ClientConnection> open(boost::asio::io_context &io) = 0;
};

std::unique_ptr<ClientConnector> makePlainConnector();
// Built only with TLS (tls_connection.cpp): verifies the server's
// certificate against the default CA paths and `host`.
std::unique_ptr<ClientConnector> makeTlsConnector(const std::string &host);

std::string describeClientError(const char *step, const boost::beast::error_code &ec);

// Runs the io_context until the operations started on it are done.
inline void runToCompletion(boost::asio::io_context &io)
{
	io.restart();
	io.run();
}

template <class Stream>
std::string exchangeOn(boost::asio::io_context &io, Stream &stream,
		       boost::beast::flat_buffer &buffer, ClientRequest &request,
		       ClientResponseParser &parser, ClientDeadline deadline)
{
	namespace http = boost::beast::http;
	boost::beast::get_lowest_layer(stream).expires_at(deadline);
	std::string error;
	http::async_write(stream, request, [&](boost::beast::error_code ec, size_t) {
		if (ec) {
			error = describeClientError("sending the request", ec);
			return;
		}
		// The header alone first: Boost 1.74's eager read of a header and
		// body that arrived together loses the parser's body_limit error, so
		// an over-long Content-Length would be read whole.
		http::async_read_header(
			stream, buffer, parser, [&](boost::beast::error_code ec, size_t) {
				if (ec) {
					error = describeClientError("reading the response", ec);
					return;
				}
				http::async_read(stream, buffer, parser,
						 [&](boost::beast::error_code ec, size_t) {
							 if (ec)
								 error = describeClientError(
									 "reading the response",
									 ec);
						 });
			});
	});
	runToCompletion(io);
	return error;
}

// An idle kept-alive socket with something to read has been closed (or
// spoken to out of turn) by the server: not to be used again.
inline bool idleSocketIsClean(boost::asio::ip::tcp::socket &socket,
			      const boost::beast::flat_buffer &buffer)
{
	if (!socket.is_open() || buffer.size() > 0)
		return false;
	pollfd p{socket.native_handle(), POLLIN, 0};
	return ::poll(&p, 1, 0) == 0;
}

} // namespace vigil
