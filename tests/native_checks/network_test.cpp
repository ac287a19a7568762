// SPDX-License-Identifier: Apache-2.0
// The network check on /proc/net/dev snapshots taken 10 s apart: per-second
// rates per interface, counter resets (no negative rate), the interface
// filters, garbled lines and files, and the live /proc.
#include "check_harness.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using vigil::testing::CheckHarness;
using vigil::testing::installSnapshot;

namespace {

const std::string kData = std::string(VIGIL_TEST_DATA) + "/proc/network/";

const std::vector<std::string> kMetrics = {
	"system.net.bytes_rcvd",       "system.net.bytes_sent",
	"system.net.packets_in.count", "system.net.packets_out.count",
	"system.net.packets_in.error", "system.net.packets_out.error",
	"system.net.packets_in.drop",  "system.net.packets_out.drop",
};

// A proc root the test can switch from one snapshot to the next.
class NetworkCheckTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		unsetenv("VIGIL_PROC_ROOT");
		root_ = std::filesystem::temp_directory_path() /
			("vigil_network_test_" + std::to_string(::getpid()));
	}
	void TearDown() override { std::filesystem::remove_all(root_); }

	CheckHarness check(nlohmann::json options = nlohmann::json::object())
	{
		options["proc_root"] = root_.string();
		return CheckHarness(VIGIL_CHECK_SO, options);
	}
	void install(const std::string &scenario) { installSnapshot(kData + scenario, root_); }

	// Runs on t0 at 100 and t1 at 110 and flushes.
	void runTwoSnapshots(CheckHarness &c)
	{
		install("t0");
		auto first = c.runAt(100);
		ASSERT_EQ(first.status, vigil::RunStatus::Ok) << first.error;
		c.flushAt(100);
		EXPECT_TRUE(c.last().series.empty()); // rates need two samples
		install("t1");
		auto second = c.runAt(110);
		ASSERT_EQ(second.status, vigil::RunStatus::Ok) << second.error;
		EXPECT_TRUE(second.warnings.empty());
		c.flushAt(110);
	}

	static std::vector<std::string> devices(const CheckHarness &c)
	{
		std::vector<std::string> out;
		for (const vigil::Series &s : c.last().series)
			if (s.name == "system.net.bytes_rcvd")
				out.push_back(s.tags.at(0));
		return out;
	}

	std::filesystem::path root_;
};

} // namespace

TEST_F(NetworkCheckTest, ReportsPerSecondRatesPerInterface)
{
	CheckHarness c = check();
	runTwoSnapshots(c);
	const std::vector<std::string> eth0{"device:eth0"};
	EXPECT_EQ(c.value("system.net.bytes_rcvd", eth0), 50000);
	EXPECT_EQ(c.value("system.net.bytes_sent", eth0), 20000);
	EXPECT_EQ(c.value("system.net.packets_in.count", eth0), 100);
	EXPECT_EQ(c.value("system.net.packets_out.count", eth0), 50);
	// error = errs + drop, as Datadog: (11 + 7 - 1 - 2) / 10 and (5 + 3 - 0 - 1) / 10
	EXPECT_EQ(c.value("system.net.packets_in.error", eth0), 1.5);
	EXPECT_EQ(c.value("system.net.packets_out.error", eth0), 0.7);
	EXPECT_EQ(c.value("system.net.packets_in.drop", eth0), 0.5);
	EXPECT_EQ(c.value("system.net.packets_out.drop", eth0), 0.2);

	const std::vector<std::string> wlan0{"device:wlan0"};
	EXPECT_EQ(c.value("system.net.bytes_rcvd", wlan0), 1000);
	EXPECT_EQ(c.value("system.net.bytes_sent", wlan0), 200);
	EXPECT_EQ(c.value("system.net.packets_in.count", wlan0), 10);
	EXPECT_EQ(c.value("system.net.packets_out.count", wlan0), 2);
	EXPECT_EQ(c.value("system.net.packets_in.error", wlan0), 0);
	EXPECT_EQ(c.value("system.net.packets_out.error", wlan0), 0);
	EXPECT_EQ(c.value("system.net.packets_in.drop", wlan0), 0);
	EXPECT_EQ(c.value("system.net.packets_out.drop", wlan0), 0);

	const std::vector<std::string> veth{"device:veth1a2b3c"};
	EXPECT_EQ(c.value("system.net.bytes_rcvd", veth), 100);
	EXPECT_EQ(c.value("system.net.bytes_sent", veth), 20);
	EXPECT_EQ(c.value("system.net.packets_in.count", veth), 1);
	EXPECT_EQ(c.value("system.net.packets_out.count", veth), 0.2);
	EXPECT_EQ(c.value("system.net.packets_in.error", veth), 0);
	EXPECT_EQ(c.value("system.net.packets_out.error", veth), 0);
	EXPECT_EQ(c.value("system.net.packets_in.drop", veth), 0);
	EXPECT_EQ(c.value("system.net.packets_out.drop", veth), 0);

	// lo is excluded by default; ifb0 never moved a byte, so it is skipped.
	EXPECT_EQ(devices(c),
		  (std::vector<std::string>{"device:eth0", "device:veth1a2b3c", "device:wlan0"}));
	EXPECT_EQ(c.names(),
		  (std::vector<std::string>{
			  "system.net.bytes_rcvd", "system.net.bytes_sent",
			  "system.net.packets_in.count", "system.net.packets_in.drop",
			  "system.net.packets_in.error", "system.net.packets_out.count",
			  "system.net.packets_out.drop", "system.net.packets_out.error"}));
	EXPECT_EQ(c.last().series.size(), 3 * kMetrics.size());
	for (const vigil::Series &s : c.last().series) {
		EXPECT_EQ(s.type, vigil::SeriesType::Rate) << s.name;
		EXPECT_EQ(s.interval, 10) << s.name;
		EXPECT_EQ(s.tags.size(), 1u) << s.name;
	}
}

TEST_F(NetworkCheckTest, CounterResetGivesNoNegativeRateAndTheNextRunRecovers)
{
	CheckHarness c = check();
	runTwoSnapshots(c);
	const std::vector<std::string> eth0{"device:eth0"};

	install("t2"); // eth0's receive counters went back to almost 0
	ASSERT_EQ(c.runAt(120).status, vigil::RunStatus::Ok);
	c.flushAt(120);
	EXPECT_EQ(c.find("system.net.bytes_rcvd", eth0), nullptr);
	EXPECT_EQ(c.find("system.net.packets_in.count", eth0), nullptr);
	EXPECT_EQ(c.value("system.net.packets_in.error", eth0), 0); // unchanged counters
	EXPECT_EQ(c.value("system.net.bytes_sent", eth0), 20000);
	EXPECT_EQ(c.value("system.net.packets_out.count", eth0), 50);
	for (const vigil::Series &s : c.last().series)
		EXPECT_GE(s.value, 0) << s.name << " " << s.tags.at(0);

	install("t3");
	ASSERT_EQ(c.runAt(130).status, vigil::RunStatus::Ok);
	c.flushAt(130);
	EXPECT_EQ(c.value("system.net.bytes_rcvd", eth0), 10000);
	EXPECT_EQ(c.value("system.net.packets_in.count", eth0), 10);
	EXPECT_EQ(c.value("system.net.bytes_sent", eth0), 20000);
}

TEST_F(NetworkCheckTest, EmptyExcludedInterfacesReportsLoopback)
{
	CheckHarness c = check({{"excluded_interfaces", nlohmann::json::array()}});
	runTwoSnapshots(c);
	EXPECT_EQ(devices(c), (std::vector<std::string>{"device:eth0", "device:lo",
							"device:veth1a2b3c", "device:wlan0"}));
	EXPECT_EQ(c.value("system.net.bytes_rcvd", {"device:lo"}), 100);
	EXPECT_EQ(c.value("system.net.packets_out.count", {"device:lo"}), 1);
}

TEST_F(NetworkCheckTest, ExcludedInterfacesReplaceTheDefault)
{
	CheckHarness c = check({{"excluded_interfaces", {"eth0", "wlan0"}}});
	runTwoSnapshots(c);
	EXPECT_EQ(devices(c), (std::vector<std::string>{"device:lo", "device:veth1a2b3c"}));
}

TEST_F(NetworkCheckTest, ExcludedInterfaceRegexMatchesFromTheStartOfTheName)
{
	// "eth" excludes eth0 but not veth1a2b3c, as Python's re.match would.
	CheckHarness c = check({{"excluded_interface_re", "eth|wl"}});
	runTwoSnapshots(c);
	EXPECT_EQ(devices(c), (std::vector<std::string>{"device:veth1a2b3c"}));

	CheckHarness veth = check({{"excluded_interface_re", "veth[0-9a-f]+"}});
	runTwoSnapshots(veth);
	EXPECT_EQ(devices(veth), (std::vector<std::string>{"device:eth0", "device:wlan0"}));
}

TEST_F(NetworkCheckTest, InvalidOptionsFailAtCreateNamingTheOption)
{
	install("t0");
	CheckHarness bad_re = check({{"excluded_interface_re", "veth("}});
	auto outcome = bad_re.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error.rfind("create() failed: excluded_interface_re: invalid regular "
				      "expression 'veth(': missing closing parenthesis",
				      0),
		  0u)
		<< outcome.error;

	CheckHarness not_a_list = check({{"excluded_interfaces", "lo"}});
	outcome = not_a_list.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error, "create() failed: option 'excluded_interfaces' must be a list "
				 "of interface names");
}

TEST_F(NetworkCheckTest, GarbledLinesAreWarnedAboutAndSkipped)
{
	install("malformed");
	CheckHarness c = check();
	const std::string file = root_.string() + "/net/dev";
	for (double t : {100.0, 110.0}) {
		auto outcome = c.runAt(t);
		ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
		EXPECT_EQ(
			outcome.warnings,
			(std::vector<std::string>{
				"malformed line 'eth0: 1 2 3' in '" + file + "', skipping it",
				"malformed line 'garbage line' in '" + file + "', skipping it",
				"malformed line 'eth1: 10 20 30 40 50 60 70 8x 90 100 110 120 130 "
				"140 150 160' in '" +
					file + "', skipping it",
			}));
	}
	c.flushAt(110);
	EXPECT_EQ(devices(c), (std::vector<std::string>{"device:veth1a2b3c", "device:wlan0"}));
	for (const vigil::Series &s : c.last().series)
		EXPECT_EQ(s.value, 0) << s.name; // the same snapshot twice
	EXPECT_EQ(c.last().series.size(), 2 * kMetrics.size());
}

TEST_F(NetworkCheckTest, MissingHeaderIsAnErrorNamingTheFile)
{
	install("bad_header");
	CheckHarness c = check();
	auto outcome = c.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error, "malformed '" + root_.string() +
					 "/net/dev': expected two header lines with '|' columns");
}

TEST_F(NetworkCheckTest, MissingFileIsAnErrorNamingIt)
{
	install("missing");
	CheckHarness c = check();
	auto outcome = c.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error,
		  "cannot read '" + root_.string() + "/net/dev': No such file or directory");
}

TEST(NetworkCheckLive, LiveProcReportsTheExpectedNames)
{
	unsetenv("VIGIL_PROC_ROOT");
	// Loopback included: it always exists and always has traffic once
	// anything talks to localhost, so the names do not depend on the NICs.
	CheckHarness c(VIGIL_CHECK_SO, {{"excluded_interfaces", nlohmann::json::array()}});
	for (double t : {100.0, 101.0}) {
		auto outcome = c.runAt(t);
		ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
		EXPECT_TRUE(outcome.warnings.empty());
	}
	c.flushAt(101);
	std::vector<std::string> names = c.names();
	if (names.empty())
		GTEST_SKIP() << "no interface with traffic on this machine";
	EXPECT_EQ(names.size(), kMetrics.size());
	for (const vigil::Series &s : c.last().series)
		EXPECT_EQ(s.tags.at(0).rfind("device:", 0), 0u) << s.name;
}
