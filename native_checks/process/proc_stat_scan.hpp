// SPDX-License-Identifier: Apache-2.0
// Counts processes by state and sums their threads from /proc/<pid>/stat,
// with one open/read/close per process and no iostreams: hosts have
// thousands of pids and this runs every interval.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::process {

// What /proc/<pid>/stat says after the command name: its state letter and
// num_threads, the 20th field.  Empty if the line is not a stat line.
struct StatFields {
	char state = 0;
	uint64_t num_threads = 0;
};
std::optional<StatFields> parseStatLine(std::string_view line);

struct ProcessCensus {
	// Indexed by the state letter (an ASCII byte).
	std::array<uint64_t, 128> by_state{};
	uint64_t other_states = 0; // letters outside ASCII
	uint64_t processes = 0;
	uint64_t threads = 0;
	// Stat files that could be read but not parsed, or not read for a
	// reason other than the process having exited.
	std::vector<std::string> problems;
	uint64_t problem_count = 0;
};

// Scans every numeric directory of `proc_root`.  Throws FileError naming
// `proc_root` if it cannot be listed.  Keeps the first `max_problems`
// messages; problem_count has them all.
ProcessCensus scanProcesses(const std::string &proc_root, size_t max_problems);

} // namespace vigil::process
