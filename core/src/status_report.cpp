// SPDX-License-Identifier: Apache-2.0
#include "status_report.hpp"

#include "build_config.hpp"

#include <unistd.h>

#include <chrono>
#include <map>

namespace vigil {

namespace {

double seconds(std::chrono::nanoseconds d)
{
	return std::chrono::duration<double>(d).count();
}

nlohmann::json instanceJson(const InstanceStats &s, Clock::time_point now)
{
	nlohmann::json next = nullptr;
	if (s.next_run != Clock::time_point{})
		next = seconds(s.next_run - now);
	return {{"id", s.id},
		{"runs", s.runs},
		{"errors", s.errors},
		{"timeouts", s.timeouts},
		{"skips", s.skips},
		{"samples", s.samples},
		{"last_duration_seconds", seconds(s.last_duration)},
		{"average_duration_seconds", seconds(s.average_duration)},
		{"last_error", s.last_error},
		{"running", s.running},
		{"next_run_in_seconds", next}};
}

} // namespace

nlohmann::json statusReport(const StatusSources &src, double now)
{
	nlohmann::json report;
	report["version"] = VIGIL_VERSION;
	report["features"] = {{"python", VIGIL_PYTHON_ENABLED != 0},
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
					instances.push_back(instanceJson(it->second, steady_now));
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
