// SPDX-License-Identifier: Apache-2.0
// `vigil check NAME`: runs every instance of one check in the foreground,
// flushing after each round so that each round is one flush interval, and
// prints the last round's flush.  --times 2 makes rates and monotonic counts
// visible, as the Datadog agent's `check -t 2` does.
#include "commands.hpp"
#include "instances/configure.hpp"
#include "isolation/isolated_instance.hpp"
#include "outputs/json_lines/encoding.hpp"
#include "sender/run_context.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

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
	return {{"check", entry.name},	    {"kind", pluginKindName(entry.kind)},
		{"version", entry.version}, {"instances", instances},
		{"metrics", metrics},	    {"service_checks", checks},
		{"events", events},	    {"config_errors", config_errors}};
}

std::string textReport(const CatalogEntry &entry, const std::vector<InstanceResult> &results,
		       const FlushResult &flush, const std::vector<std::string> &config_errors)
{
	std::string out =
		fmt::format("{} ({}, version {})  {}\n", entry.name, pluginKindName(entry.kind),
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

} // namespace

int checkCommand(const CliOverrides &overrides, const CheckCommandOptions &options)
{
	AgentSettings settings = resolveSettings(overrides);
	CheckCatalog catalog =
		CheckCatalog::load(settings.config.plugins_dirs, catalogOptions(settings));
	const CatalogEntry *entry = catalog.find(options.name);
	if (!entry) {
		std::fprintf(stderr,
			     "vigil: no check named '%s' in %zu plugin folders (see `vigil "
			     "list`)\n",
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

	std::vector<InstanceResult> results(check.instances.size());
	FlushResult flush;
	for (unsigned round = 0; round < options.times; ++round) {
		if (round > 0 && options.pause > 0)
			std::this_thread::sleep_for(std::chrono::duration<double>(options.pause));
		for (size_t i = 0; i < check.instances.size(); ++i) {
			auto start = std::chrono::steady_clock::now();
			RunOutcome outcome = check.instances[i]->run();
			std::chrono::duration<double, std::milli> took =
				std::chrono::steady_clock::now() - start;
			InstanceResult &r = results[i];
			r.id = check.instances[i]->id();
			r.failed_any = r.failed_any || outcome.status != RunStatus::Ok;
			r.outcome = std::move(outcome);
			r.duration_ms = took.count();
		}
		flush = aggregator.flush(wallClockSeconds());
	}

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
