// SPDX-License-Identifier: Apache-2.0
// The memory check on /proc/meminfo snapshots: every metric in MiB from a
// current kernel, the free+buffers+cached estimate on kernels without
// MemAvailable, garbled and missing lines and files, and the live /proc.
#include "check_harness.hpp"

#include <cstdlib>
#include <string>

using vigil::testing::CheckHarness;

namespace {

const std::string kData = std::string(VIGIL_TEST_DATA) + "/proc/memory/";

CheckHarness snapshot(const std::string &scenario)
{
	unsetenv("VIGIL_PROC_ROOT");
	return CheckHarness(VIGIL_CHECK_SO, {{"proc_root", kData + scenario}});
}

} // namespace

TEST(MemoryCheck, ReportsEveryMetricInMebibytes)
{
	CheckHarness check = snapshot("normal");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(100);

	EXPECT_EQ(check.value("system.mem.total"), 8192);
	EXPECT_EQ(check.value("system.mem.free"), 2048);
	EXPECT_EQ(check.value("system.mem.used"), 6144);   // total - free, as Datadog
	EXPECT_EQ(check.value("system.mem.usable"), 6144); // MemAvailable
	EXPECT_EQ(check.value("system.mem.pct_usable"), 0.75);
	EXPECT_EQ(check.value("system.mem.cached"), 3072);
	EXPECT_EQ(check.value("system.mem.buffered"), 256);
	EXPECT_EQ(check.value("system.mem.shared"), 64);
	EXPECT_EQ(check.value("system.mem.slab"), 512);
	EXPECT_EQ(check.value("system.mem.slab_reclaimable"), 384);
	EXPECT_EQ(check.value("system.mem.page_tables"), 20500.0 / 1024); // 20.01953125
	EXPECT_EQ(check.value("system.mem.commit_limit"), 6144);
	EXPECT_EQ(check.value("system.mem.committed_as"), 4096);
	EXPECT_EQ(check.value("system.swap.cached"), 1);
	EXPECT_EQ(check.value("system.swap.total"), 2048);
	EXPECT_EQ(check.value("system.swap.free"), 1536);
	EXPECT_EQ(check.value("system.swap.used"), 512);
	EXPECT_EQ(check.value("system.swap.pct_free"), 0.75);
	EXPECT_EQ(check.names().size(), 18u);
	for (const vigil::Series &s : check.last().series)
		EXPECT_EQ(s.type, vigil::SeriesType::Gauge) << s.name;
}

TEST(MemoryCheck, OldKernelWithoutMemAvailableUsesFreePlusBuffersPlusCached)
{
	CheckHarness check = snapshot("old_kernel");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(100);

	EXPECT_EQ(check.value("system.mem.total"), 1000);
	EXPECT_EQ(check.value("system.mem.free"), 100);
	EXPECT_EQ(check.value("system.mem.used"), 900);
	// 102400 + 51200 + 204800 kB
	EXPECT_EQ(check.value("system.mem.usable"), 350);
	EXPECT_EQ(check.value("system.mem.pct_usable"), 358400.0 / 1024000.0);
	EXPECT_EQ(check.value("system.mem.cached"), 200);
	EXPECT_EQ(check.value("system.mem.buffered"), 50);
	EXPECT_EQ(check.value("system.mem.slab"), 40);
	EXPECT_EQ(check.value("system.mem.page_tables"), 4);
	EXPECT_EQ(check.value("system.mem.commit_limit"), 500);
	EXPECT_EQ(check.value("system.mem.committed_as"), 750);
	// No swap configured: sizes are 0 and there is no fraction to report.
	EXPECT_EQ(check.value("system.swap.cached"), 0);
	EXPECT_EQ(check.value("system.swap.total"), 0);
	EXPECT_EQ(check.value("system.swap.free"), 0);
	EXPECT_EQ(check.value("system.swap.used"), 0);
	EXPECT_EQ(check.find("system.swap.pct_free"), nullptr);
	// Fields this kernel does not print are not reported.
	EXPECT_EQ(check.find("system.mem.shared"), nullptr);
	EXPECT_EQ(check.find("system.mem.slab_reclaimable"), nullptr);
	EXPECT_EQ(check.names().size(), 15u);
}

TEST(MemoryCheck, GarbledTotalIsAnErrorNamingTheFile)
{
	CheckHarness check = snapshot("malformed_total");
	auto outcome = check.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error,
		  "no valid MemTotal and MemFree lines in '" + kData + "malformed_total/meminfo'");
	check.flushAt(100);
	EXPECT_TRUE(check.names().empty());
}

TEST(MemoryCheck, GarbledOptionalLinesAreWarnedAboutAndTheirMetricsSkipped)
{
	CheckHarness check = snapshot("malformed_fields");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	const std::string file = kData + "malformed_fields/meminfo";
	ASSERT_EQ(outcome.warnings.size(), 2u);
	EXPECT_EQ(outcome.warnings[0], "malformed line 'MemAvailable:    2O97152 kB' in '" + file +
					       "', skipping its metrics");
	EXPECT_EQ(outcome.warnings[1], "malformed line 'Shmem:             32768 MB' in '" + file +
					       "', skipping its metrics");
	check.flushAt(100);

	// A garbled MemAvailable is not replaced by the old-kernel estimate.
	EXPECT_EQ(check.find("system.mem.usable"), nullptr);
	EXPECT_EQ(check.find("system.mem.pct_usable"), nullptr);
	EXPECT_EQ(check.find("system.mem.shared"), nullptr);
	EXPECT_EQ(check.value("system.mem.total"), 4096);
	EXPECT_EQ(check.value("system.mem.free"), 1024);
	EXPECT_EQ(check.value("system.mem.used"), 3072);
	EXPECT_EQ(check.value("system.mem.cached"), 1024);
	EXPECT_EQ(check.value("system.mem.buffered"), 128);
	EXPECT_EQ(check.value("system.mem.slab"), 256);
	EXPECT_EQ(check.value("system.mem.slab_reclaimable"), 128);
	EXPECT_EQ(check.value("system.mem.page_tables"), 10);
	EXPECT_EQ(check.value("system.mem.commit_limit"), 3072);
	EXPECT_EQ(check.value("system.mem.committed_as"), 2048);
	EXPECT_EQ(check.value("system.swap.cached"), 0);
	EXPECT_EQ(check.value("system.swap.total"), 1024);
	EXPECT_EQ(check.value("system.swap.free"), 1024);
	EXPECT_EQ(check.value("system.swap.used"), 0);
	EXPECT_EQ(check.value("system.swap.pct_free"), 1);
	EXPECT_EQ(check.names().size(), 15u);
}

TEST(MemoryCheck, MissingSwapLinesSkipSwapMetricsWithAWarning)
{
	CheckHarness check = snapshot("no_swap_lines");
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	ASSERT_EQ(outcome.warnings.size(), 1u);
	EXPECT_EQ(outcome.warnings[0], "no SwapTotal or SwapFree line in '" + kData +
					       "no_swap_lines/meminfo', skipping swap metrics");
	check.flushAt(100);
	for (const std::string &name : check.names())
		EXPECT_EQ(name.rfind("system.swap.", 0), std::string::npos) << name;
	EXPECT_EQ(check.value("system.mem.total"), 2048);
	EXPECT_EQ(check.value("system.mem.free"), 512);
	EXPECT_EQ(check.value("system.mem.used"), 1536);
	EXPECT_EQ(check.value("system.mem.usable"), 1024);
	EXPECT_EQ(check.value("system.mem.pct_usable"), 0.5);
	EXPECT_EQ(check.value("system.mem.cached"), 512);
	EXPECT_EQ(check.value("system.mem.buffered"), 64);
	EXPECT_EQ(check.value("system.mem.shared"), 16);
	EXPECT_EQ(check.value("system.mem.slab"), 64);
	EXPECT_EQ(check.value("system.mem.slab_reclaimable"), 32);
	EXPECT_EQ(check.value("system.mem.page_tables"), 4);
	EXPECT_EQ(check.value("system.mem.commit_limit"), 1024);
	EXPECT_EQ(check.value("system.mem.committed_as"), 768);
	EXPECT_EQ(check.names().size(), 13u);
}

TEST(MemoryCheck, MissingMeminfoIsAnErrorNamingTheFile)
{
	CheckHarness check = snapshot("missing");
	auto outcome = check.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error,
		  "cannot read '" + kData + "missing/meminfo': No such file or directory");
}

TEST(MemoryCheck, LiveProcReportsTheExpectedNames)
{
	unsetenv("VIGIL_PROC_ROOT");
	CheckHarness check(VIGIL_CHECK_SO);
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_TRUE(outcome.warnings.empty());
	check.flushAt(100);
	for (const char *name :
	     {"system.mem.total", "system.mem.free", "system.mem.used", "system.mem.usable",
	      "system.mem.pct_usable", "system.mem.cached", "system.mem.buffered",
	      "system.mem.shared", "system.mem.slab", "system.mem.page_tables",
	      "system.mem.commit_limit", "system.mem.committed_as", "system.swap.total",
	      "system.swap.free", "system.swap.used", "system.swap.cached"})
		EXPECT_NE(check.find(name), nullptr) << name;
}
