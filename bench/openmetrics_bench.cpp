// SPDX-License-Identifier: Apache-2.0
// The openmetrics check on a real node_exporter body
// (tests/data/openmetrics/node_exporter.txt, ~1,900 series): parsing alone;
// parsing and mapping to Datadog's names into a sink that only counts;
// parsing, mapping and submitting through the agent's own host functions into
// an Aggregator, which is what the check's run() does after the GET; and the
// whole run of the built plugin against a loopback HTTP server (GET
// included, so real time).  Every iteration is one scrape of the same body, as
// in an agent scraping every 15 s (the monotonic counts' baselines are warm
// after the first).  Numbers in docs/performance.md.
#include "aggregation/aggregator.hpp"
#include "instances/in_process.hpp"
#include "plugins/loader.hpp"
#include "process/logging.hpp"
#include "sender/run_context.hpp"

#include "../tests/http/loopback_server.hpp"

#include "exposition.hpp"
#include "host_sink.hpp"
#include "mapper.hpp"

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace vigil;
using namespace vigil::openmetrics;

namespace {

const std::string &nodeExporter()
{
	static const std::string body = [] {
		std::ifstream in(std::string(VIGIL_TEST_DATA) + "/openmetrics/node_exporter.txt");
		std::stringstream s;
		s << in.rdbuf();
		return s.str();
	}();
	return body;
}

MappingOptions everything()
{
	MappingOptions o;
	o.metric_namespace = "node";
	o.pattern_rules.emplace_back(system::PatternList("metrics", {".+"}, {}), MetricRule{});
	o.tags = {"endpoint:http://127.0.0.1:9100/metrics"};
	return o;
}

class CountingSink : public Sink {
public:
	void metric(vigil_metric_type, const char *, double value, const char *const *, size_t,
		    const char *) override
	{
		benchmark::DoNotOptimize(value);
		++metrics;
	}
	void serviceCheck(const char *, vigil_service_status, const char *const *, size_t,
			  const char *) override
	{
	}
	size_t metrics = 0;
};

void BM_Parse(benchmark::State &state)
{
	Exposition e;
	for (auto _ : state) {
		parseExposition(nodeExporter(), e);
		benchmark::DoNotOptimize(e.samples.data());
	}
	state.counters["samples"] = double(e.samples.size());
	state.SetItemsProcessed(state.iterations() * int64_t(e.samples.size()));
	state.SetBytesProcessed(state.iterations() * int64_t(nodeExporter().size()));
}
BENCHMARK(BM_Parse);

void BM_ParseMap(benchmark::State &state)
{
	Exposition e;
	Mapper mapper(everything());
	CountingSink sink;
	for (auto _ : state) {
		parseExposition(nodeExporter(), e);
		mapper.map(e, sink, 0);
	}
	state.counters["submissions"] = double(sink.metrics) / double(state.iterations());
	state.SetItemsProcessed(int64_t(sink.metrics));
}
BENCHMARK(BM_ParseMap);

// What run() does once the body has arrived: the agent's vigil_host
// functions (tag checks, the instance's tags) into a real Aggregator.
void BM_ParseMapSubmit(benchmark::State &state)
{
	Aggregator aggregator({});
	InstanceConfig config;
	config.id = "openmetrics:bench:0";
	config.tags = {"env:bench"};
	InstanceContext instance;
	instance.check_name = "openmetrics";
	instance.config = &config;
	RunContext ctx(aggregator, instance, logger("check"));
	Exposition e;
	Mapper mapper(everything());
	HostSink sink(hostServices(), ctx.handle(), false); // a first scrape
	size_t submitted = 0;
	for (auto _ : state) {
		parseExposition(nodeExporter(), e);
		submitted += mapper.map(e, sink, 0).submitted;
	}
	state.counters["submissions"] = double(submitted) / double(state.iterations());
	state.SetItemsProcessed(int64_t(submitted));
}
BENCHMARK(BM_ParseMapSubmit);

// The built plugin's whole run, its GET to a loopback server included.
void BM_CheckRun(benchmark::State &state)
{
	test::LoopbackServer server([](const test::LoopbackRequest &) {
		test::LoopbackAnswer a;
		a.body = nodeExporter();
		a.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
		return a;
	});
	NativePlugin plugin = loadNativePlugin(VIGIL_CHECK_SO);
	Aggregator aggregator({});
	InstanceConfig config;
	config.id = "openmetrics:bench:0";
	config.data = {{"openmetrics_endpoint", server.url("/metrics")},
		       {"namespace", "node"},
		       {"metrics", {".+"}}};
	CheckInstance instance(plugin, std::move(config), aggregator);
	for (auto _ : state) {
		RunOutcome outcome = instance.run();
		if (outcome.status != RunStatus::Ok)
			state.SkipWithError(outcome.error.c_str());
	}
}
BENCHMARK(BM_CheckRun)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
