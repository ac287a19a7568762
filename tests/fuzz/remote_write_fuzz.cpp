// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for reading remote-write requests
// (core/src/outputs/remote_write/encoding.hpp): the input is a POST body,
// snappyUncompress() then decodeWriteRequest() (protobuf-c's generated
// decoder, decoding.cpp), and also the input itself as an uncompressed
// WriteRequest, so that mutations reach the protobuf without going through
// snappy.  Both functions document std::runtime_error for bytes they do not
// accept; any other exception, a crash, a sanitizer report or a hang is a
// bug, and so is a decoded request that the encoder, fed its samples, cannot
// encode into a request that decodes to as many samples with the same
// values.  snappy and libprotobuf-c are the system's libraries,
// uninstrumented: the coverage that guides the fuzzer is Vigil's code and
// the generated descriptors.
#include "../outputs/prom_sample_builder.hpp"
#include "outputs/remote_write/encoding.hpp"
#include "seed_corpus.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using vigil::DecodedSeries;
using vigil::PromLabel;
using vigil::PromSample;

// The decoded series as the encoder's samples: `__name__` becomes the name,
// the other labels sorted with unique names (the encoder's precondition).
std::vector<PromSample> samplesOf(const std::vector<DecodedSeries> &series)
{
	std::vector<PromSample> out;
	for (const DecodedSeries &s : series) {
		PromSample sample;
		for (const PromLabel &l : s.labels) {
			if (l.name == "__name__")
				sample.name = l.value;
			else
				sample.labels.push_back(l);
		}
		std::stable_sort(
			sample.labels.begin(), sample.labels.end(),
			[](const PromLabel &a, const PromLabel &b) { return a.name < b.name; });
		sample.labels.erase(std::unique(sample.labels.begin(), sample.labels.end(),
						[](const PromLabel &a, const PromLabel &b) {
							return a.name == b.name;
						}),
				    sample.labels.end());
		for (const auto &d : s.samples) {
			sample.value = d.value;
			sample.timestamp = double(d.timestamp_ms) / 1000;
			out.push_back(sample);
		}
	}
	return out;
}

// Sample values in a canonical order, bit for bit (NaN payloads included).
std::vector<std::uint64_t> valueBits(const std::vector<DecodedSeries> &series)
{
	std::vector<std::uint64_t> out;
	for (const DecodedSeries &s : series)
		for (const auto &d : s.samples)
			out.push_back(std::bit_cast<std::uint64_t>(d.value));
	std::sort(out.begin(), out.end());
	return out;
}

void decode(std::string_view protobuf)
{
	std::vector<DecodedSeries> series;
	try {
		series = vigil::decodeWriteRequest(protobuf);
	} catch (const std::runtime_error &) {
		return;
	}
	// Encoded again (what the agent would send for these samples), it
	// must decode to the same values, none lost or added.
	const std::string again = vigil::encodeWriteRequest(samplesOf(series));
	if (valueBits(vigil::decodeWriteRequest(again)) != valueBits(series))
		std::abort();
}

PromSample sample(std::string name, std::vector<PromLabel> labels, double value, double timestamp)
{
	return vigil::test::promSample(std::move(name), std::move(labels), value, timestamp);
}

} // namespace

namespace vigil::fuzz {

// Requests as the agent sends them, compressed (what a receiver reads) and
// not (what decodeWriteRequest() reads).
void writeSeeds(const SeedWriter &seeds)
{
	const std::vector<PromSample> one = {
		sample("vigil_cpu_user", {{"host", "web-01"}}, 12.5, 1700000000.123)};
	std::vector<PromSample> many = {
		sample("vigil_disk_used", {{"device", "sda1"}, {"host", "h"}}, 0, 1700000000),
		sample("vigil_requests_total", {{"Method", "GET"}, {"host", "h"}}, -0.0, 0),
		sample("vigil_disk_used", {{"device", "sda1"}, {"host", "h"}}, 1e300, 1699999999),
		sample("vigil_up", {}, 1, -1.5), sample("", {{"", ""}}, 0.1, 4e15)};
	for (int i = 0; i < 40; ++i)
		many.push_back(sample("vigil_load_" + std::to_string(i % 3),
				      {{"host", "web-01"}, {"shard", std::to_string(i)}}, i * 0.25,
				      1700000000 + i * 15));
	seeds.add("one.pb", encodeWriteRequest(one));
	seeds.add("many.pb", encodeWriteRequest(many));
	seeds.add("one.snappy", encodeRemoteWriteBody(one));
	seeds.add("many.snappy", encodeRemoteWriteBody(many));
	seeds.add("empty.snappy", encodeRemoteWriteBody({}));
}

} // namespace vigil::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string_view bytes(reinterpret_cast<const char *>(data), size);
	decode(bytes);
	std::string body;
	try {
		body = vigil::snappyUncompress(bytes);
	} catch (const std::runtime_error &) {
		return 0;
	}
	decode(body);
	return 0;
}
