// SPDX-License-Identifier: Apache-2.0
// A native check whose every instance runs isolated is never dlopen()ed by
// the catalog's process: it is probed in a worker (isolation/plugin_probe.hpp),
// so a static constructor that crashes rejects the file instead of killing
// the agent.  The fixtures are tests/data/isolation/misbehaving_check.c.
#include "isolation/plugin_probe.hpp"
#include "plugins/catalog.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace vigil {
namespace {

namespace fs = std::filesystem;

// A plugin folder holding copies of the isolation fixtures.
class PluginDir {
public:
	PluginDir()
	{
		std::string pattern =
			(fs::path(::testing::TempDir()) / "vigil-probe-XXXXXX").string();
		if (!::mkdtemp(pattern.data()))
			throw std::runtime_error("mkdtemp failed for " + pattern);
		path_ = pattern;
	}
	~PluginDir()
	{
		std::error_code ec;
		fs::remove_all(path_, ec);
	}
	fs::path add(const std::string &fixture, const std::string &as = {}) const
	{
		fs::path to = path_ / ((as.empty() ? fixture : as) + ".so");
		fs::copy_file(fs::path(VIGIL_ISOLATION_FIXTURE_DIR) / (fixture + ".so"), to);
		return to;
	}
	const fs::path &path() const { return path_; }

private:
	fs::path path_;
};

TEST(CatalogProbe, IsolatedCheckIsProbedNotLoaded)
{
	PluginDir dir;
	dir.add("iso_static_constructor");
	dir.add("iso_healthy");
	std::set<std::string> probed;
	CatalogOptions options;
	options.runs_isolated = [](const std::string &check) {
		return check == "iso_static_constructor";
	};
	options.probe_native = [&](const fs::path &path) {
		probed.insert(path.stem().string());
		return ProbedPlugin{"iso_static_constructor", "1.0", "probed"};
	};

	// Loading iso_static_constructor here would abort this test.
	CheckCatalog catalog = CheckCatalog::load({dir.path()}, options);
	EXPECT_EQ(probed, std::set<std::string>{"iso_static_constructor"});
	const CatalogEntry *isolated = catalog.find("iso_static_constructor");
	ASSERT_NE(isolated, nullptr);
	EXPECT_EQ(isolated->state, CheckState::Ok);
	EXPECT_TRUE(isolated->workers_only);
	EXPECT_FALSE(isolated->native);
	EXPECT_FALSE(isolated->binding);
	EXPECT_EQ(isolated->description, "probed");

	const CatalogEntry *healthy = catalog.find("iso_healthy");
	ASSERT_NE(healthy, nullptr);
	EXPECT_EQ(healthy->state, CheckState::Ok);
	EXPECT_FALSE(healthy->workers_only);
	EXPECT_TRUE(healthy->native);
	EXPECT_TRUE(healthy->binding);
}

TEST(CatalogProbe, ProbeFailureRejectsTheFileWithItsReason)
{
	PluginDir dir;
	fs::path path = dir.add("iso_static_constructor");
	CatalogOptions options;
	options.runs_isolated = [](const std::string &) { return true; };
	options.probe_native = [](const fs::path &) -> ProbedPlugin {
		throw PluginError("crashed while loading: worker 1 killed by signal 6");
	};
	CheckCatalog catalog = CheckCatalog::load({dir.path()}, options);
	ASSERT_EQ(catalog.entries().size(), 1u);
	const CatalogEntry &entry = catalog.entries()[0];
	EXPECT_EQ(entry.name, "iso_static_constructor");
	EXPECT_EQ(entry.path, path);
	EXPECT_EQ(entry.state, CheckState::Error);
	EXPECT_EQ(entry.error, "crashed while loading: worker 1 killed by signal 6");
}

TEST(CatalogProbe, CheckNamedOtherThanItsFileIsLoadedHereWhenThatNameRunsInProcess)
{
	// conf.d/<stem>.yaml asked for isolation, but the check's real name
	// (whose configuration counts) runs in the agent: it needs the library.
	PluginDir dir;
	dir.add("iso_healthy", "renamed");
	CatalogOptions options;
	options.runs_isolated = [](const std::string &check) { return check == "renamed"; };
	options.probe_native = [](const fs::path &) {
		return ProbedPlugin{"iso_healthy", "1.0", ""};
	};
	CheckCatalog catalog = CheckCatalog::load({dir.path()}, options);
	const CatalogEntry *entry = catalog.find("iso_healthy");
	ASSERT_NE(entry, nullptr);
	EXPECT_EQ(entry->state, CheckState::Ok);
	EXPECT_FALSE(entry->workers_only);
	EXPECT_TRUE(entry->native);
}

// A .py file whose every instance is isolated is probed in a worker too:
// the Python provider (an interpreter, the file's module code) is never
// opened here.
fs::path writePyCheck(const fs::path &dir, const std::string &stem)
{
	fs::path path = dir / (stem + ".py");
	std::FILE *f = std::fopen(path.c_str(), "w");
	if (!f)
		throw std::runtime_error("cannot write " + path.string());
	std::fputs("import ctypes\nctypes.string_at(0)\n", f);
	std::fclose(f);
	return path;
}

TEST(CatalogProbe, IsolatedPythonCheckIsProbedWithoutOpeningTheProvider)
{
	PluginDir dir;
	writePyCheck(dir.path(), "py_isolated");
	int provider_opened = 0;
	std::set<std::string> probed;
	CatalogOptions options;
	options.python_provider = [&]() -> std::shared_ptr<CheckProvider> {
		++provider_opened;
		throw PluginError("not in this test");
	};
	options.runs_isolated = [](const std::string &check) { return check == "py_isolated"; };
	options.probe_provided = [&](const fs::path &path) {
		probed.insert(path.stem().string());
		return ProbedPlugin{"py_isolated", "2.0", "probed"};
	};
	CheckCatalog catalog = CheckCatalog::load({dir.path()}, options);
	EXPECT_EQ(probed, std::set<std::string>{"py_isolated"});
	EXPECT_EQ(provider_opened, 0);
	const CatalogEntry *entry = catalog.find("py_isolated");
	ASSERT_NE(entry, nullptr);
	EXPECT_EQ(entry->state, CheckState::Ok);
	EXPECT_EQ(entry->kind, PluginKind::Python);
	EXPECT_TRUE(entry->workers_only);
	EXPECT_FALSE(entry->binding);
	EXPECT_EQ(entry->version, "2.0");
}

TEST(CatalogProbe, PythonProbeFailureRejectsTheFileWithItsReason)
{
	PluginDir dir;
	fs::path path = writePyCheck(dir.path(), "py_crash");
	CatalogOptions options;
	options.python_provider = []() -> std::shared_ptr<CheckProvider> {
		throw PluginError("must not be opened");
	};
	options.runs_isolated = [](const std::string &) { return true; };
	options.probe_provided = [](const fs::path &) -> ProbedPlugin {
		throw PluginError("crashed while loading: worker 1 killed by signal 11");
	};
	CheckCatalog catalog = CheckCatalog::load({dir.path()}, options);
	ASSERT_EQ(catalog.entries().size(), 1u);
	const CatalogEntry &entry = catalog.entries()[0];
	EXPECT_EQ(entry.path, path);
	EXPECT_EQ(entry.kind, PluginKind::Python);
	EXPECT_EQ(entry.state, CheckState::Error);
	EXPECT_EQ(entry.error, "crashed while loading: worker 1 killed by signal 11");
}

TEST(CatalogProbe, PythonCheckWithAnInProcessInstanceUsesTheProvider)
{
	PluginDir dir;
	writePyCheck(dir.path(), "py_in_agent");
	int probes = 0;
	CatalogOptions options;
	options.python_provider = []() -> std::shared_ptr<CheckProvider> {
		throw PluginError("opened");
	};
	options.runs_isolated = [](const std::string &) { return false; };
	options.probe_provided = [&](const fs::path &) {
		++probes;
		return ProbedPlugin{"py_in_agent", "", ""};
	};
	CheckCatalog catalog = CheckCatalog::load({dir.path()}, options);
	EXPECT_EQ(probes, 0);
	ASSERT_EQ(catalog.entries().size(), 1u);
	EXPECT_EQ(catalog.entries()[0].error, "python support not installed: opened");
}

TEST(CatalogProbe, ProbesRunAtOnceAndEntriesKeepFileOrder)
{
	// Each probe waits until all three have started: sequential probes
	// would never get there and each would give up after 10 s.
	PluginDir dir;
	for (const char *stem : {"py_a", "py_b", "py_c"})
		writePyCheck(dir.path(), stem);
	std::mutex mutex;
	std::condition_variable started;
	int running = 0;
	CatalogOptions options;
	options.probe_parallelism = 3;
	options.runs_isolated = [](const std::string &) { return true; };
	options.probe_provided = [&](const fs::path &path) {
		std::unique_lock lock(mutex);
		++running;
		started.notify_all();
		if (!started.wait_for(lock, std::chrono::seconds(10), [&] { return running == 3; }))
			throw PluginError("probed alone");
		return ProbedPlugin{path.stem().string(), "", ""};
	};
	CheckCatalog catalog = CheckCatalog::load({dir.path()}, options);
	std::vector<std::string> names;
	for (const CatalogEntry &entry : catalog.entries()) {
		EXPECT_EQ(entry.state, CheckState::Ok) << entry.error;
		names.push_back(entry.name);
	}
	EXPECT_EQ(names, (std::vector<std::string>{"py_a", "py_b", "py_c"}));
}

#if VIGIL_CAN_SPAWN_WORKERS
isolation::WorkerLaunch testLaunch()
{
	isolation::WorkerLaunch launch;
	launch.executable = VIGIL_EXE; // the test binary is not vigil
	return launch;
}

TEST(PluginProbe, ReportsTheDescriptorOfAHealthyPlugin)
{
	PluginDir dir;
	ProbedPlugin probed = isolation::probeNativePlugin(dir.add("iso_healthy"), testLaunch());
	EXPECT_EQ(probed.name, "iso_healthy");
	EXPECT_EQ(probed.version, "1.0");
	EXPECT_EQ(probed.description, "Isolation test fixture");
}

TEST(PluginProbe, CrashingConstructorIsAReasonNotACrash)
{
	PluginDir dir;
	try {
		isolation::probeNativePlugin(dir.add("iso_static_constructor"), testLaunch());
		FAIL() << "the probe accepted a plugin that aborts when loaded";
	} catch (const PluginError &e) {
		const std::string reason = e.what();
		EXPECT_NE(reason.find("crashed while loading: worker "), std::string::npos)
			<< reason;
		EXPECT_NE(reason.find("killed by signal 6 (SIGABRT"), std::string::npos) << reason;
		EXPECT_NE(reason.find("crashing in a static constructor"), std::string::npos)
			<< reason;
	}
}

TEST(PluginProbe, LoaderRejectionIsPassedOn)
{
	PluginDir dir;
	fs::path text = dir.path() / "not_a_plugin.so";
	{
		std::FILE *f = std::fopen(text.c_str(), "w");
		ASSERT_NE(f, nullptr);
		std::fputs("not an ELF file\n", f);
		std::fclose(f);
	}
	try {
		isolation::probeNativePlugin(text, testLaunch());
		FAIL() << "the probe accepted a text file";
	} catch (const PluginError &e) {
		EXPECT_STREQ(e.what(), "not an ELF file");
	}
}

// PR_SET_PDEATHSIG fires when the *thread* that spawned a worker exits;
// spawns go through one long-lived thread (isolation/spawn_thread.hpp), so a
// worker started for a thread that then ends must still serve requests.
TEST(WorkerProcessSpawn, OutlivesTheThreadThatAskedForIt)
{
	// As in the agent: a dead worker's socket is an error to report, not a
	// signal that ends this process.
	std::signal(SIGPIPE, SIG_IGN);
	PluginDir dir;
	const std::string probe = isolation::encodeFrame(
		{{"op", "probe"}, {"path", dir.add("iso_healthy").string()}});
	auto ask = [&](isolation::WorkerProcess &worker) {
		return worker.exchange(probe,
				       std::chrono::steady_clock::now() + std::chrono::seconds(30),
				       [](const nlohmann::json &) {});
	};
	std::unique_ptr<isolation::WorkerProcess> worker;
	isolation::ExchangeResult first;
	std::thread([&] {
		worker = isolation::WorkerProcess::spawn(testLaunch());
		// Answered: the worker has armed its death signal by now.
		first = ask(*worker);
	}).join();
	ASSERT_EQ(first.end, isolation::ExchangeEnd::Done) << first.death;
	// Time for a death signal to land, were one on its way.
	std::this_thread::sleep_for(std::chrono::milliseconds(200));
	isolation::ExchangeResult second = ask(*worker);
	ASSERT_EQ(second.end, isolation::ExchangeEnd::Done) << second.death;
	EXPECT_EQ(second.done.value("name", ""), "iso_healthy");
}
#endif

} // namespace
} // namespace vigil
