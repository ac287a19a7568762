// SPDX-License-Identifier: Apache-2.0
#include "agent/health_samples.hpp"

#include <algorithm>
#include <chrono>

namespace vigil {

namespace {

double seconds(std::chrono::nanoseconds d)
{
	return std::chrono::duration<double>(d).count();
}

class Builder {
public:
	Builder(std::vector<PromSample> &out, double timestamp, std::string host)
	    : out_(out), timestamp_(timestamp), host_(std::move(host))
	{
	}

	void add(std::string name, PromType type, std::string help, double value,
		 std::vector<PromLabel> labels = {})
	{
		if (!host_.empty())
			labels.push_back({"host", host_});
		std::sort(labels.begin(), labels.end(),
			  [](const PromLabel &a, const PromLabel &b) { return a.name < b.name; });
		out_.push_back({std::move(name), type, std::move(labels), value, timestamp_,
				std::move(help)});
	}

private:
	std::vector<PromSample> &out_;
	double timestamp_;
	std::string host_;
};

} // namespace

std::vector<PromSample> healthSamples(const AgentHealth &health, double timestamp)
{
	std::vector<PromSample> out;
	out.reserve(8 + health.instances.size() * 8);
	Builder b(out, timestamp, health.hostname);
	b.add("vigil_build_info", PromType::Gauge,
	      "Always 1; the labels say which Vigil build is running", 1,
	      {{"version", health.version},
	       {"python", health.python_enabled ? "true" : "false"},
	       {"arch", health.arch}});
	b.add("vigil_start_time_seconds", PromType::Gauge,
	      "When the agent started, in seconds since the epoch", health.start_time);
	b.add("vigil_plugins_loaded", PromType::Gauge, "Plugin files loaded into the check catalog",
	      static_cast<double>(health.plugins_loaded));
	b.add("vigil_plugins_rejected", PromType::Gauge,
	      "Plugin files rejected (vigil status lists the reasons)",
	      static_cast<double>(health.plugins_rejected));

	for (const InstanceStats &s : health.instances) {
		std::string check = s.id.substr(0, s.id.find(':'));
		auto labels = [&]() -> std::vector<PromLabel> {
			return {{"check", check}, {"check_id", s.id}};
		};
		b.add("vigil_check_runs_total", PromType::Counter, "Completed check runs",
		      static_cast<double>(s.runs), labels());
		b.add("vigil_check_errors_total", PromType::Counter,
		      "Check runs that failed (timeouts included)", static_cast<double>(s.errors),
		      labels());
		b.add("vigil_check_timeouts_total", PromType::Counter, "Check runs that timed out",
		      static_cast<double>(s.timeouts), labels());
		b.add("vigil_check_crashes_total", PromType::Counter,
		      "Isolated check runs whose worker process died",
		      static_cast<double>(s.crashes), labels());
		b.add("vigil_check_quarantined", PromType::Gauge,
		      "1 while the check's runs are skipped after crashes or timeouts in a row",
		      s.quarantined ? 1.0 : 0.0, labels());
		b.add("vigil_check_skips_total", PromType::Counter,
		      "Scheduled runs skipped because the previous run was still going",
		      static_cast<double>(s.skips), labels());
		b.add("vigil_check_samples_total", PromType::Counter,
		      "Metric samples submitted by check runs", static_cast<double>(s.samples),
		      labels());
		b.add("vigil_check_last_run_duration_seconds", PromType::Gauge,
		      "Duration of the latest check run", seconds(s.last_duration), labels());
		b.add("vigil_check_average_run_duration_seconds", PromType::Gauge,
		      "Average duration of the check's runs", seconds(s.average_duration),
		      labels());
		// How late the next run is: 0 while it is in the future; grows when
		// every worker is busy and due runs wait.
		double lag = 0;
		if (s.next_run != Clock::time_point{} && health.now > s.next_run)
			lag = seconds(health.now - s.next_run);
		b.add("vigil_check_lag_seconds", PromType::Gauge,
		      "How long the check's next run is overdue (0 when on time)", lag, labels());
	}
	return out;
}

} // namespace vigil
