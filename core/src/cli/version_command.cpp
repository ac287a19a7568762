// SPDX-License-Identifier: Apache-2.0
#include "build_config.hpp"
#include "commands.hpp"

#include <vigil/check.h>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace vigil::cli {

int versionCommand(bool json)
{
	const char *python = VIGIL_PYTHON_ENABLED ? "enabled" : "disabled";
	const char *tls = VIGIL_TLS_ENABLED ? "enabled" : "disabled";
	if (json) {
		nlohmann::json j = {
			{"version", VIGIL_VERSION},
			{"features", {{"python", python}, {"tls", tls}}},
			{"abi", {VIGIL_ABI_VERSION_MAJOR, VIGIL_ABI_VERSION_MINOR}},
			{"compiler", VIGIL_COMPILER},
			{"arch", VIGIL_TARGET_ARCH},
		};
		std::printf("%s\n", j.dump(2).c_str());
		return 0;
	}
	std::printf("vigil %s\n"
		    "features: python: %s, tls: %s\n"
		    "check ABI: %u.%u\n"
		    "compiler: %s\n"
		    "arch: %s\n",
		    VIGIL_VERSION, python, tls, VIGIL_ABI_VERSION_MAJOR, VIGIL_ABI_VERSION_MINOR,
		    VIGIL_COMPILER, VIGIL_TARGET_ARCH);
	return 0;
}

} // namespace vigil::cli
