// SPDX-License-Identifier: Apache-2.0
#include "json_values.hpp"

#include "python_float.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace vigil::openmetrics::json_values {

std::string kind(const json &value)
{
	switch (value.type()) {
	case json::value_t::null:
		return "null";
	case json::value_t::boolean:
		return "a boolean";
	case json::value_t::string:
		return "a string";
	case json::value_t::array:
		return "a list";
	case json::value_t::object:
		return "a mapping";
	default:
		return "a number";
	}
}

void wrongType(const std::string &key, const char *what, const json &value)
{
	throw std::runtime_error(key + ": must be " + what + ", not " + kind(value));
}

const json *find(const json &object, const std::string &key)
{
	if (!object.is_object())
		return nullptr;
	auto it = object.find(key);
	if (it == object.end() || it->is_null())
		return nullptr;
	return &*it;
}

std::string string(const json &object, const std::string &key, const std::string &fallback)
{
	const json *v = find(object, key);
	if (!v)
		return fallback;
	if (!v->is_string())
		wrongType(key, "a string", *v);
	return v->get<std::string>();
}

bool boolean(const json &object, const std::string &key, bool fallback)
{
	const json *v = find(object, key);
	if (!v)
		return fallback;
	if (v->is_boolean())
		return v->get<bool>();
	if (v->is_number())
		return v->get<double>() != 0;
	if (v->is_string()) {
		std::string s = v->get<std::string>();
		std::transform(s.begin(), s.end(), s.begin(),
			       [](unsigned char c) { return std::tolower(c); });
		return s == "yes" || s == "true" || s == "1" || s == "y" || s == "on";
	}
	wrongType(key, "true or false", *v);
}

double number(const json &object, const std::string &key, double fallback)
{
	const json *v = find(object, key);
	if (!v)
		return fallback;
	if (v->is_number())
		return v->get<double>();
	double value = 0;
	if (v->is_string() && parsePythonFloat(v->get<std::string>(), value))
		return value;
	wrongType(key, "a number", *v);
}

std::vector<std::string> strings(const json &object, const std::string &key)
{
	const json *v = find(object, key);
	if (!v)
		return {};
	if (!v->is_array())
		wrongType(key, "a list of strings", *v);
	std::vector<std::string> out;
	for (size_t i = 0; i < v->size(); ++i) {
		const json &item = (*v)[i];
		if (!item.is_string())
			wrongType(key + "[" + std::to_string(i) + "]", "a string", item);
		out.push_back(item.get<std::string>());
	}
	return out;
}

std::string scalarText(const std::string &key, const json &value)
{
	if (value.is_string())
		return value.get<std::string>();
	if (value.is_boolean())
		return value.get<bool>() ? "True" : "False";
	if (value.is_number_integer() || value.is_number_unsigned())
		return value.dump();
	if (value.is_number_float()) {
		std::string out;
		appendPythonFloat(value.get<double>(), out);
		return out;
	}
	wrongType(key, "a string or a number", value);
}

} // namespace vigil::openmetrics::json_values
