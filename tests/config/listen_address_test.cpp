// SPDX-License-Identifier: Apache-2.0
#include "config/agent_config.hpp"
#include "config/listen_address.hpp"

#include <gtest/gtest.h>

using namespace vigil;

TEST(ListenAddress, HostAndPort)
{
	auto a = parseListenAddress("127.0.0.1:17380");
	ASSERT_TRUE(a);
	EXPECT_EQ(a->host, "127.0.0.1");
	EXPECT_EQ(a->port, 17380);
	auto v6 = parseListenAddress("[::1]:0");
	ASSERT_TRUE(v6);
	EXPECT_EQ(v6->host, "::1");
	EXPECT_EQ(v6->port, 0);
	EXPECT_EQ(formatListenAddress(*v6), "[::1]:0");
}

TEST(ListenAddress, OffOrEmptyMeansNoServer)
{
	EXPECT_FALSE(parseListenAddress("off"));
	EXPECT_FALSE(parseListenAddress(""));
}

TEST(ListenAddress, BadValuesSayWhy)
{
	for (const char *bad : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
				"127.0.0.1:80x", ":80", "::1:80"})
		EXPECT_THROW(parseListenAddress(bad), std::invalid_argument) << bad;
}

TEST(ListenAddress, Loopback)
{
	EXPECT_TRUE(isLoopbackHost("127.0.0.1"));
	EXPECT_TRUE(isLoopbackHost("127.1.2.3"));
	EXPECT_TRUE(isLoopbackHost("::1"));
	EXPECT_TRUE(isLoopbackHost("localhost"));
	EXPECT_FALSE(isLoopbackHost("0.0.0.0"));
	EXPECT_FALSE(isLoopbackHost("::"));
	EXPECT_FALSE(isLoopbackHost("10.0.0.1"));
	EXPECT_FALSE(isLoopbackHost("example.com"));
}

TEST(ListenConfig, DefaultOffAndErrors)
{
	EXPECT_EQ(parseAgentConfig("{}", "v.yaml").listen, "127.0.0.1:17380");
	EXPECT_EQ(parseAgentConfig("listen: off\n", "v.yaml").listen, "");
	EXPECT_EQ(parseAgentConfig("listen: \"\"\n", "v.yaml").listen, "");
	// A key with no value is "not set" in vigil.yaml (docs/configuration.md).
	EXPECT_EQ(parseAgentConfig("listen:\n", "v.yaml").listen, "127.0.0.1:17380");
	EXPECT_EQ(parseAgentConfig("listen: \"[::1]:9\"\n", "v.yaml").listen, "[::1]:9");
	try {
		parseAgentConfig("listen: 127.0.0.1:99999\n", "v.yaml");
		FAIL() << "no error";
	} catch (const ConfigError &e) {
		std::string what = e.what();
		EXPECT_NE(what.find("v.yaml"), std::string::npos) << what;
		EXPECT_NE(what.find("listen"), std::string::npos) << what;
		EXPECT_NE(what.find("65535"), std::string::npos) << what;
	}
	EXPECT_THROW(parseAgentConfig("prometheus_prefix: 9x\n", "v.yaml"), ConfigError);
	EXPECT_EQ(parseAgentConfig("prometheus_prefix: vigil_\n", "v.yaml").prometheus_prefix,
		  "vigil_");
}
