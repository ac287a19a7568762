// SPDX-License-Identifier: Apache-2.0
#include "agent/run_dir_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace vigil {

namespace {

std::string quoted(const fs::path &p)
{
	return "'" + p.string() + "'";
}

void writeAll(int fd, const std::string &text, const fs::path &path)
{
	size_t done = 0;
	while (done < text.size()) {
		ssize_t n = ::write(fd, text.data() + done, text.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			throw std::runtime_error("cannot write " + quoted(path) + ": " +
						 std::strerror(errno));
		done += static_cast<size_t>(n);
	}
}

} // namespace

std::string randomToken()
{
	unsigned char bytes[32];
	size_t got = 0;
	while (got < sizeof bytes) {
		ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw std::runtime_error(std::string("getrandom failed: ") +
						 std::strerror(errno));
		got += static_cast<size_t>(n);
	}
	static const char hex[] = "0123456789abcdef";
	std::string token;
	for (unsigned char b : bytes) {
		token.push_back(hex[b >> 4]);
		token.push_back(hex[b & 15]);
	}
	return token;
}

fs::path runFilePath(const fs::path &dir)
{
	return dir / "agent.json";
}

RunFile::RunFile(fs::path dir, RunFileInfo info) : path_(runFilePath(dir)), token_(info.token)
{
	std::error_code ec;
	if (!fs::is_directory(dir, ec)) {
		fs::create_directories(dir, ec);
		if (ec)
			throw std::runtime_error("cannot create run directory " + quoted(dir) +
						 ": " + ec.message());
		fs::permissions(dir, fs::perms::owner_all, ec);
	}
	nlohmann::json j = {{"address", info.address},
			    {"token", info.token},
			    {"pid", info.pid},
			    {"version", info.version}};
	std::string text = j.dump(2) + "\n";
	// Written under a temporary name and renamed, so a reader never sees half
	// a file; created 0600 from the start, so the token is never readable by
	// others, whatever the umask.
	fs::path tmp = path_;
	tmp += ".tmp";
	int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		throw std::runtime_error("cannot write " + quoted(tmp) + ": " +
					 std::strerror(errno));
	try {
		::fchmod(fd, 0600);
		writeAll(fd, text, tmp);
	} catch (...) {
		::close(fd);
		::unlink(tmp.c_str());
		throw;
	}
	::close(fd);
	if (::rename(tmp.c_str(), path_.c_str()) != 0) {
		int err = errno;
		::unlink(tmp.c_str());
		throw std::runtime_error("cannot write " + quoted(path_) + ": " +
					 std::strerror(err));
	}
}

RunFile::~RunFile()
{
	// Another agent started with the same run_dir owns the file now.
	std::string why;
	auto current = readRunFile(path_.parent_path(), &why);
	if (current && current->token == token_)
		::unlink(path_.c_str());
}

std::optional<RunFileInfo> readRunFile(const fs::path &dir, std::string *why)
{
	fs::path path = runFilePath(dir);
	std::ifstream in(path);
	if (!in) {
		int err = errno;
		if (why)
			*why = err == ENOENT
				       ? "no agent is running (no " + quoted(path) + ")"
				       : "cannot read " + quoted(path) + ": " + std::strerror(err);
		return std::nullopt;
	}
	std::stringstream text;
	text << in.rdbuf();
	try {
		nlohmann::json j = nlohmann::json::parse(text.str());
		RunFileInfo info;
		info.address = j.at("address").get<std::string>();
		info.token = j.at("token").get<std::string>();
		info.pid = j.value("pid", 0L);
		info.version = j.value("version", "");
		return info;
	} catch (const std::exception &e) {
		if (why)
			*why = quoted(path) + " is malformed: " + e.what();
		return std::nullopt;
	}
}

} // namespace vigil
