// SPDX-License-Identifier: Apache-2.0
// Time source of the Scheduler, injectable so tests control time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace vigil {

class Clock {
public:
	using duration = std::chrono::steady_clock::duration;
	using time_point = std::chrono::steady_clock::time_point;

	virtual ~Clock() = default;
	virtual time_point now() const = 0;
	// Blocks on cv (with lock held on entry and exit) until `deadline` by this
	// clock, a notify, or a spurious wake-up; the caller re-checks its state.
	virtual void waitUntil(std::condition_variable &cv, std::unique_lock<std::mutex> &lock,
			       time_point deadline) = 0;
};

// The real monotonic clock.
class SteadyClock final : public Clock {
public:
	time_point now() const override { return std::chrono::steady_clock::now(); }
	void waitUntil(std::condition_variable &cv, std::unique_lock<std::mutex> &lock,
		       time_point deadline) override
	{
		cv.wait_until(lock, deadline);
	}
};

} // namespace vigil
