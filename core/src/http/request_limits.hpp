// SPDX-License-Identifier: Apache-2.0
// How a ServerConnection (server_connection.hpp) reads a request header,
// apart from its socket: the read buffer and the parser with the server's
// limits, and what a handler is told of the request.  Header-only, so that
// tests/fuzz/http_request_fuzz.cpp compiles the same code with its own
// instrumentation.
#pragma once

#include "http/server.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace vigil {

// A request is read as a header only: a GET or HEAD has no body.
using RequestParser = boost::beast::http::request_parser<boost::beast::http::empty_body>;

// The read buffer's limit: room for one header at the limit and what a
// client sends behind it; the parser's header limit answers 431 first.
inline std::size_t requestBufferBytes(const HttpServerOptions &options)
{
	return 2 * options.max_header_bytes;
}

// Readies a fresh parser for the next request header.
inline void limitRequestParser(RequestParser &parser, const HttpServerOptions &options)
{
	parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
}

// The request a handler sees: the target without its query, and the
// Authorization header.
inline HttpRequest handlerRequest(const RequestParser::value_type &request)
{
	const auto target = request.target();
	const auto authorization = request[boost::beast::http::field::authorization];
	const std::string path(target.data(), target.size());
	return {path.substr(0, path.find('?')),
		std::string(authorization.data(), authorization.size())};
}

} // namespace vigil
