// SPDX-License-Identifier: Apache-2.0
#include "net_dev.hpp"

#include "system_root.hpp"

#include <charconv>

namespace vigil::network {

namespace {

bool isBlank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view s)
{
	while (!s.empty() && isBlank(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && isBlank(s.back()))
		s.remove_suffix(1);
	return s;
}

std::string_view nextLine(std::string_view &text)
{
	size_t eol = text.find('\n');
	std::string_view line = text.substr(0, eol);
	text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
	return line;
}

// "eth0: 1 2 ... 16" -> counters; false if it is not such a line.
bool parseInterfaceLine(std::string_view line, InterfaceCounters &out)
{
	// Interface names cannot hold ':' here (an alias "eth0:1" has no
	// line of its own), and old kernels glue the first number to it.
	size_t colon = line.find(':');
	if (colon == std::string_view::npos)
		return false;
	out.name = trim(line.substr(0, colon));
	if (out.name.empty())
		return false;
	const char *p = line.data() + colon + 1;
	const char *end = line.data() + line.size();
	for (uint64_t &column : out.columns) {
		while (p < end && isBlank(*p))
			++p;
		auto [stop, ec] = std::from_chars(p, end, column);
		if (ec != std::errc() || stop == p || (stop < end && !isBlank(*stop)))
			return false;
		p = stop;
	}
	// Columns a later kernel may append are ignored.
	return true;
}

} // namespace

NetDev parseNetDev(std::string_view text, const std::string &path)
{
	std::string_view first = nextLine(text);
	std::string_view second = nextLine(text);
	if (first.find('|') == std::string_view::npos || second.find('|') == std::string_view::npos)
		throw system::FileError("malformed '" + path +
					"': expected two header lines with '|' columns");
	NetDev dev;
	while (!text.empty()) {
		std::string_view line = nextLine(text);
		if (trim(line).empty())
			continue;
		InterfaceCounters counters;
		if (parseInterfaceLine(line, counters))
			dev.interfaces.push_back(counters);
		else
			dev.malformed_lines.emplace_back(trim(line));
	}
	return dev;
}

} // namespace vigil::network
