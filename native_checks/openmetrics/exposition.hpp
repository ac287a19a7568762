// SPDX-License-Identifier: Apache-2.0
// The Prometheus text format 0.0.4 and OpenMetrics 1.0 text, read into
// metric families.  One parser for both: what they share is read the same
// way, and what only one of them has (`# UNIT`, `# EOF`, exemplars, the
// `_created`, `_gsum`, `_gcount` and `_info` suffixes, float timestamps) is
// accepted in either, so a server that answers one format for the other still
// gets read.
//
// Everything is a string_view into the body, so the body must outlive the
// Exposition; label values keep their escapes (labelValue() undoes them when
// asked).  An Exposition is meant to be reused: parse() clears it but keeps
// its vectors' capacity, so a scrape of a known size allocates nothing.
//
// No line is ever fatal.  A line that cannot be read is skipped and counted,
// and the first one is kept with its number and the reason, for a warning.
// Timestamps are checked to be numbers and then dropped: the check reports
// values at scrape time, as Datadog's check does.  Exemplars are not read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::openmetrics {

enum class FamilyType : std::uint8_t {
	Unknown, // `untyped`, `unknown`, or no `# TYPE` line
	Counter,
	Gauge,
	Histogram,
	GaugeHistogram,
	Summary,
	Info,
	StateSet,
};

// What a sample is within its family, from the suffix of its name.
enum class SampleRole : std::uint8_t {
	Value,	 // the family's own name (a gauge, a quantile, a text-format counter)
	Total,	 // _total
	Created, // _created
	Bucket,	 // _bucket
	Sum,	 // _sum
	Count,	 // _count
	GSum,	 // _gsum
	GCount,	 // _gcount
	Info,	 // _info
};

struct Label {
	std::string_view name;
	std::string_view raw_value; // between the quotes, escapes as written
	bool escaped;		    // raw_value holds a backslash
};

struct Sample {
	std::string_view name;
	double value;
	std::uint32_t first_label; // into Exposition::labels
	std::uint32_t label_count;
	SampleRole role;
};

struct Family {
	std::string_view name; // as in `# TYPE` (or the sample's name when untyped)
	FamilyType type;
	std::uint32_t first_sample; // into Exposition::samples
	std::uint32_t sample_count;
};

struct Exposition {
	std::vector<Family> families;
	std::vector<Sample> samples;
	std::vector<Label> labels;

	std::size_t lines = 0;		      // lines read, blank and filtered ones included
	std::size_t malformed = 0;	      // lines skipped because they could not be read
	std::size_t first_malformed_line = 0; // 1-based; 0 when none
	std::string_view first_malformed;     // that line
	const char *first_malformed_reason = "";
	bool eof = false; // `# EOF` seen (what follows it is malformed)

	void clear();
	// A long-lived Exposition that once read a huge body gives that memory
	// back, rather than keeping it for the rest of the agent's life.
	void trim(std::size_t max_samples);
};

// The most labels one sample may have; a line with more is malformed.  The
// agent keeps at most 100 tags per sample anyway.
inline constexpr std::size_t kMaxLabels = 128;

// Lines for which `skip_line` returns true are not parsed (Datadog's
// raw_line_filters); it sees each line without its line break.
using LineFilter = std::function<bool(std::string_view line)>;

void parseExposition(std::string_view body, Exposition &out, const LineFilter &skip_line = {});

// A label's value with `\\`, `\"` and `\n` undone.  Returns raw_value itself
// when there is nothing to undo, else a view of `scratch`, which it
// overwrites.  Any other backslash is kept as written, as Prometheus does.
std::string_view labelValue(const Label &label, std::string &scratch);

// The `# TYPE` word of a family type, for messages and tests.
std::string_view familyTypeName(FamilyType type);

} // namespace vigil::openmetrics
