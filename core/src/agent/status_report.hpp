// SPDX-License-Identifier: Apache-2.0
// The /status document: what `vigil status` shows (docs/cli.md).
#pragma once

#include "instances/configure.hpp"
#include "outputs/output.hpp"
#include "plugins/catalog.hpp"
#include "scheduling/scheduler.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <vector>

namespace vigil {

// What the agent lends the report; everything must outlive the HTTP server.
// catalog and checks are read-only once the agent runs; scheduler->stats()
// and Output::status() are safe from any thread.
struct StatusSources {
	const CheckCatalog *catalog = nullptr;
	const std::vector<ConfiguredCheck> *checks = nullptr;
	const Scheduler *scheduler = nullptr;
	const std::vector<std::unique_ptr<Output>> *outputs = nullptr;
	std::string hostname;
	std::string listen;
	double start_time = 0; // seconds since the epoch
};

// {version, features, hostname, pid, start_time, uptime_seconds, listen,
//  checks: [{name, path, instances: [{id, isolation, timeout_seconds, runs,
//  errors, timeouts, crashes, skips, samples, last_duration_seconds,
//  average_duration_seconds, last_error, running, next_run_in_seconds,
//  consecutive_failures, quarantined, quarantine_reason, quarantined_until
//  (ISO 8601 UTC), quarantine_ends_in_seconds}], config_errors}],
//  rejected_plugins: [{name, path, state, error}], outputs: [...]}
// The quarantine fields are null unless the instance is quarantined; `now`
// is the wall clock, in seconds since the epoch.
nlohmann::json statusReport(const StatusSources &sources, double now);

} // namespace vigil
