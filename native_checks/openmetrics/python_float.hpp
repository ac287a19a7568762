// SPDX-License-Identifier: Apache-2.0
// Numbers in tags the way Datadog's Python check writes them.  Its OpenMetrics
// V2 check turns a histogram's `le` and a summary's `quantile` into
// `str(float(value) or 0)`, so `le="1"` is tagged `upper_bound:1.0`, `+Inf`
// `inf`, `1e-05` stays `1e-05` and `0.0` becomes `0`.  Users' dashboards and
// monitors name those tags, so they must come out byte for byte the same.
#pragma once

#include <string>
#include <string_view>

namespace vigil::openmetrics {

// Appends repr(value) as Python 3 writes it: the shortest digits that read
// back to the same double, fixed notation for exponents -4 to 15 (with ".0"
// when integral), else d.ddde+XX; "inf", "-inf", "nan".
void appendPythonFloat(double value, std::string &out);

// Python's float() of a label value: blanks around it, a sign, decimals,
// exponents, inf, infinity and nan in any case.  False when it is not one.
bool parsePythonFloat(std::string_view text, double &value);

// `str(float(text) or 0)` into `out` (replacing it); false, with `out`
// untouched, when `text` is not a number (Datadog's check would fail the
// whole scrape there; we keep the label as it is).
bool canonicalNumber(std::string_view text, std::string &out);

} // namespace vigil::openmetrics
