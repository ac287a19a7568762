// SPDX-License-Identifier: Apache-2.0
#include "build_config.hpp"
#include "commands.hpp"
#include "plugins/provider.hpp"

#include <vigil/check.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

namespace vigil::cli {

namespace {

// What the Python provider runs checks with (provider.h's
// environment_json), or {"error": why not}.  Opens it as the agent would,
// with vigil.yaml's `python:`, so the datadog_checks.base named is the one
// checks get.
nlohmann::json pythonEnvironment(const CliOverrides &overrides)
{
#if !VIGIL_PYTHON_ENABLED
	(void)overrides;
	return {{"error", "built without Python support"}};
#else
	try {
		AgentSettings settings = resolveSettings(overrides);
		std::error_code ec;
		if (!std::filesystem::exists(settings.python_host, ec))
			return {{"error", "python support not installed: '" +
						  settings.python_host.string() + "' not found"}};
		auto provider =
			CheckProvider::open(settings.python_host, pythonProviderOptions(settings));
		const std::string json = provider->environmentJson();
		if (json.empty())
			return {{"error", "the python provider '" + settings.python_host.string() +
						  "' cannot say (built before environment_json)"}};
		nlohmann::json environment = nlohmann::json::parse(json);
		if (!environment.is_object())
			return {{"error", "the python provider answered no JSON object"}};
		return environment;
	} catch (const std::exception &e) {
		return {{"error", std::string("python unavailable: ") + e.what()}};
	}
#endif
}

std::string text(const nlohmann::json &j, const char *key)
{
	auto it = j.find(key);
	return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// "datadog_checks.base: 35.0.0 (/path)", the shim, why it cannot be
// imported, or why Python cannot say.
std::string baseLine(const nlohmann::json &python)
{
	if (python.contains("error"))
		return "none (" + text(python, "error") + ")";
	auto it = python.find("datadog_checks_base");
	if (it == python.end() || !it->is_object())
		return "none";
	const nlohmann::json &base = *it;
	const std::string path = text(base, "path");
	if (base.contains("error"))
		return "cannot be imported" + (path.empty() ? "" : " from " + path) + ": " +
		       text(base, "error");
	if (base.value("shim", false))
		return "none installed; Vigil's shim serves `from datadog_checks.base import "
		       "AgentCheck` (" +
		       path + ")";
	const std::string version = text(base, "version");
	return (version.empty() ? "unversioned" : version) + " (" + path + ")";
}

} // namespace

int versionCommand(const CliOverrides &overrides, bool json)
{
	const char *python = VIGIL_PYTHON_ENABLED ? "enabled" : "disabled";
	const char *tls = VIGIL_TLS_ENABLED ? "enabled" : "disabled";
	const nlohmann::json environment = pythonEnvironment(overrides);
	if (json) {
		nlohmann::json j = {
			{"version", VIGIL_VERSION},
			{"features", {{"python", python}, {"tls", tls}}},
			{"abi", {VIGIL_ABI_VERSION_MAJOR, VIGIL_ABI_VERSION_MINOR}},
			{"compiler", VIGIL_COMPILER},
			{"arch", VIGIL_TARGET_ARCH},
			{"python", environment},
		};
		std::printf(
			"%s\n",
			j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
		return 0;
	}
	const std::string python_version = text(environment, "python");
	std::printf("vigil %s\n"
		    "features: python: %s, tls: %s\n"
		    "check ABI: %u.%u\n"
		    "compiler: %s\n"
		    "arch: %s\n"
		    "python: %s\n"
		    "datadog_checks.base: %s\n",
		    VIGIL_VERSION, python, tls, VIGIL_ABI_VERSION_MAJOR, VIGIL_ABI_VERSION_MINOR,
		    VIGIL_COMPILER, VIGIL_TARGET_ARCH,
		    python_version.empty() ? "-" : python_version.c_str(),
		    baseLine(environment).c_str());
	return 0;
}

} // namespace vigil::cli
