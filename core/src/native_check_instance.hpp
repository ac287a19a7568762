// SPDX-License-Identifier: Apache-2.0
// NativeCheckInstance: one configured instance of a native check, runnable by
// the Scheduler or directly by `vigil check`.
#pragma once

#include "aggregator.hpp"
#include "check_config.hpp"
#include "plugin_loader.hpp"
#include "run_context.hpp"
#include "scheduler.hpp"

#include <mutex>

namespace vigil {

class NativeCheckInstance final : public Schedulable {
public:
	NativeCheckInstance(const NativePlugin &plugin, InstanceConfig config,
			    Aggregator &aggregator);
	~NativeCheckInstance() override;

	const std::string &id() const override { return config_.id; }
	std::chrono::milliseconds interval() const override { return config_.interval; }
	const InstanceConfig &config() const { return config_; }
	// Source of submission timestamps (tests: exact rates from snapshots).
	void setClock(double (*clock)()) { context_.clock = clock; }

	// The plugin's create() runs on the first run, on a worker thread, so a
	// slow constructor never delays start-up; if it fails, that run is the
	// error and the next run tries again (the service may come up later).
	RunOutcome run() override;

private:
	const NativePlugin &plugin_;
	InstanceConfig config_;
	Aggregator &aggregator_;
	InstanceContext context_;
	std::shared_ptr<spdlog::logger> log_;
	void *instance_ = nullptr; // from the plugin's create(), owned by it
};

} // namespace vigil
