// SPDX-License-Identifier: Apache-2.0
// Datadog integrations run by name: a check conf.d configures that no plugin
// file provides is loaded by the Python provider as the installed module
// datadog_checks.NAME.  The catalog's second pass, after the files.
//
// A plugin file of the name wins over the package, the opposite of the
// Datadog agent's order (it tries the package first): a file a user put in
// a plugin folder is what they meant to run.
#pragma once

#include "plugins/catalog.hpp"
#include "plugins/configured_names.hpp"
#include "plugins/probe_jobs.hpp"
#include "plugins/python_provider_state.hpp"

#include <optional>
#include <string>
#include <vector>

namespace vigil {

// "datadog_checks." + name.
std::string integrationModule(const std::string &name);

// The checks options.conf_dir configures that no file provided (by stem,
// even a rejected file's: the file is what its author meant to run, or by
// the name a loaded file reports), in name order.
std::vector<ConfiguredName> unprovidedChecks(const CatalogOptions &options,
					     const std::vector<PluginFile> &files,
					     const std::vector<CatalogEntry> &entries);

// The probes of those whose every instance runs isolated (probe_module),
// indexed like `checks`.
std::vector<std::optional<ProbeOutcome>> probeModules(const std::vector<ConfiguredName> &checks,
						      const CatalogOptions &options);

struct ModuleLoad {
	CatalogEntry entry;
	// The provider was built before load_module: said once for all such
	// checks rather than once each.
	bool provider_too_old = false;
};

// One of them: from its probe's answer when it has one, else loaded here
// (opening the provider if no check did yet).  The entry's path is where
// the module was found, or when it was not, the conf.d file that asked for
// it; its error names the module.
ModuleLoad loadIntegration(const ConfiguredName &configured, const CatalogOptions &options,
			   std::optional<ProbeOutcome> &&probe, PythonProviderState &python);

} // namespace vigil
