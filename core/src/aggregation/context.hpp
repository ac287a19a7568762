// SPDX-License-Identifier: Apache-2.0
// Per-context state of the Aggregator and the per-type rules that turn a
// context's samples into flushed values (see docs/aggregation.md).
#pragma once

#include "aggregation/metric.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::aggregation {

enum class HistogramAggregate { Max, Min, Median, Avg, Sum, Count };

// What every histogram context emits, resolved once from the options so a
// flush does no parsing and no suffix formatting.
struct HistogramSpec {
	struct Aggregate {
		HistogramAggregate kind;
		std::string suffix; // ".max"
	};
	struct Percentile {
		int percent;	    // 1..100
		std::string suffix; // ".95percentile"
	};
	std::vector<Aggregate> aggregates;
	std::vector<Percentile> percentiles; // ascending, unique
	std::vector<std::string> rejected;   // option values that were ignored, for one log line
};

HistogramSpec makeHistogramSpec(const std::vector<std::string> &aggregates,
				const std::vector<double> &percentiles);

// The k-th smallest of sorted samples under Datadog's rule for percentile p
// (1..100): index (p * n - 1) / 100 in integer arithmetic.
double percentileOfSorted(std::span<const double> sorted, int percent);

struct Context;

// One value a context produced at a flush.  Names and tags are copied into a
// Series later, outside the aggregator's lock; the context outlives that copy
// because only the (single) flusher removes contexts.
struct Emission {
	const Context *context;
	const std::string *suffix; // appended to the context's name; nullptr for none
	SeriesType type;
	double value;
	double timestamp;
	double interval;
};

struct Context {
	Context(uint64_t hash_, std::string_view name_, std::span<const std::string_view> tags_,
		std::string_view host_, MetricType type_);
	// Views point into the context's own block.
	Context(const Context &) = delete;
	Context &operator=(const Context &) = delete;

	bool matches(std::string_view other_name, std::span<const std::string_view> other_tags,
		     std::string_view other_host) const
	{
		if (other_name != name || other_host != host || other_tags.size() != tags.size())
			return false;
		for (size_t i = 0; i < tags.size(); ++i) {
			if (other_tags[i] != tags[i])
				return false;
		}
		return true;
	}

	// Inline because it is the hot path of every submitted sample.
	void add(double v, double t, bool flush_first_value = false)
	{
		sampled = true;
		switch (type) {
		case MetricType::Gauge:
			value = v;
			break;
		case MetricType::Count:
		case MetricType::Counter:
			value += v;
			break;
		case MetricType::MonotonicCount:
			addMonotonic(v, flush_first_value);
			break;
		case MetricType::Rate:
			// Like Datadog: the sample before the latest is the rate's base,
			// whether it arrived in this interval or an earlier one.
			if (has_current) {
				prev_value = cur_value;
				prev_time = cur_time;
				has_prev = true;
			}
			cur_value = v;
			cur_time = t;
			has_current = true;
			break;
		case MetricType::Histogram:
			samples.push_back(v);
			break;
		case MetricType::Historate:
			addHistorate(v, t);
			break;
		}
	}

	// Appends what the interval produced to out and resets the interval's
	// state; rate and monotonic_count baselines survive.
	void flush(const HistogramSpec &spec, double now, double interval,
		   std::vector<Emission> &out);

	const uint64_t hash;

private:
	// name, tags and host in one allocation, so matching a sample touches one
	// more cache line rather than one per string (this dominates the lookup
	// once contexts outgrow the cache).
	std::unique_ptr<std::byte[]> block_;

public:
	std::string_view name;
	std::span<const std::string_view> tags; // sorted, unique
	std::string_view host;
	// The first submitted type owns the context until it expires, as in the
	// Datadog agent; later samples of another type follow this type's rules.
	const MetricType type;

	bool sampled = false;	// since the previous flush
	double last_active = 0; // time of the last flush that found a sample

	// gauge: last value; count: sum; monotonic_count: sum of deltas.
	double value = 0;
	// monotonic_count: whether a delta was computed in this interval.
	bool has_delta = false;
	// monotonic_count and historate: the previous sample (baseline).
	bool has_baseline = false;
	double baseline = 0;
	double baseline_time = 0;
	// rate: the latest sample (since the previous flush) and the one before.
	bool has_current = false;
	bool has_prev = false;
	double cur_value = 0;
	double cur_time = 0;
	double prev_value = 0;
	double prev_time = 0;
	// histogram and historate: this interval's values.
	std::vector<double> samples;

private:
	// flush_first_value: the counter started at 0, so its first value and
	// the value after a reset were all counted since then.  (Datadog replaces
	// the interval's sum with the value after a reset; adding keeps the
	// deltas counted before the reset in the same interval.)
	void addMonotonic(double v, bool flush_first_value)
	{
		if (has_baseline) {
			// A drop is a counter reset: no negative delta, the new value is
			// the next delta's base.
			if (v >= baseline)
				value += v - baseline;
			else if (flush_first_value)
				value += v;
			has_delta = true;
		} else if (flush_first_value) {
			value += v;
			has_delta = true;
		}
		baseline = v;
		has_baseline = true;
	}

	void addHistorate(double v, double t);
	void flushHistogram(const HistogramSpec &spec, double now, double interval,
			    std::vector<Emission> &out);
};

} // namespace vigil::aggregation
