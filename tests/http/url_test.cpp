// SPDX-License-Identifier: Apache-2.0
#include "http/url.hpp"

#include <gtest/gtest.h>

using namespace vigil;

TEST(HttpUrl, SplitsSchemeHostPortAndTarget)
{
	auto u = parseHttpUrl("http://127.0.0.1:9090/api/v1/write");
	ASSERT_TRUE(u);
	EXPECT_FALSE(u->tls);
	EXPECT_EQ(u->host, "127.0.0.1");
	EXPECT_EQ(u->port, "9090");
	EXPECT_EQ(u->target, "/api/v1/write");
	EXPECT_EQ(u->hostHeader(), "127.0.0.1:9090");
}

TEST(HttpUrl, DefaultsPortAndPathByScheme)
{
	auto u = parseHttpUrl("HTTPS://metrics.example.com");
	ASSERT_TRUE(u);
	EXPECT_TRUE(u->tls);
	EXPECT_EQ(u->port, "443");
	EXPECT_EQ(u->target, "/");
	EXPECT_EQ(u->hostHeader(), "metrics.example.com");
	EXPECT_EQ(parseHttpUrl("http://h")->port, "80");
}

TEST(HttpUrl, KeepsTheQuery)
{
	EXPECT_EQ(parseHttpUrl("http://h/w?tenant=a")->target, "/w?tenant=a");
	EXPECT_EQ(parseHttpUrl("http://h?tenant=a")->target, "/?tenant=a");
}

TEST(HttpUrl, TakesAnIpv6LiteralInBrackets)
{
	auto u = parseHttpUrl("http://[::1]:17380/status");
	ASSERT_TRUE(u);
	EXPECT_EQ(u->host, "::1");
	EXPECT_EQ(u->port, "17380");
	EXPECT_EQ(u->hostHeader(), "[::1]:17380");
	EXPECT_EQ(parseHttpUrl("https://[2001:db8::1]/")->port, "443");
}

TEST(HttpUrl, RejectsWhatItCannotSendWithAReason)
{
	for (const char *bad :
	     {"ftp://h/x", "h:80/x", "http://", "http:///x", "http://h:/x", "http://h:0/x",
	      "http://h:65536/x", "http://h:8o/x", "http://user:pw@h/x", "http://h/x#frag",
	      "http://[::1/x", "http://[::1]x/", "http://[20%b2]/", "http://[::1%]/"}) {
		std::string why;
		EXPECT_FALSE(parseHttpUrl(bad, &why)) << bad;
		EXPECT_FALSE(why.empty()) << bad;
	}
}

// What the request line and Host header would carry as they are (the
// fuzzer's "[[]" host; a line break injecting a header).
TEST(HttpUrl, RefusesHostsAndPathsThatWouldBreakTheRequest)
{
	std::string why;
	EXPECT_FALSE(parseHttpUrl("http://[[]/", &why));
	EXPECT_EQ(why, "the host '[' is not a name or an address");
	EXPECT_FALSE(parseHttpUrl("http://h\r\nX-Evil: 1/", &why));
	EXPECT_FALSE(parseHttpUrl("http://h/write\r\nX-Evil: 1", &why));
	EXPECT_EQ(why, "a space or a control character in the path; percent-encode it");
	EXPECT_FALSE(parseHttpUrl("http://h/a b", &why));
	EXPECT_TRUE(parseHttpUrl("http://prom_1.local:9090/api/v1/write?x=%20"));
	EXPECT_TRUE(parseHttpUrl("http://[fe80::1%25eth0]:80/"));
}
