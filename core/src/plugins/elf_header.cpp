// SPDX-License-Identifier: Apache-2.0
#include "plugins/elf_header.hpp"

#include "plugins/elf_dynamic.hpp"
#include "plugins/elf_file.hpp"
#include "plugins/elf_layout.hpp"
#include "plugins/error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
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

// Closes the descriptor on every path out.
struct FileDescriptor {
	int fd;
	~FileDescriptor()
	{
		if (fd >= 0)
			::close(fd);
	}
};

// O_NONBLOCK: a FIFO named like a plugin must not hang discovery.
int openPluginFile(const std::filesystem::path &file)
{
	const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		throw PluginError(std::string("cannot read: ") + std::strerror(errno));
	return fd;
}

// A FIFO or a device has no size to check a layout against (and /dev/zero
// would be read forever).
uint64_t regularFileSize(int fd)
{
	struct stat st {};
	if (::fstat(fd, &st) != 0)
		throw PluginError(std::string("cannot read: ") + std::strerror(errno));
	if (!S_ISREG(st.st_mode))
		throw PluginError("cannot read: not a regular file");
	return uint64_t(st.st_size);
}

ElfIdentity readIdentity(const elf::ElfFile &file)
{
	unsigned char header[kHeaderPrefix];
	const size_t got = file.readPrefix(header, sizeof(header));

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
	FileDescriptor f{openPluginFile(file)};
	const elf::ElfFile elf_file(f.fd, regularFileSize(f.fd));
	return readIdentity(elf_file);
}

void checkLoadableElf(int fd)
{
	const elf::ElfFile file(fd, regularFileSize(fd));
	const ElfIdentity id = readIdentity(file);
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

	// The layout, read in the file's own class and byte order (which are
	// the host's by now).
	elf::Encoding encoding;
	encoding.is64 = id.elf_class == kClass64;
	encoding.big_endian = id.data == kDataBig;
	const elf::Header header = elf::readHeader(file, encoding);
	const uint64_t page_size = uint64_t(::sysconf(_SC_PAGESIZE));
	const elf::Image image = elf::checkSegments(file, header, page_size);
	elf::checkDynamicSection(image, header, page_size);
}

void checkLoadableElf(const std::filesystem::path &file)
{
	FileDescriptor f{openPluginFile(file)};
	checkLoadableElf(f.fd);
}

} // namespace vigil
