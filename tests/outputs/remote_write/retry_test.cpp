// SPDX-License-Identifier: Apache-2.0
#include "outputs/remote_write/retry.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

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

namespace {

std::chrono::system_clock::time_point at(std::time_t t)
{
	return std::chrono::system_clock::from_time_t(t);
}

// 1994-11-06 08:49:37 UTC, RFC 9110's example date.
constexpr std::time_t rfc_example = 784111777;

} // namespace

TEST(RemoteWriteRetry, RetryAfterInSeconds)
{
	EXPECT_EQ(parseRetryAfter("120", at(0)), 120.0);
	EXPECT_EQ(parseRetryAfter(" 7 ", at(0)), 7.0);
	EXPECT_EQ(parseRetryAfter("0", at(0)), 0.0);
	// Far too long is still a number (the cap applies later), not an overflow.
	EXPECT_GE(parseRetryAfter("99999999999999999999999", at(0)).value(), 1e7);
}

TEST(RemoteWriteRetry, RetryAfterAsHttpDate)
{
	EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", at(rfc_example - 30)), 30.0);
	EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", at(rfc_example + 5)), -5.0);
	EXPECT_EQ(parseRetryAfter("Thu, 01 Jan 1970 00:01:00 GMT", at(0)), 60.0);
}

TEST(RemoteWriteRetry, MalformedRetryAfterIsNoHeader)
{
	for (const char *bad : {"", " ", "-1", "1.5", "soon", "5s",
				"Sun, 06 Nov 1994 08:49:37",	   // no zone
				"Sun, 06 Nov 1994 08:49:37 GMT x", // trailing junk
				"Sun, 06 Nov 1994 08:49 GMT",	   // truncated
				"Sunday, 06-Nov-94 08:49:37 GMT",  // obsolete RFC 850 form
				"Sun, 06 Foo 1994 08:49:37 GMT"})
		EXPECT_EQ(parseRetryAfter(bad, at(0)), std::nullopt) << '"' << bad << '"';
}

TEST(RemoteWriteRetry, RetryAfterReplacesTheBackoffUpToItsCap)
{
	RemoteWriteBackoff b(0.1, 5, [] { return 0.5; });
	EXPECT_DOUBLE_EQ(b.delay(1, 2.0), 2.0);		 // asked: waited as asked, no jitter
	EXPECT_DOUBLE_EQ(b.delay(1, 3600.0), 5.0);	 // capped by max_backoff
	EXPECT_DOUBLE_EQ(b.delay(3, std::nullopt), 0.2); // no header: jittered backoff
	EXPECT_DOUBLE_EQ(b.delay(3, 0.0), 0.2);		 // "0": no usable wait
	EXPECT_DOUBLE_EQ(b.delay(3, -5.0), 0.2);	 // a date already past
}
