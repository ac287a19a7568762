// SPDX-License-Identifier: Apache-2.0
#include "sender/run_context.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstddef>

namespace vigil {

double wallClockSeconds()
{
	using namespace std::chrono;
	return duration<double>(system_clock::now().time_since_epoch()).count();
}

RunContext::RunContext(Aggregator &aggregator, InstanceContext &instance,
		       std::shared_ptr<spdlog::logger> log, SubmissionLimits limits)
    : aggregator_(aggregator), instance_(instance), log_(std::move(log)), limits_(limits)
{
}

void RunContext::warning(std::string message)
{
	log_->warn("{}: {}", instance_.config ? instance_.config->id : instance_.check_name,
		   message);
	if (warnings_.size() < limits_.max_warnings)
		warnings_.push_back(std::move(message));
	else
		++dropped_warnings_;
}

std::vector<std::string> RunContext::takeWarnings()
{
	std::vector<std::string> out = std::move(warnings_);
	if (dropped_warnings_)
		out.push_back(fmt::format("{} more warnings not shown", dropped_warnings_));
	warnings_.clear();
	dropped_warnings_ = 0;
	return out;
}

bool RunContext::collectTags(const char *what, const char *const *tags, size_t tag_count)
{
	tag_views_.clear();
	if (tag_count > 0 && !tags) {
		warning(fmt::format("'{}': tag list is NULL with {} tags, dropped", what,
				    tag_count));
		return false;
	}
	if (tag_count > limits_.max_tags) {
		warning(fmt::format("'{}': {} tags, more than the limit of {}, dropped", what,
				    tag_count, limits_.max_tags));
		return false;
	}
	for (size_t i = 0; i < tag_count; ++i) {
		if (!tags[i] || !*tags[i])
			continue; // an empty tag carries nothing; Datadog drops it too
		std::string_view tag(tags[i]);
		if (tag.size() > limits_.max_tag_length) {
			warning(fmt::format("'{}': tag of {} characters is over the limit of {}, "
					    "dropped the tag",
					    what, tag.size(), limits_.max_tag_length));
			continue;
		}
		tag_views_.push_back(tag);
	}
	if (instance_.config)
		for (const std::string &tag : instance_.config->tags)
			tag_views_.push_back(tag);
	return true;
}

void RunContext::submitMetric(int type, const char *name, double value, const char *const *tags,
			      size_t tag_count, const char *hostname, uint32_t flags)
{
	if (!name || !*name) {
		warning("metric with an empty name, dropped");
		return;
	}
	std::string_view n(name);
	if (n.size() > limits_.max_name_length) {
		warning(fmt::format("metric name '{}...' is {} characters, over the limit of {}, "
				    "dropped",
				    n.substr(0, 40), n.size(), limits_.max_name_length));
		return;
	}
	if (!isKnownMetricType(type)) {
		warning(fmt::format("'{}': unknown metric type {}, dropped", n, type));
		return;
	}
	if (!std::isfinite(value)) {
		warning(fmt::format("'{}': value {} is not finite, dropped", n, value));
		return;
	}
	if (!collectTags(name, tags, tag_count))
		return;
	aggregator_.addSample(static_cast<MetricType>(type), n, value, tag_views_,
			      hostname ? std::string_view(hostname) : std::string_view(),
			      instance_.clock(), (flags & VIGIL_SUBMIT_FLUSH_FIRST_VALUE) != 0);
	++samples_;
}

void RunContext::submitServiceCheck(const char *name, int status, const char *const *tags,
				    size_t tag_count, const char *hostname, const char *message)
{
	if (!name || !*name) {
		warning("service check with an empty name, dropped");
		return;
	}
	if (status < VIGIL_STATUS_OK || status > VIGIL_STATUS_UNKNOWN) {
		warning(fmt::format("service check '{}': unknown status {}, reported as UNKNOWN",
				    name, status));
		status = VIGIL_STATUS_UNKNOWN;
	}
	if (!collectTags(name, tags, tag_count))
		return;
	ServiceCheck sc;
	sc.name = name;
	sc.status = static_cast<ServiceStatus>(status);
	sc.tags.assign(tag_views_.begin(), tag_views_.end());
	sc.host = hostname ? hostname : "";
	sc.message = message ? message : "";
	sc.timestamp = instance_.clock();
	aggregator_.addServiceCheck(std::move(sc));
}

void RunContext::submitEvent(const vigil_event *event)
{
	// struct_size tells which fields the check knew about; v1.0 lacks
	// event_type.
	if (!event || event->struct_size < VIGIL_EVENT_V1_0_SIZE) {
		warning("event with a missing or too small struct, dropped");
		return;
	}
	if ((!event->title || !*event->title) && (!event->text || !*event->text)) {
		warning("event with neither title nor text, dropped");
		return;
	}
	if (!collectTags("event", event->tags, event->tag_count))
		return;
	auto str = [](const char *s, const char *fallback) {
		return std::string(s ? s : fallback);
	};
	Event e;
	e.title = str(event->title, "");
	e.text = str(event->text, "");
	e.timestamp = event->timestamp ? static_cast<double>(event->timestamp) : instance_.clock();
	e.priority = str(event->priority, "normal");
	e.alert_type = str(event->alert_type, "info");
	e.aggregation_key = str(event->aggregation_key, "");
	e.source_type_name = str(event->source_type_name, "");
	if (event->struct_size >= offsetof(vigil_event, event_type) + sizeof(event->event_type))
		e.event_type = str(event->event_type, "");
	e.host = str(event->hostname, "");
	e.tags.assign(tag_views_.begin(), tag_views_.end());
	aggregator_.addEvent(std::move(e));
}

void RunContext::log(int level, const char *message)
{
	static constexpr spdlog::level::level_enum levels[] = {
		spdlog::level::trace, spdlog::level::debug, spdlog::level::info,
		spdlog::level::warn,  spdlog::level::err,   spdlog::level::critical,
	};
	auto lvl = level >= 0 && level <= VIGIL_LOG_CRITICAL ? levels[level] : spdlog::level::info;
	log_->log(lvl, "{}: {}", instance_.config ? instance_.config->id : instance_.check_name,
		  message ? message : "");
}

void RunContext::setError(const char *message)
{
	error_ = message && *message ? message : "error without a message";
}

const nlohmann::json &RunContext::configScope(int scope) const
{
	static const nlohmann::json empty = nlohmann::json::object();
	if (!instance_.config)
		return empty;
	return scope == VIGIL_CONFIG_INIT ? instance_.config->init_config : instance_.config->data;
}

const std::string &RunContext::instanceId() const
{
	static const std::string none;
	return instance_.config ? instance_.config->id : none;
}

const std::string &RunContext::configJson(int scope)
{
	std::string &cache =
		scope == VIGIL_CONFIG_INIT ? instance_.init_json : instance_.instance_json;
	if (cache.empty())
		cache = configScope(scope).dump();
	return cache;
}

} // namespace vigil
