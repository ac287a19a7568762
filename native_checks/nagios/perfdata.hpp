// SPDX-License-Identifier: Apache-2.0
// Performance data as the Monitoring Plugins development guidelines define
// it: space-separated `'label'=value[UOM];[warn];[crit];[min];[max]` items,
// the label quoted when it holds spaces, `=` or `'` (a quote inside is
// written `''`), `U` as the value when it could not be determined, empty and
// trailing fields allowed, warn and crit in the guidelines' range format.
//
// The parser is lenient where plugins are (a `+` sign, an exponent, min/max
// written with the value's unit) and strict where a wrong number would
// follow (a comma as the decimal point, `nan`, a unit containing digits).
// A fragment it cannot read is reported by name, never fatal: the items
// beside it still count.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::nagios {

// `[@]start:end`, `start:`, `~:end` or `end`.  The value is in range when
// start <= value <= end; an alert is raised outside the range, or inside it
// when `inside` ('@').  A missing start is 0; `~` is -infinity; a missing
// end is +infinity.
struct Range {
	double start = 0;
	double end = 0;
	bool start_written = false; // the text gave a finite start ("5:", "0:10")
	bool inside = false;
};

// One item; numbers as written, in `uom` (no conversion here).
struct Perfdatum {
	std::string label;
	std::optional<double> value; // empty for `U`
	std::string uom;
	std::optional<Range> warn;
	std::optional<Range> crit;
	std::optional<double> min;
	std::optional<double> max;
};

// A fragment (or one field of it) that could not be read, and why.
struct PerfdataProblem {
	std::string fragment;
	std::string reason;
};

struct Perfdata {
	std::vector<Perfdatum> items;
	std::vector<PerfdataProblem> problems;
};

Perfdata parsePerfdata(std::string_view text);

// The guidelines' range format; std::nullopt when `text` is not one.  `uom`
// is the value's unit, which some plugins repeat after the numbers.
std::optional<Range> parseRange(std::string_view text, std::string_view uom = {});

} // namespace vigil::nagios
