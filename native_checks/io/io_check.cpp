// SPDX-License-Identifier: Apache-2.0
// io: per block device activity from /proc/diskstats, the Datadog io check's
// system.io.* metrics.
//
// Per-second figures (r_s, rkb_s, util, ...) are submitted as rates of
// scaled counters, so the aggregator divides by the interval measured on the
// agent's clock between two samples: util is the rate of io_ticks / 10 (ms
// busy per second, as a percentage), avg_q_sz the rate of time_in_queue /
// 1000.  The check itself keeps no clock.  Per-IO figures (await, svctm, ...)
// are ratios of two deltas and need no interval; the check computes them from
// the counters it kept from its previous run, so the first run (and a device's
// first appearance) reports none.
#include "diskstats.hpp"
#include "pattern_list.hpp"
#include "system_root.hpp"

#include <vigil/check.hpp>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

using vigil::io::Counters;
using vigil::io::Field;

using vigil::system::PatternList;

// Matched at the start of the name, like the disk check's lists.
constexpr PatternList::Options kMatchStart{PatternList::Anchor::Start, false};

// "ram0", "loop12": the prefix, then one or more digits.
bool isNumbered(std::string_view name, std::string_view prefix)
{
	if (!name.starts_with(prefix) || name.size() == prefix.size())
		return false;
	return name.substr(prefix.size()).find_first_not_of("0123456789") == std::string_view::npos;
}

struct DeviceState {
	bool reported = false; // not excluded by the options
	unsigned long seen_in_run = 0;
	Counters raw{};	     // as last read
	Counters extended{}; // raw with 32-bit wraps undone, for the rates
	vigil::Tags tags;
};

class IoCheck : public vigil::Check {
public:
	explicit IoCheck(const vigil::Setup &setup)
	    : root_(vigil::system::SystemRoot::fromConfig(setup.instance)),
	      exclude_("device_exclude", setup.instance.strings("device_exclude"), kMatchStart),
	      include_("device_include", setup.instance.strings("device_include"), kMatchStart),
	      exclude_ram_and_loop_(setup.instance.boolean("exclude_ram_and_loop", true))
	{
		std::string legacy = setup.instance.string("device_blacklist_re", "");
		if (!legacy.empty())
			legacy_exclude_ = PatternList("device_blacklist_re", {legacy},
						      {PatternList::Anchor::Anywhere, false});
	}

	void run(vigil::Sender &sender) override
	{
		std::string text = root_.readProc("diskstats");
		vigil::io::Diskstats stats = vigil::io::parseDiskstats(text);
		if (!stats.malformed_lines.empty())
			sender.warning("'" + root_.proc("diskstats").string() +
				       "': " + std::to_string(stats.malformed_lines.size()) +
				       " malformed line(s) (first: line " +
				       std::to_string(stats.malformed_lines.front()) +
				       "), skipping them");

		++run_;
		for (const vigil::io::DeviceLine &line : stats.devices) {
			auto [it, first_sample] = devices_.try_emplace(std::string(line.name));
			DeviceState &device = it->second;
			if (first_sample) {
				device.reported = wanted(it->first);
				device.tags = {"device:" + it->first, "device_name:" + it->first};
			}
			// A name listed twice keeps its first line.
			if (device.seen_in_run == run_)
				continue;
			device.seen_in_run = run_;
			if (device.reported)
				report(sender, device, line.counters, first_sample);
			device.raw = line.counters;
		}
		// Forget unplugged devices, so hotplug churn does not grow memory.
		std::erase_if(devices_,
			      [&](const auto &d) { return d.second.seen_in_run != run_; });
	}

private:
	bool wanted(const std::string &name) const
	{
		if (exclude_ram_and_loop_ && (isNumbered(name, "ram") || isNumbered(name, "loop")))
			return false;
		if (exclude_.matches(name))
			return false;
		if (legacy_exclude_.matches(name))
			return false;
		return include_.empty() || include_.matches(name);
	}

	static void extend(DeviceState &device, const Counters &current, bool first_sample)
	{
		for (size_t f = 0; f < vigil::io::FieldCount; ++f) {
			uint64_t delta;
			if (first_sample)
				device.extended[f] = current[f];
			else if (vigil::io::counterDelta(device.raw[f], current[f], delta))
				device.extended[f] += delta;
			else // a reset: the aggregator sees the drop and skips a rate
				device.extended[f] = current[f];
		}
	}

	void report(vigil::Sender &sender, DeviceState &device, const Counters &current,
		    bool first_sample)
	{
		extend(device, current, first_sample);
		const Counters &c = device.extended;
		const vigil::Tags &tags = device.tags;
		auto value = [&](Field f) { return static_cast<double>(c[f]); };
		sender.rate("system.io.r_s", value(vigil::io::ReadsCompleted), tags);
		sender.rate("system.io.w_s", value(vigil::io::WritesCompleted), tags);
		sender.rate("system.io.rrqm_s", value(vigil::io::ReadsMerged), tags);
		sender.rate("system.io.wrqm_s", value(vigil::io::WritesMerged), tags);
		// Sectors are 512 bytes whatever the device's block size.
		sender.rate("system.io.rkb_s", value(vigil::io::SectorsRead) / 2, tags);
		sender.rate("system.io.wkb_s", value(vigil::io::SectorsWritten) / 2, tags);
		sender.rate("system.io.avg_q_sz", value(vigil::io::WeightedMsDoingIo) / 1000, tags);
		sender.rate("system.io.util", value(vigil::io::MsDoingIo) / 10, tags);

		vigil::io::Latency latency;
		if (first_sample || !vigil::io::computeLatency(device.raw, current, latency))
			return;
		sender.gauge("system.io.await", latency.await_ms, tags);
		sender.gauge("system.io.r_await", latency.r_await_ms, tags);
		sender.gauge("system.io.w_await", latency.w_await_ms, tags);
		sender.gauge("system.io.avg_rq_sz", latency.avg_rq_sz, tags);
		sender.gauge("system.io.svctm", latency.svctm_ms, tags);
	}

	vigil::system::SystemRoot root_;
	PatternList exclude_;
	PatternList include_;
	PatternList legacy_exclude_;
	bool exclude_ram_and_loop_;
	unsigned long run_ = 0;
	std::unordered_map<std::string, DeviceState> devices_;
};

} // namespace

VIGIL_CHECK(IoCheck, "io", "1.0.0", "Block device activity from /proc/diskstats")
