// SPDX-License-Identifier: Apache-2.0
// FailureLog: what the agent's log says about one instance whose runs fail.
// Without it a failing check is visible only in /status; logging every
// failed run instead would bury everything else under one broken check.
// So, per instance:
//   - the first failed run: one error line with the reason;
//   - while it keeps failing: a reminder at most every `remind_every`, with
//     how many runs failed since the first;
//   - the first good run after that: one info line, with how many runs
//     failed and for how long.
// A check that flaps (fails, recovers, fails again…) would still write two
// lines per interval, so a failure less than `remind_every` after the
// recovery line is not logged at once: it reopens the episode, and the next
// line comes once `remind_every` has passed since the last one ("failed
// again", or "recovered" with the failures in between).  That bounds the
// lines of any instance to about two per `remind_every` after its first.
// Each failed run held back is still one line, at debug level.
//
// Not thread-safe: the Scheduler keeps one per instance, guarded by
// State::mutex, and feeds it on the runner thread that finished the run.
// Pure otherwise (time comes in as arguments), so it is tested with no
// Scheduler and no clock.
#pragma once

#include "scheduling/clock.hpp"
#include "scheduling/scheduler.hpp"

#include <spdlog/common.h>

#include <cstdint>
#include <optional>
#include <string>

namespace vigil {

struct FailureLine {
	spdlog::level::level_enum level = spdlog::level::err;
	std::string text;
	// A multi-line error (a Python traceback) is cut to its first line in
	// `text`; the whole of it, for the debug level, or empty.
	std::string detail;
	bool recovered = false; // the line that ends an episode
};

class FailureLog {
public:
	// Notes a finished run of instance `id` (run every `interval`) and
	// returns the line to log for it, if any: at debug level for a failed
	// run that the rate limit holds back.  `error` is the run's error text
	// (ignored for RunStatus::Ok).
	std::optional<FailureLine> noteRun(const std::string &id, RunStatus status,
					   const std::string &error, Clock::time_point now,
					   Clock::duration interval, Clock::duration remind_every);

private:
	enum class Said { Nothing, Failing, Recovered };

	Said said_ = Said::Nothing; // what the last line said
	Clock::time_point last_line_{};
	// An episode: from a first failure to the recovery line that ends it.
	bool in_episode_ = false;
	Clock::time_point since_{}; // its first failure
	uint64_t failed_ = 0;	    // failed runs since `since_`
	uint64_t runs_ = 0;	    // all runs since `since_`
};

// "0.2 s", "15 s", "5 min 3 s", "2 h 5 min": for log lines.
std::string describeDuration(Clock::duration duration);

} // namespace vigil
