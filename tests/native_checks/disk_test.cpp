// SPDX-License-Identifier: Apache-2.0
// The disk check: its arithmetic and its hung-mount handling pinned directly
// (statvfs is injected), and the built check through the harness on a mount
// table snapshot whose mount points exist on any machine ("/", "/tmp"), for
// names, tags, filtering, options and warnings.
#include "check_harness.hpp"

#include "../../native_checks/disk/disk_usage.hpp"
#include "../../native_checks/disk/mount_table.hpp"
#include "../../native_checks/disk/statvfs_prober.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

using vigil::testing::CheckHarness;
using vigil::testing::installSnapshot;
using namespace vigil::disk;
using namespace std::chrono_literals;

namespace {

const std::string kData = std::string(VIGIL_TEST_DATA) + "/proc/disk/";

bool contains(const std::vector<std::string> &v, const std::string &s)
{
	return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

TEST(DiskMountTable, DecodesOctalEscapesAndSkipsShortLines)
{
	MountTable t = parseMountTable("/dev/sda1 /mnt/my\\040disk ext4 rw 0 0\n"
				       "short line\n"
				       "\n"
				       "srv:/a\\134b /x\\011y\\012z nfs ro\n"
				       "d /m\\04 xfs rw 0 0\n");
	ASSERT_EQ(t.entries.size(), 3u);
	EXPECT_EQ(t.entries[0].device, "/dev/sda1");
	EXPECT_EQ(t.entries[0].mount_point, "/mnt/my disk");
	EXPECT_EQ(t.entries[0].fs_type, "ext4");
	EXPECT_EQ(t.entries[0].options, "rw");
	EXPECT_EQ(t.entries[1].device, "srv:/a\\b");
	EXPECT_EQ(t.entries[1].mount_point, "/x\ty\nz");
	EXPECT_EQ(t.entries[2].mount_point, "/m\\04"); // too short to be an escape
	EXPECT_EQ(t.malformed_lines, std::vector<size_t>{2});
}

TEST(DiskUsage, MatchesDatadogDefinitions)
{
	// 1000 blocks of 4 KiB; 300 free of which 100 are reserved for root.
	FsStats s{4096, 1000, 300, 200, 500, 125};
	DiskUsage d = computeDiskUsage(s);
	EXPECT_EQ(d.total_kb, 4000);
	EXPECT_EQ(d.used_kb, 2800);
	EXPECT_EQ(d.free_kb, 800);
	ASSERT_TRUE(d.in_use);
	EXPECT_EQ(*d.in_use, 700.0 / 900.0); // used / (used + free)
	EXPECT_EQ(d.total_bytes, 4096000);

	auto i = computeInodeUsage(s);
	ASSERT_TRUE(i);
	EXPECT_EQ(i->total, 500);
	EXPECT_EQ(i->used, 375);
	EXPECT_EQ(i->free, 125);
	EXPECT_EQ(i->in_use, 0.75);
}

TEST(DiskUsage, EmptyAndInodelessFilesystems)
{
	DiskUsage d = computeDiskUsage(FsStats{4096, 0, 0, 0, 0, 0});
	EXPECT_EQ(d.total_kb, 0);
	EXPECT_FALSE(d.in_use);
	EXPECT_FALSE(computeInodeUsage(FsStats{4096, 10, 5, 5, 0, 0}));
	// A full filesystem with reserved blocks left is 100% in use.
	EXPECT_EQ(*computeDiskUsage(FsStats{1024, 100, 5, 0, 1, 1}).in_use, 1.0);
}

namespace {

// A statvfs that blocks on one path until released and counts calls; it is
// shared with the prober's helper threads, which may outlive the test body.
struct FakeStatvfs {
	std::mutex mutex;
	std::condition_variable cv;
	bool released = false;
	std::string hanging_path;
	std::map<std::string, int> calls;

	static StatFunction function(std::shared_ptr<FakeStatvfs> fake)
	{
		return [fake](const std::string &path, FsStats &out) {
			std::unique_lock lock(fake->mutex);
			++fake->calls[path];
			if (path == fake->hanging_path)
				fake->cv.wait(lock, [&] { return fake->released; });
			if (path == "/missing")
				return ENOENT;
			out = FsStats{1024, path.size(), 1, 1, 0, 0};
			return 0;
		};
	}
	int callsOf(const std::string &path)
	{
		std::lock_guard lock(mutex);
		return calls[path];
	}
	void release()
	{
		std::lock_guard lock(mutex);
		released = true;
		cv.notify_all();
	}
};

} // namespace

TEST(DiskStatvfsProber, ReportsResultsErrorsAndDuplicatesInOrder)
{
	auto fake = std::make_shared<FakeStatvfs>();
	StatvfsProber prober(FakeStatvfs::function(fake), 5000ms);
	auto r = prober.probe({"/a", "/missing", "/bbb", "/a"});
	ASSERT_EQ(r.size(), 4u);
	EXPECT_EQ(r[0].status, ProbeResult::Status::Ok);
	EXPECT_EQ(r[0].stats.blocks, 2u);
	EXPECT_EQ(r[1].status, ProbeResult::Status::Failed);
	EXPECT_EQ(r[1].error, ENOENT);
	EXPECT_EQ(r[2].stats.blocks, 4u);
	EXPECT_EQ(r[3].stats.blocks, 2u);
	EXPECT_EQ(fake->callsOf("/a"), 1); // the duplicate was not probed again
	// The helper thread is reused by later runs.
	r = prober.probe({"/a"});
	EXPECT_EQ(r[0].status, ProbeResult::Status::Ok);
}

TEST(DiskStatvfsProber, HungMountTimesOutOnceThenIsSkippedUntilItReturns)
{
	auto fake = std::make_shared<FakeStatvfs>();
	fake->hanging_path = "/nfs";
	StatvfsProber prober(FakeStatvfs::function(fake), 100ms);

	auto start = std::chrono::steady_clock::now();
	auto r = prober.probe({"/a", "/nfs", "/bb"});
	EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
	EXPECT_EQ(r[0].status, ProbeResult::Status::Ok);
	EXPECT_EQ(r[1].status, ProbeResult::Status::TimedOut);
	EXPECT_EQ(r[2].status, ProbeResult::Status::Ok); // on a new helper
	EXPECT_EQ(r[2].stats.blocks, 3u);
	EXPECT_EQ(prober.hungCount(), 1u);

	// Later runs neither wait nor call statvfs on it again.
	for (int run = 0; run < 3; ++run) {
		start = std::chrono::steady_clock::now();
		r = prober.probe({"/a", "/nfs"});
		EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms);
		EXPECT_EQ(r[0].status, ProbeResult::Status::Ok);
		EXPECT_EQ(r[1].status, ProbeResult::Status::StillHung);
	}
	EXPECT_EQ(fake->callsOf("/nfs"), 1);

	// Once the call returns, the mount is probed again.
	fake->release();
	for (int i = 0; i < 200 && prober.hungCount() > 0; ++i)
		std::this_thread::sleep_for(5ms);
	ASSERT_EQ(prober.hungCount(), 0u);
	r = prober.probe({"/nfs"});
	EXPECT_EQ(r[0].status, ProbeResult::Status::Ok);
	EXPECT_EQ(fake->callsOf("/nfs"), 2);
}

TEST(DiskStatvfsProber, DestroyedProberLeavesAHungHelperSafe)
{
	auto fake = std::make_shared<FakeStatvfs>();
	fake->hanging_path = "/nfs";
	{
		StatvfsProber prober(FakeStatvfs::function(fake), 50ms);
		EXPECT_EQ(prober.probe({"/nfs"})[0].status, ProbeResult::Status::TimedOut);
	}
	// The helper finishes its call after the prober is gone.
	fake->release();
	for (int i = 0; i < 200 && fake.use_count() > 1; ++i)
		std::this_thread::sleep_for(5ms);
	EXPECT_EQ(fake.use_count(), 1);
}

// The built check, through the harness.
class DiskCheckTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		unsetenv("VIGIL_PROC_ROOT");
		root_ = std::filesystem::temp_directory_path() /
			("vigil-disk-test-" + std::to_string(getpid()));
		installSnapshot(kData + "basic", root_);
	}
	void TearDown() override { std::filesystem::remove_all(root_); }

	nlohmann::json instance(nlohmann::json extra = nlohmann::json::object()) const
	{
		extra["proc_root"] = root_.string();
		return extra;
	}

	// Runs once and flushes; returns the warnings.
	std::vector<std::string> runOnce(CheckHarness &check)
	{
		auto outcome = check.runAt(100);
		EXPECT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
		check.flushAt(100);
		return outcome.warnings;
	}

	std::filesystem::path root_;
};

TEST_F(DiskCheckTest, ReportsRealFilesystemsWithDatadogTags)
{
	CheckHarness check(VIGIL_CHECK_SO, instance());
	auto warnings = runOnce(check);
	ASSERT_EQ(warnings.size(), 1u);
	// "\040" decoded in the mount point, and the run went on.
	EXPECT_EQ(warnings[0],
		  "statvfs('/mnt/no such dir') failed: No such file or directory, skipping it");

	EXPECT_EQ(check.names(),
		  (std::vector<std::string>{"system.disk.free", "system.disk.in_use",
					    "system.disk.total", "system.disk.used",
					    "system.disk.utilized", "system.fs.inodes.free",
					    "system.fs.inodes.in_use", "system.fs.inodes.total",
					    "system.fs.inodes.used", "system.fs.inodes.utilized"}));
	// Only "/" (from /dev/vda) and "/tmp" (from tmpfs): proc, sysfs,
	// cgroup2 and binfmt_misc are excluded by type, "none" has no device,
	// and the xfs entry on /proc has no capacity.
	size_t filesystems = 0;
	for (const auto &s : check.last().series)
		filesystems += s.name == "system.disk.total";
	EXPECT_EQ(filesystems, 2u);
	ASSERT_NE(check.find("system.disk.total", {"device:/dev/vda", "device_name:vda"}), nullptr);
	ASSERT_NE(check.find("system.disk.total", {"device:tmpfs", "device_name:tmpfs"}), nullptr);

	// The numbers are statvfs("/") through the arithmetic tested above.
	struct statvfs st;
	ASSERT_EQ(statvfs("/", &st), 0);
	EXPECT_EQ(check.value("system.disk.total", {"device:/dev/vda"}),
		  static_cast<double>(st.f_blocks) * st.f_frsize / 1024);
	if (st.f_files > 0) {
		EXPECT_EQ(check.value("system.fs.inodes.total", {"device:/dev/vda"}),
			  static_cast<double>(st.f_files));
	}
}

TEST_F(DiskCheckTest, UseMountAndTagByFilesystem)
{
	CheckHarness check(VIGIL_CHECK_SO,
			   instance({{"use_mount", true}, {"tag_by_filesystem", true}}));
	runOnce(check);
	EXPECT_NE(
		check.find("system.disk.used", {"device:/", "device_name:vda", "filesystem:ext4"}),
		nullptr);
	EXPECT_NE(check.find("system.disk.used",
			     {"device:/tmp", "device_name:tmpfs", "filesystem:tmpfs"}),
		  nullptr);
}

TEST_F(DiskCheckTest, IncludeAndExcludeOptions)
{
	auto devices = [&](nlohmann::json options) {
		CheckHarness check(VIGIL_CHECK_SO, instance(options));
		runOnce(check);
		std::vector<std::string> out;
		for (const auto &s : check.last().series)
			if (s.name == "system.disk.total")
				for (const auto &t : s.tags)
					if (t.starts_with("device:"))
						out.push_back(t);
		std::sort(out.begin(), out.end());
		return out;
	};
	using V = std::vector<std::string>;
	EXPECT_EQ(devices({{"mount_point_exclude", {"/tmp"}}}), V{"device:/dev/vda"});
	EXPECT_EQ(devices({{"mount_point_include", {"/tmp$"}}}), V{"device:tmpfs"});
	// File system types match case-insensitively, as in Datadog.
	EXPECT_EQ(devices({{"file_system_include", {"EXT"}}}), V{"device:/dev/vda"});
	EXPECT_EQ(devices({{"file_system_exclude", {"ext4$"}}}), V{"device:tmpfs"});
	EXPECT_EQ(devices({{"device_exclude", {"/dev/"}}}), V{"device:tmpfs"});
	EXPECT_EQ(devices({{"device_include", {"/dev/vd"}}}), V{"device:/dev/vda"});
	// Device-less mounts with all_partitions; "/tmp" is then listed twice.
	EXPECT_EQ(devices({{"all_partitions", true}, {"mount_point_include", {"/tmp"}}}),
		  (V{"device:none", "device:tmpfs"}));
	// min_disk_size is in MB; nothing here is an exabyte.
	EXPECT_EQ(devices({{"min_disk_size", 1e12}}), V{});
}

TEST_F(DiskCheckTest, GlobalExcludeReplacesTheDefaultPseudoFilesystemList)
{
	// What /sys/fs/cgroup is varies between machines: leave it out.
	CheckHarness check(VIGIL_CHECK_SO, instance({{"mount_point_exclude", {"/sys/fs/cgroup"}}}),
			   {{"file_system_global_exclude", {"tmpfs$"}}});
	runOnce(check);
	// tmpfs is now excluded; proc and sysfs are probed but have no
	// capacity, so only "/" is left.
	size_t filesystems = 0;
	for (const auto &s : check.last().series)
		filesystems += s.name == "system.disk.total";
	EXPECT_EQ(filesystems, 1u);
	EXPECT_NE(check.find("system.disk.total", {"device:/dev/vda"}), nullptr);
}

TEST_F(DiskCheckTest, BadOptionsFailCreateNamingTheOption)
{
	CheckHarness bad_re(VIGIL_CHECK_SO, instance({{"mount_point_exclude", {"(unclosed"}}}));
	auto outcome = bad_re.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_NE(outcome.error.find("mount_point_exclude: invalid regular expression "
				     "'(unclosed'"),
		  std::string::npos)
		<< outcome.error;

	CheckHarness bad_timeout(VIGIL_CHECK_SO, instance({{"timeout", 0}}));
	outcome = bad_timeout.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_NE(outcome.error.find("timeout: must be a positive number"), std::string::npos)
		<< outcome.error;
}

TEST_F(DiskCheckTest, MalformedMountTableWarnsAndKeepsGoodLines)
{
	installSnapshot(kData + "malformed", root_);
	CheckHarness check(VIGIL_CHECK_SO, instance());
	auto warnings = runOnce(check);
	ASSERT_EQ(warnings.size(), 1u);
	EXPECT_EQ(warnings[0], "'" + (root_ / "self/mounts").string() +
				       "': 1 line(s) with fewer than 4 fields (first: line 2), "
				       "skipping them");
	EXPECT_NE(check.find("system.disk.total", {"device:/dev/vda"}), nullptr);
	EXPECT_NE(check.find("system.disk.total", {"device:tmpfs"}), nullptr);
}

TEST_F(DiskCheckTest, MissingMountTableIsAnErrorNamingTheFile)
{
	std::filesystem::remove(root_ / "self/mounts");
	CheckHarness check(VIGIL_CHECK_SO, instance());
	auto outcome = check.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error, "cannot read '" + (root_ / "self/mounts").string() +
					 "': No such file or directory");
}

TEST(DiskCheckLive, ReportsDiskMetricsForThisMachine)
{
	unsetenv("VIGIL_PROC_ROOT");
	CheckHarness check(VIGIL_CHECK_SO, {{"proc_root", "/proc"}});
	auto outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	check.flushAt(100);
	auto names = check.names();
	EXPECT_TRUE(contains(names, "system.disk.total"));
	EXPECT_TRUE(contains(names, "system.disk.used"));
	EXPECT_TRUE(contains(names, "system.disk.free"));
	EXPECT_TRUE(contains(names, "system.disk.in_use"));
}
