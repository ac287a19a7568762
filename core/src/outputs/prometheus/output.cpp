// SPDX-License-Identifier: Apache-2.0
#include "outputs/prometheus/output.hpp"

#include <chrono>

namespace vigil {

PrometheusOutput::PrometheusOutput(PrometheusOutputOptions options, HealthSamples health)
    : options_(std::move(options)), health_(std::move(health)), converter_(options_.naming)
{
}

void PrometheusOutput::write(const FlushResult &flush)
{
	auto started = std::chrono::steady_clock::now();
	for (PromSample &sample : converter_.convert(flush)) {
		std::string key = seriesKey(sample);
		latest_.insert_or_assign(std::move(key), std::move(sample));
	}
	// Rendered from pointers into latest_: copying 100,000 samples would
	// cost more memory than the text itself.
	std::vector<PromSample> health;
	if (health_)
		health = health_(flush.timestamp);
	std::vector<const PromSample *> samples;
	samples.reserve(latest_.size() + health.size());
	for (auto it = latest_.begin(); it != latest_.end();) {
		if (flush.timestamp - it->second.timestamp >= options_.stale_after_seconds) {
			it = latest_.erase(it);
			continue;
		}
		samples.push_back(&it->second);
		++it;
	}
	for (const PromSample &sample : health)
		samples.push_back(&sample);

	ExpositionStats stats;
	auto text = std::make_shared<const std::string>(renderExposition(samples, &stats));
	{
		std::lock_guard lock(mutex_);
		text_ = std::move(text);
	}
	series_ = stats.series;
	duplicates_ = stats.duplicates;
	type_conflicts_ = stats.type_conflicts;
	render_seconds_ =
		std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::shared_ptr<const std::string> PrometheusOutput::exposition() const
{
	std::lock_guard lock(mutex_);
	return text_;
}

nlohmann::json PrometheusOutput::status() const
{
	return {{"type", "prometheus"},
		{"series", series_.load()},
		{"duplicates_dropped", duplicates_.load()},
		{"type_conflicts_dropped", type_conflicts_.load()},
		{"last_render_seconds", render_seconds_.load()}};
}

} // namespace vigil
