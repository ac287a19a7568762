// SPDX-License-Identifier: Apache-2.0
// End to end: `vigil list` over a folder of corrupted plugins and one good
// one survives them all (exit 0), lists each bad file with its reason on
// one line, logs one line naming each, and lists the good one as ok; loaded
// in the agent and probed in workers (`isolation: process`) alike.
#include "corrupt_plugin_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vigil {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Listing {
	int status = -1;
	std::vector<std::string> out;
	std::vector<std::string> log;
};

std::vector<std::string> linesOf(const std::filesystem::path &file)
{
	std::vector<std::string> lines;
	std::ifstream in(file);
	for (std::string line; std::getline(in, line);)
		lines.push_back(line);
	return lines;
}

// `vigil list` over dir/plugins with a vigil.yaml of its own: `settings`,
// and a run dir in `dir`, so that no running agent is asked about checks.
Listing listPlugins(const test::TempDir &dir, const std::string &settings)
{
	const auto config = dir.path() / "vigil.yaml";
	std::ofstream(config) << settings << "run_dir: " << (dir.path() / "run").string() << "\n";
	const auto out = dir.path() / "out.txt", err = dir.path() / "err.txt";
	const std::string command = std::string("'") + VIGIL_EXE + "' -c '" + config.string() +
				    "' --plugins '" + (dir.path() / "plugins").string() +
				    "' --conf-d '" + (dir.path() / "conf.d").string() +
				    "' list >'" + out.string() + "' 2>'" + err.string() +
				    "' </dev/null";
	Listing listing;
	const int status = std::system(command.c_str());
	listing.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	listing.out = linesOf(out);
	listing.log = linesOf(err);
	return listing;
}

class CorruptPluginsListed : public ::testing::Test {
protected:
	void SetUp() override
	{
#if !VIGIL_CAN_RUN_VIGIL
		GTEST_SKIP() << "cannot run vigil here (cross build)";
#endif
		std::filesystem::create_directory(dir.path() / "plugins");
		std::filesystem::create_directory(dir.path() / "conf.d");
		const test::ElfBytes good(test::fixture("good_check.so"));
		for (size_t cut : {1000, 4096, 8192})
			addBad("cut_" + std::to_string(cut), good, cut);

		test::ElfBytes no_dynamic = good;
		const size_t dyn = no_dynamic.lastSegment(PT_DYNAMIC).value();
		Elf64_Phdr p = no_dynamic.phdr(dyn);
		p.p_type = PT_NULL;
		no_dynamic.setPhdr(dyn, p);
		addBad("no_dynamic", no_dynamic);

		test::ElfBytes strtab = good;
		strtab.setDynamic(DT_STRSZ, 1 << 30);
		addBad("strtab_lie", strtab);

		test::ElfBytes phnum = good;
		Elf64_Ehdr h = phnum.header();
		h.e_phnum = 0xffff;
		phnum.setHeader(h);
		addBad("huge_phnum", phnum);

		dir.add("good_check.so", "plugins/good_check.so");
	}

	// Writes a bad plugin and records what the loader says about it here.
	void addBad(const std::string &name, const test::ElfBytes &elf,
		    std::optional<size_t> length = std::nullopt)
	{
		const auto path = elf.write(dir.path() / "plugins" / (name + ".so"), length);
		const std::string reason = test::rejection(path);
		ASSERT_THAT(reason,
			    ::testing::AnyOf(StartsWith("truncated: "), StartsWith("corrupt ")));
		bad[path.string()] = reason;
	}

	void expectListed(const Listing &listing)
	{
		EXPECT_EQ(listing.status, 0);
		size_t reasons = 0;
		bool good_ok = false;
		for (size_t i = 0; i < listing.out.size(); ++i) {
			const std::string &line = listing.out[i];
			if (line.find("reason: ") != std::string::npos)
				++reasons;
			if (line.find("fixture_good") == 0)
				good_ok = line.find(" ok ") != std::string::npos;
			for (const auto &[path, reason] : bad)
				if (line.size() >= path.size() &&
				    line.compare(line.size() - path.size(), path.size(), path) ==
					    0) {
					EXPECT_THAT(line, HasSubstr(" error "));
					ASSERT_LT(i + 1, listing.out.size());
					EXPECT_THAT(listing.out[i + 1],
						    HasSubstr("reason: " + reason));
				}
		}
		EXPECT_EQ(reasons, bad.size());
		EXPECT_TRUE(good_ok) << ::testing::PrintToString(listing.out);
		for (const auto &[path, reason] : bad) {
			const std::string logged = "'" + path + "': " + reason + ", skipping";
			EXPECT_EQ(std::count_if(listing.log.begin(), listing.log.end(),
						[&](const std::string &l) {
							return l.find(logged) != std::string::npos;
						}),
				  1)
				<< logged << "\n"
				<< ::testing::PrintToString(listing.log);
		}
	}

	test::TempDir dir;
	std::map<std::string, std::string> bad; // path -> reason
};

TEST_F(CorruptPluginsListed, LoadedInTheAgent)
{
	expectListed(listPlugins(dir, "isolation: none\n"));
}

TEST_F(CorruptPluginsListed, ProbedInWorkers)
{
	// No address-space limit: a sanitizer build's worker reserves terabytes
	// of shadow memory before it can answer.
	expectListed(listPlugins(dir, "isolation: process\nworker_max_vm_mb: 0\n"));
}

} // namespace
} // namespace vigil
