// SPDX-License-Identifier: Apache-2.0
// Scheduler tests.  Time is a ManualClock: the tests move it and call
// dispatchDue(), so nothing depends on how fast this machine is.  Real time
// appears only as generous timeouts that turn a hang into a failure.
#include "manual_clock.hpp"
#include "scheduler_fakes.hpp"
#include "scheduling/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

namespace vigil {
namespace {

using namespace std::chrono_literals;
using test::ManualClock;
using namespace test;

TEST(SchedulerOffset, SpreadsIdsWithinTheIntervalAndIsStable)
{
	const auto interval = 10000ms;
	std::set<long> seen;
	for (int i = 0; i < 1000; ++i) {
		std::string id = "check:" + std::to_string(i);
		auto offset = Scheduler::initialOffset(id, interval);
		EXPECT_GE(offset.count(), 0);
		EXPECT_LT(offset, interval);
		EXPECT_EQ(offset, Scheduler::initialOffset(id, interval));
		seen.insert(offset.count());
	}
	// 1000 ids over 10,000 slots: a decent hash gives ~950 distinct ones.
	EXPECT_GT(seen.size(), 900u);
}

TEST(SchedulerOffset, IsFnv1aSoOtherProcessesAgree)
{
	// FNV-1a 64 of the id, modulo the interval, computed independently.
	EXPECT_EQ(Scheduler::initialOffset("cpu:0", 10000ms), 5499ms);
	EXPECT_EQ(Scheduler::initialOffset("cpu:0", 15000ms), 10499ms);
	EXPECT_EQ(Scheduler::initialOffset("disk:/", 10000ms), 7231ms);
	EXPECT_EQ(Scheduler::initialOffset("anything", 1ms), 0ms);
}

TEST(Scheduler, RunsAnInstanceAtItsDueTime)
{
	auto clock = std::make_shared<ManualClock>();
	Scheduler scheduler({2, {}}, clock);
	auto check = std::make_shared<FakeCheck>("cpu:0", 10000ms);
	const auto added = clock->now();
	scheduler.add(check);
	scheduler.startWorkers();
	const auto due = added + Scheduler::initialOffset("cpu:0", 10000ms);
	EXPECT_EQ(statsOf(scheduler, "cpu:0").next_run, due);

	clock->set(due - 1ms);
	scheduler.dispatchDue();
	// Not dispatched: its next run has not moved.
	EXPECT_EQ(statsOf(scheduler, "cpu:0").next_run, due);

	clock->set(due);
	scheduler.dispatchDue();
	ASSERT_TRUE(eventually([&] { return statsOf(scheduler, "cpu:0").runs == 1; }));
	EXPECT_EQ(check->started, 1);
	EXPECT_EQ(statsOf(scheduler, "cpu:0").next_run, due + 10000ms);
	EXPECT_TRUE(scheduler.stop(kHang));
}

TEST(Scheduler, NeverOverlapsAnInstanceAndCountsSkippedTicks)
{
	auto clock = std::make_shared<ManualClock>();
	Scheduler scheduler({4, {}}, clock);
	Gate gate;
	auto check = std::make_shared<FakeCheck>("slow", 1000ms, gate.body());
	scheduler.add(check);
	scheduler.startWorkers();
	const auto due = statsOf(scheduler, "slow").next_run;

	clock->set(due);
	scheduler.dispatchDue();
	ASSERT_TRUE(eventually([&] { return check->started == 1; }));
	EXPECT_TRUE(statsOf(scheduler, "slow").running);
	for (int i = 1; i <= 3; ++i) {
		clock->set(due + i * 1000ms);
		scheduler.dispatchDue();
	}
	auto st = statsOf(scheduler, "slow");
	EXPECT_EQ(st.skips, 3u);
	EXPECT_EQ(st.runs, 0u);
	EXPECT_EQ(check->started, 1);

	gate.open.set_value();
	ASSERT_TRUE(eventually([&] { return statsOf(scheduler, "slow").runs == 1; }));
	clock->set(due + 4 * 1000ms);
	scheduler.dispatchDue();
	ASSERT_TRUE(eventually([&] { return statsOf(scheduler, "slow").runs == 2; }));
	EXPECT_EQ(statsOf(scheduler, "slow").skips, 3u);
	EXPECT_EQ(check->max_inside, 1);
	EXPECT_TRUE(scheduler.stop(kHang));
}

TEST(Scheduler, KeepsAFixedGridWhateverTheLateness)
{
	auto clock = std::make_shared<ManualClock>();
	Scheduler scheduler({2, {}}, clock);
	auto check = std::make_shared<FakeCheck>("grid", 1000ms);
	scheduler.add(check);
	scheduler.startWorkers();
	const auto first = statsOf(scheduler, "grid").next_run;

	for (int k = 0; k < 50; ++k) {
		// Dispatched late by up to 0.9 interval each time.
		clock->set(first + k * 1000ms + std::chrono::milliseconds((k * 37) % 900));
		scheduler.dispatchDue();
		ASSERT_TRUE(eventually(
			[&] { return statsOf(scheduler, "grid").runs == unsigned(k + 1); }));
		EXPECT_EQ(statsOf(scheduler, "grid").next_run, first + (k + 1) * 1000ms) << k;
	}
	EXPECT_EQ(statsOf(scheduler, "grid").skips, 0u);
	EXPECT_TRUE(scheduler.stop(kHang));
}

TEST(Scheduler, JumpsToTheNextGridPointInsteadOfBursting)
{
	auto clock = std::make_shared<ManualClock>();
	Scheduler scheduler({2, {}}, clock);
	auto check = std::make_shared<FakeCheck>("behind", 1000ms);
	scheduler.add(check);
	scheduler.startWorkers();
	const auto first = statsOf(scheduler, "behind").next_run;

	clock->set(first + 3500ms); // 3.5 intervals late
	scheduler.dispatchDue();
	ASSERT_TRUE(eventually([&] { return statsOf(scheduler, "behind").runs == 1; }));
	EXPECT_EQ(statsOf(scheduler, "behind").next_run, first + 4000ms);
	scheduler.dispatchDue(); // nothing more is due at this time
	EXPECT_TRUE(scheduler.stop(kHang));
	EXPECT_EQ(check->started, 1);
	EXPECT_EQ(statsOf(scheduler, "behind").skips, 0u);
}

TEST(Scheduler, RecordsErrorsTimeoutsSamplesAndDurations)
{
	auto clock = std::make_shared<ManualClock>();
	Scheduler scheduler({2, {}}, clock);
	int call = 0; // only ever one run at a time for one instance
	auto check = std::make_shared<FakeCheck>("flaky", 1000ms, [&]() -> RunOutcome {
		++call;
		// The run's duration is measured on the scheduler's clock.
		clock->advance(std::chrono::milliseconds(call * 10));
		switch (call) {
		case 1:
			return {RunStatus::Ok, "", 5, {}};
		case 2:
			throw std::runtime_error("connection refused");
		case 3:
			return {RunStatus::Timeout, "", 0, {}};
		default:
			return {RunStatus::Error, "bad reply", 2, {}};
		}
	});
	scheduler.add(check);
	for (int i = 0; i < 4; ++i)
		scheduler.runAllOnce();

	auto st = statsOf(scheduler, "flaky");
	EXPECT_EQ(st.runs, 4u);
	EXPECT_EQ(st.errors, 3u);
	EXPECT_EQ(st.timeouts, 1u);
	EXPECT_EQ(st.samples, 7u);
	EXPECT_EQ(st.last_error, "bad reply");
	EXPECT_EQ(st.last_duration, 40ms);
	EXPECT_EQ(st.average_duration, 25ms); // (10 + 20 + 30 + 40) / 4
	EXPECT_FALSE(st.running);
	EXPECT_TRUE(scheduler.stop(kHang));
}

TEST(Scheduler, RecordsTheMessageOfAnException)
{
	auto clock = std::make_shared<ManualClock>();
	Scheduler scheduler({1, {}}, clock);
	scheduler.add(std::make_shared<FakeCheck>("throws", 1000ms, []() -> RunOutcome {
		throw std::runtime_error("no such file '/proc/x'");
	}));
	scheduler.add(std::make_shared<FakeCheck>("throws-int", 1000ms,
						  []() -> RunOutcome { throw 42; }));
	scheduler.runAllOnce();
	auto st = statsOf(scheduler, "throws");
	EXPECT_EQ(st.errors, 1u);
	EXPECT_EQ(st.last_error, "no such file '/proc/x'");
	EXPECT_EQ(statsOf(scheduler, "throws-int").last_error, "unknown exception");
	// The worker survived both.
	scheduler.runAllOnce();
	EXPECT_EQ(statsOf(scheduler, "throws").runs, 2u);
}

TEST(Scheduler, RunAllOnceRunsEveryInstanceOnceAndWaits)
{
	auto clock = std::make_shared<ManualClock>();
	Scheduler scheduler({2, {}}, clock);
	std::vector<std::shared_ptr<FakeCheck>> checks;
	for (int i = 0; i < 50; ++i) {
		checks.push_back(std::make_shared<FakeCheck>("c" + std::to_string(i), 60000ms, [] {
			std::this_thread::sleep_for(100us);
			return RunOutcome{};
		}));
		scheduler.add(checks.back());
	}
	scheduler.runAllOnce(); // starts the workers itself
	for (auto &c : checks)
		EXPECT_EQ(c->finished, 1) << c->id();
	for (auto &st : scheduler.stats())
		EXPECT_EQ(st.runs, 1u) << st.id;
	EXPECT_TRUE(scheduler.stop(kHang));
}

TEST(Scheduler, TimerThreadDispatchesOnTheInjectedClock)
{
	auto clock = std::make_shared<ManualClock>();
	Scheduler scheduler({2, {}}, clock);
	scheduler.start();
	auto check = std::make_shared<FakeCheck>("timed", 1000ms);
	scheduler.add(check); // after start: the timer must pick it up
	const auto due = statsOf(scheduler, "timed").next_run;
	clock->set(due + 1000ms * 2);
	ASSERT_TRUE(eventually([&] { return statsOf(scheduler, "timed").runs == 1; }));
	EXPECT_EQ(statsOf(scheduler, "timed").next_run, due + 3000ms);
	EXPECT_TRUE(scheduler.stop(kHang));
	EXPECT_EQ(check->started, 1);
}

// Runs scheduler.stop(grace) on another thread; nullopt if it hangs.
std::optional<bool> stopWithin(Scheduler &scheduler, std::chrono::milliseconds grace)
{
	auto result = std::make_shared<std::promise<bool>>();
	auto future = result->get_future();
	std::thread([&scheduler, grace, result] {
		result->set_value(scheduler.stop(grace));
	}).detach();
	if (future.wait_for(kHang) != std::future_status::ready)
		return std::nullopt;
	return future.get();
}

TEST(Scheduler, StopWithAStuckRunReturnsFalseAndTheThreadCleansUpLater)
{
	auto clock = std::make_shared<ManualClock>();
	Gate gate;
	std::promise<void> destroyed;
	auto destroyed_future = destroyed.get_future();
	// Python: the one shared runner is all they may use (the native runner
	// would take a native run queued behind the stuck one).
	auto queued = std::make_shared<FakeCheck>("queued-behind", 1000ms);
	queued->run_lane = RunLane::Python;
	{
		Scheduler scheduler({1, {}}, clock);
		auto stuck = std::make_shared<FakeCheck>("stuck", 1000ms, gate.body());
		stuck->run_lane = RunLane::Python;
		stuck->on_destroy = [&destroyed] { destroyed.set_value(); };
		scheduler.add(stuck);
		scheduler.add(queued);
		scheduler.startWorkers();
		std::promise<void> once_returned;
		auto once_future = once_returned.get_future();
		std::thread([&scheduler, &once_returned] {
			scheduler.runAllOnce();
			once_returned.set_value();
		}).detach();
		ASSERT_TRUE(eventually([&] { return stuck->started == 1; }));
		stuck.reset(); // the scheduler (then the stuck thread) owns it now

		auto stopped = stopWithin(scheduler, 50ms);
		ASSERT_TRUE(stopped.has_value()) << "stop() hung on a stuck run";
		EXPECT_FALSE(*stopped);
		EXPECT_TRUE(statsOf(scheduler, "stuck").running);
		// A runAllOnce() waiting on the stuck run returns at stop().
		ASSERT_EQ(once_future.wait_for(kHang), std::future_status::ready);
		// Scheduler destroyed here, with its worker still inside run().
	}
	// The one shared runner was busy, so the queued run was dropped, not started.
	EXPECT_EQ(queued->started, 0);
	// The abandoned thread finishes its run, records it in the shared state
	// and drops the last reference to the instance.
	gate.open.set_value();
	EXPECT_EQ(destroyed_future.wait_for(kHang), std::future_status::ready);
}

TEST(Scheduler, StopWaitsForARunThatEndsWithinTheGrace)
{
	auto clock = std::make_shared<ManualClock>();
	Scheduler scheduler({1, {}}, clock);
	Gate gate;
	auto check = std::make_shared<FakeCheck>("ends", 1000ms, gate.body());
	scheduler.add(check);
	scheduler.startWorkers();
	clock->set(statsOf(scheduler, "ends").next_run);
	scheduler.dispatchDue();
	ASSERT_TRUE(eventually([&] { return check->started == 1; }));
	std::thread opener([&] {
		std::this_thread::sleep_for(20ms);
		gate.open.set_value();
	});
	auto stopped = stopWithin(scheduler, kHang);
	opener.join();
	ASSERT_TRUE(stopped.has_value());
	EXPECT_TRUE(*stopped);
	EXPECT_EQ(statsOf(scheduler, "ends").runs, 1u);
	// Stopped: nothing is dispatched any more.
	clock->advance(10000ms);
	scheduler.dispatchDue();
	scheduler.runAllOnce();
	EXPECT_EQ(check->started, 1);
}

TEST(Scheduler, DestructorWhileRunningDoesNotWait)
{
	auto clock = std::make_shared<ManualClock>();
	Gate gate;
	std::promise<void> destroyed;
	auto destroyed_future = destroyed.get_future();
	auto scheduler = std::make_unique<Scheduler>(SchedulerOptions{2, {}}, clock);
	{
		auto check = std::make_shared<FakeCheck>("running", 1000ms, gate.body());
		check->on_destroy = [&destroyed] { destroyed.set_value(); };
		scheduler->add(check);
		scheduler->start();
		clock->set(statsOf(*scheduler, "running").next_run);
		ASSERT_TRUE(eventually([&] { return check->started == 1; }));
	}
	std::promise<void> gone;
	auto gone_future = gone.get_future();
	std::thread([&] {
		scheduler.reset();
		gone.set_value();
	}).detach();
	ASSERT_EQ(gone_future.wait_for(kHang), std::future_status::ready)
		<< "~Scheduler hung on a running check";
	gate.open.set_value();
	EXPECT_EQ(destroyed_future.wait_for(kHang), std::future_status::ready);
}

} // namespace
} // namespace vigil
