// SPDX-License-Identifier: Apache-2.0
// `vigil status`: asks the running agent for /status, with the token from
// agent.json in its run_dir, and prints it like `datadog-agent status`.
#include "agent_status_client.hpp"
#include "commands.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace vigil::cli {

namespace {

// "1.5 ms", "2.0 s": durations of check runs span µs to minutes.
std::string duration(double seconds)
{
	if (seconds < 1e-3)
		return fmt::format("{:.0f} µs", seconds * 1e6);
	if (seconds < 1)
		return fmt::format("{:.1f} ms", seconds * 1e3);
	return fmt::format("{:.1f} s", seconds);
}

std::string uptime(double seconds)
{
	long s = static_cast<long>(seconds);
	if (s >= 86400)
		return fmt::format("{}d {}h {}m", s / 86400, s % 86400 / 3600, s % 3600 / 60);
	if (s >= 3600)
		return fmt::format("{}h {}m {}s", s / 3600, s % 3600 / 60, s % 60);
	if (s >= 60)
		return fmt::format("{}m {}s", s / 60, s % 60);
	return fmt::format("{}s", s);
}

void heading(const std::string &title)
{
	std::printf("\n%s\n%s\n", title.c_str(), std::string(title.size(), '=').c_str());
}

void printInstance(const nlohmann::json &i)
{
	const bool quarantined = i.value("quarantined", false);
	const std::string state = quarantined			      ? "QUARANTINED"
				  : i.value("errors", 0) == 0	      ? "OK"
				  : i.value("last_error", "").empty() ? "ERRORS"
								      : "ERROR";
	std::printf("    %s [%s]\n", i.value("id", "").c_str(), state.c_str());
	std::printf("      runs %llu, errors %llu, timeouts %llu, crashes %llu, skips %llu, "
		    "samples %llu\n",
		    i.value("runs", 0ULL), i.value("errors", 0ULL), i.value("timeouts", 0ULL),
		    i.value("crashes", 0ULL), i.value("skips", 0ULL), i.value("samples", 0ULL));
	if (i.value("isolation", "none") == "process") {
		const auto &timeout =
			i.contains("timeout_seconds") ? i["timeout_seconds"] : nlohmann::json();
		std::printf("      isolation: process, killed after %s\n",
			    timeout.is_number() ? duration(timeout.get<double>()).c_str() : "?");
	} else {
		std::printf("      isolation: none (runs in the agent process)\n");
	}
	std::string next = "-";
	if (i.contains("next_run_in_seconds") && i["next_run_in_seconds"].is_number()) {
		double in = i["next_run_in_seconds"].get<double>();
		next = in >= 0 ? "in " + duration(in) : "overdue by " + duration(-in);
	}
	std::printf("      last run %s, average %s, next run %s%s\n",
		    duration(i.value("last_duration_seconds", 0.0)).c_str(),
		    duration(i.value("average_duration_seconds", 0.0)).c_str(), next.c_str(),
		    i.value("running", false) ? " (running now)" : "");
	if (quarantined) {
		const auto &until =
			i.contains("quarantined_until") ? i["quarantined_until"] : nlohmann::json();
		const auto &in = i.contains("quarantine_ends_in_seconds")
					 ? i["quarantine_ends_in_seconds"]
					 : nlohmann::json();
		std::printf("      quarantined until %s (next try in %s): %s\n",
			    until.is_string() ? until.get<std::string>().c_str() : "?",
			    in.is_number() ? duration(std::max(0.0, in.get<double>())).c_str()
					   : "?",
			    i.value("quarantine_reason", "").c_str());
	} else if (i.value("consecutive_failures", 0U) > 0) {
		std::printf("      %u crashes or timeouts in a row\n",
			    i.value("consecutive_failures", 0U));
	}
	if (!i.value("last_error", "").empty())
		std::printf("      last error: %s\n", i.value("last_error", "").c_str());
}

void printReport(const nlohmann::json &r)
{
	const auto &features = r.value("features", nlohmann::json::object());
	std::printf("Vigil %s (%s, python %s)\n", r.value("version", "?").c_str(),
		    features.value("arch", "?").c_str(),
		    features.value("python", false) ? "enabled" : "disabled");
	std::printf("  pid %ld, host %s, up %s, listening on %s\n", r.value("pid", 0L),
		    r.value("hostname", "?").c_str(),
		    uptime(r.value("uptime_seconds", 0.0)).c_str(), r.value("listen", "?").c_str());

	const auto &checks = r.value("checks", nlohmann::json::array());
	heading(fmt::format("Checks ({})", checks.size()));
	if (checks.empty())
		std::printf("  none configured\n");
	for (const auto &c : checks) {
		std::printf("\n  %s %s (%s)\n", c.value("name", "?").c_str(),
			    c.value("version", "").c_str(), c.value("path", "").c_str());
		for (const auto &i : c.value("instances", nlohmann::json::array()))
			printInstance(i);
		for (const auto &e : c.value("config_errors", nlohmann::json::array()))
			std::printf("    config error: %s\n", e.get<std::string>().c_str());
	}

	const auto &rejected = r.value("rejected_plugins", nlohmann::json::array());
	heading(fmt::format("Plugins: {} loaded, {} rejected", r.value("plugins_loaded", 0),
			    rejected.size()));
	for (const auto &p : rejected)
		std::printf("  %s (%s) [%s]: %s\n", p.value("name", "?").c_str(),
			    p.value("path", "").c_str(), p.value("state", "").c_str(),
			    p.value("error", "").c_str());

	const auto &outputs = r.value("outputs", nlohmann::json::array());
	heading(fmt::format("Outputs ({})", outputs.size()));
	for (const auto &o : outputs) {
		std::string details;
		for (const auto &[key, value] : o.items()) {
			if (key == "type")
				continue;
			details += fmt::format("{}{}: {}", details.empty() ? "" : ", ", key,
					       value.is_string() ? value.get<std::string>()
								 : value.dump());
		}
		std::printf("  %s: %s\n", o.value("type", "output").c_str(),
			    details.empty() ? "-" : details.c_str());
	}
}

} // namespace

int statusCommand(const CliOverrides &overrides, const StatusCommandOptions &options)
{
	std::filesystem::path run_dir = options.run_dir;
	if (run_dir.empty())
		run_dir = resolveSettings(overrides).config.run_dir;

	AgentStatusReply reply = fetchAgentStatus(run_dir);
	if (!reply.report) {
		std::fprintf(stderr, "vigil status: %s\n", reply.error.c_str());
		return 1;
	}
	const nlohmann::json &report = *reply.report;
	if (options.json)
		std::printf("%s\n",
			    report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
				    .c_str());
	else
		printReport(report);
	return 0;
}

} // namespace vigil::cli
