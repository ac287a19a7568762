// SPDX-License-Identifier: Apache-2.0
// vigil_host.http_get (ABI 1.1) as a check calls it: through the agent's
// table and through check.hpp's Sender::http_get, against a scripted
// loopback server; what it sends, what it answers, and how it fails.
#include "process/logging.hpp"
#include "sender/run_context.hpp"

#include "../http/loopback_server.hpp"

#include <vigil/check.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

using namespace vigil;
using vigil::test::LoopbackAnswer;
using vigil::test::LoopbackRequest;
using vigil::test::LoopbackServer;

namespace {

std::string urlOf(const LoopbackServer &server, const std::string &path)
{
	return "http://127.0.0.1:" + std::to_string(server.port()) + path;
}

// A context the host table accepts: a RunContext of a throwaway instance.
struct Call {
	Call() { instance.config = &config; }

	Aggregator aggregator{AggregatorOptions{}};
	InstanceConfig config;
	InstanceContext instance;
	RunContext run{aggregator, instance, logger("test")};
	Sender sender{hostServices(), run.handle()};
};

} // namespace

TEST(HttpGet, SendsTheCheckHeadersAndReturnsStatusBodyAndContentType)
{
	LoopbackServer server([](const LoopbackRequest &) {
		return LoopbackAnswer{
			404, {{"Content-Type", "text/plain; version=0.0.4"}}, "a\0b", false};
	});
	Call call;
	auto answer = call.sender.http_get(urlOf(server, "/metrics?x=1"),
					   {"Accept: text/plain", "Authorization:  Bearer t0k"}, 5);
	EXPECT_EQ(answer.status, 404);
	EXPECT_EQ(answer.error, "");
	EXPECT_EQ(answer.content_type, "text/plain; version=0.0.4");
	ASSERT_EQ(server.requests().size(), 1u);
	LoopbackRequest got = server.requests()[0];
	EXPECT_EQ(got.method, "GET");
	EXPECT_EQ(got.target, "/metrics?x=1");
	EXPECT_EQ(got.header("Accept"), "text/plain");
	EXPECT_EQ(got.header("Authorization"), "Bearer t0k");
}

TEST(HttpGet, TheBodyKeepsEveryByte)
{
	std::string body("x\0y\nz", 5);
	LoopbackServer server([&](const LoopbackRequest &) {
		return LoopbackAnswer{200, {}, body};
	});
	Call call;
	auto answer = call.sender.http_get(urlOf(server, "/"));
	EXPECT_EQ(answer.status, 200);
	EXPECT_EQ(answer.body, body);
}

TEST(HttpGet, ALongerBodyThanAllowedIsAnErrorNotATruncation)
{
	LoopbackServer server([](const LoopbackRequest &) {
		return LoopbackAnswer{200, {}, std::string(5000, 'x')};
	});
	Call call;
	auto answer = call.sender.http_get(urlOf(server, "/"), {}, 5, 4096);
	EXPECT_EQ(answer.status, 0) << answer.error << answer.body.size();
	EXPECT_NE(answer.error, "");
	EXPECT_EQ(answer.body, "");
	EXPECT_EQ(call.sender.http_get(urlOf(server, "/"), {}, 5, 5000).status, 200);
}

TEST(HttpGet, HeadersThatWouldAddRequestLinesAreRefusedUnsent)
{
	LoopbackServer server([](const LoopbackRequest &) { return LoopbackAnswer{}; });
	Call call;
	for (const char *bad : {"X: a\r\nInjected: yes", "no colon", ": empty name", "Sp ace: v"}) {
		auto answer = call.sender.http_get(urlOf(server, "/"), {bad});
		EXPECT_EQ(answer.status, 0) << bad;
		EXPECT_NE(answer.error.find("is not 'Name: value'"), std::string::npos)
			<< answer.error;
	}
	EXPECT_TRUE(server.requests().empty());
}

TEST(HttpGet, FailuresAreOneLineWithStatusZero)
{
	Call call;
	auto bad_url = call.sender.http_get("ftp://127.0.0.1/");
	EXPECT_EQ(bad_url.status, 0);
	EXPECT_NE(bad_url.error.find("ftp://127.0.0.1/"), std::string::npos) << bad_url.error;

	int port;
	{
		LoopbackServer gone([](const LoopbackRequest &) { return LoopbackAnswer{}; });
		port = gone.port();
	}
	auto refused =
		call.sender.http_get("http://127.0.0.1:" + std::to_string(port) + "/", {}, 2);
	EXPECT_EQ(refused.status, 0);
	EXPECT_NE(refused.error, "");
	EXPECT_EQ(refused.error.find('\n'), std::string::npos);
}

TEST(HttpGet, FillsOnlyTheFieldsAnOlderCheckHas)
{
	LoopbackServer server([](const LoopbackRequest &) {
		return LoopbackAnswer{200, {}, "ok"};
	});
	Call call;
	std::string url = urlOf(server, "/");
	vigil_http_request request{sizeof request, url.c_str(), nullptr, 0, 5, 0};
	// A check that knew only status and error: the rest is its memory.
	vigil_http_response response{};
	const char *sentinel = "untouched";
	response.body = sentinel;
	response.content_type = sentinel;
	response.struct_size = offsetof(vigil_http_response, body);
	EXPECT_EQ(hostServices()->http_get(call.run.handle(), &request, &response), 0);
	EXPECT_EQ(response.status, 200);
	EXPECT_EQ(response.body, sentinel);
	EXPECT_EQ(response.content_type, sentinel);
}

TEST(HttpGet, SenderSaysSoWhenTheAgentPredatesIt)
{
	vigil_host old_host = *hostServices();
	old_host.struct_size = offsetof(vigil_host, http_get);
	Call call;
	Sender sender(&old_host, call.run.handle());
	EXPECT_THROW(sender.http_get("http://127.0.0.1:1/"), std::runtime_error);
}
