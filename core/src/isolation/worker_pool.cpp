// SPDX-License-Identifier: Apache-2.0
#include "isolation/worker_pool.hpp"

#include "process/logging.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace vigil::isolation {

WorkerPool::WorkerPool(WorkerPoolOptions options) : options_(std::move(options))
{
}

WorkerPool::~WorkerPool()
{
	shutdown();
}

std::unique_ptr<WorkerProcess> WorkerPool::acquire(const std::string &id)
{
	{
		std::lock_guard lock(mutex_);
		if (shut_down_)
			throw std::runtime_error("the agent is stopping");
		if (!idle_.empty()) {
			auto pick = idle_.end() - 1; // most recently used: warm caches
			for (auto it = idle_.begin(); it != idle_.end(); ++it)
				if (it->ran.count(id)) {
					pick = it;
					break;
				}
			std::unique_ptr<WorkerProcess> worker = std::move(pick->worker);
			busy_[worker.get()] = std::move(pick->ran);
			idle_.erase(pick);
			return worker;
		}
	}
	// Spawned without the lock: ~1 ms that other runs need not wait for.
	std::unique_ptr<WorkerProcess> worker = WorkerProcess::spawn(options_.launch);
	std::lock_guard lock(mutex_);
	if (shut_down_)
		throw std::runtime_error("the agent is stopping");
	busy_[worker.get()];
	return worker;
}

void WorkerPool::release(std::unique_ptr<WorkerProcess> worker, const std::string &id)
{
	std::string why;
	if (options_.max_runs > 0 && worker->runs() >= options_.max_runs)
		why = "after " + std::to_string(worker->runs()) + " runs";
	else if (options_.max_rss_mb > 0) {
		const double rss_mb = double(worker->rssBytes()) / (1024 * 1024);
		if (rss_mb > options_.max_rss_mb)
			// One decimal: truncated, 60.7 MB read "at 60 MB, over the limit of 60".
			why = fmt::format("at {:.1f} MB RSS, over the limit of {:g} MB", rss_mb,
					  options_.max_rss_mb);
	}
	std::unique_lock lock(mutex_);
	auto ran = std::move(busy_[worker.get()]);
	busy_.erase(worker.get());
	if (why.empty() && !shut_down_) {
		ran.insert(id);
		idle_.push_back({std::move(worker), std::move(ran)});
		return;
	}
	if (!why.empty())
		++recycled_;
	lock.unlock();
	if (!why.empty())
		logger("worker")->info("worker {} replaced {}", worker->pid(), why);
	worker->retire(options_.kill_grace);
}

void WorkerPool::discard(std::unique_ptr<WorkerProcess> worker)
{
	{
		std::lock_guard lock(mutex_);
		busy_.erase(worker.get());
	}
	worker->terminate(options_.kill_grace);
}

void WorkerPool::shutdown()
{
	std::vector<Idle> idle;
	{
		std::lock_guard lock(mutex_);
		shut_down_ = true;
		idle.swap(idle_);
		for (auto &[worker, ran] : busy_)
			worker->kill();
	}
	for (Idle &i : idle)
		i.worker->retire(options_.kill_grace);
}

std::size_t WorkerPool::size() const
{
	std::lock_guard lock(mutex_);
	return idle_.size() + busy_.size();
}

std::size_t WorkerPool::recycled() const
{
	std::lock_guard lock(mutex_);
	return recycled_;
}

} // namespace vigil::isolation
