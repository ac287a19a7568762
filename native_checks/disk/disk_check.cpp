// SPDX-License-Identifier: Apache-2.0
// disk: space and inodes of each mounted filesystem, the Datadog disk check's
// system.disk.* and system.fs.inodes.* gauges.  The mount table comes from
// <proc_root>/self/mounts; the numbers from statvfs(3) on each mount point,
// behind a per-mount timeout so a hung network filesystem cannot hang the
// check (see statvfs_prober.hpp).
#include "disk_usage.hpp"
#include "mount_filter.hpp"
#include "mount_table.hpp"
#include "statvfs_prober.hpp"
#include "system_root.hpp"

#include <vigil/check.hpp>

#include <chrono>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using vigil::disk::MountEntry;
using vigil::disk::ProbeResult;

std::chrono::milliseconds timeoutOption(const vigil::Config &instance)
{
	double seconds = instance.number("timeout", 5);
	if (!(seconds > 0) || !std::isfinite(seconds))
		throw std::runtime_error("timeout: must be a positive number of seconds, not " +
					 std::to_string(seconds));
	return std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
}

std::string baseName(const std::string &device)
{
	size_t slash = device.find_last_of('/');
	return slash == std::string::npos ? device : device.substr(slash + 1);
}

std::string formatSeconds(std::chrono::milliseconds ms)
{
	std::string s = std::to_string(ms.count() / 1000.0);
	s.erase(s.find_last_not_of('0') + 1);
	if (s.back() == '.')
		s.pop_back();
	return s;
}

class DiskCheck : public vigil::Check {
public:
	explicit DiskCheck(const vigil::Setup &setup)
	    : root_(vigil::system::SystemRoot::fromConfig(setup.instance)), filter_(setup),
	      use_mount_(setup.instance.boolean("use_mount", false)),
	      tag_by_filesystem_(setup.instance.boolean("tag_by_filesystem", false)),
	      min_disk_size_bytes_(setup.instance.number("min_disk_size", 0) * 1024 * 1024),
	      timeout_(timeoutOption(setup.instance)), prober_(vigil::disk::systemStatvfs, timeout_)
	{
	}

	void run(vigil::Sender &sender) override
	{
		std::string mounts_file = root_.proc("self/mounts").string();
		vigil::disk::MountTable table = vigil::disk::parseMountTable(
			vigil::system::SystemRoot::readFile(mounts_file));
		if (!table.malformed_lines.empty())
			sender.warning("'" + mounts_file +
				       "': " + std::to_string(table.malformed_lines.size()) +
				       " line(s) with fewer than 4 fields (first: line " +
				       std::to_string(table.malformed_lines.front()) +
				       "), skipping them");

		std::vector<const MountEntry *> selected;
		std::vector<std::string> mount_points;
		for (const MountEntry &entry : table.entries) {
			if (!filter_.accepts(entry))
				continue;
			selected.push_back(&entry);
			mount_points.push_back(entry.mount_point);
		}

		std::vector<ProbeResult> results = prober_.probe(mount_points);
		for (size_t i = 0; i < selected.size(); ++i)
			report(sender, *selected[i], results[i]);
	}

private:
	void report(vigil::Sender &sender, const MountEntry &mount, const ProbeResult &result)
	{
		switch (result.status) {
		case ProbeResult::Status::Ok:
			break;
		case ProbeResult::Status::Failed:
			sender.warning("statvfs('" + mount.mount_point + "') failed: " +
				       std::strerror(result.error) + ", skipping it");
			return;
		case ProbeResult::Status::TimedOut:
			sender.warning("statvfs('" + mount.mount_point +
				       "') did not return within " + formatSeconds(timeout_) +
				       " s, skipping it until that call returns");
			return;
		case ProbeResult::Status::StillHung:
			sender.warning("statvfs('" + mount.mount_point +
				       "') from an earlier run has not returned, skipping it");
			return;
		}

		vigil::disk::DiskUsage disk = vigil::disk::computeDiskUsage(result.stats);
		// Zero-sized filesystems (what is left of kernel interfaces) are
		// skipped even at the default min_disk_size of 0, as in Datadog.
		if (disk.total_bytes <= min_disk_size_bytes_)
			return;

		vigil::Tags tags;
		if (tag_by_filesystem_)
			tags.push_back("filesystem:" + mount.fs_type);
		tags.push_back("device:" + (use_mount_ ? mount.mount_point : mount.device));
		tags.push_back("device_name:" + baseName(mount.device));

		sender.gauge("system.disk.total", disk.total_kb, tags);
		sender.gauge("system.disk.used", disk.used_kb, tags);
		sender.gauge("system.disk.free", disk.free_kb, tags);
		if (disk.in_use) {
			sender.gauge("system.disk.in_use", *disk.in_use, tags);
			sender.gauge("system.disk.utilized", *disk.in_use * 100, tags);
		}

		if (auto inodes = vigil::disk::computeInodeUsage(result.stats)) {
			sender.gauge("system.fs.inodes.total", inodes->total, tags);
			sender.gauge("system.fs.inodes.used", inodes->used, tags);
			sender.gauge("system.fs.inodes.free", inodes->free, tags);
			sender.gauge("system.fs.inodes.in_use", inodes->in_use, tags);
			sender.gauge("system.fs.inodes.utilized", inodes->in_use * 100, tags);
		}
	}

	vigil::system::SystemRoot root_;
	vigil::disk::MountFilter filter_;
	bool use_mount_;
	bool tag_by_filesystem_;
	double min_disk_size_bytes_;
	std::chrono::milliseconds timeout_;
	vigil::disk::StatvfsProber prober_;
};

} // namespace

VIGIL_CHECK(DiskCheck, "disk", "1.0.0", "Space and inodes of mounted filesystems")
