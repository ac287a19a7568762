// SPDX-License-Identifier: Apache-2.0
// A Clock that only moves when a test says so.
#pragma once

#include "scheduling/clock.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace vigil::test {

class ManualClock final : public Clock {
public:
	// Far from the epoch, so `now - offset` never goes below it.
	ManualClock() : now_(time_point(std::chrono::hours(1000))) {}

	time_point now() const override
	{
		std::lock_guard lock(mutex_);
		return now_;
	}

	void advance(duration d)
	{
		std::lock_guard lock(mutex_);
		now_ += d;
	}

	void set(time_point t)
	{
		std::lock_guard lock(mutex_);
		now_ = t;
	}

	// Polls every millisecond of real time: the contract allows spurious
	// wake-ups, and polling needs no list of waiters to notify on advance().
	void waitUntil(std::condition_variable &cv, std::unique_lock<std::mutex> &lock,
		       time_point deadline) override
	{
		if (now() >= deadline)
			return;
		cv.wait_for(lock, std::chrono::milliseconds(1));
	}

private:
	mutable std::mutex mutex_; // guards now_
	time_point now_;
};

} // namespace vigil::test
