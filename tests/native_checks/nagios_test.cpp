// SPDX-License-Identifier: Apache-2.0
// The built nagios check (its parsers alone: nagios_parsing_test.cpp)
// against the real Monitoring Plugins binaries
// (monitoring-plugins-basic) and against misbehaving fixture scripts in
// tests/data/nagios/.  This process makes itself a child subreaper, so the
// processes a killed plugin group leaves are handed to it, and each test
// can see that they were killed and that nothing was left behind (qemu-user
// refuses that: there the group's members are looked for in /proc only).
#include "check_harness.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

using nlohmann::json;
using vigil::RunStatus;
using vigil::ServiceStatus;
using vigil::testing::CheckHarness;

namespace {

const std::string kData = std::string(VIGIL_TEST_DATA) + "/nagios/";
const std::string kPlugins = "/usr/lib/nagios/plugins/";
const bool kSubreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;

// --- processes -------------------------------------------------------------

std::vector<pid_t> children()
{
	std::vector<pid_t> out;
	for (const auto &entry : std::filesystem::directory_iterator("/proc")) {
		std::ifstream stat(entry.path() / "stat");
		std::string text;
		if (!std::getline(stat, text))
			continue;
		size_t paren = text.rfind(')'); // the name may hold spaces and ')'
		if (paren == std::string::npos)
			continue;
		char state;
		pid_t ppid;
		if (sscanf(text.c_str() + paren + 1, " %c %d", &state, &ppid) == 2 &&
		    ppid == getpid())
			out.push_back(std::stoi(entry.path().filename().string()));
	}
	return out;
}

// Reaps every child (orphans of a killed plugin group land here) and
// returns their wait statuses.  One still alive after 5 s is a failure.
std::vector<int> reapChildren()
{
	std::vector<int> statuses;
	for (pid_t pid : children()) {
		int status = 0;
		int waited = 0;
		while (waitpid(pid, &status, WNOHANG) == 0 && waited < 500) {
			usleep(10000);
			++waited;
		}
		if (waited == 500) {
			ADD_FAILURE() << "child " << pid << " still alive";
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
		statuses.push_back(status);
	}
	return statuses;
}

bool killedBySigkill(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// Processes of group `group` that are alive (zombies are dead, only not
// yet reaped by whoever they were handed to).
std::vector<pid_t> liveMembers(pid_t group)
{
	std::vector<pid_t> out;
	for (const auto &entry : std::filesystem::directory_iterator("/proc")) {
		std::ifstream stat(entry.path() / "stat");
		std::string text;
		if (!std::getline(stat, text) || text.rfind(')') == std::string::npos)
			continue;
		char state;
		pid_t ppid, pgrp;
		if (sscanf(text.c_str() + text.rfind(')') + 1, " %c %d %d", &state, &ppid, &pgrp) ==
			    3 &&
		    pgrp == group && state != 'Z')
			out.push_back(std::stoi(entry.path().filename().string()));
	}
	return out;
}

// SIGKILL is delivered asynchronously: allow the group 5 s to die.
std::vector<pid_t> survivors(pid_t group)
{
	for (int i = 0; i < 500 && !liveMembers(group).empty(); ++i)
		usleep(10000);
	return liveMembers(group);
}

pid_t readPid(const std::string &file)
{
	std::ifstream in(file);
	pid_t pid = -1;
	in >> pid;
	return pid;
}

std::string tempPath(const std::string &name)
{
	return (std::filesystem::temp_directory_path() /
		("vigil-nagios-" + std::to_string(getpid()) + "-" + name))
		.string();
}

// --- running the check -------------------------------------------------------

json instance(const std::vector<std::string> &command, json extra = json::object())
{
	extra["command"] = command;
	return extra;
}

struct Result {
	vigil::RunOutcome outcome;
	vigil::ServiceCheck check;
};

// One run, which must succeed with exactly one service check, after which
// no child of ours may be left (checked unless the test reaps orphans).
Result runOnce(CheckHarness &harness, bool expect_no_children = true)
{
	Result r;
	r.outcome = harness.runAt(100);
	harness.flushAt(100);
	EXPECT_EQ(r.outcome.status, RunStatus::Ok) << r.outcome.error;
	EXPECT_EQ(harness.last().service_checks.size(), 1u);
	if (!harness.last().service_checks.empty())
		r.check = harness.last().service_checks.front();
	if (expect_no_children) {
		EXPECT_EQ(children(), std::vector<pid_t>{});
	}
	return r;
}

bool havePlugins()
{
	return access((kPlugins + "check_dummy").c_str(), X_OK) == 0;
}

#define REQUIRE_PLUGINS()                                                                          \
	do {                                                                                       \
		if (!havePlugins())                                                                \
			GTEST_SKIP() << "monitoring-plugins-basic is not installed";               \
	} while (0)

} // namespace

// --- the built check: real plugins -------------------------------------------------

TEST(NagiosCheck, CheckDummyStatesBecomeServiceChecks)
{
	REQUIRE_PLUGINS();
	const std::pair<int, ServiceStatus> states[] = {{0, ServiceStatus::Ok},
							{1, ServiceStatus::Warning},
							{2, ServiceStatus::Critical},
							{3, ServiceStatus::Unknown}};
	const char *words[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
	for (auto [code, status] : states) {
		// A bare name is found in the instance's PATH; a YAML number is an argument.
		json config = {{"command", json::array({"check_dummy", code, "all good | x=1"})},
			       {"env", {{"PATH", kPlugins}}}};
		CheckHarness check(VIGIL_CHECK_SO, config);
		Result r = runOnce(check);
		EXPECT_EQ(r.check.name, "nagios.check_dummy");
		EXPECT_EQ(r.check.status, status) << code;
		EXPECT_EQ(r.check.message, std::string(words[code]) + ": all good") << code;
		EXPECT_TRUE(r.outcome.warnings.empty()) << code;
		EXPECT_EQ(check.value("nagios.check_dummy.value", {"perfdata:x"}), 1);
	}
	// check_dummy itself refuses a state outside 0-3, and says so as UNKNOWN.
	CheckHarness check(VIGIL_CHECK_SO, instance({kPlugins + "check_dummy", "5"}));
	Result r = runOnce(check);
	EXPECT_EQ(r.check.status, ServiceStatus::Unknown);
	EXPECT_EQ(r.check.message, "UNKNOWN: Status 5 is not a supported error state");
}

TEST(NagiosCheck, CheckLoadSendsItsAveragesAndThresholds)
{
	REQUIRE_PLUGINS();
	auto loadavg = [] {
		std::ifstream in("/proc/loadavg");
		std::string one, five, fifteen;
		in >> one >> five >> fifteen;
		return std::vector<std::string>{one, five, fifteen};
	};
	CheckHarness check(VIGIL_CHECK_SO, instance({kPlugins + "check_load", "-w",
						     "1000,1000,1000", "-c", "2000,2000,2000"},
						    {{"thresholds", true}}));
	std::vector<std::string> before = loadavg();
	Result r = runOnce(check);
	std::vector<std::string> after = loadavg();
	EXPECT_EQ(r.check.status, ServiceStatus::Ok);
	EXPECT_EQ(r.check.message.rfind("LOAD OK - total load average: ", 0), 0u)
		<< r.check.message;
	const char *labels[] = {"load1", "load5", "load15"};
	for (int i = 0; i < 3; ++i) {
		std::vector<std::string> tag{std::string("perfdata:") + labels[i]};
		EXPECT_EQ(check.value("nagios.check_load.value.warn_high", tag), 1000);
		EXPECT_EQ(check.value("nagios.check_load.value.crit_high", tag), 2000);
		EXPECT_EQ(check.value("nagios.check_load.value.min", tag), 0);
		// The kernel updates the averages every 5 s: compare when they held still.
		if (before == after)
			EXPECT_EQ(check.value("nagios.check_load.value", tag),
				  std::stod(before[i]));
		else
			EXPECT_GE(check.value("nagios.check_load.value", tag), 0);
	}
	EXPECT_EQ(check.names(), (std::vector<std::string>{"nagios.check_load.value",
							   "nagios.check_load.value.crit_high",
							   "nagios.check_load.value.min",
							   "nagios.check_load.value.warn_high"}));
}

TEST(NagiosCheck, CheckDiskReportsBytesPerMountWithThresholds)
{
	REQUIRE_PLUGINS();
	CheckHarness check(VIGIL_CHECK_SO,
			   instance({kPlugins + "check_disk", "-w", "10%", "-c", "5%", "-p", "/"},
				    {{"thresholds", true}, {"name", "root disk"}}));
	Result r = runOnce(check);
	EXPECT_EQ(r.check.name, "nagios.root_disk");
	const char *words[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
	EXPECT_EQ(r.check.message.rfind(std::string("DISK ") + words[int(r.check.status)], 0), 0u)
		<< r.check.message;
	EXPECT_TRUE(r.outcome.warnings.empty());
	std::vector<std::string> root{"perfdata:/"};
	double total = check.value("nagios.root_disk.bytes.max", root);
	EXPECT_GT(total, 0);
	EXPECT_EQ(check.value("nagios.root_disk.bytes.min", root), 0);
	EXPECT_LE(check.value("nagios.root_disk.bytes", root), total);
	EXPECT_GE(check.value("nagios.root_disk.bytes", root), 0);
	// -w 10% -c 5% of free space: used above 90% and 95% of the total.
	EXPECT_NEAR(check.value("nagios.root_disk.bytes.warn_high", root), 0.90 * total, 1);
	EXPECT_NEAR(check.value("nagios.root_disk.bytes.crit_high", root), 0.95 * total, 1);
	EXPECT_EQ(check.find("nagios.root_disk.bytes")->type, vigil::SeriesType::Gauge);
}

TEST(NagiosCheck, CheckProcsAndCheckUsersCountThings)
{
	REQUIRE_PLUGINS();
	CheckHarness procs(VIGIL_CHECK_SO, instance({kPlugins + "check_procs"}));
	Result r = runOnce(procs);
	EXPECT_EQ(r.check.status, ServiceStatus::Ok);
	EXPECT_EQ(r.check.message.rfind("PROCS OK: ", 0), 0u) << r.check.message;
	EXPECT_GE(procs.value("nagios.check_procs.value", {"perfdata:procs"}), 1);

	CheckHarness users(VIGIL_CHECK_SO,
			   instance({kPlugins + "check_users", "-w", "1000", "-c", "2000"}));
	r = runOnce(users);
	EXPECT_EQ(r.check.status, ServiceStatus::Ok);
	int logged_in = -1;
	ASSERT_EQ(sscanf(r.check.message.c_str(), "USERS OK - %d users currently logged in",
			 &logged_in),
		  1)
		<< r.check.message;
	EXPECT_EQ(users.value("nagios.check_users.value", {"perfdata:users"}), logged_in);
}

TEST(NagiosCheck, CheckTcpAgainstALocalPort)
{
	REQUIRE_PLUGINS();
	int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(addr);
	ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)), 0);
	ASSERT_EQ(listen(listener, 8), 0);
	ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr *>(&addr), &len), 0);
	std::string port = std::to_string(ntohs(addr.sin_port));

	CheckHarness open(VIGIL_CHECK_SO,
			  instance({kPlugins + "check_tcp", "-H", "127.0.0.1", "-p", port},
				   {{"thresholds", true}}));
	Result r = runOnce(open);
	EXPECT_EQ(r.check.status, ServiceStatus::Ok);
	EXPECT_EQ(r.check.message.rfind("TCP OK - ", 0), 0u) << r.check.message;
	EXPECT_TRUE(r.check.message.ends_with(" second response time on 127.0.0.1 port " + port));
	std::vector<std::string> time{"perfdata:time"};
	EXPECT_GE(open.value("nagios.check_tcp.seconds", time), 0);
	EXPECT_EQ(open.value("nagios.check_tcp.seconds.max", time), 10);
	close(listener); // nothing listens there now

	CheckHarness refused(VIGIL_CHECK_SO,
			     instance({kPlugins + "check_tcp", "-H", "127.0.0.1", "-p", port}));
	r = runOnce(refused);
	EXPECT_EQ(r.check.status, ServiceStatus::Critical);
	EXPECT_EQ(r.check.message,
		  "connect to address 127.0.0.1 and port " + port + ": Connection refused");
}

// --- the built check: misbehaving plugins ------------------------------------------

TEST(NagiosCheck, AHungPluginAndItsGroupAreKilledAtTheDeadline)
{
	std::string pidfile = tempPath("hang.pid");
	CheckHarness check(VIGIL_CHECK_SO,
			   instance({kData + "hang.sh", pidfile}, {{"timeout", 1}}));
	Result r = runOnce(check, false);
	EXPECT_EQ(r.check.name, "nagios.hang");
	EXPECT_EQ(r.check.status, ServiceStatus::Unknown);
	EXPECT_EQ(r.check.message, "timed out after 1 s");
	EXPECT_TRUE(r.outcome.warnings.empty());
	pid_t group = readPid(pidfile);
	ASSERT_GT(group, 0);
	EXPECT_EQ(survivors(group), std::vector<pid_t>{});
	// The script was reaped by the check; its background sleep, orphaned to
	// us (where we can be a subreaper: not under qemu-user), died of SIGKILL.
	if (kSubreaper) {
		std::vector<int> orphans = reapChildren();
		ASSERT_EQ(orphans.size(), 1u);
		EXPECT_TRUE(killedBySigkill(orphans[0])) << orphans[0];
		EXPECT_EQ(kill(-group, 0), -1);
		EXPECT_EQ(errno, ESRCH);
	}
	EXPECT_EQ(children(), std::vector<pid_t>{});
	std::filesystem::remove(pidfile);
}

TEST(NagiosCheck, AChildHoldingStdoutDoesNotHangTheRunPastTheDeadline)
{
	std::string pidfile = tempPath("outlive.pid");
	CheckHarness check(VIGIL_CHECK_SO,
			   instance({kData + "outlive.sh", pidfile}, {{"timeout", 1}}));
	Result r = runOnce(check, false);
	pid_t group = readPid(pidfile);
	// The plugin's own verdict stands; what it left behind is a warning.
	EXPECT_EQ(r.check.status, ServiceStatus::Ok);
	EXPECT_EQ(r.check.message, "OK - left a child behind");
	EXPECT_EQ(check.value("nagios.outlive.value", {"perfdata:items"}), 3);
	EXPECT_EQ(r.outcome.warnings,
		  std::vector<std::string>{"the plugin exited, but a process it started kept its "
					   "output open until the 1 s deadline: killed process "
					   "group " +
					   std::to_string(group)});
	EXPECT_EQ(survivors(group), std::vector<pid_t>{});
	if (kSubreaper) {
		std::vector<int> orphans = reapChildren();
		ASSERT_EQ(orphans.size(), 1u);
		EXPECT_TRUE(killedBySigkill(orphans[0])) << orphans[0];
	}
	EXPECT_EQ(children(), std::vector<pid_t>{});
	std::filesystem::remove(pidfile);
}

TEST(NagiosCheck, MegabytesOfOutputAreCountedNotKept)
{
	CheckHarness check(VIGIL_CHECK_SO, instance({kData + "flood.sh"}));
	Result r = runOnce(check);
	EXPECT_EQ(r.check.status, ServiceStatus::Ok);
	EXPECT_EQ(r.check.message, "OK - flood");
	EXPECT_EQ(check.value("nagios.flood.value", {"perfdata:lines"}), 1);
	// 21 bytes of verdict and 3,000,000 of 'x': all but 65,536 dropped.
	EXPECT_EQ(r.outcome.warnings,
		  std::vector<std::string>{"stdout over the 65536-byte limit: kept the first 65536 "
					   "bytes, dropped 2934485 more"});
}

TEST(NagiosCheck, NoOutputStderrOnlyAndStrangeExits)
{
	CheckHarness silent(VIGIL_CHECK_SO, instance({kData + "silent.sh"}));
	Result r = runOnce(silent);
	EXPECT_EQ(r.check.status, ServiceStatus::Ok);
	EXPECT_EQ(r.check.message, "(no output)");

	CheckHarness stderr_only(VIGIL_CHECK_SO, instance({kData + "stderr_only.sh"}));
	r = runOnce(stderr_only);
	EXPECT_EQ(r.check.status, ServiceStatus::Critical);
	EXPECT_EQ(r.check.message, "cannot connect to the database");

	CheckHarness odd(VIGIL_CHECK_SO, instance({kData + "exit255.sh"}));
	r = runOnce(odd);
	EXPECT_EQ(r.check.status, ServiceStatus::Unknown);
	EXPECT_EQ(r.check.message, "exit status 255 is not a plugin state (0-3): something odd");
	EXPECT_EQ(odd.value("nagios.exit255.value", {"perfdata:x"}), 1);

	// The agent's runners block SIGTERM: the plugin must not inherit that.
	sigset_t term, previous;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &term, &previous);
	CheckHarness crash(VIGIL_CHECK_SO,
			   {{"command", "echo 'about to die'; kill -TERM $$"}, {"shell", true}});
	r = runOnce(crash);
	pthread_sigmask(SIG_SETMASK, &previous, nullptr);
	EXPECT_EQ(r.check.name, "nagios.echo");
	EXPECT_EQ(r.check.status, ServiceStatus::Unknown);
	EXPECT_EQ(r.check.message, "killed by signal 15 (SIGTERM): about to die");
}

TEST(NagiosCheck, CommandsThatCannotRunAreUnknownNamingTheFileAndReason)
{
	struct Case {
		json config;
		std::string message;
	};
	std::string missing_dir = tempPath("no-such-dir");
	const Case cases[] = {
		{instance({kData + "not_executable.sh"}),
		 "cannot run '" + kData + "not_executable.sh': Permission denied"},
		{instance({kData + "no_such_plugin"}),
		 "cannot run '" + kData + "no_such_plugin': No such file or directory"},
		{instance({"check_nope"}),
		 "cannot run 'check_nope': not found in PATH (/usr/local/bin:/usr/bin:/bin)"},
		{instance({"not_executable.sh"}, {{"env", {{"PATH", kData}}}}),
		 "cannot run '" + kData + "/not_executable.sh': Permission denied"},
		{instance({kData}), "cannot run '" + kData + "': Is a directory"},
		{instance({"./silent.sh"}, {{"cwd", missing_dir}}),
		 "cannot use cwd '" + missing_dir + "': No such file or directory"},
		{instance({"/bin/true"}, {{"cwd", kData + "silent.sh"}}),
		 "cannot use cwd '" + kData + "silent.sh': Not a directory"},
	};
	for (const Case &c : cases) {
		CheckHarness check(VIGIL_CHECK_SO, c.config);
		Result r = runOnce(check);
		EXPECT_EQ(r.check.status, ServiceStatus::Unknown) << c.config.dump();
		EXPECT_EQ(r.check.message, c.message);
	}
}

TEST(NagiosCheck, TheEnvironmentIsOnlyWhatTheInstanceGives)
{
	const std::string script = "echo \"OK - $PATH ${LC_ALL-unset} ${HOME-unset} "
				   "${FOO-unset} $(pwd)\"";
	std::string dir = kData.substr(0, kData.size() - 1);
	CheckHarness plain(VIGIL_CHECK_SO,
			   {{"command", script}, {"shell", true}, {"cwd", dir}, {"name", "env"}});
	EXPECT_EQ(runOnce(plain).check.message,
		  "OK - /usr/local/bin:/usr/bin:/bin C unset unset " + dir);
	CheckHarness custom(VIGIL_CHECK_SO,
			    {{"command", script},
			     {"shell", true},
			     {"env", {{"PATH", "/bin"}, {"LC_ALL", nullptr}, {"FOO", "bar baz"}}}});
	EXPECT_EQ(runOnce(custom).check.message,
		  "OK - /bin unset unset bar baz " + std::filesystem::current_path().string());
}

TEST(NagiosCheck, MultiLineOutputAndMalformedPerfdata)
{
	CheckHarness check(VIGIL_CHECK_SO,
			   instance({"./multiline.sh"}, {{"cwd", kData}, {"thresholds", true}}));
	Result r = runOnce(check);
	EXPECT_EQ(r.check.status, ServiceStatus::Warning);
	EXPECT_EQ(r.check.message, "DISK WARNING - 2 of 3 mounts");
	EXPECT_EQ(r.outcome.warnings,
		  std::vector<std::string>{"perfdata 'bad=1,5': value '1,5' is not a number"});
	EXPECT_EQ(check.value("nagios.multiline.bytes", {"perfdata:/"}), 10 * 1048576.0);
	EXPECT_EQ(check.value("nagios.multiline.bytes", {"perfdata:/var"}), 2 * 1048576.0);
	EXPECT_EQ(check.value("nagios.multiline.bytes.max", {"perfdata:/var"}), 100 * 1048576.0);
	EXPECT_EQ(check.value("nagios.multiline.bytes", {"perfdata:/home dir"}), 1.5 * 1073741824);
	EXPECT_EQ(check.value("nagios.multiline.value", {"perfdata:it's"}), 7);
	EXPECT_DOUBLE_EQ(check.value("nagios.multiline.seconds", {"perfdata:rtt"}), 0.012);
	EXPECT_DOUBLE_EQ(
		check.value("nagios.multiline.seconds.warn_low", {"perfdata:rtt", "range:inside"}),
		0.005);
	EXPECT_DOUBLE_EQ(check.value("nagios.multiline.seconds.crit_high", {"perfdata:rtt"}), 0.02);
	EXPECT_EQ(check.find("nagios.multiline.value", {"perfdata:warn"}), nullptr);
}

TEST(NagiosCheck, CountersStartFromTheSecondRun)
{
	CheckHarness check(VIGIL_CHECK_SO, {{"command", "echo \"OK | rx=${N}c\""},
					    {"shell", true},
					    {"name", "ifc"},
					    {"env", {{"N", 1000}}}});
	runOnce(check);
	EXPECT_EQ(check.find("nagios.ifc.counter"), nullptr);
	runOnce(check);
	const vigil::Series *s = check.find("nagios.ifc.counter", {"perfdata:rx"});
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->type, vigil::SeriesType::Count);
	EXPECT_EQ(s->value, 0);
}

TEST(NagiosCheck, ConfigurationMistakesFailTheInstanceWithTheReason)
{
	CheckHarness check(VIGIL_CHECK_SO, {{"command", "check_load -w 5"}});
	vigil::RunOutcome outcome = check.runAt(100);
	EXPECT_EQ(outcome.status, RunStatus::Error);
	EXPECT_EQ(outcome.error,
		  "create() failed: option 'command' is a string: use a list of arguments "
		  "(command: [check_x, -w, '5']), or set shell: true to run it with /bin/sh -c");
	check.flushAt(100);
	EXPECT_TRUE(check.last().service_checks.empty());
}
