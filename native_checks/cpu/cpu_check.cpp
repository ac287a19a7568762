// SPDX-License-Identifier: Apache-2.0
// cpu: CPU time split (user, system, iowait, ...) as percentages of the time
// elapsed between two runs, context switches and the number of cores, from
// /proc/stat.  Follows the Datadog agent's cpu check: system.cpu.user
// includes nice, system.cpu.system includes irq and softirq (which are also
// reported alone as system.cpu.interrupt), and guest time, which the kernel
// already counts in user, is not added to the total a second time.
#include "proc_stat.hpp"
#include "system_root.hpp"

#include <vigil/check.hpp>

#include <algorithm>
#include <optional>
#include <string>

namespace {

using vigil::system::CpuTimes;

class CpuCheck : public vigil::Check {
public:
	explicit CpuCheck(const vigil::Setup &setup)
	    : root_(vigil::system::SystemRoot::fromConfig(setup.instance)),
	      stat_file_(root_.proc("stat").string())
	{
	}

	void run(vigil::Sender &sender) override
	{
		vigil::system::ProcStat stat =
			vigil::system::parseProcStat(root_.readProc("stat"), stat_file_);

		if (stat.cores > 0)
			sender.gauge("system.cpu.num_cores", stat.cores);
		else
			sender.warning("no 'cpuN' lines in '" + stat_file_ +
				       "', skipping system.cpu.num_cores");

		// The aggregator turns the raw counter into a per-interval count and
		// treats a lower value as a reset, as Datadog does.
		if (stat.context_switches)
			sender.monotonic_count("system.cpu.context_switches",
					       static_cast<double>(*stat.context_switches));
		else
			sender.warning("no valid 'ctxt' line in '" + stat_file_ +
				       "', skipping system.cpu.context_switches");

		if (previous_)
			reportPercentages(sender, *previous_, stat.total);
		previous_ = stat.total;
	}

private:
	void reportPercentages(vigil::Sender &sender, const CpuTimes &before,
			       const CpuTimes &now) const
	{
		using namespace vigil::system;
		size_t columns = std::min(before.columns, now.columns);
		CpuTimes delta;
		delta.columns = columns;
		for (size_t c = 0; c < columns; ++c) {
			if (now.ticks[c] < before.ticks[c]) {
				// A restored snapshot or a migrated VM: the interval
				// has no meaning, so the new sample is only a baseline.
				sender.warning("CPU time went backwards in '" + stat_file_ +
					       "', skipping this interval");
				return;
			}
			delta.ticks[c] = now.ticks[c] - before.ticks[c];
		}

		// Guest and guest_nice are already inside user and nice.
		uint64_t elapsed = 0;
		for (size_t c = 0; c < std::min<size_t>(columns, CPU_GUEST); ++c)
			elapsed += delta.ticks[c];
		if (elapsed == 0) {
			sender.warning("no CPU time elapsed in '" + stat_file_ +
				       "' since the previous run, skipping this interval");
			return;
		}

		auto percent = [&](uint64_t ticks) {
			return 100.0 * static_cast<double>(ticks) / static_cast<double>(elapsed);
		};
		uint64_t interrupt = 0;
		if (delta.has(CPU_SOFTIRQ))
			interrupt = delta.ticks[CPU_IRQ] + delta.ticks[CPU_SOFTIRQ];

		sender.gauge("system.cpu.user",
			     percent(delta.ticks[CPU_USER] + delta.ticks[CPU_NICE]));
		sender.gauge("system.cpu.system", percent(delta.ticks[CPU_SYSTEM] + interrupt));
		sender.gauge("system.cpu.idle", percent(delta.ticks[CPU_IDLE]));
		if (delta.has(CPU_IOWAIT))
			sender.gauge("system.cpu.iowait", percent(delta.ticks[CPU_IOWAIT]));
		if (delta.has(CPU_SOFTIRQ))
			sender.gauge("system.cpu.interrupt", percent(interrupt));
		if (delta.has(CPU_STEAL))
			sender.gauge("system.cpu.stolen", percent(delta.ticks[CPU_STEAL]));
		if (delta.has(CPU_GUEST))
			sender.gauge("system.cpu.guest", percent(delta.ticks[CPU_GUEST]));
	}

	vigil::system::SystemRoot root_;
	std::string stat_file_;
	std::optional<CpuTimes> previous_;
};

} // namespace

VIGIL_CHECK(CpuCheck, "cpu", "1.0.0",
	    "CPU time percentages, context switches and core count from /proc/stat")
