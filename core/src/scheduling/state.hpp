// SPDX-License-Identifier: Apache-2.0
// Private to the Scheduler: the state its threads share, and the loops those
// threads run.  Not part of any public header.
//
// Ownership: a State is held by a shared_ptr in the Scheduler *and* in every
// thread it starts.  A worker abandoned at stop() (stuck in a check) is
// detached and keeps the State, the instances and the Clock alive until its
// run returns, so it never touches freed memory after the Scheduler is gone.
#pragma once

#include "scheduling/clock.hpp"
#include "scheduling/failure_log.hpp"
#include "scheduling/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vigil::scheduler_detail {

// A runAllOnce() call waiting for its runs to finish.
struct Batch {
	std::size_t remaining = 0; // guarded by State::mutex
};

// One instance and its bookkeeping.  `instance`, `id` and `interval` are set
// by add() and never change; every other field is guarded by State::mutex.
struct Entry {
	std::shared_ptr<Schedulable> instance;
	std::string id;
	Clock::duration interval{};
	RunLane lane = RunLane::Native;

	Clock::time_point next_run{};
	// Queued or running.  A tick that finds it set is skipped: this is what
	// keeps an instance from ever overlapping itself.
	bool busy = false;
	bool running = false;
	// runAllOnce() calls that count the current (queued or running) run.
	std::vector<std::shared_ptr<Batch>> waiters;

	uint64_t runs = 0;
	uint64_t errors = 0;
	uint64_t timeouts = 0;
	uint64_t crashes = 0;
	uint64_t skips = 0;
	uint64_t samples = 0;
	std::chrono::nanoseconds last_duration{0};
	std::chrono::nanoseconds total_duration{0};
	std::string last_error;
	unsigned consecutive_failures = 0;     // crashes/timeouts in a row
	Clock::time_point quarantined_until{}; // ticks before it are not run
	std::string quarantine_reason;
	// What the log has said about its failures; written by the runner
	// that finished the run, like the counts above.
	FailureLog failure_log;
};

// A heap node: the next due time of entries[index].  Exactly one node per
// entry, replaced each time the entry is dispatched, so no stale nodes.
struct Due {
	Clock::time_point when;
	std::size_t index;
};

struct State {
	// `worker_count` shared runners plus the native runner (index
	// worker_count); see the lane rule in scheduler.hpp.
	State(std::shared_ptr<Clock> c, unsigned worker_count, const SchedulerOptions &options);

	// Guarded by `mutex` like the fields below.  unique_ptr: an Entry's
	// address stays valid as entries are added.  Declared first so that it
	// is destroyed last: an instance's destructor is the last thing an
	// abandoned worker runs, which lets a caller (or a test) wait for it.
	std::vector<std::unique_ptr<Entry>> entries;

	const std::shared_ptr<Clock> clock;
	const QuarantinePolicy quarantine;
	const bool log_failures;
	const Clock::duration failure_reminder;
	const RunObserver on_run;
	// Held here so detached workers can still log after the registry is gone.
	const std::shared_ptr<spdlog::logger> log;

	// One mutex for all scheduling state: runs are milliseconds long and the
	// critical sections below are a few hundred nanoseconds, so finer locks
	// would buy nothing and cost reasoning.  It guards every field below and
	// the mutable fields of every Entry.  Never held while a check runs.
	std::mutex mutex;
	std::condition_variable timer_cv;  // timer thread: earlier due time or stop
	std::condition_variable work_cv;   // idle shared runners: a run was queued or stop
	std::condition_variable native_cv; // idle native runner: a native run was queued or stop
	std::condition_variable done_cv;   // runAllOnce()/stop(): a batch or the last run ended

	std::vector<Due> heap;		  // min-heap on `when` (std::push_heap with Later)
	std::deque<Entry *> native_queue; // due Native runs waiting for a runner
	std::deque<Entry *> other_queue;  // due Python and Isolated runs, oldest first
	std::vector<uint8_t> in_run;	  // per worker index: inside Schedulable::run()
	std::size_t running = 0;	  // runs in progress
	std::size_t idle_workers = 0;	  // shared runners blocked on work_cv
	bool native_runner_idle = false;  // blocked on native_cv
	bool stopping = false;		  // set once by stop(); no new work after it
};

// Orders the heap so that the earliest due time is at the front.
struct Later {
	bool operator()(const Due &a, const Due &b) const { return a.when > b.when; }
};

// With State::mutex held: queues every entry due at `now`, counts a skip for
// those still busy, and moves each to its next grid point.
void dispatchDueLocked(State &state, Clock::time_point now);

// With State::mutex held: queues a run of `entry` in its lane's queue.
void enqueueLocked(State &state, Entry &entry);

// With State::mutex held: wakes an idle runner for queued work: the native
// runner for a native run, one shared runner for anything it leaves.  One
// each, not all: a woken runner that sees more work wakes the next, so a
// burst of cheap runs wakes only as many runners as it keeps busy.
void wakeWorkerLocked(State &state);

// The timer thread wakes on multiples of this (of the Clock's epoch), not at
// each due time: with 10,000 instances spread over 10 s, that batches ~10 runs
// per wake-up instead of waking every millisecond (CPU), for at most this
// much lateness.  dispatchDue() itself is exact.
inline constexpr std::chrono::milliseconds kTimerResolution{10};

// With State::mutex held: empties the run queue (at stop).
void dropQueuedLocked(State &state);

// Body of worker thread `index`: a shared runner, or with `native_only` the
// native runner.  Returns once the State is stopping.
void workerLoop(std::shared_ptr<State> state, std::size_t index, bool native_only);

// Body of the timer thread; returns once the State is stopping.
void timerLoop(std::shared_ptr<State> state);

} // namespace vigil::scheduler_detail
