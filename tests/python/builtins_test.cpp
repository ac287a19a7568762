// SPDX-License-Identifier: Apache-2.0
// The rest of the Datadog agent's builtin-module contract (rtloader): what
// datadog_agent, aggregator, util, _util, containers, kubeutil and tagger
// answer, as tests/data/python/builtins_check.py reports it.
#include "recording_host.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>

using testing::HasSubstr;
using testing::StartsWith;

namespace {

// Taken before main(): this process started at most a moment earlier.
const double g_test_start =
	std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

struct BuiltinsRun {
	vigil_context ctx;
	vigil_result result = VIGIL_ERROR;
	nlohmann::json report; // the check's event, parsed
	std::string error;     // why there is no report
};

// Run once per process: the "first time only" debug lines are per process.
const BuiltinsRun &builtinsRun()
{
	static BuiltinsRun *run = [] {
		auto *r = new BuiltinsRun;
		PythonHost &h = PythonHost::get();
		if (!h.provider) {
			r->error = "no provider: " + h.init_error;
			return r;
		}
		auto loaded = h.load("builtins_check.py");
		if (!loaded.check) {
			r->error = "load: " + loaded.error;
			return r;
		}
		r->ctx.instance_id = "builtins_check:default:1";
		void *check = h.create(loaded.check, r->ctx);
		if (!check) {
			r->error = "create: " + r->ctx.error;
			return r;
		}
		// What a command with env={} (inherit) must see.
		setenv("VIGIL_BUILTINS_TEST", "inherited", 1);
		r->result = h.run(check, r->ctx);
		unsetenv("VIGIL_BUILTINS_TEST");
		h.desc->destroy(h.provider, check);
		for (const auto &ev : r->ctx.events)
			if (ev.title == "builtins")
				r->report = nlohmann::json::parse(ev.text, nullptr, false);
		if (r->result != VIGIL_OK)
			r->error = "run: " + r->ctx.error;
		else if (!r->report.is_object())
			r->error = "no 'builtins' event with a JSON object";
		return r;
	}();
	return *run;
}

#define REPORT(r)                                                                                  \
	const BuiltinsRun &run_ = builtinsRun();                                                   \
	ASSERT_TRUE(run_.error.empty()) << run_.error;                                             \
	const nlohmann::json &r = run_.report

// {"raised": "module.Type", "message": ...} of an outcome() in the check.
void expectRaised(const nlohmann::json &outcome, const std::string &type,
		  const std::string &message)
{
	ASSERT_TRUE(outcome.contains("raised")) << "no exception: " << outcome.dump();
	EXPECT_EQ(outcome["raised"], type) << outcome.dump();
	EXPECT_EQ(outcome["message"], message) << outcome.dump();
}

void expectValue(const nlohmann::json &outcome, const nlohmann::json &value)
{
	ASSERT_TRUE(outcome.contains("value")) << "raised: " << outcome.dump();
	EXPECT_EQ(outcome["value"], value);
}

size_t logLines(const vigil_context &ctx, const std::string &needle, vigil_log_level level)
{
	size_t n = 0;
	for (const auto &[l, line] : ctx.logs)
		if (l == level && line.find(needle) != std::string::npos)
			++n;
	return n;
}

// The Datadog agent's defaults for what datadog_checks_base reads; the
// test host's agent_config ({"site", "number"}) sets none of them.
TEST(PythonBuiltins, GetConfigAnswersTheDatadogDefaults)
{
	REPORT(r);
	const nlohmann::json &c = r["get_config"];
	EXPECT_EQ(c["enable_metadata_collection"], true);
	EXPECT_EQ(c["disable_unsafe_yaml"], true);
	EXPECT_EQ(c["log_level"], "info");
	EXPECT_EQ(c["integration_tracing"], false);
	EXPECT_EQ(c["integration_tracing_exhaustive"], false);
	EXPECT_EQ(c["integration_profiling"], false);
	for (const char *key : {"tracemalloc_include", "tracemalloc_exclude",
				"tracemalloc_whitelist", "tracemalloc_blacklist"})
		EXPECT_EQ(c[key], "") << key;
	EXPECT_EQ(c["kubernetes_pod_expiration_duration"], 900);
	EXPECT_TRUE(c["kubernetes_pod_expiration_duration"].is_number_integer());
	EXPECT_EQ(c["kubernetes_kubeconfig_path"], "");
	// No default in the Datadog agent, none in agent_config: None.
	EXPECT_TRUE(c["confd_path"].is_null());
	EXPECT_TRUE(c["integration_tracing_futures"].is_null());
	EXPECT_TRUE(c["proxy"].is_null());
	EXPECT_TRUE(c["hostname"].is_null()) << "hostname comes from agent_config only";
	EXPECT_TRUE(c["no_such_key"].is_null());
	// agent_config still answers first.
	EXPECT_EQ(c["site"], "example.com");
}

// Without the agent_start_time option: this process's start, whole seconds.
TEST(PythonBuiltins, ProcessStartTimeIsThisProcessStart)
{
	REPORT(r);
	EXPECT_EQ(r["start_time"]["type"], "float");
	const double start = r["start_time"]["value"].get<double>();
	EXPECT_EQ(start, std::floor(start)) << "whole seconds, as the Datadog agent";
	// btime has whole-second precision: allow a second either way.
	EXPECT_LE(start, g_test_start + 1);
	EXPECT_GE(start, g_test_start - 5);
}

TEST(PythonBuiltins, ObfuscatorsRaiseRuntimeErrorNamingTheFunction)
{
	REPORT(r);
	expectRaised(r["obfuscate_sql"], "builtins.RuntimeError",
		     "datadog_agent.obfuscate_sql: Vigil has no SQL obfuscator");
	expectRaised(r["obfuscate_sql_options"], "builtins.RuntimeError",
		     "datadog_agent.obfuscate_sql: Vigil has no SQL obfuscator");
	expectRaised(r["obfuscate_sql_exec_plan"], "builtins.RuntimeError",
		     "datadog_agent.obfuscate_sql_exec_plan: Vigil has no SQL obfuscator");
	expectRaised(r["obfuscate_mongodb_string"], "builtins.RuntimeError",
		     "datadog_agent.obfuscate_mongodb_string: Vigil has no MongoDB obfuscator");
	// Arguments are checked first, as rtloader parses them.
	ASSERT_EQ(r["obfuscate_sql_bad"].value("raised", ""), "builtins.TypeError");
	EXPECT_THAT(r["obfuscate_sql_bad"]["message"].get<std::string>(),
		    HasSubstr("obfuscate_sql() argument 1 must be str"));
	// The plan is positional-only.
	ASSERT_EQ(r["obfuscate_sql_exec_plan_kw"].value("raised", ""), "builtins.TypeError");
}

TEST(PythonBuiltins, DroppedCallsSayItOnceAtDebugLevel)
{
	REPORT(r);
	const vigil_context &c = run_.ctx;
	EXPECT_EQ(
		logLines(c, "datadog_agent.send_log: Vigil has no logs pipeline", VIGIL_LOG_DEBUG),
		1u);
	EXPECT_EQ(logLines(c, "(first from 'builtins_check:default:1')", VIGIL_LOG_DEBUG), 1u);
	EXPECT_EQ(logLines(c, "datadog_agent.emit_agent_telemetry: Vigil has no agent telemetry",
			   VIGIL_LOG_DEBUG),
		  1u);
	EXPECT_EQ(logLines(c, "builtins_check.runs", VIGIL_LOG_DEBUG), 1u);
	EXPECT_EQ(logLines(c, "aggregator.submit_event_platform_event: Vigil has no event platform",
			   VIGIL_LOG_DEBUG),
		  1u);
	EXPECT_EQ(logLines(c, "'dbm-samples'", VIGIL_LOG_DEBUG), 1u);
	// Nothing reaches the run: the report is the only event.
	EXPECT_EQ(c.events.size(), 1u);
	// Wrong arguments are still TypeErrors.
	EXPECT_EQ(r["send_log_bad"].value("raised", ""), "builtins.TypeError");
	EXPECT_EQ(r["emit_agent_telemetry_bad"].value("raised", ""), "builtins.TypeError");
	EXPECT_EQ(r["event_platform_bad"].value("raised", ""), "builtins.TypeError");
}

TEST(PythonBuiltins, AggregatorTakesRtloadersPositionalArguments)
{
	REPORT(r);
	const auto *flush = run_.ctx.metric("bi.flush");
	ASSERT_NE(flush, nullptr) << "flush_first_value accepted";
	EXPECT_EQ(flush->type, VIGIL_METRIC_MONOTONIC_COUNT);
	EXPECT_EQ(flush->value, 5);
	EXPECT_EQ(flush->flags, VIGIL_SUBMIT_FLUSH_FIRST_VALUE) << "reaches the agent";
	const auto *no_flush = run_.ctx.metric("bi.no_flush");
	ASSERT_NE(no_flush, nullptr);
	EXPECT_EQ(no_flush->flags, 0u) << "a falsy flag is no flag";
	ASSERT_EQ(r["submit_metric_keyword"].value("raised", ""), "builtins.TypeError")
		<< "keywords are refused (METH_VARARGS in rtloader)";
	EXPECT_EQ(run_.ctx.metric("bi.kw"), nullptr);
}

TEST(PythonBuiltins, DatadogAgentArgumentChecks)
{
	REPORT(r);
	expectValue(r["set_external_tags_ok"], nullptr);
	expectRaised(r["set_external_tags_not_list"], "builtins.TypeError", "tags must be a list");
	expectRaised(r["set_external_tags_not_dict"], "builtins.TypeError",
		     "second elem of the host tags tuple must be a dict");
	EXPECT_EQ(r["set_check_metadata_bad"].value("raised", ""), "builtins.TypeError");
	EXPECT_EQ(r["get_version_args"].value("raised", ""), "builtins.TypeError");
	EXPECT_EQ(r["headers_same"], true) << "util.headers is datadog_agent.headers";
}

TEST(PythonBuiltins, GetSubprocessOutputRunsTheCommand)
{
	REPORT(r);
	expectValue(r["echo"], {"hi\n", "", 0});
	// A non-empty env replaces the environment; env={} inherits it.
	expectValue(r["env"], {"A=1\n", "", 0});
	expectValue(r["env_empty"], {"inherited\n", "", 0});
	expectValue(r["exit_code"], {"out\n", "err\n", 3});
	expectValue(r["empty_ok"], {"", "", 0});
	EXPECT_EQ(r["alias"], true);
}

TEST(PythonBuiltins, GetSubprocessOutputErrors)
{
	REPORT(r);
	expectRaised(r["empty"], "_util.SubprocessOutputEmptyError",
		     "get_subprocess_output expected output but had none.");
	EXPECT_EQ(r["empty_error_class"], true);
	// rtloader raises a plain Exception when the program cannot run.
	expectRaised(r["missing"], "builtins.Exception",
		     "internal error running command: exec: \"vigil-no-such-command-xyz\": "
		     "executable file not found in $PATH");
	expectRaised(r["missing_path"], "builtins.Exception",
		     "internal error running command: fork/exec /nonexistent/vigil-cmd: no such "
		     "file or directory");
	expectRaised(r["not_list"], "builtins.TypeError", "command args is not a list");
	expectRaised(r["empty_list"], "builtins.TypeError", "invalid command: empty list");
	expectRaised(r["not_str"], "builtins.TypeError", "command argument must be valid strings");
	expectRaised(r["not_bool"], "builtins.TypeError",
		     "bad raise_on_empty argument: should be bool");
	expectRaised(r["env_not_dict"], "builtins.TypeError", "env is not a dict");
	ASSERT_EQ(r["env_positional"].value("raised", ""), "builtins.TypeError")
		<< "env is keyword-only";
}

TEST(PythonBuiltins, ContainersKubeutilTagger)
{
	REPORT(r);
	expectValue(r["is_excluded"], false);
	expectValue(r["is_excluded_ns"], false);
	expectValue(r["connection_info"], nlohmann::json::object());
	EXPECT_EQ(r["tagger_constants"], nlohmann::json({0, 1, 2}));
	expectValue(r["tag"], nlohmann::json::array());
	expectRaised(r["tag_bad"], "builtins.TypeError", "Invalid cardinality");
	EXPECT_EQ(r["tag_keyword"].value("raised", ""), "builtins.TypeError")
		<< "positional only, as rtloader";
	expectValue(r["get_tags"], nlohmann::json::array());
}

} // namespace
