// SPDX-License-Identifier: Apache-2.0
// The words of the exposition formats: one sample line (`name{labels} value
// [timestamp] [# exemplar]`), metric names and numbers, read as Prometheus'
// own parser reads them.  No allocation: names and label values are views of
// the line.
#pragma once

#include "exposition.hpp"

#include <string_view>
#include <vector>

namespace vigil::openmetrics {

inline bool isBlank(char c)
{
	return c == ' ' || c == '\t';
}

// Without the blanks at either end.
std::string_view trimBlanks(std::string_view s);

// The next blank-separated word of `s`, which loses it and the blanks after.
std::string_view nextWord(std::string_view &s);

// [a-zA-Z_:][a-zA-Z0-9_:]*, the whole of `s`.
bool isMetricName(std::string_view s);

// A float as Go's strconv.ParseFloat reads it: an optional sign, decimal or
// 0x hexadecimal, Inf, Infinity and NaN in any case; the whole word.
bool parseNumber(std::string_view word, double &value);

struct SampleLine {
	std::string_view name;
	double value = 0;
};

// Reads one sample line (blanks already trimmed), appending its labels to
// `labels`.  Returns nullptr, or why the line cannot be read (then `labels`
// is as it was).  `scratch` is reused between calls.
const char *readSampleLine(std::string_view text, SampleLine &out, std::vector<Label> &labels,
			   std::vector<std::string_view> &scratch);

} // namespace vigil::openmetrics
