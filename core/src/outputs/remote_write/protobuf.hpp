// SPDX-License-Identifier: Apache-2.0
// The protobuf wire encoding of a remote-write 1.0 WriteRequest, by hand:
//   WriteRequest { repeated TimeSeries timeseries = 1; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }
// (core/proto/remote_write.proto).  Why not protobuf-c: its generic packer
// walked the message descriptors and strlen()ed every label, 63 % of the
// encoding time, which kept remote write under 2 M samples/s on one core
// (docs/performance.md).  The format is fixed by the remote-write 1.0 spec,
// so four messages' worth of varints is all it takes.  The bytes are the
// ones protobuf-c writes (proto3: fields at their default are left out;
// -0.0 aside, see sampleSize()), checked in tests/unit/remote_write_protobuf_test.cpp against its
// decoder.
//
// Sizes come first (every length prefix must be known before its body), so
// the caller sizes its buffer once and the put*() functions write straight
// into it, each returning the position after what it wrote.  Pure
// functions; safe from any thread.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace vigil::remote_write_protobuf {

// Wire types (protobuf encoding spec).
inline constexpr uint8_t wire_varint = 0;
inline constexpr uint8_t wire_fixed64 = 1;
inline constexpr uint8_t wire_length_delimited = 2;

// A field's key; every field number here is below 16, so it is one byte.
constexpr uint8_t fieldKey(unsigned field, uint8_t wire_type)
{
	return static_cast<uint8_t>(field << 3 | wire_type);
}

constexpr size_t varintSize(uint64_t v)
{
	// 7 bits per byte; 0 still takes one byte.
	return static_cast<size_t>((std::bit_width(v | 1) + 6) / 7);
}

inline uint8_t *putVarint(uint8_t *out, uint64_t v)
{
	while (v >= 0x80) {
		*out++ = static_cast<uint8_t>(v | 0x80);
		v >>= 7;
	}
	*out++ = static_cast<uint8_t>(v);
	return out;
}

// Key, length and body of a length-delimited field whose body is `body` bytes.
constexpr size_t lengthDelimitedSize(size_t body)
{
	return 1 + varintSize(body) + body;
}

inline uint8_t *putLengthDelimitedHeader(uint8_t *out, unsigned field, size_t body)
{
	*out++ = fieldKey(field, wire_length_delimited);
	return putVarint(out, body);
}

// A string field; proto3 leaves an empty one out.
constexpr size_t stringFieldSize(std::string_view s)
{
	return s.empty() ? 0 : lengthDelimitedSize(s.size());
}

inline uint8_t *putStringField(uint8_t *out, unsigned field, std::string_view s)
{
	if (s.empty())
		return out;
	out = putLengthDelimitedHeader(out, field, s.size());
	std::memcpy(out, s.data(), s.size());
	return out + s.size();
}

// Label body.
constexpr size_t labelSize(std::string_view name, std::string_view value)
{
	return stringFieldSize(name) + stringFieldSize(value);
}

// Sample body.  proto3 leaves out a double whose bits are all zero (-0.0
// is written, as Go's protobuf in Prometheus does; protobuf-c would drop it)
// and a zero timestamp.  A negative
// timestamp is a ten-byte varint (int64 is not zigzag-encoded).
inline size_t sampleSize(double value, int64_t timestamp_ms)
{
	const auto bits = std::bit_cast<uint64_t>(value);
	const auto ts = static_cast<uint64_t>(timestamp_ms);
	return (bits ? 1 + 8 : 0) + (ts ? 1 + varintSize(ts) : 0);
}

inline uint8_t *putSample(uint8_t *out, double value, int64_t timestamp_ms)
{
	const auto bits = std::bit_cast<uint64_t>(value);
	if (bits) {
		*out++ = fieldKey(1, wire_fixed64);
		// The wire is little-endian, like both targets (x86-64, aarch64).
		static_assert(std::endian::native == std::endian::little);
		std::memcpy(out, &bits, 8);
		out += 8;
	}
	const auto ts = static_cast<uint64_t>(timestamp_ms);
	if (ts) {
		*out++ = fieldKey(2, wire_varint);
		out = putVarint(out, ts);
	}
	return out;
}

// Field numbers of the messages above.
inline constexpr unsigned write_request_timeseries = 1;
inline constexpr unsigned time_series_labels = 1;
inline constexpr unsigned time_series_samples = 2;
inline constexpr unsigned label_name = 1;
inline constexpr unsigned label_value = 2;

// One label as a TimeSeries field: key, length, body.
inline size_t labelFieldSize(std::string_view name, std::string_view value)
{
	return lengthDelimitedSize(labelSize(name, value));
}

inline uint8_t *putLabelField(uint8_t *out, std::string_view name, std::string_view value)
{
	out = putLengthDelimitedHeader(out, time_series_labels, labelSize(name, value));
	out = putStringField(out, label_name, name);
	return putStringField(out, label_value, value);
}

// One sample as a TimeSeries field.
inline size_t sampleFieldSize(double value, int64_t timestamp_ms)
{
	return lengthDelimitedSize(sampleSize(value, timestamp_ms));
}

inline uint8_t *putSampleField(uint8_t *out, double value, int64_t timestamp_ms)
{
	out = putLengthDelimitedHeader(out, time_series_samples, sampleSize(value, timestamp_ms));
	return putSample(out, value, timestamp_ms);
}

// One TimeSeries as a WriteRequest field, its body `body` bytes long (the
// sum of its label and sample field sizes); the body follows.
inline uint8_t *putTimeSeriesHeader(uint8_t *out, size_t body)
{
	return putLengthDelimitedHeader(out, write_request_timeseries, body);
}

} // namespace vigil::remote_write_protobuf
