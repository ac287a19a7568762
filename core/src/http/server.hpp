// SPDX-License-Identifier: Apache-2.0
// HttpServer: the agent's small HTTP server (cpp-httplib) for /metrics and
// /status.  Handlers are plain functions of the request, so nothing of
// httplib leaks into the rest of the core.
//
// Threads: start() binds on the caller's thread (so a busy port is an error
// the caller sees) and then starts one accept thread plus a pool of
// `handler_threads` threads that run the handlers; the HttpServer owns them
// all and stop() (or the destructor) joins them.  Handlers therefore run
// concurrently with each other and with the agent: they must only read
// state that is safe to read from any thread.
#pragma once

#include "config/listen_address.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace vigil {

struct HttpRequest {
	std::string path;
	std::string authorization; // the Authorization header, "" if absent
};

struct HttpResponse {
	int status = 200;
	std::string content_type = "text/plain; charset=utf-8";
	std::string body;
	std::map<std::string, std::string> headers;
};

struct HttpServerOptions {
	ListenAddress address;
	unsigned handler_threads = 2;
};

class HttpServer {
public:
	using Handler = std::function<HttpResponse(const HttpRequest &)>;

	explicit HttpServer(HttpServerOptions options);
	~HttpServer();
	HttpServer(const HttpServer &) = delete;
	HttpServer &operator=(const HttpServer &) = delete;

	// Routes GET `path` (exact match) to `handler`.  Before start() only.
	// A handler that throws gives a 500 with the exception's message.
	void get(const std::string &path, Handler handler);

	// Binds and starts serving.  Throws std::runtime_error naming the
	// address when it cannot bind (port in use, no such address).
	void start();

	// Stops accepting, finishes requests in progress, joins every thread.
	void stop();

	// The bound address (with the real port when configured as 0).
	ListenAddress address() const;

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

} // namespace vigil
