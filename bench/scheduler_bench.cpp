// SPDX-License-Identifier: Apache-2.0
// Scheduler benchmarks.
//
// Default: Google Benchmark cases for the cost of one scheduled run of an
// empty check through the worker pool (target < 2 us per run).
//
//   scheduler_bench [--benchmark_* flags]
//
// --soak: 10,000 instances at a 10 s interval on the real clock for 30 s;
// prints the CPU used by the process (% of one core, getrusage; target < 3%)
// and how late each run started against its grid slot (target < 50 ms).
//
//   scheduler_bench --soak [--seconds=30] [--instances=10000]
//                   [--interval-ms=10000] [--workers=4]
#include "scheduling/clock.hpp"
#include "scheduling/scheduler.hpp"

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using vigil::Clock;
using vigil::RunOutcome;
using vigil::Scheduler;
using vigil::SchedulerOptions;

// An empty check: what is left is the scheduler's own cost.
class EmptyCheck final : public vigil::Schedulable {
public:
	EmptyCheck(std::string id, std::chrono::milliseconds interval)
	    : id_(std::move(id)), interval_(interval)
	{
	}
	const std::string &id() const override { return id_; }
	std::chrono::milliseconds interval() const override { return interval_; }
	RunOutcome run() override { return {}; }

private:
	std::string id_;
	std::chrono::milliseconds interval_;
};

// Moves only when told; waitUntil polls so a timer thread would still stop.
class StepClock final : public Clock {
public:
	time_point now() const override { return now_.load(); }
	void advance(duration d) { now_.store(now_.load() + d); }
	void waitUntil(std::condition_variable &cv, std::unique_lock<std::mutex> &lock,
		       time_point) override
	{
		cv.wait_for(lock, 1ms);
	}

private:
	std::atomic<time_point> now_{time_point(std::chrono::hours(1000))};
};

// runAllOnce() over N empty instances: queue N runs, wait for all.
void RunAllOnce(benchmark::State &state)
{
	const auto instances = static_cast<int>(state.range(0));
	Scheduler scheduler(SchedulerOptions{static_cast<unsigned>(state.range(1)), {}},
			    std::make_shared<vigil::SteadyClock>());
	for (int i = 0; i < instances; ++i)
		scheduler.add(std::make_shared<EmptyCheck>("empty:" + std::to_string(i), 10000ms));
	scheduler.startWorkers();
	for (auto _ : state)
		scheduler.runAllOnce();
	state.SetItemsProcessed(state.iterations() * instances);
	scheduler.stop(1s);
}
BENCHMARK(RunAllOnce)
	->ArgNames({"instances", "workers"})
	->Args({10000, 1})
	->Args({10000, 2})
	->Args({10000, 4})
	->Unit(benchmark::kMillisecond)
	->UseRealTime();

// The timer's side alone: move the clock one interval and dispatchDue()
// N due instances (heap pop + push each).  No workers, so after the first
// round every instance is still queued and each tick takes the skip path,
// which costs the same heap work as queueing without the run.
void DispatchDue(benchmark::State &state)
{
	const auto instances = static_cast<int>(state.range(0));
	auto clock = std::make_shared<StepClock>();
	Scheduler scheduler(SchedulerOptions{1, {}}, clock);
	for (int i = 0; i < instances; ++i)
		scheduler.add(std::make_shared<EmptyCheck>("empty:" + std::to_string(i), 10000ms));
	clock->advance(10000ms); // past every first offset
	for (auto _ : state) {
		clock->advance(10000ms);
		scheduler.dispatchDue();
	}
	state.SetItemsProcessed(state.iterations() * instances);
	scheduler.stop(1s);
}
BENCHMARK(DispatchDue)->ArgNames({"instances"})->Arg(10000)->Unit(benchmark::kMicrosecond);

// --- soak mode ---------------------------------------------------------

// Records how late each of its runs started against its grid slot.  One
// instance never runs twice at once, so its vector needs no lock.
class LatenessCheck final : public vigil::Schedulable {
public:
	LatenessCheck(std::string id, std::chrono::milliseconds interval)
	    : id_(std::move(id)), interval_(interval)
	{
	}
	const std::string &id() const override { return id_; }
	std::chrono::milliseconds interval() const override { return interval_; }
	RunOutcome run() override
	{
		const auto now = std::chrono::steady_clock::now();
		const auto since_first = now - first_slot;
		// Latest grid slot at or before now; a run early by d shows as
		// interval - d late, so an early run cannot hide.
		const auto slot = first_slot + (since_first / interval_) * interval_;
		if (slot >= measured_from)
			lateness.push_back(now - slot);
		return {};
	}

	Clock::time_point first_slot{};
	Clock::time_point measured_from{};
	std::vector<Clock::duration> lateness;

private:
	std::string id_;
	std::chrono::milliseconds interval_;
};

double cpuSeconds()
{
	rusage usage{};
	getrusage(RUSAGE_SELF, &usage);
	auto seconds = [](const timeval &tv) { return double(tv.tv_sec) + tv.tv_usec / 1e6; };
	return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

long flagValue(int argc, char **argv, const char *name, long fallback)
{
	const size_t len = std::strlen(name);
	for (int i = 1; i < argc; ++i)
		if (std::strncmp(argv[i], name, len) == 0 && argv[i][len] == '=')
			return std::strtol(argv[i] + len + 1, nullptr, 10);
	return fallback;
}

int soak(int argc, char **argv)
{
	const long seconds = flagValue(argc, argv, "--seconds", 30);
	const long instances = flagValue(argc, argv, "--instances", 10000);
	const auto interval =
		std::chrono::milliseconds(flagValue(argc, argv, "--interval-ms", 10000));
	const auto workers = static_cast<unsigned>(flagValue(argc, argv, "--workers", 4));

	Scheduler scheduler(SchedulerOptions{workers, {}}, std::make_shared<vigil::SteadyClock>());
	std::vector<std::shared_ptr<LatenessCheck>> checks;
	checks.reserve(size_t(instances));
	for (long i = 0; i < instances; ++i) {
		checks.push_back(std::make_shared<LatenessCheck>(
			"soak:" + std::to_string(i) + ":localhost", interval));
		checks.back()->lateness.reserve(size_t(seconds * 1000 / interval.count() + 2));
		scheduler.add(checks.back());
	}
	// Nothing runs before start(), so the instances can learn their slots.
	// Slots that fell due while adding are not measured: their lateness is
	// this setup's, not the scheduler's.
	const auto stats = scheduler.stats();
	const auto started = std::chrono::steady_clock::now();
	for (size_t i = 0; i < checks.size(); ++i) {
		checks[i]->first_slot = stats[i].next_run;
		checks[i]->measured_from = started;
	}

	const double cpu_before = cpuSeconds();
	scheduler.start();
	std::this_thread::sleep_for(std::chrono::seconds(seconds));
	const double cpu = cpuSeconds() - cpu_before;
	const double wall =
		std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
	const bool stopped = scheduler.stop(5s);

	std::vector<Clock::duration> all;
	for (auto &c : checks)
		all.insert(all.end(), c->lateness.begin(), c->lateness.end());
	std::sort(all.begin(), all.end());
	auto ms = [](Clock::duration d) {
		return std::chrono::duration<double, std::milli>(d).count();
	};
	auto pct = [&](double p) {
		return all.empty() ? 0.0 : ms(all[size_t(p * double(all.size() - 1))]);
	};
	uint64_t runs = 0, skips = 0;
	for (auto &st : scheduler.stats()) {
		runs += st.runs;
		skips += st.skips;
	}
	std::printf("soak: %ld instances, interval %lld ms, %u workers, %.1f s\n", instances,
		    static_cast<long long>(interval.count()), workers, wall);
	std::printf("runs: %llu (expected ~%.0f), skips: %llu, measured: %zu\n",
		    static_cast<unsigned long long>(runs),
		    double(instances) * wall * 1000.0 / double(interval.count()),
		    static_cast<unsigned long long>(skips), all.size());
	std::printf("cpu: %.3f s = %.2f%% of one core\n", cpu, 100.0 * cpu / wall);
	std::printf("lateness ms: p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n", pct(0.5), pct(0.99),
		    pct(0.999), all.empty() ? 0.0 : ms(all.back()));
	return stopped ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; ++i)
		if (std::strcmp(argv[i], "--soak") == 0)
			return soak(argc, argv);
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
