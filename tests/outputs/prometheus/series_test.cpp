// SPDX-License-Identifier: Apache-2.0
#include "outputs/prometheus/series.hpp"

#include <gtest/gtest.h>

using namespace vigil;

namespace {

Series series(std::string name, SeriesType type, double value, std::vector<std::string> tags = {},
	      std::string host = "h1")
{
	Series s;
	s.name = std::move(name);
	s.type = type;
	s.value = value;
	s.tags = std::move(tags);
	s.host = std::move(host);
	s.timestamp = 1000;
	return s;
}

FlushResult flushOf(std::vector<Series> list, double now = 1000)
{
	FlushResult flush;
	flush.timestamp = now;
	flush.series = std::move(list);
	return flush;
}

} // namespace

TEST(PrometheusNaming, DotsAndInvalidCharactersBecomeUnderscores)
{
	EXPECT_EQ(sanitizeMetricName("system.cpu.user"), "system_cpu_user");
	EXPECT_EQ(sanitizeMetricName("a-b c/d%é"), "a_b_c_d___");
	EXPECT_EQ(sanitizeMetricName("ns:sub.x"), "ns:sub_x");
	EXPECT_EQ(sanitizeMetricName("disk.in_use", "vigil_"), "vigil_disk_in_use");
}

TEST(PrometheusNaming, LeadingDigitGetsAnUnderscore)
{
	EXPECT_EQ(sanitizeMetricName("5xx.count"), "_5xx_count");
	EXPECT_EQ(sanitizeMetricName("5xx", "vigil_"), "vigil_5xx");
	EXPECT_EQ(sanitizeMetricName(""), "_");
}

TEST(PrometheusNaming, InvalidLabelNamesAreSanitised)
{
	EXPECT_EQ(sanitizeLabelName("device.name"), "device_name");
	EXPECT_EQ(sanitizeLabelName("a:b"), "a_b");
	EXPECT_EQ(sanitizeLabelName("9lives"), "_9lives");
	EXPECT_EQ(sanitizeLabelName("__name__"), "_name__");
	EXPECT_EQ(sanitizeLabelName("___x"), "_x");
}

TEST(PrometheusNaming, KeyValueTagsBecomeLabelsSortedWithHost)
{
	auto labels = tagsToLabels({"zone:eu-1", "device:sda", "url:http://x:80/"}, "web1");
	std::vector<PromLabel> expected{
		{"device", "sda"}, {"host", "web1"}, {"url", "http://x:80/"}, {"zone", "eu-1"}};
	EXPECT_EQ(labels, expected);
}

TEST(PrometheusNaming, TagsWithoutValueGoToTheTagLabel)
{
	auto labels = tagsToLabels({"production", "canary", ":odd"}, "");
	std::vector<PromLabel> expected{{"tag", ":odd,canary,production"}};
	EXPECT_EQ(labels, expected);
}

TEST(PrometheusNaming, DuplicateKeysKeepEveryValueSortedAndJoined)
{
	auto a = tagsToLabels({"role:web", "role:db", "device.name:x", "device_name:y"}, "h");
	auto b = tagsToLabels({"device_name:y", "role:db", "device.name:x", "role:web"}, "h");
	std::vector<PromLabel> expected{{"device_name", "x,y"}, {"host", "h"}, {"role", "db,web"}};
	EXPECT_EQ(a, expected);
	EXPECT_EQ(b, expected);
	// A host tag and the series' host are the same key too.
	auto h = tagsToLabels({"host:tagged"}, "real");
	EXPECT_EQ(h, (std::vector<PromLabel>{{"host", "real,tagged"}}));
}

TEST(PrometheusSeries, GaugesAndRatesAreGauges)
{
	PrometheusSeries conv({"vigil_"});
	auto out =
		conv.convert(flushOf({series("system.load.1", SeriesType::Gauge, 0.5),
				      series("net.bytes", SeriesType::Rate, 12.5, {"if:eth0"})}));
	ASSERT_EQ(out.size(), 2u);
	EXPECT_EQ(out[0].name, "vigil_system_load_1");
	EXPECT_EQ(out[0].type, PromType::Gauge);
	EXPECT_EQ(out[0].value, 0.5);
	EXPECT_EQ(out[0].timestamp, 1000);
	EXPECT_EQ(out[1].name, "vigil_net_bytes");
	EXPECT_EQ(out[1].type, PromType::Gauge);
	EXPECT_EQ(out[1].labels, (std::vector<PromLabel>{{"host", "h1"}, {"if", "eth0"}}));
}

TEST(PrometheusSeries, CountsAccumulateIntoCountersThatOnlyGoUp)
{
	PrometheusSeries conv({""});
	auto first = conv.convert(flushOf({series("requests", SeriesType::Count, 3, {"a:1"}),
					   series("requests", SeriesType::Count, 10, {"a:2"})}));
	ASSERT_EQ(first.size(), 2u);
	EXPECT_EQ(first[0].name, "requests_total");
	EXPECT_EQ(first[0].type, PromType::Counter);
	EXPECT_EQ(first[0].value, 3);
	EXPECT_EQ(first[1].value, 10);

	auto second =
		conv.convert(flushOf({series("requests", SeriesType::Count, 4, {"a:1"})}, 1015));
	ASSERT_EQ(second.size(), 1u);
	EXPECT_EQ(second[0].value, 7);

	// A negative count cannot lower a counter.
	auto third =
		conv.convert(flushOf({series("requests", SeriesType::Count, -5, {"a:1"})}, 1030));
	ASSERT_EQ(third.size(), 1u);
	EXPECT_EQ(third[0].value, 7);

	auto fourth =
		conv.convert(flushOf({series("requests", SeriesType::Count, 0.5, {"a:2"})}, 1045));
	EXPECT_EQ(fourth[0].value, 10.5);
	EXPECT_EQ(conv.counterCount(), 2u);
}

TEST(PrometheusSeries, TotalSuffixIsNotDoubled)
{
	PrometheusSeries conv({""});
	auto out = conv.convert(flushOf({series("bytes_total", SeriesType::Count, 1)}));
	EXPECT_EQ(out[0].name, "bytes_total");
}

TEST(PrometheusSeries, GaugesEndingInTotalGetValue)
{
	// _total is for counters only; system.mem.total is a gauge.
	PrometheusSeries conv({""});
	auto out = conv.convert(flushOf({series("system.mem.total", SeriesType::Gauge, 8),
					 series("x.total", SeriesType::Rate, 1),
					 series("totally", SeriesType::Gauge, 1)}));
	EXPECT_EQ(out[0].name, "system_mem_total_value");
	EXPECT_EQ(out[1].name, "x_total_value");
	EXPECT_EQ(out[2].name, "totally");
}

TEST(PrometheusSeries, IdleCountersExpireAndRestartFromZero)
{
	PrometheusSeriesOptions options;
	options.counter_expiry_seconds = 100;
	PrometheusSeries conv({""}, options);
	conv.convert(flushOf({series("c", SeriesType::Count, 5)}, 1000));
	conv.convert(flushOf({series("other", SeriesType::Count, 1)}, 1200));
	EXPECT_EQ(conv.counterCount(), 1u);
	auto out = conv.convert(flushOf({series("c", SeriesType::Count, 2)}, 1300));
	EXPECT_EQ(out[0].value, 2);
}

TEST(PrometheusSeries, ServiceChecksAreGaugesOfTheirStatus)
{
	PrometheusSeries conv({"vigil_"});
	FlushResult flush = flushOf({});
	const ServiceStatus statuses[] = {ServiceStatus::Ok, ServiceStatus::Warning,
					  ServiceStatus::Critical, ServiceStatus::Unknown};
	for (ServiceStatus status : statuses) {
		ServiceCheck check;
		check.name = "http.can_connect";
		check.status = status;
		check.tags = {"url:x" + std::to_string(static_cast<int>(status))};
		check.host = "h";
		flush.service_checks.push_back(check);
	}
	auto out = conv.convert(flush);
	ASSERT_EQ(out.size(), 4u);
	for (size_t i = 0; i < out.size(); ++i) {
		EXPECT_EQ(out[i].name, "vigil_http_can_connect");
		EXPECT_EQ(out[i].type, PromType::Gauge);
		EXPECT_EQ(out[i].value, static_cast<double>(i));
		EXPECT_EQ(out[i].timestamp, 1000); // the flush's, as the check had none
		EXPECT_FALSE(out[i].help.empty());
	}
}
