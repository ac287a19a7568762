// SPDX-License-Identifier: Apache-2.0
// HttpServer against clients that stall, trickle, flood or stop reading: a
// normal scrape must still be answered at once, and every timeout and the
// connection limit must do what server.hpp says.
#include "http/server.hpp"

#include "raw_connection.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace vigil;
using vigil::test::RawConnection;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start)
{
	return std::chrono::duration<double>(Clock::now() - start).count();
}

// Serves /metrics with `body`, on loopback with the given limits.
std::unique_ptr<HttpServer> metricsServer(HttpServerOptions options, std::string body = "up 1\n")
{
	options.address = {"127.0.0.1", 0};
	auto server = std::make_unique<HttpServer>(options);
	auto text = std::make_shared<const std::string>(std::move(body));
	server->get("/metrics", [text](const HttpRequest &) {
		HttpResponse res;
		res.shared_body = text;
		return res;
	});
	server->start();
	return server;
}

// Seconds a fresh connection takes to get /metrics; fails the test if no
// answer came within 5 s (a scraper's usual timeout).
double scrape(int port)
{
	const auto start = Clock::now();
	RawConnection c(port);
	EXPECT_TRUE(c.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
	auto res = c.readResponse(5);
	EXPECT_TRUE(res) << "no answer within 5 s";
	if (res) {
		EXPECT_EQ(res->status, 200);
	}
	return secondsSince(start);
}

std::vector<std::unique_ptr<RawConnection>> stalledConnections(int port, int count)
{
	std::vector<std::unique_ptr<RawConnection>> out;
	for (int i = 0; i < count; ++i) {
		out.push_back(std::make_unique<RawConnection>(port));
		EXPECT_TRUE(out.back()->send("G"));
	}
	return out;
}

} // namespace

// The case: many connections that send a byte and stall used to
// hold every handler thread, and a scrape timed out after 5 s.
TEST(HttpServerLimits, TwoHundredStalledConnectionsDoNotDelayAScrape)
{
	auto server = metricsServer({});
	const int port = server->address().port;
	auto stalled = stalledConnections(port, 200);
	// Let the server read the first byte of every one of them.
	std::this_thread::sleep_for(std::chrono::milliseconds(200));
	const double first = scrape(port);
	const double second = scrape(port);
	std::printf("200 stalled connections: scrapes answered in %.1f ms and %.1f ms\n",
		    first * 1000, second * 1000);
	EXPECT_LT(first, 0.5);
	EXPECT_LT(second, 0.5);
}

TEST(HttpServerLimits, ClientsSendingAByteASecondDoNotDelayScrapes)
{
	auto server = metricsServer({});
	const int port = server->address().port;
	std::vector<std::unique_ptr<RawConnection>> tricklers;
	for (int i = 0; i < 100; ++i)
		tricklers.push_back(std::make_unique<RawConnection>(port));
	const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
	double slowest = 0;
	for (size_t byte = 0; byte < 3; ++byte) {
		for (auto &t : tricklers)
			t->send(request.substr(byte, 1));
		slowest = std::max(slowest, scrape(port));
		std::this_thread::sleep_for(std::chrono::seconds(1));
	}
	std::printf("100 connections sending a byte a second: slowest scrape %.1f ms\n",
		    slowest * 1000);
	EXPECT_LT(slowest, 0.5);
}

TEST(HttpServerLimits, AHeaderMustBeCompleteWithinTheHeaderTimeout)
{
	HttpServerOptions o;
	o.header_timeout = 0.5;
	auto server = metricsServer(o);
	RawConnection c(server->address().port);
	const auto start = Clock::now();
	// A byte every 100 ms: never idle, never done.
	bool closed = false;
	for (int i = 0; i < 40 && !closed; ++i) {
		c.send("X");
		closed = c.closedWithin(0.1);
	}
	EXPECT_TRUE(closed);
	const double took = secondsSince(start);
	EXPECT_GE(took, 0.4);
	EXPECT_LT(took, 2.0);
}

TEST(HttpServerLimits, AnIdleKeptAliveConnectionIsClosed)
{
	HttpServerOptions o;
	o.idle_timeout = 0.3;
	auto server = metricsServer(o);
	RawConnection c(server->address().port);
	ASSERT_TRUE(c.send("GET /metrics HTTP/1.1\r\n\r\n"));
	ASSERT_TRUE(c.readResponse());
	const auto start = Clock::now();
	EXPECT_TRUE(c.closedWithin(3));
	EXPECT_GE(secondsSince(start), 0.2);
}

TEST(HttpServerLimits, AtTheLimitTheLongestWaitingConnectionMakesRoom)
{
	HttpServerOptions o;
	o.max_connections = 3;
	auto server = metricsServer(o);
	const int port = server->address().port;
	RawConnection oldest(port);
	ASSERT_TRUE(oldest.send("G"));
	std::this_thread::sleep_for(std::chrono::milliseconds(50));
	RawConnection idle(port);
	ASSERT_TRUE(idle.send("GET /metrics HTTP/1.1\r\n\r\n"));
	ASSERT_TRUE(idle.readResponse()); // now waiting for its next request
	std::this_thread::sleep_for(std::chrono::milliseconds(50));
	RawConnection young(port);
	ASSERT_TRUE(young.send("G"));
	std::this_thread::sleep_for(std::chrono::milliseconds(50));

	EXPECT_LT(scrape(port), 0.5);
	EXPECT_TRUE(oldest.closedWithin(1));
	EXPECT_FALSE(young.closedWithin(0.2));
	// The scrape's own connection was closed by its end; the next one makes
	// room by dropping the idle keep-alive connection, now the oldest.
	EXPECT_LT(scrape(port), 0.5);
}

TEST(HttpServerLimits, ClientsThatStopReadingCannotKeepAScrapeOut)
{
	HttpServerOptions o;
	o.max_connections = 4;
	// Large enough to fill both sockets' buffers: the writes stall.
	auto server = metricsServer(o, std::string(32 << 20, 'x'));
	const int port = server->address().port;
	std::vector<std::unique_ptr<RawConnection>> readers;
	for (int i = 0; i < 8; ++i) {
		readers.push_back(std::make_unique<RawConnection>(port));
		readers.back()->send("GET /metrics HTTP/1.1\r\n\r\n");
	}
	std::this_thread::sleep_for(std::chrono::milliseconds(300));
	const auto start = Clock::now();
	RawConnection c(port);
	ASSERT_TRUE(c.send("GET /metrics HTTP/1.1\r\n\r\n"));
	auto res = c.readResponse(5);
	ASSERT_TRUE(res);
	EXPECT_EQ(res->body.size(), 32u << 20);
	EXPECT_LT(secondsSince(start), 2.0);
}

TEST(HttpServerLimits, AStalledResponseIsClosedAfterTheWriteTimeout)
{
	HttpServerOptions o;
	o.write_timeout = 0.3;
	auto server = metricsServer(o, std::string(32 << 20, 'x'));
	RawConnection c(server->address().port);
	ASSERT_TRUE(c.send("GET /metrics HTTP/1.1\r\n\r\n"));
	std::this_thread::sleep_for(std::chrono::seconds(1));
	// Whatever was buffered is read, then the close shows.
	EXPECT_TRUE(c.closedWithin(3));
}
