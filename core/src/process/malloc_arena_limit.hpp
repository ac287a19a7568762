// SPDX-License-Identifier: Apache-2.0
// One malloc arena for the whole agent.
//
// glibc gives each thread that contends for malloc an arena of its own, up
// to eight per core, and memory freed into an arena stays in it.  The agent's
// runners and HTTP threads each allocate a little per run or scrape, so each
// kept an arena of 80-90 kB resident: about 200 kB of a 3 MB agent
// (docs/performance.md).  Per-thread caches (tcache) serve most small
// allocations without the arena lock, and the agent allocates at a low rate,
// so one arena costs it no measurable time.
#pragma once

namespace vigil {

// Limits malloc to one arena, unless the operator chose a limit through
// MALLOC_ARENA_MAX or GLIBC_TUNABLES (glibc.malloc.arena_max).  Call before
// the agent starts its threads.
void limitMallocArenas();

} // namespace vigil
