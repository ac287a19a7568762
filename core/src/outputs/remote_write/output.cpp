// SPDX-License-Identifier: Apache-2.0
#include "outputs/remote_write/output.hpp"

#include "outputs/remote_write/encoding.hpp"
#include "process/logging.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <random>
#include <utility>

namespace vigil {

namespace {

// At most one line per kind of trouble per this interval: a receiver down
// for an hour must not write a line per flush or per retry.
constexpr auto log_interval = std::chrono::seconds(30);

std::function<double()> seededRandom01()
{
	auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
	return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

std::chrono::steady_clock::duration seconds(double s)
{
	return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
		std::chrono::duration<double>(std::max(s, 0.0)));
}

double secondsBetween(std::chrono::steady_clock::time_point a,
		      std::chrono::steady_clock::time_point b)
{
	return std::chrono::duration<double>(b - a).count();
}

} // namespace

RemoteWriteOutput::RemoteWriteOutput(const RemoteWriteConfig &config)
    : RemoteWriteOutput(config, makeRemoteWriteHttpPost(config), seededRandom01())
{
}

RemoteWriteOutput::RemoteWriteOutput(const RemoteWriteConfig &config, RemoteWritePost post,
				     std::function<double()> random01)
    : config_(config), post_(std::move(post)), series_(PrometheusNaming{config.metric_prefix}),
      queue_(config.queue_size),
      backoff_(config.min_backoff, config.max_backoff, std::move(random01))
{
	sender_ = std::thread([this] { senderLoop(); });
}

RemoteWriteOutput::~RemoteWriteOutput()
{
	if (sender_.joinable())
		close(0);
}

void RemoteWriteOutput::write(const FlushResult &flush)
{
	std::vector<PromSample> samples = series_.convert(flush);
	if (samples.empty())
		return;
	std::lock_guard lock(mutex_);
	if (stopping_)
		return;
	unlogged_drops_ += queue_.push(std::move(samples));
	wake_.notify_one();
	const auto now = Clock::now();
	if (unlogged_drops_ && now - last_drop_log_ >= log_interval) {
		logger("output")->warn("remote write: queue full ({} samples), dropped the {} "
				       "oldest samples ({} dropped in all); last error: {}",
				       queue_.capacity(), unlogged_drops_, queue_.dropped(),
				       last_error_.empty() ? "none" : last_error_);
		unlogged_drops_ = 0;
		last_drop_log_ = now;
	}
}

void RemoteWriteOutput::close(double seconds_allowed)
{
	{
		std::lock_guard lock(mutex_);
		if (!stopping_) {
			stopping_ = true;
			deadline_ = Clock::now() + seconds(seconds_allowed);
		}
		wake_.notify_all();
	}
	if (sender_.joinable())
		sender_.join();
}

nlohmann::json RemoteWriteOutput::status() const
{
	std::lock_guard lock(mutex_);
	return {
		{"type", "remote_write"},	 {"url", config_.url},
		{"queue_depth", queue_.depth()}, {"queue_size", queue_.capacity()},
		{"sent", queue_.sent()},	 {"dropped", queue_.dropped()},
		{"rejected", queue_.rejected()}, {"retries", retries_},
		{"last_error", last_error_},	 {"last_retry_after", last_retry_after_},
	};
}

void RemoteWriteOutput::senderLoop()
{
	auto log = logger("output");
	std::unique_lock lock(mutex_);
	for (;;) {
		wake_.wait(lock, [this] { return stopping_ || queue_.depth() > 0; });
		if (queue_.depth() == 0 || (stopping_ && Clock::now() >= deadline_))
			break;
		RemoteWriteQueue::Batch batch = queue_.peek(config_.max_samples_per_send);
		double timeout = config_.timeout;
		if (stopping_)
			timeout = std::min(timeout, secondsBetween(Clock::now(), deadline_));
		lock.unlock();

		const std::string body = encodeRemoteWriteBody(batch.samples);
		const HttpPostResult result = post_(body, timeout);
		const SendOutcome outcome = classifyResponse(result.status);

		lock.lock();
		queue_.finish(batch, outcome);
		recordOutcome(outcome, result, batch.samples.size());
		if (outcome == SendOutcome::Retry)
			waitBeforeRetry(lock, retryDelay(result));
	}
	if (size_t left = queue_.clear())
		log->error("remote write: stopped with {} samples still queued, dropping them "
			   "(last error: {})",
			   left, last_error_.empty() ? "none" : last_error_);
}

double RemoteWriteOutput::retryDelay(const HttpPostResult &result)
{
	// Only an answer (429, 5xx) can carry Retry-After; Prometheus' own
	// client honours it on both.
	std::optional<double> asked;
	if (result.status != 0 && !result.retry_after.empty())
		asked = parseRetryAfter(result.retry_after, std::chrono::system_clock::now());
	const double delay = backoff_.delay(failing_attempts_, asked);
	if (asked && *asked > 0)
		last_retry_after_ = delay;
	return delay;
}

void RemoteWriteOutput::waitBeforeRetry(std::unique_lock<std::mutex> &lock, double delay)
{
	const auto until = Clock::now() + seconds(delay);
	for (;;) {
		// close() may come during the wait: its deadline then bounds it.
		const auto limit = stopping_ ? std::min(until, deadline_) : until;
		if (Clock::now() >= limit)
			return;
		wake_.wait_until(lock, limit);
	}
}

void RemoteWriteOutput::recordOutcome(SendOutcome outcome, const HttpPostResult &result,
				      size_t samples)
{
	auto log = logger("output");
	const auto now = Clock::now();
	const std::string what = result.status
					 ? fmt::format("HTTP {} {}", result.status, result.error)
				 : result.error.empty() ? std::string("no response")
							: result.error;
	switch (outcome) {
	case SendOutcome::Delivered:
		if (failing_attempts_)
			log->info("remote write: {} accepts samples again after {} failed "
				  "attempts",
				  config_.url, failing_attempts_);
		failing_attempts_ = 0;
		last_failure_log_ = {};
		return;
	case SendOutcome::Retry:
		++retries_;
		++failing_attempts_;
		last_error_ = what;
		if (now - last_failure_log_ >= log_interval) {
			log->warn("remote write: POST to {} failed ({}), retrying with backoff; "
				  "{} samples queued",
				  config_.url, what, queue_.depth());
			last_failure_log_ = now;
		}
		return;
	case SendOutcome::Reject:
		// A request the receiver refused will be refused again: drop it
		// and go on with the next one.
		failing_attempts_ = 0;
		last_error_ = what;
		if (now - last_reject_log_ >= log_interval) {
			log->error("remote write: {} rejected {} samples ({}), dropping them "
				   "({} rejected in all)",
				   config_.url, samples, what, queue_.rejected());
			last_reject_log_ = now;
		}
		return;
	}
}

} // namespace vigil
