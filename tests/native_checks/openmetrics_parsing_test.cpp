// SPDX-License-Identifier: Apache-2.0
// The openmetrics check's parser on fixtures of every corner of both text
// formats (tests/data/openmetrics/), and the Python-style numbers in tags.
// The mapping: openmetrics_mapping_test.cpp; the options:
// openmetrics_options_test.cpp; the built check: openmetrics_test.cpp.
#include "openmetrics_fixtures.hpp"
#include "python_float.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace vigil::openmetrics;
using namespace vigil::openmetrics::testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// ---- parser ---------------------------------------------------------------

TEST(OpenMetricsParser, TextFormatFamiliesTypesAndValues)
{
	const std::string body = fixture("text_format.txt");
	Exposition e;
	parseExposition(body, e);
	EXPECT_EQ(e.malformed, 0u) << e.first_malformed;
	std::vector<std::pair<std::string, FamilyType>> families;
	for (const Family &f : e.families)
		if (f.sample_count)
			families.emplace_back(f.name, f.type);
	using T = FamilyType;
	EXPECT_THAT(
		families,
		ElementsAre(
			std::pair<std::string, T>{"http_requests_total", T::Counter},
			std::pair<std::string, T>{"process_restarts", T::Counter},
			std::pair<std::string, T>{"msdos_file_access_time_seconds", T::Gauge},
			std::pair<std::string, T>{"metric_without_timestamp_and_labels",
						  T::Unknown},
			std::pair<std::string, T>{"temperature", T::Gauge},
			std::pair<std::string, T>{"something_weird", T::Unknown},
			std::pair<std::string, T>{"http_request_duration_seconds", T::Histogram},
			std::pair<std::string, T>{"rpc_duration_seconds", T::Summary},
			std::pair<std::string, T>{"go_goroutines", T::Gauge}));
	const Family &temperature = e.families[4];
	ASSERT_EQ(temperature.sample_count, 4u);
	const Sample *t = &e.samples[temperature.first_sample];
	EXPECT_TRUE(std::isnan(t[0].value));
	EXPECT_EQ(t[1].value, INFINITY);
	EXPECT_EQ(t[2].value, -INFINITY);
	EXPECT_EQ(t[3].value, -0.035);
	const Family &histogram = e.families[6];
	std::vector<SampleRole> roles;
	for (uint32_t i = 0; i < histogram.sample_count; ++i)
		roles.push_back(e.samples[histogram.first_sample + i].role);
	using R = SampleRole;
	EXPECT_THAT(roles, ElementsAre(R::Bucket, R::Bucket, R::Bucket, R::Bucket, R::Bucket,
				       R::Sum, R::Count));
	const Sample &goroutines = e.samples.back();
	EXPECT_EQ(goroutines.value, 42);
	ASSERT_EQ(goroutines.label_count, 2u);
	EXPECT_EQ(e.labels[goroutines.first_label + 1].name, "b");
}

TEST(OpenMetricsParser, UndoesLabelEscapes)
{
	const std::string body = fixture("text_format.txt");
	Exposition e;
	parseExposition(body, e);
	const Sample &s = e.samples[e.families[2].first_sample];
	ASSERT_EQ(s.label_count, 2u);
	std::string scratch;
	EXPECT_EQ(labelValue(e.labels[s.first_label], scratch), "C:\\DIR\\FILE.TXT");
	EXPECT_EQ(labelValue(e.labels[s.first_label + 1], scratch),
		  "Cannot find file:\n\"FILE.TXT\"");
	EXPECT_EQ(s.value, 1.458255915e9);
	// A backslash before anything else stays, as in Prometheus.
	Label other{"l", "a\\tb\\\\", true};
	EXPECT_EQ(labelValue(other, scratch), "a\\tb\\");
}

TEST(OpenMetricsParser, OpenMetricsSuffixesUnitsExemplarsAndEof)
{
	const std::string body = fixture("openmetrics.txt");
	Exposition e;
	parseExposition(body, e);
	EXPECT_EQ(e.malformed, 0u) << e.first_malformed_reason << ": " << e.first_malformed;
	EXPECT_TRUE(e.eof);
	std::vector<std::string> seen;
	for (const Family &f : e.families)
		if (f.sample_count)
			seen.push_back(std::string(f.name) + ":" +
				       std::string(familyTypeName(f.type)) + ":" +
				       std::to_string(f.sample_count));
	EXPECT_THAT(seen,
		    ElementsAre("acme_http_router_request_seconds:summary:3", "requests:counter:3",
				"build:info:1", "feature:stateset:2",
				"queue_latency:gaugehistogram:4", "pending:unknown:1",
				"request_size_bytes:histogram:7", "temperature_celsius:gauge:1"));
	auto family = [&](std::string_view name) {
		return *std::find_if(e.families.begin(), e.families.end(), [&](const Family &f) {
			return f.name == name && f.sample_count;
		});
	};
	const Sample *r = &e.samples[family("requests").first_sample];
	EXPECT_EQ(r[0].role, SampleRole::Total);
	EXPECT_EQ(r[1].role, SampleRole::Created);
	EXPECT_EQ(r[2].value, 3.0); // its exemplar is not a value
	EXPECT_EQ(e.samples[family("build").first_sample].role, SampleRole::Info);
}

TEST(OpenMetricsParser, MalformedLinesAreSkippedAndCounted)
{
	const std::string body = fixture("malformed.txt");
	Exposition e;
	parseExposition(body, e);
	EXPECT_EQ(e.malformed, 11u);
	EXPECT_EQ(e.first_malformed_line, 4u);
	EXPECT_EQ(e.first_malformed, "bad_value abc");
	EXPECT_STREQ(e.first_malformed_reason, "invalid value");
	std::vector<std::string> names;
	for (const Sample &s : e.samples)
		names.emplace_back(s.name);
	EXPECT_THAT(names, ElementsAre("good_a", "good_b", "good_c", "good_d", "good_e", "good_f",
				       "good_g", "good_h", "good_i", "good_j", "good_k", "good_l"));
	for (size_t i = 0; i < e.samples.size(); ++i)
		EXPECT_EQ(e.samples[i].value, double(i + 1));
}

TEST(OpenMetricsParser, EachMalformedShapeHasItsReason)
{
	const std::pair<const char *, const char *> cases[] = {
		{"a{b=\"1\" c=\"2\"} 1", "expected , or } after a label"},
		{"a{b=\"1} 1", "unterminated label value"},
		{"a{b=1} 1", "label value not quoted"},
		{"a{b} 1", "label without ="},
		{"a{b=\"1\",", "unterminated labels"},
		{"a{1=\"1\"} 1", "invalid label name"},
		{"a{b=\"1\",b=\"2\"} 1", "duplicate label name"},
		{"a", "no value"},
		{"a 1 2 3", "text after the value"},
		{"a 1 x", "invalid timestamp"},
		{"a ++1", "invalid value"},
		{"a 1e999", "invalid value"},
		{"9a 1", "no metric name"},
		{"a.b 1", "invalid metric name"},
		{"# TYPE a nonsense", "invalid # TYPE"},
		{"# TYPE a gauge extra", "invalid # TYPE"},
		{"# HELP 9a help", "invalid metric name"},
		{"# EOF\na 1", "text after # EOF"},
	};
	for (const auto &[line, reason] : cases) {
		Exposition e;
		parseExposition(line, e);
		EXPECT_EQ(e.malformed, 1u) << line;
		EXPECT_STREQ(e.first_malformed_reason, reason) << line;
		EXPECT_TRUE(e.samples.empty() && e.labels.empty()) << line;
	}
}

TEST(OpenMetricsParser, NumbersAsPrometheusReadsThem)
{
	const std::pair<const char *, double> cases[] = {
		{"a +1", 1},	       {"a -1.5e3", -1500},	  {"a .5", 0.5},
		{"a 0x10", 16},	       {"a -0x1p-2", -0.25},	  {"a Inf", INFINITY},
		{"a -inf", -INFINITY}, {"a +Infinity", INFINITY}, {"a 1 -1", 1},
		{"a 2 1.5e9", 2},
	};
	for (const auto &[line, value] : cases) {
		Exposition e;
		parseExposition(line, e);
		ASSERT_EQ(e.samples.size(), 1u) << line << ": " << e.first_malformed_reason;
		EXPECT_EQ(e.samples[0].value, value) << line;
	}
}

TEST(OpenMetricsParser, LineEndingsFiltersLimitsAndReuse)
{
	const std::string crlf = fixture("crlf.txt");
	Exposition e;
	parseExposition(crlf, e);
	ASSERT_EQ(e.samples.size(), 1u);
	EXPECT_EQ(e.samples[0].value, 7);
	EXPECT_EQ(e.labels[0].raw_value, "windows");
	EXPECT_EQ(e.families[0].type, FamilyType::Gauge);

	parseExposition("a 1\nb 2\nc 3\n", e, [](std::string_view l) { return l[0] == 'b'; });
	EXPECT_EQ(e.samples.size(), 2u);
	EXPECT_EQ(e.lines, 3u);

	std::string many = "m{";
	for (size_t i = 0; i < kMaxLabels; ++i)
		many += "l" + std::to_string(i) + "=\"v\",";
	parseExposition(many + "} 1", e);
	EXPECT_EQ(e.samples.size(), 1u);
	EXPECT_EQ(e.labels.size(), kMaxLabels);
	parseExposition(many + "x=\"v\"} 1", e);
	EXPECT_STREQ(e.first_malformed_reason, "too many labels");
	std::string dup = "m{";
	for (int i = 0; i < 20; ++i)
		dup += "l" + std::to_string(i) + "=\"v\",";
	parseExposition(dup + "l7=\"w\"} 1", e);
	EXPECT_STREQ(e.first_malformed_reason, "duplicate label name");

	// A reused Exposition reads the same as a fresh one.
	const std::string node = fixture("node_exporter.txt");
	Exposition fresh, reused;
	parseExposition(crlf, reused);
	parseExposition(node, reused);
	parseExposition(node, fresh);
	EXPECT_EQ(reused.samples.size(), fresh.samples.size());
	EXPECT_EQ(reused.families.size(), fresh.families.size());
	EXPECT_EQ(reused.malformed, 0u);
	EXPECT_GT(fresh.samples.size(), 1000u);
}

// ---- numbers in tags --------------------------------------------------------

TEST(OpenMetricsPythonFloat, ReprAsPython)
{
	const std::pair<double, const char *> cases[] = {
		{1.0, "1.0"},
		{0.5, "0.5"},
		{1e-05, "1e-05"},
		{0.0001, "0.0001"},
		{1e16, "1e+16"},
		{1e15, "1000000000000000.0"},
		{123456789012345678.0, "1.2345678901234568e+17"},
		{0.1 + 0.2, "0.30000000000000004"},
		{-2.5, "-2.5"},
		{5e-324, "5e-324"},
		{1.7976931348623157e308, "1.7976931348623157e+308"},
		{INFINITY, "inf"},
		{0.00012345, "0.00012345"},
		{123.456, "123.456"},
	};
	for (const auto &[value, text] : cases) {
		std::string out;
		appendPythonFloat(value, out);
		EXPECT_EQ(out, text);
	}
	const std::pair<const char *, const char *> labels[] = {
		{"0", "0"},	{"-0.0", "0"},	  {"+Inf", "inf"},  {"NaN", "nan"},
		{" 2 ", "2.0"}, {"1e400", "inf"}, {"-1e-400", "0"}, {"infinity", "inf"},
	};
	for (const auto &[label, text] : labels) {
		std::string out;
		EXPECT_TRUE(canonicalNumber(label, out)) << label;
		EXPECT_EQ(out, text) << label;
	}
	std::string out = "kept";
	EXPECT_FALSE(canonicalNumber("abc", out));
	EXPECT_FALSE(canonicalNumber("nan(1)", out));
	EXPECT_EQ(out, "kept");
}
