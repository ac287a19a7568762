// SPDX-License-Identifier: Apache-2.0
// The load check on /proc snapshots: raw averages, averages per CPU counted
// from the snapshot's own /proc/stat, and bad or missing files.
#include "check_harness.hpp"

#include <cstdlib>
#include <string>

using vigil::testing::CheckHarness;

namespace {

const std::string kData = std::string(VIGIL_TEST_DATA) + "/proc/load/";

CheckHarness snapshot(const std::string &scenario)
{
	unsetenv("VIGIL_PROC_ROOT");
	return CheckHarness(VIGIL_CHECK_SO, {{"proc_root", kData + scenario}});
}

} // namespace

TEST(LoadCheck, ReportsRawAndPerCpuAverages)
{
	CheckHarness check = snapshot("basic");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(100);
	EXPECT_EQ(check.value("system.load.1"), 1.5);
	EXPECT_EQ(check.value("system.load.5"), 0.75);
	EXPECT_EQ(check.value("system.load.15"), 0.25);
	// The snapshot's /proc/stat lists four CPUs.
	EXPECT_EQ(check.value("system.load.norm.1"), 0.375);
	EXPECT_EQ(check.value("system.load.norm.5"), 0.1875);
	EXPECT_EQ(check.value("system.load.norm.15"), 0.0625);
	EXPECT_EQ(check.find("system.load.1")->type, vigil::SeriesType::Gauge);
	EXPECT_EQ(check.names().size(), 6u);
}

TEST(LoadCheck, MissingStatSkipsNormalisedAveragesWithAWarning)
{
	CheckHarness check = snapshot("no_stat");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	ASSERT_EQ(outcome.warnings.size(), 1u);
	EXPECT_EQ(outcome.warnings[0], "cannot read '" + kData +
					       "no_stat/stat': No such file or directory, "
					       "skipping system.load.norm.*");
	check.flushAt(100);
	EXPECT_EQ(check.names(),
		  (std::vector<std::string>{"system.load.1", "system.load.15", "system.load.5"}));
	EXPECT_EQ(check.value("system.load.1"), 1.5);
}

TEST(LoadCheck, StatWithoutCpuLinesSkipsNormalisedAveragesWithAWarning)
{
	CheckHarness check = snapshot("no_cpu_lines");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	ASSERT_EQ(outcome.warnings.size(), 1u);
	EXPECT_EQ(outcome.warnings[0], "no 'cpuN' lines in '" + kData +
					       "no_cpu_lines/stat', skipping system.load.norm.*");
	check.flushAt(100);
	EXPECT_EQ(check.names().size(), 3u);
	EXPECT_EQ(check.find("system.load.norm.1"), nullptr);
}

TEST(LoadCheck, MalformedLoadavgIsAnErrorNamingTheFile)
{
	CheckHarness check = snapshot("malformed");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error, "malformed load averages in '" + kData + "malformed/loadavg'");
	check.flushAt(100);
	EXPECT_TRUE(check.names().empty());
}

TEST(LoadCheck, MissingLoadavgIsAnErrorNamingTheFile)
{
	CheckHarness check = snapshot("nowhere");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error,
		  "cannot read '" + kData + "nowhere/loadavg': No such file or directory");
}

TEST(LoadCheck, RootComesFromTheEnvironmentWhenNotConfigured)
{
	setenv("VIGIL_PROC_ROOT", (kData + "basic").c_str(), 1);
	CheckHarness check(VIGIL_CHECK_SO);
	auto outcome = check.runAt(100);
	unsetenv("VIGIL_PROC_ROOT");
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	check.flushAt(100);
	EXPECT_EQ(check.value("system.load.norm.1"), 0.375);
}

TEST(LoadCheck, LiveProcReportsTheExpectedNames)
{
	unsetenv("VIGIL_PROC_ROOT");
	CheckHarness check(VIGIL_CHECK_SO);
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(100);
	EXPECT_EQ(check.names(),
		  (std::vector<std::string>{"system.load.1", "system.load.15", "system.load.5",
					    "system.load.norm.1", "system.load.norm.15",
					    "system.load.norm.5"}));
}
