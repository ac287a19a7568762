// SPDX-License-Identifier: Apache-2.0
// Test doubles shared by the scheduler tests: a check whose run() does what
// the test says, a gate that holds runs until the test opens it, and a
// real-time bound that turns a hang into a failure.
#pragma once

#include "scheduling/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <thread>

namespace vigil::test {

using namespace std::chrono_literals;

constexpr auto kHang = 10s; // real-time bound on anything the test waits for

// Polls `done` until it holds or kHang passes.
inline bool eventually(const std::function<bool()> &done)
{
	const auto deadline = std::chrono::steady_clock::now() + kHang;
	while (!done()) {
		if (std::chrono::steady_clock::now() > deadline)
			return false;
		std::this_thread::sleep_for(1ms);
	}
	return true;
}

// A check whose run() does whatever the test says, and counts itself.
class FakeCheck final : public Schedulable {
public:
	FakeCheck(std::string id, std::chrono::milliseconds interval,
		  std::function<RunOutcome()> body = {})
	    : id_(std::move(id)), interval_(interval), body_(std::move(body))
	{
	}
	~FakeCheck() override
	{
		if (on_destroy)
			on_destroy();
	}

	const std::string &id() const override { return id_; }
	std::chrono::milliseconds interval() const override { return interval_; }
	RunLane lane() const override { return run_lane; }
	RunOutcome run() override
	{
		int inside = ++inside_;
		int seen = max_inside.load();
		while (inside > seen && !max_inside.compare_exchange_weak(seen, inside)) {
		}
		++started;
		RunOutcome outcome = body_ ? body_() : RunOutcome{};
		--inside_;
		++finished;
		return outcome;
	}

	std::atomic<int> started{0};
	std::atomic<int> finished{0};
	std::atomic<int> max_inside{0};
	std::function<void()> on_destroy;
	// Set before add(), which reads it once.
	RunLane run_lane = RunLane::Native;

private:
	std::string id_;
	std::chrono::milliseconds interval_;
	std::function<RunOutcome()> body_;
	std::atomic<int> inside_{0};
};

inline InstanceStats statsOf(const Scheduler &scheduler, const std::string &id)
{
	for (auto &st : scheduler.stats())
		if (st.id == id)
			return st;
	ADD_FAILURE() << "no stats for " << id;
	return {};
}

// A run that blocks until the test releases it.
struct Gate {
	std::promise<void> open;
	std::shared_future<void> opened = open.get_future().share();
	std::function<RunOutcome()> body()
	{
		return [f = opened] {
			f.wait();
			return RunOutcome{};
		};
	}
};

} // namespace vigil::test
