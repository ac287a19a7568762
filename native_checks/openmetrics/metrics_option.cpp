// SPDX-License-Identifier: Apache-2.0
#include "metrics_option.hpp"

#include "json_values.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace vigil::openmetrics {

namespace {

using nlohmann::json;
using system::PatternList;

struct Entry {
	std::string key;
	MetricRule rule;
};

std::string lower(std::string s)
{
	std::transform(s.begin(), s.end(), s.begin(),
		       [](unsigned char c) { return std::tolower(c); });
	return s;
}

// temporal_percent's `scale`: a unit name or parts of a second.
double readScale(const std::string &where, const json &spec)
{
	const json *scale = json_values::find(spec, "scale");
	if (!scale)
		throw std::runtime_error(where + ".scale: required for type temporal_percent");
	if (scale->is_string()) {
		std::string unit = lower(scale->get<std::string>());
		if (unit == "second")
			return 1;
		if (unit == "millisecond")
			return 1e3;
		if (unit == "microsecond")
			return 1e6;
		if (unit == "nanosecond")
			return 1e9;
		throw std::runtime_error(where +
					 ".scale: must be one of microsecond | millisecond "
					 "| nanosecond | second, not '" +
					 scale->get<std::string>() + "'");
	}
	if (scale->is_number_integer() && scale->get<long long>() > 0)
		return static_cast<double>(scale->get<long long>());
	json_values::wrongType(where + ".scale", "a unit name or a positive integer", *scale);
}

// service_check's `status_map`: integer values to OK/WARNING/CRITICAL/UNKNOWN.
std::vector<std::pair<long long, vigil_service_status>> readStatusMap(const std::string &where,
								      const json &spec)
{
	const json *map = json_values::find(spec, "status_map");
	if (!map)
		throw std::runtime_error(where + ".status_map: required for type service_check");
	if (!map->is_object() || map->empty())
		throw std::runtime_error(where + ".status_map: must be a non-empty mapping");
	std::vector<std::pair<long long, vigil_service_status>> out;
	for (const auto &[key, value] : map->items()) {
		long long number = 0;
		size_t used = 0;
		try {
			number = std::stoll(key, &used);
		} catch (const std::exception &) {
			used = 0;
		}
		if (used == 0 || used != key.size())
			throw std::runtime_error(where + ".status_map: value '" + key +
						 "' does not represent an integer");
		if (!value.is_string())
			json_values::wrongType(where + ".status_map." + key, "a status", value);
		std::string status = lower(value.get<std::string>());
		vigil_service_status s;
		if (status == "ok")
			s = VIGIL_STATUS_OK;
		else if (status == "warning")
			s = VIGIL_STATUS_WARNING;
		else if (status == "critical")
			s = VIGIL_STATUS_CRITICAL;
		else if (status == "unknown")
			s = VIGIL_STATUS_UNKNOWN;
		else
			throw std::runtime_error(where + ".status_map." + key +
						 ": invalid status '" + value.get<std::string>() +
						 "'");
		out.emplace_back(number, s);
	}
	return out;
}

// Reads `{name: ..., type: ...}`; false for an entry to skip (metadata).
bool readSpec(const std::string &where, const std::string &key, const json &spec, MetricRule &rule,
	      std::vector<std::string> &warnings)
{
	rule.name = json_values::string(spec, "name", key);
	const std::string type = json_values::string(spec, "type", "native");
	static const std::pair<const char *, Transform> kTypes[] = {
		{"native", Transform::Native},
		{"native_dynamic", Transform::NativeDynamic},
		{"gauge", Transform::Gauge},
		{"counter", Transform::Counter},
		{"histogram", Transform::Histogram},
		{"summary", Transform::Summary},
		{"rate", Transform::Rate},
		{"counter_gauge", Transform::CounterGauge},
		{"time_elapsed", Transform::TimeElapsed},
		{"temporal_percent", Transform::TemporalPercent},
		{"service_check", Transform::ServiceCheck},
	};
	for (const auto &[word, transform] : kTypes) {
		if (type != word)
			continue;
		rule.transform = transform;
		if (transform == Transform::TemporalPercent)
			rule.scale = readScale(where, spec);
		if (transform == Transform::ServiceCheck)
			rule.status_map = readStatusMap(where, spec);
		return true;
	}
	if (type == "metadata") {
		warnings.push_back(where + ": type metadata is not supported (Vigil has no "
					   "metadata), skipping the entry");
		return false;
	}
	throw std::runtime_error(where + ".type: unknown type '" + type + "'");
}

void readList(const json &instance, const std::string &option, std::vector<Entry> &entries,
	      std::vector<std::string> &warnings)
{
	const json *list = json_values::find(instance, option);
	if (!list)
		return;
	if (!list->is_array())
		json_values::wrongType(option, "a list", *list);
	// A key given again replaces its rule but keeps its place (a Python dict).
	auto put = [&](const std::string &key, MetricRule rule) {
		for (Entry &e : entries)
			if (e.key == key) {
				e.rule = std::move(rule);
				return;
			}
		entries.push_back({key, std::move(rule)});
	};
	for (size_t i = 0; i < list->size(); ++i) {
		const json &item = (*list)[i];
		const std::string where = option + "[" + std::to_string(i) + "]";
		if (item.is_string()) {
			MetricRule rule;
			rule.name = item.get<std::string>();
			put(item.get<std::string>(), std::move(rule));
			continue;
		}
		if (!item.is_object())
			json_values::wrongType(where, "a name, a pattern or a mapping", item);
		for (const auto &[key, value] : item.items()) {
			MetricRule rule;
			if (value.is_string()) {
				rule.name = value.get<std::string>();
			} else if (value.is_object()) {
				if (!readSpec(where + "." + key, key, value, rule, warnings))
					continue;
			} else if (value.is_null()) {
				rule.name = key;
			} else {
				json_values::wrongType(where + "." + key, "a new name or a mapping",
						       value);
			}
			put(key, std::move(rule));
		}
	}
}

} // namespace

bool isPythonPattern(std::string_view name)
{
	// Python 3.7+ re.escape() escapes exactly these.
	static constexpr std::string_view kSpecial = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
	return name.find_first_of(kSpecial) != std::string_view::npos;
}

void readMetricRules(const json &instance, MappingOptions &options,
		     std::vector<std::string> &warnings)
{
	std::vector<Entry> entries;
	readList(instance, "metrics", entries, warnings);
	readList(instance, "extra_metrics", entries, warnings);
	for (Entry &e : entries) {
		if (!isPythonPattern(e.key)) {
			options.exact_rules.emplace_back(e.key, std::move(e.rule));
			continue;
		}
		if (!e.rule.name.empty() && e.rule.name != e.key)
			warnings.push_back("metrics: the name '" + e.rule.name +
					   "' given to the pattern '" + e.key +
					   "' is ignored, as in Datadog's check: metrics matched "
					   "by a pattern keep their own names");
		e.rule.name.clear();
		PatternList pattern("metrics", {e.key}, {PatternList::Anchor::Anywhere, false});
		options.pattern_rules.emplace_back(std::move(pattern), std::move(e.rule));
	}
}

} // namespace vigil::openmetrics
