// SPDX-License-Identifier: Apache-2.0
// RemoteWriteQueue: the samples waiting to be pushed, bounded, oldest
// dropped first.  A plain data structure: not thread-safe, the
// RemoteWriteOutput locks around every call.
//
// The sender does not take samples out to send them: it copies the oldest
// ones (peek), POSTs them and then reports the outcome (finish).  So a
// failed batch stays in place, and when the queue overflows during a long
// outage the samples dropped are really the oldest ones, those of the batch
// being retried included.  A sample dropped while its batch was on the wire
// is counted as dropped only if that attempt failed.
#pragma once

#include "outputs/prometheus/series.hpp"
#include "outputs/remote_write/retry.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigil {

class RemoteWriteQueue {
public:
	// `capacity` samples, >= 1.
	explicit RemoteWriteQueue(size_t capacity);

	// Appends, then drops the oldest samples beyond the capacity.  Returns
	// how many it dropped.
	size_t push(std::vector<PromSample> samples);

	struct Batch {
		uint64_t first = 0; // sequence number of samples[0]
		std::vector<PromSample> samples;
	};
	// A copy of up to `max` oldest samples; marks them as in flight.  One
	// batch at a time: call finish() before the next peek().
	Batch peek(size_t max);
	// Reports what happened to the last peek()ed batch: Delivered and
	// Reject remove what is left of it (counted as sent or rejected); Retry
	// keeps it for the next peek().
	void finish(const Batch &batch, SendOutcome outcome);

	size_t depth() const { return samples_.size(); }
	size_t capacity() const { return capacity_; }
	uint64_t sent() const { return sent_; }
	uint64_t dropped() const { return dropped_; }	// overflow, oldest first
	uint64_t rejected() const { return rejected_; } // refused by the receiver (4xx)
	// Distinct series (name and labels) among the queued samples: each is
	// held once however many of its samples wait.
	size_t seriesCount() const { return series_.size(); }

	// Drops everything still queued (at shutdown, when time ran out);
	// returns how many, counted as dropped.
	size_t clear();

private:
	// What the samples of one series share: a queued sample points at it,
	// so a long outage holds each series' name and labels once, not once
	// per sample (845 bytes per sample with 10 labels before, 47 now:
	// bench/prometheus_bench).  Type and help are the first sample's;
	// remote write sends neither.
	struct SeriesInfo {
		std::string key; // seriesKey(), its entry in series_
		std::string name;
		PromType type = PromType::Gauge;
		std::vector<PromLabel> labels;
		std::string help;
	};
	struct Queued {
		std::shared_ptr<const SeriesInfo> series;
		double value = 0;
		double timestamp = 0;
	};

	size_t capacity_;
	std::deque<Queued> samples_;
	// Series of the queued samples, by key (a view of SeriesInfo::key).
	std::unordered_map<std::string_view, std::shared_ptr<const SeriesInfo>> series_;
	uint64_t front_seq_ = 0; // sequence number of samples_.front()
	// The batch on the wire, [inflight_first_, inflight_end_), and how many
	// of its samples overflow removed meanwhile.
	uint64_t inflight_first_ = 0;
	uint64_t inflight_end_ = 0;
	uint64_t inflight_dropped_ = 0;
	uint64_t sent_ = 0;
	uint64_t dropped_ = 0;
	uint64_t rejected_ = 0;

	void popFront();
};

} // namespace vigil
