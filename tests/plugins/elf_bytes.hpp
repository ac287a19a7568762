// SPDX-License-Identifier: Apache-2.0
// A built plugin as bytes, for the tests that corrupt it: the ELF header,
// program headers, sections and dynamic entries found and patched in place.
// 64-bit, host byte order, like every plugin the agent under test loads (the
// loader tests assume a 64-bit agent).
//
// Tests find what they corrupt through these (the PT_LOAD holding an
// address, the section named .text, ...), never at fixed offsets: how many
// segments a linker makes and what shares one differs between machines
// (x86_64 gives read-only data a segment of its own, aarch64 puts it in the
// code segment).
#pragma once

#include <gtest/gtest.h>

#include <elf.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vigil::test {

class ElfBytes {
public:
	explicit ElfBytes(const std::filesystem::path &file)
	{
		std::ifstream in(file, std::ios::binary);
		bytes_.assign(std::istreambuf_iterator<char>(in), {});
		if (bytes_.size() < sizeof(Elf64_Ehdr) || bytes_[EI_CLASS] != ELFCLASS64)
			throw std::runtime_error(file.string() + ": not a 64-bit ELF file");
	}

	std::vector<unsigned char> &bytes() { return bytes_; }
	const std::vector<unsigned char> &bytes() const { return bytes_; }
	size_t size() const { return bytes_.size(); }

	template <class T>
	T get(uint64_t offset) const
	{
		if (offset + sizeof(T) > bytes_.size())
			throw std::out_of_range("read past the end of the ELF bytes");
		T value;
		std::memcpy(&value, bytes_.data() + offset, sizeof(T));
		return value;
	}
	template <class T>
	void set(uint64_t offset, const T &value)
	{
		if (offset + sizeof(T) > bytes_.size())
			throw std::out_of_range("write past the end of the ELF bytes");
		std::memcpy(bytes_.data() + offset, &value, sizeof(T));
	}

	Elf64_Ehdr header() const { return get<Elf64_Ehdr>(0); }
	void setHeader(const Elf64_Ehdr &h) { set(0, h); }

	uint64_t phdrOffset(size_t index) const
	{
		return header().e_phoff + index * sizeof(Elf64_Phdr);
	}
	Elf64_Phdr phdr(size_t index) const { return get<Elf64_Phdr>(phdrOffset(index)); }
	void setPhdr(size_t index, const Elf64_Phdr &p) { set(phdrOffset(index), p); }
	size_t phnum() const { return header().e_phnum; }

	// Index of the first (or last) program header of `type`.
	std::optional<size_t> firstSegment(uint32_t type) const
	{
		for (size_t i = 0; i < phnum(); ++i)
			if (phdr(i).p_type == type)
				return i;
		return std::nullopt;
	}
	std::optional<size_t> lastSegment(uint32_t type) const
	{
		std::optional<size_t> found;
		for (size_t i = 0; i < phnum(); ++i)
			if (phdr(i).p_type == type)
				found = i;
		return found;
	}

	// Indexes of the PT_LOAD headers, in table order (ld.so's order).
	std::vector<size_t> loads() const
	{
		std::vector<size_t> found;
		for (size_t i = 0; i < phnum(); ++i)
			if (phdr(i).p_type == PT_LOAD)
				found.push_back(i);
		return found;
	}
	// Index of the PT_LOAD whose memory holds `address`.
	std::optional<size_t> loadHolding(uint64_t address) const
	{
		for (size_t i : loads()) {
			const Elf64_Phdr p = phdr(i);
			if (address >= p.p_vaddr && address - p.p_vaddr < p.p_memsz)
				return i;
		}
		return std::nullopt;
	}
	// An address no PT_LOAD maps: a 64 KiB boundary at least 64 KiB past
	// the end of the highest segment.  64 KiB is the largest page size of
	// the machines the agent runs on, so no page ld.so maps reaches it.
	uint64_t unmappedAddress() const
	{
		constexpr uint64_t k64KiB = 0x10000;
		uint64_t end = 0;
		for (size_t i : loads())
			end = std::max(end, phdr(i).p_vaddr + phdr(i).p_memsz);
		return (end + k64KiB - 1) / k64KiB * k64KiB + k64KiB;
	}

	// The section headers.  ld.so never reads them, but they say what lies
	// where in the segments (.text, .dynsym, ...).
	std::vector<Elf64_Shdr> sections() const
	{
		const Elf64_Ehdr h = header();
		std::vector<Elf64_Shdr> found;
		for (size_t i = 0; i < h.e_shnum; ++i)
			found.push_back(get<Elf64_Shdr>(h.e_shoff + i * sizeof(Elf64_Shdr)));
		return found;
	}
	std::optional<Elf64_Shdr> section(const std::string &name) const
	{
		const auto all = sections();
		const size_t names = header().e_shstrndx;
		if (names >= all.size())
			return std::nullopt;
		for (const Elf64_Shdr &s : all)
			if (stringAt(all[names].sh_offset + s.sh_name) == name)
				return s;
		return std::nullopt;
	}
	// The NUL-terminated string at file offset `offset`.
	std::string stringAt(uint64_t offset) const
	{
		if (offset >= bytes_.size())
			throw std::out_of_range("string past the end of the ELF bytes");
		const auto begin = bytes_.begin() + std::ptrdiff_t(offset);
		return std::string(begin, std::find(begin, bytes_.end(), '\0'));
	}

	// The file offset that holds `address`, through the PT_LOAD holding it.
	uint64_t fileOffset(uint64_t address) const
	{
		for (size_t i = 0; i < phnum(); ++i) {
			const Elf64_Phdr p = phdr(i);
			if (p.p_type == PT_LOAD && address >= p.p_vaddr &&
			    address < p.p_vaddr + p.p_filesz)
				return p.p_offset + (address - p.p_vaddr);
		}
		throw std::runtime_error("address " + std::to_string(address) +
					 " is not in the file");
	}

	// The file offset of dynamic entry `k` (PT_DYNAMIC read through memory,
	// as ld.so does).
	uint64_t dynamicOffset(size_t k) const
	{
		const Elf64_Phdr d = phdr(lastSegment(PT_DYNAMIC).value());
		return fileOffset(d.p_vaddr) + k * sizeof(Elf64_Dyn);
	}
	// Index of the first dynamic entry with `tag`, before DT_NULL.
	std::optional<size_t> dynamicIndex(int64_t tag) const
	{
		for (size_t k = 0;; ++k) {
			const Elf64_Dyn d = get<Elf64_Dyn>(dynamicOffset(k));
			if (d.d_tag == DT_NULL)
				return std::nullopt;
			if (d.d_tag == tag)
				return k;
		}
	}
	Elf64_Dyn dynamic(int64_t tag) const
	{
		return get<Elf64_Dyn>(dynamicOffset(dynamicIndex(tag).value()));
	}
	void setDynamic(int64_t tag, uint64_t value)
	{
		Elf64_Dyn d = dynamic(tag);
		d.d_un.d_val = value;
		set(dynamicOffset(dynamicIndex(tag).value()), d);
	}
	// Renames the entry: DT_DEBUG is one ld.so reads nothing through.
	void retagDynamic(int64_t tag, int64_t as)
	{
		Elf64_Dyn d = dynamic(tag);
		d.d_tag = as;
		set(dynamicOffset(dynamicIndex(tag).value()), d);
	}

	// Writes the first `length` bytes (all by default) to `path`.
	std::filesystem::path write(const std::filesystem::path &path,
				    std::optional<size_t> length = std::nullopt) const
	{
		std::ofstream out(path, std::ios::binary | std::ios::trunc);
		out.write(reinterpret_cast<const char *>(bytes_.data()),
			  std::streamsize(length.value_or(bytes_.size())));
		if (!out)
			throw std::runtime_error("cannot write " + path.string());
		return path;
	}

private:
	std::vector<unsigned char> bytes_;
};

} // namespace vigil::test
