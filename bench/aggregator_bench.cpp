// SPDX-License-Identifier: Apache-2.0
// Aggregator hot path: addSample on existing contexts (the target is 5 M/s on
// one core with 3 tags), new contexts, and flush cost.
#include "aggregation/aggregator.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

using vigil::Aggregator;
using vigil::AggregatorOptions;
using vigil::MetricType;

AggregatorOptions benchOptions()
{
	AggregatorOptions o;
	o.default_hostname = "bench-host.example.com";
	return o;
}

// Realistic-looking names and tags, built once so the loop measures only
// the aggregator.
struct Workload {
	explicit Workload(int contexts)
	{
		for (int i = 0; i < contexts; ++i) {
			names.push_back("system.net.bytes_rcvd." + std::to_string(i % 50));
			tags.push_back({"env:production", "device:eth" + std::to_string(i / 50),
					"service:web-frontend"});
		}
		for (auto &t : tags)
			views.push_back({t[2], t[0], t[1]}); // unsorted, as checks send them
	}
	std::vector<std::string> names;
	std::vector<std::vector<std::string>> tags;
	std::vector<std::vector<std::string_view>> views;
};

void addExisting(benchmark::State &state, MetricType type)
{
	Workload w(static_cast<int>(state.range(0)));
	Aggregator agg(benchOptions());
	size_t n = w.names.size();
	for (size_t i = 0; i < n; ++i)
		agg.addSample(type, w.names[i], 1, w.views[i], "", 1000);
	size_t i = 0;
	double v = 0;
	for (auto _ : state) {
		agg.addSample(type, w.names[i], v, w.views[i], "", 1000 + v);
		v += 1;
		if (++i == n)
			i = 0;
	}
	state.SetItemsProcessed(state.iterations());
}

void BM_AddSampleGauge(benchmark::State &state)
{
	addExisting(state, MetricType::Gauge);
}
BENCHMARK(BM_AddSampleGauge)->Arg(1)->Arg(1000)->Arg(100000);

void BM_AddSampleCount(benchmark::State &state)
{
	addExisting(state, MetricType::Count);
}
BENCHMARK(BM_AddSampleCount)->Arg(1000);

void BM_AddSampleMonotonicCount(benchmark::State &state)
{
	addExisting(state, MetricType::MonotonicCount);
}
BENCHMARK(BM_AddSampleMonotonicCount)->Arg(1000);

void BM_AddSampleRate(benchmark::State &state)
{
	addExisting(state, MetricType::Rate);
}
BENCHMARK(BM_AddSampleRate)->Arg(1000);

void BM_AddSampleHistogram(benchmark::State &state)
{
	// Samples accumulate until a flush; the bench flushes nothing, so this
	// includes the (amortised) growth of each context's sample buffer.
	addExisting(state, MetricType::Histogram);
}
BENCHMARK(BM_AddSampleHistogram)->Arg(1000);

// Many threads on one mutex: how much the single lock costs under contention.
void BM_AddSampleGaugeThreaded(benchmark::State &state)
{
	static Aggregator *agg = nullptr;
	static Workload *w = nullptr;
	if (state.thread_index() == 0) {
		w = new Workload(1000);
		agg = new Aggregator(benchOptions());
	}
	// Google Benchmark starts every thread's loop together, after setup.
	size_t i = static_cast<size_t>(state.thread_index()) * 97;
	for (auto _ : state) {
		size_t k = i % w->names.size();
		agg->addSample(MetricType::Gauge, w->names[k], 1, w->views[k], "", 1000);
		++i;
	}
	state.SetItemsProcessed(state.iterations());
	if (state.thread_index() == 0) {
		delete agg;
		delete w;
	}
}
BENCHMARK(BM_AddSampleGaugeThreaded)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();

// A context seen for the first time: the only path that allocates.
void BM_AddSampleNewContext(benchmark::State &state)
{
	Aggregator agg(benchOptions());
	std::vector<std::string> ids;
	size_t batch = 100000;
	for (size_t k = 0; k < batch; ++k)
		ids.push_back("id:" + std::to_string(k));
	size_t i = 0;
	double round = 0;
	for (auto _ : state) {
		std::string_view tags[] = {"env:production", ids[i], "service:web"};
		agg.addSample(MetricType::Gauge, "bench.new", 1, tags, "", 1000);
		if (++i == batch) {
			// Expire everything so the next round creates contexts again.
			state.PauseTiming();
			agg.flush(round += 1e6);
			agg.flush(round += 1e6);
			i = 0;
			state.ResumeTiming();
		}
	}
	state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddSampleNewContext);

void BM_Flush(benchmark::State &state)
{
	Workload w(static_cast<int>(state.range(0)));
	Aggregator agg(benchOptions());
	double now = 1000;
	for (auto _ : state) {
		state.PauseTiming();
		for (size_t i = 0; i < w.names.size(); ++i)
			agg.addSample(MetricType::Gauge, w.names[i], 1, w.views[i], "", now);
		state.ResumeTiming();
		benchmark::DoNotOptimize(agg.flush(now += 15));
	}
	state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Flush)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
