// SPDX-License-Identifier: Apache-2.0
// The `remote_write:` section of vigil.yaml.
#pragma once

#include "config/agent_config.hpp"
#include "config/setting_reader.hpp"

namespace vigil {

// Throws ConfigError naming the file, line and field: no url, a url that is
// not http(s):// (or https:// in a build without TLS), both kinds of auth, or
// a batch larger than the queue.
RemoteWriteConfig parseRemoteWriteSetting(SettingReader &reader, const Setting &s);

} // namespace vigil
