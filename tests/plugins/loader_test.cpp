// SPDX-License-Identifier: Apache-2.0
// loadNativePlugin(): each rejection reason after the ELF pre-check, pinned by
// the fixture that triggers it, and the working fixtures load.
#include "loader_test_support.hpp"
#include "plugins/error.hpp"
#include "plugins/loader.hpp"

#include <gtest/gtest.h>

#include <dlfcn.h>

namespace vigil {
namespace {

// The ABI this agent was built with, as its rejections name it.
const std::string kAgentAbi =
	std::to_string(VIGIL_ABI_VERSION_MAJOR) + "." + std::to_string(VIGIL_ABI_VERSION_MINOR);

using test::fixture;

std::string rejection(const std::filesystem::path &file)
{
	try {
		loadNativePlugin(file);
		return "loaded";
	} catch (const PluginError &e) {
		return e.what();
	}
}

TEST(PluginLoader, NoEntrySymbol)
{
	EXPECT_EQ(rejection(fixture("no_entry.so")),
		  "no vigil_check_entry symbol: not a Vigil check plugin");
}

TEST(PluginLoader, EntryReturnsNull)
{
	EXPECT_EQ(rejection(fixture("null_entry.so")), "vigil_check_entry() returned NULL");
}

TEST(PluginLoader, AbiMajorMismatch)
{
	EXPECT_EQ(rejection(fixture("abi_major.so")),
		  "ABI version 99.0, this agent supports " + kAgentAbi);
}

TEST(PluginLoader, AbiMinorNewer)
{
	EXPECT_EQ(rejection(fixture("abi_minor.so")),
		  "ABI version 1.99, this agent supports " + kAgentAbi);
}

TEST(PluginLoader, StructTooSmall)
{
	static_assert(sizeof(void *) == 8, "56 is the ABI 1.0 descriptor on 64-bit targets");
	EXPECT_EQ(rejection(fixture("small_struct.so")),
		  "descriptor is 16 bytes, ABI 1.0 needs at least 56");
}

TEST(PluginLoader, NullName)
{
	EXPECT_EQ(rejection(fixture("null_name.so")), "descriptor has no name");
}

TEST(PluginLoader, NullRun)
{
	EXPECT_EQ(rejection(fixture("null_run.so")), "descriptor has no run function");
}

TEST(PluginLoader, InvalidName)
{
	EXPECT_EQ(rejection(fixture("bad_name.so")),
		  "invalid check name 'bad name!': use letters, digits, '_', '.' and '-', at most "
		  "64 characters, starting with a letter, digit or '_'");
}

TEST(PluginLoader, UnresolvedSymbolFailsAtLoad)
{
	// RTLD_NOW: refused here, with dlerror()'s text minus the path, instead of
	// the process dying at the first call.
	EXPECT_EQ(rejection(fixture("unresolved_symbol.so")),
		  "cannot load: undefined symbol: vigil_fixture_missing_function");
}

TEST(PluginLoader, RelativePathLoads)
{
	test::TempDir dir;
	dir.add("good_check.so");
	auto cwd = std::filesystem::current_path();
	std::filesystem::current_path(dir.path());
	std::string result = rejection("good_check.so");
	std::filesystem::current_path(cwd);
	EXPECT_EQ(result, "loaded");
}

// dlopen(RTLD_NOLOAD) succeeds only while `path` is still mapped.
bool stillMapped(const std::filesystem::path &path)
{
	void *handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
	if (handle)
		::dlclose(handle);
	return handle != nullptr;
}

TEST(PluginLoader, AcceptedLibraryIsNeverUnloaded)
{
	test::TempDir dir;
	auto path = dir.add("good_check.so");
	{
		NativePlugin plugin = loadNativePlugin(path);
		EXPECT_EQ(plugin.library.use_count(), 1);
	}
	EXPECT_TRUE(stillMapped(path));
}

TEST(PluginLoader, RejectedLibraryStaysLoaded)
{
	// Its initialisers ran in dlopen(); whatever they left behind needs the code.
	test::TempDir dir;
	auto path = dir.add("abi_major.so");
	EXPECT_EQ(rejection(path), "ABI version 99.0, this agent supports " + kAgentAbi);
	EXPECT_TRUE(stillMapped(path));
}

struct GoodFixture {
	const char *file;
	const char *name;
	const char *version;
};

class WorkingPlugins : public ::testing::TestWithParam<GoodFixture> {};

TEST_P(WorkingPlugins, Load)
{
	const GoodFixture &f = GetParam();
	NativePlugin plugin = loadNativePlugin(fixture(f.file));
	EXPECT_EQ(plugin.name, f.name);
	EXPECT_EQ(plugin.version, f.version);
	EXPECT_EQ(plugin.path, fixture(f.file));
	ASSERT_NE(plugin.descriptor, nullptr);
	EXPECT_NE(plugin.descriptor->run, nullptr);
	EXPECT_TRUE(plugin.library);
	EXPECT_FALSE(plugin.description.empty());
}

INSTANTIATE_TEST_SUITE_P(
	Fixtures, WorkingPlugins,
	::testing::Values(GoodFixture{"good_check.so", "fixture_good", "1.0.0"},
			  GoodFixture{"throwing_run_check.so", "fixture_throws", "1.0.0"},
			  GoodFixture{"throwing_ctor_check.so", "fixture_ctor_throws", "1.0.0"},
			  GoodFixture{"error_run_check.so", "fixture_error", "1.0"},
			  GoodFixture{"descriptor_ok.so", "fixture_descriptor", "1.0"}),
	[](const auto &info) { return std::string(info.param.name); });

TEST(PluginLoader, ValidCheckNames)
{
	EXPECT_TRUE(isValidCheckName("cpu"));
	EXPECT_TRUE(isValidCheckName("_x"));
	EXPECT_TRUE(isValidCheckName("9p"));
	EXPECT_TRUE(isValidCheckName("a.b-c_d"));
	EXPECT_TRUE(isValidCheckName(std::string(64, 'a')));
	EXPECT_FALSE(isValidCheckName(""));
	EXPECT_FALSE(isValidCheckName(std::string(65, 'a')));
	EXPECT_FALSE(isValidCheckName(".hidden"));
	EXPECT_FALSE(isValidCheckName("-x"));
	EXPECT_FALSE(isValidCheckName("a b"));
	EXPECT_FALSE(isValidCheckName("a/b"));
	EXPECT_FALSE(isValidCheckName("caf\xc3\xa9"));
}

} // namespace
} // namespace vigil
