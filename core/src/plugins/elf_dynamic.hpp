// SPDX-License-Identifier: Apache-2.0
// The ELF pre-check's last step: the dynamic section ld.so reads (the last
// PT_DYNAMIC) and every table it points at.  ld.so reads the entries up to
// DT_NULL, takes each pointer as an address in the loaded image and each
// size as true, and dereferences them while it loads, relocates and runs
// the initialisers.
#pragma once

#include "plugins/elf_layout.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace vigil::elf {

// The entries before DT_NULL, as ld.so reads them: a tag given twice keeps
// its last value.
class DynamicEntries {
public:
	// Throws PluginError "corrupt dynamic section: no DT_NULL in its N
	// entries".
	DynamicEntries(const Image &image, const Encoding &encoding);

	bool has(uint64_t tag) const { return last_.count(tag) != 0; }
	uint64_t operator[](uint64_t tag) const { return last_.at(tag); }
	std::optional<uint64_t> find(uint64_t tag) const;
	const std::vector<std::pair<uint64_t, uint64_t>> &entries() const { return entries_; }

private:
	std::vector<std::pair<uint64_t, uint64_t>> entries_;
	std::map<uint64_t, uint64_t> last_;
};

// Checks that the section ends with DT_NULL, has the entries ld.so needs
// (DT_STRTAB with DT_STRSZ, DT_SYMTAB, a hash table), that each table ld.so
// dereferences comes with its size (DT_RELA/DT_RELASZ/DT_RELAENT,
// DT_JMPREL/DT_PLTRELSZ, DT_RELR, DT_INIT_ARRAY/DT_INIT_ARRAYSZ, ...), that
// every table lies in the file part of a PT_LOAD, that every string offset
// (DT_NEEDED, DT_SONAME, DT_RUNPATH, ...) names a string inside DT_STRSZ,
// that DT_INIT, DT_FINI and the init and fini arrays point at code, then the
// symbols (elf_symbols.hpp) and the relocations (elf_relocations.hpp).
// Throws PluginError.
void checkDynamicSection(const Image &image, const Header &header, uint64_t page_size);

} // namespace vigil::elf
