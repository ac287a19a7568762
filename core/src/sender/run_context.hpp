// SPDX-License-Identifier: Apache-2.0
// RunContext: what the opaque vigil_context of the C ABI really is.  One is
// made for each create() or run() call of a check instance; it validates what
// the check submits, forwards it to the Aggregator and collects the call's
// warnings and error.
//
// Threads: a RunContext belongs to the worker thread running the call; the
// ABI forbids a check from keeping it past the call.
#pragma once

#include "aggregation/aggregator.hpp"
#include "config/check_config.hpp"
#include "sender/http_get.hpp"

#include <vigil/check.h>

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vigil {

// Limits on what a check may submit; a sample outside them is dropped with a
// warning.  200 is the Datadog agent's limit for names and tags.
struct SubmissionLimits {
	size_t max_name_length = 200;
	size_t max_tag_length = 200;
	size_t max_tags = 100;
	size_t max_warnings = 50; // per call; the rest are counted, not kept
};

// Current wall-clock time in seconds since the epoch.
double wallClockSeconds();

// Per-instance state that outlives a single call: the instance's config and
// the JSON text handed out by config_json() (which must stay valid as long as
// the instance does).
struct InstanceContext {
	std::string check_name;
	const InstanceConfig *config = nullptr;
	std::string instance_json;
	std::string init_json;
	// Timestamps of submissions; tests replace it to get exact rates.
	double (*clock)() = wallClockSeconds;
};

class RunContext {
public:
	RunContext(Aggregator &aggregator, InstanceContext &instance,
		   std::shared_ptr<spdlog::logger> log, SubmissionLimits limits = {});

	vigil_context *handle() { return reinterpret_cast<vigil_context *>(this); }
	static RunContext &from(vigil_context *ctx) { return *reinterpret_cast<RunContext *>(ctx); }

	void submitMetric(int type, const char *name, double value, const char *const *tags,
			  size_t tag_count, const char *hostname, uint32_t flags = 0);
	void submitServiceCheck(const char *name, int status, const char *const *tags,
				size_t tag_count, const char *hostname, const char *message);
	void submitEvent(const vigil_event *event);
	void warning(std::string message);
	void log(int level, const char *message);
	void setError(const char *message);

	const nlohmann::json &configScope(int scope) const;
	const std::string &configJson(int scope);
	const std::string &instanceId() const;
	HttpGetCall &httpGet() { return http_get_; }

	uint64_t samples() const { return samples_; }
	const std::string &error() const { return error_; }
	std::vector<std::string> takeWarnings();

private:
	// Validated tags of one submission: the check's, then the instance's.
	bool collectTags(const char *what, const char *const *tags, size_t tag_count);

	Aggregator &aggregator_;
	InstanceContext &instance_;
	std::shared_ptr<spdlog::logger> log_;
	SubmissionLimits limits_;
	uint64_t samples_ = 0;
	std::string error_;
	std::vector<std::string> warnings_;
	size_t dropped_warnings_ = 0;
	std::vector<std::string_view> tag_views_; // reused across submissions
	HttpGetCall http_get_;
};

// The host services table handed to every native check.
const vigil_host *hostServices();

} // namespace vigil
