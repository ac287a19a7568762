// SPDX-License-Identifier: Apache-2.0
// The agent's own vocabulary for what checks report and what a flush emits.
#pragma once

#include <vigil/check.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// Same numbers as the C ABI (and the Datadog agent), so conversion is a cast.
enum class MetricType : int {
	Gauge = VIGIL_METRIC_GAUGE,
	Rate = VIGIL_METRIC_RATE,
	Count = VIGIL_METRIC_COUNT,
	MonotonicCount = VIGIL_METRIC_MONOTONIC_COUNT,
	Counter = VIGIL_METRIC_COUNTER,
	Histogram = VIGIL_METRIC_HISTOGRAM,
	Historate = VIGIL_METRIC_HISTORATE,
};

// True for the values of vigil_metric_type this agent understands.
bool isKnownMetricType(int type);
std::string_view metricTypeName(MetricType type);

// Type of a flushed series, as outputs see it: what the aggregator produced,
// not what the check submitted (a monotonic_count flushes as a count).
enum class SeriesType { Gauge, Count, Rate };
std::string_view seriesTypeName(SeriesType type);

// One value per context per flush.
struct Series {
	std::string name;
	SeriesType type = SeriesType::Gauge;
	double value = 0;
	std::vector<std::string> tags; // sorted, unique
	std::string host;
	double timestamp = 0; // seconds since the epoch
	double interval = 0;  // seconds the value covers (counts and rates), else 0
};

enum class ServiceStatus : int {
	Ok = VIGIL_STATUS_OK,
	Warning = VIGIL_STATUS_WARNING,
	Critical = VIGIL_STATUS_CRITICAL,
	Unknown = VIGIL_STATUS_UNKNOWN,
};
std::string_view serviceStatusName(ServiceStatus status);

struct ServiceCheck {
	std::string name;
	ServiceStatus status = ServiceStatus::Unknown;
	std::vector<std::string> tags;
	std::string host;
	std::string message;
	double timestamp = 0;
};

struct Event {
	std::string title;
	std::string text;
	double timestamp = 0;
	std::string priority = "normal";
	std::string alert_type = "info";
	std::string aggregation_key;
	std::string source_type_name;
	std::string event_type; // the check's name for the kind of event; may be empty
	std::string host;
	std::vector<std::string> tags;
};

struct FlushResult {
	double timestamp = 0;
	std::vector<Series> series;
	std::vector<ServiceCheck> service_checks;
	std::vector<Event> events;
};

} // namespace vigil
