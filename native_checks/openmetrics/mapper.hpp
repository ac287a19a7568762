// SPDX-License-Identifier: Apache-2.0
// Turns a parsed exposition into submissions under Datadog's OpenMetrics V2
// names (datadog_checks/base/checks/openmetrics/v2/transformers/):
//
//   counter         NS.NAME.count      monotonic count of the `_total` samples
//   gauge           NS.NAME            gauge
//   histogram       NS.NAME.bucket     monotonic count per `upper_bound` (no +Inf)
//                   NS.NAME.sum/.count monotonic counts
//   summary         NS.NAME.quantile   gauge per `quantile`
//                   NS.NAME.sum/.count monotonic counts
//
// where NAME is the family's name less `raw_metric_prefix` (and a text-format
// counter's `_total`), or the name a `metrics` entry gives it.  As in V2, the
// first family of a NAME fixes its type for the later ones (node_exporter's
// gauge go_memstats_alloc_bytes makes its counter go_memstats_alloc_bytes_total
// a gauge too) unless the entry says `type: native_dynamic`.  The types only
// OpenMetrics has are mapped as V2 sees them in the text format it asks for:
// an info family NAME as the gauge NAME_info, a stateset as a gauge, a
// gaugehistogram NAME as a histogram's buckets and the gauges NAME_gsum and
// NAME_gcount.  Untyped families are skipped unless a `metrics` entry gives
// them a `type:`, as in V2.  NaN and infinite values
// are skipped, and so are `_created` samples.  At most max_returned_metrics
// submissions per map(); the rest are counted, not sent.
#pragma once

#include "exposition.hpp"
#include "mapping_options.hpp"
#include "metric_rules.hpp"
#include "sample_tags.hpp"

#include <vigil/check.h>

#include <cstddef>
#include <string>
#include <vector>

namespace vigil::openmetrics {

// Where submissions go: the agent in the check, a recorder in tests.
class Sink {
public:
	virtual ~Sink() = default;
	virtual void metric(vigil_metric_type type, const char *name, double value,
			    const char *const *tags, size_t tag_count, const char *hostname) = 0;
	virtual void serviceCheck(const char *name, vigil_service_status status,
				  const char *const *tags, size_t tag_count,
				  const char *hostname) = 0;
};

constexpr unsigned roleBit(SampleRole role)
{
	return 1u << unsigned(role);
}

class Mapper {
public:
	explicit Mapper(MappingOptions options);
	Mapper(const Mapper &) = delete;
	Mapper &operator=(const Mapper &) = delete;

	struct Result {
		size_t submitted = 0; // metric submissions made
		size_t dropped = 0;   // submissions over max_returned_metrics
	};
	// `now`: seconds since the epoch, for time_elapsed.
	Result map(const Exposition &exposition, Sink &sink, double now);

	const MappingOptions &options() const { return options_; }
	// NS.SUFFIX, or SUFFIX without a namespace (the health check's name).
	std::string qualified(std::string_view name) const;

private:
	// Every role but OpenMetrics' `_created` timestamps, which are never sent.
	static constexpr unsigned kValues = ~roleBit(SampleRole::Created);

	void one(const Exposition &exposition, const Family &family, std::string_view exposed_name,
		 unsigned roles, double now);
	bool skipped(const Sample &sample) const;
	void family(const Exposition &exposition, const Family &family, const MetricRule &rule,
		    Transform transform, double now);
	void suffixed(std::string &out, std::string_view suffix) const;
	void histogram(const Exposition &exposition, const Family &family);
	void decumulate(const Exposition &exposition, const Family &family);
	void submit(vigil_metric_type type, const std::string &name, double value);

	MappingOptions options_;
	MetricRules rules_;
	SampleTags tags_;
	Sink *sink_ = nullptr;
	Result result_;
	// The names of the family being mapped: NS.NAME and its suffixed forms.
	std::string base_, count_, sum_, bucket_, quantile_, total_;
	std::string derived_name_; // NAME_info, NAME_gsum, NAME_gcount
	unsigned roles_ = kValues; // the roles mapped now

	// Bucket values after decumulation, by sample offset in the family.
	struct Bucket {
		std::string key; // the other labels, to group a histogram's series
		double upper = 0;
		uint32_t offset = 0;
	};
	std::vector<Bucket> buckets_;
	std::vector<double> lower_, delta_;
	std::vector<bool> decumulated_;
	std::string bound_;
};

} // namespace vigil::openmetrics
