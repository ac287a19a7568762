// SPDX-License-Identifier: Apache-2.0
// What a nagios run costs beyond the plugin's own run time: the check
// running `check_dummy 0 "OK | ..."` through the agent's CheckInstance (and
// through its PluginRunner alone) beside the least any runner pays for the
// same binary: posix_spawn, read its stdout to EOF, waitpid.  And the
// perfdata parser alone on a realistic multi-label line.  Target: the
// difference under 1 ms per run.
#include "aggregation/aggregator.hpp"
#include "instances/in_process.hpp"
#include "plugins/loader.hpp"

#include "command_config.hpp"
#include "executable_lookup.hpp"
#include "perfdata.hpp"
#include "perfdata_metrics.hpp"
#include "plugin_process.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

using namespace vigil;

namespace {

const std::string kDummy = "/usr/lib/nagios/plugins/check_dummy";
const std::vector<std::string> kArgs = {kDummy, "0", "OK | time=0.002s;1;2;0 size=123B;;;0"};

// check_load -r beside check_disk with four mounts: what plugins print.
const std::string kPerfdata =
	"load1=1.900;;;0; scaled_load1=0.950;5.000;7.000;0; load5=1.300;;;0; "
	"scaled_load5=0.650;6.000;8.000;0; load15=1.500;;;0; scaled_load15=0.750;7.000;9.000;0; "
	"/=43314577408B;243497277849;257024904396;0;270552530944 "
	"/boot=104857600B;480247808;506986496;0;533725184 "
	"'/var/lib/docker'=98765432109B;180000000000;190000000000;0;200000000000 "
	"'/home dir'=12.5GB;80;90;0;100 rta=12.445000ms;100.000000;200.000000;0.000000 "
	"pl=0%;5;15;0";

void BM_SpawnReadWait(benchmark::State &state)
{
	std::vector<char *> argv;
	for (const std::string &a : kArgs)
		argv.push_back(const_cast<char *>(a.c_str()));
	argv.push_back(nullptr);
	char *envp[] = {const_cast<char *>("PATH=/usr/bin:/bin"), nullptr};
	char buf[4096];
	for (auto _ : state) {
		int fds[2];
		if (pipe2(fds, O_CLOEXEC) != 0)
			state.SkipWithError("pipe2");
		posix_spawn_file_actions_t actions;
		posix_spawn_file_actions_init(&actions);
		posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
		pid_t pid;
		int rc = posix_spawn(&pid, kDummy.c_str(), &actions, nullptr, argv.data(), envp);
		posix_spawn_file_actions_destroy(&actions);
		close(fds[1]);
		if (rc != 0) {
			state.SkipWithError("posix_spawn failed");
			break;
		}
		while (read(fds[0], buf, sizeof(buf)) > 0) {
		}
		close(fds[0]);
		int status;
		waitpid(pid, &status, 0);
	}
}

void BM_PluginRunner(benchmark::State &state)
{
	nagios::CommandConfig config =
		nagios::parseCommandConfig(nlohmann::json{{"command", kArgs}}.dump());
	nagios::PluginRunner runner;
	for (auto _ : state) {
		nagios::Executable exe =
			nagios::findExecutable(config.argv[0], config.path, config.cwd);
		nagios::ProcessResult r = runner.run(config, exe.path);
		if (r.end != nagios::ProcessResult::End::Exited)
			state.SkipWithError("plugin did not exit");
		benchmark::DoNotOptimize(r.out.data());
	}
}

void BM_CheckRun(benchmark::State &state)
{
	static NativePlugin plugin = loadNativePlugin(VIGIL_CHECK_SO);
	Aggregator aggregator({});
	InstanceConfig config;
	config.id = "nagios:bench:0";
	config.data = {{"command", kArgs}};
	CheckInstance instance(plugin, config, aggregator);
	instance.run(); // create()
	size_t runs = 0;
	for (auto _ : state) {
		RunOutcome outcome = instance.run();
		if (outcome.status != RunStatus::Ok)
			state.SkipWithError(outcome.error.c_str());
		if (++runs % 1000 == 0)
			aggregator.flush(0);
	}
	aggregator.flush(0);
}

void BM_ParsePerfdata(benchmark::State &state)
{
	size_t items = 0;
	for (auto _ : state) {
		nagios::Perfdata p = nagios::parsePerfdata(kPerfdata);
		items = p.items.size();
		benchmark::DoNotOptimize(p.items.data());
	}
	state.counters["items"] = static_cast<double>(items);
	state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kPerfdata.size()));
}

void BM_ParsePerfdataToSamples(benchmark::State &state)
{
	for (auto _ : state) {
		nagios::Perfdata p = nagios::parsePerfdata(kPerfdata);
		size_t n = 0;
		for (const nagios::Perfdatum &item : p.items)
			n += nagios::perfdataSamples("nagios.bench", item, true).size();
		benchmark::DoNotOptimize(n);
	}
}

} // namespace

int main(int argc, char **argv)
{
	if (access(kDummy.c_str(), X_OK) == 0) {
		benchmark::RegisterBenchmark("spawn_read_wait/check_dummy", BM_SpawnReadWait)
			->Unit(benchmark::kMicrosecond);
		benchmark::RegisterBenchmark("plugin_runner/check_dummy", BM_PluginRunner)
			->Unit(benchmark::kMicrosecond);
		benchmark::RegisterBenchmark("check_run/check_dummy", BM_CheckRun)
			->Unit(benchmark::kMicrosecond);
	}
	benchmark::RegisterBenchmark("parse_perfdata/12_items", BM_ParsePerfdata)
		->Unit(benchmark::kMicrosecond);
	benchmark::RegisterBenchmark("parse_perfdata_to_samples/12_items",
				     BM_ParsePerfdataToSamples)
		->Unit(benchmark::kMicrosecond);
	benchmark::Initialize(&argc, argv);
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
