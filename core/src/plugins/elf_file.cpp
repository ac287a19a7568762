// SPDX-License-Identifier: Apache-2.0
#include "plugins/elf_file.hpp"

#include "plugins/error.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vigil::elf {

namespace {

// Large enough for every fixed-size structure and most tables of a plugin in
// one read; small enough not to matter next to the plugin's own mapping.
constexpr size_t kWindowSize = 64 * 1024;

} // namespace

std::optional<uint64_t> add(uint64_t a, uint64_t b)
{
	uint64_t sum;
	if (__builtin_add_overflow(a, b, &sum))
		return std::nullopt;
	return sum;
}

std::optional<uint64_t> multiply(uint64_t a, uint64_t b)
{
	uint64_t product;
	if (__builtin_mul_overflow(a, b, &product))
		return std::nullopt;
	return product;
}

std::string hex(uint64_t value)
{
	static const char digits[] = "0123456789abcdef";
	std::string text;
	do {
		text.insert(text.begin(), digits[value & 0xf]);
		value >>= 4;
	} while (value != 0);
	return "0x" + text;
}

uint16_t Encoding::half(const unsigned char *p) const
{
	return big_endian ? uint16_t(p[0] << 8 | p[1]) : uint16_t(p[1] << 8 | p[0]);
}

uint32_t Encoding::word(const unsigned char *p) const
{
	uint32_t value = 0;
	for (int i = 0; i < 4; ++i)
		value |= uint32_t(p[big_endian ? 3 - i : i]) << (8 * i);
	return value;
}

uint64_t Encoding::xword(const unsigned char *p) const
{
	uint64_t value = 0;
	for (int i = 0; i < 8; ++i)
		value |= uint64_t(p[big_endian ? 7 - i : i]) << (8 * i);
	return value;
}

uint64_t Encoding::classWord(const unsigned char *p) const
{
	return is64 ? xword(p) : word(p);
}

bool ElfFile::contains(uint64_t offset, uint64_t length) const
{
	std::optional<uint64_t> end = add(offset, length);
	return end && *end <= size_;
}

std::vector<unsigned char> ElfFile::read(uint64_t offset, uint64_t length) const
{
	std::vector<unsigned char> bytes(length);
	read(offset, bytes.data(), bytes.size());
	return bytes;
}

void ElfFile::read(uint64_t offset, void *out, size_t length) const
{
	if (length == 0)
		return; // `out` may be null (an empty table)
	if (length > kWindowSize) {
		preadExactly(offset, out, length);
		return;
	}
	const bool cached = offset >= window_offset_ && offset - window_offset_ <= window_.size() &&
			    window_.size() - (offset - window_offset_) >= length;
	if (!cached) {
		// Callers checked the range, so the file holds at least `length`
		// bytes from `offset`.
		window_.resize(std::min<uint64_t>(kWindowSize, size_ - offset));
		window_offset_ = offset;
		preadExactly(offset, window_.data(), window_.size());
	}
	std::memcpy(out, window_.data() + (offset - window_offset_), length);
}

size_t ElfFile::readPrefix(void *out, size_t length) const
{
	const size_t wanted = std::min<uint64_t>(length, size_);
	preadExactly(0, out, wanted);
	return wanted;
}

void ElfFile::preadExactly(uint64_t offset, void *out, size_t length) const
{
	auto *bytes = static_cast<unsigned char *>(out);
	size_t got = 0;
	while (got < length) {
		ssize_t n = ::pread(fd_, bytes + got, length - got, off_t(offset + got));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			window_.clear();
			throw PluginError(std::string("cannot read: ") + std::strerror(errno));
		}
		if (n == 0) {
			window_.clear();
			throw PluginError(
				"cannot read: the file shrank while it was being checked");
		}
		got += size_t(n);
	}
}

} // namespace vigil::elf
