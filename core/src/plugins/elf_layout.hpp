// SPDX-License-Identifier: Apache-2.0
// The ELF pre-check's second step: the program header table and the
// segments ld.so maps or reads, checked against the file's size before
// dlopen() maps them.  A PT_LOAD segment that ends past the end of the file
// is mapped anyway, and the first touch of a page past the end raises SIGBUS
// in whatever thread touches it: in ld.so while it relocates, so the agent
// dies in dlopen().
#pragma once

#include "plugins/elf_file.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil::elf {

// The fields of the ELF header the layout depends on.
struct Header {
	Encoding encoding;
	unsigned machine = 0;
	uint64_t phoff = 0;
	unsigned phentsize = 0;
	unsigned phnum = 0;
	uint64_t shoff = 0;
	unsigned shentsize = 0;
	unsigned shnum = 0;
};

// Reads them.  Throws PluginError "truncated ELF header" when the file is
// shorter than the ELF header of its class.
Header readHeader(const ElfFile &file, const Encoding &encoding);

// One program header.  `index` is its place in the table, the number readelf
// shows and messages use ("segment 2").
struct Segment {
	unsigned index = 0;
	uint32_t type = 0;
	uint32_t flags = 0;
	uint64_t offset = 0;
	uint64_t vaddr = 0;
	uint64_t filesz = 0;
	uint64_t memsz = 0;
	uint64_t align = 0;

	bool writable() const;
	bool executable() const;
};

// The image ld.so will map: the PT_LOAD segments in address order, each one
// inside the file and on pages of its own, so that the memory at an address
// in a segment's file part is exactly the file's bytes at the matching
// offset.  Everything else ld.so reads is located through it.
class Image {
public:
	// `code_alignment`: what every instruction address of the file's
	// machine is a multiple of (codeAlignment()).
	Image(const ElfFile &file, std::vector<Segment> loads, Segment dynamic,
	      unsigned code_alignment = 1)
	    : file_(file), loads_(std::move(loads)), dynamic_(dynamic),
	      code_alignment_(code_alignment)
	{
	}

	const ElfFile &file() const { return file_; }
	const std::vector<Segment> &loads() const { return loads_; }
	// The PT_DYNAMIC ld.so uses (the last one).
	const Segment &dynamic() const { return dynamic_; }

	// The PT_LOAD whose memory (file part and zero fill) holds [address,
	// address + length), or null.
	const Segment *segmentHolding(uint64_t address, uint64_t length) const;

	// The file offset of [address, address + length) when it lies in the
	// file part of one PT_LOAD.
	std::optional<uint64_t> fileOffset(uint64_t address, uint64_t length) const;

	// fileOffset(), or throws PluginError "corrupt WHAT: N bytes at address
	// 0x... are outside the file part of every loaded segment".
	uint64_t requireInFile(uint64_t address, uint64_t length, const std::string &what) const;

	// The bytes ld.so will see at [address, address + length); throws as
	// requireInFile().
	std::vector<unsigned char> read(uint64_t address, uint64_t length,
					const std::string &what) const;

	// Why ld.so may not call `address`, or "" if it may: a function pointer
	// must be in the file part of an executable PT_LOAD ("is outside every
	// executable segment") and aligned as the machine's instructions are
	// ("is not aligned to 4 bytes, as every aarch64 instruction is"; a jump
	// to a misaligned address is a SIGBUS there, not a refused file).
	std::string codeProblem(uint64_t address) const;

private:
	const ElfFile &file_;
	std::vector<Segment> loads_;
	Segment dynamic_;
	unsigned code_alignment_;
};

// The alignment of every instruction address on `machine` (an ELF e_machine):
// 4 on aarch64, PowerPC, MIPS and LoongArch, 2 on RISC-V (compressed
// instructions) and s390; 1 elsewhere, x86 and 32-bit Arm included (where a
// Thumb function's address is odd).
unsigned codeAlignment(unsigned machine);

// Throws PluginError "corrupt WHAT: address 0x... is not aligned to N
// bytes": ld.so reads tables in place, and a strict-alignment machine faults
// on a misaligned word.
void requireAligned(uint64_t address, unsigned alignment, const std::string &what);

// Checks the program header table, every PT_LOAD (inside the file, offsets
// and sums that do not overflow, p_filesz <= p_memsz, address and offset
// congruent modulo `page_size`, in address order on pages of their own), the
// section header table's end (the last thing a linker writes, so the first
// a cut loses), and the segments ld.so reads through memory: PT_DYNAMIC,
// PT_PHDR, PT_TLS's image, the notes, PT_GNU_RELRO, PT_GNU_EH_FRAME.
// Throws PluginError with the first problem found.
Image checkSegments(const ElfFile &file, const Header &header, uint64_t page_size);

} // namespace vigil::elf
