// SPDX-License-Identifier: Apache-2.0
// The Datadog agent's builtin `datadog_agent` module, with rtloader's
// signatures (rtloader/common/builtins/datadog_agent.c).  Answers come from
// the options init() was given (read-only by then, so no lock); log and cache
// calls go to the call in progress.  Called with the GIL held; the cache
// file I/O is short and keeps it.
#include "builtin_modules.hpp"
#include "host_state.hpp"
#include "persistent_cache.hpp"
#include "process_start_time.hpp"
#include "python_error.hpp"
#include "submission.hpp"
#include "unsupported_agent_calls.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>

namespace vigil::pyhost {
namespace {

PyObject *fromJson(const nlohmann::json &j)
{
	switch (j.type()) {
	case nlohmann::json::value_t::null:
		Py_RETURN_NONE;
	case nlohmann::json::value_t::boolean:
		return PyBool_FromLong(j.get<bool>());
	case nlohmann::json::value_t::number_integer:
		return PyLong_FromLongLong(j.get<long long>());
	case nlohmann::json::value_t::number_unsigned:
		return PyLong_FromUnsignedLongLong(j.get<unsigned long long>());
	case nlohmann::json::value_t::number_float:
		return PyFloat_FromDouble(j.get<double>());
	case nlohmann::json::value_t::string: {
		const std::string &s = j.get_ref<const std::string &>();
		return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
	}
	case nlohmann::json::value_t::array: {
		PyObject *list = PyList_New(static_cast<Py_ssize_t>(j.size()));
		Py_ssize_t i = 0;
		for (const auto &item : j) {
			PyObject *v = list ? fromJson(item) : nullptr;
			if (!v) {
				Py_XDECREF(list);
				return nullptr;
			}
			PyList_SET_ITEM(list, i++, v);
		}
		return list;
	}
	case nlohmann::json::value_t::object: {
		PyObject *dict = PyDict_New();
		for (const auto &[key, item] : j.items()) {
			PyRef v(dict ? fromJson(item) : nullptr);
			if (!v || PyDict_SetItemString(dict, key.c_str(), v.get()) < 0) {
				Py_XDECREF(dict);
				return nullptr;
			}
		}
		return dict;
	}
	default:
		Py_RETURN_NONE;
	}
}

PyObject *str(const std::string &s)
{
	return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
}

PyObject *getVersion(PyObject *, PyObject *)
{
	return str(hostState().options.agent_version);
}

PyObject *getHostname(PyObject *, PyObject *)
{
	return str(hostState().options.hostname);
}

// The agent answers a JSON document of host tags; Vigil has none to add.
PyObject *getHostTags(PyObject *, PyObject *)
{
	return PyUnicode_FromString("{}");
}

PyObject *getClustername(PyObject *, PyObject *)
{
	return PyUnicode_FromString("");
}

PyObject *tracemallocEnabled(PyObject *, PyObject *const *, Py_ssize_t)
{
	Py_RETURN_FALSE;
}

// The Datadog agent's defaults (pkg/config/setup/config.go) for the keys
// datadog_checks_base reads: its get_config answers a defaulted key with its
// default, not None.  Keys the agent has no default for (proxy,
// integration_tracing_futures, anything unknown) stay None.
const nlohmann::json &datadogDefaults()
{
	static const nlohmann::json defaults = {
		{"log_level", "info"},
		{"enable_metadata_collection", true},
		{"disable_unsafe_yaml", true},
		{"integration_tracing", false},
		{"integration_tracing_exhaustive", false},
		{"integration_profiling", false},
		{"tracemalloc_include", ""},
		{"tracemalloc_exclude", ""},
		{"tracemalloc_whitelist", ""},
		{"tracemalloc_blacklist", ""},
		{"kubernetes_pod_expiration_duration", 15 * 60},
		{"kubernetes_kubeconfig_path", ""},
	};
	return defaults;
}

// get_config(key): the provider option `agent_config` first (the agent puts
// hostname, confd_path and log_level there), then the Datadog defaults.
PyObject *getConfig(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs != 1)
		return PyErr_Format(PyExc_TypeError, "get_config() takes 1 argument");
	const char *key = stringArg(args[0], "key", false);
	if (!key)
		return nullptr;
	const nlohmann::json &agent_config = hostState().options.agent_config;
	for (const nlohmann::json *config : {&agent_config, &datadogDefaults()})
		if (auto it = config->find(key); it != config->end())
			return fromJson(*it);
	Py_RETURN_NONE;
}

// headers(agentConfig, http_host=None): the standard HTTP headers of a check.
PyObject *headers(PyObject *, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
	PyObject *http_host = nargs > 1 ? args[1] : nullptr;
	Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
	for (Py_ssize_t i = 0; i < nkw; ++i)
		if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, i), "http_host") ==
		    0)
			http_host = args[nargs + i];
	std::string agent = "Vigil/" + hostState().options.agent_version;
	PyObject *dict =
		Py_BuildValue("{s:s,s:s,s:s}", "User-Agent", agent.c_str(), "Content-Type",
			      "application/x-www-form-urlencoded", "Accept", "text/html, */*");
	if (dict && http_host && http_host != Py_None &&
	    PyDict_SetItemString(dict, "Host", http_host) < 0) {
		Py_DECREF(dict);
		return nullptr;
	}
	return dict;
}

vigil_log_level logLevel(long python_level)
{
	// Python logging numbers; the Datadog base class adds TRACE = 7.
	if (python_level < 10)
		return VIGIL_LOG_TRACE;
	if (python_level < 20)
		return VIGIL_LOG_DEBUG;
	if (python_level < 30)
		return VIGIL_LOG_INFO;
	if (python_level < 40)
		return VIGIL_LOG_WARNING;
	if (python_level < 50)
		return VIGIL_LOG_ERROR;
	return VIGIL_LOG_CRITICAL;
}

// log(message, level): outside a call (a thread the check left behind) the
// line goes to stderr rather than nowhere.
PyObject *log(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs != 2)
		return PyErr_Format(PyExc_TypeError, "log() takes 2 arguments (message, level)");
	std::string message = toUtf8(args[0]);
	long level = PyLong_AsLong(args[1]);
	if (level == -1 && PyErr_Occurred())
		return nullptr;
	if (const CallScope *scope = currentCall())
		scope->host->log(scope->ctx, logLevel(level), message.c_str());
	else
		std::fprintf(stderr, "python: %s\n", message.c_str());
	Py_RETURN_NONE;
}

void debugLog(PyObject *check_id, const std::string &message)
{
	CallScope scope;
	if (resolveCall(check_id, "log line", scope))
		scope.host->log(scope.ctx, VIGIL_LOG_DEBUG, message.c_str());
}

// set_check_metadata(check_id, name, value), all str as rtloader's "sss":
// Vigil has no inventory to send it to; it is logged at debug level.
PyObject *setCheckMetadata(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs != 3)
		return PyErr_Format(PyExc_TypeError, "set_check_metadata() takes 3 arguments");
	for (Py_ssize_t i = 0; i < nargs; ++i)
		if (!PyUnicode_Check(args[i]))
			return PyErr_Format(
				PyExc_TypeError,
				"set_check_metadata() argument %zd must be str, not %.100s", i + 1,
				Py_TYPE(args[i])->tp_name);
	debugLog(args[0], "metadata " + toUtf8(args[1]) + " = " + toUtf8(args[2]));
	Py_RETURN_NONE;
}

// set_external_tags([(hostname, {source_type: [tag, ...]}), ...]): checked
// as rtloader checks it (same TypeErrors; tags that are not str are
// skipped), then logged at debug level: Vigil has no external host tags.
PyObject *setExternalTags(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs != 1)
		return PyErr_Format(PyExc_TypeError, "set_external_tags() takes 1 argument");
	PyObject *list = args[0];
	if (!PyList_Check(list))
		return PyErr_Format(PyExc_TypeError, "tags must be a list");
	for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); ++i) {
		PyObject *item = PyList_GET_ITEM(list, i);
		if (!PyTuple_Check(item))
			return PyErr_Format(PyExc_TypeError,
					    "external host tags list must contain only tuples");
		if (PyTuple_GET_SIZE(item) < 2)
			return PyErr_Format(
				PyExc_TypeError,
				"external host tags tuple must have at least 2 elements");
		if (!PyUnicode_Check(PyTuple_GET_ITEM(item, 0)))
			return PyErr_Format(PyExc_TypeError, "hostname is not a valid string");
		PyObject *dict = PyTuple_GET_ITEM(item, 1);
		if (!PyDict_Check(dict))
			return PyErr_Format(PyExc_TypeError,
					    "second elem of the host tags tuple must be a dict");
		// rtloader reads the first entry only; an empty dict is skipped.
		Py_ssize_t pos = 0;
		PyObject *source_type = nullptr, *tags = nullptr;
		if (!PyDict_Next(dict, &pos, &source_type, &tags))
			continue;
		if (!PyUnicode_Check(source_type))
			return PyErr_Format(PyExc_TypeError, "source_type is not a valid string");
		if (!PyList_Check(tags))
			return PyErr_Format(PyExc_TypeError, "dict value must be a list of tags");
	}
	debugLog(nullptr, "external tags ignored: " + toUtf8(list));
	Py_RETURN_NONE;
}

// Read when the module is created: the fallback, the time of that, is then
// close to the process start.
double g_process_start_time = 0;

// get_process_start_time(): the agent's start (the Datadog agent answers its
// own start time, float, whole seconds).  The option agent_start_time when
// the agent gave it (it does so for its worker processes too), else this
// process's start.
PyObject *getProcessStartTime(PyObject *, PyObject *)
{
	const double agent = hostState().options.agent_start_time;
	return PyFloat_FromDouble(agent > 0 ? std::floor(agent) : g_process_start_time);
}

PyObject *readCache(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs != 1)
		return PyErr_Format(PyExc_TypeError, "read_persistent_cache() takes 1 argument");
	const char *key = stringArg(args[0], "key", false);
	if (!key)
		return nullptr;
	return str(readPersistentCache(hostState().options.state_dir, key));
}

PyObject *writeCache(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs != 2)
		return PyErr_Format(PyExc_TypeError, "write_persistent_cache() takes 2 arguments");
	const char *key = stringArg(args[0], "key", false);
	if (!key)
		return nullptr;
	Py_ssize_t size = 0;
	const char *value =
		PyUnicode_Check(args[1]) ? PyUnicode_AsUTF8AndSize(args[1], &size) : nullptr;
	if (!value)
		return PyErr_Format(PyExc_TypeError, "persistent cache value must be a string");
	std::string error;
	if (!writePersistentCache(hostState().options.state_dir, key,
				  std::string_view(value, static_cast<size_t>(size)), error)) {
		// A lost cache entry is not worth failing the run for; say it.
		CallScope scope;
		std::string warning =
			"persistent cache '" + std::string(key) + "' not written: " + error;
		if (resolveCall(nullptr, "warning", scope))
			scope.host->warning(scope.ctx, warning.c_str());
	}
	Py_RETURN_NONE;
}

// Any of the signatures below as the PyCFunction the table holds.
#define FN(fn) reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn))

PyMethodDef g_methods[] = {
	{"get_version", FN(getVersion), METH_NOARGS, "The agent's version."},
	{"get_hostname", FN(getHostname), METH_NOARGS, "The agent's hostname."},
	{"get_host_tags", FN(getHostTags), METH_NOARGS, "Host tags as JSON."},
	{"get_clustername", FN(getClustername), METH_NOARGS, "Cluster name (empty)."},
	{"get_config", FN(getConfig), METH_FASTCALL, "A key of the agent configuration."},
	{"get_process_start_time", FN(getProcessStartTime), METH_NOARGS,
	 "The agent's start time, in seconds since the epoch."},
	{"headers", FN(headers), METH_FASTCALL | METH_KEYWORDS, "Standard HTTP headers."},
	{"log", FN(log), METH_FASTCALL, "Log through the agent logger."},
	{"send_log", FN(sendLog), METH_VARARGS, "A log line for the logs pipeline (dropped)."},
	{"set_check_metadata", FN(setCheckMetadata), METH_FASTCALL, "Check metadata."},
	{"set_external_tags", FN(setExternalTags), METH_FASTCALL, "External host tags."},
	{"read_persistent_cache", FN(readCache), METH_FASTCALL, "Read a persisted value."},
	{"write_persistent_cache", FN(writeCache), METH_FASTCALL, "Persist a value."},
	{"tracemalloc_enabled", FN(tracemallocEnabled), METH_FASTCALL, "Always False."},
	{"obfuscate_sql", FN(obfuscateSql), METH_VARARGS | METH_KEYWORDS,
	 "Not available in Vigil: raises RuntimeError."},
	{"obfuscate_sql_exec_plan", FN(obfuscateSqlExecPlan), METH_VARARGS | METH_KEYWORDS,
	 "Not available in Vigil: raises RuntimeError."},
	{"obfuscate_mongodb_string", FN(obfuscateMongodbString), METH_VARARGS | METH_KEYWORDS,
	 "Not available in Vigil: raises RuntimeError."},
	{"emit_agent_telemetry", FN(emitAgentTelemetry), METH_VARARGS | METH_KEYWORDS,
	 "Agent telemetry (dropped)."},
	{nullptr, nullptr, 0, nullptr},
};

PyModuleDef g_module = {
	PyModuleDef_HEAD_INIT,
	"datadog_agent",
	"Vigil's implementation of the Datadog agent API.",
	-1,
	g_methods,
	nullptr,
	nullptr,
	nullptr,
	nullptr,
};

} // namespace

PyObject *initDatadogAgentModule()
{
	if (g_process_start_time == 0) {
		g_process_start_time = processStartTime();
		if (g_process_start_time == 0) // no /proc: the closest we know
			g_process_start_time = static_cast<double>(std::time(nullptr));
	}
	return PyModule_Create(&g_module);
}

} // namespace vigil::pyhost
