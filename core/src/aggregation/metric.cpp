// SPDX-License-Identifier: Apache-2.0
#include "aggregation/metric.hpp"

namespace vigil {

bool isKnownMetricType(int type)
{
	return type >= VIGIL_METRIC_GAUGE && type <= VIGIL_METRIC_HISTORATE;
}

std::string_view metricTypeName(MetricType type)
{
	switch (type) {
	case MetricType::Gauge:
		return "gauge";
	case MetricType::Rate:
		return "rate";
	case MetricType::Count:
		return "count";
	case MetricType::MonotonicCount:
		return "monotonic_count";
	case MetricType::Counter:
		return "counter";
	case MetricType::Histogram:
		return "histogram";
	case MetricType::Historate:
		return "historate";
	}
	return "unknown";
}

std::string_view seriesTypeName(SeriesType type)
{
	switch (type) {
	case SeriesType::Gauge:
		return "gauge";
	case SeriesType::Count:
		return "count";
	case SeriesType::Rate:
		return "rate";
	}
	return "unknown";
}

std::string_view serviceStatusName(ServiceStatus status)
{
	switch (status) {
	case ServiceStatus::Ok:
		return "OK";
	case ServiceStatus::Warning:
		return "WARNING";
	case ServiceStatus::Critical:
		return "CRITICAL";
	case ServiceStatus::Unknown:
		return "UNKNOWN";
	}
	return "UNKNOWN";
}

} // namespace vigil
