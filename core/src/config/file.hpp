// SPDX-License-Identifier: Apache-2.0
// Reading one configuration file and parsing it as one YAML document, with
// every failure turned into a ConfigError that names the file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <filesystem>
#include <string>

namespace vigil {

// Configuration files are small; anything bigger is a mistake or an attack.
inline constexpr std::size_t max_config_file_size = std::size_t{16} << 20;

// The whole file.  Throws ConfigError "FILE: cannot read: REASON" when it
// cannot be opened or read, is not a regular file, or is over the size limit.
std::string readConfigFile(const std::filesystem::path &file);

// The document in `text`; a Null node when it is empty or only comments.
// Throws ConfigError "FILE:LINE: invalid YAML: MESSAGE (column N)", also when
// the text holds more than one document.
YAML::Node parseYamlDocument(const std::string &text, const std::string &file);

} // namespace vigil
