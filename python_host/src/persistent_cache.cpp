// SPDX-License-Identifier: Apache-2.0
#include "persistent_cache.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace vigil::pyhost {
namespace {

constexpr size_t kMaxNameLength = 160;

uint64_t fnv1a(std::string_view s)
{
	uint64_t h = 1469598103934665603ull;
	for (unsigned char c : s) {
		h ^= c;
		h *= 1099511628211ull;
	}
	return h;
}

bool safeChar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

} // namespace

std::string cacheFileName(std::string_view key)
{
	std::string name;
	name.reserve(key.size() + 17);
	bool changed = false;
	for (char c : key) {
		if (safeChar(c)) {
			name += c;
		} else {
			name += '_';
			changed = true;
		}
	}
	// A leading '.' would make "." and ".." (or hidden files) possible.
	if (name.empty() || name[0] == '.') {
		name.insert(0, "_");
		changed = true;
	}
	if (name.size() > kMaxNameLength) {
		name.resize(kMaxNameLength);
		changed = true;
	}
	if (changed) {
		char hash[20];
		std::snprintf(hash, sizeof hash, "-%016llx",
			      static_cast<unsigned long long>(fnv1a(key)));
		name += hash;
	}
	return name;
}

std::string readPersistentCache(const std::string &state_dir, std::string_view key)
{
	if (state_dir.empty())
		return {};
	std::ifstream in(std::filesystem::path(state_dir) / cacheFileName(key), std::ios::binary);
	if (!in)
		return {};
	std::ostringstream out;
	out << in.rdbuf();
	return out.str();
}

bool writePersistentCache(const std::string &state_dir, std::string_view key,
			  std::string_view value, std::string &error)
{
	if (state_dir.empty()) {
		error = "no state_dir configured";
		return false;
	}
	std::filesystem::path dir(state_dir);
	std::error_code ec;
	std::filesystem::create_directories(dir, ec);
	if (ec) {
		error = "cannot create '" + state_dir + "': " + ec.message();
		return false;
	}
	std::filesystem::path target = dir / cacheFileName(key);
	std::ostringstream tmp_name;
	tmp_name << target.string() << ".tmp." << std::this_thread::get_id();
	std::filesystem::path tmp(tmp_name.str());
	{
		std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
		out.write(value.data(), static_cast<std::streamsize>(value.size()));
		out.close();
		if (!out) {
			error = "cannot write '" + tmp.string() + "': " + std::strerror(errno);
			std::filesystem::remove(tmp, ec);
			return false;
		}
	}
	std::filesystem::rename(tmp, target, ec);
	if (ec) {
		error = "cannot rename to '" + target.string() + "': " + ec.message();
		std::filesystem::remove(tmp, ec);
		return false;
	}
	return true;
}

} // namespace vigil::pyhost
