// SPDX-License-Identifier: Apache-2.0
// PrometheusOutput: keeps the latest value of every series the agent flushed,
// plus the agent's health, rendered as one exposition for /metrics scrapes.
//
// Threads: write() runs on the agent's flush thread only (Output's
// contract), which converts, renders and then publishes the new text by
// swapping a shared_ptr under a mutex.  exposition() and status() may be
// called from any thread (the HTTP server's); they only copy that pointer or
// counters, so a scrape never waits for a render and never sees half of one.
#pragma once

#include "outputs/output.hpp"
#include "outputs/prometheus/exposition.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace vigil {

struct PrometheusOutputOptions {
	PrometheusNaming naming;
	// A series not flushed again for this long leaves /metrics (a gauge
	// keeps its last value until then, as exporters do).
	double stale_after_seconds = 300;
};

class PrometheusOutput final : public Output {
public:
	// The agent's own series (agent/health_samples.hpp), stamped with the
	// flush's timestamp: supplied by the agent so that this output needs to
	// know nothing of the scheduler whose stats they are.
	using HealthSamples = std::function<std::vector<PromSample>(double timestamp)>;

	// `health` is called on the flush thread at every write(); empty = none.
	PrometheusOutput(PrometheusOutputOptions options, HealthSamples health);

	void write(const FlushResult &flush) override;
	nlohmann::json status() const override;

	// The latest exposition; empty before the first write().  Any thread.
	std::shared_ptr<const std::string> exposition() const;

private:
	PrometheusOutputOptions options_;
	HealthSamples health_;
	PrometheusSeries converter_;
	// Flush thread only.  Key: name + '\0' + labels.
	std::unordered_map<std::string, PromSample> latest_;

	mutable std::mutex mutex_;
	std::shared_ptr<const std::string> text_;
	std::atomic<size_t> series_{0};
	std::atomic<size_t> duplicates_{0};
	std::atomic<size_t> type_conflicts_{0};
	std::atomic<double> render_seconds_{0};
};

} // namespace vigil
