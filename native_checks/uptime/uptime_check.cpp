// SPDX-License-Identifier: Apache-2.0
// uptime: seconds since boot, from the first field of /proc/uptime (the
// second is idle time summed over CPUs, which Datadog does not report).
#include "system_root.hpp"

#include <vigil/check.hpp>

#include <charconv>
#include <string>
#include <string_view>

namespace {

using vigil::system::FileError;

class UptimeCheck : public vigil::Check {
public:
	explicit UptimeCheck(const vigil::Setup &setup)
	    : root_(vigil::system::SystemRoot::fromConfig(setup.instance)),
	      uptime_file_(root_.proc("uptime").string())
	{
	}

	void run(vigil::Sender &sender) override
	{
		std::string text = root_.readProc("uptime");
		const char *end = text.data() + text.size();
		double seconds = 0;
		auto [next, ec] =
			std::from_chars(text.data(), end, seconds, std::chars_format::fixed);
		if (ec != std::errc() || seconds < 0 ||
		    (next != end && *next != ' ' && *next != '\n'))
			throw FileError("malformed uptime in '" + uptime_file_ + "'");
		sender.gauge("system.uptime", seconds);
	}

private:
	vigil::system::SystemRoot root_;
	std::string uptime_file_;
};

} // namespace

VIGIL_CHECK(UptimeCheck, "uptime", "1.0.0", "Seconds since boot, from /proc/uptime")
