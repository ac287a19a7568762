// SPDX-License-Identifier: Apache-2.0
// create() and run(): errors with tracebacks, timeouts, output capture and
// overlap of checks blocked in I/O.
#include "recording_host.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using testing::HasSubstr;

namespace {

PythonHost::Loaded mustLoad(const char *file)
{
	PythonHost &h = PythonHost::get();
	EXPECT_NE(h.provider, nullptr) << h.init_error;
	auto loaded = h.load(file);
	EXPECT_NE(loaded.check, nullptr) << loaded.error;
	return loaded;
}

double secondsSince(std::chrono::steady_clock::time_point start)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(PythonRun, ExceptionInInitIsACreateError)
{
	auto loaded = mustLoad("init_raises.py");
	vigil_context ctx;
	EXPECT_EQ(PythonHost::get().create(loaded.check, ctx), nullptr);
	EXPECT_THAT(ctx.error, testing::StartsWith("ValueError: missing url in instance\n"));
	EXPECT_THAT(ctx.error, HasSubstr("Traceback"));
	EXPECT_THAT(ctx.error, HasSubstr("init_raises.py"));
}

TEST(PythonRun, ExceptionInCheckHasTraceback)
{
	PythonHost &h = PythonHost::get();
	auto loaded = mustLoad("check_raises.py");
	vigil_context ctx;
	void *check = h.create(loaded.check, ctx);
	ASSERT_NE(check, nullptr) << ctx.error;
	EXPECT_EQ(h.run(check, ctx), VIGIL_ERROR);
	EXPECT_THAT(ctx.error, testing::StartsWith("RuntimeError: connection refused\n"));
	EXPECT_THAT(ctx.error, HasSubstr("Traceback"));
	EXPECT_THAT(ctx.error, HasSubstr("in helper"));
	h.desc->destroy(h.provider, check);
}

TEST(PythonRun, SoftTimeoutInterruptsPurePythonAndNextRunIsClean)
{
	PythonHost &h = PythonHost::get();
	auto loaded = mustLoad("busy_loop.py");
	vigil_context ctx;
	ctx.instance = {{"vigil_timeout", 0.3}};
	void *check = h.create(loaded.check, ctx);
	ASSERT_NE(check, nullptr) << ctx.error;
	auto start = std::chrono::steady_clock::now();
	EXPECT_EQ(h.run(check, ctx), VIGIL_TIMEOUT);
	EXPECT_EQ(ctx.error, "timeout after 0.3 s");
	EXPECT_LT(secondsSince(start), 5.0);

	vigil_context next;
	EXPECT_EQ(h.run(check, next), VIGIL_OK) << next.error;
	ASSERT_NE(next.metric("busy.after"), nullptr);
	EXPECT_EQ(next.metric("busy.after")->value, 2);
	// Long after the deadline: nothing left pending for this thread.
	std::this_thread::sleep_for(std::chrono::milliseconds(400));
	vigil_context later;
	EXPECT_EQ(h.run(check, later), VIGIL_OK) << later.error;
	h.desc->destroy(h.provider, check);
}

// What happens when a check catches the interrupt (`except BaseException`):
// the run still counts as a timeout, what it sent before and after is kept,
// only one interrupt is raised per run (the check may carry on to its end),
// and nothing is left pending for the next run on this thread.
TEST(PythonRun, SwallowedTimeoutIsStillATimeoutAndDoesNotLeak)
{
	PythonHost &h = PythonHost::get();
	auto loaded = mustLoad("swallow_timeout.py");
	vigil_context ctx;
	ctx.instance = {{"vigil_timeout", 0.3}, {"spin_after", 0.5}, {"later_spin", 0.1}};
	void *check = h.create(loaded.check, ctx);
	ASSERT_NE(check, nullptr) << ctx.error;
	EXPECT_EQ(h.run(check, ctx), VIGIL_TIMEOUT);
	EXPECT_EQ(ctx.error, "timeout after 0.3 s");
	ASSERT_NE(ctx.metric("swallow.caught"), nullptr);
	EXPECT_THAT(ctx.metric("swallow.caught")->tags,
		    testing::ElementsAre("exception:CheckTimeout"));
	EXPECT_NE(ctx.metric("swallow.finished"), nullptr)
		<< "a second interrupt cut the spin after the first was caught";

	for (int run = 2; run <= 3; ++run) {
		vigil_context next;
		EXPECT_EQ(h.run(check, next), VIGIL_OK) << "run " << run << ": " << next.error;
		ASSERT_NE(next.metric("swallow.run"), nullptr) << "run " << run;
		EXPECT_EQ(next.metric("swallow.run")->value, run);
		std::this_thread::sleep_for(std::chrono::milliseconds(400));
	}
	h.desc->destroy(h.provider, check);
}

TEST(PythonRun, PrintGoesToTheLogNotStdout)
{
	PythonHost &h = PythonHost::get();
	auto loaded = mustLoad("prints.py");
	vigil_context ctx;
	void *check = h.create(loaded.check, ctx);
	ASSERT_NE(check, nullptr) << ctx.error;
	testing::internal::CaptureStdout();
	vigil_result result = h.run(check, ctx);
	std::string out = testing::internal::GetCapturedStdout();
	EXPECT_EQ(result, VIGIL_OK) << ctx.error;
	EXPECT_EQ(out, "");
	EXPECT_TRUE(ctx.logged("hello from print"));
	EXPECT_TRUE(ctx.logged("to stderr"));
	h.desc->destroy(h.provider, check);
}

TEST(PythonRun, SleepingChecksOverlap)
{
	PythonHost &h = PythonHost::get();
	auto loaded = mustLoad("sleeper.py");
	constexpr int kChecks = 8, kThreads = 4;
	std::vector<std::unique_ptr<vigil_context>> ctxs;
	std::vector<void *> checks;
	for (int i = 0; i < kChecks; ++i) {
		ctxs.push_back(std::make_unique<vigil_context>());
		ctxs.back()->instance_id = "sleeper:" + std::to_string(i);
		checks.push_back(h.create(loaded.check, *ctxs.back()));
		ASSERT_NE(checks.back(), nullptr) << ctxs.back()->error;
	}
	std::vector<vigil_result> results(kChecks, VIGIL_ERROR);
	auto start = std::chrono::steady_clock::now();
	std::vector<std::thread> threads;
	for (int t = 0; t < kThreads; ++t)
		threads.emplace_back([&, t] {
			for (int i = t; i < kChecks; i += kThreads)
				results[i] = h.run(checks[i], *ctxs[i]);
		});
	for (auto &t : threads)
		t.join();
	double elapsed = secondsSince(start);
	for (int i = 0; i < kChecks; ++i) {
		EXPECT_EQ(results[i], VIGIL_OK) << ctxs[i]->error;
		EXPECT_NE(ctxs[i]->metric("slept"), nullptr)
			<< "each run reports to its own context";
	}
	// Serial would be 8 s; overlapped, 2 s.
	EXPECT_LT(elapsed, 4.0);
	for (void *check : checks)
		h.desc->destroy(h.provider, check);
}

} // namespace
