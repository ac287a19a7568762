// SPDX-License-Identifier: Apache-2.0
// The isolation settings of vigil.yaml and conf.d (docs/isolation.md).
#include "config/agent_config.hpp"
#include "config/check_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil {
namespace {

using ::testing::HasSubstr;

TEST(IsolationConfig, AgentDefaultsKeepChecksInProcess)
{
	AgentConfig config = parseAgentConfig("", "vigil.yaml");
	EXPECT_EQ(config.isolation, Isolation::None);
	EXPECT_EQ(config.quarantine_max_backoff, 300);
	EXPECT_GT(config.quarantine_after, 0u);
}

TEST(IsolationConfig, AgentKeysAreRead)
{
	AgentConfig config = parseAgentConfig("isolation: process\n"
					      "worker_max_runs: 7\n"
					      "worker_max_rss_mb: 64.5\n"
					      "worker_max_vm_mb: 0\n"
					      "quarantine_after: 2\n"
					      "quarantine_max_backoff: 30\n",
					      "vigil.yaml");
	EXPECT_EQ(config.isolation, Isolation::Process);
	EXPECT_EQ(config.worker_max_runs, 7u);
	EXPECT_EQ(config.worker_max_rss_mb, 64.5);
	EXPECT_EQ(config.worker_max_vm_mb, 0);
	EXPECT_EQ(config.quarantine_after, 2u);
	EXPECT_EQ(config.quarantine_max_backoff, 30);
}

TEST(IsolationConfig, BadAgentValuesNameFileAndKey)
{
	try {
		parseAgentConfig("isolation: thread\n", "/etc/vigil/vigil.yaml");
		FAIL() << "accepted isolation: thread";
	} catch (const ConfigError &e) {
		EXPECT_THAT(e.what(), HasSubstr("/etc/vigil/vigil.yaml"));
		EXPECT_THAT(e.what(), HasSubstr("isolation"));
		EXPECT_THAT(e.what(), HasSubstr("none or process"));
	}
	EXPECT_THROW(parseAgentConfig("worker_max_runs: -1\n", "v.yaml"), ConfigError);
	EXPECT_THROW(parseAgentConfig("quarantine_max_backoff: 0\n", "v.yaml"), ConfigError);
	EXPECT_THROW(parseAgentConfig("worker_max_rss_mb: lots\n", "v.yaml"), ConfigError);
}

TEST(IsolationConfig, InstanceIsolationIsOptional)
{
	CheckConfig config = parseCheckConfig("instances:\n"
					      "  - isolation: process\n"
					      "  - isolation: none\n"
					      "  - {}\n",
					      "c", "conf.d/c.yaml");
	ASSERT_EQ(config.instances.size(), 3u) << ::testing::PrintToString(config.errors);
	EXPECT_EQ(config.instances[0].isolation, Isolation::Process);
	EXPECT_EQ(config.instances[1].isolation, Isolation::None);
	EXPECT_FALSE(config.instances[2].isolation.has_value());
}

TEST(IsolationConfig, BadInstanceIsolationSkipsOnlyThatInstance)
{
	CheckConfig config = parseCheckConfig("instances:\n"
					      "  - isolation: sandbox\n"
					      "  - name: fine\n",
					      "c", "conf.d/c.yaml");
	ASSERT_EQ(config.instances.size(), 1u);
	EXPECT_EQ(config.instances[0].name, "fine");
	ASSERT_EQ(config.errors.size(), 1u);
	EXPECT_THAT(config.errors[0], HasSubstr("conf.d/c.yaml"));
	EXPECT_THAT(config.errors[0], HasSubstr("isolation"));
	EXPECT_THAT(config.errors[0], HasSubstr("sandbox"));
}

} // namespace
} // namespace vigil
