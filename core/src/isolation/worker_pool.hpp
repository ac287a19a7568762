// SPDX-License-Identifier: Apache-2.0
// WorkerPool: the worker processes of one kind of check (native, or one
// provider such as python_host), reused across runs.  A worker is replaced
// after `max_runs` runs or when its RSS after a run passes `max_rss_mb`, so
// a leaking check cannot grow forever; one that timed out or died is
// replaced by the next acquire().
//
// Threads: acquire()/release()/discard() are called by the Scheduler's worker
// threads, shutdown() by the agent's main thread; one mutex guards the idle
// list and the count.  A WorkerProcess handed out by acquire() belongs to
// the calling thread until it gives it back.
#pragma once

#include "isolation/worker_process.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace vigil::isolation {

struct WorkerPoolOptions {
	WorkerLaunch launch;
	unsigned max_runs = 1000; // 0 = no limit
	double max_rss_mb = 256;  // 0 = no limit
	// Between SIGTERM and SIGKILL of a worker that overran its timeout.
	std::chrono::milliseconds kill_grace{500};
};

class WorkerPool {
public:
	explicit WorkerPool(WorkerPoolOptions options);
	~WorkerPool(); // shutdown()
	WorkerPool(const WorkerPool &) = delete;
	WorkerPool &operator=(const WorkerPool &) = delete;

	const WorkerPoolOptions &options() const { return options_; }

	// An idle worker, preferably one that already ran instance `id` (it
	// keeps that instance's state, as an in-process check would), else a new
	// one.  Throws std::runtime_error if a worker cannot be started or the
	// pool is shut down.
	std::unique_ptr<WorkerProcess> acquire(const std::string &id);
	// Back after a completed run of `id`: kept, or retired if over a limit.
	void release(std::unique_ptr<WorkerProcess> worker, const std::string &id);
	// A worker that timed out or died: terminated and reaped.
	void discard(std::unique_ptr<WorkerProcess> worker);

	// Kills and reaps every idle worker, SIGKILLs busy ones (their runs end
	// as crashed and their threads reap them); later acquire()s throw.
	void shutdown();

	// Workers alive now, idle or busy (for tests and health metrics).
	std::size_t size() const;
	// Workers replaced for their run count or RSS since start.
	std::size_t recycled() const;

private:
	struct Idle {
		std::unique_ptr<WorkerProcess> worker;
		std::set<std::string> ran; // instance ids it has state for
	};

	WorkerPoolOptions options_;
	mutable std::mutex mutex_; // guards the fields below
	std::vector<Idle> idle_;
	std::map<WorkerProcess *, std::set<std::string>> busy_;
	std::size_t recycled_ = 0;
	bool shut_down_ = false;
};

} // namespace vigil::isolation
