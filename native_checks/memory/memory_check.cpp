// SPDX-License-Identifier: Apache-2.0
// memory: RAM and swap from /proc/meminfo, with the Datadog agent's memory
// check names and units (MiB, which Datadog calls MB; fractions for pct_*).
#include "meminfo.hpp"
#include "system_root.hpp"

#include <vigil/check.hpp>

#include <algorithm>
#include <string>

namespace {

using vigil::memory::Meminfo;
using vigil::system::FileError;
using vigil::system::SystemRoot;

constexpr double kKilobytesPerMebibyte = 1024.0;

double mebibytes(uint64_t kilobytes)
{
	return static_cast<double>(kilobytes) / kKilobytesPerMebibyte;
}

class MemoryCheck : public vigil::Check {
public:
	explicit MemoryCheck(const vigil::Setup &setup)
	    : root_(SystemRoot::fromConfig(setup.instance)),
	      meminfo_path_(root_.proc("meminfo").string())
	{
	}

	void run(vigil::Sender &sender) override
	{
		const Meminfo info = vigil::memory::parseMeminfo(root_.readProc("meminfo"));
		for (const std::string &line : info.malformed_lines)
			sender.warning("malformed line '" + line + "' in '" + meminfo_path_ +
				       "', skipping its metrics");
		if (!info.mem_total || !info.mem_free)
			throw FileError("no valid MemTotal and MemFree lines in '" + meminfo_path_ +
					"'");

		reportMemory(sender, info);
		reportSwap(sender, info);
	}

private:
	bool isMalformed(const Meminfo &info, std::string_view key) const
	{
		return std::any_of(info.malformed_lines.begin(), info.malformed_lines.end(),
				   [&](const std::string &line) {
					   return line.size() > key.size() &&
						  line.compare(0, key.size(), key) == 0 &&
						  line[key.size()] == ':';
				   });
	}

	void reportMemory(vigil::Sender &sender, const Meminfo &info) const
	{
		const uint64_t total = *info.mem_total;
		const uint64_t free = *info.mem_free;
		sender.gauge("system.mem.total", mebibytes(total));
		sender.gauge("system.mem.free", mebibytes(free));
		// Datadog's "used" counts page cache and buffers as used.
		if (total >= free)
			sender.gauge("system.mem.used", mebibytes(total - free));

		std::optional<uint64_t> usable = info.mem_available;
		// Kernels before 3.14 have no MemAvailable; Datadog then counts
		// free memory plus what the kernel can drop at once.  A
		// MemAvailable line that is there but garbled is not replaced by
		// this estimate: it was warned about above.
		if (!usable && !isMalformed(info, "MemAvailable") && info.buffers && info.cached)
			usable = free + *info.buffers + *info.cached;
		if (usable) {
			sender.gauge("system.mem.usable", mebibytes(*usable));
			if (total > 0)
				sender.gauge("system.mem.pct_usable",
					     static_cast<double>(*usable) /
						     static_cast<double>(total));
		}

		gaugeIfPresent(sender, "system.mem.cached", info.cached);
		gaugeIfPresent(sender, "system.mem.buffered", info.buffers);
		gaugeIfPresent(sender, "system.mem.shared", info.shmem);
		gaugeIfPresent(sender, "system.mem.slab", info.slab);
		gaugeIfPresent(sender, "system.mem.slab_reclaimable", info.slab_reclaimable);
		gaugeIfPresent(sender, "system.mem.page_tables", info.page_tables);
		gaugeIfPresent(sender, "system.mem.commit_limit", info.commit_limit);
		gaugeIfPresent(sender, "system.mem.committed_as", info.committed_as);
	}

	void reportSwap(vigil::Sender &sender, const Meminfo &info) const
	{
		gaugeIfPresent(sender, "system.swap.cached", info.swap_cached);
		if (!info.swap_total || !info.swap_free) {
			// Already warned if a line was garbled; a kernel always
			// prints both, so their absence is a broken file too.
			if (!isMalformed(info, "SwapTotal") && !isMalformed(info, "SwapFree"))
				sender.warning("no SwapTotal or SwapFree line in '" +
					       meminfo_path_ + "', skipping swap metrics");
			return;
		}
		const uint64_t total = *info.swap_total;
		const uint64_t free = *info.swap_free;
		sender.gauge("system.swap.total", mebibytes(total));
		sender.gauge("system.swap.free", mebibytes(free));
		if (total >= free)
			sender.gauge("system.swap.used", mebibytes(total - free));
		// Without swap there is no fraction to report (Datadog sends 1).
		if (total > 0)
			sender.gauge("system.swap.pct_free",
				     static_cast<double>(free) / static_cast<double>(total));
	}

	static void gaugeIfPresent(vigil::Sender &sender, std::string_view name,
				   const std::optional<uint64_t> &kilobytes)
	{
		if (kilobytes)
			sender.gauge(name, mebibytes(*kilobytes));
	}

	SystemRoot root_;
	std::string meminfo_path_;
};

} // namespace

VIGIL_CHECK(MemoryCheck, "memory", "1.0.0", "RAM and swap usage from /proc/meminfo")
