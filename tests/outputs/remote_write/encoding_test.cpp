// SPDX-License-Identifier: Apache-2.0
#include "../prom_sample_builder.hpp"
#include "outputs/remote_write/encoding.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace vigil;

namespace {

PromSample sample(std::string name, std::vector<PromLabel> labels, double value, double ts)
{
	return test::promSample(std::move(name), std::move(labels), value, ts);
}

std::vector<DecodedSeries> roundTrip(const std::vector<PromSample> &samples)
{
	return decodeWriteRequest(snappyUncompress(encodeRemoteWriteBody(samples)));
}

} // namespace

TEST(RemoteWriteEncoding, SeriesCarryNameLabelsValueAndMilliseconds)
{
	auto decoded =
		roundTrip({sample("system_load_1", {{"host", "web1"}}, 0.75, 1700000000.1234)});
	ASSERT_EQ(decoded.size(), 1u);
	std::vector<PromLabel> expected{{"__name__", "system_load_1"}, {"host", "web1"}};
	EXPECT_EQ(decoded[0].labels, expected);
	ASSERT_EQ(decoded[0].samples.size(), 1u);
	EXPECT_EQ(decoded[0].samples[0].value, 0.75);
	EXPECT_EQ(decoded[0].samples[0].timestamp_ms, 1700000000123);
}

TEST(RemoteWriteEncoding, NameLabelIsInsertedWhereItSorts)
{
	// 'A' < '_' < 'a' in byte order: receivers require sorted label names.
	auto decoded =
		roundTrip({sample("m", {{"Zone", "eu"}, {"device", "sda"}, {"host", "h"}}, 1, 10)});
	ASSERT_EQ(decoded.size(), 1u);
	std::vector<PromLabel> expected{
		{"Zone", "eu"}, {"__name__", "m"}, {"device", "sda"}, {"host", "h"}};
	EXPECT_EQ(decoded[0].labels, expected);
}

TEST(RemoteWriteEncoding, SamplesOfOneSeriesAreGroupedOldestFirst)
{
	std::vector<PromSample> samples{
		sample("a", {{"host", "h"}}, 2, 20), sample("b", {{"host", "h"}}, 9, 15),
		sample("a", {{"host", "h"}}, 1, 10), sample("a", {{"host", "other"}}, 5, 10),
		sample("a", {{"host", "h"}}, 3, 30),
	};
	auto decoded = roundTrip(samples);
	ASSERT_EQ(decoded.size(), 3u);
	// Series in first-seen order.
	EXPECT_EQ(decoded[0].labels[0].value, "a");
	EXPECT_EQ(decoded[0].labels[1].value, "h");
	EXPECT_EQ(decoded[1].labels[0].value, "b");
	EXPECT_EQ(decoded[2].labels[1].value, "other");
	ASSERT_EQ(decoded[0].samples.size(), 3u);
	EXPECT_EQ(decoded[0].samples[0].timestamp_ms, 10000);
	EXPECT_EQ(decoded[0].samples[0].value, 1);
	EXPECT_EQ(decoded[0].samples[1].timestamp_ms, 20000);
	EXPECT_EQ(decoded[0].samples[2].value, 3);
	EXPECT_EQ(decoded[2].samples.size(), 1u);
}

TEST(RemoteWriteEncoding, EmptyAndSpecialValuesSurvive)
{
	EXPECT_TRUE(roundTrip({}).empty());
	auto decoded = roundTrip({sample("z", {{"q", "a \"quoted\"\nvalue\\"}}, -0.0, 0),
				  sample("n", {}, std::numeric_limits<double>::infinity(), 1)});
	ASSERT_EQ(decoded.size(), 2u);
	EXPECT_EQ(decoded[0].labels[1].value, "a \"quoted\"\nvalue\\");
	EXPECT_EQ(decoded[0].samples[0].timestamp_ms, 0);
	EXPECT_TRUE(std::isinf(decoded[1].samples[0].value));
	EXPECT_EQ(decoded[1].labels.size(), 1u); // only __name__
}

TEST(RemoteWriteEncoding, SnappyRoundTripAndCompresses)
{
	std::string text;
	for (int i = 0; i < 1000; ++i)
		text += "system_cpu_user{host=\"web1\"} ";
	const std::string block = snappyCompress(text);
	EXPECT_LT(block.size(), text.size() / 4);
	EXPECT_EQ(snappyUncompress(block), text);
	EXPECT_EQ(snappyUncompress(snappyCompress("")), "");
}

TEST(RemoteWriteEncoding, GarbageIsRejected)
{
	EXPECT_THROW(snappyUncompress("\xff\xff\xff\xff\xff not snappy"), std::runtime_error);
	EXPECT_THROW(decodeWriteRequest("\x0a\x7f truncated"), std::runtime_error);
}
