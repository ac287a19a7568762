// SPDX-License-Identifier: Apache-2.0
// One accepted connection of the HttpServer (server.hpp): reads a request
// header within the time limits, hands the request to the handler pool and
// writes the answer, as often as the client keeps the connection alive.
//
// Threads: everything here runs on the server's I/O thread except the
// handler itself, which runs on the pool and posts its response back to the
// I/O thread.  The server's connection list owns the connection (with the
// pending operations); close() takes it out.
#pragma once

#include "http/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/span_body.hpp>

#include <chrono>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace vigil {

class ServerConnection;
using ServerConnectionList = std::list<std::shared_ptr<ServerConnection>>;

// What every connection shares with its server; all of it outlives them.
struct ServerConnectionContext {
	const HttpServerOptions &options;
	const std::map<std::string, HttpServer::Handler, std::less<>> &routes;
	boost::asio::io_context &io;
	boost::asio::thread_pool &handlers;
	ServerConnectionList &connections;
};

class ServerConnection : public std::enable_shared_from_this<ServerConnection> {
public:
	using Clock = std::chrono::steady_clock;

	ServerConnection(boost::asio::ip::tcp::socket socket, ServerConnectionContext &context);

	// Starts reading the first request; `self` is this connection's place in
	// context.connections.
	void start(ServerConnectionList::iterator self);

	// Closes the socket (pending operations end) and leaves the list.
	void close();

	// Inside a handler: the pool is working for it, so it is not dropped.
	bool handling() const { return phase_ == Phase::Handling; }

	// Since when it has been waiting for its client: for a request (or the
	// rest of one), or for the client to take the next part of a response.
	Clock::time_point waitingSince() const { return since_; }

private:
	enum class Phase { Reading, Handling, Writing };
	using Message = boost::beast::http::response<boost::beast::http::span_body<const char>>;

	void enter(Phase phase);
	void awaitRequest();
	void readHeader();
	void onHeader(boost::beast::error_code ec);
	void dispatch(const HttpServer::Handler &handler, HttpRequest request);
	void refuse(int status, std::string text);
	void respond(HttpResponse response, bool close_after);
	void writeSome();
	void onWritten();

	ServerConnectionContext &context_;
	ServerConnectionList::iterator self_;
	boost::beast::tcp_stream stream_;
	boost::beast::flat_buffer buffer_;
	std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser_;
	HttpResponse response_; // owns what message_'s body points into
	std::optional<Message> message_;
	std::optional<
		boost::beast::http::response_serializer<boost::beast::http::span_body<const char>>>
		serializer_;
	unsigned version_ = 11; // of the request being answered
	bool keep_alive_ = false;
	bool head_ = false;
	bool closed_ = false;
	Phase phase_ = Phase::Reading;
	Clock::time_point since_ = Clock::now();
};

} // namespace vigil
