// SPDX-License-Identifier: Apache-2.0
// The hand-written WriteRequest encoder checked against protobuf-c's
// generated decoder (from core/proto/remote_write.proto): what it decodes
// must be what went in, and protobuf-c packing the decoded message again
// must give the very same bytes.
#include "../prom_sample_builder.hpp"
#include "outputs/remote_write/encoding.hpp"
#include "outputs/remote_write/protobuf.hpp"
#include "remote_write.pb-c.h"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <vector>

using namespace vigil;

namespace {

PromSample sample(std::string name, std::vector<PromLabel> labels, double value, double ts)
{
	return test::promSample(std::move(name), std::move(labels), value, ts);
}

struct FreeRequest {
	void operator()(Prometheus__WriteRequest *r) const
	{
		prometheus__write_request__free_unpacked(r, nullptr);
	}
};
using Request = std::unique_ptr<Prometheus__WriteRequest, FreeRequest>;

// protobuf-c's decoder on our bytes; fails the test if it rejects them.
Request unpack(const std::string &bytes)
{
	Request r(prometheus__write_request__unpack(
		nullptr, bytes.size(), reinterpret_cast<const uint8_t *>(bytes.data())));
	EXPECT_TRUE(r) << "protobuf-c rejected the encoding";
	return r;
}

std::string repack(const Prometheus__WriteRequest &r)
{
	std::string out(prometheus__write_request__get_packed_size(&r), '\0');
	prometheus__write_request__pack(&r, reinterpret_cast<uint8_t *>(out.data()));
	return out;
}

uint64_t bits(double v)
{
	return std::bit_cast<uint64_t>(v);
}

} // namespace

TEST(RemoteWriteProtobuf, VarintsAreTheSpecsBytes)
{
	namespace pb = remote_write_protobuf;
	const std::vector<std::pair<uint64_t, std::string>> cases{
		{0, std::string(1, '\0')},
		{1, "\x01"},
		{127, "\x7f"},
		{128, "\x80\x01"},
		{300, "\xac\x02"},
		{16383, "\xff\x7f"},
		{16384, "\x80\x80\x01"},
		{UINT64_MAX, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"},
	};
	for (const auto &[value, expected] : cases) {
		uint8_t buf[16] = {};
		const uint8_t *end = pb::putVarint(buf, value);
		EXPECT_EQ(std::string(reinterpret_cast<char *>(buf), end - buf), expected) << value;
		EXPECT_EQ(pb::varintSize(value), expected.size()) << value;
	}
}

TEST(RemoteWriteProtobuf, EdgeCasesDecodeWithProtobufCAndRepackIdentically)
{
	const double nan = std::numeric_limits<double>::quiet_NaN();
	const double inf = std::numeric_limits<double>::infinity();
	// Prometheus' staleness marker: a NaN with this exact payload.
	const double stale = std::bit_cast<double>(uint64_t{0x7ff0000000000002});
	const std::string utf8 = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x88";
	const std::string long_value(20000, 'v'); // a three-byte length prefix
	const std::vector<PromSample> samples{
		sample("m", {{"empty", ""}, {"host", utf8}}, nan, 1.5),
		sample("m", {{"empty", ""}, {"host", utf8}}, stale, 1.0),
		sample("inf", {{"sign", "+"}}, inf, -1700000000.25),
		sample("inf", {{"sign", "-"}}, -inf, -0.001),
		sample("zeros", {{"Zone", long_value}}, 0.0, 0),
		sample("zeros", {{"Zone", long_value}}, 5.0, 2),
		sample(utf8, {}, 42.5, 1700000000.123),
	};
	const std::string bytes = encodeWriteRequest(samples);
	Request r = unpack(bytes);
	ASSERT_TRUE(r);
	ASSERT_EQ(r->n_timeseries, 5u);
	EXPECT_EQ(repack(*r), bytes);

	const Prometheus__TimeSeries &m = *r->timeseries[0];
	ASSERT_EQ(m.n_labels, 3u);
	EXPECT_STREQ(m.labels[0]->name, "__name__");
	EXPECT_STREQ(m.labels[0]->value, "m");
	EXPECT_STREQ(m.labels[1]->name, "empty");
	EXPECT_STREQ(m.labels[1]->value, "");
	EXPECT_EQ(m.labels[2]->value, utf8);
	ASSERT_EQ(m.n_samples, 2u);
	// Oldest first: the stale marker (t=1 s) before the NaN (t=1.5 s).
	EXPECT_EQ(m.samples[0]->timestamp, 1000);
	EXPECT_EQ(bits(m.samples[0]->value), bits(stale));
	EXPECT_EQ(m.samples[1]->timestamp, 1500);
	EXPECT_TRUE(std::isnan(m.samples[1]->value));

	const Prometheus__TimeSeries &plus = *r->timeseries[1];
	ASSERT_EQ(plus.n_samples, 1u);
	EXPECT_EQ(plus.samples[0]->value, inf);
	EXPECT_EQ(plus.samples[0]->timestamp, -1700000000250);
	const Prometheus__TimeSeries &minus = *r->timeseries[2];
	ASSERT_EQ(minus.n_samples, 1u);
	EXPECT_EQ(minus.samples[0]->value, -inf);
	EXPECT_EQ(minus.samples[0]->timestamp, -1);

	const Prometheus__TimeSeries &zeros = *r->timeseries[3];
	ASSERT_EQ(zeros.n_labels, 2u);
	EXPECT_STREQ(zeros.labels[0]->name, "Zone"); // 'Z' sorts before '_'
	EXPECT_EQ(zeros.labels[0]->value, long_value);
	EXPECT_STREQ(zeros.labels[1]->name, "__name__");
	ASSERT_EQ(zeros.n_samples, 2u);
	EXPECT_EQ(zeros.samples[0]->timestamp, 0);
	EXPECT_EQ(bits(zeros.samples[0]->value), bits(0.0));
	EXPECT_EQ(zeros.samples[1]->timestamp, 2000);
	EXPECT_EQ(zeros.samples[1]->value, 5.0);

	const Prometheus__TimeSeries &named = *r->timeseries[4];
	ASSERT_EQ(named.n_labels, 1u);
	EXPECT_EQ(named.labels[0]->value, utf8);
	EXPECT_EQ(named.samples[0]->value, 42.5);
	EXPECT_EQ(named.samples[0]->timestamp, 1700000000123);
}

TEST(RemoteWriteProtobuf, NegativeZeroKeepsItsSign)
{
	// Written like Go's protobuf (Prometheus' own) does; protobuf-c would
	// leave it out as a default, so no byte comparison with its packer here.
	Request r = unpack(encodeWriteRequest({sample("z", {}, -0.0, 1)}));
	ASSERT_TRUE(r);
	ASSERT_EQ(r->n_timeseries, 1u);
	ASSERT_EQ(r->timeseries[0]->n_samples, 1u);
	EXPECT_EQ(bits(r->timeseries[0]->samples[0]->value), bits(-0.0));
	EXPECT_EQ(r->timeseries[0]->samples[0]->timestamp, 1000);
}

TEST(RemoteWriteProtobuf, LargeSeriesCountDecodesWithProtobufC)
{
	// More series than fit a one-, two- or three-byte length prefix of the
	// whole request; every value and timestamp distinct.
	constexpr size_t series = 100000;
	std::vector<PromSample> samples;
	samples.reserve(series * 2);
	for (size_t i = 0; i < series; ++i)
		for (int k = 1; k >= 0; --k) // newer first: the encoder must reorder
			samples.push_back(sample("metric_" + std::to_string(i % 97),
						 {{"host", "h" + std::to_string(i)}, {"k", "v"}},
						 static_cast<double>(i) + k * 0.5,
						 1700000000.0 + static_cast<double>(i) + k));
	const std::string bytes = encodeWriteRequest(samples);
	Request r = unpack(bytes);
	ASSERT_TRUE(r);
	ASSERT_EQ(r->n_timeseries, series);
	EXPECT_EQ(repack(*r), bytes);
	for (size_t i = 0; i < series; ++i) {
		const Prometheus__TimeSeries &ts = *r->timeseries[i];
		ASSERT_EQ(ts.n_labels, 3u) << i;
		ASSERT_EQ(ts.labels[0]->value, "metric_" + std::to_string(i % 97)) << i;
		ASSERT_EQ(ts.labels[1]->value, "h" + std::to_string(i)) << i;
		ASSERT_EQ(ts.n_samples, 2u) << i;
		const int64_t ms = (1700000000 + static_cast<int64_t>(i)) * 1000;
		ASSERT_EQ(ts.samples[0]->timestamp, ms) << i;
		ASSERT_EQ(ts.samples[0]->value, static_cast<double>(i)) << i;
		ASSERT_EQ(ts.samples[1]->timestamp, ms + 1000) << i;
		ASSERT_EQ(ts.samples[1]->value, static_cast<double>(i) + 0.5) << i;
	}
}

TEST(RemoteWriteProtobuf, PostBodyIsTheSnappyOfTheRequest)
{
	const std::vector<PromSample> samples{sample("a", {{"host", "h"}}, 1, 10),
					      sample("b", {{"host", "h"}}, 2, 20)};
	// Twice: the second call reuses the per-thread buffers, which must not
	// leak bytes of a larger earlier batch.
	std::vector<PromSample> big;
	for (int i = 0; i < 1000; ++i)
		big.push_back(sample("big_" + std::to_string(i), {{"host", "h"}}, i, 5));
	EXPECT_EQ(snappyUncompress(encodeRemoteWriteBody(big)), encodeWriteRequest(big));
	EXPECT_EQ(snappyUncompress(encodeRemoteWriteBody(samples)), encodeWriteRequest(samples));
	EXPECT_TRUE(encodeWriteRequest({}).empty());
}

// A five-byte block claiming 4 GiB: snappy::Uncompress alone allocates and
// zeroes the claimed length before finding the block short (found by
// tests/fuzz/remote_write_fuzz).  Run with 512 MiB of address space to
// spare, so an allocation of the claim fails the test instead of passing
// slowly.  Exits 0 when refused as invalid, 1 when it tried to allocate.
namespace {

[[noreturn]] void uncompressALyingBlockWithLittleMemory()
{
	long pages = 0;
	if (FILE *f = std::fopen("/proc/self/statm", "r")) {
		if (std::fscanf(f, "%ld", &pages) != 1)
			pages = 0;
		std::fclose(f);
	}
	const rlim_t spare = rlim_t(512) << 20;
	const rlimit limit{rlim_t(pages) * rlim_t(sysconf(_SC_PAGESIZE)) + spare, RLIM_INFINITY};
	if (pages == 0 || setrlimit(RLIMIT_AS, &limit) != 0)
		_exit(2);
	try {
		snappyUncompress(std::string_view("\xff\xff\xff\xff\x0f", 5));
	} catch (const std::runtime_error &) {
		_exit(0);
	} catch (...) {
		_exit(1);
	}
	_exit(3);
}

} // namespace

// Skipped under ASan, whose shadow memory needs the whole address space.
TEST(RemoteWriteProtobufDeathTest, ALyingSnappyLengthAllocatesNothing)
{
#if defined(__SANITIZE_ADDRESS__)
	GTEST_SKIP() << "address-space limits do not apply under ASan";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	GTEST_SKIP() << "address-space limits do not apply under ASan";
#endif
#endif
	EXPECT_EXIT(uncompressALyingBlockWithLittleMemory(), ::testing::ExitedWithCode(0), "");
}
