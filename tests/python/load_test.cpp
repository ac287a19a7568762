// SPDX-License-Identifier: Apache-2.0
// load(): each way a .py file can fail to become a check names its reason.
#include "recording_host.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using testing::HasSubstr;
using testing::StartsWith;

namespace {

PythonHost &host()
{
	PythonHost &h = PythonHost::get();
	EXPECT_NE(h.provider, nullptr) << h.init_error;
	return h;
}

TEST(PythonLoad, DescriptorClaimsPy)
{
	PythonHost &h = host();
	ASSERT_NE(h.desc, nullptr);
	EXPECT_EQ(h.desc->abi_version, VIGIL_ABI_VERSION);
	EXPECT_STREQ(h.desc->name, "python");
	EXPECT_STREQ(h.desc->extension, ".py");
}

TEST(PythonLoad, NameIsStemAndVersionFromModule)
{
	auto loaded = host().load("api_check.py");
	ASSERT_NE(loaded.check, nullptr) << loaded.error;
	EXPECT_EQ(loaded.name, "api_check");
	EXPECT_EQ(loaded.version, "1.2.3");
}

TEST(PythonLoad, EveryImportLineWorks)
{
	for (const char *file :
	     {"import_datadog_checks_base.py", "import_datadog_checks_base_checks.py",
	      "import_datadog_checks_checks.py", "import_checks.py", "import_vigil.py"}) {
		PythonHost &h = host();
		auto loaded = h.load(file);
		ASSERT_NE(loaded.check, nullptr) << file << ": " << loaded.error;
		vigil_context ctx;
		void *instance = h.create(loaded.check, ctx);
		ASSERT_NE(instance, nullptr) << ctx.error;
		EXPECT_EQ(h.run(instance, ctx), VIGIL_OK) << ctx.error;
		EXPECT_NE(ctx.metric("import.ok"), nullptr) << file;
		h.desc->destroy(h.provider, instance);
	}
}

TEST(PythonLoad, SyntaxErrorNamesTheLine)
{
	auto loaded = host().load("syntax_error.py");
	EXPECT_EQ(loaded.check, nullptr);
	EXPECT_THAT(loaded.error, StartsWith("line 3: SyntaxError: "));
}

TEST(PythonLoad, ImportErrorGivesTheMessage)
{
	auto loaded = host().load("import_error.py");
	EXPECT_EQ(loaded.check, nullptr);
	EXPECT_THAT(loaded.error, HasSubstr("No module named 'vigil_no_such_module_xyz'"));
	EXPECT_THAT(loaded.error, StartsWith("line 2: ModuleNotFoundError"));
}

TEST(PythonLoad, NoSubclass)
{
	auto loaded = host().load("no_subclass.py");
	EXPECT_EQ(loaded.check, nullptr);
	EXPECT_EQ(loaded.error, "no AgentCheck subclass in 'no_subclass.py'");
}

TEST(PythonLoad, TwoSubclassesAreNamed)
{
	auto loaded = host().load("two_subclasses.py");
	EXPECT_EQ(loaded.check, nullptr);
	EXPECT_EQ(loaded.error, "more than one AgentCheck subclass in 'two_subclasses.py': "
				"FirstCheck, SecondCheck");
}

TEST(PythonLoad, CExtensionsImport)
{
	PythonHost &h = host();
	auto loaded = h.load("c_extensions.py");
	ASSERT_NE(loaded.check, nullptr) << loaded.error;
	vigil_context ctx;
	void *instance = h.create(loaded.check, ctx);
	ASSERT_NE(instance, nullptr) << ctx.error;
	ASSERT_EQ(h.run(instance, ctx), VIGIL_OK) << ctx.error;
	ASSERT_NE(ctx.metric("json.c_scanner"), nullptr);
	EXPECT_EQ(ctx.metric("json.c_scanner")->value, 1);
	EXPECT_EQ(ctx.metric("yaml.libyaml")->value, 1);
	EXPECT_GT(ctx.metric("psutil.cpus")->value, 0);
}

} // namespace
