// SPDX-License-Identifier: Apache-2.0
// The agent's health metrics: build info, per-instance counters, and
// quarantine (one series per instance, 1 only for the quarantined one).
#include "agent/health_samples.hpp"
#include "outputs/prometheus/exposition.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace vigil {
namespace {

std::optional<double> valueOf(const std::vector<PromSample> &samples, const std::string &name,
			      const std::string &check_id)
{
	for (const PromSample &s : samples) {
		if (s.name != name)
			continue;
		for (const PromLabel &l : s.labels)
			if (l.name == "check_id" && l.value == check_id)
				return s.value;
	}
	return std::nullopt;
}

TEST(QuarantineHealth, GaugeIsOneOnlyWhileQuarantined)
{
	AgentHealth health;
	InstanceStats held;
	held.id = "crasher:default:01";
	held.crashes = 3;
	held.consecutive_failures = 3;
	held.quarantined = true;
	held.quarantine_reason = "crashed 3 times in a row";
	InstanceStats fine;
	fine.id = "healthy:default:02";
	fine.runs = 7;
	health.instances = {held, fine};

	auto samples = healthSamples(health, 10);
	EXPECT_EQ(valueOf(samples, "vigil_check_quarantined", held.id), 1.0);
	EXPECT_EQ(valueOf(samples, "vigil_check_quarantined", fine.id), 0.0);
	EXPECT_EQ(valueOf(samples, "vigil_check_crashes_total", held.id), 3.0);
	EXPECT_EQ(valueOf(samples, "vigil_check_crashes_total", fine.id), 0.0);
}

TEST(PrometheusHealth, PerInstanceCountersAndBuildInfo)
{
	AgentHealth health;
	health.version = "1.2.3";
	health.python_enabled = true;
	health.arch = "x86_64";
	health.hostname = "h";
	health.plugins_loaded = 4;
	health.plugins_rejected = 1;
	InstanceStats stats;
	stats.id = "cpu:default:00ff";
	stats.runs = 5;
	stats.errors = 2;
	stats.timeouts = 1;
	stats.skips = 3;
	stats.last_duration = std::chrono::milliseconds(1500);
	health.now = Clock::time_point{} + std::chrono::seconds(100);
	stats.next_run = Clock::time_point{} + std::chrono::seconds(98);
	health.instances.push_back(stats);
	auto samples = healthSamples(health, 10);
	std::string text = renderExposition(samples);
	EXPECT_NE(text.find("vigil_build_info{arch=\"x86_64\",host=\"h\",python=\"true\","
			    "version=\"1.2.3\"} 1\n"),
		  std::string::npos)
		<< text;
	EXPECT_NE(text.find("vigil_plugins_rejected{host=\"h\"} 1\n"), std::string::npos);
	const std::string labels = "{check=\"cpu\",check_id=\"cpu:default:00ff\",host=\"h\"}";
	EXPECT_NE(text.find("vigil_check_runs_total" + labels + " 5\n"), std::string::npos);
	EXPECT_NE(text.find("vigil_check_errors_total" + labels + " 2\n"), std::string::npos);
	EXPECT_NE(text.find("vigil_check_timeouts_total" + labels + " 1\n"), std::string::npos);
	EXPECT_NE(text.find("vigil_check_skips_total" + labels + " 3\n"), std::string::npos);
	EXPECT_NE(text.find("vigil_check_last_run_duration_seconds" + labels + " 1.5\n"),
		  std::string::npos);
	EXPECT_NE(text.find("vigil_check_lag_seconds" + labels + " 2\n"), std::string::npos);
	EXPECT_NE(text.find("# TYPE vigil_check_runs_total counter\n"), std::string::npos);
}

} // namespace
} // namespace vigil
