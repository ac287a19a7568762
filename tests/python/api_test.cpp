// SPDX-License-Identifier: Apache-2.0
// The AgentCheck API as a check sees it, recorded by the host.
#include "recording_host.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

using testing::ElementsAre;
using testing::HasSubstr;
using testing::UnorderedElementsAre;

namespace {

struct ApiRun {
	vigil_context ctx;
	vigil_result result = VIGIL_ERROR;
};

void runApiCheck(ApiRun &r, nlohmann::json instance)
{
	PythonHost &h = PythonHost::get();
	ASSERT_NE(h.provider, nullptr) << h.init_error;
	auto loaded = h.load("api_check.py");
	ASSERT_NE(loaded.check, nullptr) << loaded.error;
	r.ctx.instance = std::move(instance);
	r.ctx.init_config = {{"init_value", 42}};
	r.ctx.instance_id = "api_check:default:1";
	void *check = h.create(loaded.check, r.ctx);
	ASSERT_NE(check, nullptr) << r.ctx.error;
	r.result = h.run(check, r.ctx);
	h.desc->destroy(h.provider, check);
}

TEST(PythonApi, MetricsServiceChecksEventsWarnings)
{
	ApiRun r;
	runApiCheck(r, {{"tags", {"env:test"}}});
	ASSERT_EQ(r.result, VIGIL_OK) << r.ctx.error;
	const auto &c = r.ctx;

	const auto *gauge = c.metric("api.gauge");
	ASSERT_NE(gauge, nullptr);
	EXPECT_EQ(gauge->type, VIGIL_METRIC_GAUGE);
	EXPECT_EQ(gauge->value, 1.5);
	// Instance tags are the agent's to add (to every check kind): a
	// check's own submissions carry only the tags it gave.
	EXPECT_THAT(gauge->tags, ElementsAre("a:1", "b:2", "c:3"));
	EXPECT_EQ(c.metric("api.count")->type, VIGIL_METRIC_COUNT);
	EXPECT_EQ(c.metric("api.monotonic")->type, VIGIL_METRIC_MONOTONIC_COUNT);
	EXPECT_EQ(c.metric("api.rate")->type, VIGIL_METRIC_RATE);
	EXPECT_EQ(c.metric("api.histogram")->type, VIGIL_METRIC_HISTOGRAM);
	EXPECT_EQ(c.metric("api.historate")->type, VIGIL_METRIC_HISTORATE);
	ASSERT_NE(c.metric("raw.gauge"), nullptr) << "raw=True skips the namespace";
	EXPECT_EQ(c.metric("api.hosted")->hostname, "other-host");
	EXPECT_EQ(c.metric("api.gauge")->hostname, "");
	EXPECT_THAT(c.metric("api.device")->tags, ElementsAre("device:sda"));
	EXPECT_EQ(c.metric("api.string_value")->value, 10.5);
	EXPECT_THAT(c.metric("api.bad_tags")->tags, ElementsAre("ok:1", "bytes:1"));
	// ...while self.instance still shows them to the check.
	ASSERT_NE(c.metric("api.instance.tags"), nullptr);
	EXPECT_EQ(c.metric("api.instance.tags")->value, 1);
	EXPECT_THAT(c.metric("api.instance.tags")->tags, ElementsAre("env:test"));

	ASSERT_EQ(c.service_checks.size(), 1u);
	EXPECT_EQ(c.service_checks[0].name, "api.can_connect");
	EXPECT_EQ(c.service_checks[0].status, VIGIL_STATUS_CRITICAL);
	EXPECT_EQ(c.service_checks[0].message, "down");
	EXPECT_THAT(c.service_checks[0].tags, ElementsAre("sc:1"));

	ASSERT_EQ(c.events.size(), 1u);
	EXPECT_EQ(c.events[0].title, "title");
	EXPECT_EQ(c.events[0].text, "text");
	EXPECT_EQ(c.events[0].alert_type, "error");
	EXPECT_EQ(c.events[0].timestamp, 1700000000);
	EXPECT_THAT(c.events[0].tags, ElementsAre("ev:1"));
	EXPECT_EQ(c.events[0].event_type, "deploy");

	EXPECT_THAT(c.warnings, testing::Contains("careful: hot"));
	EXPECT_THAT(c.warnings, testing::Contains(HasSubstr("tag 42 is a int, not a string")));
	EXPECT_TRUE(c.logged("info from api_check"));

	auto value = [&](const char *name) {
		const auto *m = c.metric(name);
		EXPECT_NE(m, nullptr) << name;
		return m ? m->value : -1;
	};
	EXPECT_EQ(value("api.cache.roundtrip"), 1);
	EXPECT_EQ(value("api.cache.missing"), 1);
	EXPECT_EQ(value("api.check_id.set"), 1);
	EXPECT_EQ(value("api.init.value"), 42);
	EXPECT_EQ(value("api.datadog_agent.ok"), 1);
}

// rtloader's signature: (check, check_id, name, value, lower, upper,
// monotonic, hostname, tags[, flush_first_value]); a bucket is sent as a
// count (monotonic_count when monotonic) tagged with its bounds.
TEST(PythonApi, HistogramBucketsTakeRtloadersArguments)
{
	ApiRun r;
	runApiCheck(r, nlohmann::json::object());
	ASSERT_EQ(r.result, VIGIL_OK) << r.ctx.error;
	const auto *bucket = r.ctx.metric("api.bucket");
	ASSERT_NE(bucket, nullptr) << "AgentCheck.submit_histogram_bucket prefixes the namespace";
	EXPECT_EQ(bucket->type, VIGIL_METRIC_MONOTONIC_COUNT);
	EXPECT_EQ(bucket->value, 4);
	EXPECT_EQ(bucket->hostname, "bucket-host");
	EXPECT_THAT(bucket->tags, ElementsAre("hb:1", "lower_bound:0", "upper_bound:10.5"));
	const auto *raw = r.ctx.metric("raw.bucket");
	ASSERT_NE(raw, nullptr) << "aggregator.submit_histogram_bucket called directly";
	EXPECT_EQ(raw->type, VIGIL_METRIC_COUNT);
	EXPECT_EQ(raw->value, 2);
	EXPECT_EQ(raw->hostname, "");
	EXPECT_THAT(raw->tags, ElementsAre("rb:1", "lower_bound:1", "upper_bound:2"));
}

TEST(PythonApi, PersistentCacheKeysAreSafeFileNames)
{
	ApiRun r;
	runApiCheck(r, nlohmann::json::object());
	ASSERT_EQ(r.result, VIGIL_OK) << r.ctx.error;
	// One file, inside state_dir, no '/' or ".." from the key (beside the
	// bytecode cache's folder, pycache/).
	std::vector<std::string> names;
	for (const auto &e : std::filesystem::directory_iterator(PythonHost::get().state_dir))
		if (!e.is_directory())
			names.push_back(e.path().filename().string());
	ASSERT_EQ(names.size(), 1u);
	EXPECT_EQ(names[0].find('/'), std::string::npos);
	EXPECT_THAT(names[0], testing::StartsWith("api_check_default_1_key_.._x-"));
}

TEST(PythonApi, NonNumericValueIsAClearError)
{
	ApiRun r;
	runApiCheck(r, {{"bad_value", true}});
	EXPECT_EQ(r.result, VIGIL_ERROR);
	EXPECT_THAT(r.ctx.error, HasSubstr("TypeError: metric 'api.not_a_number': value 'abc' "
					   "is not a number"));
	EXPECT_THAT(r.ctx.error, HasSubstr("Traceback"));
}

TEST(PythonApi, GaugeThroughput)
{
	PythonHost &h = PythonHost::get();
	auto loaded = h.load("bench_gauges.py");
	ASSERT_NE(loaded.check, nullptr) << loaded.error;
	vigil_context ctx;
	ctx.record_metrics = false;
	constexpr int kSamples = 200000;
	ctx.instance = {{"samples", kSamples}};
	void *check = h.create(loaded.check, ctx);
	ASSERT_NE(check, nullptr) << ctx.error;
	auto start = std::chrono::steady_clock::now();
	ASSERT_EQ(h.run(check, ctx), VIGIL_OK) << ctx.error;
	double seconds =
		std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	EXPECT_EQ(ctx.metric_count, size_t(kSamples));
	// Reported, not asserted tightly: the machine is shared.
	std::printf("gauge with 3 tags: %.0f samples/s\n", kSamples / seconds);
	EXPECT_LT(seconds, 5.0);
	h.desc->destroy(h.provider, check);
}

} // namespace
