// SPDX-License-Identifier: Apache-2.0
// RemoteWriteOutput: pushes every flush to a Prometheus remote-write
// receiver (docs/outputs.md, "Remote write").
//
// Threads: write() runs on the agent's flush thread; it converts the flush
// (PrometheusSeries), queues the samples and returns at once.  The output
// owns one sender thread, started by the constructor and joined by close()
// or the destructor, which alone does HTTP: it POSTs the oldest samples in
// batches, retries with backoff, and never blocks write() for longer than
// a queue push.  status() may be called from any thread.
#pragma once

#include "config/agent_config.hpp"
#include "outputs/output.hpp"
#include "outputs/prometheus/series.hpp"
#include "outputs/remote_write/http.hpp"
#include "outputs/remote_write/queue.hpp"
#include "outputs/remote_write/retry.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace vigil {

class RemoteWriteOutput final : public Output {
public:
	// Over HTTP to config.url.  Throws std::runtime_error on a bad url or
	// an unreadable credential file (see makeRemoteWriteHttpPost).
	explicit RemoteWriteOutput(const RemoteWriteConfig &config);
	// With an injected POST and random source, for tests.
	RemoteWriteOutput(const RemoteWriteConfig &config, RemoteWritePost post,
			  std::function<double()> random01);
	~RemoteWriteOutput() override;
	RemoteWriteOutput(const RemoteWriteOutput &) = delete;
	RemoteWriteOutput &operator=(const RemoteWriteOutput &) = delete;

	void write(const FlushResult &flush) override;
	// Sends what is queued for at most `seconds`, then stops the sender;
	// what is still queued then is dropped with a logged error.
	void close(double seconds) override;
	nlohmann::json status() const override;

private:
	using Clock = std::chrono::steady_clock;

	RemoteWriteConfig config_;
	RemoteWritePost post_;
	PrometheusSeries series_; // flush thread only

	mutable std::mutex mutex_; // guards everything below
	std::condition_variable wake_;
	RemoteWriteQueue queue_;
	RemoteWriteBackoff backoff_;
	bool stopping_ = false;
	Clock::time_point deadline_; // when stopping_: give up sending then
	uint64_t retries_ = 0;
	std::string last_error_;
	double last_retry_after_ = 0;	// seconds waited on the receiver's last Retry-After
	unsigned failing_attempts_ = 0; // failed attempts in a row
	// Rate-limited logging: one line per kind per log_interval.
	Clock::time_point last_drop_log_{};
	uint64_t unlogged_drops_ = 0;
	Clock::time_point last_failure_log_{};
	Clock::time_point last_reject_log_{};

	std::thread sender_; // started last, after everything it reads

	void senderLoop();
	double retryDelay(const HttpPostResult &result);
	void waitBeforeRetry(std::unique_lock<std::mutex> &lock, double seconds);
	void recordOutcome(SendOutcome outcome, const HttpPostResult &result, size_t samples);
};

} // namespace vigil
