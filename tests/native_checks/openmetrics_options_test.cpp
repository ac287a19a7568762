// SPDX-License-Identifier: Apache-2.0
// The openmetrics check's instance options as V2 reads them, and its one-line
// errors and warnings.
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

// ---- options ------------------------------------------------------------------

TEST(OpenMetricsOptions, MetricsEntriesAsV2ReadsThem)
{
	InstanceOptions o =
		options({{"metrics",
			  {"go_goroutines",
			   {{"process_cpu_seconds", "cpu"}},
			   {{"up",
			     {{"name", "health"},
			      {"type", "service_check"},
			      {"status_map", {{"1", "ok"}, {"0", "CRITICAL"}}}}}},
			   {{"^node_.+", {{"type", "gauge"}}}},
			   "go_goroutines"}},
			 {"extra_metrics",
			  {{{"gc", {{"type", "temporal_percent"}, {"scale", "millisecond"}}}}}}});
	const auto &exact = o.mapping.exact_rules;
	ASSERT_EQ(exact.size(), 4u);
	EXPECT_EQ(exact[0].first, "go_goroutines");
	EXPECT_EQ(exact[1].second.name, "cpu");
	EXPECT_EQ(exact[2].second.transform, Transform::ServiceCheck);
	EXPECT_EQ(exact[2].second.status_map.size(), 2u);
	EXPECT_EQ(exact[3].second.scale, 1000);
	ASSERT_EQ(o.mapping.pattern_rules.size(), 1u);
	EXPECT_EQ(o.mapping.pattern_rules[0].second.transform, Transform::Gauge);
	EXPECT_TRUE(o.mapping.pattern_rules[0].first.matches("node_load1"));
	EXPECT_TRUE(o.warnings.empty()) << o.warnings[0];
	EXPECT_EQ(o.mapping.tags, std::vector<std::string>{"endpoint:http://127.0.0.1:9/metrics"});
}

TEST(OpenMetricsOptions, MistakesAreOneLineNamingTheKey)
{
	using json = nlohmann::json;
	const std::pair<json, const char *> cases[] = {
		{{{"openmetrics_endpoint", ""}}, "openmetrics_endpoint: required"},
		{{{"openmetrics_endpoint", "ftp://x/"}}, "is not an http:// or https:// URL"},
		{{{"openmetrics_endpoint", ""}, {"prometheus_url", "http://x/"}},
		 "prometheus_url: this is the configuration of Datadog's V1"},
		{{{"metrics", json::array({3})}},
		 "metrics[0]: must be a name, a pattern or a mapping, not a number"},
		{{{"metrics", {{{"a", {{"type", "bogus"}}}}}}},
		 "metrics[0].a.type: unknown type 'bogus'"},
		{{{"metrics", {{{"a", {{"type", "service_check"}}}}}}},
		 "metrics[0].a.status_map: required"},
		{{{"metrics", {{{"a", {{"type", "temporal_percent"}, {"scale", "week"}}}}}}},
		 "metrics[0].a.scale: must be one of"},
		{{{"metrics", {"(unclosed"}}}, "metrics: invalid regular expression '(unclosed'"},
		{{{"exclude_metrics", "x"}},
		 "exclude_metrics: must be a list of strings, not a string"},
		{{{"rename_labels", {{"a", 1}}}},
		 "rename_labels.a: must be a string, not a number"},
		{{{"exclude_metrics_by_labels", {{"a", false}}}},
		 "exclude_metrics_by_labels.a: must be a list or true"},
		{{{"headers", {{"X-A", "a\r\nX-Injected: 1"}}}},
		 "headers.X-A: a header value cannot hold"},
		{{{"headers", {{"Bad Name", "a"}}}}, "headers: 'Bad Name' is not a header name"},
		{{{"auth_type", "kerberos"}}, "auth_type: 'kerberos' is not supported"},
		{{{"auth_token",
		   {{"reader", {{"type", "oauth"}}}, {"writer", {{"type", "header"}}}}}},
		 "auth_token.reader.type: 'oauth' is not supported"},
		{{{"auth_token",
		   {{"reader", {{"type", "file"}, {"path", "/t"}}},
		    {"writer",
		     {{"type", "header"}, {"name", "Authorization"}, {"value", "Bearer"}}}}}},
		 "auth_token.writer.value: does not contain the placeholder '<TOKEN>'"},
		{{{"auth_token",
		   {{"reader", {{"type", "file"}, {"path", "/t"}, {"pattern", "a(b)(c)"}}},
		    {"writer", {{"type", "header"}, {"name", "Authorization"}}}}}},
		 "must define exactly one group, it has 2"},
		{{{"hostname_label", "node"}, {"hostname_format", "x"}},
		 "hostname_format: does not contain the placeholder <HOSTNAME>"},
		{{{"max_body_bytes", 0}}, "max_body_bytes: must be a positive number of bytes"},
		{{{"timeout", -1}}, "timeout: must be a positive number of seconds"},
	};
	for (const auto &[instance, message] : cases) {
		const std::string error = optionsError(instance);
		EXPECT_THAT(error, HasSubstr(message)) << instance.dump();
		EXPECT_EQ(error.find('\n'), std::string::npos) << error;
	}
	EXPECT_THAT(optionsError({{"openmetrics_endpoint", "http://x/"}, {"metrics", nullptr}}),
		    HasSubstr("metrics: required"));
}

TEST(OpenMetricsOptions, KeysNotImplementedAreNamedOnce)
{
	InstanceOptions o = options({{"tls_verify", false},
				     {"tls_ca_cert", "/ca.pem"},
				     {"share_labels", {{"a", true}}},
				     {"persist_connections", false}, // what Vigil does anyway
				     {"tls_ignore_warning", true},
				     {"labels_mapper", {{"a", "b"}}},
				     {"send_histograms_buckets", true},
				     {"nonsense_key", 1},
				     {"min_collection_interval", 30},
				     {"tags", {"a:b"}}});
	EXPECT_THAT(
		o.warnings,
		ElementsAre("options of Datadog's openmetrics check that Vigil does not "
			    "implement, ignored (docs/checks/openmetrics.md): share_labels, "
			    "tls_ca_cert, tls_verify",
			    "options of Datadog's V1 OpenMetrics check, ignored (as its V2 check "
			    "ignores them): labels_mapper, send_histograms_buckets",
			    "unknown options, ignored: nonsense_key"));
}

TEST(OpenMetricsOptions, HeadersAuthTimeoutAndLimits)
{
	InstanceOptions d = options({});
	EXPECT_THAT(d.scrape.headers, ElementsAre(std::string(kAcceptHeader)));
	EXPECT_EQ(d.scrape.timeout_seconds, 10);
	EXPECT_EQ(d.scrape.max_body_bytes, 32u << 20);
	EXPECT_EQ(d.mapping.max_returned_metrics, 10000u);

	InstanceOptions h =
		options({{"headers", {{"Host", "example"}, {"X-Count", 3}}},
			 {"extra_headers", {{"host", "other"}, {"Accept-Encoding", "gzip"}}},
			 {"username", "Aladdin"},
			 {"password", "open sesame"},
			 {"timeout", 5},
			 {"max_returned_metrics", "500"},
			 {"tag_by_endpoint", false},
			 {"service", "web"}});
	// `headers` replaces the defaults (no Accept), extra_headers adds.
	EXPECT_THAT(h.scrape.headers,
		    ElementsAre("Host: other", "X-Count: 3",
				"Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
	EXPECT_THAT(h.warnings, ElementsAre(HasSubstr("Accept-Encoding is not sent")));
	EXPECT_EQ(h.scrape.timeout_seconds, 4.5); // under the run's own timeout
	EXPECT_EQ(h.mapping.max_returned_metrics, 500u);
	EXPECT_EQ(h.mapping.tags, std::vector<std::string>{"service:web"});
	EXPECT_EQ(basicAuthorization("a", ""), "Authorization: Basic YTo=");
	EXPECT_EQ(basicAuthorization("ab", ""), "Authorization: Basic YWI6");

	InstanceOptions z = options({{"max_returned_metrics", 0}});
	EXPECT_EQ(z.mapping.max_returned_metrics, 10000u);
	EXPECT_THAT(z.warnings, ElementsAre(HasSubstr("max_returned_metrics: must be a positive")));
	EXPECT_EQ(readInstanceOptions(R"({"openmetrics_endpoint":"http://x/","metrics":[]})",
				      R"({"timeout":3,"service":"s"})")
			  .scrape.timeout_seconds,
		  3);
}

TEST(OpenMetricsOptions, TokenFromAFileThroughAPattern)
{
	const auto path = std::filesystem::temp_directory_path() / "vigil_om_token_test";
	std::ofstream(path) << "  abc.def \n";
	AuthToken whole({path.string(), "", "Authorization", "Bearer <TOKEN>", "<TOKEN>"});
	EXPECT_EQ(whole.headerLine(false), "Authorization: Bearer abc.def");
	std::ofstream(path) << "id=12\nsecret: s3cr3t\n";
	// A token that would end the header early is refused.
	EXPECT_THROW(whole.headerLine(true), std::runtime_error);
	AuthToken pattern({path.string(), "secret: (\\w+)", "X-Token", "<T>!", "<T>"});
	EXPECT_EQ(pattern.headerLine(false), "X-Token: s3cr3t!");
	std::ofstream(path) << "secret: rotated\n";
	EXPECT_EQ(pattern.headerLine(false), "X-Token: s3cr3t!"); // cached
	EXPECT_EQ(pattern.headerLine(true), "X-Token: rotated!");
	std::filesystem::remove(path);
	EXPECT_THROW(pattern.headerLine(true), std::runtime_error);
}
