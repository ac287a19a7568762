// SPDX-License-Identifier: Apache-2.0
// The running agent's entry in its run directory (`run_dir` in vigil.yaml):
// agent.json, mode 0600, with the HTTP address and the random token that
// /status requires, so `vigil status` (run by the same user, or root) finds
// and may query the agent while other local users may not.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace vigil {

struct RunFileInfo {
	std::string address; // "host:port" of the HTTP server
	std::string token;   // for "Authorization: Bearer <token>"
	long pid = 0;
	std::string version;
};

// A fresh random token (hex of 32 bytes from the kernel's CSPRNG).
std::string randomToken();

// Owns agent.json for the agent's lifetime: the constructor writes it
// (creating the directory with mode 0700 if missing), the destructor removes
// it unless another agent has replaced it since.
class RunFile {
public:
	// Throws std::runtime_error naming the path and the reason.
	RunFile(std::filesystem::path dir, RunFileInfo info);
	~RunFile();
	RunFile(const RunFile &) = delete;
	RunFile &operator=(const RunFile &) = delete;

	const std::filesystem::path &path() const { return path_; }

private:
	std::filesystem::path path_;
	std::string token_;
};

std::filesystem::path runFilePath(const std::filesystem::path &dir);

// Reads agent.json; nullopt with `why` set when there is none or it cannot
// be read (missing, permission denied, malformed).
std::optional<RunFileInfo> readRunFile(const std::filesystem::path &dir, std::string *why);

} // namespace vigil
