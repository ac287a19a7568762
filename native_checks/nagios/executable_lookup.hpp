// SPDX-License-Identifier: Apache-2.0
// Which file a command runs, found before anything is spawned: in the
// instance's PATH (not the agent's, which posix_spawnp would search), or
// as written when it holds a '/'.  Checking first also gives the reason in
// words where posix_spawn cannot report it (under qemu-user an exec that
// fails is only an exit status 127).
#pragma once

#include <string>

namespace vigil::nagios {

struct Executable {
	std::string path;  // what to spawn; empty when `error` says why not
	std::string error; // "cannot run '/x/check_y': Permission denied", ...
};

// `program` is argv[0]; a relative path or PATH entry is taken from `cwd`
// when one is set, as the command will run there.
Executable findExecutable(const std::string &program, const std::string &path_list,
			  const std::string &cwd);

// "" when `cwd` is a directory the command can enter, else why not.
std::string checkWorkingDirectory(const std::string &cwd);

} // namespace vigil::nagios
