// SPDX-License-Identifier: Apache-2.0
// The Scheduler's lane rule (scheduler.hpp): a native run never waits behind
// Python (or isolated) runs, and those get every shared runner when no native
// work is queued.  Runs block on gates the test opens, so what is asserted
// is which runs are inside run() at once, never how long anything took.
#include "manual_clock.hpp"
#include "scheduler_fakes.hpp"
#include "scheduling/scheduler.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace vigil {
namespace {

using namespace std::chrono_literals;
using namespace test;

constexpr auto kInterval = 1000ms;

struct Blocked {
	Gate gate;
	std::vector<std::shared_ptr<FakeCheck>> checks;

	int started() const
	{
		int n = 0;
		for (auto &c : checks)
			n += c->started;
		return n;
	}
	int finished() const
	{
		int n = 0;
		for (auto &c : checks)
			n += c->finished;
		return n;
	}
};

// Adds `count` checks of `lane` that block until the gate opens.
void addBlocked(Scheduler &scheduler, Blocked &blocked, RunLane lane, int count)
{
	for (int i = 0; i < count; ++i) {
		auto check = std::make_shared<FakeCheck>(std::string(runLaneName(lane)) + "-" +
								 std::to_string(i),
							 kInterval, blocked.gate.body());
		check->run_lane = lane;
		scheduler.add(check);
		blocked.checks.push_back(std::move(check));
	}
}

class SchedulerLanes : public ::testing::TestWithParam<RunLane> {};

TEST_P(SchedulerLanes, NativeRunsWhileBlockingRunsHoldEverySharedRunner)
{
	auto clock = std::make_shared<test::ManualClock>();
	Scheduler scheduler({4, {}}, clock);
	Blocked blocked;
	// One more than there are shared runners: a queued one too.
	addBlocked(scheduler, blocked, GetParam(), 5);
	scheduler.startWorkers();
	clock->advance(kInterval); // every first run is within one interval
	scheduler.dispatchDue();
	ASSERT_TRUE(eventually([&] { return blocked.started() == 4; }))
		<< "the blocking runs did not take the 4 shared runners";

	auto native = std::make_shared<FakeCheck>("native", kInterval);
	scheduler.add(native);
	for (int tick = 1; tick <= 3; ++tick) {
		clock->advance(kInterval);
		scheduler.dispatchDue();
		ASSERT_TRUE(eventually([&] { return native->finished == tick; }))
			<< "native run " << tick << " waited behind " << runLaneName(GetParam())
			<< " runs";
	}
	// ...and all that while, every blocking run was still blocked.
	EXPECT_EQ(blocked.finished(), 0);
	EXPECT_EQ(blocked.started(), 4);
	EXPECT_EQ(statsOf(scheduler, "native").skips, 0u);

	blocked.gate.open.set_value();
	EXPECT_TRUE(scheduler.stop(kHang));
}

TEST_P(SchedulerLanes, BlockingRunsGetEverySharedRunnerWhenNoNativeWorkIsQueued)
{
	auto clock = std::make_shared<test::ManualClock>();
	Scheduler scheduler({4, {}}, clock);
	Blocked blocked;
	addBlocked(scheduler, blocked, GetParam(), 4);
	scheduler.startWorkers();
	clock->advance(kInterval);
	scheduler.dispatchDue();
	// All four inside run() at once: the reserved native runner did not
	// cost them a runner.
	ASSERT_TRUE(eventually([&] { return blocked.started() == 4; }));
	int inside = 0;
	for (auto &st : scheduler.stats())
		inside += st.running;
	EXPECT_EQ(inside, 4);

	blocked.gate.open.set_value();
	EXPECT_TRUE(eventually([&] { return blocked.finished() == 4; }));
	EXPECT_TRUE(scheduler.stop(kHang));
}

TEST_P(SchedulerLanes, TheNativeRunnerNeverTakesABlockingRun)
{
	auto clock = std::make_shared<test::ManualClock>();
	Scheduler scheduler({1, {}}, clock);
	Blocked blocked;
	addBlocked(scheduler, blocked, GetParam(), 2);
	scheduler.startWorkers();
	clock->advance(kInterval);
	scheduler.dispatchDue();
	ASSERT_TRUE(eventually([&] { return blocked.started() == 1; }));
	// A wrong rule would start the second one on the native runner; give it
	// the chance (this can only miss a bug, never fail a correct rule).
	std::this_thread::sleep_for(50ms);
	EXPECT_EQ(blocked.started(), 1);

	blocked.gate.open.set_value();
	EXPECT_TRUE(eventually([&] { return blocked.finished() == 2; }));
	EXPECT_TRUE(scheduler.stop(kHang));
}

INSTANTIATE_TEST_SUITE_P(PythonAndIsolated, SchedulerLanes,
			 ::testing::Values(RunLane::Python, RunLane::Isolated),
			 [](const auto &info) { return std::string(runLaneName(info.param)); });

TEST(SchedulerNativeLane, NativeRunsAlsoUseTheSharedRunners)
{
	auto clock = std::make_shared<test::ManualClock>();
	Scheduler scheduler({2, {}}, clock);
	Blocked blocked;
	// 2 shared runners + the native runner: three native runs at once.
	addBlocked(scheduler, blocked, RunLane::Native, 3);
	scheduler.startWorkers();
	clock->advance(kInterval);
	scheduler.dispatchDue();
	EXPECT_TRUE(eventually([&] { return blocked.started() == 3; }));

	blocked.gate.open.set_value();
	EXPECT_TRUE(eventually([&] { return blocked.finished() == 3; }));
	EXPECT_TRUE(scheduler.stop(kHang));
}

TEST(SchedulerNativeLane, RunAllOnceQueuesEachLaneOnItsRunners)
{
	auto clock = std::make_shared<test::ManualClock>();
	Scheduler scheduler({2, {}}, clock);
	std::vector<std::shared_ptr<FakeCheck>> checks;
	for (RunLane lane : {RunLane::Native, RunLane::Python, RunLane::Isolated})
		for (int i = 0; i < 3; ++i) {
			auto check = std::make_shared<FakeCheck>(
				std::string(runLaneName(lane)) + std::to_string(i), kInterval);
			check->run_lane = lane;
			scheduler.add(check);
			checks.push_back(std::move(check));
		}
	scheduler.runAllOnce();
	for (auto &check : checks)
		EXPECT_EQ(check->finished, 1) << check->id();
}

} // namespace
} // namespace vigil
