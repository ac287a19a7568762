// SPDX-License-Identifier: Apache-2.0
#include "outputs/prometheus/series.hpp"

#include <cmath>

namespace vigil {

namespace {

bool endsWith(const std::string &s, std::string_view suffix)
{
	return s.size() >= suffix.size() &&
	       s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Prometheus reserves the _total suffix for counters (promtool lints it), but
// Datadog-style gauges often end in it (system.mem.total): those get _value.
std::string nonCounterName(std::string name)
{
	if (endsWith(name, "_total"))
		name += "_value";
	return name;
}

} // namespace

std::string seriesKey(const PromSample &sample)
{
	std::string key = sample.name;
	for (const PromLabel &label : sample.labels) {
		key.push_back('\0');
		key += label.name;
		key.push_back('\0');
		key += label.value;
	}
	return key;
}

double serviceStatusValue(ServiceStatus status)
{
	return static_cast<double>(static_cast<int>(status));
}

PrometheusSeries::PrometheusSeries(PrometheusNaming naming)
    : PrometheusSeries(std::move(naming), PrometheusSeriesOptions{})
{
}

PrometheusSeries::PrometheusSeries(PrometheusNaming naming, PrometheusSeriesOptions options)
    : naming_(std::move(naming)), options_(options)
{
}

std::vector<PromSample> PrometheusSeries::convert(const FlushResult &flush)
{
	std::vector<PromSample> out;
	out.reserve(flush.series.size() + flush.service_checks.size());

	for (const Series &series : flush.series) {
		PromSample sample;
		sample.name = sanitizeMetricName(series.name, naming_.prefix);
		sample.labels = tagsToLabels(series.tags, series.host);
		sample.timestamp = series.timestamp;
		if (series.type == SeriesType::Count) {
			sample.type = PromType::Counter;
			if (!endsWith(sample.name, "_total"))
				sample.name += "_total";
			CounterState &state = counters_[seriesKey(sample)];
			// A count is a sum of increments; a negative one (a check
			// submitting count -1) cannot go into a counter, which
			// only goes up, so it is left out of the total.
			if (std::isfinite(series.value) && series.value > 0)
				state.total += series.value;
			state.last_update = flush.timestamp;
			sample.value = state.total;
		} else {
			// Gauges and rates (a per-second value) are gauges.
			sample.name = nonCounterName(std::move(sample.name));
			sample.value = series.value;
		}
		out.push_back(std::move(sample));
	}

	for (const ServiceCheck &check : flush.service_checks) {
		PromSample sample;
		sample.name = nonCounterName(sanitizeMetricName(check.name, naming_.prefix));
		sample.labels = tagsToLabels(check.tags, check.host);
		sample.value = serviceStatusValue(check.status);
		sample.timestamp = check.timestamp > 0 ? check.timestamp : flush.timestamp;
		sample.help = "Service check status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN";
		out.push_back(std::move(sample));
	}

	expireCounters(flush.timestamp);
	return out;
}

void PrometheusSeries::expireCounters(double now)
{
	// Scanning every flush would cost O(counters); once a minute is plenty.
	if (now - last_expiry_ < 60)
		return;
	last_expiry_ = now;
	for (auto it = counters_.begin(); it != counters_.end();) {
		if (now - it->second.last_update >= options_.counter_expiry_seconds)
			it = counters_.erase(it);
		else
			++it;
	}
}

} // namespace vigil
