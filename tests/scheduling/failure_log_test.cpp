// SPDX-License-Identifier: Apache-2.0
// FailureLog: which runs of a failing instance reach the log, with times
// given by the test; then the Scheduler writing those lines, on a
// ManualClock, and its run observer.
#include "scheduling/failure_log.hpp"
#include "scheduling/scheduler.hpp"

#include "manual_clock.hpp"
#include "process/logging.hpp"
#include "scheduler_fakes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace vigil {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr Clock::duration kInterval = 15s;
constexpr Clock::duration kRemind = 5min;

// One instance's FailureLog fed one run at a time, every kInterval.
struct Feed {
	FailureLog log;
	Clock::time_point now = Clock::time_point(1000h);
	std::vector<FailureLine> lines;	      // above debug level
	std::vector<Clock::time_point> times; // of each of those
	std::vector<std::string> debug_lines;

	// The line above debug level for this run, if any.
	std::optional<FailureLine> run(RunStatus status, const std::string &error = "boom")
	{
		auto line = log.noteRun("c:0", status, error, now, kInterval, kRemind);
		now += kInterval;
		if (line && line->level == spdlog::level::debug) {
			debug_lines.push_back(line->text);
			return std::nullopt;
		}
		if (line) {
			lines.push_back(*line);
			times.push_back(now - kInterval);
		}
		return line;
	}
	void runs(int n, RunStatus status)
	{
		for (int i = 0; i < n; ++i)
			run(status);
	}
};

TEST(FailureLog, HealthyRunsSayNothing)
{
	Feed feed;
	feed.runs(100, RunStatus::Ok);
	EXPECT_TRUE(feed.lines.empty());
}

TEST(FailureLog, FirstFailureIsOneErrorLineNamingInstanceAndReason)
{
	Feed feed;
	feed.runs(3, RunStatus::Ok);
	auto line = feed.run(RunStatus::Error, "fixture_error: run failed on purpose");
	ASSERT_TRUE(line);
	EXPECT_EQ(line->level, spdlog::level::err);
	EXPECT_EQ(line->text, "check 'c:0' failed: fixture_error: run failed on purpose; retrying "
			      "every 15 s, further failures summarized every 5 min");
	EXPECT_FALSE(line->recovered);
	// The next failures, up to the reminder interval: nothing.
	feed.runs(19, RunStatus::Error); // the last at 19 × 15 s = 4 min 45 s
	EXPECT_EQ(feed.lines.size(), 1u);
}

TEST(FailureLog, RemindsAtMostEveryIntervalWithTheCountSinceTheFirst)
{
	Feed feed;
	feed.runs(20, RunStatus::Error); // 0 .. 4 min 45 s
	auto reminder = feed.run(RunStatus::Error, "still boom");
	ASSERT_TRUE(reminder);
	EXPECT_EQ(reminder->level, spdlog::level::err);
	EXPECT_EQ(reminder->text, "check 'c:0' still failing: 21 runs failed in a row over 5 min, "
				  "last run failed: still boom; retrying every 15 s");
	feed.runs(19, RunStatus::Error);
	EXPECT_EQ(feed.lines.size(), 2u);
	feed.run(RunStatus::Error);
	ASSERT_EQ(feed.lines.size(), 3u);
	EXPECT_THAT(feed.lines[2].text, HasSubstr("41 runs failed in a row over 10 min"));
}

TEST(FailureLog, EachFailedRunHeldBackIsOneDebugLine)
{
	Feed feed;
	feed.runs(3, RunStatus::Error);
	feed.run(RunStatus::Timeout, "run exceeded its 1 s timeout, worker 5 killed\nmore");
	feed.run(RunStatus::Ok);
	EXPECT_THAT(feed.debug_lines,
		    ::testing::ElementsAre(
			    "check 'c:0' failed again: boom (2 runs failed in a row over 15 s)",
			    "check 'c:0' failed again: boom (3 runs failed in a row over 30 s)",
			    "check 'c:0' timed out again: run exceeded its 1 s timeout, worker 5 "
			    "killed (4 runs failed in a row over 45 s)"));
	EXPECT_EQ(feed.lines.size(), 2u); // the first failure and the recovery
}

TEST(FailureLog, RecoveryIsOneInfoLineWithCountAndDuration)
{
	Feed feed;
	feed.runs(4, RunStatus::Error);
	auto line = feed.run(RunStatus::Ok);
	ASSERT_TRUE(line);
	EXPECT_EQ(line->level, spdlog::level::info);
	EXPECT_TRUE(line->recovered);
	EXPECT_EQ(line->text, "check 'c:0' recovered after 4 failed runs over 1 min");
	feed.runs(50, RunStatus::Ok);
	EXPECT_EQ(feed.lines.size(), 2u);
}

TEST(FailureLog, OneFailedRunIsSingular)
{
	Feed feed;
	feed.run(RunStatus::Error);
	auto line = feed.run(RunStatus::Ok);
	ASSERT_TRUE(line);
	EXPECT_EQ(line->text, "check 'c:0' recovered after 1 failed run over 15 s");
}

TEST(FailureLog, TimeoutsAndCrashesSaySo)
{
	Feed timeout;
	auto line =
		timeout.run(RunStatus::Timeout, "run exceeded its 1 s timeout, worker 7 killed");
	ASSERT_TRUE(line);
	EXPECT_THAT(line->text, HasSubstr("check 'c:0' timed out: run exceeded its 1 s timeout"));

	Feed crash;
	line = crash.run(RunStatus::Crashed, "worker 7 killed by signal 11");
	ASSERT_TRUE(line);
	EXPECT_THAT(line->text, HasSubstr("check 'c:0' crashed: worker 7 killed by signal 11;"));
	crash.runs(19, RunStatus::Crashed);
	line = crash.run(RunStatus::Crashed, "worker 9 killed by signal 11");
	ASSERT_TRUE(line);
	EXPECT_THAT(line->text, HasSubstr("last run crashed: worker 9 killed by signal 11"));
}

TEST(FailureLog, AMultiLineErrorIsCutToItsFirstLineWithTheRestAtDebug)
{
	Feed feed;
	const std::string error = "ValueError: no such thing\nTraceback (most recent call last):\n"
				  "  File \"x.py\", line 4, in check\nValueError: no such thing";
	auto line = feed.run(RunStatus::Error, error);
	ASSERT_TRUE(line);
	EXPECT_THAT(line->text, HasSubstr("failed: ValueError: no such thing; retrying"));
	EXPECT_THAT(line->text, Not(HasSubstr("\n")));
	EXPECT_EQ(line->detail, "check 'c:0' failed: " + error);

	Feed plain;
	line = plain.run(RunStatus::Error, "one line");
	ASSERT_TRUE(line);
	EXPECT_TRUE(line->detail.empty());
}

TEST(FailureLog, ARelapseSoonAfterRecoveryWaitsForTheReminderInterval)
{
	Feed feed;
	feed.run(RunStatus::Error); // t = 0: "failed"
	feed.run(RunStatus::Ok);    // t = 15 s: "recovered"
	ASSERT_EQ(feed.lines.size(), 2u);
	// Fails again from t = 30 s: quiet until 5 min after the recovery line.
	feed.runs(19, RunStatus::Error); // t = 30 s .. 5 min
	EXPECT_EQ(feed.lines.size(), 2u);
	auto line = feed.run(RunStatus::Error); // t = 5 min 15 s
	ASSERT_TRUE(line);
	EXPECT_EQ(line->text, "check 'c:0' failed again: boom; 21 of 22 runs failed in 5 min 15 s; "
			      "retrying every 15 s");
	// From there on it is failing, with reminders as usual.
	feed.runs(19, RunStatus::Error);
	EXPECT_EQ(feed.lines.size(), 3u);
	feed.run(RunStatus::Error);
	ASSERT_EQ(feed.lines.size(), 4u);
	EXPECT_THAT(feed.lines[3].text, HasSubstr("still failing: 41 of 42 runs failed"));
	line = feed.run(RunStatus::Ok);
	ASSERT_TRUE(line);
	EXPECT_EQ(line->text, "check 'c:0' recovered after 41 of 42 runs failed over 10 min 30 s");
}

TEST(FailureLog, AFlappingCheckWritesAtMostTwoLinesPerReminderInterval)
{
	Feed feed;
	for (int i = 0; i < 200; ++i) // 50 min, failing every other run
		feed.run(i % 2 ? RunStatus::Ok : RunStatus::Error);
	// No window shorter than the reminder interval holds three lines.
	for (size_t i = 2; i < feed.times.size(); ++i)
		EXPECT_GE(feed.times[i] - feed.times[i - 2], kRemind) << feed.lines[i].text;
	EXPECT_GE(feed.lines.size(), 9u) << "a flapping check must not go silent";
	EXPECT_THAT(feed.lines[0].text, HasSubstr("check 'c:0' failed: boom"));
	EXPECT_EQ(feed.lines[1].text, "check 'c:0' recovered after 1 failed run over 15 s");
	// The next says how much it failed in between.
	EXPECT_EQ(feed.lines[2].text, "check 'c:0' recovered after 11 of 21 runs failed over "
				      "5 min 15 s");
}

TEST(FailureLog, ANewFailureLongAfterRecoveryStartsAfresh)
{
	Feed feed;
	feed.runs(3, RunStatus::Error);
	feed.run(RunStatus::Ok);
	feed.runs(40, RunStatus::Ok); // 10 min healthy
	auto line = feed.run(RunStatus::Error, "new");
	ASSERT_TRUE(line);
	EXPECT_THAT(line->text, HasSubstr("check 'c:0' failed: new; retrying"));
	line = feed.run(RunStatus::Ok);
	ASSERT_TRUE(line);
	EXPECT_EQ(line->text, "check 'c:0' recovered after 1 failed run over 15 s");
}

TEST(FailureLog, DescribesDurations)
{
	EXPECT_EQ(describeDuration(200ms), "200 ms");
	EXPECT_EQ(describeDuration(2500ms), "2.5 s");
	EXPECT_EQ(describeDuration(15s), "15 s");
	EXPECT_EQ(describeDuration(5min), "5 min");
	EXPECT_EQ(describeDuration(303s), "5 min 3 s");
	EXPECT_EQ(describeDuration(2h + 5min + 10s), "2 h 5 min");
	EXPECT_EQ(describeDuration(3h), "3 h");
	EXPECT_EQ(describeDuration(-1s), "0 ms");
}

// The Scheduler's own lines, captured from its logger.
class SchedulerLogCapture {
public:
	SchedulerLogCapture() : log_(logger("scheduler"))
	{
		sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
		sink_->set_pattern("%l %v");
		log_->sinks().push_back(sink_);
	}
	~SchedulerLogCapture()
	{
		auto &sinks = log_->sinks();
		sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
	}
	std::vector<std::string> lines()
	{
		std::vector<std::string> out;
		std::istringstream in(stream_.str());
		for (std::string line; std::getline(in, line);)
			out.push_back(line);
		return out;
	}

private:
	std::shared_ptr<spdlog::logger> log_;
	std::ostringstream stream_;
	std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

// Fails while `fail` is set; its error text is empty on purpose.
std::shared_ptr<test::FakeCheck> flaky(std::atomic<bool> &fail, RunStatus status,
				       const std::string &error)
{
	return std::make_shared<test::FakeCheck>("flaky:default:0", 1000ms, [&fail, status, error] {
		RunOutcome outcome;
		if (fail) {
			outcome.status = status;
			outcome.error = error;
		}
		return outcome;
	});
}

TEST(SchedulerFailureLog, LogsTheFirstFailureRemindersAndTheRecovery)
{
	auto clock = std::make_shared<test::ManualClock>();
	SchedulerOptions options;
	options.workers = 1;
	options.failure_reminder = 10s;
	Scheduler scheduler(options, clock);
	std::atomic<bool> fail{true};
	scheduler.add(flaky(fail, RunStatus::Error, "boom"));
	SchedulerLogCapture capture;
	for (int i = 0; i < 25; ++i) { // 25 failed runs, one a second
		scheduler.runAllOnce();
		clock->advance(1s);
	}
	fail = false;
	scheduler.runAllOnce();
	scheduler.runAllOnce();
	ASSERT_TRUE(scheduler.stop(test::kHang));

	EXPECT_THAT(
		capture.lines(),
		::testing::ElementsAre(
			"error check 'flaky:default:0' failed: boom; retrying every 1 s, "
			"further failures summarized every 10 s",
			"error check 'flaky:default:0' still failing: 11 runs failed in a row "
			"over 10 s, last run failed: boom; retrying every 1 s",
			"error check 'flaky:default:0' still failing: 21 runs failed in a row "
			"over 20 s, last run failed: boom; retrying every 1 s",
			"info check 'flaky:default:0' recovered after 25 failed runs over 25 s"));
}

TEST(SchedulerFailureLog, RecoveryFromQuarantineIsOneLine)
{
	auto clock = std::make_shared<test::ManualClock>();
	SchedulerOptions options;
	options.workers = 1;
	options.quarantine = {1, 60s};
	Scheduler scheduler(options, clock);
	std::atomic<bool> fail{true};
	scheduler.add(flaky(fail, RunStatus::Crashed, "worker 3 killed by signal 11"));
	SchedulerLogCapture capture;
	scheduler.runAllOnce(); // runAllOnce() runs a quarantined instance too
	clock->advance(1s);
	fail = false;
	scheduler.runAllOnce();
	ASSERT_TRUE(scheduler.stop(test::kHang));

	const auto lines = capture.lines();
	ASSERT_EQ(lines.size(), 3u) << ::testing::PrintToString(lines);
	EXPECT_THAT(lines[0], HasSubstr("error check 'flaky:default:0' crashed: worker 3 killed"));
	EXPECT_THAT(lines[1], HasSubstr("warning 'flaky:default:0' quarantined for 1 s"));
	EXPECT_EQ(lines[2], "info check 'flaky:default:0' recovered after 1 failed run over 1 s, "
			    "out of quarantine");
}

TEST(SchedulerFailureLog, OffWhenTheCallerReportsOutcomes)
{
	auto clock = std::make_shared<test::ManualClock>();
	SchedulerOptions options;
	options.workers = 1;
	options.log_failures = false;
	Scheduler scheduler(options, clock);
	std::atomic<bool> fail{true};
	scheduler.add(flaky(fail, RunStatus::Error, "boom"));
	SchedulerLogCapture capture;
	scheduler.runAllOnce();
	fail = false;
	scheduler.runAllOnce();
	ASSERT_TRUE(scheduler.stop(test::kHang));
	EXPECT_TRUE(capture.lines().empty()) << ::testing::PrintToString(capture.lines());
}

TEST(SchedulerRunObserver, SeesEachOutcomeAsRecordedBeforeRunAllOnceReturns)
{
	auto clock = std::make_shared<test::ManualClock>();
	std::mutex mutex;
	std::vector<std::pair<std::string, RunOutcome>> seen;
	SchedulerOptions options;
	options.workers = 2;
	options.log_failures = false;
	options.on_run = [&](const Schedulable &instance, const RunOutcome &outcome,
			     std::chrono::nanoseconds) {
		std::lock_guard lock(mutex);
		seen.emplace_back(instance.id(), outcome);
	};
	Scheduler scheduler(options, clock);
	std::atomic<bool> fail{true};
	// No message: the observer, /status and the log get the same default.
	scheduler.add(flaky(fail, RunStatus::Timeout, ""));
	scheduler.add(
		std::make_shared<test::FakeCheck>("throws:default:0", 1000ms, []() -> RunOutcome {
			throw std::runtime_error("thrown out of run()");
		}));
	scheduler.runAllOnce();
	{
		std::lock_guard lock(mutex);
		ASSERT_EQ(seen.size(), 2u);
		std::sort(seen.begin(), seen.end(),
			  [](const auto &a, const auto &b) { return a.first < b.first; });
		EXPECT_EQ(seen[0].first, "flaky:default:0");
		EXPECT_EQ(seen[0].second.status, RunStatus::Timeout);
		EXPECT_EQ(seen[0].second.error, "timed out");
		EXPECT_EQ(seen[1].second.status, RunStatus::Error);
		EXPECT_EQ(seen[1].second.error, "thrown out of run()");
	}
	EXPECT_EQ(test::statsOf(scheduler, "flaky:default:0").last_error, "timed out");
	EXPECT_EQ(test::statsOf(scheduler, "throws:default:0").last_error, "thrown out of run()");
	ASSERT_TRUE(scheduler.stop(test::kHang));
}

TEST(SchedulerRunObserver, RunsOnARunnerThreadNotTheCaller)
{
	auto clock = std::make_shared<test::ManualClock>();
	std::atomic<bool> on_caller{false};
	const auto caller = std::this_thread::get_id();
	Scheduler scheduler({1, {}}, clock);
	scheduler.add(std::make_shared<test::FakeCheck>("where:default:0", 1000ms, [&] {
		on_caller = std::this_thread::get_id() == caller;
		return RunOutcome{};
	}));
	scheduler.runAllOnce();
	EXPECT_FALSE(on_caller);
	ASSERT_TRUE(scheduler.stop(test::kHang));
}

} // namespace
} // namespace vigil
