// SPDX-License-Identifier: Apache-2.0
// load: the 1, 5 and 15 minute load averages from /proc/loadavg, raw and
// divided by the number of CPUs (Datadog's system.load.norm.*).  The CPUs
// are counted from /proc/stat's "cpuN" lines under the same root, so a
// snapshot or a host's /proc mounted in a container is normalised by its own
// CPU count, not ours; it is re-read every run because CPUs can be
// hot-plugged (a resized VM).
#include "system_root.hpp"

#include <vigil/check.hpp>

#include <array>
#include <charconv>
#include <string>
#include <string_view>

namespace {

using vigil::system::FileError;

// "0.52 0.58 0.59 2/345 6789": the first three fields.  Throws FileError.
std::array<double, 3> parseLoadavg(std::string_view text, const std::string &file)
{
	std::array<double, 3> averages{};
	const char *p = text.data();
	const char *end = p + text.size();
	for (double &average : averages) {
		while (p < end && *p == ' ')
			++p;
		auto [next, ec] = std::from_chars(p, end, average, std::chars_format::fixed);
		if (ec != std::errc() || average < 0 ||
		    (next != end && *next != ' ' && *next != '\n'))
			throw FileError("malformed load averages in '" + file + "'");
		p = next;
	}
	return averages;
}

// Lines "cpu0 ...", "cpu1 ...": one per online CPU.  They all come before
// the first line not starting with "cpu", which ends the scan.
unsigned countCpus(std::string_view stat)
{
	unsigned cpus = 0;
	while (stat.starts_with("cpu")) {
		if (stat.size() > 3 && stat[3] >= '0' && stat[3] <= '9')
			++cpus;
		size_t eol = stat.find('\n');
		if (eol == std::string_view::npos)
			break;
		stat.remove_prefix(eol + 1);
	}
	return cpus;
}

class LoadCheck : public vigil::Check {
public:
	explicit LoadCheck(const vigil::Setup &setup)
	    : root_(vigil::system::SystemRoot::fromConfig(setup.instance)),
	      loadavg_file_(root_.proc("loadavg").string()), stat_file_(root_.proc("stat").string())
	{
	}

	void run(vigil::Sender &sender) override
	{
		std::array<double, 3> load = parseLoadavg(root_.readProc("loadavg"), loadavg_file_);
		sender.gauge("system.load.1", load[0]);
		sender.gauge("system.load.5", load[1]);
		sender.gauge("system.load.15", load[2]);

		// Without a CPU count the raw averages are still worth sending.
		unsigned cpus = 0;
		try {
			cpus = countCpus(root_.readProc("stat"));
		} catch (const FileError &e) {
			sender.warning(std::string(e.what()) + ", skipping system.load.norm.*");
			return;
		}
		if (cpus == 0) {
			sender.warning("no 'cpuN' lines in '" + stat_file_ +
				       "', skipping system.load.norm.*");
			return;
		}
		sender.gauge("system.load.norm.1", load[0] / cpus);
		sender.gauge("system.load.norm.5", load[1] / cpus);
		sender.gauge("system.load.norm.15", load[2] / cpus);
	}

private:
	vigil::system::SystemRoot root_;
	std::string loadavg_file_;
	std::string stat_file_;
};

} // namespace

VIGIL_CHECK(LoadCheck, "load", "1.0.0", "Load averages from /proc/loadavg, raw and per CPU")
