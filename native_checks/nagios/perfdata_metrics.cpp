// SPDX-License-Identifier: Apache-2.0
#include "perfdata_metrics.hpp"

#include <cmath>

namespace vigil::nagios {

namespace {

struct KnownUnit {
	std::string_view uom;
	UnitRule rule;
};

constexpr double kKi = 1024;

// Case matters: "b" and "Mb" would be bits, "m" minutes or metres, so only
// the spellings plugins use for bytes and seconds are converted.
constexpr KnownUnit kUnits[] = {
	{"s", {"seconds", 1}},
	{"ms", {"seconds", 1e-3}},
	{"us", {"seconds", 1e-6}},
	{"\xC2\xB5s", {"seconds", 1e-6}}, // "µs"
	{"ns", {"seconds", 1e-9}},
	{"%", {"percent", 1}},
	{"B", {"bytes", 1}},
	{"kB", {"bytes", kKi}},
	{"KB", {"bytes", kKi}},
	{"MB", {"bytes", kKi *kKi}},
	{"GB", {"bytes", kKi *kKi *kKi}},
	{"TB", {"bytes", kKi *kKi *kKi *kKi}},
	{"PB", {"bytes", kKi *kKi *kKi *kKi *kKi}},
	{"KiB", {"bytes", kKi}},
	{"MiB", {"bytes", kKi *kKi}},
	{"GiB", {"bytes", kKi *kKi *kKi}},
	{"TiB", {"bytes", kKi *kKi *kKi *kKi}},
	{"PiB", {"bytes", kKi *kKi *kKi *kKi *kKi}},
	{"c", {"counter", 1, true}},
};

void addBound(std::vector<MetricSample> &out, const std::string &base, const char *suffix,
	      double value, const std::vector<std::string> &tags)
{
	if (std::isfinite(value))
		out.push_back({base + "." + suffix, VIGIL_METRIC_GAUGE, value, tags});
}

void addRange(std::vector<MetricSample> &out, const std::string &base, const char *which,
	      const Range &range, double factor, const std::vector<std::string> &tags)
{
	std::vector<std::string> range_tags = tags;
	if (range.inside)
		range_tags.push_back("range:inside");
	std::string low = std::string(which) + "_low";
	std::string high = std::string(which) + "_high";
	if (range.start_written)
		addBound(out, base, low.c_str(), range.start * factor, range_tags);
	addBound(out, base, high.c_str(), range.end * factor, range_tags);
}

} // namespace

UnitRule unitRule(std::string_view uom)
{
	if (uom.empty())
		return {"value", 1};
	for (const KnownUnit &u : kUnits)
		if (u.uom == uom)
			return u.rule;
	return {"value", 1, false, false};
}

std::vector<MetricSample> perfdataSamples(std::string_view prefix, const Perfdatum &item,
					  bool thresholds)
{
	std::vector<MetricSample> out;
	UnitRule rule = unitRule(item.uom);
	std::string base = std::string(prefix) + "." + std::string(rule.family);
	std::vector<std::string> tags{"perfdata:" + item.label};
	if (!rule.known)
		tags.push_back("unit:" + item.uom);

	if (item.value) {
		double v = *item.value * rule.factor;
		if (std::isfinite(v))
			out.push_back(
				{base,
				 rule.counter ? VIGIL_METRIC_MONOTONIC_COUNT : VIGIL_METRIC_GAUGE,
				 v, tags});
	}
	if (!thresholds)
		return out;
	if (item.warn)
		addRange(out, base, "warn", *item.warn, rule.factor, tags);
	if (item.crit)
		addRange(out, base, "crit", *item.crit, rule.factor, tags);
	if (item.min)
		addBound(out, base, "min", *item.min * rule.factor, tags);
	if (item.max)
		addBound(out, base, "max", *item.max * rule.factor, tags);
	return out;
}

} // namespace vigil::nagios
