// SPDX-License-Identifier: Apache-2.0
// PluginLoader: validates and loads native check shared objects.
#pragma once

#include "plugin_error.hpp"

#include <vigil/check.h>

#include <filesystem>
#include <memory>
#include <string>

namespace boost::dll {
class shared_library;
}

namespace vigil {

// A loaded, validated native check.  The library is never unloaded while the
// agent runs (objects made by plugin code may outlive any guess we make), so
// `library` only keeps the handle alive.
struct NativePlugin {
	std::filesystem::path path;
	std::shared_ptr<boost::dll::shared_library> library;
	const vigil_check_descriptor *descriptor = nullptr;
	std::string name; // copied from the descriptor
	std::string version;
	std::string description;
};

// True if `name` is a valid check name: starts with [A-Za-z0-9_], then
// [A-Za-z0-9_.-], at most 64 characters.
bool isValidCheckName(const std::string &name);

// ELF pre-check, dlopen with RTLD_NOW | RTLD_LOCAL, entry symbol, ABI version
// (major equal, minor not newer: the message names both versions),
// struct_size, non-null name/create/run/destroy, valid name.  Throws
// PluginError with a one-line reason; never leaves a half-loaded plugin.
NativePlugin loadNativePlugin(const std::filesystem::path &path);

} // namespace vigil
