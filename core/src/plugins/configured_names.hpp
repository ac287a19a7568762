// SPDX-License-Identifier: Apache-2.0
// The check names conf.d configures, for the checks no plugin file provides
// (an installed Datadog integration is then loaded by name, catalog.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vigil {

struct ConfiguredName {
	std::string name;
	std::filesystem::path source; // the first file or NAME.d folder that names it
};

// Every NAME that config/check_config.hpp's loadCheckConfig() would find a
// file for: NAME.yaml, NAME.yml (or either with .default), or a NAME.d/
// folder holding such a file; not NAME.d/conf.yaml.example, which Datadog's
// packages ship for every integration and which configures nothing.  Sorted
// by name, each once; names that are not valid check names are left out
// (nothing could provide them).  A conf.d that is missing or unreadable
// gives none: config reports it when the checks' files are read.
std::vector<ConfiguredName> configuredCheckNames(const std::filesystem::path &conf_dir);

} // namespace vigil
