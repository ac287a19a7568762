// SPDX-License-Identifier: Apache-2.0
// load_module(): an installed integration (a datadog_checks.NAME package
// under tests/data/python/integrations, on the path as vigil.yaml's
// `python: path:` puts it) loads by name, its class imported from a
// submodule; each way it cannot names the module.  environment_json() names
// the datadog_checks.base in use.
#include "recording_host.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using testing::EndsWith;
using testing::HasSubstr;

namespace {

PythonHost &host()
{
	PythonHost &h = PythonHost::get();
	EXPECT_NE(h.provider, nullptr) << h.init_error;
	return h;
}

const std::string kIntegrations = std::string(VIGIL_PY_TEST_DATA) + "/integrations";

TEST(PythonIntegrations, DescriptorHasTheAdditions)
{
	PythonHost &h = host();
	ASSERT_NE(h.desc, nullptr);
	EXPECT_GE(h.desc->struct_size, offsetof(vigil_provider_descriptor, environment_json) +
					       sizeof h.desc->environment_json);
	EXPECT_NE(h.desc->load_module, nullptr);
	EXPECT_NE(h.desc->environment_json, nullptr);
}

TEST(PythonIntegrations, PackageLoadsByNameAndRunsItsImportedClass)
{
	PythonHost &h = host();
	auto loaded = h.loadModule("datadog_checks.echo_integration");
	ASSERT_NE(loaded.check, nullptr) << loaded.error;
	EXPECT_EQ(loaded.name, "echo_integration");
	EXPECT_EQ(loaded.version, "2.5.0"); // from __about__, through __version__
	EXPECT_EQ(loaded.origin, kIntegrations + "/datadog_checks/echo_integration");

	vigil_context ctx;
	ctx.instance = {{"value", 41.5}, {"warn", "careful"}};
	void *instance = h.create(loaded.check, ctx);
	ASSERT_NE(instance, nullptr) << ctx.error;
	EXPECT_EQ(h.run(instance, ctx), VIGIL_OK) << ctx.error;
	const auto *value = ctx.metric("echo.value");
	ASSERT_NE(value, nullptr);
	EXPECT_EQ(value->value, 41.5);
	// The check's name is the one conf.d configures it by.
	EXPECT_THAT(value->tags, testing::Contains("integration:echo_integration"));
	EXPECT_THAT(ctx.warnings, testing::ElementsAre("echo warns: careful"));
	h.desc->destroy(h.provider, instance);
}

TEST(PythonIntegrations, NoSuchModuleIsOneLineNamingIt)
{
	auto loaded = host().loadModule("datadog_checks.vigil_not_installed_xyz");
	EXPECT_EQ(loaded.check, nullptr);
	EXPECT_EQ(loaded.error,
		  "no module datadog_checks.vigil_not_installed_xyz on the Python path");
}

TEST(PythonIntegrations, MissingDependencyNamesModuleAndDependency)
{
	auto loaded = host().loadModule("datadog_checks.broken_integration");
	EXPECT_EQ(loaded.check, nullptr);
	// Where in the package: the dependency is imported by a submodule.
	EXPECT_THAT(loaded.error, testing::StartsWith("datadog_checks.broken_integration: "
						      "check.py line 1: ModuleNotFoundError"));
	EXPECT_THAT(loaded.error, HasSubstr("vigil_no_such_dependency_xyz"));
	EXPECT_EQ(loaded.error.find('\n'), std::string::npos);
}

TEST(PythonIntegrations, PackageWithoutCheckClass)
{
	auto loaded = host().loadModule("datadog_checks.classless_integration");
	EXPECT_EQ(loaded.check, nullptr);
	EXPECT_EQ(loaded.error, "no AgentCheck subclass in datadog_checks.classless_integration");
}

TEST(PythonIntegrations, EnvironmentNamesTheShimWhenNoBaseIsInstalled)
{
	PythonHost &h = host();
	const char *text = h.desc->environment_json(h.provider);
	ASSERT_NE(text, nullptr);
	nlohmann::json env = nlohmann::json::parse(text);
	EXPECT_FALSE(env.value("python", "").empty()) << text;
	const nlohmann::json &base = env.at("datadog_checks_base");
	// The test's only datadog_checks folders are the fixtures' (no base) and
	// python_host's own; the shim then serves the import.
	EXPECT_TRUE(base.value("shim", false)) << text;
	EXPECT_THAT(base.value("path", ""), EndsWith("/datadog_checks/base")) << text;
	EXPECT_STREQ(h.desc->environment_json(h.provider), text); // asked once
}

} // namespace
