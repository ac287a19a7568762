// SPDX-License-Identifier: Apache-2.0
// What `isolation: process` costs per run (issue 6, target: under 100 us more
// than in-process), for an empty native check (bench/empty_check.c) and an
// empty Python check (bench/python_checks/empty.py):
//   - BM_*InProcess: CheckInstance::run(), as `isolation: none` runs it;
//   - BM_*Isolated: IsolatedInstance::run() on a warm worker: the request
//     frame, the worker's run, the `done` answer, its replay, the pool's
//     acquire/release and RSS check (rss_ceiling:1, the default; 0 shows
//     what reading /proc/PID/statm after every run costs).
// The Isolated benchmarks also report the resident size of their worker
// after the runs (counter idle_worker_rss_mb): what one idle worker of that
// kind costs in memory.
//
// Workers are the real `vigil` binary (VIGIL_EXE, `vigil worker`); this
// program only plays the agent.  Each benchmark runs on the main thread; the
// worker pools start and stop their own processes (worker_pool.hpp).
#include "aggregation/aggregator.hpp"
#include "instances/in_process.hpp"
#include "isolation/isolated_instance.hpp"
#include "plugins/loader.hpp"
#include "plugins/provider.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

using namespace vigil;

namespace {

#ifdef VIGIL_PYTHON_HOST_SO
const std::filesystem::path kPythonChecks = VIGIL_PY_BENCH_CHECKS;

// The provider options an agent would pass; one state dir per process.
const std::string &pythonOptions()
{
	static const std::string json = [] {
		char tmpl[] = "/tmp/vigil-isolation-bench-XXXXXX";
		const char *dir = mkdtemp(tmpl);
		if (!dir)
			throw std::runtime_error("mkdtemp failed");
		return nlohmann::json{
			{"agent_version", "bench"},
			{"hostname", "bench-host"},
			{"state_dir", std::string(dir) + "/state"},
			{"plugin_dirs", {kPythonChecks.string()}},
		}
			.dump();
	}();
	return json;
}
#endif

InstanceConfig instanceConfig(const std::string &check)
{
	InstanceConfig config;
	config.id = check + ":default:0";
	config.interval = std::chrono::milliseconds(10000);
	config.timeout = 10; // never reached: a generous hard timeout
	config.isolation = Isolation::Process;
	return config;
}

// rss_ceiling: the pool's default worker_max_rss_mb (256), which reads
// /proc/PID/statm after every run, or none.
std::shared_ptr<IsolationContext> isolationContext(bool rss_ceiling)
{
	IsolationContext::Options options;
	options.pool.launch.executable = VIGIL_EXE;
	options.pool.max_runs = 0; // the same warm worker for every run
	options.pool.max_rss_mb = rss_ceiling ? 256 : 0;
#ifdef VIGIL_PYTHON_HOST_SO
	options.python_host = VIGIL_PYTHON_HOST_SO;
	options.python_options = pythonOptions();
#endif
	return std::make_shared<IsolationContext>(std::move(options));
}

CatalogEntry catalogEntry(const std::string &name, PluginKind kind,
			  const std::filesystem::path &path)
{
	CatalogEntry entry;
	entry.name = name;
	entry.kind = kind;
	entry.path = path;
	entry.state = CheckState::Ok;
	return entry;
}

void runOrFail(benchmark::State &state, Schedulable &instance)
{
	RunOutcome outcome = instance.run();
	if (outcome.status != RunStatus::Ok)
		state.SkipWithError(("run failed: " + outcome.error).c_str());
}

void runLoop(benchmark::State &state, Schedulable &instance)
{
	runOrFail(state, instance); // starts the worker / creates the check
	for (auto _ : state)
		benchmark::DoNotOptimize(instance.run());
	state.SetItemsProcessed(state.iterations());
}

// The resident size of the (idle) worker that ran `id`, in MB.
double idleWorkerRssMb(IsolationContext &isolation, PluginKind kind, const std::string &id)
{
	isolation::WorkerPool &pool = isolation.pool(kind);
	std::unique_ptr<isolation::WorkerProcess> worker = pool.acquire(id);
	const double mb = double(worker->rssBytes()) / (1024 * 1024);
	pool.release(std::move(worker), id);
	return mb;
}

void BM_NativeEmptyInProcess(benchmark::State &state)
{
	static NativePlugin plugin = loadNativePlugin(VIGIL_EMPTY_CHECK);
	Aggregator aggregator({});
	CheckInstance instance(plugin, instanceConfig("empty"), aggregator);
	runLoop(state, instance);
}
BENCHMARK(BM_NativeEmptyInProcess);

void BM_NativeEmptyIsolated(benchmark::State &state)
{
	Aggregator aggregator({});
	auto isolation = isolationContext(state.range(0) != 0);
	IsolatedInstance instance(catalogEntry("empty", PluginKind::Native, VIGIL_EMPTY_CHECK),
				  instanceConfig("empty"), aggregator, isolation);
	runLoop(state, instance);
	state.counters["idle_worker_rss_mb"] =
		idleWorkerRssMb(*isolation, PluginKind::Native, instance.id());
}
BENCHMARK(BM_NativeEmptyIsolated)->ArgName("rss_ceiling")->Arg(1)->Arg(0)->UseRealTime();

// Python builds only (the lite build has no python_host).
#ifdef VIGIL_PYTHON_HOST_SO

void BM_PythonEmptyInProcess(benchmark::State &state)
{
	// CPython starts once per process, as in the agent.
	static std::shared_ptr<CheckProvider> provider =
		CheckProvider::open(VIGIL_PYTHON_HOST_SO, pythonOptions());
	static std::shared_ptr<const CheckBinding> empty =
		provider->binding(provider->load(kPythonChecks / "empty.py"));
	Aggregator aggregator({});
	CheckInstance instance(empty, instanceConfig("empty"), aggregator);
	runLoop(state, instance);
}
BENCHMARK(BM_PythonEmptyInProcess);

void BM_PythonEmptyIsolated(benchmark::State &state)
{
	Aggregator aggregator({});
	auto isolation = isolationContext(state.range(0) != 0);
	IsolatedInstance instance(
		catalogEntry("empty", PluginKind::Python, kPythonChecks / "empty.py"),
		instanceConfig("empty"), aggregator, isolation);
	runLoop(state, instance);
	state.counters["idle_worker_rss_mb"] =
		idleWorkerRssMb(*isolation, PluginKind::Python, instance.id());
}
BENCHMARK(BM_PythonEmptyIsolated)->ArgName("rss_ceiling")->Arg(1)->Arg(0)->UseRealTime();
#endif

} // namespace

BENCHMARK_MAIN();
