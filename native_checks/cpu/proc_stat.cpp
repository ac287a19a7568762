// SPDX-License-Identifier: Apache-2.0
#include "proc_stat.hpp"

#include "system_root.hpp"

#include <charconv>

namespace vigil::system {

namespace {

bool isDigit(char c)
{
	return c >= '0' && c <= '9';
}

// Parses the space-separated counters after a "cpu" label.  A line that has
// more columns than we know is fine (a newer kernel); one with fewer than
// user, nice, system and idle is not a /proc/stat we understand.
bool parseCpuTimes(std::string_view rest, CpuTimes &out)
{
	const char *p = rest.data();
	const char *end = p + rest.size();
	out.columns = 0;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			++p;
		if (p == end || out.columns == CPU_COLUMN_COUNT)
			break;
		auto [next, ec] = std::from_chars(p, end, out.ticks[out.columns]);
		if (ec != std::errc() || (next < end && *next != ' ' && *next != '\t'))
			return false;
		++out.columns;
		p = next;
	}
	return out.columns > CPU_IDLE;
}

} // namespace

ProcStat parseProcStat(std::string_view text, const std::string &file)
{
	ProcStat stat;
	bool seen_total = false;
	while (!text.empty()) {
		size_t eol = text.find('\n');
		std::string_view line = text.substr(0, eol);
		text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);

		if (line.starts_with("cpu")) {
			std::string_view rest = line.substr(3);
			if (!rest.empty() && isDigit(rest.front())) {
				++stat.cores;
				continue;
			}
			if (!parseCpuTimes(rest, stat.total))
				throw FileError("malformed 'cpu' line in '" + file + "'");
			seen_total = true;
		} else if (line.starts_with("ctxt ")) {
			std::string_view value = line.substr(5);
			uint64_t v = 0;
			auto [next, ec] =
				std::from_chars(value.data(), value.data() + value.size(), v);
			// A bad ctxt line costs one metric, not the whole check.
			if (ec == std::errc() && next == value.data() + value.size())
				stat.context_switches = v;
			// Nothing we read follows ctxt; skip btime, processes, softirq.
			if (seen_total)
				break;
		}
	}
	if (!seen_total)
		throw FileError("no 'cpu' line in '" + file + "'");
	return stat;
}

} // namespace vigil::system
