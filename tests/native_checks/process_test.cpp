// SPDX-License-Identifier: Apache-2.0
// The process check on /proc/<pid>/stat snapshots: counts by state, the
// total and the thread sum; command names with spaces and parentheses;
// processes that exit mid-scan; garbled stat files; and the live /proc.
#include "check_harness.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

using vigil::testing::CheckHarness;

namespace {

const std::string kData = std::string(VIGIL_TEST_DATA) + "/proc/process/";
const char *const kStates = "system.processes.states";

CheckHarness snapshot(const std::string &scenario)
{
	unsetenv("VIGIL_PROC_ROOT");
	return CheckHarness(VIGIL_CHECK_SO, {{"proc_root", kData + scenario}});
}

double state(const CheckHarness &check, const std::string &name)
{
	return check.value(kStates, {"state:" + name});
}

size_t stateSeries(const CheckHarness &check)
{
	return static_cast<size_t>(
		std::count_if(check.last().series.begin(), check.last().series.end(),
			      [](const vigil::Series &s) { return s.name == kStates; }));
}

} // namespace

TEST(ProcessCheck, CountsProcessesByStateAndSumsThreads)
{
	CheckHarness check = snapshot("mixed");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	// Pid 30 has no stat file (it exited): skipped without a word.
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(100);

	// Pid 11 is "(a) b (c)" and pid 10 "((sd-pam))": the state is read
	// after the last ')'.
	EXPECT_EQ(state(check, "runnable"), 2);
	EXPECT_EQ(state(check, "sleeping"), 4);
	EXPECT_EQ(state(check, "uninterruptible"), 1);
	EXPECT_EQ(state(check, "zombie"), 1);
	EXPECT_EQ(state(check, "stopped"), 1);
	EXPECT_EQ(state(check, "tracing_stop"), 1);
	EXPECT_EQ(state(check, "idle"), 1);
	EXPECT_EQ(state(check, "dead"), 1);
	EXPECT_EQ(state(check, "parked"), 1);
	EXPECT_EQ(state(check, "paging"), 0);
	EXPECT_EQ(stateSeries(check), 10u); // wakekill and unknown only when seen
	EXPECT_EQ(check.value("system.processes.total"), 13);
	EXPECT_EQ(check.value("system.processes.threads"), 41);
	EXPECT_EQ(check.names(),
		  (std::vector<std::string>{"system.processes.states", "system.processes.threads",
					    "system.processes.total"}));
	for (const vigil::Series &s : check.last().series)
		EXPECT_EQ(s.type, vigil::SeriesType::Gauge) << s.name;
}

TEST(ProcessCheck, GarbledStatFilesAreNamedInWarningsAndSkipped)
{
	CheckHarness check = snapshot("malformed");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	std::vector<std::string> warnings = outcome.warnings;
	std::sort(warnings.begin(), warnings.end()); // readdir order is the filesystem's
	const std::string root = kData + "malformed/";
	EXPECT_EQ(warnings, (std::vector<std::string>{
				    "'" + root + "2/stat' is malformed, skipping that process",
				    "'" + root + "3/stat' is malformed, skipping that process",
				    "'" + root + "4/stat' is malformed, skipping that process",
				    "'" + root + "5/stat' is malformed, skipping that process",
			    }));
	check.flushAt(100);

	EXPECT_EQ(check.value("system.processes.total"), 4);
	EXPECT_EQ(check.value("system.processes.threads"), 7);
	EXPECT_EQ(state(check, "sleeping"), 1);
	EXPECT_EQ(state(check, "runnable"), 1);
	EXPECT_EQ(state(check, "wakekill"), 1); // 2.6.33-3.13 'K'
	EXPECT_EQ(state(check, "unknown"), 1);	// 'Q' is no state letter
	EXPECT_EQ(state(check, "zombie"), 0);
	EXPECT_EQ(stateSeries(check), 12u);
}

TEST(ProcessCheck, ManyGarbledFilesAreSummarisedAfterTheFirstFive)
{
	CheckHarness check = snapshot("many_malformed");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	ASSERT_EQ(outcome.warnings.size(), 6u);
	for (size_t i = 0; i < 5; ++i)
		EXPECT_NE(outcome.warnings[i].find("/stat' is malformed, skipping that process"),
			  std::string::npos)
			<< outcome.warnings[i];
	EXPECT_EQ(outcome.warnings[5], "2 more stat files under '" + kData +
					       "many_malformed' could not be read or parsed, "
					       "skipping those processes");
	check.flushAt(100);
	EXPECT_EQ(check.value("system.processes.total"), 1);
	EXPECT_EQ(check.value("system.processes.threads"), 1);
	EXPECT_EQ(state(check, "sleeping"), 1);
}

TEST(ProcessCheck, MissingProcRootIsAnErrorNamingIt)
{
	CheckHarness check = snapshot("does_not_exist");
	auto outcome = check.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error,
		  "cannot read '" + kData + "does_not_exist': No such file or directory");
	check.flushAt(100);
	EXPECT_TRUE(check.names().empty());
}

TEST(ProcessCheck, LiveProcReportsTheExpectedNames)
{
	unsetenv("VIGIL_PROC_ROOT");
	CheckHarness check(VIGIL_CHECK_SO);
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(100);
	EXPECT_EQ(check.names(),
		  (std::vector<std::string>{"system.processes.states", "system.processes.threads",
					    "system.processes.total"}));
	EXPECT_NE(check.find(kStates, {"state:runnable"}), nullptr);
	EXPECT_NE(check.find(kStates, {"state:sleeping"}), nullptr);
}
