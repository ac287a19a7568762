// SPDX-License-Identifier: Apache-2.0
#include "http/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace vigil {

namespace {

bool startsWithNoCase(std::string_view s, std::string_view prefix)
{
	return s.size() >= prefix.size() &&
	       std::equal(prefix.begin(), prefix.end(), s.begin(), [](char lower, char c) {
		       return std::tolower(static_cast<unsigned char>(c)) == lower;
	       });
}

// A DNS name or an IPv4 address (letters, digits, '-', '.', '_' as
// container names have them); in brackets an IPv6 address (hex digits,
// ':', '.', at least one ':'), with an optional zone after '%'.
bool validHost(std::string_view host, bool bracketed)
{
	const auto nameChar = [](char c) {
		return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
		       c == '_';
	};
	if (!bracketed)
		return std::all_of(host.begin(), host.end(), nameChar);
	const std::string_view address = host.substr(0, host.find('%'));
	const std::string_view zone = host.substr(address.size());
	return address.find(':') != std::string_view::npos &&
	       std::all_of(address.begin(), address.end(),
			   [](char c) {
				   return std::isxdigit(static_cast<unsigned char>(c)) ||
					  c == ':' || c == '.';
			   }) &&
	       (zone.empty() ||
		(zone.size() > 1 && std::all_of(zone.begin() + 1, zone.end(), nameChar)));
}

std::optional<HttpUrl> fail(std::string *error, std::string reason)
{
	if (error)
		*error = std::move(reason);
	return std::nullopt;
}

} // namespace

std::string HttpUrl::hostHeader() const
{
	std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
	if (port != (tls ? "443" : "80"))
		out += ":" + port;
	return out;
}

std::optional<HttpUrl> parseHttpUrl(std::string_view url, std::string *error)
{
	HttpUrl out;
	std::string_view rest;
	if (startsWithNoCase(url, "http://")) {
		rest = url.substr(7);
	} else if (startsWithNoCase(url, "https://")) {
		out.tls = true;
		rest = url.substr(8);
	} else {
		return fail(error, "not an http:// or https:// URL");
	}
	if (rest.find('#') != std::string_view::npos)
		return fail(error, "a URL with a fragment (#) cannot be sent");
	const size_t end = std::min(rest.find('/'), rest.find('?'));
	std::string_view authority = rest.substr(0, end);
	out.target = end == std::string_view::npos ? "/" : std::string(rest.substr(end));
	if (out.target.front() == '?')
		out.target.insert(0, "/");
	if (authority.find('@') != std::string_view::npos)
		return fail(error, "user info in the URL is not supported");

	std::string_view port;
	if (!authority.empty() && authority.front() == '[') {
		const size_t close = authority.find(']');
		if (close == std::string_view::npos)
			return fail(error, "an IPv6 address without its closing ]");
		out.host = authority.substr(1, close - 1);
		std::string_view after = authority.substr(close + 1);
		if (!after.empty() && after.front() != ':')
			return fail(error, "unexpected text after the IPv6 address");
		port = after.empty() ? after : after.substr(1);
		if (after == ":")
			return fail(error, "an empty port");
	} else {
		const size_t colon = authority.find(':');
		out.host = authority.substr(0, colon);
		if (colon != std::string_view::npos) {
			port = authority.substr(colon + 1);
			if (port.empty())
				return fail(error, "an empty port");
		}
	}
	if (out.host.empty())
		return fail(error, "no host");
	if (!validHost(out.host, !authority.empty() && authority.front() == '['))
		return fail(error, "the host '" + out.host + "' is not a name or an address");
	// The target goes into the request line as it is: a space or a line
	// break would end it and start a header of the URL's choosing.
	if (std::any_of(out.target.begin(), out.target.end(),
			[](char c) { return static_cast<unsigned char>(c) <= ' ' || c == '\x7f'; }))
		return fail(error, "a space or a control character in the path; percent-encode it");
	if (port.empty()) {
		out.port = out.tls ? "443" : "80";
	} else {
		int value = 0;
		auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
		if (ec != std::errc() || ptr != port.data() + port.size() || value < 1 ||
		    value > 65535)
			return fail(error, "the port must be a number from 1 to 65535, got '" +
						   std::string(port) + "'");
		out.port = std::to_string(value);
	}
	return out;
}

} // namespace vigil
