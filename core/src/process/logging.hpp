// SPDX-License-Identifier: Apache-2.0
// Logging: one spdlog logger per component ("loader", "scheduler", "check",
// ...), all writing to stderr through one sink, so stdout stays free for
// `vigil run --output json`.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace vigil {

// The logger of a component, created on first use.  Thread-safe.
std::shared_ptr<spdlog::logger> logger(const std::string &category);

// "trace", "debug", "info", "warning"/"warn", "error", "critical", "off".
// Throws std::invalid_argument for anything else.
void setLogLevel(const std::string &level);

} // namespace vigil
