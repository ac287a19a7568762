// SPDX-License-Identifier: Apache-2.0
// The file_handles check on /proc/sys/fs/file-nr snapshots.
#include "check_harness.hpp"

#include <cstdlib>
#include <string>

using vigil::testing::CheckHarness;

namespace {

const std::string kData = std::string(VIGIL_TEST_DATA) + "/proc/file_handles/";

CheckHarness snapshot(const std::string &scenario)
{
	unsetenv("VIGIL_PROC_ROOT");
	return CheckHarness(VIGIL_CHECK_SO, {{"proc_root", kData + scenario}});
}

std::string fileNr(const std::string &scenario)
{
	return kData + scenario + "/sys/fs/file-nr";
}

} // namespace

TEST(FileHandlesCheck, ReportsAllocatedUsedAndMaximum)
{
	CheckHarness check = snapshot("basic");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(100);
	EXPECT_EQ(check.value("system.fs.file_handles.allocated"), 2048);
	EXPECT_EQ(check.value("system.fs.file_handles.allocated_unused"), 0);
	EXPECT_EQ(check.value("system.fs.file_handles.used"), 2048);
	EXPECT_EQ(check.value("system.fs.file_handles.max"), 1048576);
	EXPECT_EQ(check.value("system.fs.file_handles.in_use"), 0.001953125);
	EXPECT_EQ(check.names().size(), 5u);
}

TEST(FileHandlesCheck, UnusedHandlesAreNotInUse)
{
	// Kernels before 2.6 kept freed handles allocated.
	CheckHarness check = snapshot("unused");
	ASSERT_EQ(check.runAt(100).status, vigil::RunStatus::Ok);
	check.flushAt(100);
	EXPECT_EQ(check.value("system.fs.file_handles.allocated"), 3000);
	EXPECT_EQ(check.value("system.fs.file_handles.allocated_unused"), 1000);
	EXPECT_EQ(check.value("system.fs.file_handles.used"), 2000);
	EXPECT_EQ(check.value("system.fs.file_handles.max"), 8000);
	EXPECT_EQ(check.value("system.fs.file_handles.in_use"), 0.25);
}

TEST(FileHandlesCheck, ZeroMaximumSkipsInUseWithAWarning)
{
	CheckHarness check = snapshot("zero_max");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	ASSERT_EQ(outcome.warnings.size(), 1u);
	EXPECT_EQ(outcome.warnings[0], "maximum file handles is 0 in '" + fileNr("zero_max") +
					       "', skipping system.fs.file_handles.in_use");
	check.flushAt(100);
	EXPECT_EQ(check.find("system.fs.file_handles.in_use"), nullptr);
	EXPECT_EQ(check.value("system.fs.file_handles.used"), 10);
	EXPECT_EQ(check.value("system.fs.file_handles.max"), 0);
}

TEST(FileHandlesCheck, MoreUnusedThanAllocatedSkipsUsageWithAWarning)
{
	CheckHarness check = snapshot("unused_exceeds");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	ASSERT_EQ(outcome.warnings.size(), 1u);
	EXPECT_EQ(outcome.warnings[0],
		  "more unused than allocated file handles in '" + fileNr("unused_exceeds") +
			  "', skipping system.fs.file_handles.used and .in_use");
	check.flushAt(100);
	EXPECT_EQ(check.names(),
		  (std::vector<std::string>{"system.fs.file_handles.allocated",
					    "system.fs.file_handles.allocated_unused",
					    "system.fs.file_handles.max"}));
}

TEST(FileHandlesCheck, MalformedFileIsAnErrorNamingTheFile)
{
	CheckHarness check = snapshot("malformed");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error, "malformed file handle counts in '" + fileNr("malformed") + "'");
	check.flushAt(100);
	EXPECT_TRUE(check.names().empty());
}

TEST(FileHandlesCheck, MissingFileIsAnErrorNamingTheFile)
{
	CheckHarness check = snapshot("nowhere");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error,
		  "cannot read '" + fileNr("nowhere") + "': No such file or directory");
}

TEST(FileHandlesCheck, LiveProcReportsTheExpectedNames)
{
	unsetenv("VIGIL_PROC_ROOT");
	CheckHarness check(VIGIL_CHECK_SO);
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	check.flushAt(100);
	EXPECT_EQ(check.names(),
		  (std::vector<std::string>{"system.fs.file_handles.allocated",
					    "system.fs.file_handles.allocated_unused",
					    "system.fs.file_handles.in_use",
					    "system.fs.file_handles.max",
					    "system.fs.file_handles.used"}));
}
