// SPDX-License-Identifier: Apache-2.0
// The openmetrics check's mapping to Datadog's OpenMetrics V2 names, types
// and tags, through a recording sink.
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

// ---- mapping ------------------------------------------------------------------

TEST(OpenMetricsMapping, NativeTypesAsDatadogV2NamesThem)
{
	Recorder r = mapFixture("text_format.txt", allMetrics());
	EXPECT_THAT(r.names(),
		    ElementsAre("ns.go_goroutines", "ns.http_request_duration_seconds.bucket",
				"ns.http_request_duration_seconds.count",
				"ns.http_request_duration_seconds.sum", "ns.http_requests.count",
				"ns.msdos_file_access_time_seconds", "ns.process_restarts.count",
				"ns.rpc_duration_seconds.count", "ns.rpc_duration_seconds.quantile",
				"ns.rpc_duration_seconds.sum", "ns.temperature"));
	const Submission &requests = r.one("ns.http_requests.count", {"code:400"});
	EXPECT_EQ(requests.type, VIGIL_METRIC_MONOTONIC_COUNT);
	EXPECT_EQ(requests.value, 3);
	EXPECT_THAT(requests.tags, ElementsAre("code:400", "method:post"));
	EXPECT_EQ(r.one("ns.process_restarts.count").value, 2);
	const Submission &msdos = r.one("ns.msdos_file_access_time_seconds");
	EXPECT_EQ(msdos.type, VIGIL_METRIC_GAUGE);
	EXPECT_THAT(msdos.tags,
		    ElementsAre("error:Cannot find file:\n\"FILE.TXT\"", "path:C:\\DIR\\FILE.TXT"));
	// NaN and infinities are not sent; untyped families neither (V2).
	EXPECT_EQ(r.one("ns.temperature").value, -0.035);
	std::vector<std::string> bounds;
	for (const Submission &s : r.metrics)
		if (s.name == "ns.http_request_duration_seconds.bucket") {
			EXPECT_EQ(s.type, VIGIL_METRIC_MONOTONIC_COUNT);
			bounds.push_back(s.tags[0] + "=" + std::to_string(int(s.value)));
		}
	EXPECT_THAT(bounds, ElementsAre("upper_bound:0.05=24054", "upper_bound:0.1=33444",
					"upper_bound:0.2=100392", "upper_bound:1.0=133988"));
	EXPECT_EQ(r.one("ns.http_request_duration_seconds.count").value, 144320);
	EXPECT_EQ(r.one("ns.http_request_duration_seconds.sum").type, VIGIL_METRIC_MONOTONIC_COUNT);
	const Submission &q = r.one("ns.rpc_duration_seconds.quantile", {"quantile:1.0"});
	EXPECT_EQ(q.type, VIGIL_METRIC_GAUGE);
	EXPECT_EQ(q.value, 80000);
	EXPECT_EQ(r.one("ns.rpc_duration_seconds.quantile", {"quantile:0.01"}).value, 3102);
	EXPECT_EQ(r.one("ns.rpc_duration_seconds.sum").value, 1.7560473e+07);
	EXPECT_THAT(r.one("ns.go_goroutines").tags, ElementsAre("a:1", "b:2"));
}

TEST(OpenMetricsMapping, OpenMetricsFamiliesAsDatadogSeesThemInText)
{
	// info, stateset and gaugehistogram as client_python writes them in the
	// text format Datadog's check asks for: a gauge NAME_info, a gauge, a
	// histogram's buckets with the gauges NAME_gsum and NAME_gcount.
	Recorder r = mapFixture("openmetrics.txt", allMetrics(""));
	EXPECT_THAT(r.names(),
		    ElementsAre("acme_http_router_request_seconds.count",
				"acme_http_router_request_seconds.sum", "build_info", "feature",
				"queue_latency.bucket", "queue_latency_gcount",
				"queue_latency_gsum", "request_size_bytes.bucket",
				"request_size_bytes.count", "request_size_bytes.sum",
				"requests.count", "temperature_celsius"));
	EXPECT_EQ(r.one("requests.count", {"path:/api"}).value, 3);
	EXPECT_EQ(r.one("acme_http_router_request_seconds.count").value, 807283);
	EXPECT_THAT(r.one("build_info").tags, ElementsAre("revision:abc", "version:1.2.3"));
	EXPECT_EQ(r.one("feature", {"feature:b"}).value, 0);
	const Submission &queue = r.one("queue_latency.bucket");
	EXPECT_THAT(queue.tags, ElementsAre("upper_bound:0.5"));
	EXPECT_EQ(queue.type, VIGIL_METRIC_MONOTONIC_COUNT);
	EXPECT_EQ(r.one("queue_latency_gsum").type, VIGIL_METRIC_GAUGE);
	EXPECT_EQ(r.one("queue_latency_gcount").value, 6);
	std::vector<std::string> bounds;
	for (const Submission &s : r.metrics)
		if (s.name == "request_size_bytes.bucket")
			bounds.push_back(s.tags[0]);
	EXPECT_THAT(bounds, ElementsAre("upper_bound:0", "upper_bound:1e-05", "upper_bound:1e+16"));

	// Untyped only with a type; a type overrides the declared one.
	MappingOptions typed = allMetrics("");
	typed.pattern_rules.clear();
	typed.exact_rules.push_back({"build_info", rule("", Transform::Gauge)});
	typed.exact_rules.push_back({"feature", rule("feature_enabled", Transform::Gauge)});
	typed.exact_rules.push_back({"pending", rule("", Transform::Gauge)});
	typed.exact_rules.push_back({"queue_latency", rule("", Transform::Gauge)});
	Recorder t = mapFixture("openmetrics.txt", std::move(typed));
	EXPECT_EQ(t.one("pending").value, 3);
	EXPECT_EQ(t.one("feature_enabled", {"feature:a"}).value, 1);
	EXPECT_EQ(t.one("queue_latency", {"upper_bound:inf"}).value, 6);
	EXPECT_EQ(t.one("queue_latency", {"upper_bound:0.5"}).value, 4);
	EXPECT_EQ(t.metrics.size(), 6u); // build_info, 2 states, pending, 2 buckets
}

TEST(OpenMetricsMapping, ExactNamesThenPatternsRenamesAndExclusions)
{
	MappingOptions o;
	o.metric_namespace = "app";
	o.exact_rules.push_back({"go_goroutines", rule("goroutines", Transform::Native)});
	o.exact_rules.push_back(
		{"http_requests_total", rule("", Transform::Native)}); // V2: no match
	o.pattern_rules.emplace_back(
		vigil::system::PatternList("metrics", {"duration"},
					   {vigil::system::PatternList::Anchor::Anywhere}),
		MetricRule{});
	o.pattern_rules.emplace_back(vigil::system::PatternList("metrics", {"^rpc"}, {}),
				     rule("ignored", Transform::Native));
	o.exclude_names = {"rpc_duration_seconds"};
	Recorder r = mapFixture("text_format.txt", std::move(o));
	EXPECT_THAT(r.names(),
		    ElementsAre("app.goroutines", "app.http_request_duration_seconds.bucket",
				"app.http_request_duration_seconds.count",
				"app.http_request_duration_seconds.sum"));

	MappingOptions p = allMetrics("");
	p.exclude_pattern =
		vigil::system::PatternList("exclude_metrics", {"^http_", "^rpc"},
					   {vigil::system::PatternList::Anchor::Anywhere});
	p.raw_metric_prefix = "go_";
	Recorder q = mapFixture("text_format.txt", std::move(p));
	EXPECT_THAT(q.names(), ElementsAre("goroutines", "msdos_file_access_time_seconds",
					   "process_restarts.count", "temperature"));
}

TEST(OpenMetricsMapping, LabelRulesHostnameAndStaticTags)
{
	MappingOptions o = allMetrics("");
	o.exclude_labels = {"method"};
	o.rename_labels = {{"code", "status_code"}, {"upper_bound", "le"}};
	o.include_labels = {"code", "upper_bound", "path", "quantile", "a"};
	o.exclude_by_labels.push_back({"a", std::nullopt});
	o.exclude_by_labels.push_back(
		{"path", vigil::system::PatternList(
				 "x", {"DIR"}, {vigil::system::PatternList::Anchor::Anywhere})});
	o.tags = {"endpoint:http://x/metrics"};
	o.hostname_label = "code";
	o.hostname_format = "node-<HOSTNAME>.example";
	Recorder r = mapFixture("text_format.txt", std::move(o));
	const Submission &req = r.one("http_requests.count", {"status_code:200"});
	EXPECT_THAT(req.tags, ElementsAre("endpoint:http://x/metrics", "status_code:200"));
	EXPECT_EQ(req.host, "node-200.example");
	EXPECT_THAT(r.one("http_request_duration_seconds.bucket", {"le:0.05"}).tags,
		    ElementsAre("endpoint:http://x/metrics", "le:0.05"));
	EXPECT_EQ(r.one("http_request_duration_seconds.sum").host, "");
	// go_goroutines has `a`, msdos_... a path with DIR: both dropped.
	std::vector<std::string> names = r.names();
	EXPECT_EQ(std::count(names.begin(), names.end(), "go_goroutines"), 0);
	EXPECT_EQ(std::count(names.begin(), names.end(), "msdos_file_access_time_seconds"), 0);
	EXPECT_EQ(std::count(names.begin(), names.end(), "temperature"), 1);
}

TEST(OpenMetricsMapping, NonCumulativeBucketsAndNoBuckets)
{
	const std::string body = "# TYPE h histogram\n"
				 "h_bucket{s=\"a\",le=\"1\"} 2\nh_bucket{s=\"a\",le=\"0.5\"} 1\n"
				 "h_bucket{s=\"a\",le=\"+Inf\"} 5\n"
				 "h_bucket{s=\"b\",le=\"-1\"} 1\nh_bucket{s=\"b\",le=\"0\"} 4\n"
				 "h_bucket{s=\"b\",le=\"+Inf\"} 4\n"
				 "h_sum{s=\"a\"} 3\nh_count{s=\"a\"} 5\n";
	Exposition e;
	parseExposition(body, e);
	MappingOptions o = allMetrics("");
	o.non_cumulative_buckets = true;
	Mapper mapper(std::move(o));
	Recorder r;
	mapper.map(e, r, 0);
	std::vector<std::string> got;
	for (const Submission &s : r.metrics)
		if (s.name == "h.bucket")
			got.push_back(s.tags[0] + " " + s.tags[1] + " " + s.tags[2] + " = " +
				      std::to_string(int(s.value)));
	EXPECT_THAT(got, ElementsAre("lower_bound:0.5 s:a upper_bound:1.0 = 1",
				     "lower_bound:0 s:a upper_bound:0.5 = 1",
				     "lower_bound:-inf s:b upper_bound:-1.0 = 1",
				     "lower_bound:-1.0 s:b upper_bound:0 = 3"));

	MappingOptions n = allMetrics("");
	n.collect_histogram_buckets = false;
	Mapper plain(std::move(n));
	Recorder p;
	plain.map(e, p, 0);
	EXPECT_THAT(p.names(), ElementsAre("h.count", "h.sum"));
}

TEST(OpenMetricsMapping, OtherTransformsAndTheLimit)
{
	const std::string body =
		"# TYPE up gauge\nup{job=\"a\"} 1\nup{job=\"b\"} 0\nup{job=\"c\"} 7\n"
		"# TYPE started gauge\nstarted 900\n"
		"# TYPE gc_ms counter\ngc_ms_total 500\n"
		"# TYPE bytes counter\nbytes_total 64\n";
	Exposition e;
	parseExposition(body, e);
	MappingOptions o;
	MetricRule up = rule("up", Transform::ServiceCheck);
	up.status_map = {{1, VIGIL_STATUS_OK}, {0, VIGIL_STATUS_CRITICAL}};
	o.exact_rules.push_back({"up", up});
	o.exact_rules.push_back({"started", rule("uptime", Transform::TimeElapsed)});
	MetricRule gc = rule("gc.time", Transform::TemporalPercent);
	gc.scale = 1000;
	o.exact_rules.push_back({"gc_ms", gc});
	o.exact_rules.push_back({"bytes", rule("", Transform::CounterGauge)});
	o.tags = {"endpoint:e"};
	Mapper mapper(std::move(o));
	Recorder r;
	mapper.map(e, r, 1000);
	ASSERT_EQ(r.checks.size(), 3u);
	EXPECT_EQ(r.checks[0].value, VIGIL_STATUS_OK);
	EXPECT_EQ(r.checks[1].value, VIGIL_STATUS_CRITICAL);
	EXPECT_EQ(r.checks[2].value, VIGIL_STATUS_UNKNOWN);
	EXPECT_THAT(r.checks[0].tags, ElementsAre("endpoint:e")); // V2: static tags only
	EXPECT_EQ(r.one("uptime").value, 100);
	EXPECT_EQ(r.one("gc.time").type, VIGIL_METRIC_RATE);
	EXPECT_EQ(r.one("gc.time").value, 50);
	EXPECT_EQ(r.one("bytes.total").type, VIGIL_METRIC_GAUGE);
	EXPECT_EQ(r.one("bytes.count").type, VIGIL_METRIC_MONOTONIC_COUNT);

	MappingOptions limited = allMetrics("");
	limited.max_returned_metrics = 2;
	Mapper capped(std::move(limited));
	Recorder c;
	Mapper::Result result = capped.map(e, c, 0);
	EXPECT_EQ(result.submitted, 2u);
	EXPECT_EQ(result.dropped, 4u);
	EXPECT_EQ(c.metrics.size(), 2u);
}

TEST(OpenMetricsMapping, TheFirstFamilyOfANameFixesItsNativeType)
{
	// node_exporter's pair: V2 compiles one transformer per name, from the
	// first family it sees, unless the type is native_dynamic.
	const std::string body = "# TYPE a_bytes gauge\na_bytes 5\n"
				 "# TYPE a_bytes_total counter\na_bytes_total 9\n";
	Exposition e;
	parseExposition(body, e);
	Mapper native(allMetrics(""));
	Recorder n;
	native.map(e, n, 0);
	native.map(e, n, 0); // and it stays so
	ASSERT_EQ(n.metrics.size(), 4u);
	for (const Submission &s : n.metrics) {
		EXPECT_EQ(s.name, "a_bytes");
		EXPECT_EQ(s.type, VIGIL_METRIC_GAUGE);
	}
	EXPECT_EQ(n.metrics[1].value, 9);
	MappingOptions o = allMetrics("");
	o.pattern_rules[0].second.transform = Transform::NativeDynamic;
	Mapper dynamic(std::move(o));
	Recorder d;
	dynamic.map(e, d, 0);
	EXPECT_THAT(d.names(), ElementsAre("a_bytes", "a_bytes.count"));
}

TEST(OpenMetricsMapping, NodeExporterFixture)
{
	MappingOptions o = allMetrics("node");
	Recorder r = mapFixture("node_exporter.txt", std::move(o));
	EXPECT_GT(r.metrics.size(), 1000u);
	EXPECT_EQ(r.one("node.node_cpu_seconds.count", {"cpu:0", "mode:idle"}).type,
		  VIGIL_METRIC_MONOTONIC_COUNT);
	EXPECT_EQ(r.one("node.node_load1").type, VIGIL_METRIC_GAUGE);
	EXPECT_EQ(r.one("node.go_gc_duration_seconds.quantile", {"quantile:0"}).type,
		  VIGIL_METRIC_GAUGE);
	// node_exporter's untyped families (node_vmstat_*) are skipped, as in V2.
	for (const Submission &s : r.metrics)
		EXPECT_FALSE(s.name.starts_with("node.node_vmstat_")) << s.name;
}
