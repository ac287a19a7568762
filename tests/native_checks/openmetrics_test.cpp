// SPDX-License-Identifier: Apache-2.0
// The built openmetrics check through the harness against a loopback HTTP
// server: scrape, health service check, token, limits, warnings.  Its
// parser, mapping and options alone: openmetrics_{parsing,mapping,options}_test.cpp.
#include "check_harness.hpp"
#include "openmetrics_fixtures.hpp"

#include "../http/loopback_server.hpp"

#include <gmock/gmock.h>

#include <string>

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using vigil::openmetrics::testing::fixture;
using vigil::testing::CheckHarness;

// ---- the check, against a loopback server ---------------------------------------

namespace {

using vigil::test::LoopbackAnswer;
using vigil::test::LoopbackRequest;
using vigil::test::LoopbackServer;

LoopbackAnswer answer(std::string body, int status = 200,
		      std::string type = "text/plain; version=0.0.4")
{
	LoopbackAnswer a;
	a.status = status;
	a.body = std::move(body);
	a.headers.emplace_back("Content-Type", std::move(type));
	return a;
}

nlohmann::json instanceFor(const LoopbackServer &server, nlohmann::json extra = {})
{
	nlohmann::json i = {{"openmetrics_endpoint", server.url("/metrics")},
			    {"namespace", "app"},
			    {"metrics", {".+"}}};
	for (auto &[k, v] : extra.items())
		i[k] = v;
	return i;
}

const vigil::ServiceCheck *health(const CheckHarness &check)
{
	for (const auto &sc : check.last().service_checks)
		if (sc.name == "app.openmetrics.health")
			return &sc;
	return nullptr;
}

} // namespace

TEST(OpenMetricsCheck, ScrapesMapsAndReportsHealth)
{
	LoopbackServer server(
		[](const LoopbackRequest &) { return answer(fixture("text_format.txt")); });
	CheckHarness check(VIGIL_CHECK_SO, instanceFor(server, {{"service", "web"}}));
	auto first = check.runAt(100);
	ASSERT_EQ(first.status, vigil::RunStatus::Ok) << first.error;
	EXPECT_TRUE(first.warnings.empty()) << first.warnings[0];
	check.flushAt(100);
	const std::string endpoint = "endpoint:" + server.url("/metrics");
	EXPECT_EQ(check.value("app.go_goroutines", {"a:1", "b:2", endpoint, "service:web"}), 42);
	EXPECT_EQ(check.find("app.rpc_duration_seconds.quantile", {"quantile:0.5"})->type,
		  vigil::SeriesType::Gauge);
	// Counters need a second scrape (monotonic counts).
	EXPECT_EQ(check.find("app.http_requests.count", {"code:200"}), nullptr);
	const vigil::ServiceCheck *ok = health(check);
	ASSERT_NE(ok, nullptr);
	EXPECT_EQ(ok->status, vigil::ServiceStatus::Ok);
	EXPECT_THAT(ok->tags, UnorderedElementsAre(endpoint, "service:web"));

	ASSERT_EQ(check.runAt(110).status, vigil::RunStatus::Ok);
	check.flushAt(110);
	const vigil::Series *requests = check.find("app.http_requests.count", {"code:200"});
	ASSERT_NE(requests, nullptr);
	EXPECT_EQ(requests->type, vigil::SeriesType::Count);
	EXPECT_EQ(requests->value, 0);
	EXPECT_NE(check.find("app.http_request_duration_seconds.bucket", {"upper_bound:1.0"}),
		  nullptr);

	auto requests_seen = server.requests();
	ASSERT_EQ(requests_seen.size(), 2u);
	EXPECT_EQ(requests_seen[0].target, "/metrics");
	EXPECT_THAT(requests_seen[0].header("Accept"),
		    HasSubstr("application/openmetrics-text;version=1.0.0"));
}

TEST(OpenMetricsCheck, ACounterThatAppearsAfterTheFirstScrapeCountsFromZero)
{
	// As V2's flush_first_value: the first scrape only sets baselines; a
	// series first seen later started at 0, so its whole value is sent.
	int scrape = 0;
	LoopbackServer server([&](const LoopbackRequest &) {
		std::string body = "# TYPE jobs counter\njobs_total{queue=\"a\"} 10\n";
		if (++scrape > 1)
			body += "jobs_total{queue=\"b\"} 7\n";
		return answer(body);
	});
	CheckHarness check(VIGIL_CHECK_SO, instanceFor(server));
	ASSERT_EQ(check.runAt(100).status, vigil::RunStatus::Ok);
	check.flushAt(100);
	EXPECT_EQ(check.find("app.jobs.count", {"queue:a"}), nullptr) << "a baseline only";
	ASSERT_EQ(check.runAt(110).status, vigil::RunStatus::Ok);
	check.flushAt(110);
	EXPECT_EQ(check.value("app.jobs.count", {"queue:a"}), 0);
	EXPECT_EQ(check.value("app.jobs.count", {"queue:b"}), 7);
}

TEST(OpenMetricsCheck, FailuresAreCriticalWithTheReason)
{
	LoopbackServer server([](const LoopbackRequest &) { return answer("oops", 503); });
	CheckHarness check(VIGIL_CHECK_SO, instanceFor(server));
	auto outcome = check.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_EQ(outcome.error, "scraping " + server.url("/metrics") + ": HTTP 503");
	check.flushAt(100);
	ASSERT_NE(health(check), nullptr);
	EXPECT_EQ(health(check)->status, vigil::ServiceStatus::Critical);
	EXPECT_EQ(health(check)->message, outcome.error);

	// Nobody listening: a connection error, which may be only a warning.
	int port = server.port();
	nlohmann::json gone = instanceFor(server);
	{
		LoopbackServer other([](const LoopbackRequest &) { return answer(""); });
		port = other.port();
	}
	gone["openmetrics_endpoint"] = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
	CheckHarness refused(VIGIL_CHECK_SO, gone);
	outcome = refused.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_THAT(outcome.error, HasSubstr("scraping http://127.0.0.1:"));
	gone["ignore_connection_errors"] = true;
	gone["enable_health_service_check"] = false;
	CheckHarness ignored(VIGIL_CHECK_SO, gone);
	outcome = ignored.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_THAT(outcome.warnings, ElementsAre(HasSubstr("is not accessible")));
	ignored.flushAt(100);
	EXPECT_EQ(health(ignored), nullptr);
}

TEST(OpenMetricsCheck, BodyLimitMalformedLinesAndMetricLimitWarn)
{
	LoopbackServer server([](const LoopbackRequest &r) {
		if (r.target == "/big")
			return answer(std::string(4096, '#'));
		return answer(fixture("malformed.txt") + "# EOF\n", 200,
			      "application/openmetrics-text; version=1.0.0");
	});
	nlohmann::json big = instanceFor(server, {{"max_body_bytes", 1024}});
	big["openmetrics_endpoint"] = server.url("/big");
	CheckHarness refused(VIGIL_CHECK_SO, big);
	auto outcome = refused.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_THAT(outcome.error, HasSubstr("longer than max_body_bytes (1024 bytes)"));

	CheckHarness check(VIGIL_CHECK_SO,
			   instanceFor(server, {{"metrics", {{{".+", {{"type", "gauge"}}}}}},
						{"max_returned_metrics", 5},
						{"telemetry", true}}));
	outcome = check.runAt(100);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	EXPECT_THAT(
		outcome.warnings,
		ElementsAre(HasSubstr("does not implement, ignored (docs/checks/openmetrics.md): "
				      "telemetry"),
			    "11 malformed line(s) in " + server.url("/metrics") +
				    " skipped; the first, line 4 (invalid value): bad_value abc",
			    "max_returned_metrics: 5 metrics submitted, 7 more dropped"));
	check.flushAt(100);
	EXPECT_EQ(check.value("app.good_a"), 1);
	// The key warning comes once, at the first run.
	outcome = check.runAt(110);
	EXPECT_EQ(outcome.warnings.size(), 2u);
}

TEST(OpenMetricsCheck, BearerTokenFromAFileIsReadAgainWhenRefused)
{
	const auto path = std::filesystem::temp_directory_path() / "vigil_om_check_token";
	std::ofstream(path) << "old\n";
	LoopbackServer server([](const LoopbackRequest &r) {
		if (r.header("Authorization") != "Bearer new")
			return answer("denied", 401);
		return answer("# TYPE up gauge\nup 1\n");
	});
	nlohmann::json token = {
		{"reader", {{"type", "file"}, {"path", path.string()}}},
		{"writer",
		 {{"type", "header"}, {"name", "Authorization"}, {"value", "Bearer <TOKEN>"}}}};
	CheckHarness check(VIGIL_CHECK_SO, instanceFor(server, {{"auth_token", token}}));
	auto outcome = check.runAt(100);
	EXPECT_EQ(outcome.error, "scraping " + server.url("/metrics") + ": HTTP 401");
	std::ofstream(path) << "new\n";
	outcome = check.runAt(110);
	ASSERT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
	check.flushAt(110);
	EXPECT_EQ(check.value("app.up"), 1);
	auto seen = server.requests();
	ASSERT_EQ(seen.size(), 4u); // each run: the cached token, then the file again
	EXPECT_EQ(seen[2].header("Authorization"), "Bearer old");
	EXPECT_EQ(seen[3].header("Authorization"), "Bearer new");
	std::filesystem::remove(path);
	outcome = check.runAt(120); // the cached token still works
	EXPECT_EQ(outcome.status, vigil::RunStatus::Ok) << outcome.error;
}

TEST(OpenMetricsCheck, ConfigurationErrorsFailCreate)
{
	CheckHarness check(VIGIL_CHECK_SO, {{"prometheus_url", "http://127.0.0.1:1/metrics"}});
	auto outcome = check.runAt(100);
	EXPECT_EQ(outcome.status, vigil::RunStatus::Error);
	EXPECT_THAT(outcome.error, HasSubstr("create() failed: prometheus_url: this is the "
					     "configuration of Datadog's V1 OpenMetrics check"));
}
