// SPDX-License-Identifier: Apache-2.0
// What a Python check costs the agent (issue 4), beside what CPython itself
// costs, in the same process and run:
//   - BM_PythonBareCall*: PyObject_CallNoArgs on an empty Python function,
//     the GIL held across the loop (pure call) and taken/released per call
//     through a persistent thread state (the least a scheduled run must do);
//   - BM_PythonEmptyCheck*: an empty AgentCheck run through CheckInstance
//     (RunContext, provider ABI, python_host, AgentCheck.run), directly and
//     through the Scheduler's worker pool;
//   - BM_PythonGaugeThroughput: self.gauge(name, value, tags=[3 tags]) from
//     a check into the real aggregator; items/s = samples/s.
// python_host.so is loaded through CheckProvider exactly as the agent does;
// this program also links libpython, the same shared library python_host
// uses, so the bare calls run in the interpreter python_host started.
#include "aggregation/aggregator.hpp"
#include "instances/in_process.hpp"
#include "plugins/provider.hpp"
#include "scheduling/scheduler.hpp"

#include <Python.h>
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

using namespace vigil;

namespace {

struct Loaded {
	std::shared_ptr<CheckProvider> provider;
	std::shared_ptr<const CheckBinding> empty;
	std::shared_ptr<const CheckBinding> gauges;
};

// Opened once: CPython starts once per process.
const Loaded &loaded()
{
	static const Loaded l = [] {
		char tmpl[] = "/tmp/vigil-python-bench-XXXXXX";
		const char *dir = mkdtemp(tmpl);
		if (!dir)
			throw std::runtime_error("mkdtemp failed");
		nlohmann::json options = {
			{"agent_version", "bench"},
			{"hostname", "bench-host"},
			{"state_dir", std::string(dir) + "/state"},
			{"plugin_dirs", {VIGIL_PY_BENCH_CHECKS}},
		};
		Loaded out;
		out.provider = CheckProvider::open(VIGIL_PYTHON_HOST_SO, options.dump());
		const std::filesystem::path checks = VIGIL_PY_BENCH_CHECKS;
		out.empty = out.provider->binding(out.provider->load(checks / "empty.py"));
		out.gauges = out.provider->binding(out.provider->load(checks / "gauges.py"));
		return out;
	}();
	return l;
}

InstanceConfig instanceConfig(const std::string &check, int i, nlohmann::json data = {})
{
	InstanceConfig config;
	config.id = check + ":" + std::to_string(i);
	config.interval = std::chrono::milliseconds(10000);
	config.data = data.is_null() ? nlohmann::json::object() : std::move(data);
	return config;
}

// An empty Python function and a thread state of this thread's own, as a
// python_host worker has.
struct BareCall {
	PyThreadState *state = nullptr;
	PyObject *fn = nullptr;

	BareCall()
	{
		loaded(); // the interpreter, started (and released) by python_host
		state = PyThreadState_New(PyInterpreterState_Main());
		PyEval_RestoreThread(state);
		PyObject *globals = PyDict_New();
		PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
		PyObject *r =
			PyRun_String("def empty():\n    pass\n", Py_file_input, globals, globals);
		Py_XDECREF(r);
		fn = PyDict_GetItemString(globals, "empty");
		Py_XINCREF(fn);
		Py_DECREF(globals);
		PyEval_SaveThread();
		if (!fn)
			throw std::runtime_error("could not define the empty function");
	}
};

BareCall &bareCall()
{
	static BareCall b;
	return b;
}

void BM_PythonBareCallGilHeld(benchmark::State &state)
{
	BareCall &b = bareCall();
	PyEval_RestoreThread(b.state);
	for (auto _ : state) {
		PyObject *r = PyObject_CallNoArgs(b.fn);
		Py_XDECREF(r);
	}
	PyEval_SaveThread();
	state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PythonBareCallGilHeld);

void BM_PythonBareCallTakingGil(benchmark::State &state)
{
	BareCall &b = bareCall();
	for (auto _ : state) {
		PyEval_RestoreThread(b.state);
		PyObject *r = PyObject_CallNoArgs(b.fn);
		Py_XDECREF(r);
		PyEval_SaveThread();
	}
	state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PythonBareCallTakingGil);

void BM_PythonEmptyCheckDirect(benchmark::State &state)
{
	Aggregator aggregator({});
	CheckInstance instance(loaded().empty, instanceConfig("empty", 0), aggregator);
	instance.run(); // create()
	for (auto _ : state)
		benchmark::DoNotOptimize(instance.run());
	state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PythonEmptyCheckDirect);

// One iteration = every instance run once through the pool; the time per
// item is the end-to-end cost of one scheduled run.
void BM_PythonEmptyCheckThroughPool(benchmark::State &state)
{
	const int count = static_cast<int>(state.range(0));
	Aggregator aggregator({});
	SchedulerOptions options;
	options.workers = static_cast<unsigned>(state.range(1));
	Scheduler scheduler(options, std::make_shared<SteadyClock>());
	for (int i = 0; i < count; ++i)
		scheduler.add(std::make_shared<CheckInstance>(
			loaded().empty, instanceConfig("empty", i), aggregator));
	scheduler.startWorkers();
	scheduler.runAllOnce(); // create() every instance
	for (auto _ : state)
		scheduler.runAllOnce();
	state.SetItemsProcessed(state.iterations() * count);
	scheduler.stop(std::chrono::milliseconds(1000));
}
BENCHMARK(BM_PythonEmptyCheckThroughPool)
	->Args({1000, 1})
	->Args({1000, 2})
	->Args({1000, 4})
	->UseRealTime();

void BM_PythonGaugeThroughput(benchmark::State &state)
{
	const int samples = 100000;
	Aggregator aggregator({});
	CheckInstance instance(loaded().gauges, instanceConfig("gauges", 0, {{"samples", samples}}),
			       aggregator);
	for (auto _ : state) {
		RunOutcome outcome = instance.run();
		if (outcome.status != RunStatus::Ok || outcome.samples != uint64_t(samples)) {
			state.SkipWithError(("run failed: " + outcome.error).c_str());
			break;
		}
		state.PauseTiming();
		aggregator.flush(0); // keep the aggregator's pending samples bounded
		state.ResumeTiming();
	}
	state.SetItemsProcessed(state.iterations() * samples);
}
BENCHMARK(BM_PythonGaugeThroughput)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
