// SPDX-License-Identifier: Apache-2.0
#include "recording_host.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

namespace {

std::vector<std::string> copyTags(const char *const *tags, size_t n)
{
	std::vector<std::string> out;
	for (size_t i = 0; i < n; ++i)
		out.emplace_back(tags[i] ? tags[i] : "");
	return out;
}

std::string str(const char *s)
{
	return s ? s : "";
}

void submitMetric(vigil_context *ctx, int type, const char *name, double value,
		  const char *const *tags, size_t tag_count, const char *hostname)
{
	std::lock_guard lock(ctx->mutex);
	++ctx->metric_count;
	if (ctx->record_metrics)
		ctx->metrics.push_back({static_cast<vigil_metric_type>(type), name, value,
					copyTags(tags, tag_count), str(hostname)});
}

void submitMetricFlags(vigil_context *ctx, int type, const char *name, double value,
		       const char *const *tags, size_t tag_count, const char *hostname,
		       uint32_t flags)
{
	std::lock_guard lock(ctx->mutex);
	++ctx->metric_count;
	if (ctx->record_metrics)
		ctx->metrics.push_back({static_cast<vigil_metric_type>(type), name, value,
					copyTags(tags, tag_count), str(hostname), flags});
}

void submitServiceCheck(vigil_context *ctx, const char *name, int status, const char *const *tags,
			size_t tag_count, const char *hostname, const char *message)
{
	std::lock_guard lock(ctx->mutex);
	ctx->service_checks.push_back({name, static_cast<vigil_service_status>(status),
				       copyTags(tags, tag_count), str(hostname), str(message)});
}

void submitEvent(vigil_context *ctx, const vigil_event *ev)
{
	std::lock_guard lock(ctx->mutex);
	ctx->events.push_back({str(ev->title), str(ev->text), str(ev->priority),
			       str(ev->alert_type), str(ev->hostname), ev->timestamp,
			       copyTags(ev->tags, ev->tag_count), str(ev->event_type)});
}

void warning(vigil_context *ctx, const char *message)
{
	std::lock_guard lock(ctx->mutex);
	ctx->warnings.emplace_back(message);
}

void log(vigil_context *ctx, int level, const char *message)
{
	std::lock_guard lock(ctx->mutex);
	ctx->logs.emplace_back(static_cast<vigil_log_level>(level), message);
}

void setError(vigil_context *ctx, const char *message)
{
	std::lock_guard lock(ctx->mutex);
	ctx->error = message;
}

const nlohmann::json &scopeOf(vigil_context *ctx, int scope)
{
	return scope == VIGIL_CONFIG_INIT ? ctx->init_config : ctx->instance;
}

const char *keep(vigil_context *ctx, std::string s)
{
	ctx->strings.push_back(std::make_unique<std::string>(std::move(s)));
	return ctx->strings.back()->c_str();
}

const char *configString(vigil_context *ctx, int scope, const char *key, const char *fallback)
{
	const auto &j = scopeOf(ctx, scope);
	auto it = j.find(key);
	return it != j.end() && it->is_string() ? keep(ctx, it->get<std::string>()) : fallback;
}

double configNumber(vigil_context *ctx, int scope, const char *key, double fallback)
{
	const auto &j = scopeOf(ctx, scope);
	auto it = j.find(key);
	return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

int configBool(vigil_context *ctx, int scope, const char *key, int fallback)
{
	const auto &j = scopeOf(ctx, scope);
	auto it = j.find(key);
	return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

size_t configListSize(vigil_context *ctx, int scope, const char *key)
{
	const auto &j = scopeOf(ctx, scope);
	auto it = j.find(key);
	return it != j.end() && it->is_array() ? it->size() : 0;
}

const char *configListItem(vigil_context *ctx, int scope, const char *key, size_t index)
{
	const auto &j = scopeOf(ctx, scope);
	auto it = j.find(key);
	if (it == j.end() || !it->is_array() || index >= it->size() || !(*it)[index].is_string())
		return nullptr;
	return keep(ctx, (*it)[index].get<std::string>());
}

const char *configJson(vigil_context *ctx, int scope)
{
	return keep(ctx, scopeOf(ctx, scope).dump());
}

const char *instanceId(vigil_context *ctx)
{
	return ctx->instance_id.c_str();
}

const vigil_host g_host = {
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
	nullptr, // http_get: Python checks use their own HTTP libraries
	submitMetricFlags,
};

} // namespace

const vigil_context::Metric *vigil_context::metric(const std::string &name) const
{
	for (const auto &m : metrics)
		if (m.name == name)
			return &m;
	return nullptr;
}

bool vigil_context::logged(const std::string &needle) const
{
	for (const auto &[level, line] : logs)
		if (line.find(needle) != std::string::npos)
			return true;
	return false;
}

const vigil_host *recordingHost()
{
	return &g_host;
}

PythonHost &PythonHost::get()
{
	static PythonHost host;
	return host;
}

PythonHost::PythonHost()
{
	void *so = dlopen(VIGIL_PYTHON_HOST_SO, RTLD_NOW | RTLD_LOCAL);
	if (!so) {
		init_error = dlerror();
		return;
	}
	auto entry =
		reinterpret_cast<vigil_provider_entry_fn>(dlsym(so, VIGIL_PROVIDER_ENTRY_SYMBOL));
	if (!entry) {
		init_error = "no entry symbol";
		return;
	}
	desc = entry();
	char tmpl[] = "/tmp/vigil-pyhost-test-XXXXXX";
	state_dir = std::string(mkdtemp(tmpl)) + "/state";
	nlohmann::json options = {
		{"agent_version", "9.9.9"},
		{"hostname", "test-host"},
		{"plugin_dirs", {VIGIL_PY_TEST_DATA}},
		// Integrations loaded by module name (integrations_test.cpp).
		{"python_extra_path", {std::string(VIGIL_PY_TEST_DATA) + "/integrations"}},
		{"state_dir", state_dir},
		{"default_timeout", 0},
		{"agent_config", {{"site", "example.com"}, {"number", 3}}},
	};
	vigil_context ctx;
	provider = desc->init(&g_host, &ctx, options.dump().c_str());
	if (!provider)
		init_error = ctx.error;
}

PythonHost::Loaded PythonHost::load(const std::string &file)
{
	Loaded out;
	vigil_context ctx;
	vigil_provided_check info{};
	info.struct_size = sizeof info;
	std::string path = std::string(VIGIL_PY_TEST_DATA) + "/" + file;
	out.check = desc->load(provider, path.c_str(), &ctx, &info);
	out.error = ctx.error;
	out.name = str(info.name);
	out.version = str(info.version);
	return out;
}

PythonHost::Loaded PythonHost::loadModule(const std::string &module)
{
	Loaded out;
	vigil_context ctx;
	vigil_provided_check info{};
	info.struct_size = sizeof info;
	out.check = desc->load_module(provider, module.c_str(), &ctx, &info);
	out.error = ctx.error;
	out.name = str(info.name);
	out.version = str(info.version);
	out.origin = str(info.origin);
	return out;
}

void *PythonHost::create(void *check, vigil_context &ctx)
{
	return desc->create(provider, check, &g_host, &ctx);
}

vigil_result PythonHost::run(void *instance, vigil_context &ctx)
{
	return desc->run(provider, instance, &g_host, &ctx);
}
