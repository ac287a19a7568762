// SPDX-License-Identifier: Apache-2.0
// Integrations run by name: which conf.d names the catalog asks the Python
// provider to load as modules (datadog_checks.NAME), that a plugin file of
// the name wins, and that a module that cannot be loaded is one line.  The
// provider is a fixture with no interpreter (module_provider_fixture.c).
#include "loader_test_support.hpp"
#include "plugins/catalog.hpp"
#include "plugins/configured_names.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

namespace vigil {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> names(const std::vector<ConfiguredName> &configured)
{
	std::vector<std::string> out;
	for (const ConfiguredName &c : configured)
		out.push_back(c.name);
	return out;
}

// The fixture provider, opened at most once per catalog; counts the opens.
struct FixtureProvider {
	explicit FixtureProvider(std::string file = "module_provider.so") : file(std::move(file)) {}
	std::function<std::shared_ptr<CheckProvider>()> opener()
	{
		return [this] {
			++opened;
			return CheckProvider::open(test::fixture(file), "{}");
		};
	}
	std::string file;
	int opened = 0;
};

const CatalogEntry *module(const CheckCatalog &catalog, const std::string &name)
{
	for (const CatalogEntry &e : catalog.entries())
		if (e.name == name && !e.module.empty())
			return &e;
	return nullptr;
}

TEST(ConfiguredNames, WhatLoadCheckConfigWouldRead)
{
	test::TempDir conf;
	conf.touch("plain.yaml");
	conf.touch("short.yml");
	conf.touch("shipped.yaml.default");
	conf.touch("both.yaml");
	fs::create_directory(conf.path() / "both.d");
	conf.touch("both.d/conf.yaml");
	fs::create_directory(conf.path() / "folder.d");
	conf.touch("folder.d/conf.yaml.default");
	// What Datadog's packages ship for every integration: configures nothing.
	fs::create_directory(conf.path() / "example_only.d");
	conf.touch("example_only.d/conf.yaml.example");
	fs::create_directory(conf.path() / "empty.d");
	conf.touch(".hidden.yaml");
	conf.touch("notes.txt");
	conf.touch("has space.yaml"); // not a check name: nothing could provide it
	fs::create_directory(conf.path() / "dir.yaml"); // a folder is no config file

	std::vector<ConfiguredName> found = configuredCheckNames(conf.path());
	EXPECT_THAT(names(found), ElementsAre("both", "folder", "plain", "shipped", "short"));
	EXPECT_EQ(found[0].source, conf.path() / "both.d"); // the first by file name
	EXPECT_EQ(found[1].source, conf.path() / "folder.d");
	EXPECT_EQ(found[2].source, conf.path() / "plain.yaml");
	EXPECT_TRUE(configuredCheckNames(conf.path() / "missing").empty());
}

TEST(CatalogIntegrations, UnprovidedNamesLoadAsModulesAndFilesWin)
{
	test::TempDir plugins, conf;
	fs::path filed = plugins.touch("filed.py"); // the fixture provider loads any .py
	plugins.add("good_check.so");		    // provides fixture_good
	fs::path bogus = plugins.add("bogus.so");   // rejected, but still the user's file
	for (const char *f : {"filed.yaml", "fixture_good.yaml", "good_check.yaml", "bogus.yaml",
			      "tcp_installed.yaml", "bad-name.yaml"})
		conf.touch(f);
	fs::create_directory(conf.path() / "missing.d");
	conf.touch("missing.d/conf.yaml");
	fs::create_directory(conf.path() / "example_only.d");
	conf.touch("example_only.d/conf.yaml.example");
	FixtureProvider provider;
	CatalogOptions options;
	options.python_provider = provider.opener();
	options.conf_dir = conf.path();
	test::LogCapture log;

	CheckCatalog catalog = CheckCatalog::load({plugins.path()}, options);
	std::vector<std::string> loaded;
	for (const CatalogEntry &e : catalog.entries())
		loaded.push_back(e.name + (e.module.empty() ? "" : " <- " + e.module));
	// Files first, then conf.d's other names in name order.
	EXPECT_THAT(loaded, ElementsAre("bogus", "filed", "fixture_good",
					"bad-name <- datadog_checks.bad-name",
					"missing <- datadog_checks.missing",
					"tcp_installed <- datadog_checks.tcp_installed"));
	EXPECT_EQ(provider.opened, 1);

	const CatalogEntry *tcp = catalog.find("tcp_installed");
	ASSERT_NE(tcp, nullptr);
	EXPECT_EQ(tcp->state, CheckState::Ok) << tcp->error;
	EXPECT_EQ(tcp->kind, PluginKind::Python);
	EXPECT_EQ(tcp->module, "datadog_checks.tcp_installed");
	EXPECT_EQ(tcp->version, "9.9.9");
	EXPECT_EQ(tcp->path, "/fixture/site-packages/datadog_checks.tcp_installed");
	ASSERT_TRUE(tcp->binding);
	EXPECT_EQ(tcp->binding->name(), "tcp_installed");
	EXPECT_FALSE(tcp->workers_only);

	const CatalogEntry *missing = catalog.find("missing");
	ASSERT_NE(missing, nullptr);
	EXPECT_EQ(missing->state, CheckState::Error);
	EXPECT_EQ(missing->error, "no module datadog_checks.missing on the Python path");
	EXPECT_EQ(missing->path, conf.path() / "missing.d"); // what asked for it
	EXPECT_FALSE(missing->binding);

	const CatalogEntry *bad = catalog.find("bad-name");
	ASSERT_NE(bad, nullptr);
	EXPECT_EQ(bad->state, CheckState::Error);
	EXPECT_EQ(bad->error,
		  "no plugin file provides it, and 'datadog_checks.bad-name' is not a module name");

	EXPECT_EQ(catalog.find("filed")->path, filed);
	EXPECT_TRUE(catalog.find("filed")->module.empty());
	EXPECT_EQ(catalog.find("bogus")->path, bogus);
	EXPECT_EQ(module(catalog, "good_check"), nullptr);

	// One line for each rejection, naming the module.
	EXPECT_EQ(log.lines().size(), 3u);
	EXPECT_EQ(log.count("no module datadog_checks.missing on the Python path"), 1u);
	EXPECT_EQ(log.count("'datadog_checks.bad-name' is not a module name"), 1u);
	EXPECT_EQ(log.count("tcp_installed"), 0u);
}

TEST(CatalogIntegrations, NoConfDirNoModulesAndNoInterpreterUnlessNeeded)
{
	test::TempDir plugins, conf;
	plugins.add("good_check.so");
	conf.touch("fixture_good.yaml");
	conf.touch("installed_elsewhere.yaml");
	FixtureProvider provider;
	CatalogOptions options;
	options.python_provider = provider.opener();

	CheckCatalog without = CheckCatalog::load({plugins.path()}, options);
	EXPECT_EQ(without.entries().size(), 1u);
	EXPECT_EQ(provider.opened, 0);

	// Every name configured is provided by a file: the provider stays shut.
	fs::remove(conf.path() / "installed_elsewhere.yaml");
	options.conf_dir = conf.path();
	CheckCatalog provided = CheckCatalog::load({plugins.path()}, options);
	EXPECT_EQ(provided.entries().size(), 1u);
	EXPECT_EQ(provider.opened, 0);
}

TEST(CatalogIntegrations, ProviderBuiltBeforeLoadModuleIsSaidOnce)
{
	test::TempDir plugins, conf;
	conf.touch("a_installed.yaml");
	conf.touch("b_installed.yaml");
	FixtureProvider provider("module_provider_old.so");
	CatalogOptions options;
	options.python_provider = provider.opener();
	options.conf_dir = conf.path();
	test::LogCapture log;

	CheckCatalog catalog = CheckCatalog::load({plugins.path()}, options);
	ASSERT_EQ(catalog.entries().size(), 2u);
	for (const CatalogEntry &e : catalog.entries()) {
		EXPECT_EQ(e.state, CheckState::Skipped) << e.name;
		EXPECT_THAT(e.error, HasSubstr("integrations by name are unavailable"));
		EXPECT_FALSE(e.binding);
	}
	ASSERT_EQ(log.lines().size(), 1u);
	EXPECT_THAT(log.lines()[0], HasSubstr("cannot load modules"));
	EXPECT_THAT(log.lines()[0], HasSubstr("a_installed, b_installed"));
}

TEST(CatalogIntegrations, WithoutPythonEachIsSkipped)
{
	test::TempDir plugins, conf;
	conf.touch("tcp_installed.yaml");
	FixtureProvider provider;
	CatalogOptions options;
	options.python_unavailable_reason = "built without Python support";
	options.python_provider = provider.opener();
	options.conf_dir = conf.path();

	CheckCatalog catalog = CheckCatalog::load({plugins.path()}, options);
	ASSERT_EQ(catalog.entries().size(), 1u);
	EXPECT_EQ(catalog.entries()[0].state, CheckState::Skipped);
	EXPECT_EQ(catalog.entries()[0].error, "built without Python support");
	EXPECT_EQ(provider.opened, 0);
}

TEST(CatalogIntegrations, IsolatedOnesAreProbedInAWorker)
{
	test::TempDir plugins, conf;
	conf.touch("iso_installed.yaml");
	conf.touch("iso_broken.yaml");
	conf.touch("local_installed.yaml");
	FixtureProvider provider;
	std::mutex mutex;
	std::vector<std::string> probed;
	CatalogOptions options;
	options.python_provider = provider.opener();
	options.conf_dir = conf.path();
	options.probe_parallelism = 2;
	options.runs_isolated = [](const std::string &check) {
		return check.rfind("iso_", 0) == 0;
	};
	options.probe_module = [&](const std::string &module) {
		std::lock_guard lock(mutex);
		probed.push_back(module);
		if (module == "datadog_checks.iso_broken")
			throw PluginError("crashed while loading: worker 1 killed by signal 11");
		return ProbedPlugin{"iso_installed", "3.0", "", "/site/iso_installed"};
	};

	CheckCatalog catalog = CheckCatalog::load({plugins.path()}, options);
	std::sort(probed.begin(), probed.end());
	EXPECT_THAT(probed,
		    ElementsAre("datadog_checks.iso_broken", "datadog_checks.iso_installed"));

	const CatalogEntry *iso = catalog.find("iso_installed");
	ASSERT_NE(iso, nullptr);
	EXPECT_EQ(iso->state, CheckState::Ok);
	EXPECT_TRUE(iso->workers_only);
	EXPECT_FALSE(iso->binding);
	EXPECT_EQ(iso->path, "/site/iso_installed");
	EXPECT_EQ(iso->version, "3.0");
	EXPECT_EQ(iso->module, "datadog_checks.iso_installed");

	const CatalogEntry *broken = catalog.find("iso_broken");
	ASSERT_NE(broken, nullptr);
	EXPECT_EQ(broken->state, CheckState::Error);
	EXPECT_THAT(broken->error, HasSubstr("signal 11"));

	// The one that runs in the agent is loaded here.
	const CatalogEntry *local = catalog.find("local_installed");
	ASSERT_NE(local, nullptr);
	EXPECT_EQ(local->state, CheckState::Ok);
	EXPECT_TRUE(local->binding);
	EXPECT_EQ(provider.opened, 1);
}

} // namespace
} // namespace vigil
