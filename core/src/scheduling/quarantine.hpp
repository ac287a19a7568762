// SPDX-License-Identifier: Apache-2.0
// Quarantine of a check instance that keeps crashing or timing out: after
// `after` such runs in a row, its next runs are skipped for a backoff that
// doubles with each further failure, capped (never collectd's 24 h).  A run
// that neither crashes nor times out clears it.  Pure math here; the
// Scheduler keeps the counts (state.cpp).
#pragma once

#include "scheduling/clock.hpp"

#include <chrono>

namespace vigil {

struct QuarantinePolicy {
	unsigned after = 0; // 0 = never quarantine
	Clock::duration max_backoff = std::chrono::minutes(5);
};

// How long to hold an instance run every `interval` after `failures`
// crashes/timeouts in a row: zero below `after`, else
// interval * 2^(failures - after), at most max_backoff.
Clock::duration quarantineBackoff(const QuarantinePolicy &policy, unsigned failures,
				  Clock::duration interval);

} // namespace vigil
