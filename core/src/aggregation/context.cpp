// SPDX-License-Identifier: Apache-2.0
#include "aggregation/context.hpp"

#include <algorithm>
#include <cmath>
#include <new>
#include <numeric>

namespace vigil::aggregation {

namespace {

// Above this many retained slots a histogram gives its buffer back after a
// flush, so one burst does not pin memory for the context's lifetime.
constexpr size_t kRetainedSampleCapacity = 4096;

bool parseAggregate(std::string_view name, HistogramAggregate &kind)
{
	static constexpr std::pair<std::string_view, HistogramAggregate> known[] = {
		{"max", HistogramAggregate::Max},	{"min", HistogramAggregate::Min},
		{"median", HistogramAggregate::Median}, {"avg", HistogramAggregate::Avg},
		{"sum", HistogramAggregate::Sum},	{"count", HistogramAggregate::Count},
	};
	for (const auto &[n, k] : known) {
		if (n == name) {
			kind = k;
			return true;
		}
	}
	return false;
}

} // namespace

HistogramSpec makeHistogramSpec(const std::vector<std::string> &aggregates,
				const std::vector<double> &percentiles)
{
	HistogramSpec spec;
	for (const auto &name : aggregates) {
		HistogramAggregate kind;
		bool duplicate = std::any_of(spec.aggregates.begin(), spec.aggregates.end(),
					     [&](const auto &a) { return a.suffix == "." + name; });
		if (!parseAggregate(name, kind) || duplicate) {
			spec.rejected.push_back(name);
			continue;
		}
		spec.aggregates.push_back({kind, "." + name});
	}
	for (double p : percentiles) {
		// Datadog's int(p * 100), nudged so 0.29 gives 29 and not 28.
		int percent = std::isfinite(p) ? static_cast<int>(p * 100 + 1e-9) : 0;
		if (percent < 1 || percent > 100) {
			spec.rejected.push_back(std::to_string(p));
			continue;
		}
		if (std::any_of(spec.percentiles.begin(), spec.percentiles.end(),
				[&](const auto &q) { return q.percent == percent; }))
			continue;
		spec.percentiles.push_back({percent, "." + std::to_string(percent) + "percentile"});
	}
	std::sort(spec.percentiles.begin(), spec.percentiles.end(),
		  [](const auto &a, const auto &b) { return a.percent < b.percent; });
	return spec;
}

double percentileOfSorted(std::span<const double> sorted, int percent)
{
	auto n = static_cast<int64_t>(sorted.size());
	return sorted[static_cast<size_t>((percent * n - 1) / 100)];
}

Context::Context(uint64_t hash_, std::string_view name_, std::span<const std::string_view> tags_,
		 std::string_view host_, MetricType type_)
    : hash(hash_), type(type_ == MetricType::Counter ? MetricType::Count : type_)
{
	size_t chars = name_.size() + host_.size();
	for (auto t : tags_)
		chars += t.size();
	// The views come first: new[] aligns the block for any type.
	size_t view_bytes = tags_.size() * sizeof(std::string_view);
	block_ = std::make_unique_for_overwrite<std::byte[]>(view_bytes + chars);
	auto *views = reinterpret_cast<std::string_view *>(block_.get());
	auto *p = reinterpret_cast<char *>(block_.get() + view_bytes);
	auto place = [&p](std::string_view s) {
		std::string_view placed(p, s.size());
		p = std::copy(s.begin(), s.end(), p);
		return placed;
	};
	name = place(name_);
	host = place(host_);
	for (size_t i = 0; i < tags_.size(); ++i)
		new (&views[i]) std::string_view(place(tags_[i]));
	tags = {views, tags_.size()};
}

void Context::addHistorate(double v, double t)
{
	// Unlike the rate type, negative rates are kept: Datadog's historate
	// keeps them too.  A non-increasing timestamp has no rate.
	if (has_baseline && t > baseline_time)
		samples.push_back((v - baseline) / (t - baseline_time));
	baseline = v;
	baseline_time = t;
	has_baseline = true;
}

void Context::flush(const HistogramSpec &spec, double now, double interval,
		    std::vector<Emission> &out)
{
	if (!sampled)
		return;
	sampled = false;

	switch (type) {
	case MetricType::Gauge:
		out.push_back({this, nullptr, SeriesType::Gauge, value, now, 0});
		break;
	case MetricType::Count:
	case MetricType::Counter:
		out.push_back({this, nullptr, SeriesType::Count, value, now, interval});
		value = 0;
		break;
	case MetricType::MonotonicCount:
		if (has_delta)
			out.push_back({this, nullptr, SeriesType::Count, value, now, interval});
		value = 0;
		has_delta = false;
		break;
	case MetricType::Rate: {
		if (has_prev && has_current) {
			double dt = cur_time - prev_time;
			double rate = dt > 0 ? (cur_value - prev_value) / dt : -1;
			// Datadog discards negative rates (a counter reset) and samples
			// with no time between them.
			if (dt > 0 && rate >= 0)
				out.push_back(
					{this, nullptr, SeriesType::Rate, rate, cur_time, dt});
		}
		if (has_current) {
			prev_value = cur_value;
			prev_time = cur_time;
			has_prev = true;
			has_current = false;
		}
		break;
	}
	case MetricType::Histogram:
	case MetricType::Historate:
		flushHistogram(spec, now, interval, out);
		break;
	}
}

void Context::flushHistogram(const HistogramSpec &spec, double now, double interval,
			     std::vector<Emission> &out)
{
	// A historate's first sample only sets its baseline.
	if (samples.empty())
		return;
	std::sort(samples.begin(), samples.end());
	auto n = static_cast<double>(samples.size());
	for (const auto &agg : spec.aggregates) {
		double v = 0;
		SeriesType st = SeriesType::Gauge;
		double iv = 0;
		switch (agg.kind) {
		case HistogramAggregate::Max:
			v = samples.back();
			break;
		case HistogramAggregate::Min:
			v = samples.front();
			break;
		case HistogramAggregate::Median:
			v = samples[(samples.size() - 1) / 2];
			break;
		case HistogramAggregate::Avg:
			v = std::accumulate(samples.begin(), samples.end(), 0.0) / n;
			break;
		case HistogramAggregate::Sum:
			v = std::accumulate(samples.begin(), samples.end(), 0.0);
			break;
		case HistogramAggregate::Count:
			v = n;
			st = SeriesType::Count;
			iv = interval;
			break;
		}
		out.push_back({this, &agg.suffix, st, v, now, iv});
	}
	for (const auto &pct : spec.percentiles)
		out.push_back({this, &pct.suffix, SeriesType::Gauge,
			       percentileOfSorted(samples, pct.percent), now, 0});
	samples.clear();
	if (samples.capacity() > kRetainedSampleCapacity)
		samples.shrink_to_fit();
}

} // namespace vigil::aggregation
