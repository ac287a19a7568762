// SPDX-License-Identifier: Apache-2.0
// Parser of /proc/diskstats and the counter arithmetic of the io check.
// Header-only and free of the SDK so tests pin it directly.
//
// A line is "major minor name" and then the statistics of
// Documentation/admin-guide/iostats.rst: 11 before Linux 4.18 (14 fields),
// 15 since 4.18 (discards, 18 fields), 17 since 5.5 (flushes, 20 fields).
// The check uses the first 11, so any of these, or a later longer line, works.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::io {

enum Field : size_t {
	ReadsCompleted,
	ReadsMerged,
	SectorsRead,
	MsReading,
	WritesCompleted,
	WritesMerged,
	SectorsWritten,
	MsWriting,
	IosInProgress,
	MsDoingIo,	   // io_ticks: wall time with at least one IO in flight
	WeightedMsDoingIo, // time_in_queue: ms of IO in flight, summed over IOs
	FieldCount
};

using Counters = std::array<uint64_t, FieldCount>;

struct DeviceLine {
	std::string_view name;
	Counters counters;
};

struct Diskstats {
	std::vector<DeviceLine> devices; // views into the parsed text
	// 1-based numbers of lines that are not "major minor name" and at
	// least 11 numbers, for the warning.
	std::vector<size_t> malformed_lines;
};

inline bool parseNumber(std::string_view token, uint64_t &out)
{
	auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
	return ec == std::errc() && end == token.data() + token.size();
}

inline Diskstats parseDiskstats(std::string_view text)
{
	Diskstats out;
	size_t line_number = 0;
	while (!text.empty()) {
		size_t eol = text.find('\n');
		std::string_view line = text.substr(0, eol);
		text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
		++line_number;

		size_t pos = 0;
		auto next = [&]() -> std::string_view {
			pos = line.find_first_not_of(' ', pos);
			if (pos == std::string_view::npos)
				return {};
			size_t end = line.find(' ', pos);
			if (end == std::string_view::npos)
				end = line.size();
			std::string_view token = line.substr(pos, end - pos);
			pos = end;
			return token;
		};

		std::string_view major = next();
		if (major.empty())
			continue;
		uint64_t ignored;
		bool ok = parseNumber(major, ignored) && parseNumber(next(), ignored);
		DeviceLine device;
		device.name = next();
		ok = ok && !device.name.empty();
		for (size_t f = 0; ok && f < FieldCount; ++f)
			ok = parseNumber(next(), device.counters[f]);
		if (!ok) {
			out.malformed_lines.push_back(line_number);
			continue;
		}
		out.devices.push_back(device);
	}
	return out;
}

// How much a counter grew from `previous` to `current`, or false when it went
// back (the device was replaced, or its statistics were reset).  The kernel
// prints the millisecond fields as 32-bit values that wrap after 49.7 days
// of accumulated time (and every field is 32-bit on 32-bit kernels), so a
// drop from the upper half of the 32-bit range to a 32-bit value is a wrap.
inline bool counterDelta(uint64_t previous, uint64_t current, uint64_t &delta)
{
	if (current >= previous) {
		delta = current - previous;
		return true;
	}
	constexpr uint64_t wrap = uint64_t(1) << 32;
	if (previous < wrap && previous >= wrap / 2) {
		delta = current + wrap - previous;
		return true;
	}
	return false;
}

// Per-IO figures between two samples of one device, iostat's definitions.
// Zero when no IO completed in the interval, as iostat and Datadog report.
struct Latency {
	double await_ms = 0;   // (ms reading + ms writing) / IOs
	double r_await_ms = 0; // ms reading / reads
	double w_await_ms = 0; // ms writing / writes
	double avg_rq_sz = 0;  // sectors per IO
	double svctm_ms = 0;   // ms busy / IOs
};

// False when a counter went back: nothing can be said about the interval.
inline bool computeLatency(const Counters &previous, const Counters &current, Latency &out)
{
	Counters d{};
	for (size_t f = 0; f < FieldCount; ++f)
		if (f != IosInProgress && !counterDelta(previous[f], current[f], d[f]))
			return false;
	double reads = static_cast<double>(d[ReadsCompleted]);
	double writes = static_cast<double>(d[WritesCompleted]);
	double ios = reads + writes;
	out = Latency();
	if (reads > 0)
		out.r_await_ms = d[MsReading] / reads;
	if (writes > 0)
		out.w_await_ms = d[MsWriting] / writes;
	if (ios > 0) {
		out.await_ms = (d[MsReading] + d[MsWriting]) / ios;
		out.avg_rq_sz = (d[SectorsRead] + d[SectorsWritten]) / ios;
		out.svctm_ms = d[MsDoingIo] / ios;
	}
	return true;
}

} // namespace vigil::io
