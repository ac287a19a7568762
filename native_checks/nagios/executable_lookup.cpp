// SPDX-License-Identifier: Apache-2.0
#include "executable_lookup.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace vigil::nagios {

namespace {

std::string inDirectory(const std::string &file, const std::string &cwd)
{
	if (file.empty() || file.front() == '/' || cwd.empty())
		return file;
	return cwd + "/" + file;
}

// 0 when `file` is a regular file we may execute, else an errno value.
int runnable(const std::string &file)
{
	struct stat st;
	if (::stat(file.c_str(), &st) != 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode))
		return EACCES; // what execve says of a FIFO or device
	if (::access(file.c_str(), X_OK) != 0)
		return errno;
	return 0;
}

std::string cannotRun(const std::string &file, int err)
{
	return "cannot run '" + file + "': " + std::strerror(err);
}

} // namespace

Executable findExecutable(const std::string &program, const std::string &path_list,
			  const std::string &cwd)
{
	if (program.find('/') != std::string::npos) {
		std::string file = inDirectory(program, cwd);
		int err = runnable(file);
		return err ? Executable{"", cannotRun(file, err)} : Executable{file, ""};
	}
	// Empty PATH entries (the current directory to a shell) are skipped:
	// a plugin is never meant to be picked up from wherever it runs.
	std::string first_refusal;
	std::string_view rest = path_list;
	while (!rest.empty()) {
		size_t colon = rest.find(':');
		std::string dir(rest.substr(0, colon));
		rest = colon == std::string_view::npos ? std::string_view()
						       : rest.substr(colon + 1);
		if (dir.empty())
			continue;
		std::string file = inDirectory(dir, cwd) + "/" + program;
		int err = runnable(file);
		if (err == 0)
			return {file, ""};
		if (err != ENOENT && err != ENOTDIR && first_refusal.empty())
			first_refusal = cannotRun(file, err);
	}
	if (!first_refusal.empty())
		return {"", first_refusal};
	return {"", "cannot run '" + program + "': not found in PATH (" + path_list + ")"};
}

std::string checkWorkingDirectory(const std::string &cwd)
{
	struct stat st;
	int err = 0;
	if (::stat(cwd.c_str(), &st) != 0)
		err = errno;
	else if (!S_ISDIR(st.st_mode))
		err = ENOTDIR;
	else if (::access(cwd.c_str(), X_OK) != 0)
		err = errno;
	return err ? "cannot use cwd '" + cwd + "': " + std::strerror(err) : "";
}

} // namespace vigil::nagios
