// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the openmetrics check's reading of a scraped body
// (native_checks/openmetrics/): parseExposition(), then the Mapper under
// three configurations (every family by its declared type, everything as a
// gauge, histograms decumulated with renamed and excluded labels).  No input
// is an error for either: a bug is a crash, a sanitizer report, a hang, or a
// broken invariant of what they produce:
//   - every family, sample and label lies inside the input, families cover
//     the samples in order without gaps, samples' labels in order too;
//   - at most one malformed count per line, and the first one recorded;
//   - parsing again into the same (reused) Exposition gives the same result;
//   - every submission has a name and only finite values.
#include "../../native_checks/openmetrics/exposition.hpp"
#include "../../native_checks/openmetrics/mapper.hpp"
#include "seed_corpus.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace vigil::openmetrics;
using vigil::system::PatternList;

void require(bool ok)
{
	if (!ok)
		std::abort();
}

bool inside(std::string_view part, std::string_view whole)
{
	return part.empty() || (part.data() >= whole.data() &&
				part.data() + part.size() <= whole.data() + whole.size());
}

void checkExposition(const Exposition &e, std::string_view body)
{
	require(e.malformed <= e.lines);
	require((e.malformed == 0) == (e.first_malformed_line == 0));
	require(inside(e.first_malformed, body));
	size_t next_sample = 0;
	for (const Family &f : e.families) {
		require(inside(f.name, body) && !f.name.empty());
		require(f.first_sample == next_sample);
		next_sample += f.sample_count;
	}
	require(next_sample == e.samples.size());
	size_t next_label = 0;
	for (const Sample &s : e.samples) {
		require(inside(s.name, body) && !s.name.empty());
		require(s.first_label == next_label && s.label_count <= kMaxLabels);
		next_label += s.label_count;
	}
	require(next_label == e.labels.size());
	std::string scratch;
	for (const Label &l : e.labels) {
		require(inside(l.name, body) && inside(l.raw_value, body) && !l.name.empty());
		require(labelValue(l, scratch).size() <= l.raw_value.size());
	}
}

bool sameParse(const Exposition &a, const Exposition &b)
{
	if (a.families.size() != b.families.size() || a.samples.size() != b.samples.size() ||
	    a.labels.size() != b.labels.size() || a.malformed != b.malformed)
		return false;
	for (size_t i = 0; i < a.samples.size(); ++i)
		if (a.samples[i].name != b.samples[i].name ||
		    a.samples[i].role != b.samples[i].role ||
		    (a.samples[i].value != b.samples[i].value &&
		     !(std::isnan(a.samples[i].value) && std::isnan(b.samples[i].value))))
			return false;
	return true;
}

class CheckingSink : public Sink {
public:
	void metric(vigil_metric_type, const char *name, double value, const char *const *tags,
		    size_t tag_count, const char *) override
	{
		require(name && *name && std::isfinite(value));
		for (size_t i = 0; i < tag_count; ++i)
			require(tags[i] != nullptr);
	}
	void serviceCheck(const char *name, vigil_service_status status, const char *const *,
			  size_t, const char *) override
	{
		require(name && *name && status >= VIGIL_STATUS_OK &&
			status <= VIGIL_STATUS_UNKNOWN);
	}
};

MappingOptions everything(Transform transform)
{
	MappingOptions o;
	o.metric_namespace = "fuzz";
	MetricRule rule;
	rule.transform = transform;
	o.pattern_rules.emplace_back(PatternList("metrics", {"."}, {PatternList::Anchor::Anywhere}),
				     rule);
	o.tags = {"endpoint:fuzz"};
	return o;
}

MappingOptions decumulating()
{
	MappingOptions o = everything(Transform::Native);
	o.non_cumulative_buckets = true;
	o.rename_labels = {{"upper_bound", "le"}, {"a", "b"}};
	o.exclude_labels = {"c"};
	o.hostname_label = "host";
	o.hostname_format = "<HOSTNAME>.fuzz";
	o.max_returned_metrics = 5000;
	return o;
}

} // namespace

namespace vigil::fuzz {

// Bodies in both formats, made by writing families of every type.
void writeSeeds(const SeedWriter &seeds)
{
	auto family = [](const std::string &name, const char *type, const std::string &samples) {
		return "# HELP " + name + " seed\n# TYPE " + name + " " + type + "\n" + samples;
	};
	std::string text =
		family("c_total", "counter", "c_total{a=\"1\"} 3 1700000000000\n") +
		family("g", "gauge", "g{path=\"C:\\\\x\",msg=\"a\\n\\\"b\\\"\"} -1.5e3\n") +
		family("h", "histogram",
		       "h_bucket{le=\"0.5\"} 1\nh_bucket{le=\"1\"} 2\n"
		       "h_bucket{le=\"+Inf\"} 3\nh_sum 2.5\nh_count 3\n") +
		family("s", "summary",
		       "s{quantile=\"0\"} 1\ns{quantile=\"0.99\"} NaN\ns_sum 4\ns_count 2\n") +
		"untyped_one +Inf\n";
	seeds.add("text.txt", text);
	std::string om = "# TYPE r counter\n# UNIT r seconds\nr_total{a=\"x\"} 1.0 # {t=\"1\"} 1\n"
			 "r_created{a=\"x\"} 1.7e9\n# TYPE i info\ni_info{v=\"1\"} 1\n"
			 "# TYPE st stateset\nst{st=\"a\"} 1\nst{st=\"b\"} 0\n"
			 "# TYPE gh gaugehistogram\ngh_bucket{le=\"1\"} 2\ngh_gsum 1\ngh_gcount 2\n"
			 "# EOF\n";
	seeds.add("openmetrics.txt", om);
	std::string many;
	for (int i = 0; i < 200; ++i)
		many += "m_bucket{host=\"h" + std::to_string(i % 7) + "\",le=\"" +
			std::to_string(i % 11) + "\"} " + std::to_string(i) + "\n";
	seeds.add("buckets.txt", family("m", "histogram", many));
}

} // namespace vigil::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string body(reinterpret_cast<const char *>(data), size);
	static Exposition reused; // carries capacity (and stale data) from the previous input
	Exposition fresh;
	parseExposition(body, fresh);
	checkExposition(fresh, body);
	parseExposition(body, reused);
	require(sameParse(fresh, reused));

	static Mapper native(everything(Transform::Native));
	static Mapper gauges(everything(Transform::Gauge));
	static Mapper decumulated(decumulating());
	CheckingSink sink;
	for (Mapper *mapper : {&native, &gauges, &decumulated}) {
		Mapper::Result r = mapper->map(fresh, sink, 1.7e9);
		require(r.submitted <= mapper->options().max_returned_metrics);
	}
	return 0;
}
