// SPDX-License-Identifier: Apache-2.0
// yaml-cpp hands every scalar over as text.  This is where that text gets a
// type (YAML 1.2 core schema) and where YAML trees become nlohmann::json, with
// limits so that a hostile file cannot exhaust the stack or the memory.
#pragma once

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace vigil {

// "FILE:LINE: FIELD: WHAT"; LINE is left out when 0, FIELD when empty.
std::string configMessage(const std::string &file, int line, const std::string &field,
			  const std::string &what);

// The 1-based line of a node, 0 when yaml-cpp does not know it.
int yamlLine(const YAML::Node &node);

// The line to blame for a map value: yaml-cpp marks an empty (null) value
// with the position of the token after it, which is often the next line.
int yamlValueLine(const YAML::Node &key, const YAML::Node &value);

// The typed value of a scalar or null node.  Quoted and block scalars, and
// those tagged !!str, stay strings; plain ones follow the core schema (null,
// bool, int, float, else string).  Ints too large for 64 bits become floats.
nlohmann::json resolveScalar(const YAML::Node &node);

// A node in a few words for "got ..." in messages: the scalar as written
// (quoted when it is a string), "null", "a list" or "a map".
std::string describeYaml(const YAML::Node &node);

// Typed views of a node; nullopt when the node is not of that type.  Numbers
// are ints or floats (not bools, not strings that look like numbers).
std::optional<std::string> yamlString(const YAML::Node &node);
std::optional<double> yamlNumber(const YAML::Node &node);
std::optional<long long> yamlInteger(const YAML::Node &node);

struct YamlToJsonLimits {
	int max_depth = 64; // nested lists/maps
	// Totals over every conversion done by one converter: aliases let a small
	// file stand for a huge tree ("billion laughs"), so count what is built.
	std::size_t max_nodes = std::size_t{1} << 20;
	std::size_t max_bytes = std::size_t{64} << 20;
};

// Converts YAML trees into JSON.  Map keys must be scalars and unique.  Use
// one converter per file so the limits cover the whole file.
class YamlToJson {
public:
	explicit YamlToJson(std::string file, YamlToJsonLimits limits = {})
	    : file_(std::move(file)), limits_(limits)
	{
	}

	// Throws ConfigError "FILE:LINE: FIELD...: what is wrong", where FIELD is
	// `field` followed by the path down to the offending node.
	nlohmann::json convert(const YAML::Node &node, const std::string &field);

private:
	struct Path;

	nlohmann::json convertNode(const YAML::Node &node, const Path &path, int depth);
	[[noreturn]] void fail(const YAML::Node &node, const Path &path, const std::string &what);

	std::string file_;
	YamlToJsonLimits limits_;
	std::size_t nodes_ = 0;
	std::size_t bytes_ = 0;
};

} // namespace vigil
