// SPDX-License-Identifier: Apache-2.0
#include "plugins/elf_relocations.hpp"

#include "plugins/error.hpp"

#include <elf.h>

#include <algorithm>

// glibc 2.36 applies DT_RELR; an older <elf.h> may not name it.
#ifndef DT_RELR
#define DT_RELRSZ 35
#define DT_RELR 36
#endif

namespace vigil::elf {

namespace {

// The relocation types whose meaning the checks need, per machine; zero
// where this file does not know them (those checks are then skipped).
struct MachineTypes {
	unsigned machine;
	uint64_t relative, irelative;
};

constexpr MachineTypes kMachineTypes[] = {
	{EM_X86_64, R_X86_64_RELATIVE, R_X86_64_IRELATIVE},
	{EM_386, R_386_RELATIVE, R_386_IRELATIVE},
	{EM_AARCH64, R_AARCH64_RELATIVE, R_AARCH64_IRELATIVE},
	{EM_ARM, R_ARM_RELATIVE, R_ARM_IRELATIVE},
	{EM_RISCV, R_RISCV_RELATIVE, R_RISCV_IRELATIVE},
	{EM_PPC64, R_PPC64_RELATIVE, R_PPC64_IRELATIVE},
	{EM_PPC, R_PPC_RELATIVE, R_PPC_IRELATIVE},
	{EM_S390, R_390_RELATIVE, R_390_IRELATIVE},
	{EM_LOONGARCH, R_LARCH_RELATIVE, R_LARCH_IRELATIVE},
	{EM_SPARC, R_SPARC_RELATIVE, R_SPARC_IRELATIVE},
	{EM_SPARCV9, R_SPARC_RELATIVE, R_SPARC_IRELATIVE},
};

MachineTypes typesOf(unsigned machine)
{
	for (const MachineTypes &t : kMachineTypes)
		if (t.machine == machine)
			return t;
	return {machine, 0, 0};
}

bool usesRel(unsigned machine)
{
	return machine == EM_386 || machine == EM_ARM || machine == EM_MIPS;
}

[[noreturn]] void corruptDynamic(const std::string &why)
{
	throw PluginError("corrupt dynamic section: " + why);
}

// A table ld.so walks in place, entry by entry, while the entry starts
// below address + size.
std::vector<unsigned char> readTable(const Image &image, uint64_t address, uint64_t size,
				     unsigned entry, unsigned alignment, const std::string &name,
				     const std::string &size_name)
{
	if (size % entry != 0)
		corruptDynamic(size_name + " " + std::to_string(size) + " is not a multiple of " +
			       std::to_string(entry));
	requireAligned(address, alignment, name);
	return image.read(address, size, name);
}

std::string relocationName(const char *table, uint64_t k)
{
	return "relocation " + std::to_string(k) + " in " + table;
}

} // namespace

Relocations::Relocations(const Image &image, const Header &header, const DynamicEntries &d)
    : image_(image), header_(header), rela_(!usesRel(header.machine))
{
	const unsigned w = header.encoding.wordSize();
	entry_size_ = rela_ ? 3 * w : 2 * w;
	text_relocations_ = d.has(DT_TEXTREL) || (d.has(DT_FLAGS) && (d[DT_FLAGS] & DF_TEXTREL));
	const uint64_t table = rela_ ? DT_RELA : DT_REL, size = rela_ ? DT_RELASZ : DT_RELSZ,
		       count = rela_ ? DT_RELACOUNT : DT_RELCOUNT;
	const char *name = rela_ ? "DT_RELA" : "DT_REL";
	if (d.has(table)) {
		Table t{name,
			readTable(image, d[table], d[size], entry_size_, w, name,
				  rela_ ? "DT_RELASZ" : "DT_RELSZ"),
			d.find(count).value_or(0)};
		const uint64_t entries = t.bytes.size() / entry_size_;
		if (t.relative > entries)
			corruptDynamic(std::string(rela_ ? "DT_RELACOUNT " : "DT_RELCOUNT ") +
				       std::to_string(t.relative) + " is more than the " +
				       std::to_string(entries) + " entries of " + name);
		tables_.push_back(std::move(t));
	}
	if (d.has(DT_PLTREL))
		tables_.push_back({"DT_JMPREL",
				   readTable(image, d[DT_JMPREL], d[DT_PLTRELSZ], entry_size_, w,
					     "DT_JMPREL", "DT_PLTRELSZ"),
				   0});
	if (d.has(DT_RELR))
		relr_ = readTable(image, d[DT_RELR], d[DT_RELRSZ], w, w, "DT_RELR", "DT_RELRSZ");
}

Relocations::Entry Relocations::entryAt(const Table &t, uint64_t k) const
{
	const Encoding &e = header_.encoding;
	const unsigned char *p = t.bytes.data() + k * entry_size_;
	const uint64_t info = e.classWord(p + e.wordSize());
	Entry entry{e.classWord(p), e.is64 ? info >> 32 : info >> 8,
		    e.is64 ? info & 0xffffffff : info & 0xff, 0};
	if (rela_) {
		entry.addend = e.classWord(p + 2 * e.wordSize());
	} else if (std::optional<uint64_t> at = image_.fileOffset(entry.offset, e.wordSize())) {
		// REL: the addend is the word being relocated.
		unsigned char word[8];
		image_.file().read(*at, word, e.wordSize());
		entry.addend = e.classWord(word);
	}
	return entry;
}

// DT_RELR: an address word, then bitmap words (low bit set) marking which
// of the words that follow get the load address added.
template <class Visit>
void Relocations::visitRelr(Visit visit) const
{
	const Encoding &e = header_.encoding;
	const unsigned w = e.wordSize();
	std::optional<uint64_t> next; // the word after the last address entry
	for (uint64_t k = 0; k < relr_.size() / w; ++k) {
		const uint64_t entry = e.classWord(relr_.data() + k * w);
		if ((entry & 1) == 0) {
			visit(entry, k);
			next = entry + w;
			continue;
		}
		if (!next)
			throw PluginError("corrupt DT_RELR entry " + std::to_string(k) +
					  ": a bitmap before any address");
		for (unsigned bit = 1; bit < 8 * w; ++bit)
			if (entry >> bit & 1)
				visit(*next + (bit - 1) * uint64_t(w), k);
		next = *next + (8 * w - 1) * uint64_t(w);
	}
}

uint64_t Relocations::referencedSymbols(uint64_t symtab) const
{
	const unsigned entry = header_.encoding.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	image_.requireInFile(symtab, entry, "DT_SYMTAB");
	const Segment *s = image_.segmentHolding(symtab, entry);
	const uint64_t room = (s->filesz - (symtab - s->vaddr)) / entry;
	uint64_t referenced = 0;
	for (const Table &t : tables_)
		for (uint64_t k = t.relative; k < t.bytes.size() / entry_size_; ++k) {
			const uint64_t symbol = entryAt(t, k).symbol;
			if (symbol >= room)
				throw PluginError("corrupt " + relocationName(t.name, k) +
						  ": symbol " + std::to_string(symbol) +
						  ", DT_SYMTAB has room for " +
						  std::to_string(room));
			referenced = std::max(referenced, symbol + 1);
		}
	return referenced;
}

void Relocations::checkTargets(uint64_t page) const
{
	const unsigned w = header_.encoding.wordSize();
	// A relocation writes up to two words (TLS descriptors); ld.so maps a
	// segment's memory in whole pages.  `where` names the relocation, made
	// only for a message.
	auto checkWrite = [&](uint64_t address, auto where) {
		const Segment *s = image_.segmentHolding(address, 1);
		const uint64_t end = s ? (s->vaddr + s->memsz + page - 1) / page * page : 0;
		if (!s || end - address < 2 * w)
			throw PluginError("corrupt " + where() + ": it writes at " + hex(address) +
					  ", outside every loaded segment");
		// With DT_TEXTREL ld.so makes every segment writable first.
		if (!s->writable() && !text_relocations_)
			throw PluginError("corrupt " + where() + ": it writes at " + hex(address) +
					  ", in read-only segment " + std::to_string(s->index));
	};
	const MachineTypes types = typesOf(header_.machine);
	for (const Table &t : tables_)
		for (uint64_t k = 0; k < t.bytes.size() / entry_size_; ++k) {
			const Entry r = entryAt(t, k);
			auto where = [&] { return relocationName(t.name, k); };
			if (k < t.relative && types.relative && r.type != types.relative)
				throw PluginError("corrupt " + where() + ": type " +
						  std::to_string(r.type) + ", but " +
						  (rela_ ? "DT_RELACOUNT" : "DT_RELCOUNT") +
						  " counts it as relative (" +
						  std::to_string(types.relative) + ")");
			if (k >= t.relative && r.type == 0)
				continue; // R_*_NONE everywhere: ld.so writes nothing
			checkWrite(r.offset, where);
			// ld.so calls an ifunc resolver while it relocates.
			if (types.irelative && r.type == types.irelative) {
				const std::string problem = image_.codeProblem(r.addend);
				if (!problem.empty())
					throw PluginError("corrupt " + where() +
							  ": its ifunc resolver at " +
							  hex(r.addend) + " " + problem);
			}
		}
	visitRelr([&](uint64_t address, uint64_t k) {
		checkWrite(address, [k] { return "DT_RELR entry " + std::to_string(k); });
	});
}

std::map<uint64_t, std::optional<uint64_t>> Relocations::relocatedWords(uint64_t address,
									uint64_t size) const
{
	// ld.so applies DT_RELR first, then the tables in order: the last
	// relocation of a word decides it.
	std::map<uint64_t, std::optional<uint64_t>> words;
	auto inside = [&](uint64_t a) { return a >= address && a - address < size; };
	const Encoding &e = header_.encoding;
	visitRelr([&](uint64_t slot, uint64_t) {
		if (!inside(slot))
			return;
		unsigned char word[8] = {};
		if (std::optional<uint64_t> at = image_.fileOffset(slot, e.wordSize()))
			image_.file().read(*at, word, e.wordSize());
		words[slot] = e.classWord(word);
	});
	const uint64_t relative_type = typesOf(header_.machine).relative;
	for (const Table &t : tables_)
		for (uint64_t k = 0; k < t.bytes.size() / entry_size_; ++k) {
			const Entry r = entryAt(t, k);
			if (!inside(r.offset) || (k >= t.relative && r.type == 0))
				continue;
			const bool relative =
				k < t.relative || (relative_type && r.type == relative_type);
			words[r.offset] =
				relative ? std::optional<uint64_t>(r.addend) : std::nullopt;
		}
	return words;
}

} // namespace vigil::elf
