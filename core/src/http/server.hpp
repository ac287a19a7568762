// SPDX-License-Identifier: Apache-2.0
// HttpServer: the agent's small HTTP/1.1 server (Boost.Beast) for /metrics
// and /status.  Handlers are plain functions of the request, so nothing of
// Beast or Asio leaks into the rest of the core.
//
// Threads, all owned by the HttpServer, made by start() and joined by stop()
// (or the destructor):
//   - one I/O thread runs an io_context: it accepts, reads every request,
//     enforces the limits below and writes every response, all with
//     asynchronous operations, so a connection waiting for a slow or silent
//     client costs a socket and a few kB, never a thread;
//   - a pool of `handler_threads` threads runs the handlers, so a slow
//     handler delays other requests' handlers but never the I/O (accepting,
//     timing out and dropping connections).
// Handlers therefore run concurrently with each other and with the agent:
// they must only read state that is safe to read from any thread.
//
// Bounds, so that no client can tie up the endpoint:
//   - a request's header must be complete `header_timeout` after the
//     connection was accepted or, on a kept-alive connection, after its
//     first byte; it may not exceed `max_header_bytes` (431 and close);
//   - only GET and HEAD, without a body (405, 413 and close);
//   - a kept-alive connection idle for `idle_timeout` is closed, and each
//     part of a response must be taken by the client within `write_timeout`;
//   - at most `max_connections` are open.  When a new one arrives at the
//     limit, the one that has waited longest for its client (an idle
//     keep-alive, a stalled header or a stalled response) is closed to make
//     room, so a flood of stalled connections cannot keep a scrape out;
//     only when all are inside a handler is the new one refused.
#pragma once

#include "config/listen_address.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace vigil {

struct HttpRequest {
	std::string path;	   // the target without its query
	std::string authorization; // the Authorization header, "" if absent
};

struct HttpResponse {
	int status = 200;
	std::string content_type = "text/plain; charset=utf-8";
	std::string body;
	// Sent instead of `body` when set: a large text shared with its
	// publisher (the /metrics exposition) is written without a copy.
	std::shared_ptr<const std::string> shared_body;
	std::map<std::string, std::string> headers;
};

struct HttpServerOptions {
	ListenAddress address;
	unsigned handler_threads = 2;
	size_t max_connections = 64;
	double header_timeout = 5; // seconds
	double idle_timeout = 30;  // seconds a kept-alive connection may wait for a request
	double write_timeout = 5;  // seconds without progress writing a response
	size_t max_header_bytes = 8192;
};

class HttpServer {
public:
	using Handler = std::function<HttpResponse(const HttpRequest &)>;

	explicit HttpServer(HttpServerOptions options);
	~HttpServer();
	HttpServer(const HttpServer &) = delete;
	HttpServer &operator=(const HttpServer &) = delete;

	// Routes GET and HEAD of `path` (exact match, query ignored) to
	// `handler`.  Before start() only.  A handler that throws gives a 500
	// with the exception's message.
	void get(const std::string &path, Handler handler);

	// Binds on the caller's thread (so a busy port is an error the caller
	// sees) and starts serving.  Throws std::runtime_error naming the
	// address when it cannot bind (port in use, no such address).
	void start();

	// Stops accepting, closes every connection, waits for the handlers in
	// progress and joins every thread.  Not from a handler.
	void stop();

	// The bound address (with the real port when configured as 0).
	ListenAddress address() const;

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

} // namespace vigil
