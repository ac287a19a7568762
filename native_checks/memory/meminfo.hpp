// SPDX-License-Identifier: Apache-2.0
// The /proc/meminfo fields the memory check reports, parsed without iostreams.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::memory {

// Values in kB as the kernel prints them; a field the kernel did not print
// (older kernels lack MemAvailable, Shmem, SReclaimable...) stays empty.
struct Meminfo {
	std::optional<uint64_t> mem_total;
	std::optional<uint64_t> mem_free;
	std::optional<uint64_t> mem_available;
	std::optional<uint64_t> buffers;
	std::optional<uint64_t> cached;
	std::optional<uint64_t> shmem;
	std::optional<uint64_t> slab;
	std::optional<uint64_t> slab_reclaimable;
	std::optional<uint64_t> page_tables;
	std::optional<uint64_t> commit_limit;
	std::optional<uint64_t> committed_as;
	std::optional<uint64_t> swap_total;
	std::optional<uint64_t> swap_free;
	std::optional<uint64_t> swap_cached;

	// Lines of a field we use whose value is not a number; the field stays
	// empty and the caller decides whether that is fatal.
	std::vector<std::string> malformed_lines;
};

Meminfo parseMeminfo(std::string_view text);

} // namespace vigil::memory
