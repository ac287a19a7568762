// SPDX-License-Identifier: Apache-2.0
// What the config_* host services answer, given one config scope (the
// instance or init_config JSON object).  The agent's host table and a
// worker process's both use these, so a check sees the same values whether
// it runs in the agent or isolated.  A missing key or a value of the wrong
// type gives the caller's fallback, never an error: checks read optional
// settings this way.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>

namespace vigil::host_config {

inline const nlohmann::json *find(const nlohmann::json &scope, const char *key)
{
	if (!key || !scope.is_object())
		return nullptr;
	auto it = scope.find(key);
	return it == scope.end() ? nullptr : &*it;
}

inline const char *string(const nlohmann::json *v, const char *fallback)
{
	return v && v->is_string() ? v->get_ref<const std::string &>().c_str() : fallback;
}

inline double number(const nlohmann::json *v, double fallback)
{
	return v && v->is_number() ? v->get<double>() : fallback;
}

inline int boolean(const nlohmann::json *v, int fallback)
{
	return v && v->is_boolean() ? static_cast<int>(v->get<bool>()) : fallback;
}

inline std::size_t listSize(const nlohmann::json *v)
{
	return v && v->is_array() ? v->size() : 0;
}

inline const char *listItem(const nlohmann::json *v, std::size_t index)
{
	if (!v || !v->is_array() || index >= v->size() || !(*v)[index].is_string())
		return nullptr;
	return (*v)[index].get_ref<const std::string &>().c_str();
}

} // namespace vigil::host_config
