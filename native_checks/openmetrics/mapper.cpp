// SPDX-License-Identifier: Apache-2.0
#include "mapper.hpp"

#include "python_float.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace vigil::openmetrics {

namespace {

// V2 submits a sample as a counter when its name ends in `_total`; the
// Python text parser gives every sample of a text-format counter that name.
bool isCounterSample(const Family &family, const Sample &sample)
{
	return sample.name.ends_with("_total") ||
	       (family.type == FamilyType::Counter && sample.role == SampleRole::Value);
}

vigil_service_status statusFor(const MetricRule &rule, double value)
{
	// Python's int(): toward zero.
	double truncated = std::trunc(value);
	if (truncated < -9.0e18 || truncated > 9.0e18)
		return VIGIL_STATUS_UNKNOWN;
	long long key = static_cast<long long>(truncated);
	for (const auto &[from, status] : rule.status_map)
		if (from == key)
			return status;
	return VIGIL_STATUS_UNKNOWN;
}

// The transformer V2 uses for a declared type; false for the types it has
// none for (untyped, info, stateset, gaugehistogram).
bool nativeTransform(FamilyType type, Transform &out)
{
	switch (type) {
	case FamilyType::Counter:
		out = Transform::Counter;
		return true;
	case FamilyType::Gauge:
		out = Transform::Gauge;
		return true;
	case FamilyType::Histogram:
		out = Transform::Histogram;
		return true;
	case FamilyType::Summary:
		out = Transform::Summary;
		return true;
	default:
		return false;
	}
}

} // namespace

Mapper::Mapper(MappingOptions options)
    : options_(std::move(options)), rules_(options_), tags_(options_)
{
}

std::string Mapper::qualified(std::string_view name) const
{
	if (options_.metric_namespace.empty())
		return std::string(name);
	return options_.metric_namespace + "." + std::string(name);
}

Mapper::Result Mapper::map(const Exposition &exposition, Sink &sink, double now)
{
	sink_ = &sink;
	result_ = {};
	for (const Family &declared : exposition.families) {
		if (declared.sample_count == 0)
			continue;
		// Datadog's check asks for the text format, in which the types only
		// OpenMetrics has are written (by Prometheus' client_python) as
		// these families: map them as it would see them.
		Family f = declared;
		switch (declared.type) {
		case FamilyType::Info:
			f.type = FamilyType::Gauge;
			if (declared.name.ends_with("_info")) {
				one(exposition, f, declared.name, kValues, now);
			} else {
				derived_name_.assign(declared.name);
				derived_name_ += "_info";
				one(exposition, f, derived_name_, kValues, now);
			}
			break;
		case FamilyType::StateSet:
			f.type = FamilyType::Gauge;
			one(exposition, f, declared.name, kValues, now);
			break;
		case FamilyType::GaugeHistogram:
			f.type = FamilyType::Histogram;
			one(exposition, f, declared.name, roleBit(SampleRole::Bucket), now);
			f.type = FamilyType::Gauge;
			derived_name_.assign(declared.name);
			derived_name_ += "_gsum";
			one(exposition, f, derived_name_, roleBit(SampleRole::GSum), now);
			derived_name_.assign(declared.name);
			derived_name_ += "_gcount";
			one(exposition, f, derived_name_, roleBit(SampleRole::GCount), now);
			break;
		default:
			one(exposition, f, declared.name, kValues, now);
		}
	}
	sink_ = nullptr;
	return result_;
}

// One family (or the part of it whose roles are in `roles`) exposed as
// `exposed_name`.
void Mapper::one(const Exposition &exposition, const Family &f, std::string_view exposed_name,
		 unsigned roles, double now)
{
	roles_ = roles;
	std::string_view name = exposed_name;
	if (f.type == FamilyType::Counter && name.ends_with("_total"))
		name.remove_suffix(6);
	const std::string &prefix = options_.raw_metric_prefix;
	if (!prefix.empty() && name.starts_with(prefix))
		name.remove_prefix(prefix.size());
	MetricRules::Decision &decision = rules_.find(name);
	const MetricRule *rule = decision.rule;
	if (!rule)
		return;
	Transform transform = rule->transform;
	if (transform == Transform::Native || transform == Transform::NativeDynamic) {
		if (!nativeTransform(f.type, transform))
			return; // V2: "has no type" / "unsupported type"
		if (rule->transform == Transform::Native) {
			if (!decision.locked) {
				decision.locked = true;
				decision.locked_type = f.type;
			}
			nativeTransform(decision.locked_type, transform);
		}
	}
	const std::string_view sent = rule->name.empty() ? name : std::string_view(rule->name);
	base_.clear();
	if (!options_.metric_namespace.empty()) {
		base_ += options_.metric_namespace;
		base_ += '.';
	}
	base_ += sent;
	if (transform != Transform::ServiceCheck)
		return family(exposition, f, *rule, transform, now);
	for (uint32_t i = 0; i < f.sample_count; ++i) {
		const Sample &s = exposition.samples[f.first_sample + i];
		if (skipped(s) || !tags_.build(exposition, s, f.type))
			continue;
		sink_->serviceCheck(base_.c_str(), statusFor(*rule, s.value), tags_.staticData(),
				    tags_.staticSize(), tags_.hostname());
	}
}

void Mapper::family(const Exposition &exposition, const Family &f, const MetricRule &rule,
		    Transform transform, double now)
{
	if (transform == Transform::Histogram)
		return histogram(exposition, f);
	suffixed(count_, ".count");
	suffixed(sum_, ".sum");
	suffixed(quantile_, ".quantile");
	suffixed(total_, ".total");
	for (uint32_t i = 0; i < f.sample_count; ++i) {
		const Sample &s = exposition.samples[f.first_sample + i];
		if (skipped(s) || !tags_.build(exposition, s, f.type))
			continue;
		switch (transform) {
		case Transform::Gauge:
			submit(VIGIL_METRIC_GAUGE, base_, s.value);
			break;
		case Transform::Counter:
			if (isCounterSample(f, s))
				submit(VIGIL_METRIC_MONOTONIC_COUNT, count_, s.value);
			break;
		case Transform::Summary:
			if (s.name.ends_with("_sum"))
				submit(VIGIL_METRIC_MONOTONIC_COUNT, sum_, s.value);
			else if (s.name.ends_with("_count"))
				submit(VIGIL_METRIC_MONOTONIC_COUNT, count_, s.value);
			else if (s.name == f.name)
				submit(VIGIL_METRIC_GAUGE, quantile_, s.value);
			break;
		case Transform::Rate:
			submit(VIGIL_METRIC_RATE, base_, s.value);
			break;
		case Transform::CounterGauge:
			submit(VIGIL_METRIC_GAUGE, total_, s.value);
			submit(VIGIL_METRIC_MONOTONIC_COUNT, count_, s.value);
			break;
		case Transform::TimeElapsed:
			submit(VIGIL_METRIC_GAUGE, base_, now - s.value);
			break;
		case Transform::TemporalPercent:
			// V2's total_time_to_temporal_percent.
			submit(VIGIL_METRIC_RATE, base_, s.value / rule.scale * 100);
			break;
		case Transform::Native:
		case Transform::NativeDynamic:
		case Transform::Histogram:
		case Transform::ServiceCheck:
			break;
		}
	}
}

void Mapper::histogram(const Exposition &exposition, const Family &f)
{
	suffixed(count_, ".count");
	suffixed(sum_, ".sum");
	suffixed(bucket_, ".bucket");
	const bool buckets = options_.collect_histogram_buckets;
	const bool non_cumulative = buckets && options_.non_cumulative_buckets;
	if (non_cumulative)
		decumulate(exposition, f);
	for (uint32_t i = 0; i < f.sample_count; ++i) {
		const Sample &s = exposition.samples[f.first_sample + i];
		if (skipped(s) || !tags_.build(exposition, s, f.type))
			continue;
		if (s.name.ends_with("_sum")) {
			submit(VIGIL_METRIC_MONOTONIC_COUNT, sum_, s.value);
		} else if (s.name.ends_with("_count")) {
			submit(VIGIL_METRIC_MONOTONIC_COUNT, count_, s.value);
		} else if (buckets && s.name.ends_with("_bucket") && tags_.hasUpperBound() &&
			   !tags_.upperBound().ends_with("inf")) {
			// The +Inf bucket is the same series as _count.
			double value = s.value;
			if (non_cumulative) {
				if (!decumulated_[i])
					continue;
				value = delta_[i];
				bound_.clear();
				if (lower_[i] == 0)
					bound_ += '0';
				else
					appendPythonFloat(lower_[i], bound_);
				tags_.append("lower_bound", bound_);
			}
			submit(VIGIL_METRIC_MONOTONIC_COUNT, bucket_, value);
		}
	}
}

// V2's decumulate_histogram_buckets: per series (the labels other than
// upper_bound), buckets sorted by bound, each one's count less the one
// below it; the lowest starts at 0, or at -inf when its bound is not
// positive.
void Mapper::decumulate(const Exposition &exposition, const Family &f)
{
	buckets_.clear();
	lower_.assign(f.sample_count, 0);
	delta_.assign(f.sample_count, 0);
	decumulated_.assign(f.sample_count, false);
	std::vector<std::pair<std::string_view, std::string>> others;
	std::string scratch;
	for (uint32_t i = 0; i < f.sample_count; ++i) {
		const Sample &s = exposition.samples[f.first_sample + i];
		if (skipped(s) || !s.name.ends_with("_bucket") ||
		    !tags_.build(exposition, s, f.type) || !tags_.hasUpperBound())
			continue;
		Bucket bucket;
		if (!parsePythonFloat(tags_.upperBound(), bucket.upper))
			continue;
		bucket.offset = i;
		others.clear();
		for (uint32_t l = 0; l < s.label_count; ++l) {
			const Label &label = exposition.labels[s.first_label + l];
			if (label.name != "le")
				others.emplace_back(label.name, labelValue(label, scratch));
		}
		std::sort(others.begin(), others.end());
		for (const auto &[name, value] : others) {
			bucket.key.append(name);
			bucket.key += '\0';
			bucket.key += value;
			bucket.key += '\0';
		}
		buckets_.push_back(std::move(bucket));
	}
	std::stable_sort(buckets_.begin(), buckets_.end(), [](const Bucket &a, const Bucket &b) {
		return a.key != b.key ? a.key < b.key : a.upper < b.upper;
	});
	for (size_t i = 0; i < buckets_.size(); ++i) {
		const Bucket &b = buckets_[i];
		const double value = exposition.samples[f.first_sample + b.offset].value;
		if (i == 0 || buckets_[i - 1].key != b.key) {
			lower_[b.offset] =
				b.upper > 0 ? 0 : -std::numeric_limits<double>::infinity();
			delta_[b.offset] = value;
		} else {
			const Bucket &below = buckets_[i - 1];
			lower_[b.offset] = below.upper;
			delta_[b.offset] =
				value - exposition.samples[f.first_sample + below.offset].value;
		}
		decumulated_[b.offset] = true;
	}
}

// What V2 skips before any transformer: values that are not numbers
// (generate_sample_data); and samples of the roles not mapped now.
bool Mapper::skipped(const Sample &sample) const
{
	return !(roles_ & roleBit(sample.role)) || !std::isfinite(sample.value);
}

// Assigned in place, so a name costs no allocation once the strings are warm.
void Mapper::suffixed(std::string &out, std::string_view suffix) const
{
	out.assign(base_);
	out += suffix;
}

void Mapper::submit(vigil_metric_type type, const std::string &name, double value)
{
	if (result_.submitted >= options_.max_returned_metrics) {
		++result_.dropped;
		return;
	}
	++result_.submitted;
	sink_->metric(type, name.c_str(), value, tags_.data(), tags_.size(), tags_.hostname());
}

} // namespace vigil::openmetrics
