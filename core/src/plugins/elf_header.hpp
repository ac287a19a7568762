// SPDX-License-Identifier: Apache-2.0
// Reads an ELF header before dlopen() ever sees the file: glibc reports a
// plugin of another architecture as "No such file or directory", and dlopen
// runs the constructors of anything it loads.
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

// Throws PluginError unless `file` is a shared object this agent can load:
// "built for aarch64, this agent is x86_64", "32-bit ELF, this agent is
// 64-bit", "big-endian ELF ...", "not a shared object (ELF type executable)".
void checkLoadableElf(const std::filesystem::path &file);

} // namespace vigil
