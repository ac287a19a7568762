// SPDX-License-Identifier: Apache-2.0
// The vigil_host table of a worker process: the same C entry points as the
// agent's (host_services.cpp), recording into a WorkerRecorder instead of
// submitting to an Aggregator.  Nothing may throw across the C boundary.
#include "isolation/worker_recorder.hpp"
#include "sender/call_guard.hpp"
#include "sender/config_values.hpp"

#include <cstdio>
#include <utility>

namespace vigil::isolation {

namespace {

void reportToStderr(const char *what, const char *why)
{
	std::fprintf(stderr, "vigil worker: host service %s failed: %s\n", what, why);
}

template <class F>
auto guarded(const char *what, F &&f) noexcept -> decltype(f())
{
	return guardedHostCall(what, reportToStderr, std::forward<F>(f));
}

WorkerRecorder &rec(vigil_context *ctx)
{
	return WorkerRecorder::from(ctx);
}

const nlohmann::json *lookup(vigil_context *ctx, int scope, const char *key)
{
	if (!ctx || !key)
		return nullptr;
	WorkerInstanceConfig &c = rec(ctx).config();
	return host_config::find(scope == VIGIL_CONFIG_INIT ? c.init_config : c.instance, key);
}

void submitMetric(vigil_context *ctx, int type, const char *name, double value,
		  const char *const *tags, size_t tag_count, const char *hostname)
{
	guarded("submit_metric",
		[&] { rec(ctx).metric(type, name, value, tags, tag_count, hostname); });
}

void submitMetricFlags(vigil_context *ctx, int type, const char *name, double value,
		       const char *const *tags, size_t tag_count, const char *hostname,
		       uint32_t flags)
{
	guarded("submit_metric_flags",
		[&] { rec(ctx).metric(type, name, value, tags, tag_count, hostname, flags); });
}

void submitServiceCheck(vigil_context *ctx, const char *name, int status, const char *const *tags,
			size_t tag_count, const char *hostname, const char *message)
{
	guarded("submit_service_check",
		[&] { rec(ctx).serviceCheck(name, status, tags, tag_count, hostname, message); });
}

void submitEvent(vigil_context *ctx, const vigil_event *event)
{
	guarded("submit_event", [&] { rec(ctx).event(event); });
}

void warning(vigil_context *ctx, const char *message)
{
	guarded("warning", [&] { rec(ctx).warning(message); });
}

void log(vigil_context *ctx, int level, const char *message)
{
	guarded("log", [&] { rec(ctx).log(level, message); });
}

void setError(vigil_context *ctx, const char *message)
{
	guarded("set_error", [&] { rec(ctx).setError(message); });
}

const char *configString(vigil_context *ctx, int scope, const char *key, const char *fallback)
{
	return guarded("config_string",
		       [&] { return host_config::string(lookup(ctx, scope, key), fallback); });
}

double configNumber(vigil_context *ctx, int scope, const char *key, double fallback)
{
	return guarded("config_number",
		       [&] { return host_config::number(lookup(ctx, scope, key), fallback); });
}

int configBool(vigil_context *ctx, int scope, const char *key, int fallback)
{
	return guarded("config_bool",
		       [&] { return host_config::boolean(lookup(ctx, scope, key), fallback); });
}

size_t configListSize(vigil_context *ctx, int scope, const char *key)
{
	return guarded("config_list_size",
		       [&] { return host_config::listSize(lookup(ctx, scope, key)); });
}

const char *configListItem(vigil_context *ctx, int scope, const char *key, size_t index)
{
	return guarded("config_list_item",
		       [&] { return host_config::listItem(lookup(ctx, scope, key), index); });
}

const char *configJson(vigil_context *ctx, int scope)
{
	return guarded("config_json", [&]() -> const char * {
		if (!ctx)
			return "{}";
		WorkerInstanceConfig &c = rec(ctx).config();
		std::string &cache = scope == VIGIL_CONFIG_INIT ? c.init_json : c.instance_json;
		if (cache.empty())
			cache = (scope == VIGIL_CONFIG_INIT ? c.init_config : c.instance).dump();
		return cache.c_str();
	});
}

const char *instanceId(vigil_context *ctx)
{
	return guarded("instance_id",
		       [&]() -> const char * { return ctx ? rec(ctx).config().id.c_str() : ""; });
}

int httpGet(vigil_context *ctx, const vigil_http_request *request, vigil_http_response *response)
{
	return guarded("http_get",
		       [&] { return ctx ? rec(ctx).httpGet().perform(request, response) : -1; });
}

const vigil_host host_table = {
	VIGIL_ABI_VERSION,
	sizeof(vigil_host),
	submitMetric,
	submitServiceCheck,
	submitEvent,
	warning,
	log,
	setError,
	configString,
	configNumber,
	configBool,
	configListSize,
	configListItem,
	configJson,
	instanceId,
	httpGet,
	submitMetricFlags,
};

} // namespace

const vigil_host *workerHostServices()
{
	return &host_table;
}

} // namespace vigil::isolation
