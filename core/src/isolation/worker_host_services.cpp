// SPDX-License-Identifier: Apache-2.0
// The vigil_host table of a worker process: the same C entry points as the
// agent's (host_services.cpp), recording into a WorkerRecorder instead of
// submitting to an Aggregator.  Nothing may throw across the C boundary.
#include "isolation/worker_recorder.hpp"

#include <cstdio>
#include <type_traits>

namespace vigil::isolation {

namespace {

template <class F>
auto guarded(const char *what, F &&f) noexcept -> decltype(f())
{
	try {
		return f();
	} catch (const std::exception &e) {
		std::fprintf(stderr, "vigil worker: host service %s failed: %s\n", what, e.what());
	} catch (...) {
		std::fprintf(stderr, "vigil worker: host service %s failed\n", what);
	}
	if constexpr (!std::is_void_v<decltype(f())>)
		return {};
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
	const nlohmann::json &obj = scope == VIGIL_CONFIG_INIT ? c.init_config : c.instance;
	if (!obj.is_object())
		return nullptr;
	auto it = obj.find(key);
	return it == obj.end() ? nullptr : &*it;
}

void submitMetric(vigil_context *ctx, int type, const char *name, double value,
		  const char *const *tags, size_t tag_count, const char *hostname)
{
	guarded("submit_metric",
		[&] { rec(ctx).metric(type, name, value, tags, tag_count, hostname); });
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
	return guarded("config_string", [&]() -> const char * {
		const nlohmann::json *v = lookup(ctx, scope, key);
		if (!v || !v->is_string())
			return fallback;
		return v->get_ref<const std::string &>().c_str();
	});
}

double configNumber(vigil_context *ctx, int scope, const char *key, double fallback)
{
	return guarded("config_number", [&] {
		const nlohmann::json *v = lookup(ctx, scope, key);
		return v && v->is_number() ? v->get<double>() : fallback;
	});
}

int configBool(vigil_context *ctx, int scope, const char *key, int fallback)
{
	return guarded("config_bool", [&] {
		const nlohmann::json *v = lookup(ctx, scope, key);
		return v && v->is_boolean() ? static_cast<int>(v->get<bool>()) : fallback;
	});
}

size_t configListSize(vigil_context *ctx, int scope, const char *key)
{
	return guarded("config_list_size", [&]() -> size_t {
		const nlohmann::json *v = lookup(ctx, scope, key);
		return v && v->is_array() ? v->size() : 0;
	});
}

const char *configListItem(vigil_context *ctx, int scope, const char *key, size_t index)
{
	return guarded("config_list_item", [&]() -> const char * {
		const nlohmann::json *v = lookup(ctx, scope, key);
		if (!v || !v->is_array() || index >= v->size() || !(*v)[index].is_string())
			return nullptr;
		return (*v)[index].get_ref<const std::string &>().c_str();
	});
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
};

} // namespace

const vigil_host *workerHostServices()
{
	return &host_table;
}

} // namespace vigil::isolation
