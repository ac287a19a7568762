// SPDX-License-Identifier: Apache-2.0
#include "http/server_connection.hpp"

#include "http/request_limits.hpp"
#include "process/logging.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <exception>
#include <string_view>
#include <utility>

namespace vigil {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

std::chrono::steady_clock::duration seconds(double s)
{
	return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
		std::chrono::duration<double>(s));
}

HttpResponse runHandler(const HttpServer::Handler &handler, const HttpRequest &request)
{
	try {
		return handler(request);
	} catch (const std::exception &e) {
		logger("http")->warn("{} failed: {}", request.path, e.what());
		return {500, "text/plain; charset=utf-8", std::string(e.what()) + "\n", {}, {}};
	} catch (...) {
		logger("http")->warn("{} failed", request.path);
		return {500, "text/plain; charset=utf-8", "internal error\n", {}, {}};
	}
}

// A malformed request (as opposed to a closed, reset or timed-out
// connection, which gets no answer).
bool isParseError(const beast::error_code &ec)
{
	return ec.category() == beast::error_code(http::error::bad_target).category();
}

} // namespace

ServerConnection::ServerConnection(asio::ip::tcp::socket socket, ServerConnectionContext &context)
    : context_(context), stream_(std::move(socket)), buffer_(requestBufferBytes(context.options))
{
}

void ServerConnection::start(ServerConnectionList::iterator self)
{
	self_ = self;
	readHeader();
}

void ServerConnection::enter(Phase phase)
{
	phase_ = phase;
	since_ = Clock::now();
}

void ServerConnection::close()
{
	if (closed_)
		return;
	closed_ = true;
	auto keep = shared_from_this(); // the list's reference may be the last
	beast::error_code ignored;
	stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
	stream_.close();
	context_.connections.erase(self_);
}

// On a kept-alive connection the client may take its time to send the next
// request (idle_timeout); once it has started, the header must follow
// within header_timeout.
void ServerConnection::awaitRequest()
{
	enter(Phase::Reading);
	stream_.expires_after(seconds(context_.options.idle_timeout));
	stream_.async_read_some(buffer_.prepare(512),
				[self = shared_from_this()](beast::error_code ec, size_t n) {
					if (ec || self->closed_)
						return self->close();
					self->buffer_.commit(n);
					self->readHeader();
				});
}

void ServerConnection::readHeader()
{
	if (phase_ != Phase::Reading)
		enter(Phase::Reading);
	parser_.emplace();
	limitRequestParser(*parser_, context_.options);
	stream_.expires_after(seconds(context_.options.header_timeout));
	http::async_read_header(
		stream_, buffer_, *parser_,
		[self = shared_from_this()](beast::error_code ec, size_t) { self->onHeader(ec); });
}

void ServerConnection::onHeader(beast::error_code ec)
{
	if (closed_)
		return;
	if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
		return refuse(431, "431 request header fields too large\n");
	if (ec && isParseError(ec) && ec != http::error::end_of_stream &&
	    ec != http::error::partial_message)
		return refuse(400, "400 bad request\n");
	if (ec)
		return close();

	const auto &req = parser_->get();
	version_ = req.version();
	keep_alive_ = req.keep_alive();
	head_ = req.method() == http::verb::head;
	if (req.method() != http::verb::get && !head_) {
		// The body, if any, is not read: close after answering.
		HttpResponse res{
			405, "text/plain; charset=utf-8", "405 method not allowed\n", {}, {}};
		res.headers["Allow"] = "GET, HEAD";
		return respond(std::move(res), true);
	}
	if (!parser_->is_done())
		return refuse(413, "413 a GET request carries no body\n");

	HttpRequest request = handlerRequest(req);
	auto route = context_.routes.find(request.path);
	if (route == context_.routes.end())
		return respond({404, "text/plain; charset=utf-8", "404 not found\n", {}, {}},
			       false);
	dispatch(route->second, std::move(request));
}

void ServerConnection::dispatch(const HttpServer::Handler &handler, HttpRequest request)
{
	enter(Phase::Handling);
	stream_.expires_never();
	asio::post(context_.handlers, [self = shared_from_this(), &handler,
				       request = std::move(request)] {
		HttpResponse response = runHandler(handler, request);
		asio::post(self->context_.io, [self, response = std::move(response)]() mutable {
			self->respond(std::move(response), false);
		});
	});
}

void ServerConnection::refuse(int status, std::string body)
{
	respond({status, "text/plain; charset=utf-8", std::move(body), {}, {}}, true);
}

void ServerConnection::respond(HttpResponse response, bool close_after)
{
	if (closed_)
		return;
	enter(Phase::Writing);
	response_ = std::move(response);
	const std::string &body = response_.shared_body ? *response_.shared_body : response_.body;
	message_.emplace();
	message_->version(version_);
	message_->result(static_cast<unsigned>(response_.status));
	message_->set(http::field::content_type, response_.content_type);
	for (const auto &[name, value] : response_.headers)
		message_->set(name, value);
	message_->body() = {body.data(), body.size()};
	message_->keep_alive(keep_alive_ && !close_after);
	message_->prepare_payload();
	serializer_.emplace(*message_);
	if (!head_)
		return writeSome();
	stream_.expires_after(seconds(context_.options.write_timeout));
	http::async_write_header(stream_, *serializer_,
				 [self = shared_from_this()](beast::error_code ec, size_t) {
					 if (ec || self->closed_)
						 return self->close();
					 self->onWritten();
				 });
}

// A part at a time, so that write_timeout bounds a stalled client and not a
// large answer to a slow but reading one.
void ServerConnection::writeSome()
{
	since_ = Clock::now();
	stream_.expires_after(seconds(context_.options.write_timeout));
	http::async_write_some(stream_, *serializer_,
			       [self = shared_from_this()](beast::error_code ec, size_t) {
				       if (ec || self->closed_)
					       return self->close();
				       if (!self->serializer_->is_done())
					       return self->writeSome();
				       self->onWritten();
			       });
}

void ServerConnection::onWritten()
{
	const bool keep_alive = message_->keep_alive();
	serializer_.reset();
	message_.reset();
	response_ = {};
	parser_.reset();
	if (!keep_alive)
		return close();
	// A pipelined request may already be in the buffer.
	if (buffer_.size() > 0)
		return readHeader();
	awaitRequest();
}

} // namespace vigil
