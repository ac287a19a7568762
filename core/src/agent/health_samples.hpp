// SPDX-License-Identifier: Apache-2.0
// The agent's own health as Prometheus samples, always under "vigil_"
// whatever the configured prefix (docs/outputs.md, "Agent health").
#pragma once

#include "outputs/prometheus/series.hpp"
#include "scheduling/scheduler.hpp"

#include <string>
#include <vector>

namespace vigil {

struct AgentHealth {
	std::string version;
	bool python_enabled = false;
	std::string arch;
	std::string hostname;
	double start_time = 0; // seconds since the epoch
	size_t plugins_loaded = 0;
	size_t plugins_rejected = 0;
	std::vector<InstanceStats> instances;
	Clock::time_point now{}; // on the scheduler's clock, for lag
};

// vigil_build_info, vigil_start_time_seconds, vigil_plugins_{loaded,rejected},
// and per instance (labels check, check_id): vigil_check_{runs,errors,
// timeouts,skips,samples}_total, vigil_check_last_run_duration_seconds,
// vigil_check_average_run_duration_seconds, vigil_check_lag_seconds,
// vigil_check_crashes_total and vigil_check_quarantined (0 or 1).
std::vector<PromSample> healthSamples(const AgentHealth &health, double timestamp);

} // namespace vigil
