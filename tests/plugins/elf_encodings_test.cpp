// SPDX-License-Identifier: Apache-2.0
// The layout checks read every field in the file's class and byte order:
// a minimal shared object written in each of the four encodings passes,
// and the same corruption gives the same reason in each.  (The agent itself
// refuses the three encodings that are not its own before the layout, with
// the messages of elf_header_test.cpp; a 32-bit or big-endian agent reads
// its own plugins through this same code.)
#include "loader_test_support.hpp"
#include "plugins/elf_dynamic.hpp"
#include "plugins/elf_layout.hpp"
#include "plugins/error.hpp"

#include <gtest/gtest.h>

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace vigil {
namespace {

struct Encoding {
	bool is64;
	bool big;
};

// Writes integers of the chosen width and byte order at chosen offsets.
class Writer {
public:
	explicit Writer(Encoding e) : e_(e) {}
	void put(size_t at, uint64_t value, unsigned size)
	{
		if (bytes.size() < at + size)
			bytes.resize(at + size);
		for (unsigned i = 0; i < size; ++i)
			bytes[at + (e_.big ? size - 1 - i : i)] = uint8_t(value >> (8 * i));
	}
	void word(size_t at, uint64_t value) { put(at, value, e_.is64 ? 8 : 4); }
	std::vector<unsigned char> bytes;

private:
	Encoding e_;
};

// One RW PT_LOAD over the whole file, PT_DYNAMIC, and the dynamic entries
// ld.so needs: a string table, one (null) symbol, a DT_HASH.
std::vector<unsigned char> minimalSharedObject(Encoding e, uint64_t strsz = 3)
{
	const unsigned w = e.is64 ? 8 : 4, ehsize = e.is64 ? 64 : 52, phsize = e.is64 ? 56 : 32;
	const unsigned sym = e.is64 ? 24 : 16;
	const uint64_t phoff = ehsize, dynamic = 256, strtab = 512, symtab = 528, hash = 576,
		       end = 600;
	Writer out(e);
	out.put(end - 1, 0, 1);
	const unsigned char ident[] = {
		0x7f, 'E', 'L', 'F', uint8_t(e.is64 ? 2 : 1), uint8_t(e.big ? 2 : 1), 1};
	std::copy(std::begin(ident), std::end(ident), out.bytes.begin());
	out.put(16, ET_DYN, 2);
	out.put(18, EM_X86_64, 2);
	out.put(20, 1, 4);
	out.word(e.is64 ? 32 : 28, phoff);
	const size_t sizes = e.is64 ? 52 : 40; // e_ehsize, then the table sizes
	out.put(sizes, ehsize, 2);
	out.put(sizes + 2, phsize, 2);
	out.put(sizes + 4, 2, 2);

	auto phdr = [&](unsigned i, uint32_t type, uint32_t flags, uint64_t offset, uint64_t size) {
		const size_t p = phoff + i * phsize;
		out.put(p, type, 4);
		if (e.is64) {
			out.put(p + 4, flags, 4);
			out.word(p + 8, offset);
			out.word(p + 16, offset);
			out.word(p + 24, offset);
			out.word(p + 32, size);
			out.word(p + 40, size);
			out.word(p + 48, 8);
		} else {
			out.word(p + 4, offset);
			out.word(p + 8, offset);
			out.word(p + 12, offset);
			out.word(p + 16, size);
			out.word(p + 20, size);
			out.put(p + 24, flags, 4);
			out.word(p + 28, 4);
		}
	};
	const uint64_t entries[][2] = {{DT_HASH, hash},	    {DT_STRTAB, strtab}, {DT_STRSZ, strsz},
				       {DT_SYMTAB, symtab}, {DT_SYMENT, sym},	 {DT_NULL, 0}};
	phdr(0, PT_LOAD, PF_R | PF_W, 0, end);
	phdr(1, PT_DYNAMIC, PF_R | PF_W, dynamic, std::size(entries) * 2 * w);
	for (size_t k = 0; k < std::size(entries); ++k) {
		out.word(dynamic + k * 2 * w, entries[k][0]);
		out.word(dynamic + k * 2 * w + w, entries[k][1]);
	}
	out.put(strtab + 1, 'x', 1);	 // "\0x\0"
	for (unsigned i = 0; i < 4; ++i) // nbucket 1, nchain 1, bucket 0, chain 0
		out.put(hash + 4 * i, i < 2 ? 1 : 0, 4);
	return out.bytes;
}

// What the layout checks say about `bytes`, or "ok".
std::string layoutReason(const std::vector<unsigned char> &bytes, Encoding e)
{
	test::TempDir dir;
	const auto path = dir.path() / "minimal.so";
	std::ofstream(path, std::ios::binary)
		.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
	const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	const elf::ElfFile file(fd, bytes.size());
	std::string reason = "ok";
	try {
		elf::Encoding encoding;
		encoding.is64 = e.is64;
		encoding.big_endian = e.big;
		const elf::Header header = elf::readHeader(file, encoding);
		const elf::Image image = elf::checkSegments(file, header, 4096);
		elf::checkDynamicSection(image, header, 4096);
	} catch (const PluginError &error) {
		reason = error.what();
	}
	::close(fd);
	return reason;
}

class ElfEncodings : public ::testing::TestWithParam<Encoding> {};

TEST_P(ElfEncodings, MinimalSharedObjectPasses)
{
	EXPECT_EQ(layoutReason(minimalSharedObject(GetParam()), GetParam()), "ok");
}

TEST_P(ElfEncodings, TruncatedSegment)
{
	std::vector<unsigned char> bytes = minimalSharedObject(GetParam());
	bytes.resize(500);
	EXPECT_EQ(layoutReason(bytes, GetParam()),
		  "truncated: segment 0 ends at byte 600, the file has 500");
}

TEST_P(ElfEncodings, StringTableSizeLies)
{
	EXPECT_EQ(layoutReason(minimalSharedObject(GetParam(), 4096), GetParam()),
		  "corrupt DT_STRTAB: 4096 bytes at address 0x200 are outside the file part of "
		  "every loaded segment");
}

INSTANTIATE_TEST_SUITE_P(Encodings, ElfEncodings,
			 ::testing::Values(Encoding{true, false}, Encoding{true, true},
					   Encoding{false, false}, Encoding{false, true}),
			 [](const auto &info) {
				 return std::string(info.param.is64 ? "Elf64" : "Elf32") +
					(info.param.big ? "BigEndian" : "LittleEndian");
			 });

} // namespace
} // namespace vigil
