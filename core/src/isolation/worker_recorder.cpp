// SPDX-License-Identifier: Apache-2.0
#include "isolation/worker_recorder.hpp"

#include "isolation/worker_protocol.hpp"

#include <cstddef>
#include <cstdio>

namespace vigil::isolation {

namespace {

nlohmann::json emptyBatch()
{
	return {{"op", "batch"}};
}

nlohmann::json tagList(const char *const *tags, size_t tag_count)
{
	// A NULL list with a count is the agent's to report, as for an
	// in-process check: send null and let RunContext say so.
	if (tag_count > 0 && !tags)
		return nullptr;
	nlohmann::json out = nlohmann::json::array();
	for (size_t i = 0; i < tag_count; ++i)
		out.push_back(tags[i] ? tags[i] : "");
	return out;
}

nlohmann::json optionalString(const char *s)
{
	return s ? nlohmann::json(s) : nlohmann::json(nullptr);
}

} // namespace

WorkerRecorder::WorkerRecorder(WorkerInstanceConfig &config,
			       std::function<void(nlohmann::json &&)> send)
    : config_(config), send_(std::move(send)), batch_(emptyBatch())
{
}

void WorkerRecorder::addLocked(const char *field, nlohmann::json item)
{
	batch_[field].push_back(std::move(item));
	if (++items_ < kBatchItems)
		return;
	nlohmann::json full = std::move(batch_);
	batch_ = emptyBatch();
	items_ = 0;
	send_(std::move(full));
}

void WorkerRecorder::metric(int type, const char *name, double value, const char *const *tags,
			    size_t tag_count, const char *hostname, uint32_t flags)
{
	nlohmann::json item = {type, optionalString(name), value, tagList(tags, tag_count),
			       optionalString(hostname)};
	if (flags)
		item.push_back(flags); // only when set: most samples have none
	std::lock_guard lock(mutex_);
	addLocked("metrics", std::move(item));
}

void WorkerRecorder::serviceCheck(const char *name, int status, const char *const *tags,
				  size_t tag_count, const char *hostname, const char *message)
{
	std::lock_guard lock(mutex_);
	addLocked("service_checks", {optionalString(name), status, tagList(tags, tag_count),
				     optionalString(hostname), optionalString(message)});
}

void WorkerRecorder::event(const vigil_event *e)
{
	nlohmann::json item = nullptr; // the agent reports a missing event
	if (e && e->struct_size >= VIGIL_EVENT_V1_0_SIZE) {
		item = {
			{"title", optionalString(e->title)},
			{"text", optionalString(e->text)},
			{"timestamp", e->timestamp},
			{"priority", optionalString(e->priority)},
			{"alert_type", optionalString(e->alert_type)},
			{"aggregation_key", optionalString(e->aggregation_key)},
			{"source_type_name", optionalString(e->source_type_name)},
			{"hostname", optionalString(e->hostname)},
			{"tags", tagList(e->tags, e->tag_count)},
		};
		if (e->struct_size >= offsetof(vigil_event, event_type) + sizeof(e->event_type))
			item["event_type"] = optionalString(e->event_type);
	}
	std::lock_guard lock(mutex_);
	addLocked("events", std::move(item));
}

void WorkerRecorder::warning(const char *message)
{
	std::lock_guard lock(mutex_);
	addLocked("warnings", message ? message : "");
}

void WorkerRecorder::log(int level, const char *message)
{
	// Sent at once, alone: a log line is often what explains the crash that
	// follows it, and a crash loses everything still batched.  Samples stay
	// batched.
	nlohmann::json batch = emptyBatch();
	batch["logs"].push_back({level, message ? message : ""});
	std::lock_guard lock(mutex_);
	send_(std::move(batch));
}

void WorkerRecorder::setError(const char *message)
{
	std::lock_guard lock(mutex_);
	error_ = message && *message ? message : "error without a message";
}

nlohmann::json WorkerRecorder::finish(vigil_result result)
{
	std::lock_guard lock(mutex_);
	nlohmann::json done = std::move(batch_);
	done["op"] = "done";
	done["result"] = static_cast<int>(result);
	done["error"] = error_;
	batch_ = emptyBatch();
	items_ = 0;
	error_.clear();
	return done;
}

} // namespace vigil::isolation
