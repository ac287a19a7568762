// SPDX-License-Identifier: Apache-2.0
// Soft timeouts: a thread that raises vigil.CheckTimeout (a BaseException, so
// `except Exception` in a check does not swallow it) inside a run that
// overran.  This interrupts pure-Python code only; a check blocked in C or in
// time.sleep sees it when it returns to Python, i.e. it just overruns.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace vigil::pyhost {

class Watchdog {
public:
	// Starts the thread; call after the interpreter is up.
	void start();

	// Registers a run on the calling thread; 0 = no timeout (returns 0).
	// Call without the GIL.
	uint64_t begin(double timeout_seconds);

	// Ends run `id` and clears any interrupt still pending on this thread.
	// Must be called with the GIL held, so the watchdog (which also needs
	// the GIL to interrupt) can never hit a later run.  True when the run
	// was interrupted.
	bool end(uint64_t id);

private:
	struct Run {
		unsigned long thread_id;
		std::chrono::steady_clock::time_point deadline;
		bool fired = false;
	};

	void loop();

	std::mutex mutex_;
	std::condition_variable wake_;
	std::map<uint64_t, Run> runs_;
	uint64_t next_id_ = 1;
	std::thread thread_;
};

} // namespace vigil::pyhost
