// SPDX-License-Identifier: Apache-2.0
// Quarantine and crashes in the agent's health metrics: one series per
// instance, 1 only for the quarantined one.
#include "prometheus_health.hpp"

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

} // namespace
} // namespace vigil
