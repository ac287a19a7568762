// SPDX-License-Identifier: Apache-2.0
#include "config/check_config.hpp"

#include "config/file.hpp"
#include "config/yaml_to_json.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>

namespace vigil {

namespace {

namespace fs = std::filesystem;

constexpr double max_interval_seconds = 365.0 * 24 * 3600;

std::uint64_t fnv1a64(std::string_view data)
{
	std::uint64_t hash = 0xcbf29ce484222325ULL;
	for (unsigned char c : data) {
		hash ^= c;
		hash *= 0x100000001b3ULL;
	}
	return hash;
}

// nlohmann::json objects keep their keys sorted, so dump() is canonical: the
// same configuration gives the same id on every run and every machine.
std::string instanceId(const std::string &check, const std::string &name,
		       const nlohmann::json &instance, const nlohmann::json &init_config)
{
	nlohmann::json both = {{"init_config", init_config}, {"instance", instance}};
	std::string canonical = both.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
	char hex[17];
	std::snprintf(hex, sizeof hex, "%016" PRIx64, fnv1a64(canonical));
	return check + ":" + (name.empty() ? "default" : name) + ":" + hex;
}

// The value of `key` in a map node, and the key node for messages.  Iterates
// rather than using operator[], which would compare keys by conversion.
std::pair<YAML::Node, YAML::Node> findKey(const YAML::Node &map, std::string_view key)
{
	for (const auto &entry : map)
		if (entry.first.IsScalar() && entry.first.Scalar() == key)
			return {entry.first, entry.second};
	return {YAML::Node(), YAML::Node()};
}

// Only the top level: what is below init_config and instances is checked when
// it is converted, and other top-level keys (the Datadog layout has `logs`,
// `ad_identifiers`) are not read at all.
void rejectDuplicateKeys(const YAML::Node &map, const std::string &file)
{
	std::set<std::string> seen;
	for (const auto &entry : map)
		if (entry.first.IsScalar() && !seen.insert(entry.first.Scalar()).second)
			throw ConfigError(configMessage(file, yamlLine(entry.first),
							entry.first.Scalar(), "duplicate key"));
}

// Reads one file's text into `out`; remembers ids across the files of a check
// so that the same instance configured twice is caught.
class CheckDocumentParser {
public:
	CheckDocumentParser(const std::string &check, CheckConfig &out) : check_(check), out_(out)
	{
	}

	void parse(const std::string &text, const fs::path &source)
	{
		const std::string file = source.string();
		YamlToJson converter(file);
		YAML::Node root;
		nlohmann::json init_config = nlohmann::json::object();
		YAML::Node instances;
		try {
			root = parseYamlDocument(text, file);
			// An empty file configures nothing; not worth an error.
			if (root.IsNull())
				return;
			if (!root.IsMap())
				throw ConfigError(configMessage(
					file, yamlLine(root), "",
					"the top level must be a map with init_config and "
					"instances, got " +
						describeYaml(root)));
			rejectDuplicateKeys(root, file);
			auto [init_key, init] = findKey(root, "init_config");
			if (init.IsMap())
				init_config = converter.convert(init, "init_config");
			else if (init.IsDefined() && !init.IsNull())
				throw ConfigError(configMessage(
					file, yamlValueLine(init_key, init), "init_config",
					"must be a map, got " + describeYaml(init)));
			auto [inst_key, inst] = findKey(root, "instances");
			if (inst.IsDefined() && !inst.IsNull() && !inst.IsSequence())
				throw ConfigError(configMessage(
					file, yamlValueLine(inst_key, inst), "instances",
					"must be a list, got " + describeYaml(inst)));
			instances = inst;
		} catch (const ConfigError &e) {
			out_.errors.push_back(e.what());
			return;
		}
		if (!instances.IsDefined() || !instances.IsSequence())
			return;
		std::size_t index = 0;
		for (const YAML::Node &item : instances) {
			const std::string field = "instances[" + std::to_string(index++) + "]";
			try {
				addInstance(item, field, init_config, source, converter);
			} catch (const ConfigError &e) {
				out_.errors.push_back(e.what());
			}
		}
	}

private:
	void addInstance(const YAML::Node &item, const std::string &field,
			 const nlohmann::json &init_config, const fs::path &source,
			 YamlToJson &converter)
	{
		const std::string file = source.string();
		auto fail = [&](const YAML::Node &at, const std::string &sub,
				const std::string &what) {
			throw ConfigError(configMessage(file, yamlLine(at), field + sub, what));
		};
		InstanceConfig inst;
		inst.source = source;
		inst.line = yamlLine(item);
		inst.init_config = init_config;
		// `- ` with nothing after it: one instance with all defaults.
		if (item.IsNull()) {
			inst.data = nlohmann::json::object();
		} else if (item.IsMap()) {
			inst.data = converter.convert(item, field);
		} else {
			fail(item, "", "must be a map, got " + describeYaml(item));
		}

		if (item.IsMap()) {
			auto [k, v] = findKey(item, "min_collection_interval");
			if (v.IsDefined() && !v.IsNull()) {
				auto seconds = yamlNumber(v);
				if (!seconds || !std::isfinite(*seconds) || *seconds <= 0)
					fail(v, ".min_collection_interval",
					     "must be a number > 0, got " + describeYaml(v));
				if (*seconds > max_interval_seconds)
					fail(v, ".min_collection_interval",
					     "must be at most one year (31536000), got " +
						     describeYaml(v));
				// Whole milliseconds, and never 0: a zero interval
				// would make the scheduler spin.
				inst.interval = std::chrono::milliseconds(
					std::max<long long>(1, std::llround(*seconds * 1000)));
			}
			std::tie(k, v) = findKey(item, "tags");
			if (v.IsDefined() && !v.IsNull()) {
				if (!v.IsSequence())
					fail(v, ".tags",
					     "must be a list of strings, got " + describeYaml(v));
				std::size_t i = 0;
				for (const YAML::Node &tag : v) {
					auto s = yamlString(tag);
					if (!s)
						fail(tag, ".tags[" + std::to_string(i) + "]",
						     "must be a string, got " + describeYaml(tag));
					inst.tags.push_back(*s);
					++i;
				}
			}
			std::tie(k, v) = findKey(item, "name");
			if (v.IsDefined() && !v.IsNull()) {
				auto s = yamlString(v);
				if (!s)
					fail(v, ".name",
					     "must be a string, got " + describeYaml(v));
				inst.name = *s;
			}
			std::tie(k, v) = findKey(item, "vigil_timeout");
			if (v.IsDefined() && !v.IsNull()) {
				auto seconds = yamlNumber(v);
				if (!seconds || !std::isfinite(*seconds) || *seconds <= 0)
					fail(v, ".vigil_timeout",
					     "must be a number > 0, got " + describeYaml(v));
				inst.timeout = *seconds;
			}
			std::tie(k, v) = findKey(item, "isolation");
			if (v.IsDefined() && !v.IsNull()) {
				auto s = yamlString(v);
				if (s && *s == "none")
					inst.isolation = Isolation::None;
				else if (s && *s == "process")
					inst.isolation = Isolation::Process;
				else
					fail(v, ".isolation",
					     "must be none or process, got " + describeYaml(v));
			}
		}

		inst.id = instanceId(check_, inst.name, inst.data, inst.init_config);
		auto [it, fresh] = ids_.emplace(inst.id, file + ":" + std::to_string(inst.line));
		if (!fresh)
			fail(item, "",
			     "duplicate instance, the same configuration as " + it->second);
		out_.instances.push_back(std::move(inst));
	}

	const std::string &check_;
	CheckConfig &out_;
	std::map<std::string, std::string> ids_; // id -> FILE:LINE that defined it
};

bool hasExtension(const std::string &name, std::string_view ext)
{
	return name.size() > ext.size() &&
	       name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
}

// The files of a check, in the order they are read.
struct CheckFiles {
	std::vector<fs::path> files;
	std::vector<std::string> errors;
};

// `defaults`: look for NAME.yaml.default and NAME.d/*.yaml.default instead.
CheckFiles findCheckFiles(const fs::path &conf_dir, const std::string &check, bool defaults)
{
	CheckFiles found;
	const std::string suffix = defaults ? ".default" : "";
	auto consider = [&](const fs::path &p) {
		std::error_code ec;
		fs::file_status st = fs::status(p, ec);
		if (st.type() == fs::file_type::not_found || ec == std::errc::not_a_directory)
			return;
		if (ec) {
			found.errors.push_back(p.string() + ": cannot read: " + ec.message());
			return;
		}
		if (fs::is_regular_file(st))
			found.files.push_back(p);
		else if (fs::exists(st))
			found.errors.push_back(p.string() + ": cannot read: not a regular file");
	};
	consider(conf_dir / (check + ".yaml" + suffix));
	consider(conf_dir / (check + ".yml" + suffix));

	const fs::path dir = conf_dir / (check + ".d");
	std::error_code ec;
	if (!fs::is_directory(dir, ec))
		return found;
	std::vector<fs::path> entries;
	fs::directory_iterator it(dir, ec), end;
	for (; !ec && it != end; it.increment(ec)) {
		const std::string name = it->path().filename().string();
		// Dot files are editor and macOS litter (._conf.yaml), not config.
		if (name.empty() || name[0] == '.')
			continue;
		if (hasExtension(name, ".yaml" + suffix) || hasExtension(name, ".yml" + suffix))
			entries.push_back(it->path());
	}
	if (ec)
		found.errors.push_back(dir.string() + ": cannot list: " + ec.message());
	std::sort(entries.begin(), entries.end(), [](const fs::path &a, const fs::path &b) {
		return a.filename().string() < b.filename().string();
	});
	for (const fs::path &p : entries)
		consider(p);
	return found;
}

bool validCheckName(const std::string &check)
{
	return !check.empty() && check != "." && check != ".." &&
	       check.find('/') == std::string::npos && check.find('\0') == std::string::npos;
}

} // namespace

const char *isolationName(Isolation isolation)
{
	return isolation == Isolation::Process ? "process" : "none";
}

CheckConfig parseCheckConfig(const std::string &yaml, const std::string &check,
			     const std::filesystem::path &source)
{
	CheckConfig config;
	config.check = check;
	config.sources.push_back(source);
	try {
		CheckDocumentParser(check, config).parse(yaml, source);
	} catch (const std::exception &e) {
		config.errors.push_back(source.string() + ": cannot load: " + e.what());
	}
	return config;
}

CheckConfig loadCheckConfig(const std::filesystem::path &conf_dir, const std::string &check)
{
	CheckConfig config;
	config.check = check;
	if (!validCheckName(check)) {
		config.errors.push_back(configMessage(
			conf_dir.string(), 0, "", "\"" + check + "\" is not a valid check name"));
		return config;
	}
	// The Datadog convention: a package ships NAME.yaml.default, and any
	// file of the user's own replaces it rather than adding to it.
	CheckFiles found = findCheckFiles(conf_dir, check, false);
	if (found.files.empty() && found.errors.empty())
		found = findCheckFiles(conf_dir, check, true);
	config.errors = std::move(found.errors);
	config.sources = found.files;

	if (found.files.empty() && config.errors.empty()) {
		InstanceConfig inst;
		inst.id = instanceId(check, "", inst.data, inst.init_config);
		config.instances.push_back(std::move(inst));
		return config;
	}

	CheckDocumentParser parser(check, config);
	for (const fs::path &file : found.files) {
		try {
			parser.parse(readConfigFile(file), file);
		} catch (const ConfigError &e) {
			config.errors.push_back(e.what());
		} catch (const std::exception &e) {
			// bad_alloc and the like: this file is lost, the rest is not.
			config.errors.push_back(file.string() + ": cannot load: " + e.what());
		}
	}
	return config;
}

} // namespace vigil
