// SPDX-License-Identifier: Apache-2.0
#include "plugins/elf_layout.hpp"

#include "plugins/error.hpp"

#include <elf.h>

#include <algorithm>

namespace vigil::elf {

namespace {

constexpr unsigned kHeaderSize64 = 64, kHeaderSize32 = 52;
constexpr unsigned kPhdrSize64 = 56, kPhdrSize32 = 32;
constexpr unsigned kNoteHeaderSize = 12;

std::string bytes(uint64_t n)
{
	return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

[[noreturn]] void truncated(const std::string &what, uint64_t end, const ElfFile &file)
{
	throw PluginError("truncated: " + what + " ends at byte " + std::to_string(end) +
			  ", the file has " + std::to_string(file.size()));
}

[[noreturn]] void corruptSegment(const Segment &s, const std::string &why)
{
	throw PluginError("corrupt segment " + std::to_string(s.index) + ": " + why);
}

Segment parseSegment(const unsigned char *p, unsigned index, const Encoding &e)
{
	Segment s;
	s.index = index;
	s.type = e.word(p);
	if (e.is64) {
		s.flags = e.word(p + 4);
		s.offset = e.xword(p + 8);
		s.vaddr = e.xword(p + 16);
		s.filesz = e.xword(p + 32);
		s.memsz = e.xword(p + 40);
		s.align = e.xword(p + 48);
	} else {
		s.offset = e.word(p + 4);
		s.vaddr = e.word(p + 8);
		s.filesz = e.word(p + 16);
		s.memsz = e.word(p + 20);
		s.flags = e.word(p + 24);
		s.align = e.word(p + 28);
	}
	return s;
}

std::vector<Segment> readProgramHeaders(const ElfFile &file, const Header &h)
{
	const unsigned entry = h.encoding.is64 ? kPhdrSize64 : kPhdrSize32;
	if (h.phnum == 0)
		throw PluginError("corrupt ELF header: no program headers");
	if (h.phentsize != entry)
		throw PluginError("corrupt ELF header: program header entries are " +
				  bytes(h.phentsize) + ", expected " + std::to_string(entry));
	const uint64_t table = uint64_t(h.phnum) * entry; // at most 65535 * 56
	std::optional<uint64_t> end = add(h.phoff, table);
	if (!end)
		throw PluginError("corrupt ELF header: program header table at byte " +
				  std::to_string(h.phoff) + " overflows");
	if (*end > file.size())
		truncated("program header table", *end, file);
	// ld.so reads it in place when it lies in the first page.
	if (h.phoff % h.encoding.wordSize() != 0)
		throw PluginError("corrupt ELF header: program header table at byte " +
				  std::to_string(h.phoff) + " is not aligned to " +
				  bytes(h.encoding.wordSize()));

	const std::vector<unsigned char> raw = file.read(h.phoff, table);
	std::vector<Segment> segments;
	segments.reserve(h.phnum);
	for (unsigned i = 0; i < h.phnum; ++i)
		segments.push_back(parseSegment(raw.data() + size_t(i) * entry, i, h.encoding));
	return segments;
}

// ld.so maps [ALIGN_DOWN(p_offset), ALIGN_UP(p_offset + p_filesz)) of the
// file at ALIGN_DOWN(p_vaddr): with the two congruent and the file part
// inside the file, every mapped page holds file bytes, and the bytes at
// p_vaddr are those at p_offset.
void checkLoad(const Segment &s, const Segment *previous, const ElfFile &file, uint64_t page)
{
	std::optional<uint64_t> file_end = add(s.offset, s.filesz);
	if (!file_end)
		corruptSegment(s, "file offset " + std::to_string(s.offset) + " + size " +
					  std::to_string(s.filesz) + " overflows");
	if (s.filesz > s.memsz)
		corruptSegment(s, bytes(s.filesz) + " in the file but only " +
					  std::to_string(s.memsz) + " in memory");
	if (*file_end > file.size())
		truncated("segment " + std::to_string(s.index), *file_end, file);
	std::optional<uint64_t> mem_end = add(s.vaddr, s.memsz);
	std::optional<uint64_t> page_end = mem_end ? add(*mem_end, page - 1) : std::nullopt;
	if (!page_end)
		corruptSegment(s, "address " + hex(s.vaddr) + " + size " + std::to_string(s.memsz) +
					  " overflows");
	if ((s.vaddr - s.offset) % page != 0)
		corruptSegment(s, "address " + hex(s.vaddr) + " and file offset " + hex(s.offset) +
					  " differ modulo the page size (" + std::to_string(page) +
					  ")");
	// A later segment mapped over a page of an earlier one would replace
	// bytes this check has read, and segments out of order make ld.so
	// reserve a span that does not hold them.
	if (previous &&
	    s.vaddr / page * page < (previous->vaddr + previous->memsz + page - 1) / page * page)
		corruptSegment(s, "its memory at " + hex(s.vaddr) +
					  " is on or below the pages of segment " +
					  std::to_string(previous->index));
}

// Linkers write the section header table last: ld.so never reads it, but a
// file cut anywhere loses it, which makes "truncated" the answer for every
// cut, not only for those that reach a segment.
void checkSectionHeaderTable(const ElfFile &file, const Header &h)
{
	if (h.shoff == 0)
		return;
	// e_shnum 0 with a table: the count is in the first entry.
	const uint64_t count = h.shnum == 0 ? 1 : h.shnum;
	std::optional<uint64_t> end = add(h.shoff, count * h.shentsize);
	if (!end)
		throw PluginError("corrupt ELF header: section header table at byte " +
				  std::to_string(h.shoff) + " overflows");
	if (*end > file.size())
		truncated("section header table", *end, file);
}

// Each note's name and descriptor inside the segment: ld.so walks the
// notes of PT_NOTE and PT_GNU_PROPERTY in memory and trusts n_descsz.
void checkNotes(const Image &image, const Segment &s, const Encoding &e)
{
	const std::string what = "note segment " + std::to_string(s.index);
	const std::vector<unsigned char> notes = image.read(s.vaddr, s.memsz, what);
	const uint64_t align = s.align == 8 ? 8 : 4;
	// The padding after the last note may reach past the segment's end.
	uint64_t at = 0;
	while (at <= notes.size() && notes.size() - at >= kNoteHeaderSize) {
		const uint64_t name = e.word(notes.data() + at);
		const uint64_t desc = e.word(notes.data() + at + 4);
		const uint64_t name_end = at + kNoteHeaderSize + name;
		const uint64_t desc_start = (name_end + align - 1) / align * align;
		if (desc_start + desc > notes.size())
			throw PluginError("corrupt " + what + ": the note at byte " +
					  std::to_string(at) + " runs past its end");
		at = (desc_start + desc + align - 1) / align * align;
	}
}

// The segments ld.so reads through the mapped image, not the file.
void checkReadSegment(const Image &image, const Segment &s, const Header &h)
{
	const std::string index = std::to_string(s.index);
	switch (s.type) {
	case PT_PHDR: {
		// dl_iterate_phdr() and ld.so's own PT_NOTE pass read the table
		// here: it must be the table this check read.
		const uint64_t length = uint64_t(h.phnum) * h.phentsize;
		if (image.requireInFile(s.vaddr, length, "PT_PHDR") != h.phoff)
			throw PluginError("corrupt PT_PHDR: address " + hex(s.vaddr) +
					  " does not hold the program header table");
		break;
	}
	case PT_TLS:
		if (s.filesz > s.memsz)
			corruptSegment(s, bytes(s.filesz) + " in the file but only " +
						  std::to_string(s.memsz) + " in memory");
		// Copied into every thread's TLS block.
		if (s.filesz > 0)
			image.requireInFile(s.vaddr, s.filesz, "TLS image (segment " + index + ")");
		break;
	case PT_NOTE:
	case PT_GNU_PROPERTY:
		if (s.memsz > 0)
			checkNotes(image, s, h.encoding);
		break;
	case PT_GNU_EH_FRAME:
		if (s.memsz > 0)
			image.requireInFile(s.vaddr, s.memsz,
					    "unwind table (segment " + index + ")");
		break;
	case PT_GNU_RELRO:
		// Made read-only after relocation: outside the image it would be
		// some other part of the agent.
		if (s.memsz > 0 && !image.segmentHolding(s.vaddr, s.memsz))
			throw PluginError("corrupt RELRO segment " + index + ": " + bytes(s.memsz) +
					  " at address " + hex(s.vaddr) +
					  " are outside every loaded segment");
		break;
	default:
		break;
	}
}

void checkDynamicSegment(const Image &image, const Segment &s, const Encoding &e)
{
	std::optional<uint64_t> end = add(s.offset, s.filesz);
	if (!end)
		corruptSegment(s, "file offset " + std::to_string(s.offset) + " + size " +
					  std::to_string(s.filesz) + " overflows");
	if (*end > image.file().size())
		truncated("segment " + std::to_string(s.index), *end, image.file());
	if (s.filesz == 0)
		throw PluginError("corrupt dynamic section: it is empty");
	requireAligned(s.vaddr, e.wordSize(), "dynamic section");
	image.requireInFile(s.vaddr, s.filesz, "dynamic section");
	// ld.so adds the load address to the entries of a writable one.
	const Segment *holder = image.segmentHolding(s.vaddr, s.filesz);
	if ((s.flags & PF_W) && !holder->writable())
		throw PluginError("corrupt dynamic section: marked writable but in read-only "
				  "segment " +
				  std::to_string(holder->index));
}

} // namespace

Header readHeader(const ElfFile &file, const Encoding &encoding)
{
	const unsigned size = encoding.is64 ? kHeaderSize64 : kHeaderSize32;
	if (file.size() < size)
		throw PluginError("truncated ELF header");
	unsigned char raw[kHeaderSize64];
	file.read(0, raw, size);
	const Encoding &e = encoding;
	Header h;
	h.encoding = encoding;
	h.machine = e.half(raw + 18);
	const unsigned char *rest = raw + (e.is64 ? 32 : 28); // e_phoff
	h.phoff = e.classWord(rest);
	h.shoff = e.classWord(rest + e.wordSize());
	const unsigned char *sizes = rest + 2 * e.wordSize() + 4 + 2; // e_phentsize
	h.phentsize = e.half(sizes);
	h.phnum = e.half(sizes + 2);
	h.shentsize = e.half(sizes + 4);
	h.shnum = e.half(sizes + 6);
	return h;
}

bool Segment::writable() const
{
	return flags & PF_W;
}

bool Segment::executable() const
{
	return flags & PF_X;
}

const Segment *Image::segmentHolding(uint64_t address, uint64_t length) const
{
	for (const Segment &s : loads_)
		if (address >= s.vaddr && address - s.vaddr <= s.memsz &&
		    s.memsz - (address - s.vaddr) >= length)
			return &s;
	return nullptr;
}

std::optional<uint64_t> Image::fileOffset(uint64_t address, uint64_t length) const
{
	for (const Segment &s : loads_)
		if (address >= s.vaddr && address - s.vaddr <= s.filesz &&
		    s.filesz - (address - s.vaddr) >= length)
			return s.offset + (address - s.vaddr);
	return std::nullopt;
}

uint64_t Image::requireInFile(uint64_t address, uint64_t length, const std::string &what) const
{
	if (std::optional<uint64_t> offset = fileOffset(address, length))
		return *offset;
	throw PluginError("corrupt " + what + ": " + bytes(length) + " at address " + hex(address) +
			  " are outside the file part of every loaded segment");
}

std::vector<unsigned char> Image::read(uint64_t address, uint64_t length,
				       const std::string &what) const
{
	return file_.read(requireInFile(address, length, what), length);
}

std::string Image::codeProblem(uint64_t address) const
{
	const Segment *s = segmentHolding(address, 1);
	if (!s || !s->executable() || !fileOffset(address, 1))
		return "is outside every executable segment";
	if (address % code_alignment_ != 0)
		return "is not aligned to " + bytes(code_alignment_) +
		       ", as every instruction of this machine is";
	return {};
}

unsigned codeAlignment(unsigned machine)
{
	switch (machine) {
	case EM_AARCH64:
	case EM_PPC:
	case EM_PPC64:
	case EM_MIPS:
	case EM_SPARC:
	case EM_SPARCV9:
#ifdef EM_LOONGARCH
	case EM_LOONGARCH:
#endif
		return 4;
	case EM_RISCV:
	case EM_S390:
		return 2;
	default:
		return 1;
	}
}

void requireAligned(uint64_t address, unsigned alignment, const std::string &what)
{
	if (address % alignment != 0)
		throw PluginError("corrupt " + what + ": address " + hex(address) +
				  " is not aligned to " + bytes(alignment));
}

Image checkSegments(const ElfFile &file, const Header &header, uint64_t page_size)
{
	const std::vector<Segment> segments = readProgramHeaders(file, header);

	std::vector<Segment> loads;
	for (const Segment &s : segments) {
		if (s.type != PT_LOAD)
			continue;
		checkLoad(s, loads.empty() ? nullptr : &loads.back(), file, page_size);
		loads.push_back(s);
	}
	if (loads.empty())
		throw PluginError("corrupt ELF file: no loadable segment");
	checkSectionHeaderTable(file, header);

	// ld.so takes the last PT_DYNAMIC.
	auto dynamic = std::find_if(segments.rbegin(), segments.rend(),
				    [](const Segment &s) { return s.type == PT_DYNAMIC; });
	if (dynamic == segments.rend())
		throw PluginError("corrupt ELF file: no dynamic section (PT_DYNAMIC)");
	Image image(file, std::move(loads), *dynamic, codeAlignment(header.machine));
	for (const Segment &s : segments) {
		if (s.type == PT_DYNAMIC)
			checkDynamicSegment(image, s, header.encoding);
		else
			checkReadSegment(image, s, header);
	}
	return image;
}

} // namespace vigil::elf
