// SPDX-License-Identifier: Apache-2.0
#include "plugins/discovery.hpp"

#include <algorithm>
#include <set>
#include <system_error>

namespace fs = std::filesystem;

namespace vigil {

namespace {

std::string quoted(const fs::path &p)
{
	return "'" + p.string() + "'";
}

// The identity of a folder, so "/opt/p", "/opt/p/" and a symlink to it are
// read once.  Falls back to the lexical form when the folder cannot be
// resolved (it is then reported missing anyway).
fs::path folderKey(const fs::path &dir)
{
	std::error_code ec;
	fs::path canonical = fs::canonical(dir, ec);
	if (!ec)
		return canonical;
	return fs::absolute(dir, ec).lexically_normal();
}

// Adds the plugin files of one folder, sorted by file name so the result
// (and which of two same-named checks wins) does not depend on the order
// the file system returns entries in.
void listFolder(const fs::path &dir, DiscoveryResult &result)
{
	std::error_code ec;
	fs::directory_iterator it(dir, ec);
	if (ec) {
		result.warnings.push_back("cannot read plugin folder " + quoted(dir) + ": " +
					  ec.message() + ", skipping");
		return;
	}

	std::vector<PluginFile> found;
	for (; it != fs::directory_iterator(); it.increment(ec)) {
		const fs::path &path = it->path();
		const std::string name = path.filename().string();
		if (name.empty() || name[0] == '.')
			continue;
		const std::string ext = path.extension().string();
		PluginKind kind;
		if (ext == ".so")
			kind = PluginKind::Native;
		else if (ext == ".py" && name[0] != '_')
			kind = PluginKind::Python;
		else
			continue;
		// A folder named like a plugin is not one.  Anything else (a broken
		// symlink, a file we cannot read) is kept, so the loader can say why
		// it cannot be used instead of the file vanishing silently.
		std::error_code type_ec;
		if (it->is_directory(type_ec))
			continue;
		found.push_back(PluginFile{path, kind, path.stem().string()});
	}
	if (ec)
		result.warnings.push_back("cannot read plugin folder " + quoted(dir) + ": " +
					  ec.message() + ", skipping the rest of it");

	std::sort(found.begin(), found.end(), [](const PluginFile &a, const PluginFile &b) {
		return a.path.filename().native() < b.path.filename().native();
	});
	result.files.insert(result.files.end(), found.begin(), found.end());
}

} // namespace

const char *pluginKindName(PluginKind kind)
{
	switch (kind) {
	case PluginKind::Native:
		return "native";
	case PluginKind::Python:
		return "python";
	}
	return "unknown";
}

DiscoveryResult discoverPlugins(const std::vector<fs::path> &dirs)
{
	DiscoveryResult result;
	std::set<fs::path> seen;
	for (const fs::path &dir : dirs) {
		if (!seen.insert(folderKey(dir)).second)
			continue;

		std::error_code ec;
		fs::file_status status = fs::status(dir, ec);
		if (status.type() == fs::file_type::not_found) {
			result.warnings.push_back("plugin folder " + quoted(dir) +
						  " does not exist, skipping");
			continue;
		}
		if (ec) {
			result.warnings.push_back("cannot read plugin folder " + quoted(dir) +
						  ": " + ec.message() + ", skipping");
			continue;
		}
		if (!fs::is_directory(status)) {
			result.warnings.push_back("plugin folder " + quoted(dir) +
						  " is not a folder, skipping");
			continue;
		}
		listFolder(dir, result);
	}
	return result;
}

} // namespace vigil
