// SPDX-License-Identifier: Apache-2.0
// The Datadog agent's builtin `datadog_agent` module.  Answers come from the
// options init() was given (read-only by then, so no lock); log and cache
// calls go to the call in progress.  Called with the GIL held; the cache
// file I/O is short and keeps it.
#include "builtin_modules.hpp"
#include "host_state.hpp"
#include "persistent_cache.hpp"
#include "python_error.hpp"
#include "submission.hpp"

#include <cstdio>

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

PyObject *getVersion(PyObject *, PyObject *const *, Py_ssize_t)
{
	return str(hostState().options.agent_version);
}

PyObject *getHostname(PyObject *, PyObject *const *, Py_ssize_t)
{
	return str(hostState().options.hostname);
}

// The agent answers a JSON document of host tags; Vigil has none to add.
PyObject *getHostTags(PyObject *, PyObject *const *, Py_ssize_t)
{
	return PyUnicode_FromString("{}");
}

PyObject *getClustername(PyObject *, PyObject *const *, Py_ssize_t)
{
	return PyUnicode_FromString("");
}

PyObject *tracemallocEnabled(PyObject *, PyObject *const *, Py_ssize_t)
{
	Py_RETURN_FALSE;
}

PyObject *getConfig(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs != 1)
		return PyErr_Format(PyExc_TypeError, "get_config() takes 1 argument");
	const char *key = stringArg(args[0], "key", false);
	if (!key)
		return nullptr;
	const nlohmann::json &config = hostState().options.agent_config;
	auto it = config.find(key);
	if (it == config.end())
		Py_RETURN_NONE;
	return fromJson(*it);
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

// set_check_metadata(check_id, name, value): Vigil has no inventory to send
// it to; it is logged at debug level.
PyObject *setCheckMetadata(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs != 3)
		return PyErr_Format(PyExc_TypeError, "set_check_metadata() takes 3 arguments");
	debugLog(args[0], "metadata " + toUtf8(args[1]) + " = " + toUtf8(args[2]));
	Py_RETURN_NONE;
}

PyObject *setExternalTags(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs != 1)
		return PyErr_Format(PyExc_TypeError, "set_external_tags() takes 1 argument");
	debugLog(nullptr, "external tags ignored: " + toUtf8(args[0]));
	Py_RETURN_NONE;
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

#define FAST(fn) reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn))

PyMethodDef g_methods[] = {
	{"get_version", FAST(getVersion), METH_FASTCALL, "The agent's version."},
	{"get_hostname", FAST(getHostname), METH_FASTCALL, "The agent's hostname."},
	{"get_host_tags", FAST(getHostTags), METH_FASTCALL, "Host tags as JSON."},
	{"get_clustername", FAST(getClustername), METH_FASTCALL, "Cluster name (empty)."},
	{"get_config", FAST(getConfig), METH_FASTCALL, "A key of the agent configuration."},
	{"headers", FAST(headers), METH_FASTCALL | METH_KEYWORDS, "Standard HTTP headers."},
	{"log", FAST(log), METH_FASTCALL, "Log through the agent logger."},
	{"set_check_metadata", FAST(setCheckMetadata), METH_FASTCALL, "Check metadata."},
	{"set_external_tags", FAST(setExternalTags), METH_FASTCALL, "External host tags."},
	{"read_persistent_cache", FAST(readCache), METH_FASTCALL, "Read a persisted value."},
	{"write_persistent_cache", FAST(writeCache), METH_FASTCALL, "Persist a value."},
	{"tracemalloc_enabled", FAST(tracemallocEnabled), METH_FASTCALL, "Always False."},
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
	return PyModule_Create(&g_module);
}

} // namespace vigil::pyhost
