// SPDX-License-Identifier: Apache-2.0
// The ELF pre-check's symbol tables: the hash tables ld.so walks to find a
// symbol (and that say how many symbols there are, which DT_SYMTAB does
// not), the symbols, and the version tables ld.so indexes by symbol.  All of
// them are read in place by ld.so, without bounds, while it relocates.
#pragma once

#include "plugins/elf_layout.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::elf {

// DT_STRTAB as read from the file: DT_STRSZ bytes.
class StringTable {
public:
	explicit StringTable(std::vector<unsigned char> bytes);

	uint64_t size() const { return bytes_.size(); }
	// True if a NUL-terminated string starts at `offset` inside the table:
	// ld.so reads names with strcmp() and friends.
	bool holds(uint64_t offset) const;
	// The string at `offset`; holds(offset) must be true.
	std::string_view at(uint64_t offset) const;

private:
	std::vector<unsigned char> bytes_;
	std::optional<uint64_t> last_nul_;
};

// What the symbol checks need from the dynamic section.
struct SymbolTables {
	uint64_t symtab = 0;
	std::optional<uint64_t> hash;
	std::optional<uint64_t> gnu_hash;
	std::optional<uint64_t> versym;
	std::optional<uint64_t> verneed;
	uint64_t verneed_count = 0; // DT_VERNEEDNUM
	std::optional<uint64_t> verdef;
	uint64_t verdef_count = 0;	      // DT_VERDEFNUM
	std::vector<std::string_view> needed; // the DT_NEEDED names
	// The highest symbol index a relocation names, plus one.
	uint64_t referenced = 0;
};

// Checks the hash tables, the symbols they chain and the relocations name
// (their names and functions), and the version tables.  Returns how many
// symbols that is.  Throws PluginError.
uint64_t checkSymbols(const Image &image, const Header &header, const SymbolTables &tables,
		      const StringTable &strings);

} // namespace vigil::elf
