// SPDX-License-Identifier: Apache-2.0
// Finds candidate plugin files in the plugin folders.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vigil {

enum class PluginKind { Native, Python };
const char *pluginKindName(PluginKind kind); // "native" / "python"

struct PluginFile {
	std::filesystem::path path;
	PluginKind kind;
	std::string stem; // file name without extension
};

struct DiscoveryResult {
	std::vector<PluginFile> files;	   // in folder order, then by file name
	std::vector<std::string> warnings; // e.g. "plugin folder '/x' does not exist, skipping"
};

// Lists `*.so` (native) and `*.py` (python) files directly in each folder (not
// recursive).  Files of any other type, hidden files, and Python files whose
// name starts with '_' are ignored quietly.  A folder that is missing or
// unreadable is a warning, not an error.  A folder listed twice is read once.
DiscoveryResult discoverPlugins(const std::vector<std::filesystem::path> &dirs);

} // namespace vigil
