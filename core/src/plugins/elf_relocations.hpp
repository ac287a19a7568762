// SPDX-License-Identifier: Apache-2.0
// The relocations ld.so applies while dlopen() runs, before any plugin code:
// each one writes a word somewhere in the image, after reading the symbol
// (and its version) it names, and a relative one also decides where the
// function pointers of the init and fini arrays point.
#pragma once

#include "plugins/elf_dynamic.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace vigil::elf {

class Relocations {
public:
	// Reads the tables ld.so applies: the machine's REL or RELA table
	// (ELF_MACHINE_NO_REL / NO_RELA: ld.so ignores the other), DT_JMPREL
	// with DT_PLTREL, DT_RELR.  Each must lie in the file part of a
	// PT_LOAD and be a whole number of entries; DT_RELACOUNT must not count
	// past its table.  Throws PluginError.
	Relocations(const Image &image, const Header &header, const DynamicEntries &dynamic);

	// DT_SYMTAB has no size: ld.so reads the symbols the relocations name
	// (and the hash tables chain).  Checks that each named one fits between
	// `symtab` and the end of its segment's file part; returns the highest
	// index named, plus one.
	uint64_t referencedSymbols(uint64_t symtab) const;

	// Checks every write: inside a PT_LOAD's memory, writable unless the
	// file has text relocations; the leading DT_RELACOUNT entries relative
	// ones (x86_64's ld.so asserts it and exits); each ifunc resolver code.
	void checkTargets(uint64_t page_size) const;

	// What ld.so stores in the words of [address, address + size): for each
	// word a relocation writes, the link-time address a relative one (or
	// DT_RELR) puts there (ld.so adds the load address), or nothing when a
	// symbolic one fills it.  Words no relocation writes are absent.
	std::map<uint64_t, std::optional<uint64_t>> relocatedWords(uint64_t address,
								   uint64_t size) const;

private:
	struct Table {
		const char *name;
		std::vector<unsigned char> bytes;
		uint64_t relative; // leading entries applied as R_*_RELATIVE
	};
	struct Entry {
		uint64_t offset, symbol, type, addend;
	};

	Entry entryAt(const Table &t, uint64_t k) const;
	// Calls visit(address, entry index) for each word DT_RELR relocates.
	template <class Visit>
	void visitRelr(Visit visit) const;

	const Image &image_;
	const Header &header_;
	unsigned entry_size_;
	bool rela_;
	bool text_relocations_;
	std::vector<Table> tables_;
	std::vector<unsigned char> relr_;
};

} // namespace vigil::elf
