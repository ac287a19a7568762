// SPDX-License-Identifier: Apache-2.0
// Cost of running a native check: directly through the C ABI, and end to end
// through the Scheduler's worker pool (queue, wake, run, stats).  The plugin
// is an empty check, so what is measured is the agent's overhead per run.
#include "aggregation/aggregator.hpp"
#include "instances/in_process.hpp"
#include "plugins/loader.hpp"
#include "scheduling/scheduler.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

using namespace vigil;

namespace {

const NativePlugin &emptyPlugin()
{
	static NativePlugin plugin = loadNativePlugin(VIGIL_EMPTY_CHECK);
	return plugin;
}

InstanceConfig instanceConfig(int i)
{
	InstanceConfig config;
	config.id = "empty:" + std::to_string(i);
	config.interval = std::chrono::milliseconds(10000);
	return config;
}

void BM_NativeRunDirect(benchmark::State &state)
{
	Aggregator aggregator({});
	CheckInstance instance(emptyPlugin(), instanceConfig(0), aggregator);
	for (auto _ : state)
		benchmark::DoNotOptimize(instance.run());
	state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NativeRunDirect);

// One iteration = every instance run once through the pool; items/s is runs/s
// and the time per item the end-to-end cost of one scheduled run.
void BM_NativeRunThroughPool(benchmark::State &state)
{
	const int count = static_cast<int>(state.range(0));
	Aggregator aggregator({});
	Scheduler scheduler({static_cast<unsigned>(state.range(1)), {}},
			    std::make_shared<SteadyClock>());
	for (int i = 0; i < count; ++i)
		scheduler.add(std::make_shared<CheckInstance>(emptyPlugin(), instanceConfig(i),
							      aggregator));
	scheduler.startWorkers();
	for (auto _ : state)
		scheduler.runAllOnce();
	state.SetItemsProcessed(state.iterations() * count);
	scheduler.stop(std::chrono::milliseconds(1000));
}
BENCHMARK(BM_NativeRunThroughPool)
	->Args({1000, 1})
	->Args({1000, 2})
	->Args({1000, 4})
	->UseRealTime();

} // namespace

BENCHMARK_MAIN();
