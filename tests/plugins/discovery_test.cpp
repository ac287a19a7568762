// SPDX-License-Identifier: Apache-2.0
// discoverPlugins(): which files count, in which order, and what is a warning.
#include "loader_test_support.hpp"
#include "plugins/discovery.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> names(const DiscoveryResult &r)
{
	std::vector<std::string> out;
	for (const auto &f : r.files)
		out.push_back(f.path.filename().string());
	return out;
}

TEST(PluginDiscovery, IgnoresOtherFileTypes)
{
	test::TempDir dir;
	for (const char *name : {"a.so", "b.py", "c.txt", "d.so.1", "e.pyc", "README", "f.yaml",
				 "_private.py", "__init__.py", "lib.a"})
		dir.touch(name);
	fs::create_directory(dir.path() / "folder.so");
	fs::create_directory(dir.path() / "nested");
	dir.touch("nested/deep.so");

	DiscoveryResult r = discoverPlugins({dir.path()});
	EXPECT_THAT(names(r), ElementsAre("a.so", "b.py"));
	EXPECT_THAT(r.warnings, IsEmpty());
	ASSERT_EQ(r.files.size(), 2u);
	EXPECT_EQ(r.files[0].kind, PluginKind::Native);
	EXPECT_EQ(r.files[0].stem, "a");
	EXPECT_EQ(r.files[0].path, dir.path() / "a.so");
	EXPECT_EQ(r.files[1].kind, PluginKind::Python);
	EXPECT_EQ(r.files[1].stem, "b");
}

TEST(PluginDiscovery, IgnoresHiddenFiles)
{
	test::TempDir dir;
	dir.touch(".hidden.so");
	dir.touch(".hidden.py");
	dir.touch(".so");
	dir.touch("visible.so");
	EXPECT_THAT(names(discoverPlugins({dir.path()})), ElementsAre("visible.so"));
}

TEST(PluginDiscovery, SortsByFileNameWithinFolder)
{
	test::TempDir dir;
	for (const char *name : {"zeta.so", "alpha.py", "Beta.so", "alpha.so", "m.py"})
		dir.touch(name);
	EXPECT_THAT(names(discoverPlugins({dir.path()})),
		    ElementsAre("Beta.so", "alpha.py", "alpha.so", "m.py", "zeta.so"));
}

TEST(PluginDiscovery, KeepsFolderOrder)
{
	test::TempDir first, second;
	first.touch("b.so");
	second.touch("a.so");
	DiscoveryResult r = discoverPlugins({first.path(), second.path()});
	ASSERT_EQ(r.files.size(), 2u);
	EXPECT_EQ(r.files[0].path, first.path() / "b.so");
	EXPECT_EQ(r.files[1].path, second.path() / "a.so");

	r = discoverPlugins({second.path(), first.path()});
	ASSERT_EQ(r.files.size(), 2u);
	EXPECT_EQ(r.files[0].path, second.path() / "a.so");
}

TEST(PluginDiscovery, MissingFolderIsAWarning)
{
	test::TempDir dir;
	dir.touch("a.so");
	fs::path missing = dir.path() / "missing";
	DiscoveryResult r = discoverPlugins({missing, dir.path()});
	EXPECT_THAT(r.warnings, ElementsAre("plugin folder '" + missing.string() +
					    "' does not exist, skipping"));
	EXPECT_THAT(names(r), ElementsAre("a.so"));
}

TEST(PluginDiscovery, FileAsFolderIsAWarning)
{
	test::TempDir dir;
	fs::path file = dir.touch("not-a-folder");
	DiscoveryResult r = discoverPlugins({file});
	EXPECT_THAT(r.warnings,
		    ElementsAre("plugin folder '" + file.string() + "' is not a folder, skipping"));
	EXPECT_THAT(r.files, IsEmpty());
}

TEST(PluginDiscovery, FolderListedTwiceIsReadOnce)
{
	test::TempDir dir, links;
	dir.touch("a.so");
	fs::create_directory_symlink(dir.path(), links.path() / "alias");
	DiscoveryResult r =
		discoverPlugins({dir.path(), dir.path() / ".", links.path() / "alias", dir.path()});
	EXPECT_THAT(names(r), ElementsAre("a.so"));
	EXPECT_THAT(r.warnings, IsEmpty());
}

TEST(PluginDiscovery, MissingFolderListedTwiceWarnsOnce)
{
	test::TempDir dir;
	fs::path missing = dir.path() / "missing";
	EXPECT_EQ(discoverPlugins({missing, missing}).warnings.size(), 1u);
}

TEST(PluginDiscovery, KindNames)
{
	EXPECT_STREQ(pluginKindName(PluginKind::Native), "native");
	EXPECT_STREQ(pluginKindName(PluginKind::Python), "python");
}

} // namespace
} // namespace vigil
