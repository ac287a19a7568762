// SPDX-License-Identifier: Apache-2.0
#include "agent/life_cycle.hpp"

#include "agent/http_endpoints.hpp"
#include "instances/configure.hpp"
#include "isolation/isolated_instance.hpp"
#include "outputs/json_lines/output.hpp"
#include "outputs/remote_write/output.hpp"
#include "process/logging.hpp"
#include "process/startup_page_release.hpp"
#include "sender/run_context.hpp"

#include <fmt/format.h>

#include <csignal>
#include <ctime>
#include <future>
#include <memory>
#include <thread>
#include <vector>

namespace vigil {

namespace {

sigset_t terminationSignals()
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	return set;
}

AggregatorOptions aggregatorOptions(const AgentConfig &config)
{
	AggregatorOptions options;
	options.histogram_aggregates = config.histogram_aggregates;
	options.histogram_percentiles = config.histogram_percentiles;
	options.default_hostname = config.hostname;
	return options;
}

// Waits up to `seconds` for a termination signal; returns it, or 0.
int waitForSignal(double seconds)
{
	sigset_t set = terminationSignals();
	if (seconds < 0)
		seconds = 0;
	timespec timeout{static_cast<time_t>(seconds),
			 static_cast<long>((seconds - static_cast<time_t>(seconds)) * 1e9)};
	int sig = sigtimedwait(&set, nullptr, &timeout);
	return sig > 0 ? sig : 0;
}

// Once when start-up is over, and again after the first flush: by then the
// first runs (spread over each instance's interval) and the first flush have
// run their one-time code too.  Not at every flush: that would only make the
// pages the agent keeps running fault back in each time.
void releaseStartupCode(const char *when)
{
	PageReleaseResult released = releaseStartupPages();
	logger("agent")->debug("{}: released {} kB of start-up code in {} mappings", when,
			       released.bytes / 1024, released.mappings);
}

} // namespace

void blockTerminationSignals()
{
	sigset_t set = terminationSignals();
	pthread_sigmask(SIG_BLOCK, &set, nullptr);
	// A reader that goes away (`vigil run | head`) must cost a logged write
	// error, not the whole agent.
	std::signal(SIGPIPE, SIG_IGN);
}

Agent::Agent(AgentSettings settings) : settings_(std::move(settings))
{
}

int Agent::run(const RunOptions &options)
{
	auto log = logger("agent");
	const AgentConfig &config = settings_.config;

	CheckCatalog catalog = CheckCatalog::load(config.plugins_dirs, catalogOptions(settings_));
	Aggregator aggregator(aggregatorOptions(config));
	// Declared before the scheduler so that it outlives it: the pools' workers
	// are killed and reaped last, after every run has ended.
	std::shared_ptr<IsolationContext> isolation =
		makeIsolationContext(settings_.config, pythonProviderLaunch(settings_));
	std::vector<ConfiguredCheck> checks =
		configureAll(catalog, config.conf_dir, aggregator, isolation);

	std::vector<std::unique_ptr<Output>> outputs;
	if (config.output.type == "json")
		outputs.push_back(std::make_unique<JsonLinesOutput>(config.output));
	if (!config.remote_write.url.empty()) {
		RemoteWriteConfig remote_write = config.remote_write;
		remote_write.metric_prefix = config.prometheus_prefix;
		outputs.push_back(std::make_unique<RemoteWriteOutput>(remote_write));
	}
	auto emit = [&](double now) {
		FlushResult flushed = aggregator.flush(now);
		for (auto &output : outputs)
			output->write(flushed);
	};
	// Outputs that queue (remote write) get a bounded last chance to send.
	auto closeOutputs = [&](double seconds) {
		for (auto &output : outputs)
			output->close(seconds);
	};

	Scheduler scheduler({config.check_runners, quarantinePolicy(config)},
			    std::make_shared<SteadyClock>());
	size_t instances = 0;
	for (ConfiguredCheck &check : checks)
		for (auto &instance : check.instances) {
			scheduler.add(instance);
			++instances;
		}
	log->info("{} checks, {} instances, {} runners", checks.size(), instances,
		  config.check_runners);
	// /metrics and /status; declared after the scheduler and the outputs,
	// whose state its threads read, so it is stopped first.
	std::unique_ptr<AgentEndpoints> endpoints;
	if (!options.once)
		endpoints = startAgentEndpoints(settings_, catalog, checks, scheduler, outputs);

	auto grace = std::chrono::milliseconds(static_cast<long>(config.shutdown_grace * 1000));
	if (options.once) {
		// The runs go on a thread of their own so that this one stays
		// able to take SIGINT/SIGTERM: a check stuck in C code must not
		// make `--once` unkillable.  Completion is seen at once; a signal
		// within kOncePoll.
		constexpr auto kOncePoll = std::chrono::milliseconds(50);
		std::promise<void> done;
		std::future<void> finished = done.get_future();
		scheduler.startWorkers();
		std::thread runner([&] {
			scheduler.runAllOnce();
			done.set_value();
		});
		int sig = 0;
		while (finished.wait_for(kOncePoll) != std::future_status::ready)
			if ((sig = waitForSignal(0)))
				break;
		if (sig)
			log->info("received {}, stopping (grace {} s)", strsignal(sig),
				  config.shutdown_grace);
		// stop() also wakes runAllOnce() if a check is still running.
		bool clean = scheduler.stop(sig ? grace : std::chrono::milliseconds(0));
		runner.join();
		emit(wallClockSeconds());
		closeOutputs(config.shutdown_grace);
		if (!clean) {
			log->warn("checks still running after {} s, exiting without waiting "
				  "for them",
				  config.shutdown_grace);
			std::fflush(nullptr);
			std::_Exit(0);
		}
		return 0;
	}

	scheduler.start();
	releaseStartupCode("started");
	double next_flush = wallClockSeconds() + config.flush_interval;
	bool first_flush = true;
	int sig = 0;
	while (!(sig = waitForSignal(next_flush - wallClockSeconds()))) {
		double now = wallClockSeconds();
		if (now < next_flush)
			continue;
		emit(now);
		if (first_flush) {
			releaseStartupCode("first flush");
			first_flush = false;
		}
		// Stay on the flush grid; after a long stall, restart it from now.
		next_flush += config.flush_interval;
		if (next_flush < now)
			next_flush = now + config.flush_interval;
	}

	log->info("received {}, stopping (grace {} s)", strsignal(sig), config.shutdown_grace);
	bool clean = scheduler.stop(grace);
	// No worker process may outlive the agent (docs/isolation.md).
	isolation->shutdown();
	emit(wallClockSeconds());
	closeOutputs(config.shutdown_grace);
	if (!clean) {
		// A check is stuck inside plugin code: running destructors (and
		// unloading anything) under it could crash, so leave without them.
		log->warn("checks still running after {} s, exiting without waiting for them",
			  config.shutdown_grace);
		std::fflush(nullptr);
		std::_Exit(0);
	}
	return 0;
}

} // namespace vigil
