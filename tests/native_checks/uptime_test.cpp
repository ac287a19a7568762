// SPDX-License-Identifier: Apache-2.0
// The uptime check on /proc/uptime snapshots.
#include "check_harness.hpp"

#include <cstdlib>
#include <string>

using vigil::testing::CheckHarness;

namespace {

const std::string kData = std::string(VIGIL_TEST_DATA) + "/proc/uptime/";

CheckHarness snapshot(const std::string &scenario)
{
	unsetenv("VIGIL_PROC_ROOT");
	return CheckHarness(VIGIL_CHECK_SO, {{"proc_root", kData + scenario}});
}

} // namespace

TEST(UptimeCheck, ReportsSecondsSinceBoot)
{
	CheckHarness check = snapshot("basic");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(100);
	EXPECT_EQ(check.names(), std::vector<std::string>{"system.uptime"});
	EXPECT_EQ(check.value("system.uptime"), 12345.67);
	EXPECT_EQ(check.find("system.uptime")->type, vigil::SeriesType::Gauge);
}

TEST(UptimeCheck, MalformedFileIsAnErrorNamingTheFile)
{
	CheckHarness check = snapshot("malformed");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error, "malformed uptime in '" + kData + "malformed/uptime'");
	check.flushAt(100);
	EXPECT_TRUE(check.names().empty());
}

TEST(UptimeCheck, MissingFileIsAnErrorNamingTheFile)
{
	CheckHarness check = snapshot("nowhere");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error,
		  "cannot read '" + kData + "nowhere/uptime': No such file or directory");
}

TEST(UptimeCheck, LiveProcReportsTheExpectedNames)
{
	unsetenv("VIGIL_PROC_ROOT");
	CheckHarness check(VIGIL_CHECK_SO);
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	check.flushAt(100);
	EXPECT_EQ(check.names(), std::vector<std::string>{"system.uptime"});
}
