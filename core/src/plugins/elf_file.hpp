// SPDX-License-Identifier: Apache-2.0
// How the ELF pre-check (elf_header.hpp) reads a plugin: through the
// descriptor the loader will hand to dlopen(), with pread(), never past the
// size fstat() gave, in the file's own class and byte order.  ld.so trusts
// every offset, address and size in the file; this code trusts none, so
// every sum and product of them goes through add() and multiply().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil::elf {

// a + b and a * b, or nothing when the result does not fit in 64 bits.
std::optional<uint64_t> add(uint64_t a, uint64_t b);
std::optional<uint64_t> multiply(uint64_t a, uint64_t b);

// "0x8de0": addresses in messages, as readelf prints them.
std::string hex(uint64_t value);

// The class and byte order of e_ident, which every later field follows.
struct Encoding {
	bool is64 = true;
	bool big_endian = false;

	// Elf_Addr, Elf_Off and the class-sized words (d_val, r_info, ...).
	unsigned wordSize() const { return is64 ? 8 : 4; }
	uint16_t half(const unsigned char *p) const;
	uint32_t word(const unsigned char *p) const;
	uint64_t xword(const unsigned char *p) const;
	// A class-sized field: 8 bytes in ELF64, 4 in ELF32.
	uint64_t classWord(const unsigned char *p) const;
};

// An open regular file.  Reads go through a small window, so the walks over
// version chains and hash chains cost memory copies, not a system call per
// entry.
class ElfFile {
public:
	// `fd` stays the caller's; `size` is what fstat() said.
	ElfFile(int fd, uint64_t size) : fd_(fd), size_(size) {}

	uint64_t size() const { return size_; }

	// True if [offset, offset + length) lies inside the file.
	bool contains(uint64_t offset, uint64_t length) const;

	// Exactly `length` bytes at `offset`, which the caller has checked with
	// contains().  Throws PluginError "cannot read: ..." on an I/O error or
	// when the file shrank under us.
	std::vector<unsigned char> read(uint64_t offset, uint64_t length) const;
	void read(uint64_t offset, void *out, size_t length) const;

	// Up to `length` bytes from the start (the file may be shorter).
	size_t readPrefix(void *out, size_t length) const;

private:
	void preadExactly(uint64_t offset, void *out, size_t length) const;

	int fd_;
	uint64_t size_;
	mutable std::vector<unsigned char> window_;
	mutable uint64_t window_offset_ = 0;
};

} // namespace vigil::elf
