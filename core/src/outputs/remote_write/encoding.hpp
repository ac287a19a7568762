// SPDX-License-Identifier: Apache-2.0
// The Prometheus remote-write 1.0 wire format: samples to a
// prometheus.WriteRequest protobuf (encoded by hand for speed,
// remote_write_protobuf.hpp; decoded with protobuf-c from core/proto/), then
// a snappy block.  Pure functions, no I/O; safe from any thread.
#pragma once

#include "outputs/prometheus/series.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// Samples as one serialized (uncompressed) WriteRequest.  Samples of the
// same series (name and labels) become one TimeSeries with its samples
// sorted oldest first, because a receiver rejects a series' samples out of
// order; series keep the order of their first sample.  Labels are
// `__name__` plus the sample's labels, sorted by name.  Timestamps are
// rounded to milliseconds.
std::string encodeWriteRequest(const std::vector<PromSample> &samples);

// A snappy block (what remote write sends as `Content-Encoding: snappy`).
std::string snappyCompress(std::string_view data);
// Throws std::runtime_error if `block` is not valid snappy.
std::string snappyUncompress(std::string_view block);

// encodeWriteRequest() then snappyCompress(): the body of one POST.
std::string encodeRemoteWriteBody(const std::vector<PromSample> &samples);

// A WriteRequest read back, for tests and debugging.
struct DecodedSample {
	double value = 0;
	int64_t timestamp_ms = 0;
};
struct DecodedSeries {
	std::vector<PromLabel> labels; // as on the wire, `__name__` included
	std::vector<DecodedSample> samples;
};
// Throws std::runtime_error if `protobuf` is not a valid WriteRequest.
std::vector<DecodedSeries> decodeWriteRequest(std::string_view protobuf);

} // namespace vigil
