// SPDX-License-Identifier: Apache-2.0
// HttpServer over real sockets on loopback: routing, keep-alive, HEAD, the
// requests it refuses and how, handler errors, bind errors and stop().
#include "http/server.hpp"

#include "raw_connection.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

using namespace vigil;
using vigil::test::RawConnection;

namespace {

HttpServerOptions loopback()
{
	HttpServerOptions o;
	o.address = {"127.0.0.1", 0};
	return o;
}

// Serves /hello ("hello\n") and /auth (the Authorization header echoed).
class ServerTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		server_.get("/hello", [](const HttpRequest &) {
			return HttpResponse{200, "text/plain", "hello\n", {}, {}};
		});
		server_.get("/auth", [](const HttpRequest &req) {
			return HttpResponse{200, "text/plain", req.authorization, {}, {}};
		});
		server_.start();
		port_ = server_.address().port;
	}

	HttpServer server_{loopback()};
	int port_ = 0;
};

} // namespace

TEST_F(ServerTest, AnswersTwoRequestsOnOneKeptAliveConnection)
{
	RawConnection c(port_);
	ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
	auto first = c.readResponse();
	ASSERT_TRUE(first);
	EXPECT_EQ(first->status, 200);
	EXPECT_EQ(first->body, "hello\n");
	EXPECT_NE(first->head.find("Content-Type: text/plain"), std::string::npos);
	ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
	auto second = c.readResponse();
	ASSERT_TRUE(second);
	EXPECT_EQ(second->body, "hello\n");
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder)
{
	RawConnection c(port_);
	ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\n"));
	auto first = c.readResponse();
	auto second = c.readResponse();
	ASSERT_TRUE(first && second);
	EXPECT_EQ(first->status, 200);
	EXPECT_EQ(second->status, 404);
}

TEST_F(ServerTest, UnknownPathIs404AndTheQueryIsIgnored)
{
	RawConnection c(port_);
	ASSERT_TRUE(c.send("GET /nope HTTP/1.1\r\n\r\n"));
	auto res = c.readResponse();
	ASSERT_TRUE(res);
	EXPECT_EQ(res->status, 404);
	// A 404 keeps the connection.
	ASSERT_TRUE(c.send("GET /hello?x=1 HTTP/1.1\r\n\r\n"));
	res = c.readResponse();
	ASSERT_TRUE(res);
	EXPECT_EQ(res->status, 200);
}

TEST_F(ServerTest, HeadGivesTheLengthWithoutTheBody)
{
	RawConnection c(port_);
	ASSERT_TRUE(c.send("HEAD /hello HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\n\r\n"));
	auto head = c.readResponse(5, true);
	ASSERT_TRUE(head);
	EXPECT_EQ(head->status, 200);
	EXPECT_NE(head->head.find("Content-Length: 6"), std::string::npos) << head->head;
	// Had the body been sent, it would be read as the next response.
	auto get = c.readResponse();
	ASSERT_TRUE(get);
	EXPECT_EQ(get->body, "hello\n");
}

TEST_F(ServerTest, HandsTheAuthorizationHeaderToTheHandler)
{
	RawConnection c(port_);
	ASSERT_TRUE(c.send("GET /auth HTTP/1.1\r\nauthorization: Bearer abc\r\n\r\n"));
	auto res = c.readResponse();
	ASSERT_TRUE(res);
	EXPECT_EQ(res->body, "Bearer abc");
}

// Other methods, a body, a malformed request: refused, then closed (what
// follows a refused request cannot be trusted to start a new one).
TEST_F(ServerTest, RefusesWhatItDoesNotServeAndCloses)
{
	const struct {
		const char *request;
		int status;
		const char *in_head;
	} cases[] = {
		{"POST /hello HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 405, "Allow: GET, HEAD"},
		{"GET /hello HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 413, ""},
		{"GET /hello HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 413, ""},
		{"this is not http\r\n\r\n", 400, ""},
	};
	for (const auto &t : cases) {
		SCOPED_TRACE(t.request);
		RawConnection c(port_);
		ASSERT_TRUE(c.send(t.request));
		auto res = c.readResponse();
		ASSERT_TRUE(res);
		EXPECT_EQ(res->status, t.status);
		EXPECT_NE(res->head.find(t.in_head), std::string::npos) << res->head;
		EXPECT_TRUE(c.closedWithin(2));
	}
}

TEST_F(ServerTest, AHeaderOverTheLimitIs431OrClosed)
{
	RawConnection c(port_);
	// Sent in one go: the server stops reading at its limit.
	ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n"));
	auto res = c.readResponse(3);
	if (res) {
		EXPECT_EQ(res->status, 431);
	}
	EXPECT_TRUE(c.closedWithin(3));
	// The server is fine.
	RawConnection next(port_);
	ASSERT_TRUE(next.send("GET /hello HTTP/1.1\r\n\r\n"));
	auto ok = next.readResponse();
	ASSERT_TRUE(ok);
	EXPECT_EQ(ok->status, 200);
}

TEST_F(ServerTest, Http10ClosesAfterTheAnswer)
{
	RawConnection c(port_);
	ASSERT_TRUE(c.send("GET /hello HTTP/1.0\r\n\r\n"));
	auto res = c.readResponse();
	ASSERT_TRUE(res);
	EXPECT_EQ(res->head.rfind("HTTP/1.0 200", 0), 0u) << res->head;
	EXPECT_TRUE(c.closedWithin(2));
}

TEST(HttpServer, AThrowingHandlerIs500WithItsMessage)
{
	HttpServer server(loopback());
	server.get("/boom", [](const HttpRequest &) -> HttpResponse {
		throw std::runtime_error("no luck");
	});
	server.start();
	RawConnection c(server.address().port);
	ASSERT_TRUE(c.send("GET /boom HTTP/1.1\r\n\r\n"));
	auto res = c.readResponse();
	ASSERT_TRUE(res);
	EXPECT_EQ(res->status, 500);
	EXPECT_EQ(res->body, "no luck\n");
}

TEST(HttpServer, ASharedBodyIsSentWithItsHeaders)
{
	auto text = std::make_shared<const std::string>(300000, 'x');
	HttpServer server(loopback());
	server.get("/big", [text](const HttpRequest &) {
		HttpResponse res;
		res.content_type = "text/plain; version=0.0.4";
		res.shared_body = text;
		res.headers["X-Test"] = "1";
		return res;
	});
	server.start();
	RawConnection c(server.address().port);
	ASSERT_TRUE(c.send("GET /big HTTP/1.1\r\n\r\n"));
	auto res = c.readResponse();
	ASSERT_TRUE(res);
	EXPECT_EQ(res->body, *text);
	EXPECT_NE(res->head.find("X-Test: 1"), std::string::npos);
	EXPECT_NE(res->head.find("version=0.0.4"), std::string::npos);
}

TEST(HttpServer, APortInUseIsAnErrorNamingTheAddress)
{
	HttpServer first(loopback());
	first.start();
	HttpServerOptions o = loopback();
	o.address.port = first.address().port;
	HttpServer second(o);
	try {
		second.start();
		FAIL() << "expected an error";
	} catch (const std::runtime_error &e) {
		const std::string what = e.what();
		EXPECT_NE(what.find("cannot listen on 127.0.0.1:" + std::to_string(o.address.port)),
			  std::string::npos)
			<< what;
	}
}

TEST(HttpServer, StopClosesOpenConnectionsAndReturns)
{
	HttpServer server(loopback());
	server.start();
	RawConnection idle(server.address().port);
	RawConnection partial(server.address().port);
	ASSERT_TRUE(partial.send("GET / HT"));
	const auto start = std::chrono::steady_clock::now();
	server.stop();
	EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
	EXPECT_TRUE(idle.closedWithin(1));
	EXPECT_TRUE(partial.closedWithin(1));
	server.stop(); // twice is fine
}

TEST(HttpServer, StopRightAfterStartReturns)
{
	HttpServer server(loopback());
	server.start();
	server.stop();
}
