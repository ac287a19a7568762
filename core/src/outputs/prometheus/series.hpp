// SPDX-License-Identifier: Apache-2.0
// PrometheusSeries: turns flushes into Prometheus samples, for the /metrics
// exposition and the remote-write output (type mapping in docs/outputs.md).
#pragma once

#include "aggregation/metric.hpp"
#include "outputs/prometheus/naming.hpp"

#include <map>
#include <string>
#include <vector>

namespace vigil {

enum class PromType { Gauge, Counter };

struct PromSample {
	std::string name; // sanitised, prefixed; counters end in _total
	PromType type = PromType::Gauge;
	std::vector<PromLabel> labels; // sorted by name, unique names, includes the host label
	double value = 0;
	double timestamp = 0; // seconds since the epoch
	std::string help;     // one line for # HELP; empty = a generic one
};

// Name and labels, '\0'-separated (neither may contain '\0' once sanitised):
// two samples with equal keys belong to the same series.
std::string seriesKey(const PromSample &sample);

struct PrometheusNaming {
	std::string prefix; // e.g. "" or "vigil_"; must itself be a valid name start
};

struct PrometheusSeriesOptions {
	// A counter with no increment for this long is forgotten (so churned
	// tags do not grow memory); if it comes back it restarts from 0, which
	// Prometheus reads as a counter reset.  Longer than the aggregator's
	// context expiry on purpose: a reset costs more than a stale entry.
	double counter_expiry_seconds = 3600;
};

// Turns flushes into Prometheus samples.  Counts and monotonic counts become cumulative
// counters (running totals while the agent runs); service checks become a gauge per check.
// Not thread-safe: call from the flush thread only.
class PrometheusSeries {
public:
	explicit PrometheusSeries(PrometheusNaming naming);
	PrometheusSeries(PrometheusNaming naming, PrometheusSeriesOptions options);

	// Samples for what this flush carried (a counter appears when it was
	// flushed, with its running total), in the flush's order.
	std::vector<PromSample> convert(const FlushResult &flush);

	// Counters currently remembered (for tests and status).
	size_t counterCount() const { return counters_.size(); }

private:
	struct CounterState {
		double total = 0;
		double last_update = 0;
	};
	PrometheusNaming naming_;
	PrometheusSeriesOptions options_;
	// Key: name + '\0' + label names and values, '\0'-separated.
	std::map<std::string, CounterState> counters_;
	double last_expiry_ = 0;

	void expireCounters(double now);
};

// The value a service check status is exported as: OK=0, WARNING=1,
// CRITICAL=2, UNKNOWN=3 (the Datadog/Nagios numbers).
double serviceStatusValue(ServiceStatus status);

} // namespace vigil
