// SPDX-License-Identifier: Apache-2.0
// The `listen` setting of vigil.yaml: where the HTTP server (/metrics,
// /status) binds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil {

// 17380: outside the block the Prometheus wiki allocates to exporters
// (9100-9999 and up), below Linux's ephemeral ports (32768+).
inline constexpr std::string_view default_listen_address = "127.0.0.1:17380";

struct ListenAddress {
	std::string host; // as written, brackets of an IPv6 literal removed
	int port = 0;	  // 0 = any free port (the run file records which)
};

// "host:port", "[v6]:port"; "off" or "" = no server (nullopt).  Throws
// std::invalid_argument with the reason on anything else.
std::optional<ListenAddress> parseListenAddress(std::string_view text);

// True for 127.0.0.0/8, ::1 and "localhost".
bool isLoopbackHost(std::string_view host);

// "host:port", with brackets around an IPv6 literal.
std::string formatListenAddress(const ListenAddress &address);

} // namespace vigil
