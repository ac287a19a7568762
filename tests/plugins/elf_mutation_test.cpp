// SPDX-License-Identifier: Apache-2.0
// Randomised robustness of the ELF pre-check, bounded: a fixed seed and a
// fixed number of mutants of good_check.so (truncations, random bytes and
// values in the ELF header, program headers and dynamic section, bit flips
// in the tables ld.so reads and elsewhere).  A refused mutant must come with
// a one-line reason; an accepted one is loaded in a child, which must not
// die of SIGBUS.  Other ends of an accepted mutant (it loads, dlopen()
// refuses it, its mutated code crashes) are counted and printed: the
// pre-check promises the file fits, not that its code works.
#include "corrupt_plugin_support.hpp"
#include "plugins/elf_header.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <regex>
#include <vector>

namespace vigil {
namespace {

constexpr uint64_t kSeed = 17;
#if defined(__SANITIZE_ADDRESS__)
constexpr int kMutants = 300; // a child costs several times more under ASan
#else
constexpr int kMutants = 1000;
#endif

using Random = std::mt19937_64;

uint64_t pick(Random &random, uint64_t below)
{
	return below == 0 ? 0 : std::uniform_int_distribution<uint64_t>(0, below - 1)(random);
}

// Values that tend to sit on a boundary of some check.
uint64_t interesting(Random &random, uint64_t file_size, uint64_t old)
{
	const uint64_t values[] = {0,
				   1,
				   7,
				   8,
				   0xff,
				   0x1000,
				   file_size - 1,
				   file_size,
				   file_size + 1,
				   2 * file_size,
				   0x7fffffff,
				   0x80000000,
				   0xffffffff,
				   uint64_t(1) << 63,
				   ~uint64_t(0),
				   ~uint64_t(0) - 7,
				   old + 1,
				   old - 1,
				   old + 0x1000,
				   old ^ (uint64_t(1) << pick(random, 64)),
				   random()};
	return values[pick(random, std::size(values))];
}

void randomBytes(test::ElfBytes &elf, Random &random, uint64_t begin, uint64_t end)
{
	for (uint64_t n = 1 + pick(random, 8); n > 0 && end > begin; --n)
		elf.bytes()[begin + pick(random, end - begin)] = uint8_t(random());
}

void flipBits(test::ElfBytes &elf, Random &random, uint64_t begin, uint64_t end)
{
	for (uint64_t n = 1 + pick(random, 8); n > 0 && end > begin; --n)
		elf.bytes()[begin + pick(random, end - begin)] ^= uint8_t(1u << pick(random, 8));
}

struct Span {
	uint64_t begin, end; // file offsets
};

// The tables ld.so reads through the dynamic section (.gnu.hash, .dynsym,
// .dynstr, the version tables, the relocations): the sections at the
// addresses its entries give, wherever the linker put them.
std::vector<Span> dynamicTables(const test::ElfBytes &elf)
{
	std::vector<Span> tables;
	for (const int64_t tag : {DT_HASH, DT_GNU_HASH, DT_SYMTAB, DT_STRTAB, DT_VERSYM, DT_VERNEED,
				  DT_VERDEF, DT_RELA, DT_JMPREL}) {
		if (!elf.dynamicIndex(tag))
			continue;
		const uint64_t address = elf.dynamic(tag).d_un.d_ptr;
		for (const Elf64_Shdr &s : elf.sections())
			if (s.sh_type != SHT_NOBITS && (s.sh_flags & SHF_ALLOC) &&
			    s.sh_addr == address && s.sh_size > 0)
				tables.push_back({s.sh_offset, s.sh_offset + s.sh_size});
	}
	return tables;
}

// The instructions: sections marked executable, not whole executable
// segments (aarch64's also holds the tables above and read-only data).
std::vector<Span> code(const test::ElfBytes &elf)
{
	std::vector<Span> found;
	for (const Elf64_Shdr &s : elf.sections())
		if ((s.sh_flags & SHF_EXECINSTR) && s.sh_type != SHT_NOBITS)
			found.push_back({s.sh_offset, s.sh_offset + s.sh_size});
	return found;
}

// Applies one random mutation; returns its kind (for the counts) and sets
// `length` to the size to write.
std::string mutate(test::ElfBytes &elf, const std::vector<Span> &tables,
		   const std::vector<Span> &instructions, Random &random, size_t &length)
{
	const uint64_t size = elf.size();
	length = size;
	const Elf64_Ehdr h = elf.header();
	const uint64_t phdrs = h.e_phoff, phdrs_end = phdrs + h.e_phnum * sizeof(Elf64_Phdr);
	const Elf64_Phdr dyn = elf.phdr(elf.lastSegment(PT_DYNAMIC).value());
	const uint64_t dyn_at = elf.fileOffset(dyn.p_vaddr), dyn_end = dyn_at + dyn.p_filesz;
	switch (pick(random, 7)) {
	case 0:
		length = pick(random, size);
		return "truncation";
	case 1:
		randomBytes(elf, random, 0, sizeof(Elf64_Ehdr));
		return "ELF header bytes";
	case 2:
		randomBytes(elf, random, phdrs, phdrs_end);
		return "program header bytes";
	case 3: {
		// One field of one program header, 8-byte aligned past p_type/p_flags.
		const uint64_t at = phdrs + pick(random, h.e_phnum) * sizeof(Elf64_Phdr) +
				    8 * (1 + pick(random, 6));
		elf.set<uint64_t>(at, interesting(random, size, elf.get<uint64_t>(at)));
		return "program header value";
	}
	case 4: {
		// A tag or a value of one dynamic entry.
		const uint64_t at = dyn_at + 8 * pick(random, dyn.p_filesz / 8);
		elf.set<uint64_t>(at, interesting(random, size, elf.get<uint64_t>(at)));
		if (pick(random, 4) == 0)
			randomBytes(elf, random, dyn_at, dyn_end);
		return "dynamic section value";
	}
	case 5: {
		const Span table = tables[pick(random, tables.size())];
		flipBits(elf, random, table.begin, table.end);
		return "table bit flips";
	}
	default: {
		// Anywhere but code: a flipped instruction tests the plugin, not
		// the loader.
		const uint64_t at = pick(random, size);
		for (const Span &c : instructions)
			if (at + 64 > c.begin && at < c.end)
				return "none (code)";
		flipBits(elf, random, at, std::min(size, at + 64));
		return "bit flips";
	}
	}
}

// "corrupt relocation N in DT_RELA" for "corrupt relocation 5 in DT_RELA:
// it writes at ...": the counts group reasons by kind.
std::string kindOf(const std::string &reason)
{
	static const std::regex number(R"(\b[0-9]+\b)");
	return std::regex_replace(reason.substr(0, reason.find(':')), number, "N");
}

// How loading `path` ended in a child process.
std::string loadInChild(const std::filesystem::path &path)
{
	const pid_t pid = ::fork();
	if (pid == 0) {
		// ld.so's assertion messages and the plugin's output stay out of
		// the test log.
		const int null = ::open("/dev/null", O_WRONLY);
		::dup2(null, STDOUT_FILENO);
		::dup2(null, STDERR_FILENO);
		::alarm(10);
		try {
			loadNativePlugin(path);
			::_exit(0);
		} catch (const PluginError &) {
			::_exit(3);
		} catch (...) {
			::_exit(4);
		}
	}
	int status = 0;
	::waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		return std::string("killed by ") + ::sigabbrev_np(WTERMSIG(status));
	switch (WEXITSTATUS(status)) {
	case 0:
		return "loaded";
	case 3:
		return "refused after the pre-check (dlopen, ABI gate)";
	case 127:
		return "exited 127 (an ld.so assertion)";
	default:
		return "exited " + std::to_string(WEXITSTATUS(status));
	}
}

TEST(ElfMutation, NoAcceptedMutantDiesOfSigbus)
{
	const test::ElfBytes original(test::fixture("good_check.so"));
	const std::vector<Span> tables = dynamicTables(original), instructions = code(original);
	ASSERT_FALSE(tables.empty());
	ASSERT_FALSE(instructions.empty());
	test::TempDir dir;
	const auto path = dir.path() / "mutant.so";
	Random random(kSeed);
	std::map<std::string, int> kinds, refused, outcomes;
	for (int n = 0; n < kMutants; ++n) {
		test::ElfBytes mutant = original;
		size_t length = 0;
		const std::string kind = mutate(mutant, tables, instructions, random, length);
		++kinds[kind];
		mutant.write(path, length);
		try {
			checkLoadableElf(path);
		} catch (const PluginError &e) {
			const std::string reason = e.what();
			EXPECT_FALSE(reason.empty()) << kind << ", mutant " << n;
			EXPECT_EQ(reason.find('\n'), std::string::npos) << reason;
			++refused[kindOf(reason)];
			continue;
		}
		const std::string outcome = loadInChild(path);
		++outcomes[outcome];
		const bool sigbus = outcome == "killed by BUS";
		// VIGIL_KEEP_MUTANTS=DIR keeps every accepted mutant that did not
		// load, to look at (readelf, the loader test, the fuzzer's corpus).
		const char *keep = std::getenv("VIGIL_KEEP_MUTANTS");
		if (sigbus || (keep && outcome != "loaded")) {
			const auto kept =
				std::filesystem::path(keep ? keep : ::testing::TempDir()) /
				("vigil-mutant-" + std::to_string(n) + ".so");
			std::filesystem::copy_file(
				path, kept, std::filesystem::copy_options::overwrite_existing);
			EXPECT_FALSE(sigbus) << kind << " mutant " << n << " passed the pre-check "
					     << "and died of SIGBUS; kept as " << kept;
		}
	}
	std::printf("%d mutants (seed %llu):\n", kMutants, static_cast<unsigned long long>(kSeed));
	for (const auto &[kind, count] : kinds)
		std::printf("  %5d %s\n", count, kind.c_str());
	std::printf("refused by the pre-check:\n");
	for (const auto &[reason, count] : refused)
		std::printf("  %5d %s\n", count, reason.c_str());
	std::printf("accepted, then loaded in a child:\n");
	for (const auto &[outcome, count] : outcomes)
		std::printf("  %5d %s\n", count, outcome.c_str());
}

} // namespace
} // namespace vigil
