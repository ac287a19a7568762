// SPDX-License-Identifier: Apache-2.0
// What the corrupted-plugin tests share: a working fixture plugin copied as
// bytes, patched, written to a fresh folder and given to the loader.
#pragma once

#include "elf_bytes.hpp"
#include "loader_test_support.hpp"
#include "plugins/error.hpp"
#include "plugins/loader.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace vigil::test {

// The reason loadNativePlugin() gives for `file`, or "loaded".
inline std::string rejection(const std::filesystem::path &file)
{
	try {
		loadNativePlugin(file);
		return "loaded";
	} catch (const PluginError &e) {
		return e.what();
	}
}

inline std::string hexText(uint64_t value)
{
	char text[32];
	std::snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(value));
	return text;
}

inline uint64_t pageSize()
{
	return uint64_t(::sysconf(_SC_PAGESIZE));
}

// good_check.so, ready to be corrupted; reasonFor() writes and loads it.
class CorruptPlugin : public ::testing::Test {
protected:
	std::string reasonFor(const std::string &name = "corrupt.so")
	{
		return rejection(elf.write(dir.path() / name));
	}
	std::string size() const { return std::to_string(elf.size()); }

	TempDir dir;
	ElfBytes elf{fixture("good_check.so")};
};

// CorruptPlugin with the dynamic tables at hand.
class CorruptDynamic : public CorruptPlugin {
protected:
	uint64_t at(int64_t tag) const { return elf.fileOffset(elf.dynamic(tag).d_un.d_ptr); }
	std::string string(uint64_t offset) const
	{
		return reinterpret_cast<const char *>(elf.bytes().data() + at(DT_STRTAB) + offset);
	}
	Elf64_Rela rela(uint64_t k) const { return elf.get<Elf64_Rela>(at(DT_RELA) + k * 24); }
	void setRela(uint64_t k, const Elf64_Rela &r) { elf.set(at(DT_RELA) + k * 24, r); }
	uint64_t relaCount() const
	{
		return elf.dynamic(DT_RELASZ).d_un.d_val / sizeof(Elf64_Rela);
	}
	// The first relocation of DT_RELA that ld.so resolves through a symbol:
	// the relative ones come first, DT_RELACOUNT of them.
	uint64_t firstSymbolic() const
	{
		const uint64_t k = elf.dynamic(DT_RELACOUNT).d_un.d_val;
		if (k >= relaCount())
			throw std::runtime_error(
				"DT_RELA of the fixture holds no symbolic relocation");
		return k;
	}
	// The PT_LOAD holding the symbol table, and how many symbols its file
	// part has room for from DT_SYMTAB on (the pre-check's bound).
	Elf64_Phdr symbolSegment() const
	{
		return elf.phdr(elf.loadHolding(elf.dynamic(DT_SYMTAB).d_un.d_ptr).value());
	}
	uint64_t symbolRoom() const
	{
		const Elf64_Phdr p = symbolSegment();
		return (p.p_vaddr + p.p_filesz - elf.dynamic(DT_SYMTAB).d_un.d_ptr) /
		       sizeof(Elf64_Sym);
	}
	// A loaded address that is not code, for the pointers ld.so calls:
	// the dynamic section's, in the writable segment on every layout.
	// (DT_STRTAB would not do: aarch64 keeps the string table in the code
	// segment, and a call there runs it.)
	uint64_t dataAddress() const
	{
		const uint64_t address = elf.phdr(elf.lastSegment(PT_DYNAMIC).value()).p_vaddr;
		if (elf.phdr(elf.loadHolding(address).value()).p_flags & PF_X)
			throw std::runtime_error("the dynamic section is in an executable segment");
		return address;
	}
	Elf64_Verneed verneed() const { return elf.get<Elf64_Verneed>(at(DT_VERNEED)); }
	// ld.so's version count: the highest vna_other, plus one.
	unsigned versions() const
	{
		unsigned highest = 0;
		uint64_t need = at(DT_VERNEED);
		for (;;) {
			const auto n = elf.get<Elf64_Verneed>(need);
			uint64_t aux = need + n.vn_aux;
			for (;;) {
				const auto a = elf.get<Elf64_Vernaux>(aux);
				highest = std::max<unsigned>(highest, a.vna_other & 0x7fff);
				if (a.vna_next == 0)
					break;
				aux += a.vna_next;
			}
			if (n.vn_next == 0)
				return highest + 1;
			need += n.vn_next;
		}
	}
};

} // namespace vigil::test
