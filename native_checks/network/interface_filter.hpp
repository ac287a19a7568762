// SPDX-License-Identifier: Apache-2.0
// Which interfaces the network check skips: the instance's
// `excluded_interfaces` (exact names, default [lo]) and
// `excluded_interface_re` (matched from the start of the name, as Datadog's
// Python re.match does), compiled once when the instance is created.
#pragma once

#include "pattern_list.hpp"

#include <vigil/check.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigil::network {

class InterfaceFilter {
public:
	// Throws std::runtime_error naming the option if it is malformed.
	explicit InterfaceFilter(const vigil::Config &instance);

	bool excluded(std::string_view name);

	const std::vector<std::string> &excludedNames() const { return excluded_names_; }

private:
	std::vector<std::string> excluded_names_;
	vigil::system::PatternList excluded_re_;
	// Regex verdicts by name: the same few interfaces come back every run.
	// Cleared when it grows past a bound, so churned veth names cannot
	// grow it forever.
	std::unordered_map<std::string, bool> re_verdicts_;
};

// First character of the value of `key` in the top-level object of compact
// JSON text ('[' for a list, 'n' for null...), or empty if the key is absent.
// Lets a check tell an absent option from an empty list.
std::optional<char> topLevelValueStart(std::string_view json, std::string_view key);

} // namespace vigil::network
