// SPDX-License-Identifier: Apache-2.0
#include "system_root.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace vigil::system {

namespace {

std::filesystem::path pick(const vigil::Config &instance, const char *key, const char *env,
			   const char *fallback)
{
	std::string configured = instance.string(key, "");
	if (!configured.empty())
		return configured;
	const char *from_env = std::getenv(env);
	if (from_env && *from_env)
		return from_env;
	return fallback;
}

} // namespace

SystemRoot SystemRoot::fromConfig(const vigil::Config &instance)
{
	return SystemRoot(pick(instance, "proc_root", "VIGIL_PROC_ROOT", "/proc"),
			  pick(instance, "sys_root", "VIGIL_SYS_ROOT", "/sys"));
}

std::string SystemRoot::readFile(const std::filesystem::path &file)
{
	// Plain read(2): no iostream locale machinery on a path every check
	// takes every run, and EINTR is handled.
	int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		throw FileError("cannot read '" + file.string() + "': " + std::strerror(errno));
	std::string out;
	char buf[8192];
	for (;;) {
		ssize_t n = ::read(fd, buf, sizeof(buf));
		if (n > 0) {
			out.append(buf, static_cast<size_t>(n));
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			::close(fd);
			throw FileError("cannot read '" + file.string() +
					"': " + std::strerror(err));
		}
		break;
	}
	::close(fd);
	return out;
}

} // namespace vigil::system
