// SPDX-License-Identifier: Apache-2.0
#include "agent/settings.hpp"

#include "agent/default_paths.hpp"
#include "build_config.hpp"
#include "isolation/plugin_probe.hpp"
#include "process/logging.hpp"

#include <unistd.h>

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
	nlohmann::json provider_options = {
		{"agent_version", VIGIL_VERSION},
		{"hostname", settings.config.hostname},
		{"state_dir", settings.state_dir.string()},
		{"default_timeout", settings.config.default_timeout},
		{"agent_config", {{"hostname", settings.config.hostname}}},
	};
	nlohmann::json dirs = nlohmann::json::array();
	for (const fs::path &dir : settings.config.plugins_dirs)
		dirs.push_back(dir.string());
	provider_options["plugin_dirs"] = dirs;
	return provider_options.dump();
}

isolation::ProviderLaunch pythonProviderLaunch(const AgentSettings &settings)
{
	return {settings.python_host, pythonProviderOptions(settings)};
}

CatalogOptions catalogOptions(const AgentSettings &settings)
{
	CatalogOptions options;
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
