// SPDX-License-Identifier: Apache-2.0
// The `vigil` subcommands.  Each returns the process exit status; each
// throws ConfigError / std::exception for main() to report.
#pragma once

#include "agent/settings.hpp"

#include <string>

namespace vigil::cli {

// The build, and what the Python provider runs checks with (the
// datadog_checks.base it imports), read with the settings `overrides` give.
int versionCommand(const CliOverrides &overrides, bool json);

int listCommand(const CliOverrides &overrides, bool json);

struct CheckCommandOptions {
	std::string name;
	bool json = false;
	unsigned times = 1;
	double pause = 0; // seconds between runs
};
int checkCommand(const CliOverrides &overrides, const CheckCommandOptions &options);

struct RunCommandOptions {
	bool once = false;
	std::string output; // empty = from vigil.yaml
};
int runCommand(const CliOverrides &overrides, const RunCommandOptions &options);

// Hidden: a worker process of check isolation (docs/isolation.md).
struct WorkerCommandOptions {
	int fd = 3;
	double max_vm_mb = 0;
};
int workerCommand(const WorkerCommandOptions &options);

struct StatusCommandOptions {
	bool json = false;
	std::filesystem::path run_dir; // empty = from vigil.yaml or the default
};
// Exit status 1 when no agent answers.
int statusCommand(const CliOverrides &overrides, const StatusCommandOptions &options);

} // namespace vigil::cli
