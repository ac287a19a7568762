// SPDX-License-Identifier: Apache-2.0
// What a check submits through the host services table: validation, instance
// tags, config lookups.  Goes through hostServices() exactly as a plugin does.
#include "aggregation/aggregator.hpp"
#include "process/logging.hpp"
#include "sender/run_context.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace vigil;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

class SenderTest : public ::testing::Test {
protected:
	SenderTest() : aggregator_(options())
	{
		config_.id = "demo:default:0000000000000000";
		config_.tags = {"env:test"};
		config_.data = {{"url", "http://x"},
				{"port", 8080},
				{"verbose", true},
				{"items", {"a", "b", 3}}};
		config_.init_config = {{"shared", "yes"}};
		instance_.check_name = "demo";
		instance_.config = &config_;
	}

	static AggregatorOptions options()
	{
		AggregatorOptions o;
		o.default_hostname = "myhost";
		return o;
	}

	RunContext context() { return RunContext(aggregator_, instance_, logger("test")); }

	const vigil_host *host = hostServices();
	InstanceConfig config_;
	InstanceContext instance_;
	Aggregator aggregator_;
};

TEST_F(SenderTest, AcceptedGaugeCarriesInstanceTagsAndDefaultHost)
{
	RunContext ctx = context();
	const char *tags[] = {"b:2", "a:1"};
	host->submit_metric(ctx.handle(), VIGIL_METRIC_GAUGE, "demo.value", 7, tags, 2, nullptr);
	EXPECT_EQ(ctx.samples(), 1u);
	EXPECT_TRUE(ctx.takeWarnings().empty());

	FlushResult f = aggregator_.flush(wallClockSeconds());
	ASSERT_EQ(f.series.size(), 1u);
	EXPECT_EQ(f.series[0].name, "demo.value");
	EXPECT_EQ(f.series[0].value, 7);
	EXPECT_EQ(f.series[0].host, "myhost");
	EXPECT_THAT(f.series[0].tags, ElementsAre("a:1", "b:2", "env:test"));
}

TEST_F(SenderTest, InvalidSamplesAreDroppedWithAWarning)
{
	RunContext ctx = context();
	host->submit_metric(ctx.handle(), VIGIL_METRIC_GAUGE, "", 1, nullptr, 0, nullptr);
	host->submit_metric(ctx.handle(), VIGIL_METRIC_GAUGE, nullptr, 1, nullptr, 0, nullptr);
	host->submit_metric(ctx.handle(), VIGIL_METRIC_GAUGE, "nan.value",
			    std::numeric_limits<double>::quiet_NaN(), nullptr, 0, nullptr);
	host->submit_metric(ctx.handle(), VIGIL_METRIC_GAUGE, "inf.value", INFINITY, nullptr, 0,
			    nullptr);
	std::string long_name(201, 'x');
	host->submit_metric(ctx.handle(), VIGIL_METRIC_GAUGE, long_name.c_str(), 1, nullptr, 0,
			    nullptr);
	host->submit_metric(ctx.handle(), 42, "odd.type", 1, nullptr, 0, nullptr);
	host->submit_metric(ctx.handle(), VIGIL_METRIC_GAUGE, "null.tags", 1, nullptr, 3, nullptr);

	EXPECT_EQ(ctx.samples(), 0u);
	std::vector<std::string> w = ctx.takeWarnings();
	ASSERT_EQ(w.size(), 7u);
	EXPECT_THAT(w[0], HasSubstr("empty name"));
	EXPECT_THAT(w[2], HasSubstr("'nan.value'"));
	EXPECT_THAT(w[2], HasSubstr("not finite"));
	EXPECT_THAT(w[3], HasSubstr("not finite"));
	EXPECT_THAT(w[4], HasSubstr("over the limit of 200"));
	EXPECT_THAT(w[5], HasSubstr("unknown metric type 42"));
	EXPECT_THAT(w[6], HasSubstr("NULL"));
	EXPECT_TRUE(aggregator_.flush(wallClockSeconds()).series.empty());
}

TEST_F(SenderTest, BadTagsAreDroppedButTheSampleIsKept)
{
	RunContext ctx = context();
	std::string long_tag(300, 't');
	const char *tags[] = {"ok:1", nullptr, "", long_tag.c_str()};
	host->submit_metric(ctx.handle(), VIGIL_METRIC_COUNT, "demo.count", 2, tags, 4, "other");
	EXPECT_EQ(ctx.samples(), 1u);
	std::vector<std::string> w = ctx.takeWarnings();
	ASSERT_EQ(w.size(), 1u);
	EXPECT_THAT(w[0], HasSubstr("tag of 300 characters"));
	FlushResult f = aggregator_.flush(wallClockSeconds());
	ASSERT_EQ(f.series.size(), 1u);
	EXPECT_EQ(f.series[0].host, "other");
	EXPECT_THAT(f.series[0].tags, ElementsAre("env:test", "ok:1"));
}

TEST_F(SenderTest, ServiceCheckWithUnknownStatusBecomesUnknown)
{
	RunContext ctx = context();
	host->submit_service_check(ctx.handle(), "demo.up", 9, nullptr, 0, nullptr, "hm");
	EXPECT_THAT(ctx.takeWarnings(), ElementsAre(HasSubstr("unknown status 9")));
	FlushResult f = aggregator_.flush(wallClockSeconds());
	ASSERT_EQ(f.service_checks.size(), 1u);
	EXPECT_EQ(f.service_checks[0].status, ServiceStatus::Unknown);
	EXPECT_EQ(f.service_checks[0].message, "hm");
	EXPECT_THAT(f.service_checks[0].tags, ElementsAre("env:test"));
}

TEST_F(SenderTest, EventsNeedATitleOrText)
{
	RunContext ctx = context();
	vigil_event e{};
	e.struct_size = sizeof(e);
	host->submit_event(ctx.handle(), &e);
	EXPECT_EQ(ctx.takeWarnings().size(), 1u);
	e.title = "deployed";
	e.alert_type = "success";
	host->submit_event(ctx.handle(), &e);
	host->submit_event(ctx.handle(), nullptr);
	EXPECT_EQ(ctx.takeWarnings().size(), 1u);
	FlushResult f = aggregator_.flush(wallClockSeconds());
	ASSERT_EQ(f.events.size(), 1u);
	EXPECT_EQ(f.events[0].title, "deployed");
	EXPECT_EQ(f.events[0].alert_type, "success");
	EXPECT_EQ(f.events[0].priority, "normal");
}

TEST_F(SenderTest, EventTypeIsKeptAndA1_0EventIsStillAccepted)
{
	RunContext ctx = context();
	vigil_event e{};
	e.struct_size = sizeof(e);
	e.title = "deployed";
	e.event_type = "deploy";
	host->submit_event(ctx.handle(), &e);
	// A check built against 1.0 knew no event_type: whatever follows its
	// struct is not read.
	e.struct_size = VIGIL_EVENT_V1_0_SIZE;
	e.title = "older";
	host->submit_event(ctx.handle(), &e);
	e.struct_size = VIGIL_EVENT_V1_0_SIZE - 8;
	host->submit_event(ctx.handle(), &e);
	EXPECT_EQ(ctx.takeWarnings().size(), 1u) << "a struct smaller than 1.0's is refused";
	FlushResult f = aggregator_.flush(wallClockSeconds());
	ASSERT_EQ(f.events.size(), 2u);
	EXPECT_EQ(f.events[0].event_type, "deploy");
	EXPECT_EQ(f.events[1].title, "older");
	EXPECT_EQ(f.events[1].event_type, "");
}

TEST_F(SenderTest, ConfigLookupsReturnValuesOrFallbacks)
{
	RunContext ctx = context();
	vigil_context *c = ctx.handle();
	EXPECT_STREQ(host->config_string(c, VIGIL_CONFIG_INSTANCE, "url", "d"), "http://x");
	EXPECT_STREQ(host->config_string(c, VIGIL_CONFIG_INSTANCE, "port", "d"), "d");
	EXPECT_STREQ(host->config_string(c, VIGIL_CONFIG_INSTANCE, "missing", "d"), "d");
	EXPECT_EQ(host->config_string(c, VIGIL_CONFIG_INSTANCE, "missing", nullptr), nullptr);
	EXPECT_EQ(host->config_number(c, VIGIL_CONFIG_INSTANCE, "port", 1), 8080);
	EXPECT_EQ(host->config_number(c, VIGIL_CONFIG_INSTANCE, "url", 1), 1);
	EXPECT_EQ(host->config_bool(c, VIGIL_CONFIG_INSTANCE, "verbose", 0), 1);
	EXPECT_EQ(host->config_bool(c, VIGIL_CONFIG_INSTANCE, "port", 0), 0);
	EXPECT_EQ(host->config_list_size(c, VIGIL_CONFIG_INSTANCE, "items"), 3u);
	EXPECT_STREQ(host->config_list_item(c, VIGIL_CONFIG_INSTANCE, "items", 1), "b");
	EXPECT_EQ(host->config_list_item(c, VIGIL_CONFIG_INSTANCE, "items", 2), nullptr);
	EXPECT_EQ(host->config_list_item(c, VIGIL_CONFIG_INSTANCE, "items", 3), nullptr);
	EXPECT_STREQ(host->config_string(c, VIGIL_CONFIG_INIT, "shared", ""), "yes");
	EXPECT_STREQ(host->config_json(c, VIGIL_CONFIG_INIT), R"({"shared":"yes"})");
	EXPECT_EQ(host->config_string(c, VIGIL_CONFIG_INSTANCE, nullptr, nullptr), nullptr);
	EXPECT_STREQ(host->instance_id(c), "demo:default:0000000000000000");
}

TEST_F(SenderTest, SetErrorKeepsTheLastMessage)
{
	RunContext ctx = context();
	host->set_error(ctx.handle(), "first");
	host->set_error(ctx.handle(), "second");
	EXPECT_EQ(ctx.error(), "second");
	host->set_error(ctx.handle(), nullptr);
	EXPECT_EQ(ctx.error(), "error without a message");
}

TEST_F(SenderTest, WarningsAreCappedAndCounted)
{
	RunContext ctx(aggregator_, instance_, logger("test"), SubmissionLimits{200, 200, 100, 3});
	for (int i = 0; i < 10; ++i)
		host->warning(ctx.handle(), "again");
	std::vector<std::string> w = ctx.takeWarnings();
	ASSERT_EQ(w.size(), 4u);
	EXPECT_EQ(w[3], "7 more warnings not shown");
}

} // namespace
