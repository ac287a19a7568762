// SPDX-License-Identifier: Apache-2.0
// The bundled example check through the harness: its gauge, and its
// monotonic run counter across two runs at known times.
#include "check_harness.hpp"

using vigil::testing::CheckHarness;

TEST(ExampleCheck, ReportsConfiguredValueAndRunCount)
{
	CheckHarness check(VIGIL_CHECK_SO, {{"value", 12.5}}, {{"prefix", "ex"}});
	ASSERT_EQ(check.runAt(100).status, vigil::RunStatus::Ok);
	check.flushAt(100);
	EXPECT_EQ(check.value("ex.value"), 12.5);
	EXPECT_EQ(check.find("ex.runs"), nullptr); // first sample: baseline only

	ASSERT_EQ(check.runAt(110).status, vigil::RunStatus::Ok);
	check.flushAt(110);
	EXPECT_EQ(check.value("ex.runs"), 1);
	ASSERT_EQ(check.last().service_checks.size(), 1u);
	EXPECT_EQ(check.last().service_checks[0].name, "ex.can_run");
}
