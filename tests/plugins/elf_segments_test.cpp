// SPDX-License-Identifier: Apache-2.0
// The ELF pre-check against truncated plugins and lying program headers:
// each corrupted copy of good_check.so is refused with its exact reason,
// before dlopen() could map it past its end (SIGBUS) or anywhere else.  The
// segments ld.so reads through memory: elf_read_segments_test.cpp.
#include "corrupt_plugin_support.hpp"
#include "plugins/elf_header.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fcntl.h>

#include <cstdint>
#include <limits>
#include <set>

namespace vigil {
namespace {

using test::CorruptPlugin;
using test::hexText;
using test::rejection;

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// What the pre-check says about the first `cut` bytes of an intact file:
// the first structure, in the order it checks them, that ends past the cut.
std::string expectedCutReason(const test::ElfBytes &elf, uint64_t cut)
{
	const std::string has = ", the file has " + std::to_string(cut);
	if (cut < SELFMAG)
		return "not an ELF file";
	if (cut < sizeof(Elf64_Ehdr))
		return "truncated ELF header";
	const Elf64_Ehdr h = elf.header();
	const uint64_t table_end = h.e_phoff + uint64_t(h.e_phnum) * h.e_phentsize;
	if (table_end > cut)
		return "truncated: program header table ends at byte " + std::to_string(table_end) +
		       has;
	for (size_t i : elf.loads()) {
		const Elf64_Phdr p = elf.phdr(i);
		if (p.p_offset + p.p_filesz > cut)
			return "truncated: segment " + std::to_string(i) + " ends at byte " +
			       std::to_string(p.p_offset + p.p_filesz) + has;
	}
	const uint64_t sections_end = h.e_shoff + uint64_t(h.e_shnum) * h.e_shentsize;
	if (sections_end > cut)
		return "truncated: section header table ends at byte " +
		       std::to_string(sections_end) + has;
	return "loaded";
}

TEST(ElfLayout, WorkingFixturesPass)
{
	for (const char *file : {"good_check.so", "descriptor_ok.so", "error_run_check.so",
				 "throwing_run_check.so", "unresolved_symbol.so", "no_entry.so"})
		EXPECT_NO_THROW(checkLoadableElf(test::fixture(file))) << file;
}

// The reproduction (1000, 4096, 8192), every 512th byte up to the
// full size, and a few inside the ELF header: no cut reaches dlopen().
TEST_F(CorruptPlugin, EveryCutIsRefusedAsTruncated)
{
	// 100: inside the program header table, whatever the number of headers.
	std::set<uint64_t> cuts = {2, 16, 40, 100, 1000, 4096, 8192};
	for (uint64_t cut = 0; cut < elf.size(); cut += 512)
		cuts.insert(cut);
	std::set<std::string> kinds;
	const auto path = dir.path() / "cut.so";
	for (uint64_t cut : cuts) {
		if (cut >= elf.size())
			continue;
		const std::string expected = expectedCutReason(elf, cut);
		ASSERT_NE(expected, "loaded") << cut;
		EXPECT_EQ(rejection(elf.write(path, cut)), expected) << "cut at " << cut;
		kinds.insert(expected.substr(0, expected.find(" ends at")));
	}
	// Every layer of the check was reached by some cut.
	EXPECT_TRUE(kinds.count("not an ELF file"));
	EXPECT_TRUE(kinds.count("truncated ELF header"));
	EXPECT_TRUE(kinds.count("truncated: program header table"));
	EXPECT_TRUE(kinds.count("truncated: segment " + std::to_string(elf.loads().front())));
	EXPECT_TRUE(kinds.count("truncated: section header table"));
}

// The checks of one PT_LOAD hold for each: these corrupt the last, which
// every layout has (and which also shows the ones before it pass).
TEST_F(CorruptPlugin, SegmentOffsetOverflows)
{
	const size_t i = elf.loads().back();
	Elf64_Phdr p = elf.phdr(i);
	p.p_offset = kMax - 0xf;
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "corrupt segment " + std::to_string(i) + ": file offset " +
				       std::to_string(p.p_offset) + " + size " +
				       std::to_string(p.p_filesz) + " overflows");
}

TEST_F(CorruptPlugin, SegmentSizeOverflows)
{
	const size_t i = elf.loads().back();
	Elf64_Phdr p = elf.phdr(i);
	p.p_filesz = p.p_memsz = kMax;
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "corrupt segment " + std::to_string(i) + ": file offset " +
				       std::to_string(p.p_offset) + " + size " +
				       std::to_string(kMax) + " overflows");
}

TEST_F(CorruptPlugin, SegmentLargerInTheFileThanInMemory)
{
	const size_t i = elf.loads().back();
	Elf64_Phdr p = elf.phdr(i);
	p.p_filesz = p.p_memsz + 1;
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "corrupt segment " + std::to_string(i) + ": " +
				       std::to_string(p.p_filesz) + " bytes in the file but only " +
				       std::to_string(p.p_memsz) + " in memory");
}

TEST_F(CorruptPlugin, SegmentPastTheEndOfTheFile)
{
	const size_t i = elf.loads().back();
	Elf64_Phdr p = elf.phdr(i);
	p.p_filesz = p.p_memsz = elf.size();
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "truncated: segment " + std::to_string(i) + " ends at byte " +
				       std::to_string(p.p_offset + elf.size()) + ", the file has " +
				       size());
}

TEST_F(CorruptPlugin, SegmentAddressOverflows)
{
	const size_t i = elf.loads().back();
	Elf64_Phdr p = elf.phdr(i);
	p.p_vaddr = kMax - 0xf;
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "corrupt segment " + std::to_string(i) + ": address " +
				       hexText(p.p_vaddr) + " + size " + std::to_string(p.p_memsz) +
				       " overflows");
}

TEST_F(CorruptPlugin, SegmentAddressAndOffsetNotCongruent)
{
	const size_t i = elf.loads().back();
	Elf64_Phdr p = elf.phdr(i);
	p.p_vaddr += 8;
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "corrupt segment " + std::to_string(i) + ": address " +
				       hexText(p.p_vaddr) + " and file offset " +
				       hexText(p.p_offset) + " differ modulo the page size (" +
				       std::to_string(test::pageSize()) + ")");
}

TEST_F(CorruptPlugin, SegmentsOutOfOrder)
{
	// The last two loads, however many there are (x86_64's default layout
	// has four, aarch64's two): ld.so maps them in table order.
	const auto all = elf.loads();
	if (all.size() < 2)
		GTEST_SKIP() << "good_check.so has a single PT_LOAD: no two segments to reorder";
	const size_t first = all[all.size() - 2], second = all[all.size() - 1];
	Elf64_Phdr p = elf.phdr(second);
	// Still congruent with its offset, now on the first page of `first`.
	const uint64_t page = test::pageSize();
	p.p_vaddr = elf.phdr(first).p_vaddr / page * page + p.p_offset % page;
	elf.setPhdr(second, p);
	EXPECT_EQ(reasonFor(), "corrupt segment " + std::to_string(second) + ": its memory at " +
				       hexText(p.p_vaddr) +
				       " is on or below the pages of segment " +
				       std::to_string(first));
}

TEST_F(CorruptPlugin, NoLoadableSegment)
{
	for (size_t i : elf.loads()) {
		Elf64_Phdr p = elf.phdr(i);
		p.p_type = PT_NULL;
		elf.setPhdr(i, p);
	}
	EXPECT_EQ(reasonFor(), "corrupt ELF file: no loadable segment");
}

TEST_F(CorruptPlugin, ProgramHeadersPastTheEndOfTheFile)
{
	Elf64_Ehdr h = elf.header();
	h.e_phoff = (elf.size() - 8) / 8 * 8;
	elf.setHeader(h);
	EXPECT_EQ(reasonFor(), "truncated: program header table ends at byte " +
				       std::to_string(h.e_phoff + h.e_phnum * sizeof(Elf64_Phdr)) +
				       ", the file has " + size());
}

TEST_F(CorruptPlugin, ProgramHeaderOffsetOverflows)
{
	Elf64_Ehdr h = elf.header();
	h.e_phoff = kMax - 7;
	elf.setHeader(h);
	EXPECT_EQ(reasonFor(), "corrupt ELF header: program header table at byte " +
				       std::to_string(h.e_phoff) + " overflows");
}

TEST_F(CorruptPlugin, HugeProgramHeaderCount)
{
	Elf64_Ehdr h = elf.header();
	h.e_phnum = 0xffff;
	elf.setHeader(h);
	EXPECT_EQ(reasonFor(), "truncated: program header table ends at byte " +
				       std::to_string(h.e_phoff + 0xffff * sizeof(Elf64_Phdr)) +
				       ", the file has " + size());
}

TEST_F(CorruptPlugin, NoProgramHeaders)
{
	Elf64_Ehdr h = elf.header();
	h.e_phnum = 0;
	elf.setHeader(h);
	EXPECT_EQ(reasonFor(), "corrupt ELF header: no program headers");
}

TEST_F(CorruptPlugin, WrongProgramHeaderEntrySize)
{
	Elf64_Ehdr h = elf.header();
	h.e_phentsize = 32;
	elf.setHeader(h);
	EXPECT_EQ(reasonFor(),
		  "corrupt ELF header: program header entries are 32 bytes, expected 56");
}

TEST_F(CorruptPlugin, SectionHeaderTablePastTheEnd)
{
	Elf64_Ehdr h = elf.header();
	h.e_shoff = elf.size() - 100;
	elf.setHeader(h);
	EXPECT_EQ(reasonFor(), "truncated: section header table ends at byte " +
				       std::to_string(h.e_shoff + h.e_shnum * h.e_shentsize) +
				       ", the file has " + size());
}

TEST(ElfLayout, FifoIsNotARegularFile)
{
	test::TempDir dir;
	const auto path = dir.path() / "fifo.so";
	ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
	EXPECT_EQ(rejection(path), "cannot read: not a regular file");
}

TEST(ElfLayout, DirectoryIsNotARegularFile)
{
	test::TempDir dir;
	std::filesystem::create_directory(dir.path() / "dir.so");
	EXPECT_EQ(rejection(dir.path() / "dir.so"), "cannot read: not a regular file");
}

// The pre-check reads through the descriptor it is given, not a path.
TEST(ElfLayout, ChecksAnOpenDescriptor)
{
	const int fd = ::open(test::fixture("good_check.so").c_str(), O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	EXPECT_NO_THROW(checkLoadableElf(fd));
	::close(fd);
}

} // namespace
} // namespace vigil
