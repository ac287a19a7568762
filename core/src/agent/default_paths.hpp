// SPDX-License-Identifier: Apache-2.0
// Where Vigil looks when nothing is configured: the build tree when the
// binary runs from it (so a fresh build works with no configuration), the
// install locations otherwise.
#pragma once

#include <filesystem>
#include <vector>

namespace vigil {

struct DefaultPaths {
	bool build_tree = false;
	std::vector<std::filesystem::path> plugins_dirs;
	std::filesystem::path conf_dir;
	std::filesystem::path agent_config; // read only if it exists
	std::filesystem::path python_host;  // the Python provider plugin
	std::filesystem::path state_dir;    // persistent check state (caches)
	std::filesystem::path run_dir;	    // the running agent's status token and address
};

DefaultPaths defaultPaths();

} // namespace vigil
