// SPDX-License-Identifier: Apache-2.0
// The ELF pre-check: each reason pinned by a fixture that triggers it.
#include "loader_test_support.hpp"
#include "plugins/elf_header.hpp"
#include "plugins/error.hpp"
#include "plugins/loader.hpp"

#include <gtest/gtest.h>

namespace vigil {
namespace {

using test::fixture;

// The reason loadNativePlugin() gives for `file`, or "loaded".
std::string rejection(const std::filesystem::path &file)
{
	try {
		loadNativePlugin(file);
		return "loaded";
	} catch (const PluginError &e) {
		return e.what();
	}
}

static_assert(sizeof(void *) == 8, "the expected texts below assume a 64-bit agent");

std::string expectedWrongArch()
{
#if defined(__aarch64__)
	return "built for x86_64, this agent is aarch64";
#elif defined(__x86_64__)
	return "built for aarch64, this agent is x86_64";
#else
	return "built for aarch64, this agent is " + elfMachineName(hostElfIdentity().machine);
#endif
}

TEST(ElfHeader, NotElf)
{
	EXPECT_EQ(rejection(fixture("bogus.so")), "not an ELF file");
}

TEST(ElfHeader, EmptyFileIsNotElf)
{
	test::TempDir dir;
	EXPECT_EQ(rejection(dir.touch("empty.so")), "not an ELF file");
}

TEST(ElfHeader, Truncated)
{
	EXPECT_EQ(rejection(fixture("truncated.so")), "truncated ELF header");
}

TEST(ElfHeader, MissingFile)
{
	test::TempDir dir;
	EXPECT_EQ(rejection(dir.path() / "gone.so"), "cannot read: No such file or directory");
}

TEST(ElfHeader, WrongArchitecture)
{
	EXPECT_EQ(rejection(fixture("wrong_arch.so")), expectedWrongArch());
}

TEST(ElfHeader, OtherClass)
{
	EXPECT_EQ(rejection(fixture("other_class.so")), "32-bit ELF, this agent is 64-bit");
}

TEST(ElfHeader, OtherEndianness)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	EXPECT_EQ(rejection(fixture("other_endian.so")),
		  "big-endian ELF, this agent is little-endian");
#else
	EXPECT_EQ(rejection(fixture("other_endian.so")),
		  "little-endian ELF, this agent is big-endian");
#endif
}

TEST(ElfHeader, NotSharedObject)
{
	EXPECT_EQ(rejection(fixture("executable.so")), "not a shared object (ELF type executable)");
}

TEST(ElfHeader, ReadsFieldsOfGeneratedHeader)
{
	ElfIdentity id = readElfIdentity(fixture("other_endian.so"));
	ElfIdentity host = hostElfIdentity();
	EXPECT_EQ(id.machine, host.machine);
	EXPECT_EQ(id.elf_class, host.elf_class);
	EXPECT_NE(id.data, host.data);
	EXPECT_EQ(id.type, 3u);
}

// Under qemu-user this is the emulated binary, so it also checks that the
// host identity comes from the target, not from the machine running qemu.
TEST(ElfHeader, HostIdentityMatchesThisExecutable)
{
	ElfIdentity self = readElfIdentity("/proc/self/exe");
	ElfIdentity host = hostElfIdentity();
	EXPECT_EQ(self.machine, host.machine) << elfMachineName(self.machine);
	EXPECT_EQ(self.elf_class, host.elf_class);
	EXPECT_EQ(self.data, host.data);
}

TEST(ElfHeader, BuiltPluginPassesPreCheck)
{
	EXPECT_NO_THROW(checkLoadableElf(fixture("good_check.so")));
}

TEST(ElfHeader, MachineNames)
{
	EXPECT_EQ(elfMachineName(62), "x86_64");
	EXPECT_EQ(elfMachineName(183), "aarch64");
	EXPECT_EQ(elfMachineName(3), "i386");
	EXPECT_EQ(elfMachineName(40), "arm");
	EXPECT_EQ(elfMachineName(243), "riscv");
	EXPECT_EQ(elfMachineName(21), "ppc64");
	EXPECT_EQ(elfMachineName(22), "s390x");
	EXPECT_EQ(elfMachineName(8), "mips");
	EXPECT_EQ(elfMachineName(1234), "machine 1234");
}

} // namespace
} // namespace vigil
