// SPDX-License-Identifier: Apache-2.0
#include "remote_write_queue.hpp"

#include <algorithm>
#include <utility>

namespace vigil {

RemoteWriteQueue::RemoteWriteQueue(size_t capacity) : capacity_(std::max<size_t>(capacity, 1))
{
}

size_t RemoteWriteQueue::push(std::vector<PromSample> samples)
{
	for (PromSample &s : samples)
		samples_.push_back(std::move(s));
	size_t dropped = 0;
	while (samples_.size() > capacity_) {
		samples_.pop_front();
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
	batch.samples.assign(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(n));
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
			samples_.pop_front();
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
	front_seq_ += n;
	dropped_ += n;
	return n;
}

} // namespace vigil
