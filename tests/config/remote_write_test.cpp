// SPDX-License-Identifier: Apache-2.0
// `remote_write:` in vigil.yaml.
#include "build_config.hpp"
#include "config/agent_config.hpp"

#include <gtest/gtest.h>

using namespace vigil;

namespace {

std::string errorOf(const std::string &yaml)
{
	try {
		parseAgentConfig(yaml, "/etc/vigil/vigil.yaml");
	} catch (const ConfigError &e) {
		return e.what();
	}
	return "";
}

} // namespace

TEST(RemoteWriteConfig, OffByDefault)
{
	EXPECT_TRUE(parseAgentConfig("", "/etc/vigil/vigil.yaml").remote_write.url.empty());
}

TEST(RemoteWriteConfig, AllKeys)
{
	auto c = parseAgentConfig("remote_write:\n"
				  "  url: http://prom:9090/api/v1/write\n"
				  "  queue_size: 5000\n"
				  "  max_samples_per_send: 500\n"
				  "  timeout: 2.5\n"
				  "  min_backoff: 0.1\n"
				  "  max_backoff: 10\n"
				  "  basic_auth: {username: vigil, password_file: secrets/pw}\n",
				  "/etc/vigil/vigil.yaml")
			 .remote_write;
	EXPECT_EQ(c.url, "http://prom:9090/api/v1/write");
	EXPECT_EQ(c.queue_size, 5000u);
	EXPECT_EQ(c.max_samples_per_send, 500u);
	EXPECT_EQ(c.timeout, 2.5);
	EXPECT_EQ(c.min_backoff, 0.1);
	EXPECT_EQ(c.max_backoff, 10);
	EXPECT_EQ(c.basic_auth_username, "vigil");
	// Relative to the file's directory, like every path in vigil.yaml.
	EXPECT_EQ(c.basic_auth_password_file, "/etc/vigil/secrets/pw");
}

TEST(RemoteWriteConfig, DefaultBatchFollowsASmallQueue)
{
	auto c = parseAgentConfig("remote_write: {url: 'http://p/w', queue_size: 100}\n",
				  "/etc/vigil/vigil.yaml")
			 .remote_write;
	EXPECT_EQ(c.max_samples_per_send, 100u);
}

TEST(RemoteWriteConfig, BadValuesNameTheKey)
{
	EXPECT_NE(errorOf("remote_write: {queue_size: 10}\n").find("needs a url"),
		  std::string::npos);
	EXPECT_NE(errorOf("remote_write: {url: 'prom:9090'}\n").find("remote_write.url"),
		  std::string::npos);
	EXPECT_NE(errorOf("remote_write: {url: 'http://p/w', queue_size: 0}\n")
			  .find("remote_write.queue_size"),
		  std::string::npos);
	EXPECT_NE(errorOf("remote_write: {url: 'http://p/w', queue_size: 10, "
			  "max_samples_per_send: 20}\n")
			  .find("max_samples_per_send must not be larger"),
		  std::string::npos);
	EXPECT_NE(errorOf("remote_write: {url: 'http://p/w', basic_auth: {username: u}}\n")
			  .find("needs both username and password_file"),
		  std::string::npos);
	EXPECT_NE(errorOf("remote_write: {url: 'http://p/w', bearer_token_file: t, "
			  "basic_auth: {username: u, password_file: p}}\n")
			  .find("use one"),
		  std::string::npos);
	EXPECT_NE(errorOf("remote_write: http://p/w\n").find("must be a map"), std::string::npos);
}

// https:// is accepted exactly when the build has TLS; a build without it
// says so when the config is read instead of failing on the first send.
TEST(RemoteWriteConfig, HttpsNeedsTls)
{
	const std::string yaml = "remote_write:\n  url: https://prom:9090/api/v1/write\n";
	const std::string error = errorOf(yaml);
	if (VIGIL_TLS_ENABLED) {
		EXPECT_EQ(error, "");
	} else {
		EXPECT_NE(error.find("vigil.yaml:2"), std::string::npos) << error;
		EXPECT_NE(error.find("https:// needs TLS"), std::string::npos) << error;
	}
	EXPECT_EQ(errorOf("remote_write:\n  url: http://prom:9090/api/v1/write\n"), "");
}
