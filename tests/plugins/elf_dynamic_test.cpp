// SPDX-License-Identifier: Apache-2.0
// The ELF pre-check against dynamic sections that lie: each corrupted copy
// of good_check.so is refused with its exact reason, before ld.so would
// dereference the lie.
#include "corrupt_plugin_support.hpp"
#include "plugins/elf_layout.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace vigil {
namespace {

using test::CorruptDynamic;
using test::hexText;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST_F(CorruptDynamic, NoNullEntry)
{
	const Elf64_Phdr d = elf.phdr(elf.lastSegment(PT_DYNAMIC).value());
	const uint64_t entries = d.p_filesz / sizeof(Elf64_Dyn);
	for (uint64_t k = elf.dynamicIndex(DT_NULL).value_or(0); k < entries; ++k)
		if (elf.get<Elf64_Dyn>(elf.dynamicOffset(k)).d_tag == DT_NULL)
			elf.set(elf.dynamicOffset(k), Elf64_Dyn{DT_DEBUG, {0}});
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: no DT_NULL in its " +
				       std::to_string(entries) + " entries");
}

TEST_F(CorruptDynamic, StringTableOutsideTheFile)
{
	const uint64_t outside = elf.unmappedAddress();
	elf.setDynamic(DT_STRTAB, outside);
	EXPECT_EQ(reasonFor(),
		  "corrupt DT_STRTAB: " + std::to_string(elf.dynamic(DT_STRSZ).d_un.d_val) +
			  " bytes at address " + hexText(outside) +
			  " are outside the file part of every loaded segment");
}

TEST_F(CorruptDynamic, StringTableSizeTooLarge)
{
	const uint64_t strtab = elf.dynamic(DT_STRTAB).d_un.d_ptr;
	elf.setDynamic(DT_STRSZ, 4 * elf.size());
	EXPECT_EQ(reasonFor(), "corrupt DT_STRTAB: " + std::to_string(4 * elf.size()) +
				       " bytes at address " + hexText(strtab) +
				       " are outside the file part of every loaded segment");
}

TEST_F(CorruptDynamic, StringTableSizeTooSmall)
{
	elf.setDynamic(DT_STRSZ, 1);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_NEEDED name at string offset " +
				       std::to_string(elf.dynamic(DT_NEEDED).d_un.d_val) +
				       " does not end inside DT_STRSZ (1)");
}

// Found by the fuzzer (memcpy() of an empty table, under UBSan).
TEST_F(CorruptDynamic, EmptyStringTable)
{
	elf.setDynamic(DT_STRSZ, 0);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_NEEDED name at string offset " +
				       std::to_string(elf.dynamic(DT_NEEDED).d_un.d_val) +
				       " does not end inside DT_STRSZ (0)");
}

TEST_F(CorruptDynamic, NeededNamePastTheStringTable)
{
	const uint64_t size = elf.dynamic(DT_STRSZ).d_un.d_val;
	elf.setDynamic(DT_NEEDED, size + 10);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_NEEDED name at string offset " +
				       std::to_string(size + 10) +
				       " does not end inside DT_STRSZ (" + std::to_string(size) +
				       ")");
}

TEST_F(CorruptDynamic, NoStringTableSize)
{
	elf.retagDynamic(DT_STRSZ, DT_DEBUG);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_STRTAB without DT_STRSZ");
}

TEST_F(CorruptDynamic, NoSymbolTable)
{
	elf.retagDynamic(DT_SYMTAB, DT_DEBUG);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: no DT_SYMTAB");
}

TEST_F(CorruptDynamic, NoHashTable)
{
	// Both, for a linker that writes both (--hash-style=both).
	for (const int64_t tag : {DT_GNU_HASH, DT_HASH})
		if (elf.dynamicIndex(tag))
			elf.retagDynamic(tag, DT_DEBUG);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: no DT_HASH or DT_GNU_HASH");
}

TEST_F(CorruptDynamic, SymbolTableOutsideTheFile)
{
	const uint64_t outside = elf.unmappedAddress();
	elf.setDynamic(DT_SYMTAB, outside);
	EXPECT_EQ(reasonFor(), "corrupt DT_SYMTAB: 24 bytes at address " + hexText(outside) +
				       " are outside the file part of every loaded segment");
}

TEST_F(CorruptDynamic, SymbolTableTooShortForTheRelocations)
{
	// Moved to the last entry of the file part of the segment holding it:
	// the relocations name symbols past it.
	const Elf64_Phdr p = symbolSegment();
	elf.setDynamic(DT_SYMTAB, p.p_vaddr + p.p_filesz - sizeof(Elf64_Sym));
	const uint64_t k = firstSymbolic();
	EXPECT_EQ(reasonFor(), "corrupt relocation " + std::to_string(k) + " in DT_RELA: symbol " +
				       std::to_string(ELF64_R_SYM(rela(k).r_info)) +
				       ", DT_SYMTAB has room for 1");
}

TEST_F(CorruptDynamic, InitArrayWithoutSize)
{
	elf.retagDynamic(DT_INIT_ARRAYSZ, DT_DEBUG);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_INIT_ARRAY without DT_INIT_ARRAYSZ");
}

TEST_F(CorruptDynamic, InitArraySizeTooLarge)
{
	const uint64_t array = elf.dynamic(DT_INIT_ARRAY).d_un.d_ptr;
	elf.setDynamic(DT_INIT_ARRAYSZ, 8 * elf.size());
	EXPECT_EQ(reasonFor(), "corrupt DT_INIT_ARRAY: " + std::to_string(8 * elf.size()) +
				       " bytes at address " + hexText(array) +
				       " are outside the file part of every loaded segment");
}

TEST_F(CorruptDynamic, FiniArraySizeTooLarge)
{
	const uint64_t array = elf.dynamic(DT_FINI_ARRAY).d_un.d_ptr;
	elf.setDynamic(DT_FINI_ARRAYSZ, 8 * elf.size());
	EXPECT_EQ(reasonFor(), "corrupt DT_FINI_ARRAY: " + std::to_string(8 * elf.size()) +
				       " bytes at address " + hexText(array) +
				       " are outside the file part of every loaded segment");
}

TEST_F(CorruptDynamic, InitIsNotCode)
{
	// A loaded address in no executable segment; ld.so would call it.
	const uint64_t data = dataAddress();
	elf.setDynamic(DT_INIT, data);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_INIT " + hexText(data) +
				       " is outside every executable segment");
}

TEST_F(CorruptDynamic, InitMisalignedForTheMachine)
{
	// On aarch64 a jump to a misaligned address is a SIGBUS inside
	// dlopen (found by the mutation test under qemu); x86 instructions have
	// no alignment, so there the same file is as good as any other.
	const unsigned alignment = elf::codeAlignment(elf.header().e_machine);
	if (alignment == 1)
		GTEST_SKIP() << "this machine's instructions may start at any byte";
	const uint64_t init = elf.dynamic(DT_INIT).d_un.d_ptr;
	elf.setDynamic(DT_INIT, init + 1);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_INIT " + hexText(init + 1) +
				       " is not aligned to " + std::to_string(alignment) +
				       " bytes, as every instruction of this machine is");
}

TEST(ElfCodeAlignment, FollowsTheMachine)
{
	EXPECT_EQ(elf::codeAlignment(EM_AARCH64), 4u);
	EXPECT_EQ(elf::codeAlignment(EM_PPC64), 4u);
	EXPECT_EQ(elf::codeAlignment(EM_RISCV), 2u);
	EXPECT_EQ(elf::codeAlignment(EM_X86_64), 1u);
	EXPECT_EQ(elf::codeAlignment(EM_ARM), 1u); // Thumb addresses are odd
}

TEST_F(CorruptDynamic, GnuHashBloomFilterNotAPowerOfTwo)
{
	elf.set<uint32_t>(at(DT_GNU_HASH) + 8, 3);
	EXPECT_EQ(reasonFor(), "corrupt DT_GNU_HASH: 3 bloom filter words, not a power of two");
}

TEST_F(CorruptDynamic, GnuHashBucketBelowTheHashedSymbols)
{
	const uint32_t symoffset = elf.get<uint32_t>(at(DT_GNU_HASH) + 4);
	const uint32_t bloom = elf.get<uint32_t>(at(DT_GNU_HASH) + 8);
	ASSERT_GE(symoffset, 2u);
	elf.set<uint32_t>(at(DT_GNU_HASH) + 16 + bloom * 8, symoffset - 1);
	EXPECT_EQ(reasonFor(), "corrupt DT_GNU_HASH: bucket 0 starts at symbol " +
				       std::to_string(symoffset - 1) +
				       ", below its first hashed symbol " +
				       std::to_string(symoffset));
}

TEST_F(CorruptDynamic, VersionNeedNamesALibraryNotNeeded)
{
	// Point the first DT_VERNEED file name at the name of its first version.
	Elf64_Verneed need = verneed();
	const auto aux = elf.get<Elf64_Vernaux>(at(DT_VERNEED) + need.vn_aux);
	need.vn_file = aux.vna_name;
	elf.set(at(DT_VERNEED), need);
	EXPECT_EQ(reasonFor(), "corrupt DT_VERNEED entry 0: it names '" + string(aux.vna_name) +
				       "', which is not a DT_NEEDED library");
}

TEST_F(CorruptDynamic, VersionNeedChainLongerThanItsCount)
{
	ASSERT_GT(elf.dynamic(DT_VERNEEDNUM).d_un.d_val, 1u);
	elf.setDynamic(DT_VERNEEDNUM, 1);
	EXPECT_EQ(reasonFor(), "corrupt DT_VERNEED: its chain is longer than DT_VERNEEDNUM (1)");
}

TEST_F(CorruptDynamic, SymbolVersionPastTheVersions)
{
	elf.set<uint16_t>(at(DT_VERSYM) + 2, 0x7ff0);
	EXPECT_EQ(reasonFor(), "corrupt symbol 1: version index 32752, the file has " +
				       std::to_string(versions()) + " versions");
}

TEST_F(CorruptDynamic, SymbolNamePastTheStringTable)
{
	const uint64_t size = elf.dynamic(DT_STRSZ).d_un.d_val;
	Elf64_Sym sym = elf.get<Elf64_Sym>(at(DT_SYMTAB) + sizeof(Elf64_Sym));
	sym.st_name = uint32_t(size);
	elf.set(at(DT_SYMTAB) + sizeof(Elf64_Sym), sym);
	EXPECT_EQ(reasonFor(), "corrupt symbol 1: name at string offset " + std::to_string(size) +
				       " does not end inside DT_STRSZ (" + std::to_string(size) +
				       ")");
}

// dlopen()'s own errors name the plugin's path, not /proc/self/fd/N.
TEST_F(CorruptDynamic, MissingVersionIsReportedWithThePath)
{
	const Elf64_Verneed need = verneed();
	auto aux = elf.get<Elf64_Vernaux>(at(DT_VERNEED) + need.vn_aux);
	aux.vna_hash ^= 1; // no library defines that version
	aux.vna_flags = 0;
	elf.set(at(DT_VERNEED) + need.vn_aux, aux);
	// ld.so names the library that lacks the version first.
	const auto path = std::filesystem::absolute(dir.path() / "corrupt.so");
	const std::string reason = reasonFor();
	EXPECT_THAT(reason, StartsWith("cannot load: "));
	EXPECT_THAT(reason, EndsWith(": version `" + string(aux.vna_name) +
				     "' not found (required by " + path.string() + ")"));
	EXPECT_THAT(reason, Not(HasSubstr("/proc/self/fd")));
}

} // namespace
} // namespace vigil
