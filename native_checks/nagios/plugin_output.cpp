// SPDX-License-Identifier: Apache-2.0
#include "plugin_output.hpp"

namespace vigil::nagios {

namespace {

std::string_view trim(std::string_view s)
{
	const char *space = " \t\r\n\v\f";
	size_t b = s.find_first_not_of(space);
	if (b == std::string_view::npos)
		return {};
	return s.substr(b, s.find_last_not_of(space) - b + 1);
}

// Splits off the first line (without its '\n') and advances `rest`.
std::string_view takeLine(std::string_view &rest)
{
	size_t eol = rest.find('\n');
	std::string_view line = rest.substr(0, eol);
	rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
	return line;
}

void appendPart(std::string &out, std::string_view part)
{
	part = trim(part);
	if (part.empty())
		return;
	if (!out.empty())
		out += ' ';
	out.append(part);
}

} // namespace

PluginOutput splitPluginOutput(std::string_view text)
{
	PluginOutput out;
	std::string_view rest = text;
	std::string_view first = takeLine(rest);
	size_t bar = first.find('|');
	out.message = trim(first.substr(0, bar));
	if (bar != std::string_view::npos)
		appendPart(out.perfdata, first.substr(bar + 1));

	while (!rest.empty()) {
		std::string_view line = takeLine(rest);
		bar = line.find('|');
		if (bar == std::string_view::npos)
			continue; // long text
		appendPart(out.perfdata, line.substr(bar + 1));
		appendPart(out.perfdata, rest); // every later line is perfdata
		break;
	}
	return out;
}

std::string_view firstLine(std::string_view text)
{
	return trim(takeLine(text));
}

std::string capped(std::string_view text, size_t max_bytes)
{
	if (text.size() <= max_bytes)
		return std::string(text);
	size_t cut = max_bytes;
	// Back off continuation bytes (10xxxxxx) so no character is split.
	while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
		--cut;
	return std::string(text.substr(0, cut)) + "...";
}

} // namespace vigil::nagios
