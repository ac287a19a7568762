// SPDX-License-Identifier: Apache-2.0
// CheckCatalog: every discovered plugin file, loaded or rejected with a reason.
#pragma once

#include "plugin_discovery.hpp"
#include "plugin_loader.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

enum class CheckState { Ok, Error, Skipped };
const char *checkStateName(CheckState state); // "ok" / "error" / "skipped"

struct CatalogEntry {
	std::string name; // check name (descriptor name, or file stem when rejected early)
	PluginKind kind = PluginKind::Native;
	std::filesystem::path path;
	std::string version;
	std::string description;
	CheckState state = CheckState::Error;
	std::string error;		    // one-line reason when not Ok
	std::optional<NativePlugin> native; // set for Ok native checks
};

struct CatalogOptions {
	// Why .py files cannot run in this agent; empty = a provider handles them
	// (python_host, another issue).  The lite build sets
	// "built without Python support".
	std::string python_unavailable_reason;
};

class CheckCatalog {
public:
	// Discovers and loads every plugin.  Each rejected file is logged once
	// (warning, category "loader", with its quoted path and reason).  A name
	// provided twice: the first file (folder order, then file name) wins, the
	// later one is rejected with "duplicate check name 'x', already provided by
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
