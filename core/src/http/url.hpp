// SPDX-License-Identifier: Apache-2.0
// HttpUrl: an http:// or https:// URL split into what a request needs (the
// remote-write url of vigil.yaml, the agent's address for `vigil status`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil {

struct HttpUrl {
	bool tls = false;   // https://
	std::string host;   // a name or an address; an IPv6 literal without its brackets
	std::string port;   // as written, else "80" or "443"
	std::string target; // path and query; "/" when the URL has none

	// host[:port] for the Host header: brackets around an IPv6 literal, the
	// port only when not the scheme's default.
	std::string hostHeader() const;
};

// "http[s]://host[:port][/path][?query]" (scheme case-insensitive).  Sets
// *error to the reason and returns nullopt on anything else: another scheme,
// no host, user info, a bad port, a fragment.
std::optional<HttpUrl> parseHttpUrl(std::string_view url, std::string *error = nullptr);

} // namespace vigil
