// SPDX-License-Identifier: Apache-2.0
#include "outputs/remote_write/queue.hpp"

#include <gtest/gtest.h>

using namespace vigil;

namespace {

// Samples whose values are first, first+1, ...: a test can tell which survived.
std::vector<PromSample> numbered(int first, int count)
{
	std::vector<PromSample> out;
	for (int i = 0; i < count; ++i) {
		PromSample s;
		s.name = "m";
		s.value = first + i;
		s.timestamp = first + i;
		out.push_back(s);
	}
	return out;
}

std::vector<double> values(const RemoteWriteQueue::Batch &batch)
{
	std::vector<double> out;
	for (const PromSample &s : batch.samples)
		out.push_back(s.value);
	return out;
}

} // namespace

TEST(RemoteWriteQueue, BatchesAreTheOldestSamplesInOrder)
{
	RemoteWriteQueue q(100);
	EXPECT_EQ(q.push(numbered(0, 5)), 0u);
	EXPECT_EQ(q.push(numbered(5, 5)), 0u);
	auto b = q.peek(3);
	EXPECT_EQ(values(b), (std::vector<double>{0, 1, 2}));
	q.finish(b, SendOutcome::Delivered);
	EXPECT_EQ(q.depth(), 7u);
	EXPECT_EQ(q.sent(), 3u);
	b = q.peek(100);
	EXPECT_EQ(values(b).front(), 3);
	EXPECT_EQ(b.samples.size(), 7u);
	q.finish(b, SendOutcome::Delivered);
	EXPECT_EQ(q.depth(), 0u);
	EXPECT_EQ(q.sent(), 10u);
	EXPECT_EQ(q.dropped(), 0u);
}

TEST(RemoteWriteQueue, BoundedAndDropsOldestWithCount)
{
	RemoteWriteQueue q(10);
	EXPECT_EQ(q.push(numbered(0, 8)), 0u);
	EXPECT_EQ(q.push(numbered(8, 8)), 6u);
	EXPECT_EQ(q.depth(), 10u);
	EXPECT_EQ(q.dropped(), 6u);
	EXPECT_EQ(q.push(numbered(16, 25)), 25u);
	EXPECT_EQ(q.depth(), 10u);
	EXPECT_EQ(q.dropped(), 31u);
	auto b = q.peek(100);
	EXPECT_EQ(values(b), (std::vector<double>{31, 32, 33, 34, 35, 36, 37, 38, 39, 40}));
}

TEST(RemoteWriteQueue, FailedBatchStaysForTheRetry)
{
	RemoteWriteQueue q(100);
	q.push(numbered(0, 4));
	auto b = q.peek(2);
	q.finish(b, SendOutcome::Retry);
	EXPECT_EQ(q.depth(), 4u);
	EXPECT_EQ(q.sent(), 0u);
	b = q.peek(2);
	EXPECT_EQ(values(b), (std::vector<double>{0, 1}));
	q.finish(b, SendOutcome::Delivered);
	EXPECT_EQ(q.sent(), 2u);
	EXPECT_EQ(values(q.peek(10)), (std::vector<double>{2, 3}));
}

TEST(RemoteWriteQueue, RejectedBatchIsRemovedAndCounted)
{
	RemoteWriteQueue q(100);
	q.push(numbered(0, 5));
	auto b = q.peek(3);
	q.finish(b, SendOutcome::Reject);
	EXPECT_EQ(q.rejected(), 3u);
	EXPECT_EQ(q.sent(), 0u);
	EXPECT_EQ(values(q.peek(10)), (std::vector<double>{3, 4}));
}

TEST(RemoteWriteQueue, OverflowDuringAFailedAttemptDropsTheRetriedSamples)
{
	RemoteWriteQueue q(4);
	q.push(numbered(0, 4));
	auto b = q.peek(2); // 0, 1 on the wire
	EXPECT_EQ(q.push(numbered(4, 3)), 3u);
	q.finish(b, SendOutcome::Retry);
	EXPECT_EQ(q.dropped(), 3u);
	EXPECT_EQ(q.depth(), 4u);
	// The retry sends what is oldest now, not the old batch.
	EXPECT_EQ(values(q.peek(2)), (std::vector<double>{3, 4}));
}

TEST(RemoteWriteQueue, OverflowDuringADeliveredAttemptIsNotADrop)
{
	RemoteWriteQueue q(4);
	q.push(numbered(0, 4));
	auto b = q.peek(3);		       // 0, 1, 2 on the wire
	EXPECT_EQ(q.push(numbered(4, 2)), 2u); // 0 and 1 leave the queue
	q.finish(b, SendOutcome::Delivered);
	// 0, 1 and 2 arrived; nothing was lost.
	EXPECT_EQ(q.sent(), 3u);
	EXPECT_EQ(q.dropped(), 0u);
	EXPECT_EQ(values(q.peek(10)), (std::vector<double>{3, 4, 5}));
}

TEST(RemoteWriteQueue, ClearCountsWhatItDrops)
{
	RemoteWriteQueue q(10);
	q.push(numbered(0, 7));
	EXPECT_EQ(q.clear(), 7u);
	EXPECT_EQ(q.depth(), 0u);
	EXPECT_EQ(q.dropped(), 7u);
	q.push(numbered(7, 1));
	EXPECT_EQ(values(q.peek(10)), (std::vector<double>{7}));
}

namespace {

// Two series, labels and all, as the flush thread queues them.
std::vector<PromSample> twoSeries(double value)
{
	std::vector<PromSample> out;
	for (const char *device : {"sda", "sdb"}) {
		PromSample s;
		s.name = "system_io_r_s";
		s.labels = {{"device", device}, {"host", "h1"}};
		s.value = value;
		s.timestamp = value;
		out.push_back(s);
	}
	return out;
}

} // namespace

TEST(RemoteWriteQueue, SamplesOfASeriesShareItsLabelsAndGiveThemBack)
{
	RemoteWriteQueue q(5);
	q.push(twoSeries(1));
	q.push(twoSeries(2));
	EXPECT_EQ(q.depth(), 4u);
	EXPECT_EQ(q.seriesCount(), 2u);
	auto b = q.peek(3);
	ASSERT_EQ(b.samples.size(), 3u);
	const std::vector<PromLabel> sdb{{"device", "sdb"}, {"host", "h1"}};
	EXPECT_EQ(b.samples[1].name, "system_io_r_s");
	EXPECT_EQ(b.samples[1].labels, sdb);
	EXPECT_EQ(b.samples[2].value, 2);
	q.finish(b, SendOutcome::Delivered);
	// One sample of sdb is left: its series stays, sda's is gone.
	EXPECT_EQ(q.seriesCount(), 1u);
	// Overflow drops the oldest; the series of what remains stay.
	q.push(twoSeries(3));
	q.push(twoSeries(4));
	q.push(twoSeries(5));
	EXPECT_EQ(q.depth(), 5u);
	EXPECT_EQ(q.seriesCount(), 2u);
	b = q.peek(10);
	EXPECT_EQ(values(b), (std::vector<double>{3, 4, 4, 5, 5}));
	EXPECT_EQ(b.samples[0].labels, sdb);
	q.finish(b, SendOutcome::Delivered);
	EXPECT_EQ(q.depth(), 0u);
	EXPECT_EQ(q.seriesCount(), 0u);
	q.push(twoSeries(6));
	EXPECT_EQ(q.clear(), 2u);
	EXPECT_EQ(q.seriesCount(), 0u);
}
