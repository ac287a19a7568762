// SPDX-License-Identifier: Apache-2.0
// Retry-After over real HTTP on loopback: a receiver that answers 429 or
// 503 with the header, then accepts.  The waits are capped by a short
// max_backoff, so what the sender waited is known exactly and no test
// depends on timing.
#include "outputs/remote_write/output.hpp"

#include "../../http/loopback_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <mutex>
#include <string>

using namespace vigil;

namespace {

FlushResult oneGauge()
{
	FlushResult flush;
	flush.timestamp = 1700000000;
	Series s;
	s.name = "test.gauge";
	s.type = SeriesType::Gauge;
	s.value = 1;
	s.host = "h1";
	s.timestamp = flush.timestamp;
	flush.series.push_back(s);
	return flush;
}

// Answers the first POST with `status` and a Retry-After of `retry_after()`
// (evaluated then, so a date can be relative to the moment of the answer),
// every later one with 204.
class RefusingReceiver {
public:
	RefusingReceiver(int status, std::function<std::string()> retry_after)
	    : server_([this, status, retry_after](const test::LoopbackRequest &) {
		      std::lock_guard lock(mutex_);
		      if (posts_++ == 0)
			      return test::LoopbackAnswer{
				      status, {{"Retry-After", retry_after()}}, {}, false};
		      return test::LoopbackAnswer{204, {}, {}, false};
	      })
	{
	}

	std::string url() const { return server_.url("/api/v1/write"); }
	int posts()
	{
		std::lock_guard lock(mutex_);
		return posts_;
	}

private:
	std::mutex mutex_;
	int posts_ = 0;
	test::LoopbackServer server_; // last: its thread uses the members above
};

RemoteWriteConfig configFor(const RefusingReceiver &receiver, double max_backoff)
{
	RemoteWriteConfig c;
	c.url = receiver.url();
	c.timeout = 10;
	c.min_backoff = 0.001;
	c.max_backoff = max_backoff;
	return c;
}

std::string httpDateIn(int seconds)
{
	const std::time_t when = std::time(nullptr) + seconds;
	std::tm tm{};
	gmtime_r(&when, &tm);
	char text[64];
	std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	return text;
}

} // namespace

TEST(RemoteWriteRetryAfter, TooManyRequestsWaitsAsAskedCappedByMaxBackoff)
{
	RefusingReceiver receiver(429, [] { return std::string("3600"); });
	RemoteWriteOutput out(configFor(receiver, 0.25));
	out.write(oneGauge());
	out.close(60);
	const auto status = out.status();
	EXPECT_EQ(receiver.posts(), 2);
	EXPECT_EQ(status["sent"], 1);
	EXPECT_EQ(status["retries"], 1);
	// An hour asked, max_backoff waited: not the jittered backoff (<= 0.001 s).
	EXPECT_DOUBLE_EQ(status["last_retry_after"].get<double>(), 0.25);
}

TEST(RemoteWriteRetryAfter, UnavailableWithAnHttpDate)
{
	RefusingReceiver receiver(503, [] { return httpDateIn(120); });
	RemoteWriteOutput out(configFor(receiver, 0.3));
	out.write(oneGauge());
	out.close(60);
	EXPECT_EQ(receiver.posts(), 2);
	EXPECT_EQ(out.status()["sent"], 1);
	EXPECT_DOUBLE_EQ(out.status()["last_retry_after"].get<double>(), 0.3);
}

TEST(RemoteWriteRetryAfter, AMalformedHeaderFallsBackToTheBackoff)
{
	RefusingReceiver receiver(429, [] { return std::string("later, please"); });
	RemoteWriteOutput out(configFor(receiver, 0.3));
	out.write(oneGauge());
	out.close(60);
	EXPECT_EQ(receiver.posts(), 2);
	EXPECT_EQ(out.status()["sent"], 1);
	EXPECT_EQ(out.status()["last_retry_after"].get<double>(), 0);
}
