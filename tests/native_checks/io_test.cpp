// SPDX-License-Identifier: Apache-2.0
// The io check on /proc/diskstats snapshots of the three line lengths
// (kernels before 4.18, 4.18+, 5.5+): per-second rates computed by the
// aggregator over a known interval, per-IO figures from the check's own
// deltas, 32-bit wraps, resets, malformed lines and the device options.
#include "check_harness.hpp"

#include "../../native_checks/io/diskstats.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>

using vigil::testing::CheckHarness;
using vigil::testing::installSnapshot;

namespace {

const std::string kData = std::string(VIGIL_TEST_DATA) + "/proc/io/";

class IoCheckTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		unsetenv("VIGIL_PROC_ROOT");
		root_ = std::filesystem::temp_directory_path() /
			("vigil-io-test-" + std::to_string(getpid()));
	}
	void TearDown() override { std::filesystem::remove_all(root_); }

	void install(const std::string &scenario) { installSnapshot(kData + scenario, root_); }
	nlohmann::json instance(nlohmann::json extra = nlohmann::json::object()) const
	{
		extra["proc_root"] = root_.string();
		return extra;
	}

	// Runs `first` at t=100 and `second` at t=110, flushing after each.
	void twoRuns(CheckHarness &check, const std::string &first, const std::string &second)
	{
		install(first);
		auto outcome = check.runAt(100);
		ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
		EXPECT_TRUE(outcome.warnings.empty());
		check.flushAt(100);
		install(second);
		outcome = check.runAt(110);
		ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
		EXPECT_TRUE(outcome.warnings.empty());
		check.flushAt(110);
	}

	std::filesystem::path root_;
};

const std::vector<std::string> kAllNames = {
	"system.io.avg_q_sz", "system.io.avg_rq_sz", "system.io.await",	 "system.io.r_await",
	"system.io.r_s",      "system.io.rkb_s",     "system.io.rrqm_s", "system.io.svctm",
	"system.io.util",     "system.io.w_await",   "system.io.w_s",	 "system.io.wkb_s",
	"system.io.wrqm_s"};

} // namespace

TEST(IoDiskstats, ParsesEveryLineLengthAndFlagsBadLines)
{
	auto d = vigil::io::parseDiskstats(
		"   8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n"
		" 8 1 sda1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"
		"259 0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"
		"8 2 sda2 4 5 6 7\n"
		"8 3 sda3 1 2 3 4 5 6 7 8 9 10 -1\n"
		"\n");
	ASSERT_EQ(d.devices.size(), 3u);
	EXPECT_EQ(d.devices[0].name, "sda");
	EXPECT_EQ(d.devices[2].name, "nvme0n1");
	for (const auto &dev : d.devices)
		EXPECT_EQ(dev.counters, (vigil::io::Counters{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
	EXPECT_EQ(d.malformed_lines, (std::vector<size_t>{4, 5}));
}

TEST(IoDiskstats, CounterDeltaUndoes32BitWrapsOnly)
{
	uint64_t d = 0;
	EXPECT_TRUE(vigil::io::counterDelta(5, 9, d));
	EXPECT_EQ(d, 4u);
	EXPECT_TRUE(vigil::io::counterDelta(4294967290u, 4, d));
	EXPECT_EQ(d, 10u);
	EXPECT_FALSE(vigil::io::counterDelta(1000, 10, d)); // a reset, not a wrap
	EXPECT_FALSE(vigil::io::counterDelta(uint64_t(1) << 33, 10, d));
}

TEST_F(IoCheckTest, FirstRunReportsNothing)
{
	install("kernel6/t0");
	CheckHarness check(VIGIL_CHECK_SO, instance());
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	check.flushAt(100);
	// Rates need two samples, per-IO figures two runs.
	EXPECT_TRUE(check.names().empty());
}

TEST_F(IoCheckTest, Kernel6Rates20Fields)
{
	CheckHarness check(VIGIL_CHECK_SO, instance());
	twoRuns(check, "kernel6/t0", "kernel6/t1");
	EXPECT_EQ(check.names(), kAllNames);
	const std::vector<std::string> vda = {"device:vda", "device_name:vda"};
	EXPECT_EQ(check.value("system.io.r_s", vda), 10);
	EXPECT_EQ(check.value("system.io.w_s", vda), 40);
	EXPECT_EQ(check.value("system.io.rrqm_s", vda), 1);
	EXPECT_EQ(check.value("system.io.wrqm_s", vda), 10);
	EXPECT_EQ(check.value("system.io.rkb_s", vda), 250);
	EXPECT_EQ(check.value("system.io.wkb_s", vda), 500);
	EXPECT_EQ(check.value("system.io.util", vda), 20); // 2000 ms busy in 10 s
	EXPECT_DOUBLE_EQ(check.value("system.io.avg_q_sz", vda), 0.2);
	EXPECT_DOUBLE_EQ(check.value("system.io.await", vda), 1900.0 / 500);
	EXPECT_EQ(check.value("system.io.r_await", vda), 3);
	EXPECT_EQ(check.value("system.io.w_await", vda), 4);
	EXPECT_EQ(check.value("system.io.avg_rq_sz", vda), 30);
	EXPECT_EQ(check.value("system.io.svctm", vda), 4);

	// An idle partition: zero rates, and per-IO figures of 0 as iostat.
	const std::vector<std::string> vda1 = {"device:vda1"};
	for (const std::string &name : kAllNames)
		EXPECT_EQ(check.value(name, vda1), 0) << name;

	// ram and loop devices are skipped by default.
	EXPECT_EQ(check.find("system.io.r_s", {"device:loop0"}), nullptr);
	EXPECT_EQ(check.find("system.io.r_s", {"device:ram0"}), nullptr);
}

TEST_F(IoCheckTest, Kernel4And5LineLengthsGiveTheSameFigures)
{
	for (auto [scenario, device] :
	     {std::pair{"kernel4", "device:sda"}, std::pair{"kernel5", "device:nvme0n1"}}) {
		SCOPED_TRACE(scenario);
		CheckHarness check(VIGIL_CHECK_SO, instance());
		twoRuns(check, std::string(scenario) + "/t0", std::string(scenario) + "/t1");
		const std::vector<std::string> tags = {device};
		EXPECT_EQ(check.value("system.io.r_s", tags), 10);
		EXPECT_EQ(check.value("system.io.w_s", tags), 30);
		EXPECT_DOUBLE_EQ(check.value("system.io.rrqm_s", tags), 0.5);
		EXPECT_DOUBLE_EQ(check.value("system.io.wrqm_s", tags), 0.5);
		EXPECT_EQ(check.value("system.io.rkb_s", tags), 40);
		EXPECT_EQ(check.value("system.io.wkb_s", tags), 120);
		EXPECT_EQ(check.value("system.io.util", tags), 10);
		EXPECT_DOUBLE_EQ(check.value("system.io.avg_q_sz", tags), 0.1);
		EXPECT_EQ(check.value("system.io.await", tags), 2.5);
		EXPECT_EQ(check.value("system.io.r_await", tags), 1);
		EXPECT_EQ(check.value("system.io.w_await", tags), 3);
		EXPECT_EQ(check.value("system.io.avg_rq_sz", tags), 8);
		EXPECT_EQ(check.value("system.io.svctm", tags), 2.5);
	}
}

TEST_F(IoCheckTest, MillisecondCountersWrapAt32Bits)
{
	CheckHarness check(VIGIL_CHECK_SO, instance());
	twoRuns(check, "wrap/t0", "wrap/t1");
	const std::vector<std::string> sda = {"device:sda"};
	EXPECT_EQ(check.value("system.io.util", sda), 10);
	EXPECT_DOUBLE_EQ(check.value("system.io.avg_q_sz", sda), 0.2);
	EXPECT_EQ(check.value("system.io.r_await", sda), 10);
	EXPECT_EQ(check.value("system.io.w_await", sda), 1);
	EXPECT_EQ(check.value("system.io.await", sda), 5.5);
	EXPECT_EQ(check.value("system.io.svctm", sda), 5);
	EXPECT_EQ(check.value("system.io.avg_rq_sz", sda), 0);
	EXPECT_EQ(check.value("system.io.r_s", sda), 10);
}

TEST_F(IoCheckTest, ResetCountersReportNothingForThatInterval)
{
	CheckHarness check(VIGIL_CHECK_SO, instance());
	twoRuns(check, "reset/t0", "reset/t1");
	EXPECT_TRUE(check.names().empty());
	// The next interval is measured from the new counters.
	ASSERT_EQ(check.runAt(120).status, vigil::RunStatus::Ok);
	check.flushAt(120);
	EXPECT_EQ(check.names(), kAllNames);
	EXPECT_EQ(check.value("system.io.r_s", {"device:sda"}), 0);
	EXPECT_EQ(check.value("system.io.await", {"device:sda"}), 0);
}

TEST_F(IoCheckTest, DeviceOptions)
{
	auto devices = [&](nlohmann::json options) {
		CheckHarness check(VIGIL_CHECK_SO, instance(options));
		twoRuns(check, "kernel6/t0", "kernel6/t1");
		std::vector<std::string> out;
		for (const auto &s : check.last().series)
			if (s.name == "system.io.r_s")
				for (const auto &t : s.tags)
					if (t.starts_with("device:"))
						out.push_back(t);
		std::sort(out.begin(), out.end());
		return out;
	};
	using V = std::vector<std::string>;
	EXPECT_EQ(devices({{"exclude_ram_and_loop", false}}),
		  (V{"device:loop0", "device:ram0", "device:vda", "device:vda1"}));
	EXPECT_EQ(devices({{"device_exclude", {"vda[0-9]"}}}), V{"device:vda"});
	EXPECT_EQ(devices({{"device_include", {"vda$"}}}), V{"device:vda"});
	// Python `re` syntax, as users copy it from their Datadog configs.
	EXPECT_EQ(devices({{"device_exclude", {"vda\\d+$"}}}), V{"device:vda"});
	EXPECT_EQ(devices({{"device_include", {"(?i)VDA(?!1)"}}}), V{"device:vda"});
	// The Datadog io check's option matches anywhere in the name.
	EXPECT_EQ(devices({{"device_blacklist_re", "a1"}}), V{"device:vda"});

	CheckHarness check(VIGIL_CHECK_SO, instance({{"exclude_ram_and_loop", false}}));
	twoRuns(check, "kernel6/t0", "kernel6/t1");
	EXPECT_EQ(check.value("system.io.r_s", {"device:loop0"}), 2);
	EXPECT_EQ(check.value("system.io.rkb_s", {"device:loop0"}), 2);
}

TEST_F(IoCheckTest, BadRegexFailsCreateNamingTheOption)
{
	install("kernel6/t0");
	CheckHarness check(VIGIL_CHECK_SO, instance({{"device_exclude", {"[sd"}}}));
	auto outcome = check.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_NE(outcome.error.find("device_exclude: invalid regular expression '[sd'"),
		  std::string::npos)
		<< outcome.error;
}

TEST_F(IoCheckTest, MalformedLinesWarnNamingTheFile)
{
	install("malformed");
	CheckHarness check(VIGIL_CHECK_SO, instance());
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	ASSERT_EQ(outcome.warnings.size(), 1u);
	EXPECT_EQ(outcome.warnings[0], "'" + (root_ / "diskstats").string() +
					       "': 2 malformed line(s) (first: line 2), "
					       "skipping them");
	outcome = check.runAt(110);
	check.flushAt(110);
	EXPECT_EQ(check.value("system.io.r_s", {"device:sda"}), 0);
	EXPECT_EQ(check.find("system.io.r_s", {"device:sdb"}), nullptr);
}

TEST_F(IoCheckTest, MissingFileIsAnErrorNamingIt)
{
	std::filesystem::create_directories(root_);
	CheckHarness check(VIGIL_CHECK_SO, instance());
	auto outcome = check.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error, "cannot read '" + (root_ / "diskstats").string() +
					 "': No such file or directory");
}

TEST(IoCheckLive, ReportsIoMetricsForThisMachine)
{
	unsetenv("VIGIL_PROC_ROOT");
	CheckHarness check(VIGIL_CHECK_SO, {{"proc_root", "/proc"}});
	ASSERT_EQ(check.runAt(100).status, vigil::RunStatus::Ok);
	check.flushAt(100);
	auto outcome = check.runAt(101);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	check.flushAt(101);
	auto names = check.names();
	if (names.empty())
		GTEST_SKIP() << "no block device other than ram/loop on this machine";
	EXPECT_EQ(names, kAllNames);
}
