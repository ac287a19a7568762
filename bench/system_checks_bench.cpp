// SPDX-License-Identifier: Apache-2.0
// Each system check's run beside the cost of reading its input files, the
// floor any check reading /proc has to pay (the "plain cat" of the target:
// each run within 3x of it).  Runs against this machine's real /proc.
#include "aggregation/aggregator.hpp"
#include "instances/in_process.hpp"
#include "plugins/loader.hpp"

#include <benchmark/benchmark.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace vigil;

namespace {

// What each check reads per run.  "<pids>" expands to every /proc/PID/stat;
// "<statvfs>" to one statvfs(3) per mount the disk check reports by default
// (a device, and a file system type outside its default exclusions), which
// is as much a part of its input as the mount table.
const std::map<std::string, std::vector<std::string>> kInputs = {
	{"cpu", {"/proc/stat"}},       {"load", {"/proc/loadavg", "/proc/stat"}},
	{"uptime", {"/proc/uptime"}},  {"file_handles", {"/proc/sys/fs/file-nr"}},
	{"memory", {"/proc/meminfo"}}, {"network", {"/proc/net/dev"}},
	{"io", {"/proc/diskstats"}},   {"disk", {"/proc/self/mounts", "<statvfs>"}},
	{"process", {"<pids>"}},
};

size_t readAll(const std::string &path)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char buf[8192];
	size_t total = 0;
	ssize_t n;
	while ((n = ::read(fd, buf, sizeof(buf))) > 0)
		total += static_cast<size_t>(n);
	::close(fd);
	return total;
}

// The disk check's default file_system_exclude (mount_filter.cpp), as names.
const std::set<std::string> kPseudoFileSystems = {
	"autofs", "binfmt_misc", "bpf",	       "cgroup",    "cgroup2", "configfs", "debugfs",
	"devpts", "efivarfs",	 "fusectl",    "hugetlbfs", "mqueue",  "nsfs",	   "proc",
	"pstore", "rpc_pipefs",	 "securityfs", "selinuxfs", "sysfs",   "tracefs",  "iso9660",
};

// Reads the mount table with read(2) like readAll, so the baseline pays no
// stream overhead the check does not pay either.
size_t statReportedMounts()
{
	std::string table;
	int fd = ::open("/proc/self/mounts", O_RDONLY | O_CLOEXEC);
	char buf[8192];
	ssize_t n;
	while (fd >= 0 && (n = ::read(fd, buf, sizeof(buf))) > 0)
		table.append(buf, static_cast<size_t>(n));
	if (fd >= 0)
		::close(fd);
	size_t total = 0;
	std::string_view rest = table;
	while (!rest.empty()) {
		size_t eol = rest.find('\n');
		std::string_view line = rest.substr(0, eol);
		rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
		size_t a = line.find(' ');
		size_t b = line.find(' ', a + 1);
		size_t c = line.find(' ', b + 1);
		if (c == std::string_view::npos)
			continue;
		std::string_view device = line.substr(0, a);
		std::string mount_point(line.substr(a + 1, b - a - 1));
		std::string fs_type(line.substr(b + 1, c - b - 1));
		if (device.empty() || device == "none" || kPseudoFileSystems.count(fs_type))
			continue;
		struct statvfs st;
		if (::statvfs(mount_point.c_str(), &st) == 0)
			total += st.f_blocks;
	}
	return total;
}

size_t readInputs(const std::vector<std::string> &inputs)
{
	size_t total = 0;
	for (const std::string &input : inputs) {
		if (input == "<statvfs>") {
			total += statReportedMounts();
			continue;
		}
		if (input != "<pids>") {
			total += readAll(input);
			continue;
		}
		DIR *dir = ::opendir("/proc");
		while (dirent *e = dir ? ::readdir(dir) : nullptr)
			if (std::isdigit(static_cast<unsigned char>(e->d_name[0])))
				total += readAll(std::string("/proc/") + e->d_name + "/stat");
		if (dir)
			::closedir(dir);
	}
	return total;
}

void BM_ReadInputs(benchmark::State &state, std::vector<std::string> inputs)
{
	for (auto _ : state)
		benchmark::DoNotOptimize(readInputs(inputs));
}

void BM_CheckRun(benchmark::State &state, std::string so)
{
	static std::vector<NativePlugin> plugins; // never unloaded, like the agent
	plugins.push_back(loadNativePlugin(so));
	Aggregator aggregator({});
	InstanceConfig config;
	config.id = plugins.back().name + ":bench:0";
	CheckInstance instance(plugins.back(), config, aggregator);
	instance.run(); // first run: baselines and create()
	for (auto _ : state) {
		RunOutcome outcome = instance.run();
		if (outcome.status != RunStatus::Ok)
			state.SkipWithError(outcome.error.c_str());
	}
	aggregator.flush(0);
}

} // namespace

int main(int argc, char **argv)
{
	const std::filesystem::path dir = VIGIL_NATIVE_CHECKS_DIR;
	for (const auto &[name, inputs] : kInputs) {
		std::filesystem::path so = dir / (name + ".so");
		if (!std::filesystem::exists(so))
			continue;
		benchmark::RegisterBenchmark(("read_inputs/" + name).c_str(), BM_ReadInputs,
					     inputs);
		benchmark::RegisterBenchmark(("check_run/" + name).c_str(), BM_CheckRun,
					     so.string());
	}
	benchmark::Initialize(&argc, argv);
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
