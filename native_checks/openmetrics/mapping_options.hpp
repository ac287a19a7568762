// SPDX-License-Identifier: Apache-2.0
// What the instance's configuration says about turning an exposition into
// submissions: Datadog's OpenMetrics V2 options, already checked and
// compiled (instance_options.cpp reads them from the YAML).
#pragma once

#include "pattern_list.hpp"

#include <vigil/check.h>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil::openmetrics {

// A `type:` of a `metrics` entry (V2's transformer names).  Native follows
// the type the endpoint declares for the first family of a name it collects,
// and keeps it for later families of that name (V2's `native`, the default);
// NativeDynamic follows each family's own; the others override it.
enum class Transform {
	Native,
	NativeDynamic,
	Gauge,
	Counter,
	Histogram,
	Summary,
	Rate,
	CounterGauge,
	TimeElapsed,
	TemporalPercent,
	ServiceCheck,
};

// One `metrics` entry.
struct MetricRule {
	std::string name; // the sent name; "" = the exposed one (patterns always)
	Transform transform = Transform::Native;
	double scale = 1; // temporal_percent: parts of a second
	std::vector<std::pair<long long, vigil_service_status>> status_map; // service_check
};

// One `exclude_metrics_by_labels` entry: the label, and the values that
// exclude a sample (none: any value does).
struct LabelValueFilter {
	std::string label;
	std::optional<system::PatternList> values;
};

struct MappingOptions {
	std::string metric_namespace;
	std::string raw_metric_prefix;
	// `metrics` and `extra_metrics`: names matched exactly first, then the
	// patterns in their order (Python re.search, so unanchored).
	std::vector<std::pair<std::string, MetricRule>> exact_rules;
	std::vector<std::pair<system::PatternList, MetricRule>> pattern_rules;
	std::vector<std::string> exclude_names;
	system::PatternList exclude_pattern;
	std::vector<LabelValueFilter> exclude_by_labels;
	std::vector<std::string> exclude_labels;
	std::vector<std::string> include_labels;
	std::vector<std::pair<std::string, std::string>> rename_labels;
	// Added to every metric and service check besides the instance's own
	// `tags`, which the agent adds (`endpoint:...`, `service:...`).
	std::vector<std::string> tags;
	std::string hostname_label;
	std::string hostname_format; // "" or containing <HOSTNAME>
	bool collect_histogram_buckets = true;
	bool non_cumulative_buckets = false;
	std::size_t max_returned_metrics = 10000;
};

} // namespace vigil::openmetrics
