// SPDX-License-Identifier: Apache-2.0
#include "agent/settings.hpp"

#include "agent/default_paths.hpp"
#include "build_config.hpp"
#include "isolation/plugin_probe.hpp"
#include "process/logging.hpp"

#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace vigil {

namespace fs = std::filesystem;

std::string machineHostname()
{
	char name[HOST_NAME_MAX + 1] = {};
	if (gethostname(name, sizeof(name) - 1) != 0 || !name[0])
		return "localhost";
	return name;
}

AgentSettings resolveSettings(const CliOverrides &cli)
{
	// The level from the command line applies before the config is read, so
	// `--log-level debug` also shows how the config file was found.
	if (!cli.log_level.empty())
		setLogLevel(cli.log_level);

	DefaultPaths defaults = defaultPaths();
	AgentSettings settings;
	settings.build_tree = defaults.build_tree;
	settings.python_host = defaults.python_host;
	settings.state_dir = defaults.state_dir;
	// Tests and packagers point at another provider without a config file.
	if (const char *env = std::getenv("VIGIL_PYTHON_HOST"); env && *env)
		settings.python_host = env;

	std::error_code ec;
	fs::path file = cli.config_file;
	if (file.empty() && !defaults.agent_config.empty() && fs::exists(defaults.agent_config, ec))
		file = defaults.agent_config;
	if (!file.empty()) {
		if (!fs::exists(file, ec))
			throw ConfigError("config file '" + file.string() + "' does not exist");
		settings.config = loadAgentConfig(file, &settings.warnings);
	}

	AgentConfig &c = settings.config;
	if (!cli.plugins_dirs.empty())
		c.plugins_dirs = cli.plugins_dirs;
	else if (c.plugins_dirs.empty())
		c.plugins_dirs = defaults.plugins_dirs;
	if (!cli.conf_dir.empty())
		c.conf_dir = cli.conf_dir;
	else if (c.conf_dir.empty())
		c.conf_dir = defaults.conf_dir;
	if (c.run_dir.empty())
		c.run_dir = defaults.run_dir;
	if (c.hostname.empty())
		c.hostname = machineHostname();

	if (!cli.log_level.empty())
		c.log_level = cli.log_level;
	setLogLevel(c.log_level);

	auto log = logger("config");
	for (const std::string &w : settings.warnings)
		log->warn("{}", w);
	log->debug("config file: {}", file.empty() ? "(none)" : file.string());
	for (const fs::path &dir : c.plugins_dirs)
		log->debug("plugin folder: '{}'", dir.string());
	log->debug("conf.d: '{}'", c.conf_dir.string());
	return settings;
}

std::string pythonProviderOptions(const AgentSettings &settings)
{
	const AgentConfig &c = settings.config;
	// datadog_agent.get_process_start_time(): the agent's start, also in
	// its worker processes (they get these options from the agent).  The
	// first call is made while the agent starts.
	static const double agent_start_time =
		static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
					    std::chrono::system_clock::now().time_since_epoch())
					    .count());
	auto strings = [](const std::vector<fs::path> &paths) {
		nlohmann::json out = nlohmann::json::array();
		for (const fs::path &p : paths)
			out.push_back(p.string());
		return out;
	};
	nlohmann::json provider_options = {
		{"agent_version", VIGIL_VERSION},
		{"hostname", c.hostname},
		{"state_dir", settings.state_dir.string()},
		{"default_timeout", c.default_timeout},
		{"agent_start_time", agent_start_time},
		{"python_venv", c.python.venv.string()},
		{"python_extra_path", strings(c.python.path)},
		{"plugin_dirs", strings(c.plugins_dirs)},
		// What datadog_agent.get_config() answers beside the Datadog
		// agent's defaults (python_host/src/datadog_agent_module.cpp).
		{"agent_config",
		 {{"hostname", c.hostname},
		  {"confd_path", c.conf_dir.string()},
		  {"log_level", c.log_level}}},
	};
	return provider_options.dump();
}

isolation::ProviderLaunch pythonProviderLaunch(const AgentSettings &settings)
{
	return {settings.python_host, pythonProviderOptions(settings)};
}

CatalogOptions catalogOptions(const AgentSettings &settings)
{
	CatalogOptions options;
	options.conf_dir = settings.config.conf_dir; // its checks no file provides: integrations
	isolation::probeIsolatedPlugins(options, settings.config, pythonProviderLaunch(settings));
#if !VIGIL_PYTHON_ENABLED
	(void)settings;
	options.python_unavailable_reason = "built without Python support";
#else
	options.python_provider = [path = settings.python_host,
				   json = pythonProviderOptions(settings)]() {
		std::error_code ec;
		if (!fs::exists(path, ec))
			throw PluginError("'" + path.string() + "' not found");
		try {
			return CheckProvider::open(path, json);
		} catch (const PluginError &e) {
			// The loader's reasons ("not an ELF file") do not say which file.
			throw PluginError("'" + path.string() + "': " + e.what());
		}
	};
#endif
	return options;
}

} // namespace vigil
