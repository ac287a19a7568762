// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the HTTP server's request reading
// (core/src/http/server_connection.cpp): the input is what a client sends on
// one connection.  It is read as a ServerConnection reads it, with the same
// read buffer, Beast request parser and limits (core/src/http/
// request_limits.hpp, the server's default options) and the same decisions:
// an error ends the connection (431, 400 or a plain close), anything but GET
// and HEAD ends it (405), so does a body (413); otherwise the handler's
// request is made from the header (path without the query, Authorization),
// and a kept-alive connection reads its next request from what is left.
// The bytes arrive in pieces of sizes that vary with the input, as from a
// socket.  A crash, a sanitizer report, an exception or a hang is a bug, and
// so is a request accepted past the header limit.
#include "http/request_limits.hpp"
#include "seed_corpus.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;

// A SyncReadStream over the input: each read_some() returns the next piece,
// then end of file, as a client that sent the input and shut down its side.
class InputStream {
public:
	InputStream(std::string_view input) : input_(input) {}

	template <class MutableBufferSequence>
	std::size_t read_some(const MutableBufferSequence &buffers, beast::error_code &ec)
	{
		if (at_ == input_.size()) {
			ec = boost::asio::error::eof;
			return 0;
		}
		ec = {};
		const std::size_t piece = 1 + (input_.size() * 31 + reads_++ * 17) % 97;
		const std::size_t n = boost::asio::buffer_copy(
			buffers, boost::asio::buffer(input_.data() + at_,
						     std::min(piece, input_.size() - at_)));
		at_ += n;
		return n;
	}

	template <class MutableBufferSequence>
	std::size_t read_some(const MutableBufferSequence &buffers)
	{
		beast::error_code ec;
		const std::size_t n = read_some(buffers, ec);
		if (ec)
			throw beast::system_error(ec);
		return n;
	}

private:
	std::string_view input_;
	std::size_t at_ = 0;
	std::size_t reads_ = 0;
};

} // namespace

namespace vigil::fuzz {

void writeSeeds(const SeedWriter &seeds)
{
	seeds.add("get.http", "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
	seeds.add("status.http", "GET /status?format=json&x=%20 HTTP/1.1\r\n"
				 "Host: 127.0.0.1:17380\r\n"
				 "Authorization: Bearer s3cr3t\r\n"
				 "User-Agent: vigil/0.1\r\nAccept: */*\r\n\r\n");
	seeds.add("head_http10.http", "HEAD /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
	seeds.add("pipelined.http", "GET /metrics HTTP/1.1\r\n\r\n"
				    "HEAD /status HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
				    "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n");
	seeds.add("post.http", "POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
	seeds.add("get_body.http", "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
				   "5\r\nhello\r\n0\r\n\r\n");
	seeds.add("folded.http", "GET /a HTTP/1.1\r\nX-Long: a\r\n  b\r\n"
				 "Authorization: Basic dTpw\r\nAuthorization: again\r\n\r\n");
	seeds.add("bad.http", "GET /\x01 HTTP/1.1\r\nHost x\r\n\r\n");
	seeds.add("absolute.http", "GET http://h:1/m?q HTTP/1.1\r\n\r\n");
	seeds.add("large.http",
		  "GET /metrics HTTP/1.1\r\nCookie: " + std::string(8200, 'c') + "\r\n\r\n");
}

} // namespace vigil::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const vigil::HttpServerOptions options; // what vigil.yaml leaves alone
	InputStream stream({reinterpret_cast<const char *>(data), size});
	beast::flat_buffer buffer(vigil::requestBufferBytes(options));
	// Each request takes at least a byte of the input; the bound is for
	// the case that one does not.
	for (std::size_t request = 0; request <= size; ++request) {
		vigil::RequestParser parser;
		vigil::limitRequestParser(parser, options);
		beast::error_code ec;
		http::read_header(stream, buffer, parser, ec);
		if (ec)
			return 0; // 431, 400 or closed
		const auto &header = parser.get();
		if (header.method() != http::verb::get && header.method() != http::verb::head)
			return 0; // 405 and close
		if (!parser.is_done())
			return 0; // 413 and close
		const vigil::HttpRequest handled = vigil::handlerRequest(header);
		if (handled.path.find('?') != std::string::npos ||
		    handled.path.size() > options.max_header_bytes ||
		    handled.authorization.size() > options.max_header_bytes)
			std::abort();
		if (!header.keep_alive())
			return 0;
	}
	std::abort(); // a request that took nothing from the input
}
