// SPDX-License-Identifier: Apache-2.0
// Aggregator: turns the samples checks submit into one value per context per
// flush, with the Datadog agent's check-sampler semantics (see docs/aggregation.md).
#pragma once

#include "aggregation/metric.hpp"

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct AggregatorOptions {
	// Aggregates emitted per histogram context, as NAME.<aggregate>.
	std::vector<std::string> histogram_aggregates{"max", "median", "avg", "count"};
	// Percentiles emitted as NAME.<N>percentile, e.g. 0.95 -> NAME.95percentile.
	std::vector<double> histogram_percentiles{0.95};
	// Host of samples submitted with an empty host.
	std::string default_hostname;
	// A context with no sample for this long is forgotten (rate and
	// monotonic_count baselines included).
	double context_expiry_seconds = 300;
	// Service checks plus events kept between two flushes; past it new ones
	// are dropped and counted (a flood must not grow memory without bound).
	size_t max_pending_items = 10000;
};

// Thread-safe: any number of check runs submit while one flusher flushes.
class Aggregator {
public:
	explicit Aggregator(AggregatorOptions options);
	~Aggregator();
	Aggregator(const Aggregator &) = delete;
	Aggregator &operator=(const Aggregator &) = delete;

	// Precondition (the Sender validates): name not empty, value finite, type
	// known.  tags may be unsorted and contain duplicates; the context is
	// name + sorted unique tags + host.  timestamp is seconds since the epoch.
	// flush_first_value: VIGIL_SUBMIT_FLUSH_FIRST_VALUE (check.h), monotonic
	// counts only.
	void addSample(MetricType type, std::string_view name, double value,
		       std::span<const std::string_view> tags, std::string_view host,
		       double timestamp, bool flush_first_value = false);
	void addServiceCheck(ServiceCheck check);
	void addEvent(Event event);

	// Everything aggregated since the previous flush; resets per-interval
	// state, keeps rate/monotonic baselines.  Series are sorted by name,
	// then tags, then host, so output is stable.
	FlushResult flush(double now);

	// Number of live contexts (for health metrics and tests).
	size_t contextCount() const;

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

} // namespace vigil
