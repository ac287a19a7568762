// SPDX-License-Identifier: Apache-2.0
// Per-check configuration in the Datadog layout: conf.d/NAME.yaml or
// conf.d/NAME.d/*.yaml, each with init_config and a list of instances.
#pragma once

#include "config/error.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// Where an instance runs: in the agent process (fastest, cannot be killed) or
// in a worker process (hard timeout, crash containment); docs/isolation.md.
enum class Isolation { None, Process };
const char *isolationName(Isolation isolation); // "none" / "process"

struct InstanceConfig {
	// "<check>:<name or 'default'>:<16 hex digits>" - the hash covers the
	// instance map and init_config, so it is stable across restarts and
	// different for different configurations.
	std::string id;
	std::string name;			   // the instance's `name`, may be empty
	std::chrono::milliseconds interval{15000}; // min_collection_interval
	std::vector<std::string> tags;
	std::optional<double> timeout;			// vigil_timeout, seconds, if set
	std::optional<Isolation> isolation;		// unset: the agent's default
	std::filesystem::path source;			// the file it came from, empty for defaults
	int line = 0;					// line of the instance in that file
	nlohmann::json data = nlohmann::json::object(); // the instance map as JSON
	nlohmann::json init_config = nlohmann::json::object();
};

struct CheckConfig {
	std::string check;
	std::vector<std::filesystem::path> sources; // files read; empty = none found
	std::vector<InstanceConfig> instances;
	// Problems that made an instance or a file be skipped, each one line
	// naming file, line and field.  The rest of the check still runs.
	std::vector<std::string> errors;
};

// Reads conf_dir/NAME.yaml (or .yml) and every conf_dir/NAME.d/*.yaml in name
// order.  No file at all: one empty instance with defaults.  A file that does
// not parse, or whose top level is wrong, is skipped whole (an entry in
// errors); an instance with a bad field is skipped alone.  Never throws for
// bad content.  If every file was bad, instances is empty.
CheckConfig loadCheckConfig(const std::filesystem::path &conf_dir, const std::string &check);

// Same for text (tests); `source` is used in messages.
CheckConfig parseCheckConfig(const std::string &yaml, const std::string &check,
			     const std::filesystem::path &source);

} // namespace vigil
