// SPDX-License-Identifier: Apache-2.0
#include "http/server.hpp"

#include "http/server_connection.hpp"
#include "process/logging.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace vigil {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct HttpServer::Impl {
	HttpServerOptions options;
	std::map<std::string, Handler, std::less<>> routes;
	// Declared first, destroyed last: everything below uses it.
	asio::io_context io{1};
	tcp::acceptor acceptor{io};
	// After a failed accept (out of file descriptors): wait before the next.
	asio::steady_timer accept_pause{io};
	std::optional<asio::thread_pool> handler_pool;
	std::optional<ServerConnectionContext> context;
	ServerConnectionList connections;
	std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
	std::thread io_thread;
	int bound_port = 0;

	void bind();
	void accept();
	void admit(tcp::socket socket);
	void closeAll();
};

void HttpServer::Impl::bind()
{
	const ListenAddress &address = options.address;
	const std::string where = formatListenAddress(address);
	boost::system::error_code ec;
	tcp::resolver resolver(io);
	auto endpoints =
		resolver.resolve(address.host, std::to_string(address.port),
				 tcp::resolver::passive | tcp::resolver::numeric_service, ec);
	if (ec)
		throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
	for (const auto &entry : endpoints) {
		ec.clear();
		acceptor.open(entry.endpoint().protocol(), ec);
		// SO_REUSEADDR only allows a quick restart; unlike SO_REUSEPORT it
		// does not let a second agent bind the port and take half the
		// scrapes.
		if (!ec)
			acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
		if (!ec)
			acceptor.bind(entry.endpoint(), ec);
		if (!ec)
			acceptor.listen(asio::socket_base::max_listen_connections, ec);
		if (!ec) {
			bound_port = acceptor.local_endpoint().port();
			return;
		}
		boost::system::error_code ignored;
		acceptor.close(ignored);
	}
	throw std::runtime_error("cannot listen on " + where + ": " +
				 (ec ? ec.message() : std::string("no address to bind")));
}

void HttpServer::Impl::accept()
{
	acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
		if (!acceptor.is_open())
			return;
		if (!ec) {
			admit(std::move(socket));
			return accept();
		}
		logger("http")->debug("accept failed: {}", ec.message());
		accept_pause.expires_after(std::chrono::milliseconds(50));
		accept_pause.async_wait([this](boost::system::error_code) {
			if (acceptor.is_open())
				accept();
		});
	});
}

void HttpServer::Impl::admit(tcp::socket socket)
{
	if (connections.size() >= options.max_connections) {
		std::shared_ptr<ServerConnection> oldest;
		for (const auto &c : connections)
			if (!c->handling() &&
			    (!oldest || c->waitingSince() < oldest->waitingSince()))
				oldest = c;
		if (!oldest) {
			// Every connection is inside a handler: those finish soon.
			logger("http")->debug("{} connections busy, refusing one",
					      connections.size());
			return;
		}
		oldest->close();
	}
	auto connection = std::make_shared<ServerConnection>(std::move(socket), *context);
	connection->start(connections.insert(connections.end(), connection));
}

void HttpServer::Impl::closeAll()
{
	std::vector<std::shared_ptr<ServerConnection>> all(connections.begin(), connections.end());
	for (const auto &c : all)
		c->close();
}

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_unique<Impl>())
{
	impl_->options = std::move(options);
	if (impl_->options.handler_threads == 0)
		impl_->options.handler_threads = 1;
	if (impl_->options.max_connections == 0)
		impl_->options.max_connections = 1;
}

HttpServer::~HttpServer()
{
	stop();
}

void HttpServer::get(const std::string &path, Handler handler)
{
	impl_->routes[path] = std::move(handler);
}

void HttpServer::start()
{
	Impl &s = *impl_;
	s.bind();
	s.handler_pool.emplace(s.options.handler_threads);
	s.context.emplace(
		ServerConnectionContext{s.options, s.routes, s.io, *s.handler_pool, s.connections});
	s.keep_running.emplace(s.io.get_executor());
	s.accept();
	s.io_thread = std::thread([&s] {
		for (;;) {
			try {
				s.io.run();
				return;
			} catch (const std::exception &e) {
				logger("http")->error("HTTP server: {}; serving on", e.what());
			}
		}
	});
}

void HttpServer::stop()
{
	Impl &s = *impl_;
	if (!s.io_thread.joinable())
		return;
	asio::post(s.io, [&s] {
		boost::system::error_code ignored;
		s.acceptor.close(ignored);
		s.accept_pause.cancel();
		s.closeAll();
	});
	// Handlers in progress finish; their answers find the connection closed.
	s.handler_pool->join();
	// With no connection, acceptor or handler left, run() returns.
	s.keep_running.reset();
	s.io_thread.join();
}

ListenAddress HttpServer::address() const
{
	return {impl_->options.address.host, impl_->bound_port};
}

} // namespace vigil
