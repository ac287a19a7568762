// SPDX-License-Identifier: Apache-2.0
#include "command_config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>

namespace vigil::nagios {

namespace {

using nlohmann::json;

constexpr double kDefaultInterval = 15; // the agent's min_collection_interval default
constexpr double kReserveCap = 0.25;	// seconds kept to kill, reap and report before the limit
constexpr size_t kMaxNameLength = 100;

[[noreturn]] void fail(const std::string &message)
{
	throw std::runtime_error(message);
}

std::string describe(const json &v)
{
	switch (v.type()) {
	case json::value_t::null:
		return "nothing (null)";
	case json::value_t::boolean:
		return std::string("a boolean (") + (v.get<bool>() ? "true" : "false") + ")";
	case json::value_t::array:
		return "a list";
	case json::value_t::object:
		return "a map";
	case json::value_t::string:
		return "a string";
	default:
		return "a number (" + v.dump() + ")";
	}
}

// A command argument or environment value: strings as they are, numbers as
// YAML spelled them once converted (`-w 5` is "5"; quote what must keep
// its exact spelling, such as "010").
std::optional<std::string> scalarText(const json &v)
{
	if (v.is_string())
		return v.get<std::string>();
	if (v.is_number_integer() || v.is_number_unsigned())
		return v.dump();
	if (v.is_number_float()) {
		std::string s = v.dump();
		if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0)
			s.resize(s.size() - 2);
		return s;
	}
	return std::nullopt;
}

void noNul(const std::string &s, const std::string &what)
{
	if (s.find('\0') != std::string::npos)
		fail("option '" + what + "' contains a NUL byte");
}

std::vector<std::string> readArgv(const json &instance, bool shell)
{
	auto it = instance.find("command");
	if (it == instance.end() || it->is_null())
		fail("option 'command' is required: the plugin and its arguments as a list, e.g. "
		     "command: [/usr/lib/nagios/plugins/check_load, -w, '5,4,3', -c, '10,8,6']");
	const json &command = *it;
	if (shell) {
		if (!command.is_string())
			fail("option 'command' must be one string with shell: true (the script "
			     "/bin/sh -c runs), got " +
			     describe(command));
		std::string script = command.get<std::string>();
		noNul(script, "command");
		if (script.find_first_not_of(" \t\r\n") == std::string::npos)
			fail("option 'command' is an empty script");
		return {"/bin/sh", "-c", script};
	}
	if (command.is_string())
		fail("option 'command' is a string: use a list of arguments (command: [check_x, "
		     "-w, '5']), or set shell: true to run it with /bin/sh -c");
	if (!command.is_array())
		fail("option 'command' must be a list of arguments, got " + describe(command));
	if (command.empty())
		fail("option 'command' is an empty list");
	std::vector<std::string> argv;
	for (size_t i = 0; i < command.size(); ++i) {
		std::string what = "command[" + std::to_string(i) + "]";
		std::optional<std::string> arg = scalarText(command[i]);
		if (!arg)
			fail("option '" + what + "' must be a string, got " + describe(command[i]));
		noNul(*arg, what);
		argv.push_back(std::move(*arg));
	}
	if (argv[0].empty())
		fail("option 'command[0]' is empty: it must name the plugin to run");
	return argv;
}

// The agent's environment is not passed on: a plugin sees PATH, LC_ALL=C
// (so numbers are printed with a '.') and what `env` says; `env` wins, and a
// variable set to null is left out.
std::map<std::string, std::string> readEnv(const json &instance)
{
	std::map<std::string, std::string> env{{"PATH", kDefaultPath}, {"LC_ALL", "C"}};
	auto it = instance.find("env");
	if (it == instance.end() || it->is_null())
		return env;
	if (!it->is_object())
		fail("option 'env' must be a map of NAME: value, got " + describe(*it));
	for (const auto &[name, value] : it->items()) {
		if (name.empty() || name.find('=') != std::string::npos ||
		    name.find('\0') != std::string::npos)
			fail("option 'env': '" + name +
			     "' is not a variable name (empty, or holds '=' or NUL)");
		if (value.is_null()) {
			env.erase(name);
			continue;
		}
		std::optional<std::string> text =
			value.is_boolean()
				? std::optional<std::string>(value.get<bool>() ? "true" : "false")
				: scalarText(value);
		if (!text)
			fail("option 'env." + name + "' must be a string, got " + describe(value));
		noNul(*text, "env." + name);
		env[name] = *text;
	}
	return env;
}

std::optional<double> positiveNumber(const json &instance, const char *key)
{
	auto it = instance.find(key);
	if (it == instance.end() || it->is_null())
		return std::nullopt;
	if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() <= 0)
		fail(std::string("option '") + key + "' must be a number > 0, got " +
		     describe(*it));
	return it->get<double>();
}

bool boolean(const json &instance, const char *key)
{
	auto it = instance.find(key);
	if (it == instance.end() || it->is_null())
		return false;
	if (!it->is_boolean())
		fail(std::string("option '") + key + "' must be true or false, got " +
		     describe(*it));
	return it->get<bool>();
}

} // namespace

std::string metricSegment(std::string_view text)
{
	std::string out;
	for (char c : text) {
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_';
		out += keep ? c : '_';
	}
	if (out.find_first_not_of('_') == std::string::npos)
		return {};
	return out.substr(0, kMaxNameLength);
}

std::string defaultName(std::string_view program)
{
	size_t slash = program.find_last_of('/');
	if (slash != std::string_view::npos)
		program.remove_prefix(slash + 1);
	for (std::string_view ext : {".sh", ".py", ".pl", ".rb"})
		if (program.size() > ext.size() && program.ends_with(ext)) {
			program.remove_suffix(ext.size());
			break;
		}
	return metricSegment(program);
}

CommandConfig parseCommandConfig(const std::string &instance_json)
{
	json instance = json::parse(instance_json, nullptr, false);
	if (!instance.is_object())
		fail("the instance is not a map");

	CommandConfig config;
	bool shell = boolean(instance, "shell");
	config.argv = readArgv(instance, shell);

	std::map<std::string, std::string> env = readEnv(instance);
	auto path = env.find("PATH");
	config.path = path == env.end() ? "" : path->second;
	for (const auto &[name, value] : env)
		config.env.push_back(name + "=" + value);

	auto cwd = instance.find("cwd");
	if (cwd != instance.end() && !cwd->is_null()) {
		if (!cwd->is_string())
			fail("option 'cwd' must be a string, got " + describe(*cwd));
		config.cwd = cwd->get<std::string>();
		noNul(config.cwd, "cwd");
		if (config.cwd.empty() || config.cwd.front() != '/')
			fail("option 'cwd' must be an absolute path, got '" + config.cwd + "'");
	}

	// The check must answer before the agent gives up on the run: an
	// isolated run's worker is killed at `vigil_timeout`, else at the
	// interval (docs/isolation.md), and the plugin group would be orphaned.
	std::optional<double> timeout = positiveNumber(instance, "timeout");
	std::optional<double> run_limit = positiveNumber(instance, "vigil_timeout");
	if (!run_limit)
		run_limit = positiveNumber(instance, "min_collection_interval");
	double limit = run_limit.value_or(kDefaultInterval);
	config.timeout = timeout.value_or(kDefaultTimeout);
	config.deadline = std::min(config.timeout, limit - std::min(kReserveCap, limit / 10));

	auto name = instance.find("name");
	if (name != instance.end() && !name->is_null()) {
		if (!name->is_string())
			fail("option 'name' must be a string, got " + describe(*name));
		config.name = metricSegment(name->get<std::string>());
		if (config.name.empty())
			fail("option 'name' has no letter, digit or '_' to name metrics with");
	} else {
		// The script's first word stands for the program with shell: true.
		std::string_view program = config.argv[shell ? 2 : 0];
		size_t start = program.find_first_not_of(" \t\r\n");
		program = program.substr(start);
		program = program.substr(0, program.find_first_of(" \t\r\n;|&<>()"));
		config.name = defaultName(program);
		if (config.name.empty())
			config.name = "command";
	}
	config.thresholds = boolean(instance, "thresholds");
	return config;
}

} // namespace vigil::nagios
