// SPDX-License-Identifier: Apache-2.0
// `vigil check NAME`: runs every instance of one check in the foreground,
// flushing after each round so that each round is one flush interval, and
// prints the last round's flush.  --times 2 makes rates and monotonic counts
// visible, as the Datadog agent's `check -t 2` does.
//
// The runs go through a Scheduler, as in `vigil run`: on its runner threads
// and lanes, never on the main thread, so what this command shows is what the
// agent will do (a Python check calling signal.signal() fails here as it
// does there), and the outcome is the one the agent would record.
#include "agent/life_cycle.hpp"
#include "commands.hpp"
#include "instances/configure.hpp"
#include "isolation/isolated_instance.hpp"
#include "outputs/json_lines/encoding.hpp"
#include "scheduling/scheduler.hpp"
#include "sender/run_context.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <unordered_map>

namespace vigil::cli {

namespace {

struct InstanceResult {
	std::string id;
	RunOutcome outcome;
	double duration_ms = 0;
	bool failed_any = false; // in any round, not only the last
};

const char *statusName(RunStatus status)
{
	switch (status) {
	case RunStatus::Ok:
		return "ok";
	case RunStatus::Error:
		return "error";
	case RunStatus::Timeout:
		return "timeout";
	case RunStatus::Crashed:
		return "crashed";
	}
	return "error";
}

nlohmann::json toJsonReport(const CatalogEntry &entry, const std::vector<InstanceResult> &results,
			    const FlushResult &flush, const std::vector<std::string> &config_errors)
{
	nlohmann::json instances = nlohmann::json::array();
	for (const InstanceResult &r : results)
		instances.push_back({{"id", r.id},
				     {"status", statusName(r.outcome.status)},
				     {"error", r.outcome.error},
				     {"duration_ms", r.duration_ms},
				     {"warnings", r.outcome.warnings}});
	nlohmann::json metrics = nlohmann::json::array(), checks = nlohmann::json::array(),
		       events = nlohmann::json::array();
	for (const Series &s : flush.series)
		metrics.push_back(toJson(s));
	for (const ServiceCheck &c : flush.service_checks)
		checks.push_back(toJson(c));
	for (const Event &e : flush.events)
		events.push_back(toJson(e));
	return {{"check", entry.name},
		{"kind", pluginKindName(entry.kind)},
		{"version", entry.version},
		{"path", entry.path.string()},
		{"module", entry.module.empty() ? nlohmann::json() : nlohmann::json(entry.module)},
		{"instances", instances},
		{"metrics", metrics},
		{"service_checks", checks},
		{"events", events},
		{"config_errors", config_errors}};
}

std::string textReport(const CatalogEntry &entry, const std::vector<InstanceResult> &results,
		       const FlushResult &flush, const std::vector<std::string> &config_errors)
{
	std::string out =
		fmt::format("{} ({}{}, version {})  {}\n", entry.name, pluginKindName(entry.kind),
			    entry.module.empty() ? "" : " module " + entry.module,
			    entry.version.empty() ? "-" : entry.version, entry.path.string());
	for (const std::string &error : config_errors)
		out += fmt::format("  config error: {}\n", error);
	out += "\nInstances\n";
	for (const InstanceResult &r : results) {
		out += fmt::format("  {:<40} {:<7} {:>9.3f} ms\n", r.id,
				   statusName(r.outcome.status), r.duration_ms);
		if (!r.outcome.error.empty())
			out += fmt::format("    error: {}\n", r.outcome.error);
		for (const std::string &w : r.outcome.warnings)
			out += fmt::format("    warning: {}\n", w);
	}
	if (!flush.series.empty()) {
		out += "\nMetrics\n";
		for (const Series &s : flush.series)
			out += fmt::format("  {:<40} {:<6} {:>16.6g}  [{}]  host:{}\n", s.name,
					   seriesTypeName(s.type), s.value, fmt::join(s.tags, ","),
					   s.host);
	}
	if (!flush.service_checks.empty()) {
		out += "\nService checks\n";
		for (const ServiceCheck &c : flush.service_checks)
			out += fmt::format("  {:<40} {:<8} [{}] {}\n", c.name,
					   serviceStatusName(c.status), fmt::join(c.tags, ","),
					   c.message);
	}
	if (!flush.events.empty()) {
		out += "\nEvents\n";
		for (const Event &e : flush.events)
			out += fmt::format("  {} ({}): {}\n", e.title, e.alert_type, e.text);
	}
	return out;
}

// The agent's runners inherit the mask `vigil run` sets before any thread
// exists (termination signals blocked, SIGPIPE ignored), and a check can
// tell: a process it starts inherits the mask, and a write to a closed
// socket fails with EPIPE instead of killing the agent.  So the runners get
// that mask here too, while this thread gets its own back, so that Ctrl-C
// still stops `vigil check` at once.
void startRunnersLikeTheAgent(Scheduler &scheduler)
{
	sigset_t own;
	pthread_sigmask(SIG_SETMASK, nullptr, &own);
	blockTerminationSignals();
	scheduler.startWorkers();
	pthread_sigmask(SIG_SETMASK, &own, nullptr);
}

} // namespace

int checkCommand(const CliOverrides &overrides, const CheckCommandOptions &options)
{
	AgentSettings settings = resolveSettings(overrides);
	CheckCatalog catalog =
		CheckCatalog::load(settings.config.plugins_dirs, catalogOptions(settings));
	const CatalogEntry *entry = catalog.find(options.name);
	if (!entry) {
		std::fprintf(stderr,
			     "vigil: no check named '%s' in %zu plugin folders, and no "
			     "conf.d file naming it (an installed integration runs by name "
			     "once configured; see `vigil list`)\n",
			     options.name.c_str(), settings.config.plugins_dirs.size());
		return 2;
	}
	if (entry->state != CheckState::Ok) {
		std::fprintf(stderr, "vigil: check '%s' (%s) cannot run: %s\n", entry->name.c_str(),
			     entry->path.c_str(), entry->error.c_str());
		return 1;
	}

	AggregatorOptions agg_options;
	agg_options.default_hostname = settings.config.hostname;
	agg_options.histogram_aggregates = settings.config.histogram_aggregates;
	agg_options.histogram_percentiles = settings.config.histogram_percentiles;
	Aggregator aggregator(agg_options);
	ConfiguredCheck check = configureCheck(
		*entry, settings.config.conf_dir, aggregator,
		makeIsolationContext(settings.config, pythonProviderLaunch(settings)));
	if (check.unconfigured) {
		std::fprintf(stderr,
			     "vigil: check '%s' has nothing to run without a configuration: write "
			     "%s/%s.yaml (docs/checks/%s.md)\n",
			     entry->name.c_str(), settings.config.conf_dir.c_str(),
			     entry->name.c_str(), entry->name.c_str());
		return 1;
	}

	std::vector<InstanceResult> results(check.instances.size());
	std::unordered_map<const Schedulable *, InstanceResult *> result_of;
	for (size_t i = 0; i < check.instances.size(); ++i) {
		results[i].id = check.instances[i]->id();
		result_of[check.instances[i].get()] = &results[i];
	}
	SchedulerOptions scheduling;
	scheduling.workers = settings.config.check_runners;
	// The report states every error; logging them as well would say each
	// one twice.
	scheduling.log_failures = false;
	// On the runner threads: each run writes only its own instance's result
	// (the map is not changed after this), and runAllOnce() returns only
	// after the observers of its runs.
	scheduling.on_run = [&result_of](const Schedulable &instance, const RunOutcome &outcome,
					 std::chrono::nanoseconds took) {
		InstanceResult &r = *result_of.at(&instance);
		r.failed_any = r.failed_any || outcome.status != RunStatus::Ok;
		r.outcome = outcome;
		r.duration_ms = std::chrono::duration<double, std::milli>(took).count();
	};
	// Declared after `check` and the aggregator: its runners are joined
	// before the instances they run are destroyed.
	Scheduler scheduler(std::move(scheduling), std::make_shared<SteadyClock>());
	for (const auto &instance : check.instances)
		scheduler.add(instance);
	startRunnersLikeTheAgent(scheduler);

	FlushResult flush;
	for (unsigned round = 0; round < options.times; ++round) {
		if (round > 0 && options.pause > 0)
			std::this_thread::sleep_for(std::chrono::duration<double>(options.pause));
		scheduler.runAllOnce();
		flush = aggregator.flush(wallClockSeconds());
	}
	scheduler.stop(std::chrono::milliseconds(0));

	if (options.json)
		std::printf("%s\n",
			    toJsonReport(*entry, results, flush, check.config.errors)
				    .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
				    .c_str());
	else
		std::fputs(textReport(*entry, results, flush, check.config.errors).c_str(), stdout);

	bool ok = !results.empty() && check.config.errors.empty();
	for (const InstanceResult &r : results)
		ok = ok && !r.failed_any;
	return ok ? 0 : 1;
}

} // namespace vigil::cli
