// SPDX-License-Identifier: Apache-2.0
#include "config/listen_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <stdexcept>

namespace vigil {

std::optional<ListenAddress> parseListenAddress(std::string_view text)
{
	if (text.empty() || text == "off")
		return std::nullopt;
	size_t colon = text.rfind(':');
	if (colon == std::string_view::npos)
		throw std::invalid_argument("must be host:port or off, got '" + std::string(text) +
					    "'");
	std::string_view host = text.substr(0, colon);
	std::string_view port = text.substr(colon + 1);
	if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
		host = host.substr(1, host.size() - 2);
	else if (host.find(':') != std::string_view::npos)
		throw std::invalid_argument(
			"an IPv6 address must be in brackets, like [::1]:17380, "
			"got '" +
			std::string(text) + "'");
	if (host.empty())
		throw std::invalid_argument("missing host (use 127.0.0.1, or 0.0.0.0 for every "
					    "interface), got '" +
					    std::string(text) + "'");
	int value = -1;
	auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
	if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 0 ||
	    value > 65535)
		throw std::invalid_argument("port must be a number from 0 to 65535, got '" +
					    std::string(port) + "'");
	return ListenAddress{std::string(host), value};
}

bool isLoopbackHost(std::string_view host)
{
	if (host == "localhost")
		return true;
	std::string h(host);
	in_addr v4{};
	if (inet_pton(AF_INET, h.c_str(), &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	in6_addr v6{};
	if (inet_pton(AF_INET6, h.c_str(), &v6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&v6);
	return false;
}

std::string formatListenAddress(const ListenAddress &address)
{
	std::string host = address.host.find(':') != std::string::npos ? "[" + address.host + "]"
								       : address.host;
	return host + ":" + std::to_string(address.port);
}

} // namespace vigil
