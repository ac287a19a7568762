// SPDX-License-Identifier: Apache-2.0
// CheckCatalog: every discovered plugin file, loaded or rejected with a reason.
#pragma once

#include "plugins/binding.hpp"
#include "plugins/discovery.hpp"
#include "plugins/loader.hpp"
#include "plugins/provider.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

enum class CheckState { Ok, Error, Skipped };
const char *checkStateName(CheckState state); // "ok" / "error" / "skipped"

struct CatalogEntry {
	std::string name; // check name (descriptor name, or file stem when rejected early)
	PluginKind kind = PluginKind::Native;
	// The file; for a check loaded by module name, where the module was
	// found (its package folder), or the conf.d file that asked for it when
	// it was not.
	std::filesystem::path path;
	// Set for a check loaded by module name instead of from a file: an
	// installed Datadog integration, "datadog_checks.NAME".
	std::string module;
	std::string version;
	std::string description;
	CheckState state = CheckState::Error;
	std::string error;		    // one-line reason when not Ok
	std::optional<NativePlugin> native; // set for Ok native checks loaded here
	// How in-process instances run; set for every Ok entry loaded here,
	// native or provided.
	std::shared_ptr<const CheckBinding> binding;
	// An Ok check that was only loaded in a worker process (every instance
	// runs isolated, see CatalogOptions::probe_native and probe_provided): no
	// native or binding here, its instances load it in their workers.
	bool workers_only = false;
};

// What a native plugin loaded elsewhere (a probe worker) says about itself.
struct ProbedPlugin {
	std::string name;
	std::string version;
	std::string description;
	std::string origin; // a module: where the worker found it
};

struct CatalogOptions {
	// Why .py files cannot run in this agent: the lite build sets "built
	// without Python support".  Empty: python_provider decides.
	std::string python_unavailable_reason;
	// Opens the Python provider; called once, the first time a .py file is
	// found or a check is loaded by module name, so an agent without Python
	// checks never starts an interpreter.
	// Throws PluginError with the reason it is unavailable.
	std::function<std::shared_ptr<CheckProvider>()> python_provider;
	// A native file whose check runs only in worker processes is not
	// dlopen()ed here: a static constructor that crashes would take this
	// process down (docs/isolation.md).  runs_isolated(NAME) says whether
	// every instance of check NAME is isolated (asked with the file stem,
	// then with the name the probe reports if it differs); probe_native
	// loads the file in a worker and throws PluginError with the reason it
	// cannot be loaded.  Either unset: every native file is loaded here.
	std::function<bool(const std::string &check)> runs_isolated;
	std::function<ProbedPlugin(const std::filesystem::path &)> probe_native;
	// The same for a .py file: importing it runs module code, and opening the
	// provider starts an interpreter this process would never use.  When
	// every instance is isolated, probe_provided opens the provider and the
	// file in a worker; python_provider is then never called for it.
	std::function<ProbedPlugin(const std::filesystem::path &)> probe_provided;
	// The same for a check loaded by module name: the worker opens the
	// provider and imports the module.  Unset: such checks load here.
	std::function<ProbedPlugin(const std::string &module)> probe_module;
	// conf.d.  Each check it configures that no plugin file provides (by
	// file stem or check name) is loaded by the Python provider as the
	// module datadog_checks.NAME, an installed Datadog integration: a
	// user's file wins over a package (docs/python.md, "Running Datadog
	// integrations").  Empty: no such checks.
	std::filesystem::path conf_dir;
	// How many probes run at once (each waits on its own worker), so N
	// isolated files cost about N / probe_parallelism worker starts.
	unsigned probe_parallelism = 1;
};

// Threads: load() runs on the caller's thread; with probe_parallelism > 1 it
// starts that many threads for the probes and joins them before it returns.
class CheckCatalog {
public:
	// Discovers and loads every plugin, then every check of
	// options.conf_dir no file provided, by module name (after the files, in
	// name order).  Each rejected file or module is logged once (warning,
	// category "loader", with its quoted path and reason).  A name provided
	// twice: the first file (folder order, then file name) wins, the later
	// one is rejected with "duplicate check name 'x', already provided by
	// '<path>'".
	static CheckCatalog load(const std::vector<std::filesystem::path> &dirs,
				 const CatalogOptions &options);

	const std::vector<CatalogEntry> &entries() const { return entries_; }
	const CatalogEntry *find(const std::string &name) const; // any state
	const std::vector<std::string> &warnings() const { return warnings_; }

private:
	std::vector<CatalogEntry> entries_;
	std::vector<std::string> warnings_;
};

} // namespace vigil
