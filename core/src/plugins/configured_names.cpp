// SPDX-License-Identifier: Apache-2.0
#include "plugins/configured_names.hpp"

#include "plugins/loader.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <system_error>

namespace fs = std::filesystem;

namespace vigil {

namespace {

// The suffixes loadCheckConfig() reads (check_config.cpp findCheckFiles).
constexpr std::array<std::string_view, 4> kConfigSuffixes = {".yaml", ".yml", ".yaml.default",
							     ".yml.default"};

// NAME when `file` is NAME plus a config suffix, else "".
std::string stemOfConfig(const std::string &file)
{
	for (std::string_view suffix : kConfigSuffixes)
		if (file.size() > suffix.size() &&
		    file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0)
			return file.substr(0, file.size() - suffix.size());
	return "";
}

// Whether a NAME.d folder holds a file loadCheckConfig() would read.
bool holdsConfig(const fs::path &dir)
{
	std::error_code ec;
	for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
		const std::string name = it->path().filename().string();
		if (!name.empty() && name[0] != '.' && !stemOfConfig(name).empty())
			return true;
	}
	return false;
}

} // namespace

std::vector<ConfiguredName> configuredCheckNames(const fs::path &conf_dir)
{
	std::map<std::string, fs::path> found;
	std::error_code ec;
	for (fs::directory_iterator it(conf_dir, ec), end; !ec && it != end; it.increment(ec)) {
		const fs::path &path = it->path();
		const std::string file = path.filename().string();
		if (file.empty() || file[0] == '.')
			continue;
		std::error_code type_ec;
		std::string name;
		if (it->is_directory(type_ec)) {
			if (file.size() > 2 && file.compare(file.size() - 2, 2, ".d") == 0 &&
			    holdsConfig(path))
				name = file.substr(0, file.size() - 2);
		} else {
			name = stemOfConfig(file);
		}
		if (name.empty() || !isValidCheckName(name))
			continue;
		auto [at, inserted] = found.emplace(name, path);
		// The same source for a name however the folder was listed.
		if (!inserted && path.filename() < at->second.filename())
			at->second = path;
	}
	std::vector<ConfiguredName> names;
	for (auto &[name, source] : found)
		names.push_back({name, std::move(source)});
	return names;
}

} // namespace vigil
