// SPDX-License-Identifier: Apache-2.0
// A plugin's stdout in its parts, as Nagios 3 and later read it:
//
//   TEXT OUTPUT | OPTIONAL PERFDATA
//   LONG TEXT LINE 1
//   ...
//   LONG TEXT LINE N | PERFDATA LINE 2
//   PERFDATA LINE 3
//
// The first line's text before `|` is the service output; the long text
// runs until the first later line with a `|`, after which everything,
// following lines included, is performance data.  A `|` in the long text
// before that line therefore cannot exist: it would be that line.
#pragma once

#include <string>
#include <string_view>

namespace vigil::nagios {

struct PluginOutput {
	std::string_view message; // first line before '|', spaces trimmed
	std::string perfdata;	  // both performance data parts, joined by a space
};

PluginOutput splitPluginOutput(std::string_view stdout_text);

// The first line of `text`, trimmed (stderr's, when stdout says nothing).
std::string_view firstLine(std::string_view text);

// `text` cut to at most `max_bytes`, on a UTF-8 character boundary, with
// "..." appended when it was cut.
std::string capped(std::string_view text, size_t max_bytes);

} // namespace vigil::nagios
