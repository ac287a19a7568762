// SPDX-License-Identifier: Apache-2.0
// SettingReader: typed reads of one vigil.yaml setting, shared by the parsers
// of the file's sections.  Every failure throws ConfigError naming the file,
// the line and the dotted field (`remote_write.basic_auth.username`); unknown
// keys become warnings, never errors, so a newer config still loads.
#pragma once

#include "config/agent_config.hpp"
#include "config/yaml_to_json.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace vigil {

// One `key: value` of a map, with the dotted name used in messages.
struct Setting {
	const YAML::Node &key;
	const YAML::Node &value;
	std::string field;

	int line() const { return yamlValueLine(key, value); }
};

class SettingReader {
public:
	// `base`: what relative paths are relative to (the file's directory).
	SettingReader(const std::string &file, std::filesystem::path base,
		      std::vector<std::string> *warnings);

	std::string string(const Setting &s);
	std::filesystem::path path(const Setting &s);
	double positive(const Setting &s);
	// An integer from 1 to max.
	size_t count(const Setting &s, long long max);

	// Calls f(item) for each item of a list setting, named field[i].
	template <typename F>
	void forEachItem(const Setting &s, const std::string &what, F &&f)
	{
		if (!s.value.IsSequence())
			fail(s, what + ", got " + describeYaml(s.value));
		std::size_t i = 0;
		for (const YAML::Node &item : s.value) {
			Setting is{item, item, s.field + "[" + std::to_string(i++) + "]"};
			f(is);
		}
	}

	// Calls f(name, sub-setting) for each key of a map setting, after the
	// duplicate-key check.
	template <typename F>
	void forEachKey(const Setting &s, const std::string &what, F &&f)
	{
		if (!s.value.IsMap())
			fail(s, what + ", got " + describeYaml(s.value));
		std::set<std::string> seen;
		for (const auto &entry : s.value) {
			const std::string name = entry.first.IsScalar() ? entry.first.Scalar()
									: describeYaml(entry.first);
			Setting sub{entry.first, entry.second, s.field + "." + name};
			if (!seen.insert(name).second)
				fail(yamlLine(entry.first), sub.field, "duplicate key");
			f(name, sub);
		}
	}

	[[noreturn]] void fail(int line, const std::string &field, const std::string &what) const;
	[[noreturn]] void fail(const Setting &s, const std::string &what) const;
	void warn(int line, const std::string &field, const std::string &what) const;
	void warnUnknown(const Setting &s) const;

	const std::string &file() const { return file_; }

private:
	const std::string &file_;
	std::filesystem::path base_;
	std::vector<std::string> *warnings_;
};

} // namespace vigil
