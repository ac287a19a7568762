// SPDX-License-Identifier: Apache-2.0
#include "plugins/elf_header.hpp"

#include "plugins/error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil {

namespace {

// Only the fields we need: e_ident (16 bytes), e_type and e_machine.  They sit
// at the same offsets in ELF32 and ELF64, so one read covers both classes.
constexpr size_t kIdentSize = 16;
constexpr size_t kHeaderPrefix = 20;
constexpr unsigned kClass32 = 1, kClass64 = 2;
constexpr unsigned kDataLittle = 1, kDataBig = 2;
constexpr unsigned kTypeDyn = 3;

unsigned read16(const unsigned char *p, unsigned data)
{
	return data == kDataBig ? (unsigned(p[0]) << 8) | p[1] : (unsigned(p[1]) << 8) | p[0];
}

const char *elfTypeName(unsigned type)
{
	switch (type) {
	case 0:
		return "none";
	case 1:
		return "relocatable";
	case 2:
		return "executable";
	case 3:
		return "shared object";
	case 4:
		return "core";
	default:
		return nullptr;
	}
}

const char *endianName(unsigned data)
{
	return data == kDataBig ? "big-endian" : "little-endian";
}

// Closes the descriptor on every path out of readElfIdentity().
struct FileDescriptor {
	int fd;
	~FileDescriptor()
	{
		if (fd >= 0)
			::close(fd);
	}
};

} // namespace

std::string elfMachineName(unsigned machine)
{
	switch (machine) {
	case 2:
		return "sparc";
	case 3:
		return "i386";
	case 8:
		return "mips";
	case 20:
		return "ppc";
	case 21:
		return "ppc64";
	case 22:
		return "s390x";
	case 40:
		return "arm";
	case 43:
		return "sparc64";
	case 50:
		return "ia64";
	case 62:
		return "x86_64";
	case 183:
		return "aarch64";
	case 243:
		return "riscv";
	case 247:
		return "bpf";
	case 258:
		return "loongarch";
	default:
		return "machine " + std::to_string(machine);
	}
}

ElfIdentity hostElfIdentity()
{
	ElfIdentity id;
	id.elf_class = sizeof(void *) == 8 ? kClass64 : kClass32;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	id.data = kDataBig;
#else
	id.data = kDataLittle;
#endif
	id.type = kTypeDyn;
	// The compiler's target, not uname(): under qemu-user the kernel reports the
	// build machine while this binary (and every plugin it may load) is aarch64.
#if defined(__x86_64__)
	id.machine = 62;
#elif defined(__aarch64__)
	id.machine = 183;
#elif defined(__i386__)
	id.machine = 3;
#elif defined(__arm__)
	id.machine = 40;
#elif defined(__riscv)
	id.machine = 243;
#elif defined(__powerpc64__)
	id.machine = 21;
#elif defined(__powerpc__)
	id.machine = 20;
#elif defined(__s390__)
	id.machine = 22;
#elif defined(__mips__)
	id.machine = 8;
#elif defined(__sparc__) && defined(__arch64__)
	id.machine = 43;
#elif defined(__sparc__)
	id.machine = 2;
#elif defined(__loongarch__)
	id.machine = 258;
#else
#error "unknown target architecture: add its e_machine value to hostElfIdentity()"
#endif
	return id;
}

ElfIdentity readElfIdentity(const std::filesystem::path &file)
{
	// O_NONBLOCK: a FIFO named like a plugin must not hang discovery.
	FileDescriptor f{::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
	if (f.fd < 0)
		throw PluginError(std::string("cannot read: ") + std::strerror(errno));

	unsigned char header[kHeaderPrefix];
	size_t got = 0;
	while (got < sizeof(header)) {
		ssize_t n = ::read(f.fd, header + got, sizeof(header) - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			throw PluginError(std::string("cannot read: ") + std::strerror(errno));
		}
		if (n == 0)
			break;
		got += size_t(n);
	}

	static const unsigned char magic[4] = {0x7f, 'E', 'L', 'F'};
	if (got < sizeof(magic) || std::memcmp(header, magic, sizeof(magic)) != 0)
		throw PluginError("not an ELF file");
	if (got < kHeaderPrefix)
		throw PluginError("truncated ELF header");

	ElfIdentity id;
	id.elf_class = header[4];
	id.data = header[5];
	if (id.elf_class != kClass32 && id.elf_class != kClass64)
		throw PluginError("corrupt ELF header (class " + std::to_string(id.elf_class) +
				  ")");
	if (id.data != kDataLittle && id.data != kDataBig)
		throw PluginError("corrupt ELF header (data encoding " + std::to_string(id.data) +
				  ")");
	static_assert(kIdentSize + 4 == kHeaderPrefix);
	id.type = read16(header + kIdentSize, id.data);
	id.machine = read16(header + kIdentSize + 2, id.data);
	return id;
}

void checkLoadableElf(const std::filesystem::path &file)
{
	const ElfIdentity id = readElfIdentity(file);
	const ElfIdentity host = hostElfIdentity();

	// The machine first: "built for arm" says more than "32-bit" about an
	// armhf plugin on an x86_64 agent.  Class and byte order then catch the
	// variants of our own machine (x32, ILP32, big-endian aarch64).
	if (id.machine != host.machine)
		throw PluginError("built for " + elfMachineName(id.machine) + ", this agent is " +
				  elfMachineName(host.machine));
	if (id.elf_class != host.elf_class)
		throw PluginError(std::string(id.elf_class == kClass32 ? "32" : "64") +
				  "-bit ELF, this agent is " +
				  (host.elf_class == kClass32 ? "32" : "64") + "-bit");
	if (id.data != host.data)
		throw PluginError(std::string(endianName(id.data)) + " ELF, this agent is " +
				  endianName(host.data));
	if (id.type != kTypeDyn) {
		const char *name = elfTypeName(id.type);
		throw PluginError(std::string("not a shared object (ELF type ") +
				  (name ? name : std::to_string(id.type)) + ")");
	}
}

} // namespace vigil
