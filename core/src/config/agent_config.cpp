// SPDX-License-Identifier: Apache-2.0
#include "config/agent_config.hpp"

#include "config/file.hpp"
#include "config/listen_address.hpp"
#include "config/remote_write.hpp"
#include "config/setting_reader.hpp"
#include "config/yaml_to_json.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <set>
#include <string_view>
#include <system_error>

namespace vigil {

namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 7> log_levels{"trace", "debug",	  "info", "warning",
						     "error", "critical", "off"};
constexpr std::array<std::string_view, 6> aggregate_names{"max", "min", "median",
							  "avg", "sum", "count"};

template <std::size_t N>
bool oneOf(const std::string &value, const std::array<std::string_view, N> &allowed)
{
	return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

template <std::size_t N>
std::string listOf(const std::array<std::string_view, N> &allowed)
{
	std::string out;
	for (std::string_view a : allowed)
		out += (out.empty() ? "" : ", ") + std::string(a);
	return out;
}

class AgentConfigParser : private SettingReader {
public:
	using SettingReader::SettingReader;

	AgentConfig parse(const YAML::Node &root)
	{
		AgentConfig config;
		config.source = file();
		// An empty file, or one with only comments: all defaults.
		if (root.IsNull())
			return config;
		if (!root.IsMap())
			fail(yamlLine(root), "",
			     "the top level must be a map of settings, got " + describeYaml(root));
		std::set<std::string> seen;
		for (const auto &entry : root) {
			const std::string name = entry.first.IsScalar() ? entry.first.Scalar()
									: describeYaml(entry.first);
			Setting s{entry.first, entry.second, name};
			if (!seen.insert(name).second)
				fail(yamlLine(entry.first), name, "duplicate key");
			// A key written with no value (often a list whose items are
			// all commented out) means "not set", not "empty".
			if (s.value.IsNull() && known(name))
				continue;
			apply(config, s);
		}
		return config;
	}

private:
	static bool known(const std::string &name)
	{
		static const std::set<std::string> keys{
			"plugins_dirs",
			"conf_dir",
			"hostname",
			"check_runners",
			"flush_interval",
			"log_level",
			"output",
			"remote_write",
			"histogram_aggregates",
			"histogram_percentiles",
			"shutdown_grace",
			"default_timeout",
			"isolation",
			"worker_max_runs",
			"worker_max_rss_mb",
			"worker_max_vm_mb",
			"quarantine_after",
			"quarantine_max_backoff",
			"listen",
			"run_dir",
			"prometheus_prefix",
			"python",
		};
		return keys.count(name) != 0;
	}

	void apply(AgentConfig &config, const Setting &s)
	{
		const std::string &k = s.field;
		if (k == "plugins_dirs") {
			config.plugins_dirs.clear();
			forEachItem(s, "must be a list of directories", [&](const Setting &item) {
				config.plugins_dirs.push_back(path(item));
			});
		} else if (k == "conf_dir") {
			config.conf_dir = path(s);
		} else if (k == "python") {
			config.python = python(s);
		} else if (k == "hostname") {
			config.hostname = string(s);
		} else if (k == "check_runners") {
			config.check_runners = unsigned(count(s, 256));
		} else if (k == "flush_interval") {
			config.flush_interval = positive(s);
		} else if (k == "log_level") {
			config.log_level = logLevel(s);
		} else if (k == "output") {
			config.output = output(s);
		} else if (k == "remote_write") {
			config.remote_write = parseRemoteWriteSetting(*this, s);
		} else if (k == "histogram_aggregates") {
			config.histogram_aggregates.clear();
			forEachItem(s, "must be a list of aggregates", [&](const Setting &item) {
				auto v = yamlString(item.value);
				if (!v || !oneOf(*v, aggregate_names))
					fail(item, "must be one of " + listOf(aggregate_names) +
							   ", got " + describeYaml(item.value));
				config.histogram_aggregates.push_back(*v);
			});
		} else if (k == "histogram_percentiles") {
			config.histogram_percentiles.clear();
			forEachItem(s, "must be a list of numbers", [&](const Setting &item) {
				auto v = yamlNumber(item.value);
				if (!v || !(*v > 0 && *v < 1))
					fail(item, "must be a number between 0 and 1 (both "
						   "excluded), got " +
							   describeYaml(item.value));
				config.histogram_percentiles.push_back(*v);
			});
		} else if (k == "shutdown_grace") {
			auto v = yamlNumber(s.value);
			if (!v || !std::isfinite(*v) || *v < 0)
				fail(s, "must be a number >= 0, got " + describeYaml(s.value));
			config.shutdown_grace = *v;
		} else if (k == "default_timeout") {
			auto v = yamlNumber(s.value);
			if (!v || !std::isfinite(*v) || *v < 0)
				fail(s, "must be a number of seconds >= 0 (0 = none), got " +
						describeYaml(s.value));
			config.default_timeout = *v;
		} else if (k == "isolation") {
			auto v = yamlString(s.value);
			if (!v || (*v != "none" && *v != "process"))
				fail(s, "must be none or process, got " + describeYaml(s.value));
			config.isolation = *v == "process" ? Isolation::Process : Isolation::None;
		} else if (k == "worker_max_runs" || k == "quarantine_after") {
			auto v = yamlInteger(s.value);
			if (!v || *v < 0 || *v > 1000000000)
				fail(s, "must be an integer >= 0 (0 = no limit), got " +
						describeYaml(s.value));
			(k == "worker_max_runs" ? config.worker_max_runs
						: config.quarantine_after) = unsigned(*v);
		} else if (k == "worker_max_rss_mb" || k == "worker_max_vm_mb") {
			auto v = yamlNumber(s.value);
			if (!v || !std::isfinite(*v) || *v < 0)
				fail(s, "must be a number of MB >= 0 (0 = no limit), got " +
						describeYaml(s.value));
			(k == "worker_max_rss_mb" ? config.worker_max_rss_mb
						  : config.worker_max_vm_mb) = *v;
		} else if (k == "quarantine_max_backoff") {
			config.quarantine_max_backoff = positive(s);
		} else if (k == "listen") {
			// `listen: off` reads as a YAML boolean false; it means off.
			auto v = yamlString(s.value);
			if (!v && s.value.IsScalar() && s.value.Scalar() == "off")
				v = "off";
			if (!v)
				fail(s, "must be host:port or off, got " + describeYaml(s.value));
			try {
				auto address = parseListenAddress(*v);
				config.listen = address ? formatListenAddress(*address) : "";
			} catch (const std::invalid_argument &e) {
				fail(s, e.what());
			}
		} else if (k == "run_dir") {
			config.run_dir = path(s);
		} else if (k == "prometheus_prefix") {
			auto v = string(s);
			auto valid = [](char c) {
				return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
				       c == ':';
			};
			if (!v.empty() && (std::isdigit(static_cast<unsigned char>(v[0])) ||
					   !std::all_of(v.begin(), v.end(), valid)))
				fail(s, "must be a valid Prometheus name start like vigil_, got " +
						describeYaml(s.value));
			config.prometheus_prefix = v;
		} else {
			warnUnknown(s);
		}
	}

	std::string logLevel(const Setting &s)
	{
		auto v = yamlString(s.value);
		// "warn" because setLogLevel() and spdlog accept it too.
		if (v && *v == "warn")
			return "warning";
		if (!v || !oneOf(*v, log_levels))
			fail(s, "must be one of " + listOf(log_levels) + ", got " +
					describeYaml(s.value));
		return *v;
	}

	std::string outputType(const Setting &s)
	{
		auto v = yamlString(s.value);
		if (!v || (*v != "json" && *v != "none"))
			fail(s, "must be json or none, got " + describeYaml(s.value));
		return *v;
	}

	OutputConfig output(const Setting &s)
	{
		OutputConfig out;
		if (s.value.IsScalar()) {
			out.type = outputType(s);
			return out;
		}
		forEachKey(s, "must be json, none or a map with type and path",
			   [&](const std::string &name, const Setting &sub) {
				   if (sub.value.IsNull() && (name == "type" || name == "path"))
					   return;
				   if (name == "type") {
					   out.type = outputType(sub);
				   } else if (name == "path") {
					   auto v = yamlString(sub.value);
					   out.path = v && *v == "-" ? "-" : path(sub).string();
				   } else {
					   warnUnknown(sub);
				   }
			   });
		return out;
	}

	// Whether the folders exist is python_host's to say, when it starts
	// Python: a build without Python ignores the section.
	PythonConfig python(const Setting &s)
	{
		PythonConfig out;
		forEachKey(s, "must be a map with venv and path",
			   [&](const std::string &name, const Setting &sub) {
				   if (sub.value.IsNull() && (name == "venv" || name == "path"))
					   return;
				   if (name == "venv") {
					   out.venv = path(sub);
				   } else if (name == "path") {
					   forEachItem(sub, "must be a list of directories",
						       [&](const Setting &item) {
							       out.path.push_back(path(item));
						       });
				   } else {
					   warnUnknown(sub);
				   }
			   });
		return out;
	}
};

} // namespace

AgentConfig parseAgentConfig(const std::string &yaml, const std::string &name,
			     std::vector<std::string> *warnings)
{
	// Relative paths in the file mean "next to this file", whatever the
	// agent's working directory is when it reads it.
	std::error_code ec;
	fs::path absolute = fs::absolute(fs::path(name), ec);
	fs::path base = ec ? fs::path(name).parent_path() : absolute.parent_path();
	YAML::Node root = parseYamlDocument(yaml, name);
	return AgentConfigParser(name, base, warnings).parse(root);
}

AgentConfig loadAgentConfig(const std::filesystem::path &file, std::vector<std::string> *warnings)
{
	AgentConfig config = parseAgentConfig(readConfigFile(file), file.string(), warnings);
	config.source = file;
	return config;
}

} // namespace vigil
