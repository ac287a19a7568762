// SPDX-License-Identifier: Apache-2.0
#include "plugins/integrations.hpp"

#include <unordered_set>

namespace vigil {

namespace {

// A check name is [A-Za-z0-9_][A-Za-z0-9_.-]*; '.' would name a submodule of
// some other package and '-' cannot be imported.
bool isModuleComponent(const std::string &name)
{
	return name.find_first_of(".-") == std::string::npos;
}

} // namespace

std::string integrationModule(const std::string &name)
{
	return "datadog_checks." + name;
}

ModuleLoad loadIntegration(const ConfiguredName &configured, const CatalogOptions &options,
			   std::optional<ProbeOutcome> &&probe, PythonProviderState &python)
{
	ModuleLoad load;
	CatalogEntry &entry = load.entry;
	entry.name = configured.name;
	entry.kind = PluginKind::Python;
	entry.path = configured.source;
	entry.module = integrationModule(configured.name);
	auto failed = [&](CheckState state, std::string reason) {
		entry.state = state;
		entry.error = std::move(reason);
		return std::move(load);
	};
	if (!options.python_unavailable_reason.empty())
		return failed(CheckState::Skipped, options.python_unavailable_reason);
	if (!isModuleComponent(configured.name))
		return failed(CheckState::Error, "no plugin file provides it, and '" +
							 entry.module + "' is not a module name");
	auto succeeded = [&](std::string version, std::string description, std::string origin) {
		entry.state = CheckState::Ok;
		entry.version = std::move(version);
		entry.description = std::move(description);
		if (!origin.empty())
			entry.path = std::move(origin);
		return std::move(load);
	};
	if (probe) {
		if (!probe->probed)
			return failed(CheckState::Error, std::move(probe->error));
		entry.workers_only = true;
		ProbedPlugin &probed = *probe->probed;
		return succeeded(std::move(probed.version), std::move(probed.description),
				 std::move(probed.origin));
	}
	python.open(options);
	if (!python.provider)
		return failed(CheckState::Error, python.unavailable);
	if (!python.provider->loadsModules()) {
		load.provider_too_old = true;
		return failed(CheckState::Skipped,
			      "integrations by name are unavailable: the python provider '" +
				      python.provider->plugin().path.string() +
				      "' cannot load modules");
	}
	try {
		ProvidedCheck check = python.provider->loadModule(entry.module);
		entry.binding = python.provider->binding(check);
		return succeeded(std::move(check.version), std::move(check.description),
				 std::move(check.origin));
	} catch (const std::exception &e) {
		return failed(CheckState::Error, e.what());
	}
}

std::vector<ConfiguredName> unprovidedChecks(const CatalogOptions &options,
					     const std::vector<PluginFile> &files,
					     const std::vector<CatalogEntry> &entries)
{
	std::vector<ConfiguredName> unprovided;
	if (options.conf_dir.empty())
		return unprovided;
	std::unordered_set<std::string> provided;
	for (const PluginFile &file : files)
		provided.insert(file.stem);
	for (const CatalogEntry &entry : entries)
		provided.insert(entry.name);
	for (ConfiguredName &configured : configuredCheckNames(options.conf_dir))
		if (!provided.count(configured.name))
			unprovided.push_back(std::move(configured));
	return unprovided;
}

std::vector<std::optional<ProbeOutcome>> probeModules(const std::vector<ConfiguredName> &checks,
						      const CatalogOptions &options)
{
	std::vector<ProbeJob> todo;
	if (options.runs_isolated && options.probe_module &&
	    options.python_unavailable_reason.empty())
		for (size_t i = 0; i < checks.size(); ++i)
			if (isModuleComponent(checks[i].name) &&
			    options.runs_isolated(checks[i].name))
				todo.emplace_back(i, [&probe = options.probe_module,
						      module = integrationModule(checks[i].name)] {
					return probe(module);
				});
	return runProbes(todo, checks.size(), options.probe_parallelism);
}

} // namespace vigil
