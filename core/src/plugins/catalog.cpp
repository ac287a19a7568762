// SPDX-License-Identifier: Apache-2.0
#include "plugins/catalog.hpp"

#include "plugins/integrations.hpp"
#include "plugins/probe_jobs.hpp"
#include "plugins/python_provider_state.hpp"
#include "process/logging.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <exception>
#include <optional>
#include <unordered_map>

namespace vigil {

namespace {

CatalogEntry rejected(const PluginFile &file, CheckState state, std::string reason)
{
	CatalogEntry entry;
	entry.name = file.stem;
	entry.kind = file.kind;
	entry.path = file.path;
	entry.state = state;
	entry.error = std::move(reason);
	return entry;
}

using ProbeFunction = std::function<ProbedPlugin(const std::filesystem::path &)>;

// The probe that loads `file` in a worker, null when it is loaded here.
const ProbeFunction *probeFor(const PluginFile &file, const CatalogOptions &options)
{
	const bool native = file.kind == PluginKind::Native;
	const ProbeFunction &probe = native ? options.probe_native : options.probe_provided;
	if (!options.runs_isolated || !probe)
		return nullptr;
	if (!native && !options.python_unavailable_reason.empty())
		return nullptr;
	return options.runs_isolated(file.stem) ? &probe : nullptr;
}

std::vector<std::optional<ProbeOutcome>> probeFiles(const std::vector<PluginFile> &files,
						    const CatalogOptions &options)
{
	std::vector<ProbeJob> todo;
	for (size_t i = 0; i < files.size(); ++i)
		if (const ProbeFunction *probe = probeFor(files[i], options))
			todo.emplace_back(
				i, [probe, &path = files[i].path] { return (*probe)(path); });
	return runProbes(todo, files.size(), options.probe_parallelism);
}

// The probe's answer when the check runs only in workers, nothing when it
// must be loaded here after all (the probe showed that loading is safe).
std::optional<CatalogEntry> probedEntry(const PluginFile &file, const CatalogOptions &options,
					ProbeOutcome &&outcome)
{
	if (!outcome.probed)
		return rejected(file, CheckState::Error, std::move(outcome.error));
	ProbedPlugin &probed = *outcome.probed;
	// Its configuration is found under the name it reports: conf.d/STEM.yaml
	// only guessed.
	if (probed.name != file.stem && !options.runs_isolated(probed.name))
		return std::nullopt;
	CatalogEntry entry;
	entry.name = std::move(probed.name);
	entry.kind = file.kind;
	entry.path = file.path;
	entry.version = std::move(probed.version);
	entry.description = std::move(probed.description);
	entry.state = CheckState::Ok;
	entry.workers_only = true;
	return entry;
}

CatalogEntry loadNative(const PluginFile &file, const CatalogOptions &options,
			std::optional<ProbeOutcome> &&probe)
{
	if (probe)
		if (std::optional<CatalogEntry> probed =
			    probedEntry(file, options, std::move(*probe)))
			return std::move(*probed);
	try {
		NativePlugin plugin = loadNativePlugin(file.path);
		CatalogEntry entry;
		entry.name = plugin.name;
		entry.kind = PluginKind::Native;
		entry.path = file.path;
		entry.version = plugin.version;
		entry.description = plugin.description;
		entry.state = CheckState::Ok;
		entry.binding = nativeBinding(plugin);
		entry.native = std::move(plugin);
		return entry;
	} catch (const PluginError &e) {
		return rejected(file, CheckState::Error, e.what());
	} catch (const std::exception &e) {
		// bad_alloc, filesystem errors: still one file's problem, not the agent's.
		return rejected(file, CheckState::Error, e.what());
	}
}

CatalogEntry loadPython(const PluginFile &file, const CatalogOptions &options,
			std::optional<ProbeOutcome> &&probe, PythonProviderState &python)
{
	if (!options.python_unavailable_reason.empty())
		return rejected(file, CheckState::Skipped, options.python_unavailable_reason);
	if (probe)
		if (std::optional<CatalogEntry> probed =
			    probedEntry(file, options, std::move(*probe)))
			return std::move(*probed);
	python.open(options);
	if (!python.provider)
		return rejected(file, CheckState::Error, python.unavailable);
	try {
		ProvidedCheck check = python.provider->load(file.path);
		CatalogEntry entry;
		entry.name = check.name;
		entry.kind = PluginKind::Python;
		entry.path = file.path;
		entry.version = check.version;
		entry.description = check.description;
		entry.state = CheckState::Ok;
		entry.binding = python.provider->binding(check);
		return entry;
	} catch (const std::exception &e) {
		return rejected(file, CheckState::Error, e.what());
	}
}

void logRejected(const CatalogEntry &entry, spdlog::logger &log)
{
	if (entry.state == CheckState::Error)
		log.warn("'{}': {}, skipping", entry.path.string(), entry.error);
	else if (entry.state == CheckState::Skipped)
		log.info("'{}': {}, skipping", entry.path.string(), entry.error);
}

} // namespace

const char *checkStateName(CheckState state)
{
	switch (state) {
	case CheckState::Ok:
		return "ok";
	case CheckState::Error:
		return "error";
	case CheckState::Skipped:
		return "skipped";
	}
	return "unknown";
}

CheckCatalog CheckCatalog::load(const std::vector<std::filesystem::path> &dirs,
				const CatalogOptions &options)
{
	auto log = logger("loader");
	CheckCatalog catalog;

	DiscoveryResult found = discoverPlugins(dirs);
	for (const std::string &warning : found.warnings)
		log->warn("{}", warning);
	catalog.warnings_ = std::move(found.warnings);

	// Name -> path of the file that provides it; only loaded checks provide a
	// name (a rejected file's stem is just a label).
	std::unordered_map<std::string, std::filesystem::path> providers;
	PythonProviderState python;
	std::vector<std::optional<ProbeOutcome>> probes = probeFiles(found.files, options);
	for (size_t i = 0; i < found.files.size(); ++i) {
		const PluginFile &file = found.files[i];
		CatalogEntry entry =
			file.kind == PluginKind::Native
				? loadNative(file, options, std::move(probes[i]))
				: loadPython(file, options, std::move(probes[i]), python);
		if (entry.state == CheckState::Ok) {
			auto [it, inserted] = providers.emplace(entry.name, entry.path);
			if (!inserted) {
				// The library stays mapped (RTLD_NODELETE); only the entry
				// forgets it.
				entry.native.reset();
				entry.binding.reset();
				entry.workers_only = false;
				entry.state = CheckState::Error;
				entry.error = "duplicate check name '" + entry.name +
					      "', already provided by '" + it->second.string() +
					      "'";
			}
		}

		logRejected(entry, *log);
		catalog.entries_.push_back(std::move(entry));
	}

	const std::vector<ConfiguredName> unprovided =
		unprovidedChecks(options, found.files, catalog.entries_);
	probes = probeModules(unprovided, options);
	std::vector<std::string> not_loaded; // by a provider without load_module
	for (size_t i = 0; i < unprovided.size(); ++i) {
		ModuleLoad load =
			loadIntegration(unprovided[i], options, std::move(probes[i]), python);
		if (load.provider_too_old)
			not_loaded.push_back(load.entry.name);
		else
			logRejected(load.entry, *log);
		catalog.entries_.push_back(std::move(load.entry));
	}
	if (!not_loaded.empty())
		log->warn("the python provider '{}' cannot load modules (it was built before "
			  "load_module): integrations by name are unavailable, not run: {}",
			  python.provider->plugin().path.string(), fmt::join(not_loaded, ", "));
	return catalog;
}

const CatalogEntry *CheckCatalog::find(const std::string &name) const
{
	// A rejected file labelled with its stem may share the name of a loaded
	// check; the loaded one is the check that name means.
	const CatalogEntry *fallback = nullptr;
	for (const CatalogEntry &entry : entries_) {
		if (entry.name != name)
			continue;
		if (entry.state == CheckState::Ok)
			return &entry;
		if (!fallback)
			fallback = &entry;
	}
	return fallback;
}

} // namespace vigil
