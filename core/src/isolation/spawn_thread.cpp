// SPDX-License-Identifier: Apache-2.0
#include "isolation/spawn_thread.hpp"

#include <pthread.h>

#include <condition_variable>
#include <csignal>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace vigil::isolation {

namespace {

struct SpawnQueue {
	std::mutex mutex; // guards tasks
	std::condition_variable wake;
	std::deque<std::packaged_task<void()>> tasks;
};

// Never destroyed: the thread waits on it until the process ends.
SpawnQueue &spawnQueue()
{
	static SpawnQueue *queue = [] {
		auto *q = new SpawnQueue;
		// Started with every signal blocked (a thread inherits its
		// creator's mask): SIGTERM and SIGINT are the agent's main
		// thread's to take, whichever thread happens to spawn first.
		sigset_t all, previous;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &previous);
		std::thread([q] {
			for (;;) {
				std::packaged_task<void()> task;
				{
					std::unique_lock lock(q->mutex);
					q->wake.wait(lock, [q] { return !q->tasks.empty(); });
					task = std::move(q->tasks.front());
					q->tasks.pop_front();
				}
				task();
			}
		}).detach();
		pthread_sigmask(SIG_SETMASK, &previous, nullptr);
		return q;
	}();
	return *queue;
}

} // namespace

void runOnSpawnThread(const std::function<void()> &task)
{
	std::packaged_task<void()> packaged(task);
	std::future<void> done = packaged.get_future();
	SpawnQueue &queue = spawnQueue();
	{
		std::lock_guard lock(queue.mutex);
		queue.tasks.push_back(std::move(packaged));
	}
	queue.wake.notify_one();
	done.get();
}

} // namespace vigil::isolation
