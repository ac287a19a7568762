// SPDX-License-Identifier: Apache-2.0
#include "proc_stat_scan.hpp"

#include "system_root.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

namespace vigil::process {

namespace {

// Fields after the state letter up to num_threads: ppid pgrp session tty_nr
// tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
// priority nice, then num_threads (proc(5), fields 4..20).
constexpr int kFieldsBeforeNumThreads = 16;

// A stat line is ~300 bytes; 64-bit counters in all 52 fields and a 64-byte
// comm stay well under this.
constexpr size_t kStatBufferSize = 4096;

bool isPidName(const char *name)
{
	if (*name < '1' || *name > '9')
		return false;
	for (const char *c = name; *c; ++c)
		if (*c < '0' || *c > '9')
			return false;
	return true;
}

// The process exited between readdir() and our read: not a problem.
bool processVanished(int err)
{
	return err == ENOENT || err == ESRCH;
}

struct DirCloser {
	void operator()(DIR *dir) const { ::closedir(dir); }
};

struct ReadResult {
	ssize_t size = 0; // bytes, or -1 with err set
	int err = 0;
};

ReadResult readStat(int proc_fd, const char *pid, char *buf, size_t capacity)
{
	char relative[sizeof(dirent::d_name) + 8];
	std::snprintf(relative, sizeof(relative), "%s/stat", pid);
	int fd = ::openat(proc_fd, relative, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return {-1, errno};
	size_t used = 0;
	while (used < capacity) {
		ssize_t n = ::read(fd, buf + used, capacity - used);
		if (n > 0) {
			used += static_cast<size_t>(n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			::close(fd);
			return {-1, err};
		}
		break;
	}
	::close(fd);
	return {static_cast<ssize_t>(used), 0};
}

} // namespace

std::optional<StatFields> parseStatLine(std::string_view line)
{
	// The command name may hold spaces and parentheses; the kernel writes
	// it as "(comm)", so the real end is the last ')'.
	size_t open = line.find('(');
	size_t close = line.rfind(')');
	if (open == std::string_view::npos || close == std::string_view::npos || close < open)
		return std::nullopt;
	std::string_view rest = line.substr(close + 1);
	if (rest.size() < 3 || rest[0] != ' ' || rest[2] != ' ')
		return std::nullopt;
	StatFields fields;
	fields.state = rest[1];
	rest.remove_prefix(3);

	for (int skipped = 0; skipped < kFieldsBeforeNumThreads; ++skipped) {
		size_t space = rest.find(' ');
		if (space == 0 || space == std::string_view::npos)
			return std::nullopt;
		rest.remove_prefix(space + 1);
	}
	const char *end = rest.data() + rest.size();
	auto [stop, ec] = std::from_chars(rest.data(), end, fields.num_threads);
	if (ec != std::errc() || stop == rest.data() ||
	    (stop != end && *stop != ' ' && *stop != '\n'))
		return std::nullopt;
	return fields;
}

ProcessCensus scanProcesses(const std::string &proc_root, size_t max_problems)
{
	std::unique_ptr<DIR, DirCloser> dir(::opendir(proc_root.c_str()));
	if (!dir)
		throw system::FileError("cannot read '" + proc_root + "': " + std::strerror(errno));
	const int proc_fd = ::dirfd(dir.get());

	ProcessCensus census;
	auto problem = [&](const char *pid, const std::string &what) {
		if (census.problem_count++ < max_problems)
			census.problems.push_back("'" + proc_root + "/" + pid + "/stat' " + what);
	};

	char buf[kStatBufferSize];
	while (const dirent *entry = ::readdir(dir.get())) {
		if (entry->d_type != DT_DIR && entry->d_type != DT_UNKNOWN)
			continue;
		if (!isPidName(entry->d_name))
			continue;
		ReadResult read = readStat(proc_fd, entry->d_name, buf, sizeof(buf));
		if (read.size < 0) {
			if (!processVanished(read.err))
				problem(entry->d_name,
					std::string("cannot be read: ") + std::strerror(read.err));
			continue;
		}
		std::optional<StatFields> fields =
			parseStatLine(std::string_view(buf, static_cast<size_t>(read.size)));
		if (!fields) {
			problem(entry->d_name, "is malformed");
			continue;
		}
		auto letter = static_cast<unsigned char>(fields->state);
		if (letter < census.by_state.size())
			++census.by_state[letter];
		else
			++census.other_states;
		++census.processes;
		census.threads += fields->num_threads;
	}
	return census;
}

} // namespace vigil::process
