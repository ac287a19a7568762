// SPDX-License-Identifier: Apache-2.0
// Each system check's run beside the cost of reading its input files, the
// floor any check reading /proc has to pay (the "plain cat" of the target:
// each run within 3x of it).  Runs against this machine's real /proc.
#include "aggregator.hpp"
#include "check_instance.hpp"
#include "plugin_loader.hpp"

#include <benchmark/benchmark.h>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace vigil;

namespace {

// What each check reads per run.  "<pids>" expands to every /proc/PID/stat.
const std::map<std::string, std::vector<std::string>> kInputs = {
	{"cpu", {"/proc/stat"}},       {"load", {"/proc/loadavg", "/proc/stat"}},
	{"uptime", {"/proc/uptime"}},  {"file_handles", {"/proc/sys/fs/file-nr"}},
	{"memory", {"/proc/meminfo"}}, {"network", {"/proc/net/dev"}},
	{"io", {"/proc/diskstats"}},   {"disk", {"/proc/self/mounts"}},
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

size_t readInputs(const std::vector<std::string> &inputs)
{
	size_t total = 0;
	for (const std::string &input : inputs) {
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
