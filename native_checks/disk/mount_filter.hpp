// SPDX-License-Identifier: Apache-2.0
// MountFilter: which mount table entries the disk check reports, by the
// Datadog disk check's options (file_system_*, device_*, mount_point_*
// include/exclude lists of regular expressions, matched at the start of the
// value like Python's re.match).  Patterns are compiled once, at create time,
// and decisions are cached per mount, so a run matches no regex for mounts it
// saw before.
#pragma once

#include "mount_table.hpp"
#include "pattern_list.hpp"

#include <vigil/check.hpp>

#include <string>
#include <unordered_map>
#include <vector>

namespace vigil::disk {

using vigil::system::PatternList;

class MountFilter {
public:
	explicit MountFilter(const vigil::Setup &setup);

	bool accepts(const MountEntry &entry);

	// Filesystem types skipped unless init_config's file_system_global_exclude
	// replaces this list: kernel interfaces without capacity, and autofs,
	// whose statvfs would trigger the automount it stands for.
	static const std::vector<std::string> &defaultFileSystemExclude();

private:
	bool decide(const MountEntry &entry) const;

	PatternList file_system_include_;
	PatternList file_system_exclude_;
	PatternList device_include_;
	PatternList device_exclude_;
	PatternList mount_point_include_;
	PatternList mount_point_exclude_;
	bool all_partitions_;
	std::unordered_map<std::string, bool> decisions_;
};

} // namespace vigil::disk
