// SPDX-License-Identifier: Apache-2.0
// Memory a benchmark's measured call allocates.  allocation_counter.cpp
// replaces the program's global operator new/delete: every allocation adds
// its usable size to a running total, and the peak above the level at a
// PeakSince's construction is what the code since then needed.  The counters
// are atomic, so allocations on other threads (an HTTP server's) count too.
// Link allocation_counter.cpp into one benchmark program only.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace vigil::bench {

// Bytes allocated now (usable sizes).
std::size_t allocatedBytes();

// Peak bytes allocated above the level when it was constructed; one at a
// time (it resets the shared peak).
class PeakSince {
public:
	PeakSince();
	std::size_t extra() const;

private:
	std::size_t base_;
};

// On a shared machine other work only ever adds time: with
// --benchmark_repetitions the minimum is the closest to the code's own cost.
inline double minimum(const std::vector<double> &v)
{
	return *std::min_element(v.begin(), v.end());
}

} // namespace vigil::bench
