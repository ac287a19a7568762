// SPDX-License-Identifier: Apache-2.0
#include "process/malloc_arena_limit.hpp"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace vigil {

void limitMallocArenas()
{
	const char *tunables = std::getenv("GLIBC_TUNABLES");
	if (std::getenv("MALLOC_ARENA_MAX") ||
	    (tunables && std::strstr(tunables, "glibc.malloc.arena_max")))
		return;
#ifdef M_ARENA_MAX // glibc's; other C libraries have no arenas to limit
	mallopt(M_ARENA_MAX, 1);
#endif
}

} // namespace vigil
