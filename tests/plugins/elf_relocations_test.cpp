// SPDX-License-Identifier: Apache-2.0
// The ELF pre-check against relocation tables that lie: each corrupted copy
// of good_check.so is refused with its exact reason, before ld.so would
// write through the lie, call it, or assert and exit on it.
#include "corrupt_plugin_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

namespace vigil {
namespace {

using test::CorruptDynamic;
using test::hexText;

TEST_F(CorruptDynamic, RelocationNamesASymbolPastTheTable)
{
	const uint64_t k = firstSymbolic();
	Elf64_Rela r = rela(k);
	r.r_info = ELF64_R_INFO(0xffffff, ELF64_R_TYPE(r.r_info));
	setRela(k, r);
	EXPECT_EQ(reasonFor(), "corrupt relocation " + std::to_string(k) +
				       " in DT_RELA: symbol 16777215, DT_SYMTAB has room for " +
				       std::to_string(symbolRoom()));
}

TEST_F(CorruptDynamic, RelocationWritesOutsideTheImage)
{
	Elf64_Rela r = rela(0);
	r.r_offset = elf.unmappedAddress();
	setRela(0, r);
	EXPECT_EQ(reasonFor(), "corrupt relocation 0 in DT_RELA: it writes at " +
				       hexText(r.r_offset) + ", outside every loaded segment");
}

TEST_F(CorruptDynamic, RelocationWritesReadOnlyMemory)
{
	// Into the code: the segment holding .text, read-only on every layout
	// (whatever else shares it).
	const uint64_t code = elf.section(".text").value().sh_addr;
	const size_t text = elf.loadHolding(code).value();
	ASSERT_FALSE(elf.phdr(text).p_flags & PF_W);
	Elf64_Rela r = rela(0);
	r.r_offset = code;
	setRela(0, r);
	EXPECT_EQ(reasonFor(), "corrupt relocation 0 in DT_RELA: it writes at " +
				       hexText(r.r_offset) + ", in read-only segment " +
				       std::to_string(text));
}

TEST_F(CorruptDynamic, RelativeCountPastTheTable)
{
	const uint64_t entries = relaCount();
	elf.setDynamic(DT_RELACOUNT, entries + 1);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_RELACOUNT " +
				       std::to_string(entries + 1) + " is more than the " +
				       std::to_string(entries) + " entries of DT_RELA");
}

TEST_F(CorruptDynamic, RelaEntrySizeLies)
{
	elf.setDynamic(DT_RELAENT, 16);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_RELAENT is 16, expected 24");
}

TEST_F(CorruptDynamic, RelaWithoutSize)
{
	elf.retagDynamic(DT_RELASZ, DT_DEBUG);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_RELA without DT_RELASZ");
}

TEST_F(CorruptDynamic, RelaSizeTooLarge)
{
	const uint64_t rela_at = elf.dynamic(DT_RELA).d_un.d_ptr;
	elf.setDynamic(DT_RELASZ, 24 * elf.size());
	EXPECT_EQ(reasonFor(), "corrupt DT_RELA: " + std::to_string(24 * elf.size()) +
				       " bytes at address " + hexText(rela_at) +
				       " are outside the file part of every loaded segment");
}

TEST_F(CorruptDynamic, RelaSizeNotAWholeNumberOfEntries)
{
	elf.setDynamic(DT_RELASZ, elf.dynamic(DT_RELASZ).d_un.d_val - 1);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_RELASZ " +
				       std::to_string(elf.dynamic(DT_RELASZ).d_un.d_val) +
				       " is not a multiple of 24");
}

TEST_F(CorruptDynamic, PltRelocationsWithoutTable)
{
	elf.retagDynamic(DT_JMPREL, DT_DEBUG);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_PLTREL without DT_JMPREL");
}

TEST_F(CorruptDynamic, PltRelocationsOfTheOtherFormat)
{
	elf.setDynamic(DT_PLTREL, DT_REL);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: DT_PLTREL is 17, expected 7 (DT_RELA)");
}

struct HostRelocationTypes {
	uint32_t relative, irelative;
};

std::optional<HostRelocationTypes> hostRelocationTypes()
{
#if defined(__x86_64__)
	return HostRelocationTypes{R_X86_64_RELATIVE, R_X86_64_IRELATIVE};
#elif defined(__aarch64__)
	return HostRelocationTypes{R_AARCH64_RELATIVE, R_AARCH64_IRELATIVE};
#else
	return std::nullopt;
#endif
}

TEST_F(CorruptDynamic, RelativeCountCoversAnotherType)
{
	const auto types = hostRelocationTypes();
	if (!types)
		GTEST_SKIP() << "no relocation types known for this machine";
	Elf64_Rela r = rela(0);
	r.r_info = ELF64_R_INFO(0, types->irelative);
	setRela(0, r);
	EXPECT_EQ(reasonFor(), "corrupt relocation 0 in DT_RELA: type " +
				       std::to_string(types->irelative) +
				       ", but DT_RELACOUNT counts it as relative (" +
				       std::to_string(types->relative) + ")");
}

TEST_F(CorruptDynamic, IfuncResolverIsNotCode)
{
	const auto types = hostRelocationTypes();
	if (!types)
		GTEST_SKIP() << "no relocation types known for this machine";
	// A loaded address that is not code: ld.so would call it while it
	// relocates.
	const uint64_t k = firstSymbolic();
	const uint64_t data = dataAddress();
	Elf64_Rela r = rela(k);
	r.r_info = ELF64_R_INFO(0, types->irelative);
	r.r_addend = int64_t(data);
	setRela(k, r);
	EXPECT_EQ(reasonFor(), "corrupt relocation " + std::to_string(k) +
				       " in DT_RELA: its ifunc resolver at " + hexText(data) +
				       " is outside every executable segment");
}

TEST_F(CorruptDynamic, InitArrayEntryNotRelocated)
{
	// The symbol table: in the file, word-aligned (the pre-check requires
	// it), and no relocation writes there.
	const uint64_t symtab = elf.dynamic(DT_SYMTAB).d_un.d_ptr;
	elf.setDynamic(DT_INIT_ARRAY, symtab);
	EXPECT_EQ(reasonFor(),
		  "corrupt DT_INIT_ARRAY: entry 0 at " + hexText(symtab) + " is not relocated");
}

TEST_F(CorruptDynamic, InitArrayEntryPointsOutsideCode)
{
	// The relative relocation that fills the first entry now points it
	// past the image.
	const uint64_t slot = elf.dynamic(DT_INIT_ARRAY).d_un.d_ptr;
	const uint64_t outside = elf.unmappedAddress();
	int patched = 0;
	for (uint64_t k = 0; k < relaCount(); ++k) {
		Elf64_Rela r = rela(k);
		if (r.r_offset == slot) {
			r.r_addend = int64_t(outside);
			setRela(k, r);
			++patched;
		}
	}
	ASSERT_GT(patched, 0) << "no DT_RELA entry relocates DT_INIT_ARRAY's first word";
	EXPECT_EQ(reasonFor(), "corrupt DT_INIT_ARRAY: entry 0 points at " + hexText(outside) +
				       ", which is outside every executable segment");
}

} // namespace
} // namespace vigil
