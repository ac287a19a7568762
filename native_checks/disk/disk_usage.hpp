// SPDX-License-Identifier: Apache-2.0
// What the disk check reports for one filesystem, computed from statvfs(3)
// fields the way the Datadog disk check (via psutil) does.  Header-only and
// free of the SDK so tests pin the arithmetic with made-up statvfs results.
#pragma once

#include <cstdint>
#include <optional>

namespace vigil::disk {

// The statvfs(3) fields the check uses, in the units statvfs gives.
struct FsStats {
	uint64_t fragment_size = 0; // f_frsize: unit of the block counts
	uint64_t blocks = 0;	    // f_blocks
	uint64_t blocks_free = 0;   // f_bfree: free, root-reserved blocks included
	uint64_t blocks_avail = 0;  // f_bavail: free to unprivileged users
	uint64_t files = 0;	    // f_files: inodes
	uint64_t files_free = 0;    // f_ffree
};

struct DiskUsage {
	double total_kb = 0;
	double used_kb = 0;
	double free_kb = 0; // what unprivileged users can still write
	// used / (used + free): the root-reserved blocks count neither as used
	// nor as free, so a filesystem is "full" (1.0) when users cannot write.
	// Absent when used + free is 0.
	std::optional<double> in_use;
	double total_bytes = 0;
};

struct InodeUsage {
	double total = 0;
	double used = 0;
	double free = 0;
	double in_use = 0; // used / total
};

inline DiskUsage computeDiskUsage(const FsStats &s)
{
	// In double: exact for every byte count below 8 PiB, and free of the
	// uint64 overflow blocks * fragment_size would hit at 16 EiB.
	DiskUsage u;
	uint64_t bfree = s.blocks_free < s.blocks ? s.blocks_free : s.blocks;
	double unit = static_cast<double>(s.fragment_size);
	double total = static_cast<double>(s.blocks) * unit;
	double used = static_cast<double>(s.blocks - bfree) * unit;
	double avail = static_cast<double>(s.blocks_avail) * unit;
	u.total_bytes = total;
	u.total_kb = total / 1024;
	u.used_kb = used / 1024;
	u.free_kb = avail / 1024;
	if (used + avail > 0)
		u.in_use = used / (used + avail);
	return u;
}

// Absent when the filesystem has no inode count (f_files 0: vfat, btrfs
// on some kernels), as in the Datadog check.
inline std::optional<InodeUsage> computeInodeUsage(const FsStats &s)
{
	if (s.files == 0)
		return std::nullopt;
	uint64_t ffree = s.files_free < s.files ? s.files_free : s.files;
	InodeUsage u;
	u.total = static_cast<double>(s.files);
	u.free = static_cast<double>(ffree);
	u.used = static_cast<double>(s.files - ffree);
	u.in_use = u.used / u.total;
	return u;
}

} // namespace vigil::disk
