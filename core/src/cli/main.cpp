// SPDX-License-Identifier: Apache-2.0
// vigil: the command line.  Parses options with CLI11 and hands over to one
// command; every error ends here as one line on stderr and exit status 2.
#include "build_config.hpp"
#include "commands.hpp"
#include "config/error.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char **argv)
{
	using namespace vigil;
	CLI::App app{"Vigil: a small, fast monitoring agent that runs native and Python checks",
		     "vigil"};
	app.require_subcommand(1);
	app.fallthrough(); // global options may also follow the command

	CliOverrides overrides;
	std::vector<std::string> plugin_dirs;
	std::string config_file, conf_dir;
	app.add_option("-c,--config", config_file, "Agent configuration file (vigil.yaml)");
	app.add_option("--plugins", plugin_dirs,
		       "Plugin folder; repeatable; replaces the configured folders")
		->take_all();
	app.add_option("--conf-d", conf_dir, "Folder of per-check configuration (conf.d)");
	app.add_option("--log-level", overrides.log_level,
		       "trace, debug, info, warning, error, critical or off");

	bool json = false;
	auto *version = app.add_subcommand("version", "Version and build features");
	version->add_flag("--json", json, "Print JSON");

	auto *list = app.add_subcommand("list", "Every discovered check file and its state");
	list->add_flag("--json", json, "Print JSON");

	cli::CheckCommandOptions check_options;
	auto *check = app.add_subcommand("check", "Run one check's instances and print the result");
	check->add_option("name", check_options.name, "Check name")->required();
	check->add_flag("--json", check_options.json, "Print JSON");
	check->add_option("--times", check_options.times, "Runs of each instance (default 1)")
		->check(CLI::Range(1u, 1000000u));
	check->add_option("--pause", check_options.pause, "Seconds between runs")
		->check(CLI::Range(0.0, 86400.0));

	cli::RunCommandOptions run_options;
	auto *run = app.add_subcommand("run", "Run the agent");
	run->add_flag("--once", run_options.once, "Run every instance once, flush, exit");
	run->add_option("--output", run_options.output, "Output: json (stdout) or none")
		->check(CLI::IsMember({"json", "none"}));

	cli::StatusCommandOptions status_options;
	std::string status_run_dir;
	auto *status =
		app.add_subcommand("status", "What the running agent and its checks are doing");
	status->add_flag("--json", status_options.json, "Print JSON");
	status->add_option("--run-dir", status_run_dir,
			   "The agent's run_dir (default: from vigil.yaml)");

	// Started by the agent for isolated checks; in no group, so it is not
	// listed in --help.
	cli::WorkerCommandOptions worker_options;
	auto *worker = app.add_subcommand("worker", "");
	worker->group("");
	worker->add_option("--fd", worker_options.fd, "Socket to the agent")->required();
	worker->add_option("--max-vm-mb", worker_options.max_vm_mb, "Address-space limit");

	CLI11_PARSE(app, argc, argv);

	if (*worker)
		return cli::workerCommand(worker_options);

	overrides.config_file = config_file;
	overrides.conf_dir = conf_dir;
	for (const std::string &dir : plugin_dirs)
		overrides.plugins_dirs.emplace_back(dir);

	try {
		if (*version)
			return cli::versionCommand(overrides, json);
		if (*list)
			return cli::listCommand(overrides, json);
		if (*check)
			return cli::checkCommand(overrides, check_options);
		if (*run)
			return cli::runCommand(overrides, run_options);
		if (*status) {
			status_options.run_dir = status_run_dir;
			return cli::statusCommand(overrides, status_options);
		}
	} catch (const std::exception &e) {
		std::fprintf(stderr, "vigil: error: %s\n", e.what());
		return 2;
	}
	return 2;
}
