// SPDX-License-Identifier: Apache-2.0
// SystemRoot: where a system check reads /proc and /sys.  Tests point it at
// snapshots under tests/data/proc/, operators at a host's /proc mounted in a
// container (/host/proc).  Order: the instance's `proc_root` / `sys_root`,
// then the VIGIL_PROC_ROOT / VIGIL_SYS_ROOT environment variables, then
// /proc and /sys.
//
// Part of the native checks' own support library: it uses only the public
// SDK, like the checks themselves.
#pragma once

#include <vigil/check.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace vigil::system {

// A /proc or /sys file that is missing, unreadable or malformed; what()
// names the file: "cannot read '/proc/stat': No such file or directory".
class FileError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

class SystemRoot {
public:
	SystemRoot(std::filesystem::path proc, std::filesystem::path sys)
	    : proc_(std::move(proc)), sys_(std::move(sys))
	{
	}

	static SystemRoot fromConfig(const vigil::Config &instance);

	std::filesystem::path proc(std::string_view relative) const { return proc_ / relative; }
	std::filesystem::path sys(std::string_view relative) const { return sys_ / relative; }

	// Whole file; throws FileError.  /proc files report size 0, so this
	// reads until EOF rather than trusting stat().
	std::string readProc(std::string_view relative) const { return readFile(proc(relative)); }
	std::string readSys(std::string_view relative) const { return readFile(sys(relative)); }

	static std::string readFile(const std::filesystem::path &file);

private:
	std::filesystem::path proc_;
	std::filesystem::path sys_;
};

} // namespace vigil::system
