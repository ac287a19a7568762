// SPDX-License-Identifier: Apache-2.0
#include "outputs/remote_write/queue.hpp"

#include <algorithm>
#include <utility>

namespace vigil {

RemoteWriteQueue::RemoteWriteQueue(size_t capacity) : capacity_(std::max<size_t>(capacity, 1))
{
}

size_t RemoteWriteQueue::push(std::vector<PromSample> samples)
{
	for (PromSample &s : samples) {
		std::string key = seriesKey(s);
		auto it = series_.find(key);
		if (it == series_.end()) {
			auto info = std::make_shared<SeriesInfo>(
				SeriesInfo{std::move(key), std::move(s.name), s.type,
					   std::move(s.labels), std::move(s.help)});
			it = series_.emplace(info->key, std::move(info)).first;
		}
		samples_.push_back({it->second, s.value, s.timestamp});
	}
	size_t dropped = 0;
	while (samples_.size() > capacity_) {
		popFront();
		if (front_seq_ >= inflight_first_ && front_seq_ < inflight_end_)
			++inflight_dropped_;
		else
			++dropped_;
		++front_seq_;
		++dropped;
	}
	return dropped;
}

RemoteWriteQueue::Batch RemoteWriteQueue::peek(size_t max)
{
	Batch batch;
	batch.first = front_seq_;
	const size_t n = std::min(max, samples_.size());
	batch.samples.reserve(n);
	for (size_t i = 0; i < n; ++i) {
		const Queued &q = samples_[i];
		batch.samples.push_back({q.series->name, q.series->type, q.series->labels, q.value,
					 q.timestamp, q.series->help});
	}
	inflight_first_ = batch.first;
	inflight_end_ = batch.first + n;
	inflight_dropped_ = 0;
	return batch;
}

void RemoteWriteQueue::finish(const Batch &batch, SendOutcome outcome)
{
	const uint64_t end = batch.first + batch.samples.size();
	if (outcome == SendOutcome::Delivered) {
		// Also those overflow removed while on the wire: they arrived.
		sent_ += batch.samples.size();
	} else {
		dropped_ += inflight_dropped_;
	}
	if (outcome != SendOutcome::Retry) {
		uint64_t removed = 0;
		while (!samples_.empty() && front_seq_ < end) {
			popFront();
			++front_seq_;
			++removed;
		}
		if (outcome == SendOutcome::Reject)
			rejected_ += removed;
	}
	inflight_first_ = inflight_end_ = inflight_dropped_ = 0;
}

size_t RemoteWriteQueue::clear()
{
	const size_t n = samples_.size();
	samples_.clear();
	series_.clear();
	front_seq_ += n;
	dropped_ += n;
	return n;
}

void RemoteWriteQueue::popFront()
{
	const std::shared_ptr<const SeriesInfo> series = std::move(samples_.front().series);
	samples_.pop_front();
	// Only series_ and this function still hold it: no queued sample of
	// that series is left.
	if (series.use_count() == 2)
		series_.erase(series->key);
}

} // namespace vigil
