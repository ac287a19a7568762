// SPDX-License-Identifier: Apache-2.0
// nagios: runs a Nagios / Monitoring Plugins plugin and reports what it
// says.  Its exit status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) and the
// first line of its output become the service check `nagios.<name>`; its
// performance data become metrics (perfdata_metrics.hpp).  Whatever the
// plugin does (hang, crash, flood its output, never start) ends as an
// UNKNOWN with the reason, never as a failed run: the failed run is kept
// for a broken configuration.
#include "command_config.hpp"
#include "executable_lookup.hpp"
#include "perfdata.hpp"
#include "perfdata_metrics.hpp"
#include "plugin_output.hpp"
#include "plugin_process.hpp"

#include <vigil/check.hpp>

#include <string.h> // sigabbrev_np

#include <cstdio>
#include <string>
#include <string_view>

namespace {

using namespace vigil::nagios;

constexpr size_t kMessageLimit = 1024;
constexpr size_t kFragmentLimit = 100;
constexpr size_t kMaxProblemsShown = 5;
// "perfdata:" + label must fit the agent's 200-byte tag limit.
constexpr size_t kMaxLabel = 190;

struct Verdict {
	vigil_service_status status = VIGIL_STATUS_UNKNOWN;
	std::string message;
};

std::string number(double v)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%g", v);
	return buf;
}

std::string signalName(int sig)
{
	const char *abbrev = sigabbrev_np(sig);
	return "signal " + std::to_string(sig) +
	       (abbrev ? std::string(" (SIG") + abbrev + ")" : "");
}

// The first line, or for a plugin that printed nothing there, stderr's.
std::string message(std::string_view first_line, const ProcessResult &r)
{
	std::string_view text = first_line.empty() ? firstLine(r.err) : first_line;
	return text.empty() ? std::string() : capped(text, kMessageLimit);
}

std::string withOutput(std::string what, const std::string &output)
{
	return output.empty() ? what : what + ": " + output;
}

class NagiosCheck : public vigil::Check {
public:
	explicit NagiosCheck(const vigil::Setup &setup)
	    : config_(parseCommandConfig(setup.instance.json())), prefix_("nagios." + config_.name)
	{
	}

	void run(vigil::Sender &sender) override
	{
		Verdict verdict = execute(sender);
		sender.service_check(prefix_.c_str(), verdict.status, {}, verdict.message.c_str());
	}

private:
	Verdict execute(const vigil::Sender &sender)
	{
		std::string error = config_.cwd.empty() ? "" : checkWorkingDirectory(config_.cwd);
		Executable exe;
		if (error.empty()) {
			exe = findExecutable(config_.argv[0], config_.path, config_.cwd);
			error = exe.error;
		}
		if (!error.empty())
			return {VIGIL_STATUS_UNKNOWN, error};

		ProcessResult r = runner_.run(config_, exe.path);
		warnAboutProcess(sender, r);
		using End = ProcessResult::End;
		switch (r.end) {
		case End::NotStarted:
			return {VIGIL_STATUS_UNKNOWN, r.error};
		case End::TimedOut:
			return {VIGIL_STATUS_UNKNOWN,
				r.error.empty()
					? "timed out after " + number(config_.deadline) + " s"
					: r.error};
		case End::Lost:
			return {VIGIL_STATUS_UNKNOWN, "exit status unknown: process " +
							      std::to_string(r.pid) +
							      " was reaped by someone else"};
		case End::Signaled:
			return {VIGIL_STATUS_UNKNOWN, withOutput("killed by " + signalName(r.code),
								 message(firstLine(r.out), r))};
		case End::Exited:
			break;
		}
		std::string first_line = report(sender, r);
		if (r.code > 3)
			return {VIGIL_STATUS_UNKNOWN,
				withOutput("exit status " + std::to_string(r.code) +
						   " is not a plugin state (0-3)",
					   message(first_line, r))};
		std::string text = message(first_line, r);
		return {static_cast<vigil_service_status>(r.code),
			text.empty() ? "(no output)" : text};
	}

	// Sends the performance data; returns the first line's text.
	std::string report(const vigil::Sender &sender, const ProcessResult &r)
	{
		// Like Nagios Core, the output ends at a NUL byte.
		std::string_view out(r.out.data(), r.out.find('\0') == std::string::npos
							   ? r.out.size()
							   : r.out.find('\0'));
		bool whole = r.out_dropped == 0 || out.size() < r.out.size();
		if (!whole && out.find('\n') != std::string_view::npos) {
			// The last line was cut: a number in it could be cut too.
			out = out.substr(0, out.rfind('\n') + 1);
			whole = true;
		}
		PluginOutput parts = splitPluginOutput(out);
		if (!whole)
			return std::string(parts.message); // a single cut line: no perfdata
		Perfdata perfdata = parsePerfdata(parts.perfdata);
		size_t problems = 0;
		auto problem = [&](const std::string &fragment, const std::string &reason) {
			if (++problems <= kMaxProblemsShown)
				sender.warning("perfdata '" + capped(fragment, kFragmentLimit) +
					       "': " + reason);
		};
		for (const PerfdataProblem &p : perfdata.problems)
			problem(p.fragment, p.reason);
		for (const Perfdatum &item : perfdata.items) {
			if (item.label.size() > kMaxLabel) {
				problem(item.label, "label longer than " +
							    std::to_string(kMaxLabel) +
							    " bytes, skipped");
				continue;
			}
			for (const MetricSample &s :
			     perfdataSamples(prefix_, item, config_.thresholds))
				sender.metric(s.type, s.name, s.value, s.tags);
		}
		if (problems > kMaxProblemsShown)
			sender.warning("perfdata: " + std::to_string(problems - kMaxProblemsShown) +
				       " more problems not shown");
		return std::string(parts.message);
	}

	void warnAboutProcess(const vigil::Sender &sender, const ProcessResult &r) const
	{
		auto dropped = [&](const char *stream, size_t kept, size_t count) {
			sender.warning(std::string(stream) + " over the " + std::to_string(kept) +
				       "-byte limit: kept the first " + std::to_string(kept) +
				       " bytes, dropped " + std::to_string(count) + " more");
		};
		if (r.out_dropped)
			dropped("stdout", kStdoutLimit, r.out_dropped);
		if (r.err_dropped)
			dropped("stderr", kStderrLimit, r.err_dropped);
		if (r.held_open)
			sender.warning(
				"the plugin exited, but a process it started kept its output "
				"open until the " +
				number(config_.deadline) + " s deadline: killed process group " +
				std::to_string(r.pid));
		if (r.unreaped)
			sender.warning(
				"process " + std::to_string(r.pid) +
				" was still alive 1 s after SIGKILL (uninterruptible sleep?); "
				"a later run will reap it");
		if (!r.err.empty() && !r.out.empty())
			sender.log(VIGIL_LOG_DEBUG,
				   "stderr: " + capped(firstLine(r.err), kMessageLimit));
	}

	CommandConfig config_;
	std::string prefix_;
	PluginRunner runner_;
};

} // namespace

// Without a conf.d file there is no command to run: not scheduled.
VIGIL_CHECK_WITH_FLAGS(
	NagiosCheck, "nagios", "1.0.0",
	"Runs a Nagios/Monitoring Plugins plugin: its state and its performance data",
	VIGIL_CHECK_NEEDS_CONFIG)
