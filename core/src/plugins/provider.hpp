// SPDX-License-Identifier: Apache-2.0
// CheckProvider: a loaded provider plugin (python_host) and the files it
// turned into checks.  Opened once, on the agent's main thread, the first
// time a file of its type is found; never closed (see provider.h).
#pragma once

#include "plugins/binding.hpp"
#include "plugins/loader.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace vigil {

struct ProvidedCheck {
	std::string name;
	std::string version;
	std::string description;
	std::string origin;	// loadModule(): where the module was found
	void *handle = nullptr; // the provider's, for create()
};

class CheckProvider : public std::enable_shared_from_this<CheckProvider> {
public:
	// Loads the plugin and calls its init(); throws PluginError with the
	// reason (the plugin's, or the provider's own init error).
	static std::shared_ptr<CheckProvider> open(const std::filesystem::path &path,
						   const std::string &options_json);

	const ProviderPlugin &plugin() const { return plugin_; }

	// Loads one file; throws PluginError with the provider's one-line reason.
	ProvidedCheck load(const std::filesystem::path &file);

	// Whether the provider can load a check by module name (provider.h's
	// load_module; a provider built before it cannot).
	bool loadsModules() const;
	// Loads the check module `module` ("datadog_checks.NAME"); the check is
	// named after the module's last component.  Throws PluginError with the
	// provider's one-line reason, or when !loadsModules().
	ProvidedCheck loadModule(const std::string &module);

	// What the provider runs checks with (provider.h's environment_json): a
	// JSON object, or "" when the provider cannot say.
	std::string environmentJson() const;

	// How instances of a loaded file run; keeps the provider alive.  `host`:
	// the services the check is given; null = the agent's.
	std::shared_ptr<const CheckBinding> binding(const ProvidedCheck &check,
						    const vigil_host *host = nullptr);

	CheckProvider(ProviderPlugin plugin) : plugin_(std::move(plugin)) {}

private:
	// One load()/load_module() call and the checks on what it answered.
	template <typename Load>
	ProvidedCheck loadWith(const std::string &fallback_name, Load &&load);

	ProviderPlugin plugin_;
	void *state_ = nullptr; // from init()
};

} // namespace vigil
