// SPDX-License-Identifier: Apache-2.0
// CheckInstance: one configured instance of a check (native or provided),
// runnable by the Scheduler or directly by `vigil check`.
#pragma once

#include "aggregation/aggregator.hpp"
#include "config/check_config.hpp"
#include "plugins/binding.hpp"
#include "scheduling/scheduler.hpp"
#include "sender/run_context.hpp"

namespace vigil {

class CheckInstance final : public Schedulable {
public:
	CheckInstance(std::shared_ptr<const CheckBinding> binding, InstanceConfig config,
		      Aggregator &aggregator);
	// A native check; `plugin` must outlive the instance.
	CheckInstance(const NativePlugin &plugin, InstanceConfig config, Aggregator &aggregator)
	    : CheckInstance(nativeBinding(plugin), std::move(config), aggregator)
	{
	}
	~CheckInstance() override;

	const std::string &id() const override { return config_.id; }
	std::chrono::milliseconds interval() const override { return config_.interval; }
	RunLane lane() const override { return binding_->lane(); }
	const InstanceConfig &config() const { return config_; }
	// Source of submission timestamps (tests: exact rates from snapshots).
	void setClock(double (*clock)()) { context_.clock = clock; }

	// The check's create() runs on the first run, on a worker thread, so a
	// slow constructor never delays start-up; if it fails, that run is the
	// error and the next run tries again (the service may come up later).
	RunOutcome run() override;

private:
	std::shared_ptr<const CheckBinding> binding_;
	InstanceConfig config_;
	Aggregator &aggregator_;
	InstanceContext context_;
	std::shared_ptr<spdlog::logger> log_;
	void *instance_ = nullptr; // from create(), owned by the check
};

} // namespace vigil
