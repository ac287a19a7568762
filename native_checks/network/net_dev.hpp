// SPDX-License-Identifier: Apache-2.0
// Per-interface counters of /proc/net/dev, parsed without iostreams.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::network {

// The 16 columns after "iface:", in the kernel's order: receive bytes
// packets errs drop fifo frame compressed multicast, then transmit bytes
// packets errs drop fifo colls carrier compressed.
enum Column : size_t {
	kRxBytes = 0,
	kRxPackets = 1,
	kRxErrors = 2,
	kRxDrops = 3,
	kTxBytes = 8,
	kTxPackets = 9,
	kTxErrors = 10,
	kTxDrops = 11,
	kColumnCount = 16,
};

struct InterfaceCounters {
	std::string_view name; // points into the parsed text
	std::array<uint64_t, kColumnCount> columns{};
};

struct NetDev {
	std::vector<InterfaceCounters> interfaces;
	std::vector<std::string> malformed_lines;
};

// The text must outlive the result (names are views into it).  Throws
// FileError naming `path` if the two header lines are missing.
NetDev parseNetDev(std::string_view text, const std::string &path);

} // namespace vigil::network
