// SPDX-License-Identifier: Apache-2.0
// PluginLoader: validates and loads native check and provider shared objects.
#pragma once

#include "plugins/error.hpp"

#include <vigil/check.h>
#include <vigil/provider.h>

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

// ELF pre-check and dlopen with RTLD_NOW | RTLD_LOCAL, both through one
// descriptor of the file (the file checked is the file loaded, see
// openCheckedLibrary() in loader.cpp), entry symbol, ABI version (major
// equal, minor not newer: the message names both versions), struct_size,
// non-null name/create/run/destroy, valid name.  Throws PluginError with a
// one-line reason; never leaves a half-loaded plugin.
NativePlugin loadNativePlugin(const std::filesystem::path &path);

// A loaded, validated provider plugin (python_host): same rules as a native
// check, with its own entry symbol and descriptor.
struct ProviderPlugin {
	std::filesystem::path path;
	std::shared_ptr<boost::dll::shared_library> library;
	const vigil_provider_descriptor *descriptor = nullptr;
	std::string name;
	std::string version;
	std::string extension; // the file type it claims, e.g. ".py"
};

// Checked and loaded as loadNativePlugin() does.  Throws PluginError with a
// one-line reason.
ProviderPlugin loadProviderPlugin(const std::filesystem::path &path);

} // namespace vigil
