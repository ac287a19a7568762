// SPDX-License-Identifier: Apache-2.0
// The vigil_host table: C entry points a check calls, each a noexcept
// trampoline into RunContext.  Nothing may throw across the C boundary, so
// every trampoline swallows (and logs) what the core throws.
#include "process/logging.hpp"
#include "sender/call_guard.hpp"
#include "sender/config_values.hpp"
#include "sender/run_context.hpp"

namespace vigil {

namespace {

void reportToLog(const char *what, const char *why)
{
	logger("check")->error("host service {} failed: {}", what, why);
}

template <class F>
auto guarded(const char *what, F &&f) noexcept -> decltype(f())
{
	return guardedHostCall(what, reportToLog, std::forward<F>(f));
}

const nlohmann::json *lookup(vigil_context *ctx, int scope, const char *key)
{
	return ctx ? host_config::find(RunContext::from(ctx).configScope(scope), key) : nullptr;
}

void submitMetric(vigil_context *ctx, int type, const char *name, double value,
		  const char *const *tags, size_t tag_count, const char *hostname)
{
	guarded("submit_metric", [&] {
		RunContext::from(ctx).submitMetric(type, name, value, tags, tag_count, hostname);
	});
}

void submitMetricFlags(vigil_context *ctx, int type, const char *name, double value,
		       const char *const *tags, size_t tag_count, const char *hostname,
		       uint32_t flags)
{
	guarded("submit_metric_flags", [&] {
		RunContext::from(ctx).submitMetric(type, name, value, tags, tag_count, hostname,
						   flags);
	});
}

void submitServiceCheck(vigil_context *ctx, const char *name, int status, const char *const *tags,
			size_t tag_count, const char *hostname, const char *message)
{
	guarded("submit_service_check", [&] {
		RunContext::from(ctx).submitServiceCheck(name, status, tags, tag_count, hostname,
							 message);
	});
}

void submitEvent(vigil_context *ctx, const vigil_event *event)
{
	guarded("submit_event", [&] { RunContext::from(ctx).submitEvent(event); });
}

void warning(vigil_context *ctx, const char *message)
{
	guarded("warning", [&] { RunContext::from(ctx).warning(message ? message : ""); });
}

void log(vigil_context *ctx, int level, const char *message)
{
	guarded("log", [&] { RunContext::from(ctx).log(level, message); });
}

void setError(vigil_context *ctx, const char *message)
{
	guarded("set_error", [&] { RunContext::from(ctx).setError(message); });
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
		return ctx ? RunContext::from(ctx).configJson(scope).c_str() : "{}";
	});
}

const char *instanceId(vigil_context *ctx)
{
	return guarded("instance_id", [&]() -> const char * {
		return ctx ? RunContext::from(ctx).instanceId().c_str() : "";
	});
}

int httpGet(vigil_context *ctx, const vigil_http_request *request, vigil_http_response *response)
{
	return guarded("http_get", [&] {
		return ctx ? RunContext::from(ctx).httpGet().perform(request, response) : -1;
	});
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

const vigil_host *hostServices()
{
	return &host_table;
}

} // namespace vigil
