// SPDX-License-Identifier: Apache-2.0
#include "http/server.hpp"

#include "process/logging.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace vigil {

struct HttpServer::Impl {
	HttpServerOptions options;
	httplib::Server server;
	std::thread accept_thread;
	int bound_port = 0;
	std::atomic<bool> accept_done{false};
};

namespace {

HttpRequest toRequest(const httplib::Request &req)
{
	return {req.path, req.get_header_value("Authorization")};
}

void fromResponse(const HttpResponse &in, httplib::Response &out)
{
	out.status = in.status;
	for (const auto &[name, value] : in.headers)
		out.set_header(name, value);
	out.set_content(in.body, in.content_type.c_str());
}

} // namespace

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_unique<Impl>())
{
	impl_->options = std::move(options);
	httplib::Server &server = impl_->server;
	unsigned threads = impl_->options.handler_threads ? impl_->options.handler_threads : 1;
	server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
	// httplib's default sets SO_REUSEPORT, which would let a second agent
	// bind the same port and steal half the scrapes; SO_REUSEADDR alone
	// only allows a quick restart.
	server.set_socket_options([](int sock) {
		int yes = 1;
		setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
	});
	// A slow or stuck client must not hold a handler thread for long.
	server.set_read_timeout(5);
	server.set_write_timeout(5);
	server.set_keep_alive_timeout(5);
	server.set_payload_max_length(64 * 1024);
	server.set_exception_handler(
		[](const httplib::Request &, httplib::Response &res, std::exception_ptr ep) {
			std::string what = "internal error";
			try {
				std::rethrow_exception(ep);
			} catch (const std::exception &e) {
				what = e.what();
			} catch (...) {
			}
			logger("http")->warn("request failed: {}", what);
			res.status = 500;
			res.set_content(what + "\n", "text/plain; charset=utf-8");
		});
}

HttpServer::~HttpServer()
{
	stop();
}

void HttpServer::get(const std::string &path, Handler handler)
{
	// httplib patterns are regular expressions; quote the path so "/a.b"
	// matches only itself.
	std::string pattern;
	for (char c : path) {
		if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos)
			pattern.push_back('\\');
		pattern.push_back(c);
	}
	impl_->server.Get(pattern, [handler = std::move(handler)](const httplib::Request &req,
								  httplib::Response &res) {
		fromResponse(handler(toRequest(req)), res);
	});
}

void HttpServer::start()
{
	const ListenAddress &address = impl_->options.address;
	int port = address.port;
	if (port == 0) {
		port = impl_->server.bind_to_any_port(address.host);
		if (port < 0)
			port = 0;
	} else if (!impl_->server.bind_to_port(address.host, port)) {
		port = 0;
	}
	if (port == 0)
		throw std::runtime_error("cannot listen on " + formatListenAddress(address) +
					 ": address in use or not available on this host");
	impl_->bound_port = port;
	impl_->accept_thread = std::thread([this] {
		impl_->server.listen_after_bind();
		impl_->accept_done = true;
	});
	// httplib's stop() does nothing until the accept loop is running, so a
	// stop() right after start() would wait forever on the join.
	while (!impl_->server.is_running() && !impl_->accept_done)
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void HttpServer::stop()
{
	if (!impl_->accept_thread.joinable())
		return;
	impl_->server.stop();
	impl_->accept_thread.join();
}

ListenAddress HttpServer::address() const
{
	return {impl_->options.address.host, impl_->bound_port};
}

} // namespace vigil
