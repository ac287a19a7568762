// SPDX-License-Identifier: Apache-2.0
// StatvfsProber: statvfs(3) on a list of mount points without letting one
// hung filesystem (a stale NFS server, a dead FUSE daemon) hang the check.
//
// The calls run in order on a helper thread that lives across runs, so the
// usual run starts no thread.  The check waits for each result at most
// `timeout`; on a timeout it abandons that helper (it is stuck in the kernel
// and cannot be cancelled), records the mount as hung and goes on with a new
// helper.  A mount still hung from an earlier run is skipped without a call,
// so at most one thread is ever stuck per hung mount.  A helper owns (shares)
// everything it touches, so it may outlive the check and its destruction.
//
// Header-only and free of the SDK so tests drive it with a fake statvfs.
#pragma once

#include "disk_usage.hpp"

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <sys/statvfs.h>
#include <thread>
#include <unordered_map>
#include <vector>

namespace vigil::disk {

// Fills `out` for the filesystem mounted at `path` and returns 0, or returns
// an errno value.  Runs on a helper thread, possibly after the check is gone.
using StatFunction = std::function<int(const std::string &path, FsStats &out)>;

inline int systemStatvfs(const std::string &path, FsStats &out)
{
	struct statvfs st;
	int rc;
	do
		rc = ::statvfs(path.c_str(), &st);
	while (rc != 0 && errno == EINTR);
	if (rc != 0)
		return errno;
	out.fragment_size = st.f_frsize ? st.f_frsize : st.f_bsize;
	out.blocks = st.f_blocks;
	out.blocks_free = st.f_bfree;
	out.blocks_avail = st.f_bavail;
	out.files = st.f_files;
	out.files_free = st.f_ffree;
	return 0;
}

struct ProbeResult {
	enum class Status {
		Ok,
		Failed,	  // the call returned `error`
		TimedOut, // no answer within the timeout, in this run
		StillHung // the call made by an earlier run has not returned yet
	};
	Status status = Status::Failed;
	FsStats stats;
	int error = 0;
};

class StatvfsProber {
public:
	StatvfsProber(StatFunction stat, std::chrono::milliseconds timeout)
	    : stat_(std::move(stat)), timeout_(timeout)
	{
	}

	~StatvfsProber()
	{
		if (worker_)
			abandon(*worker_);
	}

	StatvfsProber(const StatvfsProber &) = delete;
	StatvfsProber &operator=(const StatvfsProber &) = delete;

	// One result per path, in order.  A path listed twice is probed once.
	std::vector<ProbeResult> probe(const std::vector<std::string> &paths)
	{
		std::vector<ProbeResult> results(paths.size());
		std::vector<size_t> todo; // indexes of the paths to send, unique
		std::unordered_map<std::string_view, size_t> first_index;
		std::vector<std::pair<size_t, size_t>> duplicates; // (index, first index)
		for (size_t i = 0; i < paths.size(); ++i) {
			auto [it, inserted] = first_index.emplace(paths[i], i);
			if (!inserted) {
				duplicates.emplace_back(i, it->second);
				continue;
			}
			if (stillHung(paths[i])) {
				results[i].status = ProbeResult::Status::StillHung;
				continue;
			}
			todo.push_back(i);
		}

		size_t next = 0;
		while (next < todo.size())
			next += runBatch(paths, todo, next, results);

		for (auto [index, first] : duplicates)
			results[index] = results[first];
		return results;
	}

	// Mounts whose call has not returned yet, as of now.
	size_t hungCount()
	{
		size_t n = 0;
		for (auto &[path, hung] : hung_) {
			std::lock_guard lock(hung.worker->mutex);
			n += hung.worker->done <= hung.index;
		}
		return n;
	}

private:
	// What the check and one helper thread share.
	struct Worker {
		std::mutex mutex;
		std::condition_variable wake;	  // to the helper: a batch, or quit
		std::condition_variable progress; // to the check: one more result
		std::vector<std::string> paths;
		std::vector<ProbeResult> results;
		size_t done = 0;
		bool busy = false;	// a batch is posted and not finished
		bool abandoned = false; // exit as soon as the current call returns
	};

	struct Hung {
		std::shared_ptr<Worker> worker;
		size_t index; // of the hung path in worker->paths
	};

	static void serve(std::shared_ptr<Worker> w, StatFunction stat)
	{
		std::unique_lock lock(w->mutex);
		for (;;) {
			w->wake.wait(lock, [&] { return w->busy || w->abandoned; });
			if (w->abandoned)
				return;
			while (w->done < w->paths.size()) {
				// paths is not touched by the check while busy.
				const std::string &path = w->paths[w->done];
				lock.unlock();
				ProbeResult r;
				r.error = stat(path, r.stats);
				r.status = r.error == 0 ? ProbeResult::Status::Ok
							: ProbeResult::Status::Failed;
				lock.lock();
				w->results[w->done++] = r;
				w->progress.notify_one();
				if (w->abandoned)
					return;
			}
			w->busy = false;
		}
	}

	static void abandon(Worker &w)
	{
		std::lock_guard lock(w.mutex);
		w.abandoned = true;
		w.wake.notify_one();
	}

	bool stillHung(const std::string &path)
	{
		auto it = hung_.find(path);
		if (it == hung_.end())
			return false;
		{
			std::lock_guard lock(it->second.worker->mutex);
			if (it->second.worker->done <= it->second.index)
				return true;
		}
		hung_.erase(it);
		return false;
	}

	// Sends todo[next...] to the helper and collects the results; returns
	// how many paths it dealt with (fewer than sent when one timed out).
	size_t runBatch(const std::vector<std::string> &paths, const std::vector<size_t> &todo,
			size_t next, std::vector<ProbeResult> &results)
	{
		if (!worker_) {
			worker_ = std::make_shared<Worker>();
			std::thread(serve, worker_, stat_).detach();
		}
		Worker &w = *worker_;
		std::unique_lock lock(w.mutex);
		w.paths.clear();
		for (size_t k = next; k < todo.size(); ++k)
			w.paths.push_back(paths[todo[k]]);
		w.results.assign(w.paths.size(), ProbeResult());
		w.done = 0;
		w.busy = true;
		w.wake.notify_one();

		// Each call gets `timeout` from when the check saw the one before
		// it finish: never less than the helper actually had.
		auto started = std::chrono::steady_clock::now();
		for (size_t i = 0; i < w.paths.size(); ++i) {
			if (w.done <= i && !w.progress.wait_until(lock, started + timeout_,
								  [&] { return w.done > i; })) {
				w.abandoned = true;
				hung_[w.paths[i]] = Hung{worker_, i};
				results[todo[next + i]].status = ProbeResult::Status::TimedOut;
				lock.unlock();
				worker_.reset();
				return i + 1;
			}
			results[todo[next + i]] = w.results[i];
			if (w.done == i + 1)
				started = std::chrono::steady_clock::now();
		}
		return w.paths.size();
	}

	StatFunction stat_;
	std::chrono::milliseconds timeout_;
	std::shared_ptr<Worker> worker_;
	std::unordered_map<std::string, Hung> hung_;
};

} // namespace vigil::disk
