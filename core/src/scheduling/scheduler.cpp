// SPDX-License-Identifier: Apache-2.0
// Scheduler: the public face.  The shared state and the thread loops live in
// state.{hpp,cpp}.
//
// Threads:
//   - the caller's thread(s): add(), dispatchDue(), runAllOnce(), stats()
//     touch only the shared State, under State::mutex; start(),
//     startWorkers() and stop() also manage the thread handles, under
//     Impl::lifecycle.
//   - one timer thread (start()): owned by the Scheduler, always joined at
//     stop(); it only ever waits on the clock and dispatches, never runs a
//     check, so joining it cannot hang.
//   - `workers` shared runners and one native runner (startWorkers(); the
//     lane rule is in scheduler.hpp): owned by the Scheduler and joined at
//     stop(), except those still inside a check when the grace period ends:
//     those are detached and own a reference to the State.
#include "scheduling/scheduler.hpp"

#include "scheduling/state.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

namespace vigil {

using namespace scheduler_detail;

struct Scheduler::Impl {
	Impl(SchedulerOptions options, std::shared_ptr<Clock> clock)
	    : worker_count(std::max(1u, options.workers)),
	      state(std::make_shared<State>(std::move(clock), worker_count, options))
	{
	}

	const unsigned worker_count;
	const std::shared_ptr<State> state;

	// Guards the fields below, so that start()/stop() racing from two
	// threads (say, a signal-handling thread and main) start or stop once.
	// Taken before State::mutex, never after it.
	std::mutex lifecycle;
	std::vector<std::thread> workers;
	std::thread timer;
	bool stopped = false;
	bool stop_result = true;

	void startWorkersLocked()
	{
		if (!workers.empty() || stopped)
			return;
		workers.reserve(worker_count + 1);
		for (std::size_t i = 0; i < worker_count; ++i)
			workers.emplace_back(workerLoop, state, i, false);
		workers.emplace_back(workerLoop, state, worker_count, true);
	}
};

const char *runLaneName(RunLane lane)
{
	switch (lane) {
	case RunLane::Native:
		return "native";
	case RunLane::Python:
		return "python";
	case RunLane::Isolated:
		return "isolated";
	}
	return "unknown";
}

Scheduler::Scheduler(SchedulerOptions options, std::shared_ptr<Clock> clock)
{
	if (!clock)
		throw std::invalid_argument("Scheduler needs a clock");
	impl_ = std::make_unique<Impl>(options, std::move(clock));
}

Scheduler::~Scheduler()
{
	stop(std::chrono::milliseconds(0));
}

std::chrono::milliseconds Scheduler::initialOffset(const std::string &id,
						   std::chrono::milliseconds interval)
{
	if (interval.count() <= 0)
		return std::chrono::milliseconds(0);
	// FNV-1a 64 over the id's bytes: fixed by its spec, unlike std::hash,
	// so every process (and every build) spreads an id the same way.
	uint64_t hash = 0xcbf29ce484222325ULL;
	for (unsigned char c : id) {
		hash ^= c;
		hash *= 0x100000001b3ULL;
	}
	return std::chrono::milliseconds(
		static_cast<std::chrono::milliseconds::rep>(hash % uint64_t(interval.count())));
}

void Scheduler::add(std::shared_ptr<Schedulable> instance)
{
	if (!instance)
		throw std::invalid_argument("Scheduler::add: null instance");
	const std::chrono::milliseconds interval = instance->interval();
	if (interval.count() <= 0)
		throw std::invalid_argument("check instance '" + instance->id() +
					    "' has a non-positive interval");

	auto entry = std::make_unique<Entry>();
	entry->id = instance->id();
	entry->interval = interval;
	entry->lane = instance->lane();
	entry->instance = std::move(instance);
	const std::chrono::milliseconds offset = initialOffset(entry->id, interval);

	State &s = *impl_->state;
	std::lock_guard lock(s.mutex);
	entry->next_run = s.clock->now() + offset;
	const std::size_t index = s.entries.size();
	s.heap.push_back({entry->next_run, index});
	s.entries.push_back(std::move(entry));
	std::push_heap(s.heap.begin(), s.heap.end(), Later{});
	// The timer sleeps until the old front; wake it if this one is earlier.
	if (s.heap.front().index == index)
		s.timer_cv.notify_one();
}

void Scheduler::start()
{
	std::lock_guard lifecycle(impl_->lifecycle);
	if (impl_->stopped || impl_->timer.joinable())
		return;
	impl_->startWorkersLocked();
	impl_->timer = std::thread(timerLoop, impl_->state);
}

void Scheduler::startWorkers()
{
	std::lock_guard lifecycle(impl_->lifecycle);
	impl_->startWorkersLocked();
}

void Scheduler::dispatchDue()
{
	State &s = *impl_->state;
	std::lock_guard lock(s.mutex);
	dispatchDueLocked(s, s.clock->now());
}

void Scheduler::runAllOnce()
{
	// Without workers nothing would ever finish; `vigil run --once` should
	// not have to know that.
	startWorkers();

	// A reference of our own: stop() may run meanwhile on another thread.
	const std::shared_ptr<State> state = impl_->state;
	State &s = *state;
	auto batch = std::make_shared<Batch>();
	std::unique_lock lock(s.mutex);
	std::size_t queued = 0;
	for (auto &entry : s.entries) {
		if (s.stopping)
			break;
		// An instance already queued or running is not run twice at once:
		// its current run counts as this call's run.
		entry->waiters.push_back(batch);
		++batch->remaining;
		if (!entry->busy) {
			entry->busy = true;
			enqueueLocked(s, *entry);
			++queued;
		}
	}
	if (queued > 0)
		wakeWorkerLocked(s);
	s.done_cv.wait(lock, [&] { return batch->remaining == 0 || s.stopping; });
}

bool Scheduler::stop(std::chrono::milliseconds grace)
{
	std::lock_guard lifecycle(impl_->lifecycle);
	if (impl_->stopped)
		return impl_->stop_result;
	impl_->stopped = true;

	State &s = *impl_->state;
	std::unique_lock lock(s.mutex);
	s.stopping = true;
	dropQueuedLocked(s);
	s.timer_cv.notify_all();
	s.work_cv.notify_all();
	s.native_cv.notify_all();
	s.done_cv.notify_all(); // runAllOnce() callers return
	lock.unlock();
	if (impl_->timer.joinable())
		impl_->timer.join();

	// The grace period is real time whatever the Clock: it bounds how long
	// a shutting-down process waits, which a test clock must not stretch.
	lock.lock();
	const bool finished = s.done_cv.wait_for(lock, grace, [&] { return s.running == 0; });
	// Decided under the lock: a worker not inside a run now can only be on
	// its way out (stopping is set and the queue is empty), so joining it
	// is quick.  A worker inside a run may never return: detach it.
	std::vector<bool> abandon(impl_->workers.size(), false);
	std::string stuck;
	if (!finished) {
		for (std::size_t i = 0; i < impl_->workers.size(); ++i)
			abandon[i] = s.in_run[i] != 0;
		for (auto &entry : s.entries)
			if (entry->running)
				stuck += (stuck.empty() ? "'" : ", '") + entry->id + "'";
		s.log->warn("check {} still running after the {} ms grace period, abandoning it",
			    stuck, grace.count());
	}
	lock.unlock();

	for (std::size_t i = 0; i < impl_->workers.size(); ++i) {
		if (abandon[i])
			impl_->workers[i].detach();
		else
			impl_->workers[i].join();
	}
	impl_->workers.clear();
	impl_->stop_result = finished;
	return finished;
}

std::vector<InstanceStats> Scheduler::stats() const
{
	const State &s = *impl_->state;
	std::lock_guard lock(impl_->state->mutex);
	const Clock::time_point now = s.clock->now();
	std::vector<InstanceStats> out;
	out.reserve(s.entries.size());
	for (const auto &entry : s.entries) {
		InstanceStats st;
		st.id = entry->id;
		st.runs = entry->runs;
		st.errors = entry->errors;
		st.timeouts = entry->timeouts;
		st.crashes = entry->crashes;
		st.consecutive_failures = entry->consecutive_failures;
		st.quarantined = entry->quarantined_until > now;
		if (st.quarantined) {
			st.quarantine_reason = entry->quarantine_reason;
			st.quarantined_until = entry->quarantined_until;
		}
		st.skips = entry->skips;
		st.samples = entry->samples;
		st.last_duration = entry->last_duration;
		if (entry->runs > 0)
			st.average_duration =
				entry->total_duration / static_cast<int64_t>(entry->runs);
		st.last_error = entry->last_error;
		st.running = entry->running;
		st.next_run = entry->next_run;
		out.push_back(std::move(st));
	}
	return out;
}

} // namespace vigil
