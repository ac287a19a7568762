// SPDX-License-Identifier: Apache-2.0
// An instance's options, checked once when the instance is created: what
// to run (`command`, `shell`), where and with what (`cwd`, `env`), for how
// long (`timeout`, within the agent's own limit for the run: `vigil_timeout`
// or the interval), under which name (`name`) and what to send
// (`thresholds`).  A mistake is one std::runtime_error naming the option and
// the fix; nothing is guessed (a string `command` without `shell: true` is
// refused rather than split on spaces).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::nagios {

struct CommandConfig {
	std::vector<std::string> argv; // argv[0] as written; {"/bin/sh", "-c", script} for shell
	std::vector<std::string> env;  // "NAME=value": the command's whole environment
	std::string path;	       // the PATH a bare argv[0] is looked up in
	std::string cwd;	       // empty: the agent's
	double timeout = 0;	       // `timeout`: seconds the plugin may take
	double deadline = 0;	       // when it is killed: timeout, or less (command_config.cpp)
	std::string name;	       // "nagios.<name>": one metric-name segment
	bool thresholds = false;
};

constexpr const char *kDefaultPath = "/usr/local/bin:/usr/bin:/bin";
constexpr double kDefaultTimeout = 60; // seconds, Nagios Core's service_check_timeout

// `instance_json` is the instance's map as JSON (vigil::Config::json()).
CommandConfig parseCommandConfig(const std::string &instance_json);

// `text` as one metric-name segment: [A-Za-z0-9_] kept, any other byte
// '_'; empty when nothing is left but '_'.
std::string metricSegment(std::string_view text);

// The name a command gets without `name`: its program's basename, without
// a .sh/.py/.pl/.rb extension ("check_" stays: it is the plugin's name).
std::string defaultName(std::string_view program);

} // namespace vigil::nagios
