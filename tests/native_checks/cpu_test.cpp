// SPDX-License-Identifier: Apache-2.0
// The cpu check on /proc/stat snapshots: percentages of the interval between
// two runs, context switches, core count, and what a bad or rewound file does.
#include "check_harness.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>

using vigil::testing::CheckHarness;
using vigil::testing::installSnapshot;

namespace {

const std::string kData = std::string(VIGIL_TEST_DATA) + "/proc/cpu/";

// A proc root the test swaps snapshots into between runs.
class CpuCheckTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		unsetenv("VIGIL_PROC_ROOT");
		root_ = std::filesystem::temp_directory_path() /
			("vigil-cpu-test-" + std::to_string(getpid()));
	}
	void TearDown() override { std::filesystem::remove_all(root_); }

	void install(const std::string &scenario) { installSnapshot(kData + scenario, root_); }
	nlohmann::json instance() const { return {{"proc_root", root_.string()}}; }

	std::filesystem::path root_;
};

bool contains(const std::vector<std::string> &names, const std::string &name)
{
	return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

TEST_F(CpuCheckTest, FirstRunReportsOnlyCoresAndSetsBaselines)
{
	install("first");
	CheckHarness check(VIGIL_CHECK_SO, instance());
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(100);
	EXPECT_EQ(check.names(), std::vector<std::string>{"system.cpu.num_cores"});
	EXPECT_EQ(check.value("system.cpu.num_cores"), 2);
}

TEST_F(CpuCheckTest, SecondRunReportsPercentagesOfTheInterval)
{
	install("first");
	CheckHarness check(VIGIL_CHECK_SO, instance());
	ASSERT_EQ(check.runAt(100).status, vigil::RunStatus::Ok);
	check.flushAt(100);

	// 1000 ticks elapsed: user 300 (guest 50 inside), nice 50, system 100,
	// idle 400, iowait 60, irq 20, softirq 30, steal 40.
	install("second");
	auto outcome = check.runAt(110);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(110);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.user"), 35);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.system"), 15);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.interrupt"), 5);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.idle"), 40);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.iowait"), 6);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.stolen"), 4);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.guest"), 5);
	EXPECT_EQ(check.value("system.cpu.num_cores"), 2);
	EXPECT_EQ(check.value("system.cpu.context_switches"), 1000);
	EXPECT_EQ(check.find("system.cpu.context_switches")->type, vigil::SeriesType::Count);
	EXPECT_EQ(check.names().size(), 9u);
}

TEST_F(CpuCheckTest, CountersGoingBackwardsSkipTheIntervalWithAWarning)
{
	install("first");
	CheckHarness check(VIGIL_CHECK_SO, instance());
	ASSERT_EQ(check.runAt(100).status, vigil::RunStatus::Ok);
	check.flushAt(100);

	install("rewound");
	auto outcome = check.runAt(110);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	ASSERT_EQ(outcome.warnings.size(), 1u);
	EXPECT_EQ(outcome.warnings[0], "CPU time went backwards in '" + (root_ / "stat").string() +
					       "', skipping this interval");
	check.flushAt(110);
	EXPECT_EQ(check.find("system.cpu.user"), nullptr);
	EXPECT_EQ(check.find("system.cpu.idle"), nullptr);
	EXPECT_EQ(check.value("system.cpu.context_switches"), 0); // a reset, not a negative count

	// The rewound sample is the next baseline: 400 ticks elapsed.
	install("first");
	outcome = check.runAt(120);
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(120);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.user"), 25);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.system"), 25);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.idle"), 50);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.interrupt"), 0);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.iowait"), 0);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.stolen"), 0);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.guest"), 0);
	EXPECT_EQ(check.value("system.cpu.context_switches"), 3337);
}

TEST_F(CpuCheckTest, NoElapsedTimeSkipsTheIntervalWithAWarning)
{
	install("first");
	CheckHarness check(VIGIL_CHECK_SO, instance());
	ASSERT_EQ(check.runAt(100).status, vigil::RunStatus::Ok);
	check.flushAt(100);
	auto outcome = check.runAt(110);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	ASSERT_EQ(outcome.warnings.size(), 1u);
	EXPECT_EQ(outcome.warnings[0], "no CPU time elapsed in '" + (root_ / "stat").string() +
					       "' since the previous run, skipping this interval");
	check.flushAt(110);
	EXPECT_EQ(check.find("system.cpu.user"), nullptr);
	EXPECT_EQ(check.value("system.cpu.context_switches"), 0);
}

TEST_F(CpuCheckTest, OldKernelWithFourColumnsReportsWhatItHas)
{
	install("old_kernel_a");
	CheckHarness check(VIGIL_CHECK_SO, instance());
	ASSERT_EQ(check.runAt(100).status, vigil::RunStatus::Ok);
	check.flushAt(100);
	install("old_kernel_b");
	auto outcome = check.runAt(110);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	check.flushAt(110);
	EXPECT_EQ(check.names(),
		  (std::vector<std::string>{"system.cpu.context_switches", "system.cpu.idle",
					    "system.cpu.num_cores", "system.cpu.system",
					    "system.cpu.user"}));
	EXPECT_DOUBLE_EQ(check.value("system.cpu.user"), 40); // user 60 + nice 20 of 200
	EXPECT_DOUBLE_EQ(check.value("system.cpu.system"), 10);
	EXPECT_DOUBLE_EQ(check.value("system.cpu.idle"), 50);
	EXPECT_EQ(check.value("system.cpu.num_cores"), 1);
	EXPECT_EQ(check.value("system.cpu.context_switches"), 15);
}

TEST_F(CpuCheckTest, MissingCtxtLineIsAWarning)
{
	install("no_ctxt");
	CheckHarness check(VIGIL_CHECK_SO, instance());
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	ASSERT_EQ(outcome.warnings.size(), 1u);
	EXPECT_EQ(outcome.warnings[0], "no valid 'ctxt' line in '" + (root_ / "stat").string() +
					       "', skipping system.cpu.context_switches");
	check.flushAt(100);
	EXPECT_EQ(check.value("system.cpu.num_cores"), 2);
}

TEST_F(CpuCheckTest, MalformedCpuLineIsAnErrorNamingTheFile)
{
	install("malformed");
	CheckHarness check(VIGIL_CHECK_SO, instance());
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error, "malformed 'cpu' line in '" + (root_ / "stat").string() + "'");
	check.flushAt(100);
	EXPECT_TRUE(check.names().empty());
}

TEST_F(CpuCheckTest, MissingFileIsAnErrorNamingTheFile)
{
	CheckHarness check(VIGIL_CHECK_SO, {{"proc_root", kData + "nowhere"}});
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error,
		  "cannot read '" + kData + "nowhere/stat': No such file or directory");
}

TEST_F(CpuCheckTest, LiveProcReportsTheExpectedNames)
{
	CheckHarness check(VIGIL_CHECK_SO);
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	check.flushAt(100);
	usleep(200 * 1000); // enough for every CPU to tick
	outcome = check.runAt(101);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	check.flushAt(101);
	auto names = check.names();
	for (const char *name :
	     {"system.cpu.user", "system.cpu.system", "system.cpu.idle", "system.cpu.iowait",
	      "system.cpu.interrupt", "system.cpu.stolen", "system.cpu.guest",
	      "system.cpu.num_cores", "system.cpu.context_switches"})
		EXPECT_TRUE(contains(names, name)) << name;
}
