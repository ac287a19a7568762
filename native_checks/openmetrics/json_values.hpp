// SPDX-License-Identifier: Apache-2.0
// Typed reads of the instance's options (its JSON, from the YAML), each
// failure one line naming the option and what it holds instead.  Booleans
// are read as Datadog's is_affirmative() reads them, so "true" and "yes"
// written as strings carry over too.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace vigil::openmetrics::json_values {

using nlohmann::json;

// "a string", "a list", ... for messages.
std::string kind(const json &value);

// The value of `key` in `object`; nullptr when absent or null (an empty
// YAML value counts as not given).
const json *find(const json &object, const std::string &key);

std::string string(const json &object, const std::string &key, const std::string &fallback);
bool boolean(const json &object, const std::string &key, bool fallback);
// A number, or a string Python's float() reads.
double number(const json &object, const std::string &key, double fallback);
std::vector<std::string> strings(const json &object, const std::string &key);

// Throws std::runtime_error("KEY: must be WHAT, not KIND").
[[noreturn]] void wrongType(const std::string &key, const char *what, const json &value);

// Python's str() of a scalar YAML value, for header values.
std::string scalarText(const std::string &key, const json &value);

} // namespace vigil::openmetrics::json_values
