// SPDX-License-Identifier: Apache-2.0
// A built plugin as bytes, for the tests that corrupt it: the ELF header,
// program headers and dynamic entries found and patched in place.  64-bit,
// host byte order, like every plugin the agent under test loads (the loader
// tests assume a 64-bit agent).
#pragma once

#include <gtest/gtest.h>

#include <elf.h>

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
