// SPDX-License-Identifier: Apache-2.0
#include "aggregation/aggregator.hpp"
#include "aggregation/context.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace vigil {
namespace {

using Tags = std::vector<std::string_view>;

AggregatorOptions defaultOptions()
{
	AggregatorOptions o;
	o.default_hostname = "myhost";
	return o;
}

void add(Aggregator &a, MetricType type, std::string_view name, double value, double ts,
	 Tags tags = {}, std::string_view host = "")
{
	a.addSample(type, name, value, tags, host, ts);
}

const Series *find(const FlushResult &r, std::string_view name)
{
	for (const auto &s : r.series) {
		if (s.name == name)
			return &s;
	}
	return nullptr;
}

std::optional<double> valueOf(const FlushResult &r, std::string_view name)
{
	const Series *s = find(r, name);
	if (!s)
		return std::nullopt;
	return s->value;
}

TEST(AggregatorTest, GaugeKeepsLastValueOfInterval)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::Gauge, "g", 1, 100);
	add(a, MetricType::Gauge, "g", 7, 101);
	add(a, MetricType::Gauge, "g", 3, 102);
	auto r = a.flush(110);
	ASSERT_EQ(r.series.size(), 1u);
	EXPECT_EQ(r.series[0].name, "g");
	EXPECT_EQ(r.series[0].type, SeriesType::Gauge);
	EXPECT_EQ(r.series[0].value, 3);
	EXPECT_EQ(r.series[0].timestamp, 110);
	EXPECT_EQ(r.series[0].interval, 0);
	// No sample in the next interval: nothing, not a repeat of 3.
	EXPECT_TRUE(a.flush(120).series.empty());
}

TEST(AggregatorTest, CountSumsAndCarriesTheFlushInterval)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::Count, "c", 2, 100);
	add(a, MetricType::Count, "c", 5, 104);
	auto r = a.flush(110);
	ASSERT_EQ(r.series.size(), 1u);
	EXPECT_EQ(r.series[0].type, SeriesType::Count);
	EXPECT_EQ(r.series[0].value, 7);
	// First flush: measured from the first sample.
	EXPECT_EQ(r.series[0].interval, 10);

	add(a, MetricType::Count, "c", 1, 112);
	r = a.flush(125);
	ASSERT_EQ(r.series.size(), 1u);
	EXPECT_EQ(r.series[0].value, 1);
	EXPECT_EQ(r.series[0].interval, 15);
}

TEST(AggregatorTest, LegacyCounterIsACount)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::Counter, "c", 2, 100);
	add(a, MetricType::Counter, "c", 3, 101);
	auto r = a.flush(110);
	ASSERT_EQ(r.series.size(), 1u);
	EXPECT_EQ(r.series[0].type, SeriesType::Count);
	EXPECT_EQ(r.series[0].value, 5);
}

TEST(AggregatorTest, MonotonicCountFirstSampleOnlySetsBaseline)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::MonotonicCount, "m", 100, 100);
	EXPECT_TRUE(a.flush(110).series.empty());
	// Baseline survived the flush.
	add(a, MetricType::MonotonicCount, "m", 130, 115);
	add(a, MetricType::MonotonicCount, "m", 135, 118);
	auto r = a.flush(120);
	ASSERT_EQ(r.series.size(), 1u);
	EXPECT_EQ(r.series[0].type, SeriesType::Count);
	EXPECT_EQ(r.series[0].value, 35);
	EXPECT_EQ(r.series[0].interval, 10);
}

TEST(AggregatorTest, MonotonicCountResetIsNotNegative)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::MonotonicCount, "m", 10, 100);
	add(a, MetricType::MonotonicCount, "m", 50, 101);
	add(a, MetricType::MonotonicCount, "m", 5, 102); // reset: 5 is the new base
	add(a, MetricType::MonotonicCount, "m", 8, 103);
	EXPECT_EQ(valueOf(a.flush(110), "m"), 43); // 40 + 0 + 3

	// A reset alone still reports (zero), as there were samples after the base.
	add(a, MetricType::MonotonicCount, "m", 2, 111);
	EXPECT_EQ(valueOf(a.flush(120), "m"), 0);
	add(a, MetricType::MonotonicCount, "m", 6, 121);
	EXPECT_EQ(valueOf(a.flush(130), "m"), 4);
	// Flat counter: a zero delta is still reported.
	add(a, MetricType::MonotonicCount, "m", 6, 131);
	EXPECT_EQ(valueOf(a.flush(140), "m"), 0);
}

TEST(AggregatorTest, MonotonicCountFlushFirstValueCountsFromZero)
{
	Aggregator a(defaultOptions());
	const std::string_view none[] = {""};
	auto addFlushFirst = [&](double v, double t) {
		a.addSample(MetricType::MonotonicCount, "m", v, std::span(none, 0), "", t, true);
	};
	// A new series: its counter started at 0, so its first value is a delta.
	addFlushFirst(7, 100);
	EXPECT_EQ(valueOf(a.flush(110), "m"), 7);
	addFlushFirst(10, 111);
	EXPECT_EQ(valueOf(a.flush(120), "m"), 3);
	// A reset: the counter restarted at 0 and counted 4 since, beside the 2
	// counted before it in the same interval.
	addFlushFirst(12, 121);
	addFlushFirst(4, 122);
	EXPECT_EQ(valueOf(a.flush(130), "m"), 6);
	// Without the flag a reset only sets the baseline, as before.
	add(a, MetricType::MonotonicCount, "m", 1, 131);
	EXPECT_EQ(valueOf(a.flush(140), "m"), 0);
}

TEST(AggregatorTest, RateAcrossFlushes)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::Rate, "r", 100, 1000);
	EXPECT_TRUE(a.flush(1005).series.empty());
	add(a, MetricType::Rate, "r", 150, 1010);
	auto r = a.flush(1015);
	ASSERT_EQ(r.series.size(), 1u);
	EXPECT_EQ(r.series[0].type, SeriesType::Rate);
	EXPECT_DOUBLE_EQ(r.series[0].value, 5);
	EXPECT_EQ(r.series[0].interval, 10);
	EXPECT_EQ(r.series[0].timestamp, 1010);
	// No new sample: nothing, and the base is kept for the next one.
	EXPECT_TRUE(a.flush(1025).series.empty());
	add(a, MetricType::Rate, "r", 250, 1030);
	EXPECT_EQ(valueOf(a.flush(1035), "r"), 5);
}

TEST(AggregatorTest, RateUsesTheLastTwoSamples)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::Rate, "r", 0, 1000);
	add(a, MetricType::Rate, "r", 10, 1001);
	add(a, MetricType::Rate, "r", 40, 1011);
	EXPECT_EQ(valueOf(a.flush(1015), "r"), 3);
}

TEST(AggregatorTest, NegativeRateAndZeroTimeDeltaAreDiscarded)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::Rate, "r", 100, 1000);
	a.flush(1005);
	add(a, MetricType::Rate, "r", 20, 1010); // counter reset
	EXPECT_TRUE(a.flush(1015).series.empty());
	// The reset value is the next base.
	add(a, MetricType::Rate, "r", 40, 1020);
	EXPECT_EQ(valueOf(a.flush(1025), "r"), 2);
	add(a, MetricType::Rate, "r", 60, 1020); // same timestamp
	EXPECT_TRUE(a.flush(1030).series.empty());
}

AggregatorOptions allHistogramOptions()
{
	AggregatorOptions o = defaultOptions();
	o.histogram_aggregates = {"max", "min", "median", "avg", "sum", "count"};
	o.histogram_percentiles = {0.5, 0.95, 0.99};
	return o;
}

TEST(AggregatorTest, HistogramAggregatesAndPercentiles)
{
	Aggregator a(allHistogramOptions());
	// 1..100 in shuffled order.
	for (int i = 0; i < 100; ++i)
		add(a, MetricType::Histogram, "h", (i * 37) % 100 + 1, 100 + i * 0.01);
	auto r = a.flush(110);
	EXPECT_EQ(valueOf(r, "h.max"), 100);
	EXPECT_EQ(valueOf(r, "h.min"), 1);
	EXPECT_EQ(valueOf(r, "h.median"), 50);
	EXPECT_DOUBLE_EQ(*valueOf(r, "h.avg"), 50.5);
	EXPECT_EQ(valueOf(r, "h.sum"), 5050);
	EXPECT_EQ(valueOf(r, "h.count"), 100);
	EXPECT_EQ(valueOf(r, "h.50percentile"), 50);
	EXPECT_EQ(valueOf(r, "h.95percentile"), 95);
	EXPECT_EQ(valueOf(r, "h.99percentile"), 99);
	EXPECT_EQ(r.series.size(), 9u);
	EXPECT_EQ(find(r, "h.count")->type, SeriesType::Count);
	EXPECT_EQ(find(r, "h.count")->interval, 10);
	EXPECT_EQ(find(r, "h.max")->type, SeriesType::Gauge);
	// Per interval: the next one starts empty.
	add(a, MetricType::Histogram, "h", 7, 111);
	r = a.flush(120);
	EXPECT_EQ(valueOf(r, "h.max"), 7);
	EXPECT_EQ(valueOf(r, "h.min"), 7);
	EXPECT_EQ(valueOf(r, "h.count"), 1);
	EXPECT_EQ(valueOf(r, "h.95percentile"), 7);
	EXPECT_TRUE(a.flush(130).series.empty());
}

TEST(AggregatorTest, HistogramDefaultsAndSmallSamples)
{
	Aggregator a(defaultOptions());
	for (double v : {4.0, 1.0, 3.0, 2.0})
		add(a, MetricType::Histogram, "h", v, 100);
	auto r = a.flush(110);
	ASSERT_EQ(r.series.size(), 5u);
	// Sorted by name: the suffixes decide the order.
	EXPECT_EQ(r.series[0].name, "h.95percentile");
	EXPECT_EQ(r.series[1].name, "h.avg");
	EXPECT_EQ(r.series[2].name, "h.count");
	EXPECT_EQ(r.series[3].name, "h.max");
	EXPECT_EQ(r.series[4].name, "h.median");
	EXPECT_EQ(r.series[0].value, 4); // (95*4-1)/100 = 3
	EXPECT_EQ(r.series[1].value, 2.5);
	EXPECT_EQ(r.series[4].value, 2); // lower median, like Datadog
}

TEST(AggregatorTest, PercentileRuleMatchesDatadog)
{
	std::vector<double> s;
	for (int i = 1; i <= 10; ++i)
		s.push_back(i);
	EXPECT_EQ(aggregation::percentileOfSorted(s, 95), 10); // (950-1)/100 = 9
	EXPECT_EQ(aggregation::percentileOfSorted(s, 50), 5);  // (500-1)/100 = 4
	EXPECT_EQ(aggregation::percentileOfSorted(s, 10), 1);  // (100-1)/100 = 0
	EXPECT_EQ(aggregation::percentileOfSorted(s, 100), 10);

	auto spec = aggregation::makeHistogramSpec({"max", "bogus", "max"}, {0.29, 0.95, 1.5, 0});
	ASSERT_EQ(spec.aggregates.size(), 1u);
	ASSERT_EQ(spec.percentiles.size(), 2u);
	EXPECT_EQ(spec.percentiles[0].suffix, ".29percentile");
	EXPECT_EQ(spec.percentiles[1].suffix, ".95percentile");
	EXPECT_EQ(spec.rejected.size(), 4u);
}

TEST(AggregatorTest, HistorateIsAHistogramOfRates)
{
	Aggregator a(allHistogramOptions());
	add(a, MetricType::Historate, "hr", 0, 100);
	EXPECT_TRUE(a.flush(101).series.empty());
	add(a, MetricType::Historate, "hr", 10, 110); // 1/s against the kept base
	add(a, MetricType::Historate, "hr", 40, 115); // 6/s
	add(a, MetricType::Historate, "hr", 30, 120); // -2/s: kept, as in Datadog
	auto r = a.flush(121);
	EXPECT_EQ(valueOf(r, "hr.count"), 3);
	EXPECT_EQ(valueOf(r, "hr.max"), 6);
	EXPECT_EQ(valueOf(r, "hr.min"), -2);
	EXPECT_EQ(valueOf(r, "hr.median"), 1);
}

TEST(AggregatorTest, TagOrderAndDuplicatesGiveOneContext)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::Count, "c", 1, 100, {"b:2", "a:1"});
	add(a, MetricType::Count, "c", 1, 100, {"a:1", "b:2"});
	add(a, MetricType::Count, "c", 1, 100, {"a:1", "b:2", "a:1", "b:2"});
	add(a, MetricType::Count, "c", 1, 100, {"a:1"});
	EXPECT_EQ(a.contextCount(), 2u);
	auto r = a.flush(110);
	ASSERT_EQ(r.series.size(), 2u);
	EXPECT_EQ(r.series[0].tags, std::vector<std::string>{"a:1"});
	EXPECT_EQ(r.series[0].value, 1);
	EXPECT_EQ(r.series[1].tags, (std::vector<std::string>{"a:1", "b:2"}));
	EXPECT_EQ(r.series[1].value, 3);
}

TEST(AggregatorTest, ManyTagsAndBoundaryShiftsAreDistinct)
{
	Aggregator a(defaultOptions());
	std::vector<std::string> storage;
	for (int i = 0; i < 40; ++i)
		storage.push_back("t" + std::to_string(i));
	Tags many(storage.rbegin(), storage.rend());
	Tags sorted(storage.begin(), storage.end());
	add(a, MetricType::Count, "c", 1, 100, many);
	add(a, MetricType::Count, "c", 1, 100, sorted);
	add(a, MetricType::Count, "c", 1, 100, {"ab", "c"});
	add(a, MetricType::Count, "c", 1, 100, {"a", "bc"});
	add(a, MetricType::Count, "c", 1, 100, {"abc"});
	EXPECT_EQ(a.contextCount(), 4u);
	auto r = a.flush(110);
	ASSERT_EQ(r.series.size(), 4u);
	for (const auto &s : r.series)
		EXPECT_EQ(s.value, s.tags.size() == 40 ? 2 : 1);
}

TEST(AggregatorTest, EmptyHostGetsDefaultHostname)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::Gauge, "g", 1, 100, {}, "");
	add(a, MetricType::Gauge, "g", 2, 100, {}, "myhost"); // same context
	add(a, MetricType::Gauge, "g", 3, 100, {}, "other");
	EXPECT_EQ(a.contextCount(), 2u);
	auto r = a.flush(110);
	ASSERT_EQ(r.series.size(), 2u);
	EXPECT_EQ(r.series[0].host, "myhost");
	EXPECT_EQ(r.series[0].value, 2);
	EXPECT_EQ(r.series[1].host, "other");
}

TEST(AggregatorTest, ContextsExpireAndForgetBaselines)
{
	AggregatorOptions o = defaultOptions();
	o.context_expiry_seconds = 30;
	Aggregator a(o);
	add(a, MetricType::MonotonicCount, "m", 10, 100);
	add(a, MetricType::Gauge, "g", 1, 100);
	a.flush(100);
	EXPECT_EQ(a.contextCount(), 2u);
	add(a, MetricType::Gauge, "g", 1, 115);
	a.flush(120);
	a.flush(129);
	EXPECT_EQ(a.contextCount(), 2u);
	a.flush(130); // m: 30 s since its last sample's flush
	EXPECT_EQ(a.contextCount(), 1u);
	// The baseline went with the context: 50 is a new first sample.
	add(a, MetricType::MonotonicCount, "m", 50, 131);
	EXPECT_TRUE(a.flush(140).series.empty());
	a.flush(150);
	EXPECT_EQ(a.contextCount(), 1u);
	a.flush(200);
	EXPECT_EQ(a.contextCount(), 0u);
}

TEST(AggregatorTest, ChurnedContextsDoNotAccumulate)
{
	AggregatorOptions o = defaultOptions();
	o.context_expiry_seconds = 20;
	Aggregator a(o);
	for (int round = 0; round < 50; ++round) {
		double t = round * 10.0;
		for (int i = 0; i < 100; ++i) {
			std::string tag = "id:" + std::to_string(round * 100 + i);
			add(a, MetricType::Gauge, "g", i, t, {tag});
		}
		a.flush(t + 10);
		EXPECT_LE(a.contextCount(), 300u);
	}
}

TEST(AggregatorTest, FirstTypeOwnsTheContext)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::Count, "x", 2, 100);
	add(a, MetricType::Gauge, "x", 5, 101);
	auto r = a.flush(110);
	ASSERT_EQ(r.series.size(), 1u);
	EXPECT_EQ(r.series[0].type, SeriesType::Count);
	EXPECT_EQ(r.series[0].value, 7);
}

TEST(AggregatorTest, ServiceChecksAndEventsAreReturnedOnce)
{
	Aggregator a(defaultOptions());
	ServiceCheck sc;
	sc.name = "svc.up";
	sc.status = ServiceStatus::Critical;
	sc.tags = {"b", "a", "b"};
	a.addServiceCheck(sc);
	sc.host = "h2";
	sc.timestamp = 42;
	a.addServiceCheck(sc);
	Event ev;
	ev.title = "deployed";
	a.addEvent(ev);

	auto r = a.flush(110);
	ASSERT_EQ(r.service_checks.size(), 2u);
	EXPECT_EQ(r.service_checks[0].host, "myhost");
	EXPECT_EQ(r.service_checks[0].timestamp, 110);
	EXPECT_EQ(r.service_checks[0].tags, (std::vector<std::string>{"a", "b"}));
	EXPECT_EQ(r.service_checks[0].status, ServiceStatus::Critical);
	EXPECT_EQ(r.service_checks[1].host, "h2");
	EXPECT_EQ(r.service_checks[1].timestamp, 42);
	ASSERT_EQ(r.events.size(), 1u);
	EXPECT_EQ(r.events[0].title, "deployed");
	EXPECT_EQ(r.events[0].host, "myhost");
	EXPECT_EQ(r.timestamp, 110);

	r = a.flush(120);
	EXPECT_TRUE(r.service_checks.empty());
	EXPECT_TRUE(r.events.empty());
}

TEST(AggregatorTest, PendingServiceChecksAndEventsAreBounded)
{
	AggregatorOptions options = defaultOptions();
	options.max_pending_items = 3;
	Aggregator a(options);
	ServiceCheck sc;
	sc.name = "svc.up";
	for (int i = 0; i < 5; ++i)
		a.addServiceCheck(sc);
	Event ev;
	ev.title = "flood";
	a.addEvent(ev);

	auto r = a.flush(110);
	EXPECT_EQ(r.service_checks.size(), 3u);
	EXPECT_TRUE(r.events.empty());

	// The bound is per flush interval: room again after a flush.
	a.addEvent(ev);
	EXPECT_EQ(a.flush(120).events.size(), 1u);
}

TEST(AggregatorTest, SeriesAreSortedByNameThenTagsThenHost)
{
	Aggregator a(defaultOptions());
	add(a, MetricType::Gauge, "b", 1, 100, {"x"}, "h1");
	add(a, MetricType::Gauge, "a", 1, 100, {"y"}, "h1");
	add(a, MetricType::Gauge, "a", 1, 100, {"x"}, "h2");
	add(a, MetricType::Gauge, "a", 1, 100, {"x"}, "h1");
	add(a, MetricType::Gauge, "a", 1, 100, {}, "h9");
	auto r = a.flush(110);
	ASSERT_EQ(r.series.size(), 5u);
	std::vector<std::string> got;
	for (const auto &s : r.series)
		got.push_back(s.name + "|" + (s.tags.empty() ? "" : s.tags[0]) + "|" + s.host);
	EXPECT_EQ(got, (std::vector<std::string>{"a||h9", "a|x|h1", "a|x|h2", "a|y|h1", "b|x|h1"}));

	// Same input in another order: same output.
	Aggregator b(defaultOptions());
	add(b, MetricType::Gauge, "a", 1, 100, {}, "h9");
	add(b, MetricType::Gauge, "a", 1, 100, {"x"}, "h1");
	add(b, MetricType::Gauge, "b", 1, 100, {"x"}, "h1");
	add(b, MetricType::Gauge, "a", 1, 100, {"x"}, "h2");
	add(b, MetricType::Gauge, "a", 1, 100, {"y"}, "h1");
	auto r2 = b.flush(110);
	ASSERT_EQ(r2.series.size(), r.series.size());
	for (size_t i = 0; i < r.series.size(); ++i) {
		EXPECT_EQ(r2.series[i].name, r.series[i].name);
		EXPECT_EQ(r2.series[i].tags, r.series[i].tags);
		EXPECT_EQ(r2.series[i].host, r.series[i].host);
	}
}

TEST(AggregatorTest, ConcurrentAddSampleAndFlushLoseNothing)
{
	Aggregator a(defaultOptions());
	constexpr int kThreads = 4;
	constexpr int kPerThread = 50000;
	constexpr int kContexts = 8;
	std::atomic<bool> done{false};
	std::map<std::string, double> totals;
	double histogram_count = 0;
	auto collect = [&](const FlushResult &r) {
		for (const auto &s : r.series) {
			if (s.name == "h.count")
				histogram_count += s.value;
			else if (s.name == "c")
				totals[s.tags.back()] += s.value; // "ctx:" < "thread:"
		}
	};

	std::thread flusher([&] {
		double now = 1000;
		while (!done.load())
			collect(a.flush(now += 1));
	});
	std::vector<std::thread> writers;
	for (int t = 0; t < kThreads; ++t) {
		writers.emplace_back([&a, t] {
			std::string own = "thread:" + std::to_string(t);
			for (int i = 0; i < kPerThread; ++i) {
				std::string ctx = "ctx:" + std::to_string(i % kContexts);
				std::string_view tags[] = {own, ctx, "env:test"};
				a.addSample(MetricType::Count, "c", 1, std::span(tags).first(2), "",
					    1000);
				a.addSample(MetricType::Histogram, "h", i, std::span(tags).last(1),
					    "", 1000);
			}
		});
	}
	for (auto &w : writers)
		w.join();
	done = true;
	flusher.join();
	collect(a.flush(1e9));

	double total = 0;
	for (const auto &[tag, v] : totals)
		total += v;
	EXPECT_EQ(total, double(kThreads) * kPerThread);
	EXPECT_EQ(histogram_count, double(kThreads) * kPerThread);
	EXPECT_EQ(totals.size(), size_t(kThreads));
	EXPECT_EQ(totals["thread:0"], double(kPerThread));
}

} // namespace
} // namespace vigil
