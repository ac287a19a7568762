// SPDX-License-Identifier: Apache-2.0
#include "mount_filter.hpp"

#include <stdexcept>

namespace vigil::disk {

namespace {

// The instance's list followed by init_config's global list (or its default
// when the global list is empty or absent), as the Datadog check merges them.
std::vector<std::string> merged(const vigil::Setup &setup, const char *instance_key,
				const char *global_key, const std::vector<std::string> &defaults)
{
	std::vector<std::string> out = setup.instance.strings(instance_key);
	std::vector<std::string> global = setup.init_config.strings(global_key);
	if (global.empty())
		global = defaults;
	out.insert(out.end(), global.begin(), global.end());
	return out;
}

// Python's re.match: anchored at the start.  File system types compare
// case-insensitively, as the Datadog check compiles them with re.I.
constexpr PatternList::Options kIgnoreCase{PatternList::Anchor::Start, true};
constexpr PatternList::Options kExactCase{PatternList::Anchor::Start, false};

bool isNoDevice(const std::string &device)
{
	return device.empty() || device == "none";
}

} // namespace

const std::vector<std::string> &MountFilter::defaultFileSystemExclude()
{
	static const std::vector<std::string> list = {
		"(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|efivarfs|fusectl|"
		"hugetlbfs|mqueue|nsfs|proc|pstore|rpc_pipefs|securityfs|selinuxfs|sysfs|"
		"tracefs)$",
		"iso9660$",
	};
	return list;
}

MountFilter::MountFilter(const vigil::Setup &setup)
    : file_system_include_("file_system_include", setup.instance.strings("file_system_include"),
			   kIgnoreCase),
      file_system_exclude_("file_system_exclude",
			   merged(setup, "file_system_exclude", "file_system_global_exclude",
				  defaultFileSystemExclude()),
			   kIgnoreCase),
      device_include_("device_include", setup.instance.strings("device_include"), kExactCase),
      device_exclude_("device_exclude",
		      merged(setup, "device_exclude", "device_global_exclude", {}), kExactCase),
      mount_point_include_("mount_point_include", setup.instance.strings("mount_point_include"),
			   kExactCase),
      mount_point_exclude_("mount_point_exclude",
			   merged(setup, "mount_point_exclude", "mount_point_global_exclude",
				  {"(/host)?/proc/sys/fs/binfmt_misc$"}),
			   kExactCase),
      all_partitions_(setup.instance.boolean("all_partitions", false))
{
}

bool MountFilter::accepts(const MountEntry &entry)
{
	std::string key;
	key.reserve(entry.device.size() + entry.mount_point.size() + entry.fs_type.size() + 2);
	key.append(entry.device).append(1, '\0').append(entry.mount_point).append(1, '\0');
	key.append(entry.fs_type);
	auto it = decisions_.find(key);
	if (it != decisions_.end())
		return it->second;
	// Mounts come and go (containers); forget old decisions rather than
	// grow without bound.
	if (decisions_.size() >= 4096)
		decisions_.clear();
	bool accepted = decide(entry);
	decisions_.emplace(std::move(key), accepted);
	return accepted;
}

bool MountFilter::decide(const MountEntry &entry) const
{
	bool no_device = isNoDevice(entry.device);
	if (no_device && !all_partitions_)
		return false;
	if (file_system_exclude_.matches(entry.fs_type))
		return false;
	if (!no_device && device_exclude_.matches(entry.device))
		return false;
	if (mount_point_exclude_.matches(entry.mount_point))
		return false;
	if (!file_system_include_.empty() && !file_system_include_.matches(entry.fs_type))
		return false;
	if (!no_device && !device_include_.empty() && !device_include_.matches(entry.device))
		return false;
	if (!mount_point_include_.empty() && !mount_point_include_.matches(entry.mount_point))
		return false;
	return true;
}

} // namespace vigil::disk
