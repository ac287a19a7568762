// SPDX-License-Identifier: Apache-2.0
#include "watchdog.hpp"

#include "host_state.hpp"
#include "thread_state.hpp"

#include <Python.h>

#include <cmath>
#include <vector>

namespace vigil::pyhost {

void Watchdog::start()
{
	// Never joined: the agent never shuts python_host down (provider.h),
	// and the process exit ends the thread.
	thread_ = std::thread([this] { loop(); });
	thread_.detach();
}

uint64_t Watchdog::begin(double timeout_seconds)
{
	if (!(timeout_seconds > 0) || !std::isfinite(timeout_seconds))
		return 0;
	auto deadline = std::chrono::steady_clock::now() +
			std::chrono::duration_cast<std::chrono::steady_clock::duration>(
				std::chrono::duration<double>(timeout_seconds));
	std::lock_guard lock(mutex_);
	uint64_t id = next_id_++;
	runs_.emplace(id, Run{PyThread_get_thread_ident(), deadline});
	wake_.notify_one();
	return id;
}

bool Watchdog::end(uint64_t id)
{
	bool fired = false;
	if (id != 0) {
		std::lock_guard lock(mutex_);
		auto it = runs_.find(id);
		if (it != runs_.end()) {
			fired = it->second.fired;
			runs_.erase(it);
		}
	}
	// Whatever was pending for this thread belongs to a run that is over.
	// With the GIL held here and by the watchdog when it raises, no
	// interrupt can land between this and the next run's begin().
	PyThreadState_SetAsyncExc(PyThread_get_thread_ident(), nullptr);
	return fired;
}

void Watchdog::loop()
{
	std::unique_lock lock(mutex_);
	for (;;) {
		auto now = std::chrono::steady_clock::now();
		auto next = std::chrono::steady_clock::time_point::max();
		std::vector<std::pair<uint64_t, unsigned long>> due;
		for (auto &[id, run] : runs_) {
			if (run.fired)
				continue;
			if (run.deadline <= now)
				due.emplace_back(id, run.thread_id);
			else if (run.deadline < next)
				next = run.deadline;
		}
		if (due.empty()) {
			if (next == std::chrono::steady_clock::time_point::max())
				wake_.wait(lock);
			else
				wake_.wait_until(lock, next);
			continue;
		}
		// Never take the GIL while holding the mutex: a worker in end()
		// holds the GIL and waits for the mutex.
		lock.unlock();
		{
			GilLock gil;
			std::lock_guard relock(mutex_);
			for (auto [id, thread_id] : due) {
				auto it = runs_.find(id);
				if (it == runs_.end() || it->second.fired)
					continue; // ended before we got the GIL
				it->second.fired = true;
				PyThreadState_SetAsyncExc(thread_id, hostState().check_timeout);
			}
		}
		lock.lock();
	}
}

} // namespace vigil::pyhost
