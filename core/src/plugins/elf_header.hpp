// SPDX-License-Identifier: Apache-2.0
// The ELF pre-check: reads a plugin before dlopen() ever sees it.  glibc
// reports a plugin of another architecture as "No such file or directory",
// dlopen runs the constructors of anything it loads, and ld.so trusts the
// file's layout: a truncated plugin is mapped past its end and kills the
// agent with SIGBUS at the first touch (elf_layout.hpp, elf_dynamic.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace vigil {

struct ElfIdentity {
	unsigned elf_class = 0; // 1 = 32-bit, 2 = 64-bit
	unsigned data = 0;	// 1 = little endian, 2 = big endian
	unsigned type = 0;	// e_type: 3 = ET_DYN
	unsigned machine = 0;	// e_machine
};

// Human name of an e_machine value ("x86_64", "aarch64", "machine 1234").
std::string elfMachineName(unsigned machine);

// The identity this agent was built for.
ElfIdentity hostElfIdentity();

// Reads the header.  Throws PluginError: "not an ELF file", "truncated ELF
// header", "cannot read: <strerror>".
ElfIdentity readElfIdentity(const std::filesystem::path &file);

// Throws PluginError unless the regular file open as `fd` is a shared object
// this agent can load: "built for aarch64, this agent is x86_64", "32-bit
// ELF, this agent is 64-bit", "big-endian ELF ...", "not a shared object (ELF
// type executable)", "cannot read: not a regular file"; and unless ld.so can
// map and relocate it without reading past its end or outside the file part
// of its segments: "truncated: segment 2 ends at byte 12345, the file has
// 4096", "corrupt segment 3: ...", "corrupt dynamic section: ...", "corrupt
// DT_GNU_HASH: ...", and so on (elf_layout.hpp, elf_dynamic.hpp,
// elf_symbols.hpp, elf_relocations.hpp).  Reads with pread() only: the loader
// then hands the same descriptor to dlopen().
void checkLoadableElf(int fd);

// The same for a path (opened O_RDONLY | O_CLOEXEC | O_NONBLOCK).
void checkLoadableElf(const std::filesystem::path &file);

} // namespace vigil
