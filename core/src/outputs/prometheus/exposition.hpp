// SPDX-License-Identifier: Apache-2.0
// Prometheus text exposition format 0.0.4 (docs/outputs.md, "Exposition").
#pragma once

#include "outputs/prometheus/series.hpp"

#include <string>
#include <vector>

namespace vigil {

struct ExpositionStats {
	size_t series = 0;     // sample lines written
	size_t families = 0;   // metric families (one # HELP and # TYPE each)
	size_t duplicates = 0; // same name and labels seen again: the later one won
	size_t type_conflicts =
		0; // samples dropped: their name was already a family of another type
};

// Renders samples as exposition text:
// - families sorted by name, each family's lines contiguous, one # HELP and
//   one # TYPE line per family, series sorted by labels inside it;
// - one line per (name, labels): a duplicate keeps the sample that came
//   later in `samples` (the newer value);
// - a name used with two types (a gauge "x_total" beside a count "x") is a
//   counter: the gauge samples are dropped and counted, whatever the input
//   order, so the exposition does not flip between scrapes;
// - label values escape '\\', '"' and newline; HELP text '\\' and newline;
// - values NaN, +Inf and -Inf are written as "NaN", "+Inf", "-Inf" (what the
//   format defines), finite values in the shortest form that reads back
//   exactly;
// - no timestamps: Prometheus stamps scrapes itself, and its staleness
//   handling only works for unstamped samples.
std::string renderExposition(const std::vector<PromSample> &samples,
			     ExpositionStats *stats = nullptr);
// The same from pointers (duplicates: the later pointer wins), so a caller
// that keeps its samples elsewhere renders them without copying them.
std::string renderExposition(const std::vector<const PromSample *> &samples,
			     ExpositionStats *stats = nullptr);

// Appends `value` escaped for a label value.
void appendEscapedLabelValue(std::string &out, std::string_view value);

// Appends a sample value in the format's spelling.
void appendSampleValue(std::string &out, double value);

} // namespace vigil
