// SPDX-License-Identifier: Apache-2.0
// The loader checks and loads one descriptor of the file: a file renamed
// over the plugin's path between the check and dlopen() cannot slip
// through, and libraries loaded through /proc/self/fd/N never stand in for
// each other.
#include "corrupt_plugin_support.hpp"

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>

namespace vigil {
namespace {

using test::rejection;

TEST(CheckedLoading, LoadsThroughTheDescriptorItChecked)
{
	test::TempDir dir;
	const auto path = dir.add("good_check.so");
	NativePlugin plugin = loadNativePlugin(path);
	Dl_info info{};
	ASSERT_NE(::dladdr(plugin.descriptor, &info), 0);
	const std::string name = info.dli_fname;
	ASSERT_EQ(name.rfind("/proc/self/fd/", 0), 0u) << name;
	// The descriptor stays open, on the file that was checked.
	char target[PATH_MAX] = {};
	ASSERT_GT(::readlink(name.c_str(), target, sizeof(target) - 1), 0);
	EXPECT_EQ(std::filesystem::path(target), std::filesystem::canonical(path));
	EXPECT_EQ(plugin.path, path);
}

TEST(CheckedLoading, FailedLoadDoesNotStandInForTheNextPlugin)
{
	test::TempDir dir;
	EXPECT_EQ(rejection(dir.add("unresolved_symbol.so")),
		  "cannot load: undefined symbol: vigil_fixture_missing_function");
	EXPECT_EQ(loadNativePlugin(dir.add("good_check.so")).name, "fixture_good");
}

TEST(CheckedLoading, EachPluginIsItself)
{
	test::TempDir dir;
	const std::string first = loadNativePlugin(dir.add("descriptor_ok.so")).name;
	const std::string second = loadNativePlugin(dir.add("error_run_check.so")).name;
	const std::string third = loadNativePlugin(dir.add("good_check.so")).name;
	EXPECT_EQ(first, "fixture_descriptor");
	EXPECT_EQ(second, "fixture_error");
	EXPECT_EQ(third, "fixture_good");
}

// Loads `path` in a child; "loaded", "refused" or how it died.
std::string loadInChild(const std::filesystem::path &path)
{
	const pid_t pid = ::fork();
	if (pid == 0) {
		::alarm(10);
		try {
			loadNativePlugin(path);
			::_exit(0);
		} catch (const PluginError &) {
			::_exit(1);
		}
	}
	int status = 0;
	::waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		return std::string("killed by ") + ::strsignal(WTERMSIG(status));
	return WEXITSTATUS(status) == 0 ? "loaded" : "refused";
}

// A writer keeps renaming an intact plugin and a truncated one over the
// path while children load it.  Whichever file a load opens, it checks and
// maps that one: the intact one loads, the truncated one is refused, and
// none dies of SIGBUS (checking the path, then opening it again, could map
// the truncated file after checking the intact one).
TEST(CheckedLoading, FileRenamedOverThePathCannotSlipThrough)
{
	test::TempDir dir;
	const auto intact = dir.add("good_check.so", "intact.bin");
	const auto truncated = dir.path() / "truncated.bin";
	test::ElfBytes(intact).write(truncated, 4096);
	const auto path = dir.path() / "swapped.so";
	std::filesystem::copy_file(intact, path);

	const pid_t writer = ::fork();
	if (writer == 0) {
		const auto staged = dir.path() / "staged.so";
		for (unsigned n = 0;; ++n) {
			::unlink(staged.c_str());
			if (::link((n % 2 ? truncated : intact).c_str(), staged.c_str()) != 0 ||
			    ::rename(staged.c_str(), path.c_str()) != 0)
				::_exit(1);
		}
	}
	std::map<std::string, int> outcomes;
	for (int n = 0; n < 200; ++n)
		++outcomes[loadInChild(path)];
	::kill(writer, SIGKILL);
	::waitpid(writer, nullptr, 0);

	for (const auto &[outcome, count] : outcomes)
		std::printf("  %s: %d\n", outcome.c_str(), count);
	EXPECT_EQ(outcomes.count(std::string("killed by ") + ::strsignal(SIGBUS)), 0u);
	EXPECT_EQ(outcomes["loaded"] + outcomes["refused"], 200);
}

} // namespace
} // namespace vigil
