// SPDX-License-Identifier: Apache-2.0
// Gives back the code pages that only start-up needed.
//
// Start-up (CLI and YAML parsing, discovery, loading every plugin) runs code
// all over vigil's, libc's and every plugin's text, and the kernel maps file
// pages 64 kB at a time around each fault, so after start-up nearly every
// code page of every object stays in the agent's RSS although the idle loop
// runs a small part of it.  releaseStartupPages() unmaps the agent's clean,
// read-only, file-backed pages (MADV_DONTNEED); those the agent still runs
// fault back in from the page cache on their next use.  This is the kernel's
// "free init memory" idea applied from user space; docs/performance.md
// measures it.
//
// Only pages that are byte-for-byte the file's are released: a private
// mapping that is writable, or that has any copy-on-write page (a RELRO
// segment, text relocations, a debugger's breakpoint) is left alone, so no
// written state is ever thrown away.
#pragma once

#include <cstddef>

namespace vigil {

struct PageReleaseResult {
	size_t mappings = 0; // mappings released
	size_t bytes = 0;    // resident bytes they had before
};

// Reads /proc/self/smaps and releases every eligible mapping.  Throws only
// std::bad_alloc; a process without /proc releases nothing.
PageReleaseResult releaseStartupPages();

} // namespace vigil
