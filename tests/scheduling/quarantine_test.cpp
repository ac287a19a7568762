// SPDX-License-Identifier: Apache-2.0
// Quarantine: the backoff math, and the Scheduler holding back an instance
// that keeps crashing, on an injected clock.
#include "scheduling/quarantine.hpp"
#include "scheduling/scheduler.hpp"

#include "manual_clock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace vigil {
namespace {

using namespace std::chrono_literals;
using std::chrono::duration_cast;
using std::chrono::seconds;

TEST(QuarantineBackoff, NoneBelowTheThreshold)
{
	QuarantinePolicy policy{3, std::chrono::minutes(5)};
	EXPECT_EQ(quarantineBackoff(policy, 0, 10s), Clock::duration::zero());
	EXPECT_EQ(quarantineBackoff(policy, 2, 10s), Clock::duration::zero());
}

TEST(QuarantineBackoff, DoublesFromOneIntervalUpToTheCap)
{
	QuarantinePolicy policy{3, std::chrono::minutes(5)};
	EXPECT_EQ(quarantineBackoff(policy, 3, 10s), Clock::duration(10s));
	EXPECT_EQ(quarantineBackoff(policy, 4, 10s), Clock::duration(20s));
	EXPECT_EQ(quarantineBackoff(policy, 7, 10s), Clock::duration(160s));
	EXPECT_EQ(quarantineBackoff(policy, 8, 10s), Clock::duration(300s));
	// However many failures: capped, and no overflow on the way.
	EXPECT_EQ(quarantineBackoff(policy, 4000000000u, 10s), Clock::duration(300s));
}

TEST(QuarantineBackoff, DisabledWithZero)
{
	QuarantinePolicy policy{0, std::chrono::minutes(5)};
	EXPECT_EQ(quarantineBackoff(policy, 100, 10s), Clock::duration::zero());
}

// Crashes until told otherwise; counts its runs.
class Crasher final : public Schedulable {
public:
	const std::string &id() const override { return id_; }
	std::chrono::milliseconds interval() const override { return 1000ms; }
	RunOutcome run() override
	{
		++runs;
		RunOutcome outcome;
		if (crash) {
			outcome.status = RunStatus::Crashed;
			outcome.error = "worker 1 killed by signal 11 (Segmentation fault)";
		}
		return outcome;
	}
	std::atomic<int> runs{0};
	std::atomic<bool> crash{true};

private:
	std::string id_ = "crasher:default:0";
};

// Moves the clock, runs what is due, and waits until the scheduler has
// recorded `completed` runs in all (a quarantined tick adds none: then it
// waits a little to give a wrong run the chance to show).
void tick(Scheduler &scheduler, test::ManualClock &clock, Clock::duration step, uint64_t completed)
{
	clock.advance(step);
	scheduler.dispatchDue();
	for (int i = 0; i < 10000 && scheduler.stats()[0].runs < completed; ++i)
		std::this_thread::sleep_for(1ms);
	std::this_thread::sleep_for(20ms);
}

TEST(SchedulerQuarantine, HoldsBackAfterKCrashesAndASuccessClearsIt)
{
	auto clock = std::make_shared<test::ManualClock>();
	SchedulerOptions options;
	options.workers = 1;
	options.quarantine = {2, 4s};
	Scheduler scheduler(options, clock);
	auto crasher = std::make_shared<Crasher>();
	scheduler.add(crasher);
	scheduler.startWorkers();

	tick(scheduler, *clock, 1s, 1); // first run: crash 1
	tick(scheduler, *clock, 1s, 2); // crash 2: quarantined for 1 interval
	ASSERT_EQ(crasher->runs.load(), 2);
	auto st = scheduler.stats()[0];
	EXPECT_EQ(st.crashes, 2u);
	EXPECT_EQ(st.consecutive_failures, 2u);
	ASSERT_TRUE(st.quarantined);
	EXPECT_NE(st.quarantine_reason.find("crashed 2 times in a row"), std::string::npos)
		<< st.quarantine_reason;
	EXPECT_NE(st.quarantine_reason.find("signal 11"), std::string::npos);
	EXPECT_EQ(st.quarantined_until, clock->now() + 1s);

	tick(scheduler, *clock, 1s, 3);	    // due exactly when the quarantine ends: runs
	EXPECT_EQ(crasher->runs.load(), 3); // crash 3: backoff 2 s
	st = scheduler.stats()[0];
	EXPECT_EQ(st.quarantined_until, clock->now() + 2s);
	tick(scheduler, *clock, 1s, 3);
	EXPECT_EQ(crasher->runs.load(), 3) << "ran while quarantined";
	EXPECT_EQ(scheduler.stats()[0].skips, 0u) << "a quarantined tick is not a skip";

	crasher->crash = false;
	tick(scheduler, *clock, 1s, 4);
	EXPECT_EQ(crasher->runs.load(), 4);
	st = scheduler.stats()[0];
	EXPECT_FALSE(st.quarantined);
	EXPECT_EQ(st.consecutive_failures, 0u);
	EXPECT_TRUE(st.quarantine_reason.empty());
	tick(scheduler, *clock, 1s, 5);
	EXPECT_EQ(crasher->runs.load(), 5);
	scheduler.stop(1s);
}

} // namespace
} // namespace vigil
