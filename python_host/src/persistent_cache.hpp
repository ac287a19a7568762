// SPDX-License-Identifier: Apache-2.0
// datadog_agent.read/write_persistent_cache: one file per key under the
// agent's state_dir, so a value survives an agent restart.
#pragma once

#include <string>
#include <string_view>

namespace vigil::pyhost {

// The file name for a key: [A-Za-z0-9_.-] kept, anything else becomes '_';
// when that changed the key (or it is too long), a hash of the original is
// appended so two different keys never share a file.
std::string cacheFileName(std::string_view key);

// "" when the key was never written (what the Datadog agent answers too).
std::string readPersistentCache(const std::string &state_dir, std::string_view key);

// Replaces the value atomically (write to a temporary file, rename).  False
// with a reason in `error`.
bool writePersistentCache(const std::string &state_dir, std::string_view key,
			  std::string_view value, std::string &error);

} // namespace vigil::pyhost
