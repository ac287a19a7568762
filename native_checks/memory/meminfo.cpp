// SPDX-License-Identifier: Apache-2.0
#include "meminfo.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace vigil::memory {

namespace {

using Field = std::optional<uint64_t> Meminfo::*;

// Keys as /proc/meminfo spells them (Documentation/filesystems/proc.rst).
constexpr std::array<std::pair<std::string_view, Field>, 14> kFields{{
	{"MemTotal", &Meminfo::mem_total},
	{"MemFree", &Meminfo::mem_free},
	{"MemAvailable", &Meminfo::mem_available},
	{"Buffers", &Meminfo::buffers},
	{"Cached", &Meminfo::cached},
	{"Shmem", &Meminfo::shmem},
	{"Slab", &Meminfo::slab},
	{"SReclaimable", &Meminfo::slab_reclaimable},
	{"PageTables", &Meminfo::page_tables},
	{"CommitLimit", &Meminfo::commit_limit},
	{"Committed_AS", &Meminfo::committed_as},
	{"SwapTotal", &Meminfo::swap_total},
	{"SwapFree", &Meminfo::swap_free},
	{"SwapCached", &Meminfo::swap_cached},
}};

bool isBlank(char c)
{
	return c == ' ' || c == '\t';
}

// "   1234 kB" -> 1234; the unit, when present, must be kB (the only one the
// kernel prints for these fields).
std::optional<uint64_t> parseKilobytes(std::string_view rest)
{
	size_t i = 0;
	while (i < rest.size() && isBlank(rest[i]))
		++i;
	uint64_t value = 0;
	auto [end, ec] = std::from_chars(rest.data() + i, rest.data() + rest.size(), value);
	if (ec != std::errc() || end == rest.data() + i)
		return std::nullopt;
	std::string_view unit = rest.substr(static_cast<size_t>(end - rest.data()));
	while (!unit.empty() && isBlank(unit.front()))
		unit.remove_prefix(1);
	while (!unit.empty() && (isBlank(unit.back()) || unit.back() == '\r'))
		unit.remove_suffix(1);
	if (!unit.empty() && unit != "kB")
		return std::nullopt;
	return value;
}

} // namespace

Meminfo parseMeminfo(std::string_view text)
{
	Meminfo info;
	while (!text.empty()) {
		size_t eol = text.find('\n');
		std::string_view line = text.substr(0, eol);
		text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);

		size_t colon = line.find(':');
		if (colon == std::string_view::npos)
			continue;
		std::string_view key = line.substr(0, colon);
		for (const auto &[name, field] : kFields) {
			if (key != name)
				continue;
			std::optional<uint64_t> value = parseKilobytes(line.substr(colon + 1));
			if (value)
				info.*field = value;
			else
				info.malformed_lines.emplace_back(line);
			break;
		}
	}
	return info;
}

} // namespace vigil::memory
