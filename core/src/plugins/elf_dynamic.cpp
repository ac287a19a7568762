// SPDX-License-Identifier: Apache-2.0
#include "plugins/elf_dynamic.hpp"

#include "plugins/elf_relocations.hpp"
#include "plugins/elf_symbols.hpp"
#include "plugins/error.hpp"

#include <elf.h>

// glibc 2.36 applies DT_RELR; an older <elf.h> may not name it.
#ifndef DT_RELR
#define DT_RELRSZ 35
#define DT_RELR 36
#define DT_RELRENT 37
#endif

namespace vigil::elf {

namespace {

[[noreturn]] void corruptDynamic(const std::string &why)
{
	throw PluginError("corrupt dynamic section: " + why);
}

// Entries whose value is an offset into DT_STRTAB that ld.so reads.
const char *stringTagName(uint64_t tag)
{
	switch (tag) {
	case DT_NEEDED:
		return "DT_NEEDED";
	case DT_SONAME:
		return "DT_SONAME";
	case DT_RPATH:
		return "DT_RPATH";
	case DT_RUNPATH:
		return "DT_RUNPATH";
	case DT_AUXILIARY:
		return "DT_AUXILIARY";
	case DT_FILTER:
		return "DT_FILTER";
	case DT_CONFIG:
		return "DT_CONFIG";
	case DT_DEPAUDIT:
		return "DT_DEPAUDIT";
	case DT_AUDIT:
		return "DT_AUDIT";
	default:
		return nullptr;
	}
}

void requirePair(const DynamicEntries &d, uint64_t tag, const char *name, uint64_t companion,
		 const char *companion_name)
{
	if (d.has(tag) && !d.has(companion))
		corruptDynamic(std::string(name) + " without " + companion_name);
}

// ld.so asserts (and exits) when a relocation table's entry size is not
// its own, and dereferences a missing size entry.
void requireEntrySize(const DynamicEntries &d, uint64_t tag, const char *name, uint64_t size_tag,
		      const char *size_name, uint64_t ent_tag, const char *ent_name,
		      unsigned expected)
{
	if (!d.has(tag))
		return;
	requirePair(d, tag, name, size_tag, size_name);
	requirePair(d, tag, name, ent_tag, ent_name);
	if (d[ent_tag] != expected)
		corruptDynamic(std::string(ent_name) + " is " + std::to_string(d[ent_tag]) +
			       ", expected " + std::to_string(expected));
}

void checkPresence(const DynamicEntries &d, const Header &h)
{
	const unsigned w = h.encoding.wordSize();
	if (!d.has(DT_STRTAB))
		corruptDynamic("no DT_STRTAB");
	requirePair(d, DT_STRTAB, "DT_STRTAB", DT_STRSZ, "DT_STRSZ");
	if (!d.has(DT_SYMTAB))
		corruptDynamic("no DT_SYMTAB");
	if (!d.has(DT_HASH) && !d.has(DT_GNU_HASH))
		corruptDynamic("no DT_HASH or DT_GNU_HASH");
	const unsigned symbol = h.encoding.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	if (d.has(DT_SYMENT) && d[DT_SYMENT] != symbol)
		corruptDynamic("DT_SYMENT is " + std::to_string(d[DT_SYMENT]) + ", expected " +
			       std::to_string(symbol));

	// ld.so reads only its machine's format (ELF_MACHINE_NO_REL / NO_RELA).
	const bool rel = h.machine == EM_386 || h.machine == EM_ARM || h.machine == EM_MIPS;
	if (rel)
		requireEntrySize(d, DT_REL, "DT_REL", DT_RELSZ, "DT_RELSZ", DT_RELENT, "DT_RELENT",
				 2 * w);
	else
		requireEntrySize(d, DT_RELA, "DT_RELA", DT_RELASZ, "DT_RELASZ", DT_RELAENT,
				 "DT_RELAENT", 3 * w);
	const uint64_t plt_format = rel ? DT_REL : DT_RELA;
	if (d.has(DT_PLTREL) && d[DT_PLTREL] != plt_format)
		corruptDynamic("DT_PLTREL is " + std::to_string(d[DT_PLTREL]) + ", expected " +
			       std::to_string(plt_format) + (rel ? " (DT_REL)" : " (DT_RELA)"));
	requirePair(d, DT_PLTREL, "DT_PLTREL", DT_JMPREL, "DT_JMPREL");
	requirePair(d, DT_PLTREL, "DT_PLTREL", DT_PLTRELSZ, "DT_PLTRELSZ");
	requireEntrySize(d, DT_RELR, "DT_RELR", DT_RELRSZ, "DT_RELRSZ", DT_RELRENT, "DT_RELRENT",
			 w);
	requirePair(d, DT_INIT_ARRAY, "DT_INIT_ARRAY", DT_INIT_ARRAYSZ, "DT_INIT_ARRAYSZ");
	requirePair(d, DT_FINI_ARRAY, "DT_FINI_ARRAY", DT_FINI_ARRAYSZ, "DT_FINI_ARRAYSZ");
	requirePair(d, DT_PREINIT_ARRAY, "DT_PREINIT_ARRAY", DT_PREINIT_ARRAYSZ,
		    "DT_PREINIT_ARRAYSZ");
	requirePair(d, DT_VERNEED, "DT_VERNEED", DT_VERNEEDNUM, "DT_VERNEEDNUM");
	requirePair(d, DT_VERDEF, "DT_VERDEF", DT_VERDEFNUM, "DT_VERDEFNUM");
}

// DT_INIT and DT_FINI are called: they must be code.
void checkFunction(const Image &image, const DynamicEntries &d, uint64_t tag, const char *name)
{
	if (!d.has(tag))
		return;
	const std::string problem = image.codeProblem(d[tag]);
	if (!problem.empty())
		corruptDynamic(std::string(name) + " " + hex(d[tag]) + " " + problem);
}

// ld.so calls every word of the init and fini arrays as the relocations
// left it: each must be relocated, and where a relative relocation decides
// it, point at code.
void checkFunctionArray(const Image &image, const Relocations &relocations, const DynamicEntries &d,
			unsigned word, uint64_t tag, uint64_t size_tag, const std::string &name)
{
	if (!d.has(tag))
		return;
	const uint64_t address = d[tag], size = d[size_tag];
	requireAligned(address, word, name);
	image.requireInFile(address, size, name);
	const auto words = relocations.relocatedWords(address, size);
	for (uint64_t j = 0; j < size / word; ++j) {
		const uint64_t slot = address + j * word;
		const auto it = words.find(slot);
		if (it == words.end())
			throw PluginError("corrupt " + name + ": entry " + std::to_string(j) +
					  " at " + hex(slot) + " is not relocated");
		const std::string problem = it->second ? image.codeProblem(*it->second) : "";
		if (!problem.empty())
			throw PluginError("corrupt " + name + ": entry " + std::to_string(j) +
					  " points at " + hex(*it->second) + ", which " + problem);
	}
}

} // namespace

DynamicEntries::DynamicEntries(const Image &image, const Encoding &e)
{
	const Segment &s = image.dynamic();
	const unsigned size = 2 * e.wordSize();
	const std::vector<unsigned char> raw = image.read(s.vaddr, s.filesz, "dynamic section");
	for (uint64_t at = 0; at + size <= raw.size(); at += size) {
		const uint64_t tag = e.classWord(raw.data() + at);
		const uint64_t value = e.classWord(raw.data() + at + e.wordSize());
		if (tag == DT_NULL)
			return;
		entries_.emplace_back(tag, value);
		last_[tag] = value;
	}
	corruptDynamic("no DT_NULL in its " + std::to_string(s.filesz / size) + " entries");
}

std::optional<uint64_t> DynamicEntries::find(uint64_t tag) const
{
	auto it = last_.find(tag);
	return it == last_.end() ? std::nullopt : std::optional<uint64_t>(it->second);
}

void checkDynamicSection(const Image &image, const Header &header, uint64_t page_size)
{
	const Encoding &e = header.encoding;
	const DynamicEntries d(image, e);
	checkPresence(d, header);

	const StringTable strings(image.read(d[DT_STRTAB], d[DT_STRSZ], "DT_STRTAB"));
	SymbolTables tables;
	for (const auto &[tag, value] : d.entries()) {
		const char *name = stringTagName(tag);
		if (!name)
			continue;
		if (!strings.holds(value))
			corruptDynamic(std::string(name) + " name at string offset " +
				       std::to_string(value) + " does not end inside DT_STRSZ (" +
				       std::to_string(strings.size()) + ")");
		if (tag == DT_NEEDED)
			tables.needed.push_back(strings.at(value));
	}
	checkFunction(image, d, DT_INIT, "DT_INIT");
	checkFunction(image, d, DT_FINI, "DT_FINI");
	if (d.has(DT_PLTGOT) && !image.segmentHolding(d[DT_PLTGOT], 3 * e.wordSize()))
		corruptDynamic("DT_PLTGOT " + hex(d[DT_PLTGOT]) +
			       " is outside every loaded segment");

	const Relocations relocations(image, header, d);
	tables.symtab = d[DT_SYMTAB];
	tables.referenced = relocations.referencedSymbols(tables.symtab);
	tables.hash = d.find(DT_HASH);
	tables.gnu_hash = d.find(DT_GNU_HASH);
	tables.versym = d.find(DT_VERSYM);
	tables.verneed = d.find(DT_VERNEED);
	tables.verneed_count = d.find(DT_VERNEEDNUM).value_or(0);
	tables.verdef = d.find(DT_VERDEF);
	tables.verdef_count = d.find(DT_VERDEFNUM).value_or(0);
	checkSymbols(image, header, tables, strings);
	relocations.checkTargets(page_size);

	const unsigned w = e.wordSize();
	checkFunctionArray(image, relocations, d, w, DT_INIT_ARRAY, DT_INIT_ARRAYSZ,
			   "DT_INIT_ARRAY");
	checkFunctionArray(image, relocations, d, w, DT_FINI_ARRAY, DT_FINI_ARRAYSZ,
			   "DT_FINI_ARRAY");
	checkFunctionArray(image, relocations, d, w, DT_PREINIT_ARRAY, DT_PREINIT_ARRAYSZ,
			   "DT_PREINIT_ARRAY");
}

} // namespace vigil::elf
