// SPDX-License-Identifier: Apache-2.0
// IsolatedInstance: a check instance configured with `isolation: process`.
// Each run is a request to a worker process from the pool of its kind; what
// the worker's check submitted comes back in batches and is replayed through
// a RunContext, so the Aggregator sees exactly the calls an in-process run
// makes.  A run that overruns its hard timeout is killed (status Timeout); a
// worker that dies makes the run Crashed, with how it died and its last
// output.  Either way the worker is replaced and nothing else is disturbed.
//
// Threads: run() is called by one Scheduler worker thread at a time (the
// Scheduler never overlaps an instance); the pools are shared, see
// worker_pool.hpp.
#pragma once

#include "aggregation/aggregator.hpp"
#include "config/agent_config.hpp"
#include "config/check_config.hpp"
#include "isolation/worker_pool.hpp"
#include "plugins/catalog.hpp"
#include "scheduling/scheduler.hpp"
#include "sender/run_context.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace vigil {

// What the agent needs to isolate checks: defaults from vigil.yaml and the
// worker pools, one per kind (native, python), started on first use.
class IsolationContext {
public:
	struct Options {
		Isolation default_isolation = Isolation::None;
		double default_timeout = 0; // seconds; 0 = the instance's interval
		isolation::WorkerPoolOptions pool;
		std::filesystem::path python_host; // provider of .py checks
		std::string python_options;	   // its init() options JSON
	};

	explicit IsolationContext(Options options);
	~IsolationContext(); // shutdown()

	const Options &options() const { return options_; }
	// Where `instance` runs: its own setting, else the agent's default.
	Isolation isolationOf(const InstanceConfig &instance) const;
	// The hard timeout of an isolated run: the instance's `timeout`, else
	// vigil.yaml's default_timeout, else the instance's interval (a run
	// still going when the next is due is hung for all practical purposes).
	std::chrono::milliseconds timeoutOf(const InstanceConfig &instance) const;

	isolation::WorkerPool &pool(PluginKind kind);
	// Kills and reaps every worker; runs after this fail.
	void shutdown();

private:
	Options options_;
	isolation::WorkerPool native_;
	isolation::WorkerPool python_;
};

// The isolation settings of vigil.yaml, and how workers open the Python
// provider.
std::shared_ptr<IsolationContext> makeIsolationContext(const AgentConfig &config,
						       const isolation::ProviderLaunch &provider);
// vigil.yaml's quarantine settings, for the Scheduler.
QuarantinePolicy quarantinePolicy(const AgentConfig &config);

class IsolatedInstance final : public Schedulable {
public:
	IsolatedInstance(const CatalogEntry &entry, InstanceConfig config, Aggregator &aggregator,
			 std::shared_ptr<IsolationContext> isolation);

	const std::string &id() const override { return config_.id; }
	std::chrono::milliseconds interval() const override { return config_.interval; }
	// Whatever the check's kind: this thread waits on a worker process.
	RunLane lane() const override { return RunLane::Isolated; }
	const InstanceConfig &config() const { return config_; }
	std::chrono::milliseconds timeout() const { return timeout_; }

	RunOutcome run() override;

private:
	// Hands one batch (or the `done` message's last one) to `ctx`.
	void replay(const nlohmann::json &batch, RunContext &ctx);

	std::shared_ptr<IsolationContext> isolation_;
	PluginKind kind_;
	InstanceConfig config_;
	Aggregator &aggregator_;
	InstanceContext context_;
	std::shared_ptr<spdlog::logger> log_;
	std::chrono::milliseconds timeout_;
	std::string request_; // the encoded run request, the same every run
};

} // namespace vigil
