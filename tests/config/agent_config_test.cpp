// SPDX-License-Identifier: Apache-2.0
#include "config/agent_config.hpp"
#include "config/check_config.hpp"
#include "config/file.hpp"
#include "config/yaml_to_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>
#include <vector>

namespace vigil {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace std::chrono_literals;

const fs::path data_dir = fs::path(VIGIL_TEST_DATA) / "conf";
const fs::path conf_d = data_dir / "conf.d";

// The message of the ConfigError that parsing `yaml` as vigil.yaml throws.
std::string agentError(const std::string &yaml)
{
	try {
		parseAgentConfig(yaml, "/etc/vigil/vigil.yaml");
	} catch (const ConfigError &e) {
		return e.what();
	}
	ADD_FAILURE() << "no ConfigError for:\n" << yaml;
	return "";
}

std::vector<std::string> names(const CheckConfig &c)
{
	std::vector<std::string> out;
	for (const auto &i : c.instances)
		out.push_back(i.name);
	return out;
}

// A directory that is removed at the end of the test.
class TempDir {
public:
	TempDir()
	{
		std::string templ =
			(fs::temp_directory_path() / "vigil-config-test-XXXXXX").string();
		if (!::mkdtemp(templ.data()))
			throw std::runtime_error("mkdtemp failed");
		path_ = templ;
	}
	~TempDir()
	{
		std::error_code ec;
		fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
		fs::remove_all(path_, ec);
	}
	const fs::path &path() const { return path_; }
	void write(const std::string &name, const std::string &text) const
	{
		fs::create_directories((path_ / name).parent_path());
		std::ofstream(path_ / name, std::ios::binary) << text;
	}

private:
	fs::path path_;
};

// ---- vigil.yaml -------------------------------------------------------------

TEST(AgentConfigTest, EmptyFileGivesDefaults)
{
	std::vector<std::string> warnings;
	AgentConfig c = loadAgentConfig(data_dir / "agent/empty.yaml", &warnings);
	EXPECT_EQ(c.source, data_dir / "agent/empty.yaml");
	EXPECT_THAT(c.plugins_dirs, IsEmpty());
	EXPECT_TRUE(c.conf_dir.empty());
	EXPECT_EQ(c.hostname, "");
	EXPECT_EQ(c.check_runners, 4u);
	EXPECT_EQ(c.flush_interval, 15);
	EXPECT_EQ(c.log_level, "info");
	EXPECT_EQ(c.output.type, "json");
	EXPECT_EQ(c.output.path, "-");
	EXPECT_THAT(c.histogram_aggregates, ElementsAre("max", "median", "avg", "count"));
	EXPECT_THAT(c.histogram_percentiles, ElementsAre(0.95));
	EXPECT_EQ(c.shutdown_grace, 5);
	EXPECT_EQ(c.default_timeout, 0); // no timeout
	EXPECT_THAT(warnings, IsEmpty());
}

TEST(AgentConfigTest, CommentsOnlyAndNullValuesGiveDefaults)
{
	AgentConfig c = parseAgentConfig("# nothing\nplugins_dirs:\n#  - /x\ncheck_runners: ~\n",
					 "/etc/vigil/vigil.yaml");
	EXPECT_THAT(c.plugins_dirs, IsEmpty());
	EXPECT_EQ(c.check_runners, 4u);
}

TEST(AgentConfigTest, EveryKey)
{
	std::vector<std::string> warnings;
	const fs::path dir = data_dir / "agent";
	AgentConfig c = loadAgentConfig(dir / "full.yaml", &warnings);
	EXPECT_THAT(c.plugins_dirs, ElementsAre(fs::path("/opt/vigil/plugins"), dir / "plugins"));
	EXPECT_EQ(c.conf_dir, dir / "conf.d");
	EXPECT_EQ(c.hostname, "web-01");
	EXPECT_EQ(c.check_runners, 8u);
	EXPECT_EQ(c.flush_interval, 2.5);
	EXPECT_EQ(c.log_level, "debug");
	EXPECT_EQ(c.output.type, "json");
	EXPECT_EQ(c.output.path, (dir / "out/metrics.jsonl").string());
	EXPECT_THAT(c.histogram_aggregates, ElementsAre("min", "max", "sum"));
	EXPECT_THAT(c.histogram_percentiles, ElementsAre(0.5, 0.99));
	EXPECT_EQ(c.shutdown_grace, 0);
	EXPECT_EQ(c.default_timeout, 2.5);
	EXPECT_EQ(c.python.venv, dir / "venv");
	EXPECT_THAT(c.python.path, ElementsAre(fs::path("/opt/dd/lib"), dir / "extra"));
	EXPECT_THAT(warnings, IsEmpty());
}

TEST(AgentConfigTest, PythonSectionTypes)
{
	EXPECT_THAT(agentError("python: /opt/venv\n"),
		    HasSubstr("python: must be a map with venv and path"));
	EXPECT_THAT(agentError("python: {path: /x}\n"),
		    HasSubstr("python.path: must be a list of directories"));
	std::vector<std::string> warnings;
	AgentConfig c = parseAgentConfig("python: {venv: ~, pth: [a]}\n", "/etc/vigil/vigil.yaml",
					 &warnings);
	EXPECT_TRUE(c.python.venv.empty());
	EXPECT_THAT(warnings, ElementsAre(HasSubstr("python.pth")));
}

TEST(AgentConfigTest, RelativePathsResolveAgainstTheFilesDirectory)
{
	const fs::path sub = data_dir / "agent/sub";
	AgentConfig c = loadAgentConfig(sub / "relative.yaml");
	EXPECT_THAT(c.plugins_dirs,
		    ElementsAre(data_dir / "agent/plugins", sub / "more", fs::path("/abs/dir")));
	EXPECT_EQ(c.conf_dir, data_dir / "agent/conf.d");
	EXPECT_EQ(c.output.path, "-"); // stdout, not a file named "-"
}

TEST(AgentConfigTest, OutputAsString)
{
	AgentConfig c = parseAgentConfig("output: none\n", "/etc/vigil/vigil.yaml");
	EXPECT_EQ(c.output.type, "none");
	EXPECT_EQ(c.output.path, "-");
}

TEST(AgentConfigTest, WarnAliasForLogLevel)
{
	EXPECT_EQ(parseAgentConfig("log_level: warn", "v.yaml").log_level, "warning");
}

TEST(AgentConfigTest, UnknownKeysWarnNotFail)
{
	std::vector<std::string> warnings;
	AgentConfig c = parseAgentConfig("hostname: h\nfuture_key: 1\noutput: {type: none, "
					 "rotate: daily}\n",
					 "/etc/vigil/vigil.yaml", &warnings);
	EXPECT_EQ(c.hostname, "h");
	EXPECT_EQ(c.output.type, "none");
	EXPECT_THAT(warnings,
		    ElementsAre("/etc/vigil/vigil.yaml:2: future_key: unknown key, ignoring",
				"/etc/vigil/vigil.yaml:3: output.rotate: unknown key, ignoring"));
	// No sink for warnings is fine too.
	EXPECT_NO_THROW(parseAgentConfig("future_key: 1\n", "v.yaml"));
}

TEST(AgentConfigTest, WrongTypesAndRangesNameFileLineAndKey)
{
	const std::string f = "/etc/vigil/vigil.yaml:";
	EXPECT_EQ(agentError("hostname: h\ncheck_runners: 0\n"),
		  f + "2: check_runners: must be an integer from 1 to 256, got 0");
	EXPECT_EQ(agentError("check_runners: 257"),
		  f + "1: check_runners: must be an integer from 1 to 256, got 257");
	EXPECT_EQ(agentError("check_runners: 4.5"),
		  f + "1: check_runners: must be an integer from 1 to 256, got 4.5");
	EXPECT_EQ(agentError("check_runners: \"4\""),
		  f + "1: check_runners: must be an integer from 1 to 256, got \"4\"");
	EXPECT_EQ(agentError("flush_interval: 0"),
		  f + "1: flush_interval: must be a number > 0, got 0");
	EXPECT_EQ(agentError("flush_interval: -1.5"),
		  f + "1: flush_interval: must be a number > 0, got -1.5");
	EXPECT_EQ(agentError("flush_interval: .inf"),
		  f + "1: flush_interval: must be a number > 0, got .inf");
	EXPECT_EQ(agentError("flush_interval: [1]"),
		  f + "1: flush_interval: must be a number > 0, got a list");
	EXPECT_EQ(agentError("shutdown_grace: -1"),
		  f + "1: shutdown_grace: must be a number >= 0, got -1");
	EXPECT_EQ(agentError("shutdown_grace: true"),
		  f + "1: shutdown_grace: must be a number >= 0, got true");
	EXPECT_EQ(agentError("default_timeout: -0.5"),
		  f + "1: default_timeout: must be a number of seconds >= 0 (0 = none), got -0.5");
	EXPECT_EQ(agentError("default_timeout: soon"),
		  f + "1: default_timeout: must be a number of seconds >= 0 (0 = none), got "
		      "\"soon\"");
	EXPECT_EQ(agentError("default_timeout: .inf"),
		  f + "1: default_timeout: must be a number of seconds >= 0 (0 = none), got .inf");
	EXPECT_EQ(agentError("log_level: loud"),
		  f + "1: log_level: must be one of trace, debug, info, warning, error, critical, "
		      "off, got \"loud\"");
	EXPECT_EQ(agentError("hostname: 42"), f + "1: hostname: must be a string, got 42");
	EXPECT_EQ(agentError("hostname: {a: b}"), f + "1: hostname: must be a string, got a map");
	EXPECT_EQ(agentError("conf_dir: [a]"), f + "1: conf_dir: must be a path, got a list");
	EXPECT_EQ(agentError("conf_dir: ''"), f + "1: conf_dir: must be a path, got \"\"");
	EXPECT_EQ(agentError("plugins_dirs: /opt/p"),
		  f + "1: plugins_dirs: must be a list of directories, got \"/opt/p\"");
	EXPECT_EQ(agentError("plugins_dirs:\n  - /a\n  - 7\n"),
		  f + "3: plugins_dirs[1]: must be a path, got 7");
	EXPECT_EQ(agentError("output: xml"), f + "1: output: must be json or none, got \"xml\"");
	EXPECT_EQ(agentError("output: [json]"),
		  f + "1: output: must be json, none or a map with type and path, got a list");
	EXPECT_EQ(agentError("output:\n  type: prometheus\n"),
		  f + "2: output.type: must be json or none, got \"prometheus\"");
	EXPECT_EQ(agentError("output:\n  path: 3\n"), f + "2: output.path: must be a path, got 3");
	EXPECT_EQ(agentError("histogram_aggregates: max"),
		  f + "1: histogram_aggregates: must be a list of aggregates, got \"max\"");
	EXPECT_EQ(agentError("histogram_aggregates:\n- max\n- p99\n"),
		  f + "3: histogram_aggregates[1]: must be one of max, min, median, avg, sum, "
		      "count, got \"p99\"");
	EXPECT_EQ(agentError("histogram_percentiles: 0.5"),
		  f + "1: histogram_percentiles: must be a list of numbers, got 0.5");
	EXPECT_EQ(agentError("histogram_percentiles: [0.5, 1]"),
		  f + "1: histogram_percentiles[1]: must be a number between 0 and 1 (both "
		      "excluded), got 1");
	EXPECT_EQ(agentError("histogram_percentiles: [0]"),
		  f + "1: histogram_percentiles[0]: must be a number between 0 and 1 (both "
		      "excluded), got 0");
	EXPECT_EQ(agentError("hostname: a\nhostname: b\n"), f + "2: hostname: duplicate key");
	EXPECT_EQ(agentError("- a\n- b\n"),
		  f + "1: the top level must be a map of settings, got a list");
}

TEST(AgentConfigTest, BadYamlNamesFileAndLine)
{
	std::string e = agentError("hostname: h\noutput: {type: json\nlog_level: info\n");
	EXPECT_THAT(e, ::testing::StartsWith("/etc/vigil/vigil.yaml:3: invalid YAML: "));
	EXPECT_THAT(e, HasSubstr("end of map flow not found"));
	EXPECT_EQ(agentError("a: 1\n---\nb: 2\n"),
		  "/etc/vigil/vigil.yaml:3: invalid YAML: a second document, expected one");
}

// yaml-cpp 0.7's LoadAll loops forever on these (found by yaml_to_json_fuzz);
// each must be one error, at once.
TEST(AgentConfigTest, TextsThatHangYamlCppAreErrors)
{
	for (const char *text : {",", ",c11 c", "a: 1\n,\n"})
		EXPECT_THAT(agentError(text), ::testing::StartsWith("/etc/vigil/vigil.yaml:"))
			<< text;
}

// A key with a line break (found by yaml_to_json_fuzz) still gives one line.
TEST(AgentConfigTest, AnErrorIsOneLineWhateverTheKey)
{
	const std::string e = agentError("\"u\\nrl\\x01\": 1\n\"u\\nrl\\x01\": 2\n");
	EXPECT_EQ(e.find('\n'), std::string::npos) << e;
	EXPECT_THAT(e, HasSubstr("u\\nrl\\x01")) << e;
}

TEST(AgentConfigTest, MissingFileIsAConfigErrorNamingIt)
{
	try {
		loadAgentConfig(data_dir / "agent/absent.yaml");
		FAIL() << "no ConfigError";
	} catch (const ConfigError &e) {
		EXPECT_EQ(std::string(e.what()),
			  (data_dir / "agent/absent.yaml").string() +
				  ": cannot read: No such file or directory");
	}
}

// ---- scalar typing ------------------------------------------------------------

TEST(YamlToJsonTest, ScalarTypingFollowsTheCoreSchema)
{
	CheckConfig c = parseCheckConfig(R"(instances:
  - quoted: "123"
    single: '1.5'
    int: 123
    negative: -7
    hex: 0x1F
    octal: 0o17
    float: 1.5
    exp: 1e3
    bool: true
    bool_caps: FALSE
    yes_is_a_string: yes
    null_tilde: ~
    null_word: null
    null_empty:
    quoted_null: "null"
    quoted_true: "true"
    explicit_str: !!str 42
    literal: |
      5
    version: 1.2.3
    huge: 123456789012345678901234567890
    big_unsigned: 18446744073709551615
    inf: -.inf
    nested: {list: [1, "1", a]}
)",
					 "c", "t.yaml");
	ASSERT_THAT(c.errors, IsEmpty());
	ASSERT_EQ(c.instances.size(), 1u);
	const nlohmann::json &d = c.instances[0].data;
	EXPECT_EQ(d["quoted"], nlohmann::json("123"));
	EXPECT_TRUE(d["single"].is_string());
	EXPECT_TRUE(d["int"].is_number_integer());
	EXPECT_EQ(d["int"].get<long long>(), 123);
	EXPECT_EQ(d["negative"].get<long long>(), -7);
	EXPECT_EQ(d["hex"].get<long long>(), 31);
	EXPECT_EQ(d["octal"].get<long long>(), 15);
	EXPECT_TRUE(d["float"].is_number_float());
	EXPECT_EQ(d["float"].get<double>(), 1.5);
	EXPECT_TRUE(d["exp"].is_number_float());
	EXPECT_EQ(d["exp"].get<double>(), 1000);
	EXPECT_EQ(d["bool"], nlohmann::json(true));
	EXPECT_EQ(d["bool_caps"], nlohmann::json(false));
	EXPECT_EQ(d["yes_is_a_string"], nlohmann::json("yes")); // YAML 1.2, not 1.1
	EXPECT_TRUE(d["null_tilde"].is_null());
	EXPECT_TRUE(d["null_word"].is_null());
	EXPECT_TRUE(d.contains("null_empty"));
	EXPECT_TRUE(d["null_empty"].is_null());
	EXPECT_EQ(d["quoted_null"], nlohmann::json("null"));
	EXPECT_EQ(d["quoted_true"], nlohmann::json("true"));
	EXPECT_EQ(d["explicit_str"], nlohmann::json("42"));
	EXPECT_EQ(d["literal"], nlohmann::json("5\n"));
	EXPECT_EQ(d["version"], nlohmann::json("1.2.3"));
	EXPECT_TRUE(d["huge"].is_number_float());
	EXPECT_TRUE(d["big_unsigned"].is_number_unsigned());
	EXPECT_EQ(d["big_unsigned"].get<unsigned long long>(), 18446744073709551615ULL);
	EXPECT_TRUE(std::isinf(d["inf"].get<double>()));
	EXPECT_LT(d["inf"].get<double>(), 0);
	EXPECT_EQ(d["nested"], nlohmann::json::parse(R"({"list": [1, "1", "a"]})"));
}

// ---- conf.d ----------------------------------------------------------------------

TEST(CheckConfigTest, NoFileGivesOneDefaultInstance)
{
	CheckConfig c = loadCheckConfig(conf_d, "unconfigured");
	EXPECT_EQ(c.check, "unconfigured");
	EXPECT_THAT(c.sources, IsEmpty());
	EXPECT_THAT(c.errors, IsEmpty());
	ASSERT_EQ(c.instances.size(), 1u);
	const InstanceConfig &i = c.instances[0];
	EXPECT_THAT(i.id, ::testing::MatchesRegex("unconfigured:default:[0-9a-f]{16}"));
	EXPECT_EQ(i.interval, 15s);
	EXPECT_THAT(i.tags, IsEmpty());
	EXPECT_FALSE(i.timeout);
	EXPECT_TRUE(i.source.empty());
	EXPECT_EQ(i.data, nlohmann::json::object());
	EXPECT_EQ(i.init_config, nlohmann::json::object());
	// Same for a conf.d that does not exist.
	EXPECT_EQ(loadCheckConfig(data_dir / "no-such-dir", "unconfigured").instances.size(), 1u);
}

TEST(CheckConfigTest, MainFileThenDirectoryInNameOrder)
{
	CheckConfig c = loadCheckConfig(conf_d, "merged");
	EXPECT_THAT(c.errors, IsEmpty());
	EXPECT_THAT(c.sources, ElementsAre(conf_d / "merged.yaml", conf_d / "merged.d/10-early.yml",
					   conf_d / "merged.d/20-second.yaml"));
	ASSERT_THAT(names(c), ElementsAre("first", "early", "second"));
	// init_config belongs to its file.
	EXPECT_EQ(c.instances[0].init_config, nlohmann::json({{"shared", "top"}}));
	EXPECT_EQ(c.instances[1].init_config, nlohmann::json::object());
	EXPECT_EQ(c.instances[2].init_config, nlohmann::json({{"shared", "second-file"}}));
	EXPECT_EQ(c.instances[0].data, nlohmann::json({{"name", "first"}, {"host", "a"}}));
	EXPECT_EQ(c.instances[0].source, conf_d / "merged.yaml");
	EXPECT_EQ(c.instances[0].line, 4);
	EXPECT_EQ(c.instances[2].line, 4);
}

TEST(CheckConfigTest, DefaultFilesOnlyWhenNothingElse)
{
	CheckConfig packaged = loadCheckConfig(conf_d, "packaged");
	EXPECT_THAT(packaged.errors, IsEmpty());
	EXPECT_THAT(names(packaged), ElementsAre("shipped", "shipped-in-dir"));

	// overridden.d/mine.yaml is the user's: overridden.yaml.default is ignored.
	CheckConfig overridden = loadCheckConfig(conf_d, "overridden");
	EXPECT_THAT(overridden.errors, IsEmpty());
	EXPECT_THAT(names(overridden), ElementsAre("mine"));
	EXPECT_THAT(overridden.sources, ElementsAre(conf_d / "overridden.d/mine.yaml"));
}

TEST(CheckConfigTest, DirectoryAlone)
{
	CheckConfig c = loadCheckConfig(conf_d, "onlydir");
	EXPECT_THAT(c.errors, IsEmpty());
	ASSERT_EQ(c.instances.size(), 1u);
	EXPECT_THAT(c.instances[0].id, ::testing::StartsWith("onlydir:default:"));
}

TEST(CheckConfigTest, FileWithoutInstancesConfiguresNothing)
{
	CheckConfig c = loadCheckConfig(conf_d, "empty");
	EXPECT_THAT(c.errors, IsEmpty());
	EXPECT_THAT(c.sources, ElementsAre(conf_d / "empty.yaml"));
	EXPECT_THAT(c.instances, IsEmpty());
	EXPECT_THAT(parseCheckConfig("", "c", "t.yaml").instances, IsEmpty());
	EXPECT_THAT(parseCheckConfig("instances:\n", "c", "t.yaml").instances, IsEmpty());
}

TEST(CheckConfigTest, SyntaxErrorSkipsThatFileOnly)
{
	CheckConfig c = loadCheckConfig(conf_d, "broken");
	ASSERT_EQ(c.errors.size(), 1u);
	EXPECT_THAT(c.errors[0],
		    ::testing::MatchesRegex(".*/conf.d/broken.yaml:[0-9]+: invalid YAML: .+"));
	EXPECT_THAT(c.errors[0], HasSubstr("end of sequence flow not found"));
	EXPECT_THAT(names(c), ElementsAre("good"));
	EXPECT_THAT(c.sources, ElementsAre(conf_d / "broken.yaml", conf_d / "broken.d/good.yaml"));
}

TEST(CheckConfigTest, SyntaxErrorLine)
{
	CheckConfig c = parseCheckConfig("instances:\n  - a: 1\n   b: 2\n", "c", "t.yaml");
	ASSERT_EQ(c.errors.size(), 1u);
	EXPECT_THAT(c.errors[0], ::testing::StartsWith("t.yaml:3: invalid YAML: "));
	EXPECT_THAT(c.instances, IsEmpty());
}

TEST(CheckConfigTest, WrongTopLevelSkipsTheFile)
{
	auto one = [](const std::string &yaml) {
		CheckConfig c = parseCheckConfig(yaml, "c", "conf.d/c.yaml");
		EXPECT_THAT(c.instances, IsEmpty()) << yaml;
		return c.errors.size() == 1 ? c.errors[0]
					    : "errors: " + std::to_string(c.errors.size());
	};
	EXPECT_EQ(one("- a\n- b\n"), "conf.d/c.yaml:1: the top level must be a map with "
				     "init_config and instances, got a list");
	EXPECT_EQ(one("init_config: {}\ninstances:\n  host: a\n"),
		  "conf.d/c.yaml:3: instances: must be a list, got a map");
	EXPECT_EQ(one("instances: 5\n"), "conf.d/c.yaml:1: instances: must be a list, got 5");
	EXPECT_EQ(one("init_config: [1]\ninstances: [{}]\n"),
		  "conf.d/c.yaml:1: init_config: must be a map, got a list");
	EXPECT_EQ(one("instances: []\ninstances: [{}]\n"),
		  "conf.d/c.yaml:2: instances: duplicate key");
}

TEST(CheckConfigTest, BadInstanceIsSkippedAlone)
{
	CheckConfig c = parseCheckConfig(R"(init_config:
instances:
  - name: a
  - name: b
    min_collection_interval: 30
  - name: c
    min_collection_interval: -5
  - name: d
    tags: [env:prod, 123]
  - name: e
    tags: env:prod
  - name: f
    min_collection_interval: 0
  - just a string
  - name: g
    vigil_timeout: 0
  - name: [x]
  - name: h
    min_collection_interval: "10"
  - name: i
    tags:
      - env: prod
  - name: j
    min_collection_interval: 1e12
)",
					 "disk", "conf.d/disk.yaml");
	EXPECT_THAT(names(c), ElementsAre("a", "b"));
	EXPECT_EQ(c.instances[1].interval, 30s);
	EXPECT_THAT(
		c.errors,
		ElementsAre(
			"conf.d/disk.yaml:7: instances[2].min_collection_interval: must be a "
			"number "
			"> 0, got -5",
			"conf.d/disk.yaml:9: instances[3].tags[1]: must be a string, got 123",
			"conf.d/disk.yaml:11: instances[4].tags: must be a list of strings, got "
			"\"env:prod\"",
			"conf.d/disk.yaml:13: instances[5].min_collection_interval: must be a "
			"number "
			"> 0, got 0",
			"conf.d/disk.yaml:14: instances[6]: must be a map, got \"just a string\"",
			"conf.d/disk.yaml:16: instances[7].vigil_timeout: must be a number > 0, "
			"got 0",
			"conf.d/disk.yaml:17: instances[8].name: must be a string, got a list",
			"conf.d/disk.yaml:19: instances[9].min_collection_interval: must be a "
			"number "
			"> 0, got \"10\"",
			"conf.d/disk.yaml:22: instances[10].tags[0]: must be a string, got a map",
			"conf.d/disk.yaml:24: instances[11].min_collection_interval: must be at "
			"most "
			"one year (31536000), got 1e12"));
}

TEST(CheckConfigTest, InstanceFields)
{
	CheckConfig c = parseCheckConfig(R"(init_config:
  service: db
instances:
  - name: primary
    min_collection_interval: 2.5
    tags: [env:prod, "role:primary"]
    vigil_timeout: 10
    timeout: 3
    host: 10.0.0.1
    port: 5432
  -
  - min_collection_interval: 0.0001
)",
					 "postgres", "conf.d/postgres.yaml");
	ASSERT_THAT(c.errors, IsEmpty());
	ASSERT_EQ(c.instances.size(), 3u);
	const InstanceConfig &p = c.instances[0];
	EXPECT_EQ(p.name, "primary");
	EXPECT_EQ(p.interval, 2500ms);
	EXPECT_THAT(p.tags, ElementsAre("env:prod", "role:primary"));
	ASSERT_TRUE(p.timeout);
	EXPECT_EQ(*p.timeout, 10) << "vigil_timeout, not the check's own timeout";
	EXPECT_EQ(p.data["timeout"], nlohmann::json(3));
	EXPECT_EQ(p.source, fs::path("conf.d/postgres.yaml"));
	EXPECT_EQ(p.line, 4);
	EXPECT_EQ(p.data["port"], nlohmann::json(5432));
	EXPECT_EQ(p.data["host"], nlohmann::json("10.0.0.1"));
	// Special keys stay in data: a Python check reads them from its instance.
	EXPECT_EQ(p.data["min_collection_interval"], nlohmann::json(2.5));
	EXPECT_EQ(p.init_config, nlohmann::json({{"service", "db"}}));
	EXPECT_THAT(p.id, ::testing::MatchesRegex("postgres:primary:[0-9a-f]{16}"));
	// An empty list item is an instance with defaults.
	EXPECT_EQ(c.instances[1].data, nlohmann::json::object());
	EXPECT_EQ(c.instances[1].interval, 15s);
	// Never a zero interval.
	EXPECT_EQ(c.instances[2].interval, 1ms);
}

TEST(CheckConfigTest, DuplicateInstance)
{
	CheckConfig c = parseCheckConfig(R"(instances:
  - host: a
    port: 1
  - port: 1
    host: a
  - host: b
)",
					 "c", "conf.d/c.yaml");
	EXPECT_EQ(c.instances.size(), 2u);
	EXPECT_THAT(c.errors, ElementsAre("conf.d/c.yaml:4: instances[1]: duplicate instance, the "
					  "same configuration as conf.d/c.yaml:2"));
}

TEST(CheckConfigTest, DuplicateAcrossFiles)
{
	TempDir dir;
	dir.write("c.yaml", "instances:\n  - host: a\n");
	dir.write("c.d/again.yaml", "instances:\n  - {host: a}\n");
	CheckConfig c = loadCheckConfig(dir.path(), "c");
	EXPECT_EQ(c.instances.size(), 1u);
	ASSERT_EQ(c.errors.size(), 1u);
	EXPECT_THAT(c.errors[0], HasSubstr("c.d/again.yaml:2: instances[0]: duplicate instance"));
	EXPECT_THAT(c.errors[0], HasSubstr("c.yaml:2"));
}

TEST(CheckConfigTest, StableIds)
{
	auto id = [](const std::string &yaml, const std::string &check = "c") {
		CheckConfig c = parseCheckConfig(yaml, check, "t.yaml");
		EXPECT_THAT(c.errors, IsEmpty()) << yaml;
		return c.instances.empty() ? std::string() : c.instances[0].id;
	};
	const std::string base = id("instances:\n  - {host: a, port: 1}\n");
	EXPECT_THAT(base, ::testing::MatchesRegex("c:default:[0-9a-f]{16}"));
	// Same configuration, other spelling, order and file: same id.
	EXPECT_EQ(id("# comment\ninstances:\n- port: 1\n  host: 'a'\n"), base);
	EXPECT_EQ(id("init_config:\ninstances:\n  - {host: a, port: 1}\n"), base);
	// Any difference in the instance or in init_config: another id.
	EXPECT_NE(id("instances:\n  - {host: a, port: 2}\n"), base);
	EXPECT_NE(id("instances:\n  - {host: a, port: '1'}\n"), base);
	EXPECT_NE(id("instances:\n  - {host: a, port: 1.0}\n"), base);
	EXPECT_NE(id("init_config: {x: 1}\ninstances:\n  - {host: a, port: 1}\n"), base);
	EXPECT_NE(id("instances:\n  - {host: a, port: 1}\n", "other"), base);
	EXPECT_THAT(id("instances:\n  - {name: db1, host: a}\n"),
		    ::testing::MatchesRegex("c:db1:[0-9a-f]{16}"));
	// Pinned: the hash is FNV-1a of the canonical dump, so ids survive
	// restarts and upgrades; changing it would orphan every saved state.
	EXPECT_EQ(id("instances:\n  -\n"), "c:default:" + id("instances: [{}]").substr(10));
	CheckConfig none = loadCheckConfig(conf_d, "unconfigured");
	EXPECT_EQ(none.instances[0].id.substr(none.instances[0].id.size() - 16),
		  id("instances: [{}]").substr(10));
}

TEST(CheckConfigTest, FnvHashIsPinned)
{
	// FNV-1a 64 of {"init_config":{},"instance":{}}.
	std::uint64_t h = 0xcbf29ce484222325ULL;
	for (unsigned char ch : std::string(R"({"init_config":{},"instance":{}})")) {
		h ^= ch;
		h *= 0x100000001b3ULL;
	}
	char hex[17];
	std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
	EXPECT_EQ(parseCheckConfig("instances: [{}]", "c", "t.yaml").instances.at(0).id,
		  std::string("c:default:") + hex);
}

TEST(CheckConfigTest, UnreadableEntriesAreErrors)
{
	TempDir dir;
	fs::create_directories(dir.path() / "d.yaml"); // a directory, not a file
	CheckConfig c = loadCheckConfig(dir.path(), "d");
	EXPECT_THAT(c.instances, IsEmpty());
	EXPECT_THAT(c.errors, ElementsAre((dir.path() / "d.yaml").string() +
					  ": cannot read: not a regular file"));

	// A FIFO must not block the agent.
	ASSERT_EQ(::mkfifo((dir.path() / "f.yaml").c_str(), 0600), 0);
	CheckConfig f = loadCheckConfig(dir.path(), "f");
	EXPECT_THAT(f.errors, ElementsAre(HasSubstr("f.yaml: cannot read: not a regular file")));

	if (::geteuid() != 0) {
		dir.write("p.yaml", "instances: [{}]\n");
		fs::permissions(dir.path() / "p.yaml", fs::perms::none);
		CheckConfig p = loadCheckConfig(dir.path(), "p");
		EXPECT_THAT(p.errors, ElementsAre((dir.path() / "p.yaml").string() +
						  ": cannot read: Permission denied"));
	}
}

TEST(CheckConfigTest, InvalidCheckNameReadsNothing)
{
	CheckConfig c = loadCheckConfig(conf_d, "../conf.d/merged");
	EXPECT_THAT(c.instances, IsEmpty());
	EXPECT_THAT(c.errors, ElementsAre(HasSubstr("not a valid check name")));
}

// ---- hostile input ------------------------------------------------------------------

TEST(HostileConfigTest, DeepNestingIsAnErrorNotACrash)
{
	const std::string deep = std::string(100, '[') + std::string(100, ']');
	CheckConfig c = parseCheckConfig("instances:\n  - {name: ok}\n  - deep: " + deep + "\n",
					 "c", "t.yaml");
	EXPECT_THAT(names(c), ElementsAre("ok"));
	EXPECT_THAT(c.errors, ElementsAre(::testing::MatchesRegex(
				      "t.yaml:3: instances\\[1\\]\\.deep(\\[0\\])+: nested "
				      "deeper than 64 levels")));

	// Deeper than yaml-cpp's own guard: a parse error.
	const std::string deeper = std::string(100000, '[') + std::string(100000, ']');
	CheckConfig d = parseCheckConfig("instances:\n  - deep: " + deeper + "\n", "c", "t.yaml");
	EXPECT_THAT(d.errors, ElementsAre(HasSubstr("invalid YAML: nested too deeply")));
	EXPECT_THROW(parseAgentConfig("hostname: " + deeper, "v.yaml"), ConfigError);
}

TEST(HostileConfigTest, AliasBombIsRefused)
{
	std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
	for (int i = 1; i < 9; ++i)
		yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" +
			std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" +
			std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" +
			std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" +
			std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" +
			std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + "]\n";
	yaml += "instances:\n  - {name: ok}\n  - bomb: *a8\n";
	const auto start = std::chrono::steady_clock::now();
	CheckConfig c = parseCheckConfig(yaml, "c", "t.yaml");
	EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
	EXPECT_THAT(names(c), ElementsAre("ok"));
	EXPECT_THAT(c.errors, ElementsAre(HasSubstr("too many values")));
}

TEST(HostileConfigTest, SelfReferencingAliasTerminates)
{
	CheckConfig c = parseCheckConfig("instances:\n  - loop: &l [*l]\n", "c", "t.yaml");
	EXPECT_THAT(c.instances, IsEmpty());
	EXPECT_THAT(c.errors, ElementsAre(HasSubstr("nested deeper than 64 levels")));
}

TEST(HostileConfigTest, DuplicateKeysAreRefused)
{
	CheckConfig c = parseCheckConfig("instances:\n  - host: a\n    host: b\n", "c", "t.yaml");
	EXPECT_THAT(c.errors, ElementsAre("t.yaml:3: instances[0].host: duplicate key"));
}

TEST(HostileConfigTest, HugeFileIsRefused)
{
	TempDir dir;
	{
		std::ofstream out(dir.path() / "big.yaml", std::ios::binary);
		out << "instances:\n";
		std::string line = "  - {}  # " + std::string(1000, 'x') + "\n";
		while (out.tellp() <= std::streamoff(max_config_file_size))
			out << line;
	}
	CheckConfig c = loadCheckConfig(dir.path(), "big");
	EXPECT_THAT(c.errors, ElementsAre(HasSubstr("big.yaml: cannot read: larger than 16 MiB")));
}

TEST(HostileConfigTest, MutatedInputsNeverThrowOrCrash)
{
	const std::string seed = R"(init_config: {a: &x [1, 2.5, "s", ~]}
instances:
  - name: n
    min_collection_interval: 10
    tags: [a, "b", 'c']
    nested: {k: *x, l: |
      text
    }
  - !!map {? [k] : v}
)";
	const std::string alphabet = "[]{}:-,&*!|>'\"#?%@`~\n\t \\0x1e.";
	std::mt19937 rng(12345);
	for (int round = 0; round < 3000; ++round) {
		std::string s = seed;
		int edits = 1 + int(rng() % 8);
		for (int e = 0; e < edits; ++e) {
			std::size_t pos = rng() % (s.size() + 1);
			switch (rng() % 3) {
			case 0:
				s.insert(pos, 1, alphabet[rng() % alphabet.size()]);
				break;
			case 1:
				if (pos < s.size())
					s.erase(pos, 1);
				break;
			default:
				if (pos < s.size())
					s[pos] = char(rng() % 256);
			}
		}
		EXPECT_NO_THROW(parseCheckConfig(s, "c", "t.yaml")) << s;
		try {
			parseAgentConfig(s, "v.yaml");
		} catch (const ConfigError &) {
		}
	}
}

} // namespace
} // namespace vigil
