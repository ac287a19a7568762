// SPDX-License-Identifier: Apache-2.0
// Scheduler: runs every check instance on its interval on a pool of worker
// threads, spread over the interval, never overlapping itself.
//
// Threads: the Scheduler owns one timer thread (decides what is due) and
// `workers` + 1 worker threads (run checks).  Schedulable::run() is only
// ever called on a worker thread, never twice at once for the same instance.
//
// Lanes: a native check is never delayed by Python work.  A Python run may
// block for its whole duration (sleep, I/O, the GIL) and cannot be
// preempted, so the only way to keep that promise is a runner Python can
// never occupy.  The rule:
//   - `workers` shared runners (vigil.yaml `check_runners`) run every lane:
//     a queued native run first, else the oldest queued Python or isolated
//     run.
//   - one native runner, beyond those, runs only Native runs.
// So Python and isolated runs get all `workers` runners whenever no native
// work is queued (8 checks sleeping 1 s take ~2 s on 4 runners), and a due
// native run waits only for other native runs, never behind a pool full of
// Python.  Isolated runs share the Python rule: their thread waits on a
// worker process for up to the hard timeout.
#pragma once

#include "scheduling/clock.hpp"
#include "scheduling/lane.hpp"
#include "scheduling/quarantine.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vigil {

// Crashed: the worker process running an isolated check died during the run
// (docs/isolation.md); an in-process check cannot crash without the agent.
enum class RunStatus { Ok, Error, Timeout, Crashed };

struct RunOutcome {
	RunStatus status = RunStatus::Ok;
	std::string error;    // empty when ok
	uint64_t samples = 0; // metric samples submitted by the run
	std::vector<std::string> warnings;
};

// One configured check instance, as the scheduler sees it.
class Schedulable {
public:
	virtual ~Schedulable() = default;
	virtual const std::string &id() const = 0;		// unique, stable across restarts
	virtual std::chrono::milliseconds interval() const = 0; // > 0
	// Read once, by add(); native in-process code unless it says otherwise.
	virtual RunLane lane() const { return RunLane::Native; }
	virtual RunOutcome run() = 0;
};

struct InstanceStats {
	std::string id;
	uint64_t runs = 0;   // completed runs, whatever their status
	uint64_t errors = 0; // runs with status Error, Timeout or Crashed
	uint64_t timeouts = 0;
	uint64_t crashes = 0;
	uint64_t skips = 0;   // ticks skipped because the previous run was still going
	uint64_t samples = 0; // total metric samples
	std::chrono::nanoseconds last_duration{0};
	std::chrono::nanoseconds average_duration{0};
	std::string last_error; // of the most recent failed run
	bool running = false;
	Clock::time_point next_run{};
	// Quarantine (isolation/quarantine.hpp): crashes/timeouts in a row, and
	// while quarantined, why and until when its runs are skipped.
	unsigned consecutive_failures = 0;
	bool quarantined = false;
	std::string quarantine_reason;
	Clock::time_point quarantined_until{};
};

// How often the log reminds of an instance that keeps failing (failure_log.hpp).
// Five minutes: a failing check at the default 15 s interval would otherwise
// write 240 lines an hour that say nothing new, and a reminder every few
// minutes still lands in any journal window an operator looks at.
inline constexpr std::chrono::minutes kFailureReminderInterval{5};

// Called on the runner thread after each run, with the outcome as recorded
// (an exception already turned into an error, an empty error text filled
// in), before the run counts as finished: runAllOnce() returns after it.
// Must not throw.
using RunObserver =
	std::function<void(const Schedulable &, const RunOutcome &, std::chrono::nanoseconds took)>;

struct SchedulerOptions {
	unsigned workers = 4;	     // shared runners; the native runner comes on top
	QuarantinePolicy quarantine; // default: never
	// Failed runs go to the log, rate-limited per instance (failure_log.hpp).
	// Off for a caller that reports each outcome itself (`vigil check`).
	bool log_failures = true;
	Clock::duration failure_reminder = kFailureReminderInterval;
	RunObserver on_run{}; // none by default
};

class Scheduler {
public:
	Scheduler(SchedulerOptions options, std::shared_ptr<Clock> clock);
	// Stops with no grace if still running.
	~Scheduler();
	Scheduler(const Scheduler &) = delete;
	Scheduler &operator=(const Scheduler &) = delete;

	// Adds an instance; its first run is at now + initialOffset(id, interval).
	// Allowed before and after start().
	void add(std::shared_ptr<Schedulable> instance);

	// Starts the worker threads and the timer thread.
	void start();

	// Starts only the workers; nothing runs until dispatchDue() or
	// runAllOnce().  For tests and `vigil run --once`.
	void startWorkers();

	// Queues every instance that is due at clock->now() (skipping, and
	// counting, those still running) and advances their next run.  The timer
	// thread calls this; tests call it after moving a fake clock.
	void dispatchDue();

	// Runs every instance once on the workers and waits for all of them.
	void runAllOnce();

	// Stops scheduling, waits up to `grace` for running checks. Returns
	// false if some were still running (their threads are then abandoned,
	// detached, and the caller should exit the process soon).
	bool stop(std::chrono::milliseconds grace);

	std::vector<InstanceStats> stats() const;

	// Stable first-run offset in [0, interval): a hash of the id, so that a
	// restart keeps the same spread and instances do not all start at once.
	static std::chrono::milliseconds initialOffset(const std::string &id,
						       std::chrono::milliseconds interval);

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

} // namespace vigil
