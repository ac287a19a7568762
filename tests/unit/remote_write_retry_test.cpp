// SPDX-License-Identifier: Apache-2.0
#include "remote_write_retry.hpp"

#include <gtest/gtest.h>

using namespace vigil;

TEST(RemoteWriteRetry, ClassifiesResponses)
{
	EXPECT_EQ(classifyResponse(200), SendOutcome::Delivered);
	EXPECT_EQ(classifyResponse(204), SendOutcome::Delivered);
	// No response, rate limited, server trouble: the receiver may recover.
	EXPECT_EQ(classifyResponse(0), SendOutcome::Retry);
	EXPECT_EQ(classifyResponse(429), SendOutcome::Retry);
	EXPECT_EQ(classifyResponse(500), SendOutcome::Retry);
	EXPECT_EQ(classifyResponse(503), SendOutcome::Retry);
	// The same request would fail again.
	EXPECT_EQ(classifyResponse(400), SendOutcome::Reject);
	EXPECT_EQ(classifyResponse(401), SendOutcome::Reject);
	EXPECT_EQ(classifyResponse(404), SendOutcome::Reject);
	EXPECT_EQ(classifyResponse(413), SendOutcome::Reject);
	EXPECT_EQ(classifyResponse(302), SendOutcome::Reject);
}

TEST(RemoteWriteRetry, CeilingDoublesUpToTheCap)
{
	RemoteWriteBackoff b(0.1, 5, [] { return 0.5; });
	EXPECT_DOUBLE_EQ(b.ceiling(1), 0.1);
	EXPECT_DOUBLE_EQ(b.ceiling(2), 0.2);
	EXPECT_DOUBLE_EQ(b.ceiling(3), 0.4);
	EXPECT_DOUBLE_EQ(b.ceiling(6), 3.2);
	EXPECT_DOUBLE_EQ(b.ceiling(7), 5);
	EXPECT_DOUBLE_EQ(b.ceiling(1000), 5);
	EXPECT_DOUBLE_EQ(b.ceiling(4000000000u), 5);
}

TEST(RemoteWriteRetry, FullJitterSpansZeroToTheCeiling)
{
	double r = 0;
	RemoteWriteBackoff b(0.1, 5, [&r] { return r; });
	r = 0;
	EXPECT_EQ(b.delay(3), 0);
	r = 0.25;
	EXPECT_DOUBLE_EQ(b.delay(3), 0.1);
	r = 0.999999;
	EXPECT_NEAR(b.delay(30), 5, 1e-5);
	EXPECT_LE(b.delay(30), 5);
	// A broken random source cannot push the delay past the ceiling.
	r = 7;
	EXPECT_DOUBLE_EQ(b.delay(2), 0.2);
	r = -1;
	EXPECT_EQ(b.delay(2), 0);
}

TEST(RemoteWriteRetry, MaxBelowMinIsRaisedToMin)
{
	RemoteWriteBackoff b(2, 1, [] { return 1.0; });
	EXPECT_DOUBLE_EQ(b.ceiling(1), 2);
	EXPECT_DOUBLE_EQ(b.ceiling(5), 2);
}
