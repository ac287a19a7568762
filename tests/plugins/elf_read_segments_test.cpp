// SPDX-License-Identifier: Apache-2.0
// The ELF pre-check against lying segments that ld.so reads through the
// mapped image rather than maps (PT_DYNAMIC, notes, PT_TLS, PT_PHDR,
// PT_GNU_RELRO): each corrupted copy of good_check.so is refused with its
// exact reason.  Addresses "outside" are past every PT_LOAD of the file, not
// fixed ones, so they stay outside whatever the layout.
#include "corrupt_plugin_support.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace vigil {
namespace {

using test::CorruptPlugin;
using test::hexText;

TEST_F(CorruptPlugin, DynamicSegmentOutsideEveryLoad)
{
	const size_t i = elf.lastSegment(PT_DYNAMIC).value();
	Elf64_Phdr p = elf.phdr(i);
	p.p_vaddr = elf.unmappedAddress();
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "corrupt dynamic section: " + std::to_string(p.p_filesz) +
				       " bytes at address " + hexText(p.p_vaddr) +
				       " are outside the file part of every loaded segment");
}

TEST_F(CorruptPlugin, DynamicSegmentPastTheEndOfTheFile)
{
	const size_t i = elf.lastSegment(PT_DYNAMIC).value();
	Elf64_Phdr p = elf.phdr(i);
	p.p_offset = elf.size();
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "truncated: segment " + std::to_string(i) + " ends at byte " +
				       std::to_string(elf.size() + p.p_filesz) + ", the file has " +
				       size());
}

TEST_F(CorruptPlugin, NoDynamicSegment)
{
	const size_t i = elf.lastSegment(PT_DYNAMIC).value();
	Elf64_Phdr p = elf.phdr(i);
	p.p_type = PT_NULL;
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "corrupt ELF file: no dynamic section (PT_DYNAMIC)");
}

struct Note {
	uint64_t at;  // from the start of its segment
	uint64_t end; // of its descriptor, before the padding
};

// The last note of note segment `i`, walked as the pre-check walks them.
Note lastNote(const test::ElfBytes &elf, size_t i)
{
	const Elf64_Phdr p = elf.phdr(i);
	const uint64_t base = elf.fileOffset(p.p_vaddr), align = p.p_align == 8 ? 8 : 4;
	auto up = [&](uint64_t n) { return (n + align - 1) / align * align; };
	Note note{0, 0};
	for (uint64_t at = 0; at + sizeof(Elf64_Nhdr) <= p.p_memsz; at = up(note.end)) {
		const auto n = elf.get<Elf64_Nhdr>(base + at);
		note = {at, up(at + sizeof(Elf64_Nhdr) + n.n_namesz) + n.n_descsz};
	}
	return note;
}

TEST_F(CorruptPlugin, NoteRunsPastItsSegment)
{
	const size_t i = elf.firstSegment(PT_NOTE).value();
	const uint64_t note = elf.fileOffset(elf.phdr(i).p_vaddr);
	elf.set<uint32_t>(note + offsetof(Elf64_Nhdr, n_descsz), 0x10000);
	EXPECT_EQ(reasonFor(), "corrupt note segment " + std::to_string(i) +
				       ": the note at byte 0 runs past its end");
}

// Found by the fuzzer (an out-of-bounds read under ASan): the last note's
// alignment padding reaches past the segment, which is fine.  Its
// descriptor and the segment lose their last byte, wherever that note is.
TEST_F(CorruptPlugin, NoteSegmentEndingInsideThePadding)
{
	const size_t i = elf.firstSegment(PT_NOTE).value();
	Elf64_Phdr p = elf.phdr(i);
	const Note last = lastNote(elf, i);
	ASSERT_EQ(last.end, p.p_memsz) << "the last note does not end the segment";
	const uint64_t desc = elf.fileOffset(p.p_vaddr) + last.at + offsetof(Elf64_Nhdr, n_descsz);
	const uint32_t size = elf.get<uint32_t>(desc);
	ASSERT_GT(size, 0u);
	elf.set<uint32_t>(desc, size - 1);
	p.p_filesz = p.p_memsz = p.p_memsz - 1;
	ASSERT_NE(p.p_memsz % 4, 0u);
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "loaded");
}

// The segments below are made from PT_GNU_STACK, which ld.so only reads
// flags from.
TEST_F(CorruptPlugin, TlsImageOutsideTheFile)
{
	const size_t i = elf.firstSegment(PT_GNU_STACK).value();
	Elf64_Phdr p = elf.phdr(i);
	p.p_type = PT_TLS;
	p.p_vaddr = elf.unmappedAddress();
	p.p_filesz = p.p_memsz = 16;
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "corrupt TLS image (segment " + std::to_string(i) +
				       "): 16 bytes at address " + hexText(p.p_vaddr) +
				       " are outside the file part of every loaded segment");
}

// One word past the address of the program header table: a PT_PHDR that is
// off by one entry field, in the file part of the PT_LOAD holding the table.
uint64_t besideTheProgramHeaders(const test::ElfBytes &elf)
{
	const Elf64_Ehdr h = elf.header();
	const uint64_t end = h.e_phoff + uint64_t(h.e_phnum) * sizeof(Elf64_Phdr) + 8;
	for (size_t i : elf.loads()) {
		const Elf64_Phdr p = elf.phdr(i);
		if (h.e_phoff >= p.p_offset && end <= p.p_offset + p.p_filesz)
			return p.p_vaddr + (h.e_phoff - p.p_offset) + 8;
	}
	throw std::runtime_error("no PT_LOAD maps the program header table");
}

TEST_F(CorruptPlugin, ProgramHeaderSegmentElsewhere)
{
	const size_t i = elf.firstSegment(PT_GNU_STACK).value();
	const uint64_t elsewhere = besideTheProgramHeaders(elf);
	Elf64_Phdr p = elf.phdr(i);
	p.p_type = PT_PHDR;
	p.p_vaddr = elsewhere;
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "corrupt PT_PHDR: address " + hexText(elsewhere) +
				       " does not hold the program header table");
}

TEST_F(CorruptPlugin, RelroOutsideTheImage)
{
	const size_t i = elf.firstSegment(PT_GNU_RELRO).value();
	Elf64_Phdr p = elf.phdr(i);
	p.p_vaddr = elf.unmappedAddress();
	elf.setPhdr(i, p);
	EXPECT_EQ(reasonFor(), "corrupt RELRO segment " + std::to_string(i) + ": " +
				       std::to_string(p.p_memsz) + " bytes at address " +
				       hexText(p.p_vaddr) + " are outside every loaded segment");
}

} // namespace
} // namespace vigil
