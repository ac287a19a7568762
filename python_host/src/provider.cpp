// SPDX-License-Identifier: Apache-2.0
// vigil_provider_entry(): the python provider.  Claims `.py` files, loads
// each as a module holding one AgentCheck subclass, and runs its instances;
// loads installed Datadog integrations by module name (load_module) the
// same way.
//
// The GIL: init() starts Python and releases it; every other entry point
// takes it only around its Python work, through the calling thread's
// persistent thread state (GilLock), so checks blocked in I/O overlap.
#include "call_scope.hpp"
#include "interpreter.hpp"
#include "python_error.hpp"
#include "thread_state.hpp"
#include "watchdog.hpp"

#include <vigil/provider.h>

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <mutex>

namespace vigil::pyhost {
namespace {

struct Provider {
	const vigil_host *host = nullptr; // for load(), which is given no host
	Watchdog watchdog;
};

struct LoadedCheck {
	std::string name;
	std::string version;
	std::string origin;	 // load_module(): the package folder or file
	PyObject *cls = nullptr; // never released: checks are never unloaded
};

struct Instance {
	const LoadedCheck *loaded;
	PyObject *check;
	std::string check_id;
	double timeout;
};

// Never destroyed: at exit the watchdog thread may still wait on its
// condition variable (whose destructor would then block) and workers may
// still be inside Python.
Provider &g_provider = *new Provider;
std::once_flag g_init_once;
bool g_init_ok = false;
std::string g_init_error;

HostOptions parseOptions(const char *options_json)
{
	HostOptions o;
	nlohmann::json j = nlohmann::json::parse(options_json ? options_json : "{}");
	if (!j.is_object())
		throw std::runtime_error("options are not a JSON object");
	o.agent_version = j.value("agent_version", "");
	o.hostname = j.value("hostname", "");
	o.state_dir = j.value("state_dir", "");
	o.default_timeout = j.value("default_timeout", 0.0);
	o.python_executable = j.value("python_executable", "");
	o.python_path = j.value("python_path", "");
	o.agent_start_time = j.value("agent_start_time", 0.0);
	o.python_venv = j.value("python_venv", "");
	auto strings = [&](const char *key, std::vector<std::string> &out) {
		if (auto it = j.find(key); it != j.end() && it->is_array())
			for (const auto &item : *it)
				if (item.is_string())
					out.push_back(item.get<std::string>());
	};
	strings("plugin_dirs", o.plugin_dirs);
	strings("python_extra_path", o.python_extra_path);
	if (auto it = j.find("agent_config"); it != j.end() && it->is_object())
		o.agent_config = *it;
	return o;
}

void *init(const vigil_host *host, vigil_context *ctx, const char *options_json)
{
	// CPython can be initialised once per process: a second init() gets the
	// first one's answer.
	std::call_once(g_init_once, [&] {
		try {
			HostOptions options = parseOptions(options_json);
			g_init_ok = startInterpreter(options, g_init_error);
		} catch (const std::exception &e) {
			g_init_error = std::string("bad provider options: ") + e.what();
		}
		if (g_init_ok) {
			g_provider.host = host;
			g_provider.watchdog.start();
		}
	});
	if (!g_init_ok) {
		host->set_error(ctx, g_init_error.c_str());
		return nullptr;
	}
	return &g_provider;
}

void fillInfo(vigil_provided_check *info, const LoadedCheck &check)
{
	if (!info)
		return;
	auto has = [&](size_t offset, size_t size) { return info->struct_size >= offset + size; };
	if (has(offsetof(vigil_provided_check, name), sizeof info->name))
		info->name = check.name.c_str();
	if (has(offsetof(vigil_provided_check, version), sizeof info->version))
		info->version = check.version.empty() ? nullptr : check.version.c_str();
	if (has(offsetof(vigil_provided_check, origin), sizeof info->origin))
		info->origin = check.origin.empty() ? nullptr : check.origin.c_str();
}

// Calls the Python side's `function`(argument), which answers (class,
// version, [origin,] error) and turns every failure into one line
// ("line 3: SyntaxError: invalid syntax"); the check, or NULL after
// set_error().
void *loadWith(Provider *p, const char *function, const char *argument, std::string name,
	       vigil_context *ctx, vigil_provided_check *info)
{
	std::string error;
	auto *loaded = new LoadedCheck;
	loaded->name = std::move(name);
	{
		// What a module logs while it is imported (the base's own lines
		// among them) goes to the agent's log through this call's context,
		// not raw to stderr.
		ActiveCall call(p->host, ctx, "");
		GilLock gil;
		PyRef result(PyObject_CallMethod(hostState().loader, function, "s", argument));
		const Py_ssize_t size =
			result && PyTuple_Check(result.get()) ? PyTuple_GET_SIZE(result.get()) : 0;
		PyObject *err = size >= 3 ? PyTuple_GET_ITEM(result.get(), size - 1) : nullptr;
		if (!result) {
			error = takeErrorText(false);
		} else if (size < 3) {
			error = std::string("python_host's ") + function + "() answered no tuple";
		} else if (err != Py_None) {
			error = toUtf8(err);
		} else {
			loaded->cls = PyTuple_GET_ITEM(result.get(), 0);
			Py_INCREF(loaded->cls);
			PyObject *version = PyTuple_GET_ITEM(result.get(), 1);
			if (version != Py_None)
				loaded->version = toUtf8(version);
			PyObject *origin = size >= 4 ? PyTuple_GET_ITEM(result.get(), 2) : Py_None;
			if (origin != Py_None)
				loaded->origin = toUtf8(origin);
		}
	}
	if (!error.empty()) {
		p->host->set_error(ctx, error.c_str());
		delete loaded;
		return nullptr;
	}
	fillInfo(info, *loaded);
	return loaded;
}

void *load(void *provider, const char *path, vigil_context *ctx, vigil_provided_check *info)
{
	return loadWith(static_cast<Provider *>(provider), "load_check", path,
			std::filesystem::path(path).stem().string(), ctx, info);
}

// An installed integration by module name: the check is named after the
// module's last component (datadog_checks.tcp_check: tcp_check), the name
// conf.d configures it by.
void *loadModule(void *provider, const char *module, vigil_context *ctx, vigil_provided_check *info)
{
	const std::string name(module);
	return loadWith(static_cast<Provider *>(provider), "load_module", module,
			name.substr(name.rfind('.') + 1), ctx, info);
}

// The Python side's environment(), asked once: importing the base is
// what `vigil version` pays for, and the answer does not change.
const char *environmentJson(void *provider)
{
	(void)provider;
	static std::once_flag once;
	static std::string json;
	std::call_once(once, [] {
		GilLock gil;
		PyRef result(PyObject_CallMethod(hostState().loader, "environment", nullptr));
		if (result && PyUnicode_Check(result.get())) {
			json = toUtf8(result.get());
		} else {
			nlohmann::json error = {
				{"python", Py_GetVersion()},
				{"datadog_checks_base", {{"error", takeErrorText(false)}}}};
			json = error.dump();
		}
	});
	return json.c_str();
}

void *create(void *provider, void *check, const vigil_host *host, vigil_context *ctx)
{
	(void)provider;
	const auto *loaded = static_cast<const LoadedCheck *>(check);
	const char *init_json = host->config_json(ctx, VIGIL_CONFIG_INIT);
	const char *instance_json = host->config_json(ctx, VIGIL_CONFIG_INSTANCE);
	const char *id = host->instance_id(ctx);
	auto *instance = new Instance{loaded, nullptr, id ? id : "", 0};
	instance->timeout = host->config_number(ctx, VIGIL_CONFIG_INSTANCE, "vigil_timeout",
						hostState().options.default_timeout);
	std::string error;
	{
		ActiveCall call(host, ctx, instance->check_id);
		GilLock gil;
		instance->check = PyObject_CallMethod(
			hostState().loader, "create_check", "Ossss", loaded->cls,
			loaded->name.c_str(), init_json ? init_json : "{}",
			instance_json ? instance_json : "{}", instance->check_id.c_str());
		if (!instance->check)
			error = takeErrorText(true);
	}
	if (!error.empty()) {
		host->set_error(ctx, error.c_str());
		delete instance;
		return nullptr;
	}
	return instance;
}

// The Python side's run() answers "" or Datadog's JSON error list
// ([{"message": ..., "traceback": ...}]); a set_error text from it.
std::string runErrorText(const std::string &result)
{
	try {
		nlohmann::json j = nlohmann::json::parse(result);
		if (j.is_array() && !j.empty() && j[0].is_object()) {
			std::string message = j[0].value("message", "");
			std::string traceback = j[0].value("traceback", "");
			return traceback.empty() ? message : message + "\n" + traceback;
		}
	} catch (const std::exception &) {
	}
	return result;
}

// check.get_warnings(): a list of str, each one vigil_host::warning of the
// run.  A check whose get_warnings fails loses its warnings, not its run.
// With the GIL.
void forwardWarnings(PyObject *check, const vigil_host *host, vigil_context *ctx)
{
	static PyObject *const name = PyUnicode_InternFromString("get_warnings");
	PyRef warnings(name ? PyObject_CallMethodNoArgs(check, name) : nullptr);
	if (!warnings || !PyList_Check(warnings.get())) {
		PyErr_Clear();
		return;
	}
	for (Py_ssize_t i = 0; i < PyList_GET_SIZE(warnings.get()); ++i) {
		PyObject *item = PyList_GET_ITEM(warnings.get(), i);
		if (!PyUnicode_Check(item))
			break; // as rtloader: the list ends at its first non-str
		host->warning(ctx, toUtf8(item).c_str());
	}
}

vigil_result run(void *provider, void *instance_ptr, const vigil_host *host, vigil_context *ctx)
{
	auto *p = static_cast<Provider *>(provider);
	auto *instance = static_cast<Instance *>(instance_ptr);
	std::string error;
	bool timed_out = false;
	uint64_t run_id = p->watchdog.begin(instance->timeout);
	{
		ActiveCall call(host, ctx, instance->check_id);
		GilLock gil;
		// The name interned once (under the GIL, on the first run): a
		// lookup by C string made a new str every run (docs/performance.md).
		static PyObject *const run_name = PyUnicode_InternFromString("run");
		PyObject *result =
			run_name ? PyObject_CallMethodNoArgs(instance->check, run_name) : nullptr;
		// Before any other Python code runs on this thread: a late
		// interrupt must not land in our own bookkeeping or the next run.
		timed_out = p->watchdog.end(run_id);
		if (!result) {
			error = takeErrorText(true);
		} else {
			if (PyUnicode_Check(result) && PyUnicode_GET_LENGTH(result) > 0)
				error = runErrorText(toUtf8(result));
			Py_DECREF(result);
			// As the Datadog agent does after a run that returned (not
			// one that raised): the check's warnings, which both its
			// base and Vigil's keep in a list until asked.
			if (!timed_out)
				forwardWarnings(instance->check, host, ctx);
		}
	}
	if (timed_out) {
		char message[64];
		std::snprintf(message, sizeof message, "timeout after %g s", instance->timeout);
		host->set_error(ctx, message);
		return VIGIL_TIMEOUT;
	}
	if (!error.empty()) {
		host->set_error(ctx, error.c_str());
		return VIGIL_ERROR;
	}
	return VIGIL_OK;
}

void destroy(void *provider, void *instance_ptr)
{
	(void)provider;
	auto *instance = static_cast<Instance *>(instance_ptr);
	if (!instance)
		return;
	{
		GilLock gil;
		Py_XDECREF(instance->check);
	}
	delete instance;
}

const vigil_provider_descriptor g_descriptor = {
	VIGIL_ABI_VERSION,
	sizeof(vigil_provider_descriptor),
	"python",
	VIGIL_PYHOST_VERSION,
	".py",
	init,
	load,
	create,
	run,
	destroy,
	loadModule,
	environmentJson,
};

} // namespace
} // namespace vigil::pyhost

extern "C" VIGIL_EXPORT const vigil_provider_descriptor *vigil_provider_entry(void)
{
	return &vigil::pyhost::g_descriptor;
}
