// SPDX-License-Identifier: Apache-2.0
#include "instances/configure.hpp"

#include "instances/in_process.hpp"
#include "isolation/isolated_instance.hpp"
#include "process/logging.hpp"

#include <cstddef>

namespace vigil {

bool needsConfiguration(const CatalogEntry &entry)
{
	const vigil_check_descriptor *d = entry.native ? entry.native->descriptor : nullptr;
	return d && d->struct_size >= offsetof(vigil_check_descriptor, flags) + sizeof(d->flags) &&
	       (d->flags & VIGIL_CHECK_NEEDS_CONFIG);
}

ConfiguredCheck configureCheck(const CatalogEntry &entry, const std::filesystem::path &conf_dir,
			       Aggregator &aggregator, std::shared_ptr<IsolationContext> isolation)
{
	ConfiguredCheck check;
	check.entry = &entry;
	check.config = loadCheckConfig(conf_dir, entry.name);
	auto log = logger("config");
	if (check.config.sources.empty() && check.config.errors.empty() &&
	    needsConfiguration(entry)) {
		check.config.instances.clear();
		check.unconfigured = true;
		log->debug("check '{}': no conf.d/{}.yaml, which it needs: not scheduled",
			   entry.name, entry.name);
		return check;
	}
	for (const std::string &error : check.config.errors)
		log->error("check '{}': {}, skipping", entry.name, error);
	if (check.config.instances.empty() && !check.config.errors.empty())
		log->error("check '{}': no valid instance, not scheduled", entry.name);

	if (entry.state != CheckState::Ok || (!entry.binding && !entry.workers_only))
		return check;
	for (const InstanceConfig &instance : check.config.instances) {
		if (isolation && isolation->isolationOf(instance) == Isolation::Process)
			check.instances.push_back(std::make_shared<IsolatedInstance>(
				entry, instance, aggregator, isolation));
		else if (entry.binding)
			check.instances.push_back(std::make_shared<CheckInstance>(
				entry.binding, instance, aggregator));
		else
			// The catalog decided from the same files; only a caller
			// without an IsolationContext gets here.
			log->error("check '{}': instance '{}' would run in the agent, but '{}' "
				   "is only loaded in worker processes, skipping",
				   entry.name, instance.id, entry.path.string());
	}
	return check;
}

std::vector<ConfiguredCheck> configureAll(const CheckCatalog &catalog,
					  const std::filesystem::path &conf_dir,
					  Aggregator &aggregator,
					  std::shared_ptr<IsolationContext> isolation)
{
	std::vector<ConfiguredCheck> checks;
	for (const CatalogEntry &entry : catalog.entries())
		if (entry.state == CheckState::Ok)
			checks.push_back(configureCheck(entry, conf_dir, aggregator, isolation));
	return checks;
}

} // namespace vigil
