// SPDX-License-Identifier: Apache-2.0
#include "config/yaml_to_json.hpp"

#include "config/error.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

namespace vigil {

namespace {

bool allOf(std::string_view s, bool (*pred)(char))
{
	if (s.empty())
		return false;
	for (char c : s)
		if (!pred(c))
			return false;
	return true;
}

bool isDigit(char c)
{
	return c >= '0' && c <= '9';
}
bool isOctal(char c)
{
	return c >= '0' && c <= '7';
}
bool isHex(char c)
{
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool isCoreFloat(std::string_view s)
{
	std::size_t i = 0;
	if (i < s.size() && (s[i] == '-' || s[i] == '+'))
		++i;
	std::size_t int_digits = 0, frac_digits = 0;
	while (i < s.size() && isDigit(s[i]))
		++i, ++int_digits;
	if (i < s.size() && s[i] == '.') {
		++i;
		while (i < s.size() && isDigit(s[i]))
			++i, ++frac_digits;
	}
	if (int_digits == 0 && frac_digits == 0)
		return false;
	if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
		++i;
		if (i < s.size() && (s[i] == '-' || s[i] == '+'))
			++i;
		std::size_t exp_digits = 0;
		while (i < s.size() && isDigit(s[i]))
			++i, ++exp_digits;
		if (exp_digits == 0)
			return false;
	}
	return i == s.size();
}

// from_chars rather than strtod: strtod follows the process locale, and a
// "de_DE" locale would read "1.5" as 1.
double parseFloat(std::string_view s)
{
	bool negative = false;
	if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
		negative = s[0] == '-';
		s.remove_prefix(1);
	}
	double value = 0;
	auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
	(void)ptr;
	if (ec == std::errc::result_out_of_range) {
		// from_chars leaves the value alone here; tell overflow from
		// underflow by the exponent's sign.
		auto e = s.find_first_of("eE");
		bool tiny = e != std::string_view::npos && e + 1 < s.size() && s[e + 1] == '-';
		value = tiny ? 0.0 : std::numeric_limits<double>::infinity();
	}
	return negative ? -value : value;
}

std::optional<nlohmann::json> parseInt(std::string_view text)
{
	std::string_view s = text;
	bool negative = false;
	int base = 10;
	if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && allOf(s.substr(2), isOctal)) {
		base = 8;
		s.remove_prefix(2);
	} else if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && allOf(s.substr(2), isHex)) {
		base = 16;
		s.remove_prefix(2);
	} else {
		if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
			negative = s[0] == '-';
			s.remove_prefix(1);
		}
		if (!allOf(s, isDigit))
			return std::nullopt;
	}
	std::uint64_t magnitude = 0;
	auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
	(void)ptr;
	if (ec == std::errc::result_out_of_range)
		return nlohmann::json(base == 10 ? parseFloat(text) : std::ldexp(1.0, 64));
	if (!negative) {
		if (magnitude <= std::uint64_t(std::numeric_limits<std::int64_t>::max()))
			return nlohmann::json(std::int64_t(magnitude));
		return nlohmann::json(magnitude);
	}
	if (magnitude <= std::uint64_t(std::numeric_limits<std::int64_t>::max()) + 1)
		return nlohmann::json(std::int64_t(0 - magnitude));
	return nlohmann::json(-double(magnitude));
}

nlohmann::json resolvePlain(const std::string &s)
{
	if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL")
		return nullptr;
	if (s == "true" || s == "True" || s == "TRUE")
		return true;
	if (s == "false" || s == "False" || s == "FALSE")
		return false;
	if (auto i = parseInt(s))
		return *i;
	if (isCoreFloat(s))
		return parseFloat(s);
	std::string_view v = s;
	if (!v.empty() && (v[0] == '-' || v[0] == '+'))
		v.remove_prefix(1);
	if (v == ".inf" || v == ".Inf" || v == ".INF")
		return s[0] == '-' ? -std::numeric_limits<double>::infinity()
				   : std::numeric_limits<double>::infinity();
	if (s == ".nan" || s == ".NaN" || s == ".NAN")
		return std::numeric_limits<double>::quiet_NaN();
	return s;
}

} // namespace

std::string configMessage(const std::string &file, int line, const std::string &field,
			  const std::string &what)
{
	std::string msg = file;
	if (line > 0)
		msg += ":" + std::to_string(line);
	msg += ": ";
	if (!field.empty())
		msg += field + ": ";
	msg += what;
	// One line, as ConfigError promises and a log reader expects, even
	// when a key or a value of the file holds a line break.
	std::string line_safe;
	line_safe.reserve(msg.size());
	for (const char c : msg) {
		const auto u = static_cast<unsigned char>(c);
		if (c == '\n')
			line_safe += "\\n";
		else if (c == '\r')
			line_safe += "\\r";
		else if (c == '\t')
			line_safe += "\\t";
		else if (u < 0x20 || u == 0x7f)
			line_safe +=
				{'\\', 'x', "0123456789abcdef"[u >> 4], "0123456789abcdef"[u & 15]};
		else
			line_safe += c;
	}
	return line_safe;
}

int yamlLine(const YAML::Node &node)
{
	const YAML::Mark mark = node.Mark();
	return mark.is_null() ? 0 : mark.line + 1;
}

int yamlValueLine(const YAML::Node &key, const YAML::Node &value)
{
	if (value.IsNull() || yamlLine(value) == 0)
		return yamlLine(key);
	return yamlLine(value);
}

nlohmann::json resolveScalar(const YAML::Node &node)
{
	if (!node.IsDefined() || node.IsNull())
		return nullptr;
	const std::string &tag = node.Tag();
	// yaml-cpp tags quoted and block scalars "!"; an explicit !!str must win too.
	if (tag == "!" || tag == "tag:yaml.org,2002:str")
		return node.Scalar();
	return resolvePlain(node.Scalar());
}

std::string describeYaml(const YAML::Node &node)
{
	if (!node.IsDefined() || node.IsNull())
		return "null";
	if (node.IsSequence())
		return "a list";
	if (node.IsMap())
		return "a map";
	constexpr std::size_t max_chars = 40;
	std::string text = node.Scalar();
	bool cut = text.size() > max_chars;
	if (cut)
		text.resize(max_chars);
	std::string out =
		resolveScalar(node).is_string()
			? nlohmann::json(text).dump(-1, ' ', false,
						    nlohmann::json::error_handler_t::replace)
			: text;
	return cut ? out + "..." : out;
}

std::optional<std::string> yamlString(const YAML::Node &node)
{
	if (!node.IsScalar())
		return std::nullopt;
	nlohmann::json v = resolveScalar(node);
	if (!v.is_string())
		return std::nullopt;
	return v.get<std::string>();
}

std::optional<double> yamlNumber(const YAML::Node &node)
{
	if (!node.IsScalar())
		return std::nullopt;
	nlohmann::json v = resolveScalar(node);
	if (!v.is_number())
		return std::nullopt;
	return v.get<double>();
}

std::optional<long long> yamlInteger(const YAML::Node &node)
{
	if (!node.IsScalar())
		return std::nullopt;
	nlohmann::json v = resolveScalar(node);
	if (!v.is_number_integer() || v.is_number_unsigned())
		return std::nullopt;
	return v.get<long long>();
}

// Built only when a message needs it, so that a walk costs no string work.
struct YamlToJson::Path {
	const Path *parent = nullptr;
	const std::string *key = nullptr; // a map key, or
	std::size_t index = 0;		  // a list index when key is null

	std::string str() const
	{
		std::string out = parent ? parent->str() : std::string();
		if (key)
			out += (out.empty() ? "" : ".") + *key;
		else if (parent)
			out += "[" + std::to_string(index) + "]";
		return out;
	}
};

void YamlToJson::fail(const YAML::Node &node, const Path &path, const std::string &what)
{
	throw ConfigError(configMessage(file_, yamlLine(node), path.str(), what));
}

nlohmann::json YamlToJson::convert(const YAML::Node &node, const std::string &field)
{
	Path root{nullptr, &field, 0};
	return convertNode(node, root, 0);
}

nlohmann::json YamlToJson::convertNode(const YAML::Node &node, const Path &path, int depth)
{
	if (++nodes_ > limits_.max_nodes)
		fail(node, path,
		     "too many values (more than " + std::to_string(limits_.max_nodes) +
			     " once aliases are expanded)");
	switch (node.Type()) {
	case YAML::NodeType::Undefined:
	case YAML::NodeType::Null:
		return nullptr;
	case YAML::NodeType::Scalar:
		bytes_ += node.Scalar().size();
		if (bytes_ > limits_.max_bytes)
			fail(node, path,
			     "too much text (more than " + std::to_string(limits_.max_bytes >> 20) +
				     " MiB once aliases are expanded)");
		return resolveScalar(node);
	case YAML::NodeType::Sequence: {
		// Also what stops a self-referencing alias (&a [*a]), which
		// yaml-cpp builds as a cyclic graph.
		if (depth >= limits_.max_depth)
			fail(node, path,
			     "nested deeper than " + std::to_string(limits_.max_depth) + " levels");
		nlohmann::json out = nlohmann::json::array();
		std::size_t i = 0;
		for (const YAML::Node &item : node) {
			Path child{&path, nullptr, i++};
			out.push_back(convertNode(item, child, depth + 1));
		}
		return out;
	}
	case YAML::NodeType::Map: {
		if (depth >= limits_.max_depth)
			fail(node, path,
			     "nested deeper than " + std::to_string(limits_.max_depth) + " levels");
		nlohmann::json out = nlohmann::json::object();
		for (const auto &entry : node) {
			const YAML::Node &key = entry.first;
			if (!key.IsScalar())
				fail(key, path,
				     "a map key must be a scalar, got " + describeYaml(key));
			const std::string &name = key.Scalar();
			Path child{&path, &name, 0};
			// yaml-cpp keeps both entries of a repeated key; which one a
			// reader sees would be an accident, so refuse.
			if (out.contains(name))
				fail(key, child, "duplicate key");
			out[name] = convertNode(entry.second, child, depth + 1);
		}
		return out;
	}
	}
	return nullptr;
}

} // namespace vigil
