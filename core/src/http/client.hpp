// SPDX-License-Identifier: Apache-2.0
// HttpClient: a blocking HTTP/1.1 client (Boost.Beast) for one origin, used
// by the remote-write sender and `vigil status`.  It keeps its connection
// alive between requests and makes a new one when the server has closed it.
// https:// goes through Asio's OpenSSL stream in builds with TLS: the
// server's certificate must chain to the system's trusted CAs (OpenSSL's
// default paths; SSL_CERT_FILE and SSL_CERT_DIR override them) and name
// the URL's host.
//
// Threads: none of its own.  A request runs on the caller's thread, on the
// client's private io_context; one thread at a time may use a client.
#pragma once

#include "http/url.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpClientRequest {
	std::string method = "GET";
	std::string target = "/"; // path and query
	HttpHeaders headers;	  // Host and Content-Length are added
	std::string_view body;	  // not copied: must outlive send()
	// A longer answer is an error (status 0), not a truncation: the default
	// is far above a /status of many thousand checks, and bounds memory.
	std::uint64_t max_body = 64 << 20;
};

struct HttpClientResponse {
	int status = 0;	   // 0: no response, see error
	std::string error; // why there was no response: one line naming the step that failed
	HttpHeaders headers;
	std::string body;

	// The value of the first header called `name` (any case), "" if none.
	std::string header(std::string_view name) const;
};

class HttpClient {
public:
	// Throws std::runtime_error for an https:// URL in a build without TLS.
	explicit HttpClient(HttpUrl origin);
	~HttpClient();
	HttpClient(const HttpClient &) = delete;
	HttpClient &operator=(const HttpClient &) = delete;

	// Sends `request` to the origin and reads the whole answer, giving up
	// `timeout_seconds` after the call (connecting and the TLS handshake
	// included; a name lookup is bounded by the resolver's own timeouts).
	// Never throws.
	HttpClientResponse send(const HttpClientRequest &request, double timeout_seconds);

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

} // namespace vigil
