// SPDX-License-Identifier: Apache-2.0
// WorkerProcess: the agent's handle on one `vigil worker` process — spawn it
// (posix_spawn of /proc/self/exe, never fork() of the threaded agent), send
// it a run request, read its answer until a deadline, and kill and reap it.
//
// Threads: a WorkerProcess is used by one thread at a time (the pool hands
// it out); only kill(), from WorkerPool::shutdown(), may come from another
// thread: it only sends a signal, under the lock reaping takes.
#pragma once

#include "isolation/worker_protocol.hpp"

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace vigil::isolation {

// Where a worker finds the provider of .py checks (python_host.so) and the
// options it is opened with (the agent's pythonProviderOptions()).
struct ProviderLaunch {
	std::filesystem::path path;
	std::string options;
};

struct WorkerLaunch {
	std::filesystem::path executable; // empty = /proc/self/exe
	double max_vm_mb = 0;		  // RLIMIT_AS of the worker; 0 = none
};

// How an exchange ended.
enum class ExchangeEnd { Done, TimedOut, Died };

struct ExchangeResult {
	ExchangeEnd end = ExchangeEnd::Done;
	nlohmann::json done; // the `done` message when end == Done
	std::string death;   // when Died: "killed by signal 11 (SIGSEGV, Segmentation fault)", ...
};

class WorkerProcess {
public:
	using SteadyTime = std::chrono::steady_clock::time_point;

	// Throws std::runtime_error naming what failed.
	static std::unique_ptr<WorkerProcess> spawn(const WorkerLaunch &launch);
	// Kills (if still alive) and reaps.
	~WorkerProcess();
	WorkerProcess(const WorkerProcess &) = delete;
	WorkerProcess &operator=(const WorkerProcess &) = delete;

	pid_t pid() const { return pid_; }
	unsigned runs() const { return runs_; }
	bool alive() const { return !reaped_; }

	// Sends `frame` (an encoded `run` request), passes every `batch` message
	// to on_batch and returns at `done`, at the deadline (the worker is then
	// still running; call terminate()) or when the worker died (reaped).
	ExchangeResult exchange(const std::string &frame, SteadyTime deadline,
				const std::function<void(const nlohmann::json &)> &on_batch);

	// SIGTERM, then SIGKILL if it is not gone after `grace`; reaps it.
	void terminate(std::chrono::milliseconds grace);
	// Closes the connection (a worker exits on EOF), SIGKILL after `grace`.
	void retire(std::chrono::milliseconds grace);
	// SIGKILL now, reaped later by whoever owns it.  Any thread.
	void kill();

	// Resident set size from /proc/PID/statm, in bytes; 0 if unknown.
	std::size_t rssBytes() const;
	// The last lines the worker wrote on stderr/stdout, oldest first.
	std::string outputTail() const;

private:
	WorkerProcess() = default;
	// spawn() on the calling thread; spawn() calls it on the spawn thread.
	static std::unique_ptr<WorkerProcess> spawnHere(const WorkerLaunch &launch);
	// Reads what the worker wrote on its stderr/stdout pipe; logs each line.
	void drainOutput(bool until_eof);
	// Waits up to `wait` for the process to exit; true (and reaped) if it did.
	bool reap(std::chrono::milliseconds wait);

	pid_t pid_ = -1;
	int sock_ = -1;
	int output_ = -1; // read end of the worker's stderr+stdout
	// Held while waitpid() reaps and while kill() signals, so that kill()
	// never signals a pid that was reaped (and may be reused).
	std::mutex reap_mutex_;
	std::atomic<bool> reaped_{false};
	int wait_status_ = 0;
	unsigned runs_ = 0;
	FrameReader reader_;
	std::string partial_line_;
	std::deque<std::string> tail_; // last kTailLines lines
};

// "exited with status 3", "killed by signal 9 (Killed)".
std::string describeWaitStatus(int status);

} // namespace vigil::isolation
