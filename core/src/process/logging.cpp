// SPDX-License-Identifier: Apache-2.0
#include "process/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>
#include <stdexcept>

namespace vigil {

namespace {

struct LogState {
	std::mutex lock;
	spdlog::sink_ptr sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
	spdlog::level::level_enum level = spdlog::level::info;
};

LogState &state()
{
	static LogState s;
	return s;
}

} // namespace

std::shared_ptr<spdlog::logger> logger(const std::string &category)
{
	LogState &s = state();
	std::lock_guard guard(s.lock);
	if (auto existing = spdlog::get(category))
		return existing;
	auto log = std::make_shared<spdlog::logger>(category, s.sink);
	log->set_pattern("%Y-%m-%d %H:%M:%S.%e %l [%n] %v");
	log->set_level(s.level);
	spdlog::register_logger(log);
	return log;
}

void setLogLevel(const std::string &level)
{
	std::string name = level == "warning" ? "warn" : level;
	auto parsed = spdlog::level::from_str(name);
	// from_str() maps anything unknown to "off"; only "off" itself may.
	if (parsed == spdlog::level::off && name != "off")
		throw std::invalid_argument(
			"unknown log level '" + level +
			"' (trace, debug, info, warning, error, critical, off)");
	LogState &s = state();
	std::lock_guard guard(s.lock);
	s.level = parsed;
	spdlog::apply_all([parsed](std::shared_ptr<spdlog::logger> l) { l->set_level(parsed); });
}

} // namespace vigil
