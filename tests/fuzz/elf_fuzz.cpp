// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the ELF pre-check of plugins (checkLoadableElf(),
// core/src/plugins/elf_header.hpp): whatever the bytes, the check either
// accepts them or throws PluginError with a one-line reason.  Any other
// exception, a crash, a sanitizer report or a hang is a bug; each one found
// becomes a test in tests/plugins/.
#include "plugins/elf_header.hpp"
#include "plugins/error.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

// One memfd for the whole run: the pre-check reads through a descriptor,
// as the loader's does, and a memfd costs no disk.
int pluginFile()
{
	static const int fd = ::memfd_create("elf_fuzz_plugin", MFD_CLOEXEC);
	if (fd < 0)
		std::abort();
	return fd;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const int fd = pluginFile();
	if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != ssize_t(size))
		std::abort();
	try {
		vigil::checkLoadableElf(fd);
	} catch (const vigil::PluginError &e) {
		const char *reason = e.what();
		if (reason[0] == '\0' || std::strchr(reason, '\n'))
			std::abort(); // every reason is one line in `vigil list`
	}
	return 0;
}
