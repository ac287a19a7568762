// SPDX-License-Identifier: Apache-2.0
#include "agent/status_report.hpp"

#include "build_config.hpp"
#include "isolation/isolated_instance.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <map>

namespace vigil {

namespace {

double seconds(std::chrono::nanoseconds d)
{
	return std::chrono::duration<double>(d).count();
}

// "2026-11-26T10:21:33Z": a time an operator compares with a clock.
std::string isoTime(double epoch_seconds)
{
	const std::time_t t = static_cast<std::time_t>(epoch_seconds);
	std::tm utc{};
	gmtime_r(&t, &utc);
	char text[32];
	std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
	return text;
}

// `now` is the wall clock (seconds since the epoch), `steady_now` the
// scheduler's clock at the same moment: stats carry steady times, people read
// wall times.
nlohmann::json instanceJson(const Schedulable &instance, const InstanceStats &s, double now,
			    Clock::time_point steady_now)
{
	nlohmann::json next = nullptr;
	if (s.next_run != Clock::time_point{})
		next = seconds(s.next_run - steady_now);
	const auto *isolated = dynamic_cast<const IsolatedInstance *>(&instance);
	nlohmann::json until = nullptr, ends_in = nullptr;
	if (s.quarantined) {
		const double left = seconds(s.quarantined_until - steady_now);
		until = isoTime(now + left);
		ends_in = left;
	}
	return {{"id", s.id},
		{"isolation", isolated ? "process" : "none"},
		// The hard timeout of an isolated run; an in-process run has none.
		{"timeout_seconds",
		 isolated ? nlohmann::json(seconds(isolated->timeout())) : nlohmann::json()},
		{"runs", s.runs},
		{"errors", s.errors},
		{"timeouts", s.timeouts},
		{"crashes", s.crashes},
		{"skips", s.skips},
		{"samples", s.samples},
		{"last_duration_seconds", seconds(s.last_duration)},
		{"average_duration_seconds", seconds(s.average_duration)},
		{"last_error", s.last_error},
		{"running", s.running},
		{"next_run_in_seconds", next},
		{"consecutive_failures", s.consecutive_failures},
		{"quarantined", s.quarantined},
		{"quarantine_reason",
		 s.quarantined ? nlohmann::json(s.quarantine_reason) : nlohmann::json()},
		{"quarantined_until", until},
		{"quarantine_ends_in_seconds", ends_in}};
}

} // namespace

nlohmann::json statusReport(const StatusSources &src, double now)
{
	nlohmann::json report;
	report["version"] = VIGIL_VERSION;
	report["features"] = {{"python", VIGIL_PYTHON_ENABLED != 0},
			      {"tls", VIGIL_TLS_ENABLED != 0},
			      {"arch", VIGIL_TARGET_ARCH},
			      {"compiler", VIGIL_COMPILER}};
	report["hostname"] = src.hostname;
	report["pid"] = static_cast<long>(::getpid());
	report["listen"] = src.listen;
	report["start_time"] = src.start_time;
	report["uptime_seconds"] = now - src.start_time;

	std::map<std::string, InstanceStats> stats;
	if (src.scheduler)
		for (InstanceStats &s : src.scheduler->stats())
			stats.emplace(s.id, std::move(s));
	// Scheduler stats use the steady clock (SteadyClock in the agent).
	const Clock::time_point steady_now = std::chrono::steady_clock::now();

	nlohmann::json checks = nlohmann::json::array();
	if (src.checks)
		for (const ConfiguredCheck &check : *src.checks) {
			nlohmann::json instances = nlohmann::json::array();
			for (const auto &instance : check.instances) {
				auto it = stats.find(instance->id());
				if (it != stats.end())
					instances.push_back(instanceJson(*instance, it->second, now,
									 steady_now));
			}
			checks.push_back(
				{{"name", check.entry ? check.entry->name : check.config.check},
				 {"path", check.entry ? check.entry->path.string() : ""},
				 {"version", check.entry ? check.entry->version : ""},
				 {"instances", instances},
				 {"config_errors", check.config.errors}});
		}
	report["checks"] = checks;

	nlohmann::json rejected = nlohmann::json::array();
	size_t loaded = 0;
	if (src.catalog)
		for (const CatalogEntry &entry : src.catalog->entries()) {
			if (entry.state == CheckState::Ok) {
				++loaded;
				continue;
			}
			rejected.push_back({{"name", entry.name},
					    {"path", entry.path.string()},
					    {"state", checkStateName(entry.state)},
					    {"error", entry.error}});
		}
	report["plugins_loaded"] = loaded;
	report["rejected_plugins"] = rejected;

	nlohmann::json outputs = nlohmann::json::array();
	if (src.outputs)
		for (const auto &output : *src.outputs)
			outputs.push_back(output->status());
	report["outputs"] = outputs;
	return report;
}

} // namespace vigil
