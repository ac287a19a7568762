// SPDX-License-Identifier: Apache-2.0
// Turns catalog entries plus their conf.d files into runnable instances.
#pragma once

#include "aggregation/aggregator.hpp"
#include "config/check_config.hpp"
#include "plugins/catalog.hpp"
#include "scheduling/scheduler.hpp"

#include <filesystem>
#include <memory>
#include <vector>

namespace vigil {

class IsolationContext;

struct ConfiguredCheck {
	const CatalogEntry *entry = nullptr;
	CheckConfig config;
	std::vector<std::shared_ptr<Schedulable>> instances;
	// No conf.d file, and the check says it needs one
	// (VIGIL_CHECK_NEEDS_CONFIG): nothing is scheduled, and that is no error.
	bool unconfigured = false;
};

// Whether the entry's check declared VIGIL_CHECK_NEEDS_CONFIG.  Known only for
// a native check loaded in this process; a check loaded only in workers runs
// its default instance, as before the flag.
bool needsConfiguration(const CatalogEntry &entry);

// Reads the configuration of one Ok catalog entry and makes its instances.
// Config problems are logged once (category "config") and kept in
// config.errors; they skip only the file or instance they are about.
// With `isolation`, instances whose isolation is `process` run in its
// worker processes; without it, every instance runs in-process.
ConfiguredCheck configureCheck(const CatalogEntry &entry, const std::filesystem::path &conf_dir,
			       Aggregator &aggregator,
			       std::shared_ptr<IsolationContext> isolation = nullptr);

// The same for every Ok entry of the catalog.
std::vector<ConfiguredCheck> configureAll(const CheckCatalog &catalog,
					  const std::filesystem::path &conf_dir,
					  Aggregator &aggregator,
					  std::shared_ptr<IsolationContext> isolation = nullptr);

} // namespace vigil
