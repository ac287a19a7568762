// SPDX-License-Identifier: Apache-2.0
#include "process/startup_page_release.hpp"

#include <sys/mman.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <vector>

namespace vigil {

namespace {

struct Mapping {
	uintptr_t start = 0;
	uintptr_t end = 0;
	bool eligible = false;
	size_t rss_kb = 0;
	size_t anonymous_kb = 0;
};

// The header line of an smaps entry: "start-end perms offset dev inode path".
// Eligible: read-only, private and backed by a file (inode != 0); pseudo
// files such as [vdso] have inode 0.
bool parseHeader(const char *line, Mapping *mapping)
{
	char perms[5] = {};
	unsigned long long inode = 0;
	uintptr_t start = 0, end = 0;
	if (std::sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %4s %*s %*s %llu", &start, &end, perms,
			&inode) != 4)
		return false;
	mapping->start = start;
	mapping->end = end;
	mapping->eligible = perms[1] != 'w' && perms[3] == 'p' && inode != 0;
	return true;
}

// smaps is read whole before any madvise(), so that releasing cannot change
// the text being parsed.
std::vector<Mapping> readMappings()
{
	std::vector<Mapping> mappings;
	FILE *smaps = std::fopen("/proc/self/smaps", "re");
	if (!smaps)
		return mappings;
	char line[4096];
	while (std::fgets(line, sizeof(line), smaps)) {
		// Field lines start with a capitalised "Name:", headers with a
		// lower-case hex address.
		if (line[0] >= 'A' && line[0] <= 'Z') {
			size_t kb = 0;
			if (mappings.empty())
				continue;
			if (std::sscanf(line, "Rss: %zu kB", &kb) == 1)
				mappings.back().rss_kb = kb;
			else if (std::sscanf(line, "Anonymous: %zu kB", &kb) == 1)
				mappings.back().anonymous_kb = kb;
			continue;
		}
		Mapping header;
		if (parseHeader(line, &header))
			mappings.push_back(header);
	}
	std::fclose(smaps);
	return mappings;
}

} // namespace

PageReleaseResult releaseStartupPages()
{
	PageReleaseResult result;
	for (const Mapping &mapping : readMappings()) {
		if (!mapping.eligible || mapping.anonymous_kb != 0 || mapping.rss_kb == 0)
			continue;
		// Fails harmlessly (EINVAL) on locked mappings; they stay resident.
		if (madvise(reinterpret_cast<void *>(mapping.start), mapping.end - mapping.start,
			    MADV_DONTNEED) != 0)
			continue;
		++result.mappings;
		result.bytes += mapping.rss_kb * 1024;
	}
	return result;
}

} // namespace vigil
