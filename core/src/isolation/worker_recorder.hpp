// SPDX-License-Identifier: Apache-2.0
// WorkerRecorder: what the opaque vigil_context is inside a worker process.
// It records a call's submissions as they were made (not validated: the
// agent replays them through its own RunContext, so limits, instance tags
// and timestamps are applied exactly as for an in-process run) and sends
// them to the agent in batches of kBatchItems; a log line goes at once, so
// that a crash right after it does not lose it.
//
// Threads: one per create()/run() call, on the worker's only calling thread;
// a check's own threads may submit meanwhile, so submissions take a lock.
#pragma once

#include "sender/http_get.hpp"

#include <vigil/check.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <mutex>
#include <string>

namespace vigil::isolation {

// Per-instance state in the worker that outlives a call.
struct WorkerInstanceConfig {
	std::string id;
	nlohmann::json instance = nlohmann::json::object();
	nlohmann::json init_config = nlohmann::json::object();
	std::string instance_json; // config_json() text, made on first use
	std::string init_json;
};

class WorkerRecorder {
public:
	// `send` gets each full batch (a `batch` message).
	WorkerRecorder(WorkerInstanceConfig &config, std::function<void(nlohmann::json &&)> send);

	vigil_context *handle() { return reinterpret_cast<vigil_context *>(this); }
	static WorkerRecorder &from(vigil_context *ctx)
	{
		return *reinterpret_cast<WorkerRecorder *>(ctx);
	}

	void metric(int type, const char *name, double value, const char *const *tags,
		    size_t tag_count, const char *hostname, uint32_t flags = 0);
	void serviceCheck(const char *name, int status, const char *const *tags, size_t tag_count,
			  const char *hostname, const char *message);
	void event(const vigil_event *event);
	void warning(const char *message);
	void log(int level, const char *message);
	void setError(const char *message);

	WorkerInstanceConfig &config() { return config_; }
	// In the worker itself: the GET is made from here, not by the agent.
	HttpGetCall &httpGet() { return http_get_; }
	// The last batch's fields plus `result` and `error`: the `done` message.
	nlohmann::json finish(vigil_result result);

private:
	void addLocked(const char *field, nlohmann::json item);

	WorkerInstanceConfig &config_;
	std::function<void(nlohmann::json &&)> send_;
	std::mutex mutex_; // guards batch_, items_, error_
	nlohmann::json batch_;
	size_t items_ = 0;
	std::string error_;
	HttpGetCall http_get_;
};

// The vigil_host table whose functions record into a WorkerRecorder.
const vigil_host *workerHostServices();

} // namespace vigil::isolation
