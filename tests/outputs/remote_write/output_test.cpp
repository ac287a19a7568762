// SPDX-License-Identifier: Apache-2.0
#include "outputs/remote_write/encoding.hpp"
#include "outputs/remote_write/output.hpp"

#include "../../http/loopback_server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

using namespace vigil;

namespace {

FlushResult flushOf(int first, int count, double now)
{
	FlushResult flush;
	flush.timestamp = now;
	for (int i = 0; i < count; ++i) {
		Series s;
		s.name = "test.gauge." + std::to_string(first + i);
		s.type = SeriesType::Gauge;
		s.value = first + i;
		s.host = "h1";
		s.timestamp = now;
		flush.series.push_back(s);
	}
	return flush;
}

RemoteWriteConfig fastConfig()
{
	RemoteWriteConfig c;
	c.url = "http://127.0.0.1:1/api/v1/write";
	c.queue_size = 1000;
	c.max_samples_per_send = 4;
	c.min_backoff = 0.001;
	c.max_backoff = 0.002;
	return c;
}

// A receiver that answers each POST with the next scripted status (then
// 200) and keeps every sample it accepted.
class ScriptedReceiver {
public:
	explicit ScriptedReceiver(std::vector<int> statuses) : statuses_(std::move(statuses)) {}

	RemoteWritePost post()
	{
		return [this](const std::string &body, double) {
			std::lock_guard lock(mutex_);
			int status = calls_ < statuses_.size() ? statuses_[calls_] : 200;
			++calls_;
			HttpPostResult r;
			r.status = status;
			if (status == 0)
				r.error = "Connection";
			if (status >= 200 && status < 300)
				for (const DecodedSeries &s :
				     decodeWriteRequest(snappyUncompress(body)))
					for (const DecodedSample &p : s.samples)
						accepted_.push_back(p.value);
			return r;
		};
	}
	std::vector<double> accepted()
	{
		std::lock_guard lock(mutex_);
		return accepted_;
	}
	size_t calls()
	{
		std::lock_guard lock(mutex_);
		return calls_;
	}

private:
	std::mutex mutex_;
	std::vector<int> statuses_;
	size_t calls_ = 0;
	std::vector<double> accepted_;
};

double half()
{
	return 0.5;
}

std::vector<double> range(int first, int count)
{
	std::vector<double> out;
	for (int i = 0; i < count; ++i)
		out.push_back(first + i);
	return out;
}

} // namespace

TEST(RemoteWriteOutput, DeliversEveryFlushInBatches)
{
	ScriptedReceiver receiver({});
	RemoteWriteOutput out(fastConfig(), receiver.post(), half);
	out.write(flushOf(0, 10, 1000));
	out.write(flushOf(10, 5, 1015));
	out.close(60);
	auto got = receiver.accepted();
	std::sort(got.begin(), got.end());
	EXPECT_EQ(got, range(0, 15));
	EXPECT_GE(receiver.calls(), 4u); // at most 4 samples per POST
	auto status = out.status();
	EXPECT_EQ(status["sent"], 15);
	EXPECT_EQ(status["queue_depth"], 0);
	EXPECT_EQ(status["dropped"], 0);
	EXPECT_EQ(status["retries"], 0);
}

TEST(RemoteWriteOutput, RetriesNetworkErrors5xxAnd429WithoutLoss)
{
	ScriptedReceiver receiver({0, 503, 429, 500});
	RemoteWriteOutput out(fastConfig(), receiver.post(), half);
	out.write(flushOf(0, 3, 1000));
	out.close(60);
	auto got = receiver.accepted();
	std::sort(got.begin(), got.end());
	EXPECT_EQ(got, range(0, 3));
	auto status = out.status();
	EXPECT_EQ(status["retries"], 4);
	EXPECT_EQ(status["sent"], 3);
	EXPECT_EQ(status["dropped"], 0);
	EXPECT_EQ(status["last_error"], "HTTP 500 ");
}

TEST(RemoteWriteOutput, RejectedBatchIsDroppedAndTheNextOneSent)
{
	ScriptedReceiver receiver({400});
	RemoteWriteOutput out(fastConfig(), receiver.post(), half);
	out.write(flushOf(0, 6, 1000)); // batches of 4 and 2
	out.close(60);
	EXPECT_EQ(receiver.accepted(), range(4, 2));
	auto status = out.status();
	EXPECT_EQ(status["rejected"], 4);
	EXPECT_EQ(status["sent"], 2);
	EXPECT_EQ(status["retries"], 0);
}

TEST(RemoteWriteOutput, CloseGivesUpOnADeadReceiverAndCountsTheLoss)
{
	std::atomic<int> calls{0};
	RemoteWritePost dead = [&calls](const std::string &, double) {
		++calls;
		return HttpPostResult{0, "Connection", {}};
	};
	RemoteWriteOutput out(fastConfig(), dead, half);
	out.write(flushOf(0, 7, 1000));
	out.close(0.05);
	auto status = out.status();
	EXPECT_GE(calls.load(), 1);
	EXPECT_EQ(status["sent"], 0);
	EXPECT_EQ(status["queue_depth"], 0);
	EXPECT_EQ(status["dropped"], 7);
}

TEST(RemoteWriteOutput, UnreadableCredentialFileIsNamed)
{
	RemoteWriteConfig c = fastConfig();
	c.bearer_token_file = "/nonexistent/vigil-token";
	try {
		RemoteWriteOutput out(c);
		FAIL() << "expected an error";
	} catch (const std::runtime_error &e) {
		EXPECT_NE(std::string(e.what()).find("'/nonexistent/vigil-token'"),
			  std::string::npos)
			<< e.what();
	}
}

TEST(RemoteWriteOutput, BadUrlIsAnError)
{
	RemoteWriteConfig c = fastConfig();
	c.url = "ftp://example/x";
	EXPECT_THROW(RemoteWriteOutput out(c), std::runtime_error);
}

// Over real HTTP on loopback: the protocol's headers, auth and body.
TEST(RemoteWriteOutput, PostsTheRemoteWriteProtocolOverHttp)
{
	test::LoopbackServer server([](const test::LoopbackRequest &) {
		return test::LoopbackAnswer{204, {}, {}, false};
	});

	const auto token = std::filesystem::temp_directory_path() /
			   ("vigil-rw-token-" + std::to_string(::getpid()));
	std::ofstream(token) << "s3cret\n";
	RemoteWriteConfig c = fastConfig();
	c.url = server.url("/api/v1/write");
	c.bearer_token_file = token;
	{
		RemoteWriteOutput out(c);
		out.write(flushOf(0, 3, 1700000000));
		out.close(60);
		EXPECT_EQ(out.status()["sent"], 3);
	}
	std::filesystem::remove(token);

	auto requests = server.requests();
	ASSERT_EQ(requests.size(), 1u);
	const test::LoopbackRequest &req = requests[0];
	EXPECT_EQ(req.method, "POST");
	EXPECT_EQ(req.target, "/api/v1/write");
	EXPECT_EQ(req.header("Content-Encoding"), "snappy");
	EXPECT_EQ(req.header("Content-Type"), "application/x-protobuf");
	EXPECT_EQ(req.header("X-Prometheus-Remote-Write-Version"), "0.1.0");
	EXPECT_EQ(req.header("Authorization"), "Bearer s3cret");
	EXPECT_EQ(req.header("User-Agent").rfind("vigil/", 0), 0u);
	auto series = decodeWriteRequest(snappyUncompress(req.body));
	ASSERT_EQ(series.size(), 3u);
	std::vector<PromLabel> expected{{"__name__", "test_gauge_0"}, {"host", "h1"}};
	EXPECT_EQ(series[0].labels, expected);
	EXPECT_EQ(series[0].samples[0].timestamp_ms, 1700000000000);
}

// RFC 7617's example, and a password whose encoding needs one '='.
TEST(RemoteWriteOutput, SendsBasicAuthCredentials)
{
	test::LoopbackServer server([](const test::LoopbackRequest &) {
		return test::LoopbackAnswer{204, {}, {}, false};
	});
	const auto password = std::filesystem::temp_directory_path() /
			      ("vigil-rw-password-" + std::to_string(::getpid()));
	for (auto [user, secret] : {std::pair{"Aladdin", "open sesame"}, std::pair{"ab", "cd"}}) {
		std::ofstream(password) << secret << "\n";
		RemoteWriteConfig c = fastConfig();
		c.url = server.url("/api/v1/write");
		c.basic_auth_username = user;
		c.basic_auth_password_file = password;
		RemoteWriteOutput out(c);
		out.write(flushOf(0, 1, 1700000000));
		out.close(60);
	}
	std::filesystem::remove(password);
	auto requests = server.requests();
	ASSERT_EQ(requests.size(), 2u);
	EXPECT_EQ(requests[0].header("Authorization"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	EXPECT_EQ(requests[1].header("Authorization"), "Basic YWI6Y2Q=");
}
