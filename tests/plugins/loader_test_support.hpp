// SPDX-License-Identifier: Apache-2.0
// What the loader tests share: fixture paths, per-test plugin folders, and a
// capture of the "loader" log.
#pragma once

#include "process/logging.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

namespace vigil::test {

namespace fs = std::filesystem;

// A built fixture (build folder) or a committed one (tests/data/plugins).
inline fs::path fixture(const std::string &file)
{
	fs::path built = fs::path(VIGIL_FIXTURE_DIR) / file;
	if (fs::exists(built))
		return built;
	return fs::path(VIGIL_TEST_DATA) / "plugins" / file;
}

// A fresh, empty folder removed at the end of the test.
class TempDir {
public:
	TempDir()
	{
		std::string pattern =
			(fs::path(::testing::TempDir()) / "vigil-loader-XXXXXX").string();
		if (!::mkdtemp(pattern.data()))
			throw std::runtime_error("mkdtemp failed for " + pattern);
		path_ = pattern;
	}
	~TempDir()
	{
		std::error_code ec;
		fs::remove_all(path_, ec);
	}
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;

	const fs::path &path() const { return path_; }

	// Copies fixture `file` in, optionally under another name.
	fs::path add(const std::string &file, const std::string &as = {}) const
	{
		fs::path to = path_ / (as.empty() ? file : as);
		fs::copy_file(fixture(file), to, fs::copy_options::overwrite_existing);
		return to;
	}
	fs::path touch(const std::string &name, const std::string &text = "") const
	{
		fs::path to = path_ / name;
		std::ofstream(to) << text;
		return to;
	}

private:
	fs::path path_;
};

// Records what the "loader" logger writes as "<level> <message>" lines.
class LogCapture {
public:
	LogCapture() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_))
	{
		sink_->set_pattern("%l %v");
		logger("loader")->sinks().push_back(sink_);
	}
	~LogCapture()
	{
		auto &sinks = logger("loader")->sinks();
		sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
	}

	std::vector<std::string> lines() const
	{
		std::vector<std::string> result;
		std::istringstream in(out_.str());
		for (std::string line; std::getline(in, line);)
			result.push_back(line);
		return result;
	}
	// Lines containing `text`.
	size_t count(const std::string &text) const
	{
		auto all = lines();
		return std::count_if(all.begin(), all.end(), [&](const std::string &l) {
			return l.find(text) != std::string::npos;
		});
	}

private:
	std::ostringstream out_;
	spdlog::sink_ptr sink_;
};

} // namespace vigil::test
