// SPDX-License-Identifier: Apache-2.0
// The nagios check's parsers on their own: performance data as the
// Monitoring Plugins guidelines define it, a plugin's output split into
// message and perfdata, perfdata turned into samples, and the instance's
// options.  The built check runs in nagios_test.cpp.
#include "command_config.hpp"
#include "perfdata.hpp"
#include "perfdata_metrics.hpp"
#include "plugin_output.hpp"

#include <nlohmann/json.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace vigil::nagios;
using nlohmann::json;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string configError(const json &config)
{
	try {
		parseCommandConfig(config.dump());
	} catch (const std::exception &e) {
		return e.what();
	}
	return "(accepted)";
}

} // namespace

// --- perfdata ----------------------------------------------------------------

TEST(NagiosPerfdata, ParsesCheckLoadOutputWithEmptyAndTrailingFields)
{
	Perfdata p = parsePerfdata("load1=1.900;;;0; scaled_load1=0.950;5.000;7.000;0; ");
	ASSERT_TRUE(p.problems.empty());
	ASSERT_EQ(p.items.size(), 2u);
	EXPECT_EQ(p.items[0].label, "load1");
	EXPECT_EQ(p.items[0].value, 1.9);
	EXPECT_EQ(p.items[0].uom, "");
	EXPECT_FALSE(p.items[0].warn);
	EXPECT_FALSE(p.items[0].crit);
	EXPECT_EQ(p.items[0].min, 0.0);
	EXPECT_FALSE(p.items[0].max);
	EXPECT_EQ(p.items[1].warn->end, 5.0);
	EXPECT_EQ(p.items[1].crit->end, 7.0);
}

TEST(NagiosPerfdata, QuotedLabelsKeepSpacesEqualsAndDoubledQuotes)
{
	Perfdata p = parsePerfdata("'/home dir'=1.5GB 'it''s'=7 'a=b'=2 x'y=3 ''''=4");
	ASSERT_TRUE(p.problems.empty()) << p.problems[0].reason;
	ASSERT_EQ(p.items.size(), 5u);
	EXPECT_EQ(p.items[0].label, "/home dir");
	EXPECT_EQ(p.items[0].uom, "GB");
	EXPECT_EQ(p.items[1].label, "it's");
	EXPECT_EQ(p.items[2].label, "a=b");
	EXPECT_EQ(p.items[3].label, "x'y");
	EXPECT_EQ(p.items[4].label, "'");
}

TEST(NagiosPerfdata, UnknownValueSignSpellingsAndUnits)
{
	Perfdata p = parsePerfdata("a=U;1;2 b=+1.5e-3s c=-.5 d=12.5ms;;;0ms;100ms e=43B f=99%");
	ASSERT_TRUE(p.problems.empty()) << p.problems[0].fragment;
	ASSERT_EQ(p.items.size(), 6u);
	EXPECT_FALSE(p.items[0].value);
	EXPECT_EQ(p.items[0].crit->end, 2.0);
	EXPECT_EQ(p.items[1].value, 1.5e-3);
	EXPECT_EQ(p.items[1].uom, "s");
	EXPECT_EQ(p.items[2].value, -0.5);
	EXPECT_EQ(p.items[3].min, 0.0);
	EXPECT_EQ(p.items[3].max, 100.0);
	EXPECT_EQ(p.items[4].uom, "B");
	EXPECT_EQ(p.items[5].uom, "%");
}

TEST(NagiosPerfdata, RangesFollowTheGuidelines)
{
	auto r = [](const char *text) { return parseRange(text); };
	EXPECT_EQ(r("10")->start, 0.0);
	EXPECT_EQ(r("10")->end, 10.0);
	EXPECT_FALSE(r("10")->start_written);
	EXPECT_EQ(r("10:")->start, 10.0);
	EXPECT_EQ(r("10:")->end, kInf);
	EXPECT_TRUE(r("10:")->start_written);
	EXPECT_EQ(r("~:10")->start, -kInf);
	EXPECT_FALSE(r("~:10")->start_written);
	EXPECT_EQ(r("10:20")->start, 10.0);
	EXPECT_EQ(r("10:20")->end, 20.0);
	EXPECT_FALSE(r("10:20")->inside);
	EXPECT_TRUE(r("@10:20")->inside);
	EXPECT_EQ(r("@10:20")->start, 10.0);
	EXPECT_EQ(r(":5")->start, 0.0);
	EXPECT_EQ(r("-5:-1")->start, -5.0);
	EXPECT_EQ(parseRange("10MB:20MB", "MB")->end, 20.0);
	for (const char *bad : {"", "@", "20:10", "a", "1:2:3", "~", "10KB", "1,5", "nan", "inf"})
		EXPECT_FALSE(parseRange(bad)) << bad;
}

TEST(NagiosPerfdata, MalformedFragmentsAreNamedAndTheirNeighboursStillCount)
{
	Perfdata p = parsePerfdata("ok1=1 foo =5 x= y=abc z=1,5 n=nan i=inf big=1e999 "
				   "'q'r=1 ok2=2 w=3;bogus;4;zero;9;extra 'open=1");
	ASSERT_EQ(p.items.size(), 3u);
	EXPECT_EQ(p.items[0].label, "ok1");
	EXPECT_EQ(p.items[1].label, "ok2");
	EXPECT_EQ(p.items[2].label, "w");
	EXPECT_EQ(p.items[2].value, 3.0);
	EXPECT_FALSE(p.items[2].warn);
	EXPECT_EQ(p.items[2].crit->end, 4.0);
	EXPECT_FALSE(p.items[2].min);
	EXPECT_EQ(p.items[2].max, 9.0);
	std::vector<std::pair<std::string, std::string>> problems;
	for (const PerfdataProblem &q : p.problems)
		problems.emplace_back(q.fragment, q.reason);
	EXPECT_EQ(problems,
		  (std::vector<std::pair<std::string, std::string>>{
			  {"foo", "not label=value"},
			  {"=5", "empty label"},
			  {"x=", "no value after '='"},
			  {"y=abc", "value 'abc' is not a number"},
			  {"z=1,5", "value '1,5' is not a number"},
			  {"n=nan", "value 'nan' is not a number"},
			  {"i=inf", "value 'inf' is not a number"},
			  {"big=1e999", "value '1e999' is out of range"},
			  {"'q'r=1", "no '=' right after the quoted label"},
			  {"w=3;bogus;4;zero;9;extra", "warn 'bogus' is not a range, ignored it"},
			  {"w=3;bogus;4;zero;9;extra", "min 'zero' is not a number, ignored it"},
			  {"w=3;bogus;4;zero;9;extra", "more than 5 fields, ignored 'extra'"},
			  {"'open=1", "the quoted label has no closing quote"},
		  }));
}

TEST(NagiosPerfdata, EmptyAndBlankTextHaveNothing)
{
	for (const char *text : {"", "   ", "\n\t "}) {
		Perfdata p = parsePerfdata(text);
		EXPECT_TRUE(p.items.empty());
		EXPECT_TRUE(p.problems.empty());
	}
}

// --- plugin output -------------------------------------------------------------

TEST(NagiosOutput, FirstLineIsTheMessageAndItsPerfdataFollowsTheBar)
{
	PluginOutput o =
		splitPluginOutput("DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948\n");
	EXPECT_EQ(o.message, "DISK OK - free space: / 3326 MB (56%);");
	EXPECT_EQ(o.perfdata, "/=2643MB;5948");
	o = splitPluginOutput("just text\r\n");
	EXPECT_EQ(o.message, "just text");
	EXPECT_EQ(o.perfdata, "");
}

TEST(NagiosOutput, LongTextBeforeTheSecondBarIsNotPerfdata)
{
	PluginOutput o = splitPluginOutput("OK | a=1\n"
					   "long text x=2\n"
					   "more text y=3 | b=2\n"
					   "c=3\n"
					   "d=4 | e=5\n");
	EXPECT_EQ(o.message, "OK");
	EXPECT_EQ(o.perfdata, "a=1 b=2 c=3\nd=4 | e=5");
	o = splitPluginOutput("OK\nlong | b=2");
	EXPECT_EQ(o.perfdata, "b=2");
}

TEST(NagiosOutput, CappedMessagesDoNotSplitACharacter)
{
	EXPECT_EQ(capped("abc", 3), "abc");
	EXPECT_EQ(capped("abcd", 3), "abc...");
	EXPECT_EQ(capped("a\xC3\xA9z", 2), "a...");
}

// --- perfdata as metrics ----------------------------------------------------------

TEST(NagiosMetrics, UnitsAreNormalisedIntoOneMetricPerFamily)
{
	struct Case {
		const char *uom;
		const char *name;
		double factor;
	};
	for (Case c :
	     {Case{"", "nagios.x.value", 1}, Case{"s", "nagios.x.seconds", 1},
	      Case{"ms", "nagios.x.seconds", 1e-3}, Case{"us", "nagios.x.seconds", 1e-6},
	      Case{"%", "nagios.x.percent", 1}, Case{"B", "nagios.x.bytes", 1},
	      Case{"KB", "nagios.x.bytes", 1024}, Case{"kB", "nagios.x.bytes", 1024},
	      Case{"MB", "nagios.x.bytes", 1048576}, Case{"GB", "nagios.x.bytes", 1073741824.0},
	      Case{"TB", "nagios.x.bytes", 1099511627776.0},
	      Case{"MiB", "nagios.x.bytes", 1048576}}) {
		Perfdatum item{"lbl", 3.0, c.uom, {}, {}, {}, {}};
		std::vector<MetricSample> s = perfdataSamples("nagios.x", item, false);
		ASSERT_EQ(s.size(), 1u) << c.uom;
		EXPECT_EQ(s[0].name, c.name);
		EXPECT_EQ(s[0].type, VIGIL_METRIC_GAUGE);
		EXPECT_DOUBLE_EQ(s[0].value, 3.0 * c.factor) << c.uom;
		EXPECT_EQ(s[0].tags, std::vector<std::string>{"perfdata:lbl"});
	}
}

TEST(NagiosMetrics, CountersAreMonotonicAndUnknownUnitsAreTagged)
{
	std::vector<MetricSample> c =
		perfdataSamples("nagios.if", {"rx", 1e9, "c", {}, {}, {}, {}}, false);
	ASSERT_EQ(c.size(), 1u);
	EXPECT_EQ(c[0].name, "nagios.if.counter");
	EXPECT_EQ(c[0].type, VIGIL_METRIC_MONOTONIC_COUNT);
	std::vector<MetricSample> u =
		perfdataSamples("nagios.ups", {"temp", 21.5, "C", {}, {}, {}, {}}, false);
	ASSERT_EQ(u.size(), 1u);
	EXPECT_EQ(u[0].name, "nagios.ups.value");
	EXPECT_EQ(u[0].value, 21.5);
	EXPECT_EQ(u[0].tags, (std::vector<std::string>{"perfdata:temp", "unit:C"}));
}

TEST(NagiosMetrics, ThresholdsSendTheFiniteWrittenBoundsInTheValuesUnit)
{
	Perfdata p = parsePerfdata("rtt=12ms;@5:10;~:20;0;1000 disk=1MB;10;20: pl=U;5;10");
	ASSERT_TRUE(p.problems.empty());
	std::vector<std::string> got;
	for (const Perfdatum &item : p.items)
		for (const MetricSample &s : perfdataSamples("nagios.t", item, true)) {
			std::string tags;
			for (const std::string &t : s.tags)
				tags += " " + t;
			char value[32];
			snprintf(value, sizeof(value), "%.6g", s.value);
			got.push_back(s.name + "=" + value + tags);
		}
	EXPECT_EQ(got, (std::vector<std::string>{
			       "nagios.t.seconds=0.012 perfdata:rtt",
			       "nagios.t.seconds.warn_low=0.005 perfdata:rtt range:inside",
			       "nagios.t.seconds.warn_high=0.01 perfdata:rtt range:inside",
			       "nagios.t.seconds.crit_high=0.02 perfdata:rtt",
			       "nagios.t.seconds.min=0 perfdata:rtt",
			       "nagios.t.seconds.max=1 perfdata:rtt",
			       "nagios.t.bytes=1.04858e+06 perfdata:disk",
			       "nagios.t.bytes.warn_high=1.04858e+07 perfdata:disk",
			       "nagios.t.bytes.crit_low=2.09715e+07 perfdata:disk",
			       "nagios.t.value.warn_high=5 perfdata:pl",
			       "nagios.t.value.crit_high=10 perfdata:pl",
		       }));
	EXPECT_TRUE(perfdataSamples("nagios.t", p.items[2], false).empty());
}

// --- options ---------------------------------------------------------------------

TEST(NagiosConfig, ReadsAListCommandWithDefaults)
{
	CommandConfig c = parseCommandConfig(
		R"({"command": ["/usr/lib/nagios/plugins/check_load", "-w", 5, "-c", 1.5]})");
	EXPECT_EQ(c.argv, (std::vector<std::string>{"/usr/lib/nagios/plugins/check_load", "-w", "5",
						    "-c", "1.5"}));
	EXPECT_EQ(c.env,
		  (std::vector<std::string>{"LC_ALL=C", "PATH=" + std::string(kDefaultPath)}));
	EXPECT_EQ(c.path, kDefaultPath);
	EXPECT_EQ(c.name, "check_load");
	EXPECT_EQ(c.timeout, 60);
	EXPECT_EQ(c.deadline, 14.75); // a quarter second before the default interval
	EXPECT_FALSE(c.thresholds);
	EXPECT_EQ(c.cwd, "");
}

TEST(NagiosConfig, TimeoutNameEnvAndShell)
{
	CommandConfig c = parseCommandConfig(
		R"({"command": "check_x -w 1 | tail -1", "shell": true, "timeout": 2,
		    "env": {"PATH": "/opt/bin", "LC_ALL": null, "N": 3, "B": true},
		    "cwd": "/tmp", "thresholds": true})");
	EXPECT_EQ(c.argv, (std::vector<std::string>{"/bin/sh", "-c", "check_x -w 1 | tail -1"}));
	EXPECT_EQ(c.env, (std::vector<std::string>{"B=true", "N=3", "PATH=/opt/bin"}));
	EXPECT_EQ(c.path, "/opt/bin");
	EXPECT_EQ(c.name, "check_x");
	EXPECT_EQ(c.timeout, 2);
	EXPECT_EQ(c.deadline, 2);
	EXPECT_EQ(c.cwd, "/tmp");
	EXPECT_TRUE(c.thresholds);
}

TEST(NagiosConfig, TheDeadlineEndsBeforeTheAgentsLimitForTheRun)
{
	auto deadline = [](const char *options) {
		return parseCommandConfig(std::string(R"({"command": ["a"], )") + options + "}")
			.deadline;
	};
	EXPECT_EQ(deadline(R"("min_collection_interval": 300)"), 60);
	EXPECT_EQ(deadline(R"("timeout": 30, "min_collection_interval": 10)"), 9.75);
	EXPECT_DOUBLE_EQ(deadline(R"("min_collection_interval": 1)"), 0.9);
	EXPECT_EQ(deadline(R"("timeout": 5, "vigil_timeout": 3)"), 2.75);
	EXPECT_EQ(deadline(R"("timeout": 5, "vigil_timeout": 30, "min_collection_interval": 1)"),
		  5);
	EXPECT_EQ(deadline(R"("timeout": 0.5, "min_collection_interval": 1)"), 0.5);
}

TEST(NagiosConfig, NamesAreMetricNameSegments)
{
	EXPECT_EQ(parseCommandConfig(R"({"command": ["a"], "name": "disk /var!"})").name,
		  "disk__var_");
}

TEST(NagiosConfig, DefaultNamesAreThePluginsBasename)
{
	EXPECT_EQ(defaultName("/usr/lib/nagios/plugins/check_disk"), "check_disk");
	EXPECT_EQ(defaultName("./my-check.v2.sh"), "my_check_v2");
	EXPECT_EQ(defaultName("check_mysql.pl"), "check_mysql");
	EXPECT_EQ(defaultName("/opt/plugins/"), "");
	EXPECT_EQ(metricSegment("---"), "");
	EXPECT_EQ(parseCommandConfig(R"({"command": "  FOO=1 run.sh", "shell": true})").name,
		  "FOO_1");
}

TEST(NagiosConfig, MistakesAreOneLineNamingTheOptionAndTheFix)
{
	EXPECT_EQ(configError({{"command", "check_load -w 5"}}),
		  "option 'command' is a string: use a list of arguments (command: [check_x, -w, "
		  "'5']), or set shell: true to run it with /bin/sh -c");
	EXPECT_EQ(configError(json::object()).substr(0, 29), "option 'command' is required:");
	EXPECT_EQ(configError({{"command", json::array()}}), "option 'command' is an empty list");
	EXPECT_EQ(configError({{"command", {"check_x", true}}}),
		  "option 'command[1]' must be a string, got a boolean (true)");
	EXPECT_EQ(configError({{"command", {"", "x"}}}),
		  "option 'command[0]' is empty: it must name the plugin to run");
	EXPECT_EQ(configError({{"command", {"a", "b"}}, {"shell", true}}),
		  "option 'command' must be one string with shell: true (the script /bin/sh -c "
		  "runs), got a list");
	EXPECT_EQ(configError({{"command", "  "}, {"shell", true}}),
		  "option 'command' is an empty script");
	EXPECT_EQ(configError({{"command", {"a"}}, {"shell", "yes"}}),
		  "option 'shell' must be true or false, got a string");
	EXPECT_EQ(configError({{"command", {"a"}}, {"env", {1, 2}}}),
		  "option 'env' must be a map of NAME: value, got a list");
	EXPECT_EQ(configError({{"command", {"a"}}, {"env", {{"A=B", "x"}}}}),
		  "option 'env': 'A=B' is not a variable name (empty, or holds '=' or NUL)");
	EXPECT_EQ(configError({{"command", {"a"}}, {"env", {{"A", {{"k", 1}}}}}}),
		  "option 'env.A' must be a string, got a map");
	EXPECT_EQ(configError({{"command", {"a"}}, {"cwd", "tmp"}}),
		  "option 'cwd' must be an absolute path, got 'tmp'");
	EXPECT_EQ(configError({{"command", {"a"}}, {"timeout", 0}}),
		  "option 'timeout' must be a number > 0, got a number (0)");
	EXPECT_EQ(configError({{"command", {"a"}}, {"name", "!!"}}),
		  "option 'name' has no letter, digit or '_' to name metrics with");
	EXPECT_EQ(configError({{"command", {"a", std::string("b\0c", 3)}}}),
		  "option 'command[1]' contains a NUL byte");
}
