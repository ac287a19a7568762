// SPDX-License-Identifier: Apache-2.0
// The parts of /proc/stat the cpu check needs: the aggregate "cpu" line,
// how many "cpuN" lines follow it, and the "ctxt" counter.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::system {

// Columns of a "cpu" line, in kernel order (USER_HZ ticks summed over all
// CPUs).  Older kernels print fewer of them; `columns` says how many.
enum CpuColumn : size_t {
	CPU_USER,
	CPU_NICE,
	CPU_SYSTEM,
	CPU_IDLE,
	CPU_IOWAIT,
	CPU_IRQ,
	CPU_SOFTIRQ,
	CPU_STEAL,
	CPU_GUEST,
	CPU_GUEST_NICE,
	CPU_COLUMN_COUNT,
};

struct CpuTimes {
	std::array<uint64_t, CPU_COLUMN_COUNT> ticks{};
	size_t columns = 0;

	bool has(CpuColumn c) const { return c < columns; }
};

struct ProcStat {
	CpuTimes total;
	unsigned cores = 0; // "cpuN" lines
	std::optional<uint64_t> context_switches;
};

// Throws FileError naming `file` when the "cpu" line is missing or malformed.
ProcStat parseProcStat(std::string_view text, const std::string &file);

} // namespace vigil::system
