// SPDX-License-Identifier: Apache-2.0
// CheckCatalog::load(): every file becomes an entry, each rejection is logged
// once, and a check name is provided by one file only.
#include "loader_test_support.hpp"
#include "plugins/catalog.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil {
namespace {

// The ABI this agent was built with, as its rejections name it.
const std::string kAgentAbi =
	std::to_string(VIGIL_ABI_VERSION_MAJOR) + "." + std::to_string(VIGIL_ABI_VERSION_MINOR);

namespace fs = std::filesystem;
using ::testing::ElementsAre;

std::string warning(const fs::path &path, const std::string &reason)
{
	return "warning '" + path.string() + "': " + reason + ", skipping";
}

TEST(CheckCatalog, LoadsGoodAndRejectsBadWithStemNames)
{
	test::TempDir dir;
	fs::path good = dir.add("good_check.so");
	fs::path bogus = dir.add("bogus.so");
	fs::path major = dir.add("abi_major.so");
	fs::path unresolved = dir.add("unresolved_symbol.so");
	test::LogCapture log;

	CheckCatalog catalog = CheckCatalog::load({dir.path()}, {});
	const auto &e = catalog.entries();
	ASSERT_EQ(e.size(), 4u);

	EXPECT_EQ(e[0].name, "abi_major");
	EXPECT_EQ(e[0].state, CheckState::Error);
	EXPECT_EQ(e[0].error, "ABI version 99.0, this agent supports " + kAgentAbi);
	EXPECT_EQ(e[0].path, major);
	EXPECT_FALSE(e[0].native);

	EXPECT_EQ(e[1].name, "bogus");
	EXPECT_EQ(e[1].error, "not an ELF file");

	EXPECT_EQ(e[2].name, "fixture_good");
	EXPECT_EQ(e[2].state, CheckState::Ok);
	EXPECT_EQ(e[2].kind, PluginKind::Native);
	EXPECT_EQ(e[2].version, "1.0.0");
	EXPECT_EQ(e[2].description, "Loader test fixture that works");
	EXPECT_TRUE(e[2].error.empty());
	ASSERT_TRUE(e[2].native);
	EXPECT_EQ(e[2].native->name, "fixture_good");

	EXPECT_EQ(e[3].name, "unresolved_symbol");
	EXPECT_EQ(e[3].error, "cannot load: undefined symbol: vigil_fixture_missing_function");

	EXPECT_THAT(log.lines(), ElementsAre(warning(major, e[0].error), warning(bogus, e[1].error),
					     warning(unresolved, e[3].error)));
	EXPECT_EQ(log.count(good.string()), 0u);

	EXPECT_EQ(catalog.find("fixture_good"), &e[2]);
	EXPECT_EQ(catalog.find("bogus"), &e[1]);
	EXPECT_EQ(catalog.find("good_check"), nullptr);
}

TEST(CheckCatalog, DuplicateNameFirstFileWins)
{
	test::TempDir dir;
	fs::path first = dir.add("dup_first.so");
	fs::path second = dir.add("dup_second.so");
	test::LogCapture log;

	CheckCatalog catalog = CheckCatalog::load({dir.path()}, {});
	const auto &e = catalog.entries();
	ASSERT_EQ(e.size(), 2u);
	EXPECT_EQ(e[0].state, CheckState::Ok);
	EXPECT_EQ(e[0].path, first);
	EXPECT_EQ(e[1].name, "fixture_dup");
	EXPECT_EQ(e[1].state, CheckState::Error);
	EXPECT_FALSE(e[1].native);
	const std::string reason =
		"duplicate check name 'fixture_dup', already provided by '" + first.string() + "'";
	EXPECT_EQ(e[1].error, reason);
	EXPECT_THAT(log.lines(), ElementsAre(warning(second, reason)));
	EXPECT_EQ(catalog.find("fixture_dup"), &e[0]);
}

TEST(CheckCatalog, DuplicateNameFolderOrderBeatsFileName)
{
	test::TempDir a, b;
	fs::path winner = a.add("dup_second.so");
	fs::path loser = b.add("dup_first.so");

	CheckCatalog catalog = CheckCatalog::load({a.path(), b.path()}, {});
	const auto &e = catalog.entries();
	ASSERT_EQ(e.size(), 2u);
	EXPECT_EQ(e[0].path, winner);
	EXPECT_EQ(e[0].state, CheckState::Ok);
	EXPECT_EQ(e[1].path, loser);
	EXPECT_EQ(e[1].error, "duplicate check name 'fixture_dup', already provided by '" +
				      winner.string() + "'");
}

TEST(CheckCatalog, RejectedStemDoesNotClaimTheName)
{
	// A broken file named like a working check must not block that check.
	test::TempDir a, b;
	a.add("bogus.so", "fixture_good.so");
	b.add("good_check.so");

	CheckCatalog catalog = CheckCatalog::load({a.path(), b.path()}, {});
	const auto &e = catalog.entries();
	ASSERT_EQ(e.size(), 2u);
	EXPECT_EQ(e[0].state, CheckState::Error);
	EXPECT_EQ(e[1].state, CheckState::Ok);
	EXPECT_EQ(catalog.find("fixture_good"), &e[1]);
}

TEST(CheckCatalog, PythonSkippedWhenBuiltWithoutPython)
{
	test::TempDir dir;
	fs::path py = dir.touch("disk_check.py", "print('never run')\n");
	test::LogCapture log;

	CatalogOptions options;
	options.python_unavailable_reason = "built without Python support";
	CheckCatalog catalog = CheckCatalog::load({dir.path()}, options);
	ASSERT_EQ(catalog.entries().size(), 1u);
	const CatalogEntry &e = catalog.entries()[0];
	EXPECT_EQ(e.name, "disk_check");
	EXPECT_EQ(e.kind, PluginKind::Python);
	EXPECT_EQ(e.state, CheckState::Skipped);
	EXPECT_EQ(e.error, "built without Python support");
	EXPECT_THAT(log.lines(), ElementsAre("info '" + py.string() +
					     "': built without Python support, skipping"));
}

TEST(CheckCatalog, PythonWithoutProviderIsAnError)
{
	test::TempDir dir;
	fs::path py = dir.touch("disk_check.py");
	test::LogCapture log;

	CheckCatalog catalog = CheckCatalog::load({dir.path()}, {});
	ASSERT_EQ(catalog.entries().size(), 1u);
	const CatalogEntry &e = catalog.entries()[0];
	EXPECT_EQ(e.state, CheckState::Error);
	EXPECT_EQ(e.error, "python support not installed: no python provider configured");
	EXPECT_THAT(log.lines(), ElementsAre(warning(py, e.error)));
}

TEST(CheckCatalog, MissingFolderWarnsOnce)
{
	test::TempDir dir;
	fs::path missing = dir.path() / "missing";
	test::LogCapture log;

	CheckCatalog catalog = CheckCatalog::load({missing, missing}, {});
	const std::string text =
		"plugin folder '" + missing.string() + "' does not exist, skipping";
	EXPECT_THAT(catalog.warnings(), ElementsAre(text));
	EXPECT_THAT(log.lines(), ElementsAre("warning " + text));
	EXPECT_TRUE(catalog.entries().empty());
}

TEST(CheckCatalog, WorkingFixturesAllLoad)
{
	test::TempDir dir;
	for (const char *f : {"good_check.so", "throwing_run_check.so", "throwing_ctor_check.so",
			      "error_run_check.so"})
		dir.add(f);
	CheckCatalog catalog = CheckCatalog::load({dir.path()}, {});
	for (const char *name :
	     {"fixture_good", "fixture_throws", "fixture_ctor_throws", "fixture_error"}) {
		const CatalogEntry *e = catalog.find(name);
		ASSERT_NE(e, nullptr) << name;
		EXPECT_EQ(e->state, CheckState::Ok) << name << ": " << e->error;
	}
}

TEST(CheckCatalog, StateNames)
{
	EXPECT_STREQ(checkStateName(CheckState::Ok), "ok");
	EXPECT_STREQ(checkStateName(CheckState::Error), "error");
	EXPECT_STREQ(checkStateName(CheckState::Skipped), "skipped");
}

} // namespace
} // namespace vigil
