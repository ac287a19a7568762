// SPDX-License-Identifier: Apache-2.0
#include "scheduling/state.hpp"

#include "process/logging.hpp"

#include <fmt/format.h>

#include <cxxabi.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <utility>

namespace vigil::scheduler_detail {

namespace {

// With State::mutex held: a batch waiting on `entry` has one run fewer to
// wait for.  Only wakes done_cv when a batch completes, so a 10,000-instance
// runAllOnce() wakes its caller once, not 10,000 times.
void releaseWaitersLocked(State &state, Entry &entry)
{
	bool completed = false;
	for (auto &batch : entry.waiters)
		completed |= --batch->remaining == 0;
	entry.waiters.clear();
	if (completed)
		state.done_cv.notify_all();
}

// With State::mutex held: counts crashes/timeouts in a row and holds the
// instance back once there are too many; any other outcome releases it
// (finishRunLocked says so).
void updateQuarantineLocked(State &state, Entry &entry, const RunOutcome &outcome)
{
	const bool failed =
		outcome.status == RunStatus::Crashed || outcome.status == RunStatus::Timeout;
	if (!failed) {
		entry.consecutive_failures = 0;
		entry.quarantined_until = {};
		entry.quarantine_reason.clear();
		return;
	}
	++entry.consecutive_failures;
	const Clock::duration backoff =
		quarantineBackoff(state.quarantine, entry.consecutive_failures, entry.interval);
	if (backoff == Clock::duration::zero())
		return;
	entry.quarantined_until = state.clock->now() + backoff;
	entry.quarantine_reason =
		fmt::format("{} {} times in a row, last: {}",
			    outcome.status == RunStatus::Crashed ? "crashed" : "timed out",
			    entry.consecutive_failures, entry.last_error);
	state.log->warn("'{}' quarantined for {} s: {}", entry.id,
			std::chrono::duration_cast<std::chrono::seconds>(backoff).count(),
			entry.quarantine_reason);
}

// With State::mutex held, before updateQuarantineLocked: the failure line
// of this run, if FailureLog says one is due.  Logged under the lock, as the
// quarantine lines are, so that two lines of one instance never swap places;
// FailureLog keeps them rare.  Returns whether the line also said that the
// instance `leaves_quarantine`.
bool logFailureLocked(State &state, Entry &entry, const RunOutcome &outcome, bool leaves_quarantine)
{
	if (!state.log_failures)
		return false;
	std::optional<FailureLine> line = entry.failure_log.noteRun(
		entry.id, outcome.status, outcome.error, state.clock->now(), entry.interval,
		state.failure_reminder);
	if (!line)
		return false;
	const bool says_quarantine = line->recovered && leaves_quarantine;
	state.log->log(line->level, "{}{}", line->text,
		       says_quarantine ? ", out of quarantine" : "");
	if (!line->detail.empty())
		state.log->debug("{}", line->detail);
	return says_quarantine;
}

// With State::mutex held: records a finished run of `entry` on worker `index`.
// `outcome.error` is set for every failed run (withErrorText()).
void finishRunLocked(State &state, std::size_t index, Entry &entry, const RunOutcome &outcome,
		     std::chrono::nanoseconds duration)
{
	entry.running = false;
	entry.busy = false;
	state.in_run[index] = 0;
	--state.running;

	++entry.runs;
	entry.samples += outcome.samples;
	entry.last_duration = duration;
	entry.total_duration += duration;
	if (outcome.status != RunStatus::Ok) {
		++entry.errors;
		if (outcome.status == RunStatus::Timeout)
			++entry.timeouts;
		if (outcome.status == RunStatus::Crashed)
			++entry.crashes;
		entry.last_error = outcome.error;
	}
	const bool leaves_quarantine = entry.quarantined_until != Clock::time_point{} &&
				       outcome.status != RunStatus::Crashed &&
				       outcome.status != RunStatus::Timeout;
	if (!logFailureLocked(state, entry, outcome, leaves_quarantine) && leaves_quarantine)
		state.log->info("'{}' ran again, out of quarantine", entry.id);
	updateQuarantineLocked(state, entry, outcome);
	releaseWaitersLocked(state, entry);
	// stop() waits for the last run to end.
	if (state.stopping && state.running == 0)
		state.done_cv.notify_all();
}

RunOutcome failed(std::string message)
{
	RunOutcome outcome;
	outcome.status = RunStatus::Error;
	outcome.error = std::move(message);
	return outcome;
}

// A failed run without a message still gets one, the same for /status, the
// log and `vigil check`, which all show the outcome as recorded here.
RunOutcome withErrorText(RunOutcome outcome)
{
	if (outcome.status != RunStatus::Ok && outcome.error.empty())
		outcome.error = outcome.status == RunStatus::Timeout ? "timed out" : "failed";
	return outcome;
}

// Outside the lock: the observer may take its own locks.
void observe(State &state, Entry &entry, const RunOutcome &outcome,
	     std::chrono::nanoseconds duration)
{
	if (state.on_run)
		state.on_run(*entry.instance, outcome, duration);
}

} // namespace

State::State(std::shared_ptr<Clock> c, unsigned worker_count, const SchedulerOptions &options)
    : clock(std::move(c)), quarantine(options.quarantine), log_failures(options.log_failures),
      failure_reminder(options.failure_reminder), on_run(options.on_run), log(logger("scheduler")),
      in_run(worker_count + 1, 0)
{
}

void dispatchDueLocked(State &state, Clock::time_point now)
{
	if (state.stopping)
		return;
	std::size_t queued = 0;
	while (!state.heap.empty() && state.heap.front().when <= now) {
		std::pop_heap(state.heap.begin(), state.heap.end(), Later{});
		Due due = state.heap.back();
		state.heap.pop_back();
		Entry &entry = *state.entries[due.index];

		if (entry.busy) {
			++entry.skips;
			state.log->debug(
				"'{}' is still running at its next run, skipping this tick",
				entry.id);
		} else if (entry.quarantined_until > now) {
			// Quarantined: this tick is not run, and not a skip.
		} else {
			entry.busy = true;
			enqueueLocked(state, entry);
			++queued;
		}

		// Next point on the instance's fixed grid (previous due + interval,
		// not now + interval, so lateness never accumulates into drift).
		// More than one interval behind: jump to the first grid point after
		// now rather than run the missed ones back to back.
		Clock::time_point next = due.when + entry.interval;
		if (next <= now)
			next = due.when + ((now - due.when) / entry.interval + 1) * entry.interval;
		entry.next_run = next;
		state.heap.push_back({next, due.index});
		std::push_heap(state.heap.begin(), state.heap.end(), Later{});
	}
	if (queued > 0)
		wakeWorkerLocked(state);
}

void enqueueLocked(State &state, Entry &entry)
{
	if (entry.lane == RunLane::Native)
		state.native_queue.push_back(&entry);
	else
		state.other_queue.push_back(&entry);
}

void wakeWorkerLocked(State &state)
{
	std::size_t for_shared = state.other_queue.size() + state.native_queue.size();
	if (!state.native_queue.empty() && state.native_runner_idle) {
		state.native_cv.notify_one();
		--for_shared; // the native runner takes one of them
	}
	if (for_shared > 0 && state.idle_workers > 0)
		state.work_cv.notify_one();
}

void dropQueuedLocked(State &state)
{
	for (auto *queue : {&state.native_queue, &state.other_queue}) {
		for (Entry *entry : *queue) {
			entry->busy = false;
			releaseWaitersLocked(state, *entry);
		}
		queue->clear();
	}
}

namespace {

// With State::mutex held: the run a runner takes next, or null.  Native
// first on a shared runner too: native runs are short, and they are the
// ones promised never to wait behind Python.
Entry *takeRunLocked(State &state, bool native_only)
{
	std::deque<Entry *> *queue = nullptr;
	if (!state.native_queue.empty())
		queue = &state.native_queue;
	else if (!native_only && !state.other_queue.empty())
		queue = &state.other_queue;
	if (!queue)
		return nullptr;
	Entry *entry = queue->front();
	queue->pop_front();
	return entry;
}

} // namespace

void workerLoop(std::shared_ptr<State> state, std::size_t index, bool native_only)
{
	State &s = *state;
	std::unique_lock lock(s.mutex);
	for (;;) {
		Entry *next = nullptr;
		while (!s.stopping && !(next = takeRunLocked(s, native_only))) {
			if (native_only) {
				s.native_runner_idle = true;
				s.native_cv.wait(lock);
				s.native_runner_idle = false;
			} else {
				++s.idle_workers;
				s.work_cv.wait(lock);
				--s.idle_workers;
			}
		}
		if (s.stopping)
			return;
		Entry &entry = *next;
		wakeWorkerLocked(s); // pass the wake-up on (see wakeWorkerLocked)
		entry.running = true;
		s.in_run[index] = 1;
		++s.running;
		lock.unlock();

		// The check runs without the lock; `entry.instance` is immutable.
		const Clock::time_point start = s.clock->now();
		RunOutcome outcome;
		try {
			outcome = entry.instance->run();
		} catch (abi::__forced_unwind &) {
			// pthread_exit()/cancellation (e.g. a thread re-entering a
			// finalized Python): must propagate or the process aborts.
			// Record it, so the instance is not stuck "running", and let
			// the thread end; the pool has one worker fewer.
			const RunOutcome exited = failed("worker thread exited during the run");
			const auto took = s.clock->now() - start;
			observe(s, entry, exited, took);
			lock.lock();
			finishRunLocked(s, index, entry, exited, took);
			throw;
		} catch (const std::exception &e) {
			outcome = failed(e.what());
		} catch (...) {
			outcome = failed("unknown exception");
		}
		const Clock::time_point end = s.clock->now();
		outcome = withErrorText(std::move(outcome));
		observe(s, entry, outcome, end - start);

		lock.lock();
		finishRunLocked(s, index, entry, outcome, end - start);
	}
}

void timerLoop(std::shared_ptr<State> state)
{
	State &s = *state;
	std::unique_lock lock(s.mutex);
	while (!s.stopping) {
		const Clock::time_point now = s.clock->now();
		if (!s.heap.empty() && s.heap.front().when <= now) {
			dispatchDueLocked(s, now);
			continue;
		}
		// Nothing due: sleep until the earliest due time, rounded up to
		// kTimerResolution.  add() notifies when it puts an earlier one at
		// the front, stop() when stopping.  With no instance, a long finite
		// wait avoids time_point overflow.
		Clock::time_point deadline = now + std::chrono::hours(1);
		if (!s.heap.empty()) {
			deadline = s.heap.front().when;
			const auto past_tick = deadline.time_since_epoch() % kTimerResolution;
			if (past_tick != Clock::duration::zero())
				deadline += kTimerResolution - past_tick;
		}
		s.clock->waitUntil(s.timer_cv, lock, deadline);
	}
}

} // namespace vigil::scheduler_detail
