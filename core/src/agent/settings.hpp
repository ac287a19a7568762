// SPDX-License-Identifier: Apache-2.0
// AgentSettings: vigil.yaml, the command line and the built-in defaults
// resolved into one configuration, in that order of precedence:
// command line > vigil.yaml > defaults.
#pragma once

#include "config/agent_config.hpp"
#include "isolation/worker_process.hpp"
#include "plugins/catalog.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct CliOverrides {
	std::filesystem::path config_file;		 // empty = the default one, if it exists
	std::vector<std::filesystem::path> plugins_dirs; // replaces the configured ones
	std::filesystem::path conf_dir;
	std::string log_level;
};

struct AgentSettings {
	AgentConfig config; // plugins_dirs, conf_dir and hostname filled in
	bool build_tree = false;
	std::filesystem::path python_host; // where the Python provider is
	std::filesystem::path state_dir;
	std::vector<std::string> warnings;
};

// Throws ConfigError (bad or missing config file) or std::invalid_argument
// (bad log level).  Also applies the log level.
AgentSettings resolveSettings(const CliOverrides &cli);

// The init() options of the Python provider (provider.h), also sent to the
// worker processes of isolated .py checks.
std::string pythonProviderOptions(const AgentSettings &settings);
// The provider's path and those options, for worker processes.
isolation::ProviderLaunch pythonProviderLaunch(const AgentSettings &settings);

// How this build treats .py files: skipped in the lite build, else run by
// the python_host provider, opened on first use.
CatalogOptions catalogOptions(const AgentSettings &settings);

// The machine's host name, or "localhost" if it has none.
std::string machineHostname();

} // namespace vigil
