// SPDX-License-Identifier: Apache-2.0
#include "plugins/elf_symbols.hpp"

#include "plugins/error.hpp"

#include <elf.h>

#include <algorithm>

namespace vigil::elf {

namespace {

constexpr unsigned kGnuHashHeader = 16;
constexpr unsigned kVerneedSize = 16, kVernauxSize = 16, kVerdefSize = 20, kVerdauxSize = 8;
constexpr unsigned kVersionAlign = 4;
constexpr uint64_t kChainChunk = 4096; // words read at a time while looking for a chain's end

[[noreturn]] void corrupt(const std::string &what, const std::string &why)
{
	throw PluginError("corrupt " + what + ": " + why);
}

// An address `offset` bytes past `base`, as ld.so computes it.
uint64_t advance(uint64_t base, uint64_t offset, const std::string &what)
{
	std::optional<uint64_t> address = add(base, offset);
	if (!address)
		corrupt(what, hex(base) + " + " + std::to_string(offset) + " overflows");
	return *address;
}

std::vector<unsigned char> readTable(const Image &image, uint64_t address, uint64_t count,
				     uint64_t entry_size, const std::string &what)
{
	std::optional<uint64_t> length = multiply(count, entry_size);
	if (!length)
		corrupt(what, std::to_string(count) + " entries of " + std::to_string(entry_size) +
				      " bytes overflow");
	return image.read(address, *length, what);
}

// DT_HASH: nbucket, nchain, buckets, chains; nchain is the symbol count.
// ld.so follows a chain until index 0 without bounds or loop checks.
uint64_t checkSysvHash(const Image &image, const Header &h, uint64_t address)
{
	// s390x and alpha use 8-byte entries in ELF64.
	const bool wide = h.encoding.is64 && (h.machine == EM_S390 || h.machine == EM_ALPHA);
	const unsigned entry = wide ? 8 : 4;
	const Encoding &e = h.encoding;
	auto value = [&](const std::vector<unsigned char> &t, uint64_t i) {
		return wide ? e.xword(t.data() + i * 8) : e.word(t.data() + i * 4);
	};
	requireAligned(address, entry, "DT_HASH");
	const std::vector<unsigned char> head = image.read(address, 2 * entry, "DT_HASH");
	const uint64_t nbucket = value(head, 0), nchain = value(head, 1);
	std::optional<uint64_t> count = add(nbucket, nchain);
	if (!count || !add(*count, 2))
		corrupt("DT_HASH", "its sizes overflow");
	const std::vector<unsigned char> table =
		readTable(image, address, *count + 2, entry, "DT_HASH");
	for (uint64_t i = 0; i < nbucket + nchain; ++i) {
		const uint64_t symbol = value(table, 2 + i);
		if (symbol >= nchain)
			corrupt("DT_HASH",
				(i < nbucket ? "bucket " + std::to_string(i)
					     : "chain entry " + std::to_string(i - nbucket)) +
					" names symbol " + std::to_string(symbol) + ", past its " +
					std::to_string(nchain) + " symbols");
	}
	// 0: not seen, 1: on the current walk, 2: known to reach index 0.
	std::vector<unsigned char> state(nchain, 0);
	std::vector<uint64_t> walk;
	for (uint64_t b = 0; b < nbucket; ++b) {
		uint64_t s = value(table, 2 + b);
		walk.clear();
		while (s != 0 && state[s] == 0) {
			state[s] = 1;
			walk.push_back(s);
			s = value(table, 2 + nbucket + s);
		}
		if (s != 0 && state[s] == 1)
			corrupt("DT_HASH", "the chain from bucket " + std::to_string(b) + " loops");
		for (uint64_t visited : walk)
			state[visited] = 2;
	}
	return nchain;
}

// DT_GNU_HASH: a header, the bloom filter, the buckets, then one chain word
// per hashed symbol; a chain ends at a word with its low bit set.  Symbols
// below `symoffset` are not hashed.
uint64_t checkGnuHash(const Image &image, const Header &h, uint64_t address)
{
	const Encoding &e = h.encoding;
	requireAligned(address, e.wordSize(), "DT_GNU_HASH");
	const std::vector<unsigned char> head = image.read(address, kGnuHashHeader, "DT_GNU_HASH");
	const uint64_t nbuckets = e.word(head.data()), symoffset = e.word(head.data() + 4),
		       bloom_words = e.word(head.data() + 8);
	// ld.so masks with bloom_words - 1 (0 would read anywhere).
	if (bloom_words == 0 || (bloom_words & (bloom_words - 1)) != 0)
		corrupt("DT_GNU_HASH",
			std::to_string(bloom_words) + " bloom filter words, not a power of two");
	const uint64_t buckets_at =
		advance(address, kGnuHashHeader + bloom_words * e.wordSize(), "DT_GNU_HASH");
	const std::vector<unsigned char> buckets =
		readTable(image, buckets_at, nbuckets, 4, "DT_GNU_HASH");
	uint64_t last_start = 0;
	for (uint64_t b = 0; b < nbuckets; ++b) {
		const uint64_t start = e.word(buckets.data() + b * 4);
		if (start != 0 && start < symoffset)
			corrupt("DT_GNU_HASH",
				"bucket " + std::to_string(b) + " starts at symbol " +
					std::to_string(start) + ", below its first hashed symbol " +
					std::to_string(symoffset));
		last_start = std::max(last_start, start);
	}
	if (last_start == 0)
		return 0; // nothing hashed: ld.so reads no symbol through it

	// Every chain ends at or before the end of the chain that starts last,
	// so finding that end bounds every walk ld.so can make.
	const uint64_t chains_at = advance(buckets_at, nbuckets * 4, "DT_GNU_HASH");
	uint64_t at = advance(chains_at, (last_start - symoffset) * 4, "DT_GNU_HASH");
	const std::string what = "DT_GNU_HASH chain from symbol " + std::to_string(last_start);
	image.requireInFile(at, 4, what);
	const Segment *segment = image.segmentHolding(at, 4);
	const uint64_t available = (segment->filesz - (at - segment->vaddr)) / 4;
	for (uint64_t index = last_start, left = available; left > 0;) {
		const uint64_t n = std::min(left, kChainChunk);
		const std::vector<unsigned char> words = image.read(at, n * 4, what);
		for (uint64_t i = 0; i < n; ++i, ++index)
			if (e.word(words.data() + i * 4) & 1)
				return index + 1;
		at += n * 4;
		left -= n;
	}
	corrupt(what, "it does not end inside the file part of segment " +
			      std::to_string(segment->index));
}

// The symbols ld.so may read: by index from relocations, by hash lookups.
void checkSymbolEntries(const Image &image, const Header &h, uint64_t symtab, uint64_t count,
			const StringTable &strings)
{
	const Encoding &e = h.encoding;
	const unsigned entry = e.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	requireAligned(symtab, e.wordSize(), "DT_SYMTAB");
	const std::vector<unsigned char> table =
		readTable(image, symtab, count, entry, "DT_SYMTAB");
	for (uint64_t i = 0; i < count; ++i) {
		const unsigned char *p = table.data() + i * entry;
		const uint64_t name = e.word(p);
		const unsigned info = e.is64 ? p[4] : p[12];
		const unsigned section = e.half(p + (e.is64 ? 6 : 14));
		const uint64_t value = e.is64 ? e.xword(p + 8) : e.word(p + 4);
		if (!strings.holds(name))
			corrupt("symbol " + std::to_string(i),
				"name at string offset " + std::to_string(name) +
					" does not end inside DT_STRSZ (" +
					std::to_string(strings.size()) + ")");
		// The loader calls the entry function it finds, and ld.so calls
		// an ifunc's resolver while it relocates.
		const unsigned type = info & 0xf;
		const bool defined = section != SHN_UNDEF && section < SHN_LORESERVE;
		if (defined && (type == STT_FUNC || type == STT_GNU_IFUNC)) {
			const std::string problem = image.codeProblem(value);
			if (!problem.empty())
				corrupt("symbol " + std::to_string(i),
					"function at " + hex(value) + " " + problem);
		}
	}
}

// A DT_NEEDED name, or the file name of one given as a path (which is how
// ld.so finds it among the loaded libraries, by their sonames).
bool isNeeded(const std::vector<std::string_view> &needed, std::string_view file)
{
	return std::any_of(needed.begin(), needed.end(), [&](std::string_view name) {
		const size_t slash = name.rfind('/');
		return name == file ||
		       (slash != std::string_view::npos && name.substr(slash + 1) == file);
	});
}

// The highest version index the version tables define (l_versions of ld.so
// has that many entries plus one).
unsigned checkVersionNeeds(const Image &image, const SymbolTables &t, const Header &h,
			   const StringTable &strings)
{
	const Encoding &e = h.encoding;
	unsigned highest = 0;
	uint64_t entry = *t.verneed;
	for (uint64_t k = 0;; ++k) {
		const std::string what = "DT_VERNEED entry " + std::to_string(k);
		if (k >= t.verneed_count)
			corrupt("DT_VERNEED", "its chain is longer than DT_VERNEEDNUM (" +
						      std::to_string(t.verneed_count) + ")");
		requireAligned(entry, kVersionAlign, what);
		const std::vector<unsigned char> need = image.read(entry, kVerneedSize, what);
		if (e.half(need.data()) != 1)
			corrupt(what,
				"version " + std::to_string(e.half(need.data())) + ", expected 1");
		const unsigned aux_count = std::max<unsigned>(e.half(need.data() + 2), 1);
		const uint64_t file = e.word(need.data() + 4);
		if (!strings.holds(file))
			corrupt(what, "file name at string offset " + std::to_string(file) +
					      " does not end inside DT_STRSZ (" +
					      std::to_string(strings.size()) + ")");
		// ld.so asserts (and exits) when the file is not a dependency.
		if (!isNeeded(t.needed, strings.at(file)))
			corrupt(what, "it names '" + std::string(strings.at(file)) +
					      "', which is not a DT_NEEDED library");
		uint64_t aux = advance(entry, e.word(need.data() + 8), what);
		for (unsigned a = 0;; ++a) {
			if (a >= aux_count)
				corrupt(what, "more versions than its count (" +
						      std::to_string(aux_count) + ")");
			requireAligned(aux, kVersionAlign, what);
			const std::vector<unsigned char> v = image.read(aux, kVernauxSize, what);
			const uint64_t name = e.word(v.data() + 8);
			if (!strings.holds(name))
				corrupt(what, "version name at string offset " +
						      std::to_string(name) +
						      " does not end inside DT_STRSZ (" +
						      std::to_string(strings.size()) + ")");
			highest = std::max<unsigned>(highest, e.half(v.data() + 6) & 0x7fff);
			const uint64_t next = e.word(v.data() + 12);
			if (next == 0)
				break;
			aux = advance(aux, next, what);
		}
		const uint64_t next = e.word(need.data() + 12);
		if (next == 0)
			return highest;
		entry = advance(entry, next, what);
	}
}

unsigned checkVersionDefinitions(const Image &image, const SymbolTables &t, const Header &h,
				 const StringTable &strings)
{
	const Encoding &e = h.encoding;
	unsigned highest = 0;
	uint64_t entry = *t.verdef;
	for (uint64_t k = 0;; ++k) {
		const std::string what = "DT_VERDEF entry " + std::to_string(k);
		if (k >= t.verdef_count)
			corrupt("DT_VERDEF", "its chain is longer than DT_VERDEFNUM (" +
						     std::to_string(t.verdef_count) + ")");
		requireAligned(entry, kVersionAlign, what);
		const std::vector<unsigned char> def = image.read(entry, kVerdefSize, what);
		if (e.half(def.data()) != 1)
			corrupt(what,
				"version " + std::to_string(e.half(def.data())) + ", expected 1");
		if ((e.half(def.data() + 2) & VER_FLG_BASE) == 0)
			highest = std::max<unsigned>(highest, e.half(def.data() + 4) & 0x7fff);
		// ld.so reads the first name only.
		const uint64_t aux = advance(entry, e.word(def.data() + 12), what);
		requireAligned(aux, kVersionAlign, what);
		const uint64_t name = e.word(image.read(aux, kVerdauxSize, what).data());
		if (!strings.holds(name))
			corrupt(what, "version name at string offset " + std::to_string(name) +
					      " does not end inside DT_STRSZ (" +
					      std::to_string(strings.size()) + ")");
		const uint64_t next = e.word(def.data() + 16);
		if (next == 0)
			return highest;
		entry = advance(entry, next, what);
	}
}

// ld.so takes l_versions[versym[i] & 0x7fff] without a bounds check, and
// l_versions is null when no version is defined or needed.
void checkSymbolVersions(const Image &image, const Encoding &e, uint64_t versym, uint64_t count,
			 unsigned versions)
{
	requireAligned(versym, 2, "DT_VERSYM");
	const std::vector<unsigned char> table = readTable(image, versym, count, 2, "DT_VERSYM");
	for (uint64_t i = 0; i < count; ++i) {
		const unsigned index = e.half(table.data() + i * 2) & 0x7fff;
		if (index != 0 && index >= versions)
			corrupt("symbol " + std::to_string(i),
				"version index " + std::to_string(index) + ", the file has " +
					std::to_string(versions) + " versions");
	}
}

} // namespace

StringTable::StringTable(std::vector<unsigned char> bytes) : bytes_(std::move(bytes))
{
	for (uint64_t i = bytes_.size(); i > 0; --i)
		if (bytes_[i - 1] == '\0') {
			last_nul_ = i - 1;
			break;
		}
}

bool StringTable::holds(uint64_t offset) const
{
	return last_nul_ && offset <= *last_nul_;
}

std::string_view StringTable::at(uint64_t offset) const
{
	return reinterpret_cast<const char *>(bytes_.data() + offset);
}

uint64_t checkSymbols(const Image &image, const Header &header, const SymbolTables &tables,
		      const StringTable &strings)
{
	uint64_t count = tables.referenced;
	if (tables.hash)
		count = std::max(count, checkSysvHash(image, header, *tables.hash));
	if (tables.gnu_hash)
		count = std::max(count, checkGnuHash(image, header, *tables.gnu_hash));
	checkSymbolEntries(image, header, tables.symtab, count, strings);

	unsigned highest = 0;
	if (tables.verneed)
		highest = checkVersionNeeds(image, tables, header, strings);
	if (tables.verdef)
		highest =
			std::max(highest, checkVersionDefinitions(image, tables, header, strings));
	if (tables.versym)
		checkSymbolVersions(image, header.encoding, *tables.versym, count,
				    highest > 0 ? highest + 1 : 0);
	return count;
}

} // namespace vigil::elf
