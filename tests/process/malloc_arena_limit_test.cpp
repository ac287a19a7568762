// SPDX-License-Identifier: Apache-2.0
// limitMallocArenas() must keep threads on the main arena.  A binary of its
// own: threads that other tests started would already have their arenas.
#include "process/malloc_arena_limit.hpp"

#include <gtest/gtest.h>

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

// Arenas in use, from malloc_info()'s XML: one <heap nr="N"> per arena.
int arenaCount()
{
	char *text = nullptr;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	malloc_info(0, out);
	std::fclose(out);
	std::string xml(text, size);
	std::free(text);
	int heaps = 0;
	for (size_t at = xml.find("<heap nr="); at != std::string::npos;
	     at = xml.find("<heap nr=", at + 1))
		++heaps;
	return heaps;
}

TEST(MallocArenaLimit, ThreadsAllocateFromOneArena)
{
	if (std::getenv("MALLOC_ARENA_MAX") || std::getenv("GLIBC_TUNABLES"))
		GTEST_SKIP() << "the environment sets the arena limit";
	vigil::limitMallocArenas();
	std::vector<std::thread> threads;
	for (int i = 0; i < 4; ++i)
		threads.emplace_back([] {
			std::vector<std::string> kept;
			for (int j = 0; j < 100; ++j)
				kept.emplace_back(1000, 'x');
		});
	for (auto &thread : threads)
		thread.join();
	EXPECT_EQ(arenaCount(), 1);
}

} // namespace
