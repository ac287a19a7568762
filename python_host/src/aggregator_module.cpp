// SPDX-License-Identifier: Apache-2.0
// The Datadog agent's builtin `aggregator` module, positional arguments as in
// rtloader.  Called with the GIL held (Python calls us); the host functions
// are quick and copy what they are given, so the GIL is simply kept.
// METH_FASTCALL: no argument tuple is built, which keeps a gauge with three
// tags under 100 ns on this side.
#include "builtin_modules.hpp"
#include "dropped_call.hpp"
#include "python_error.hpp"
#include "submission.hpp"

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>

namespace vigil::pyhost {
namespace {

bool checkArgs(const char *fn, Py_ssize_t nargs, Py_ssize_t min, Py_ssize_t max)
{
	if (nargs >= min && nargs <= max)
		return true;
	PyErr_Format(PyExc_TypeError, "%s() takes %zd to %zd positional arguments (%zd given)", fn,
		     min, max, nargs);
	return false;
}

// float(value) with a message that names the metric, not just the type.
bool metricValue(PyObject *value, const char *name, double &out)
{
	if (PyFloat_CheckExact(value)) {
		out = PyFloat_AS_DOUBLE(value);
		return true;
	}
	if (PyLong_Check(value)) {
		out = PyLong_AsDouble(value);
		return !(out == -1.0 && PyErr_Occurred());
	}
	PyObject *f = PyNumber_Float(value); // also parses numeric strings, like float()
	if (!f) {
		PyErr_Clear();
		PyErr_Format(PyExc_TypeError, "metric '%s': value %R is not a number", name, value);
		return false;
	}
	out = PyFloat_AS_DOUBLE(f);
	Py_DECREF(f);
	return true;
}

// The optional flush_first_value argument at `index`: any object, truthy as
// rtloader reads it.  1, 0, or -1 with a Python error.
int flushFirstValue(PyObject *const *args, Py_ssize_t nargs, Py_ssize_t index)
{
	return nargs > index ? PyObject_IsTrue(args[index]) : 0;
}

// A sample, with flush_first_value through ABI 1.1's submit_metric_flags; an
// agent without it takes the sample alone.
void submit(const CallScope &scope, int type, const char *name, double value, const TagList &tags,
	    const char *hostname, bool flush_first_value)
{
	const vigil_host *host = scope.host;
	if (flush_first_value &&
	    host->struct_size >=
		    offsetof(vigil_host, submit_metric_flags) + sizeof(host->submit_metric_flags) &&
	    host->submit_metric_flags)
		host->submit_metric_flags(scope.ctx, type, name, value, tags.data(), tags.size(),
					  hostname, VIGIL_SUBMIT_FLUSH_FIRST_VALUE);
	else
		host->submit_metric(scope.ctx, type, name, value, tags.data(), tags.size(),
				    hostname);
}

// submit_metric(check, check_id, mtype, name, value, tags, hostname[, flush_first_value])
PyObject *submitMetric(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (!checkArgs("submit_metric", nargs, 7, 8))
		return nullptr;
	const char *name = stringArg(args[3], "metric name", false);
	if (!name)
		return nullptr;
	int mtype = PyLong_AsLong(args[2]);
	if (mtype == -1 && PyErr_Occurred())
		return nullptr;
	if (mtype < VIGIL_METRIC_GAUGE || mtype > VIGIL_METRIC_HISTORATE) {
		PyErr_Format(PyExc_ValueError, "metric '%s': unknown metric type %d", name, mtype);
		return nullptr;
	}
	double value;
	if (!metricValue(args[4], name, value))
		return nullptr;
	const char *hostname = stringArg(args[6], "hostname", true);
	if (!hostname && PyErr_Occurred())
		return nullptr;
	CallScope scope;
	if (!resolveCall(args[1], "metric", scope))
		Py_RETURN_NONE;
	TagList tags;
	if (!tags.convert(args[5], scope, name))
		return nullptr;
	int flush_first = flushFirstValue(args, nargs, 7);
	if (flush_first < 0)
		return nullptr;
	submit(scope, mtype, name, value, tags, hostname, flush_first);
	Py_RETURN_NONE;
}

// submit_service_check(check, check_id, name, status, tags, hostname, message)
PyObject *submitServiceCheck(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (!checkArgs("submit_service_check", nargs, 7, 7))
		return nullptr;
	const char *name = stringArg(args[2], "service check name", false);
	if (!name)
		return nullptr;
	long status = PyLong_AsLong(args[3]);
	if (status == -1 && PyErr_Occurred())
		return nullptr;
	if (status < VIGIL_STATUS_OK || status > VIGIL_STATUS_UNKNOWN) {
		PyErr_Format(PyExc_ValueError,
			     "service check '%s': status %ld is not OK (0), WARNING (1), "
			     "CRITICAL (2) or UNKNOWN (3)",
			     name, status);
		return nullptr;
	}
	const char *hostname = stringArg(args[5], "hostname", true);
	if (!hostname && PyErr_Occurred())
		return nullptr;
	const char *message = stringArg(args[6], "message", true);
	if (!message && PyErr_Occurred())
		return nullptr;
	CallScope scope;
	if (!resolveCall(args[1], "service check", scope))
		Py_RETURN_NONE;
	TagList tags;
	if (!tags.convert(args[4], scope, name))
		return nullptr;
	scope.host->submit_service_check(scope.ctx, name, static_cast<vigil_service_status>(status),
					 tags.data(), tags.size(), hostname, message);
	Py_RETURN_NONE;
}

// A str field of the event dict; missing or not a string = NULL, as rtloader.
const char *eventField(PyObject *event, const char *key)
{
	PyObject *v = PyDict_GetItemString(event, key); // borrowed
	if (!v || !PyUnicode_Check(v))
		return nullptr;
	const char *s = PyUnicode_AsUTF8(v);
	if (!s)
		PyErr_Clear();
	return s;
}

// submit_event(check, check_id, event_dict)
PyObject *submitEvent(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (!checkArgs("submit_event", nargs, 3, 3))
		return nullptr;
	PyObject *event = args[2];
	if (!PyDict_Check(event)) {
		PyErr_SetString(PyExc_TypeError, "event must be a dict");
		return nullptr;
	}
	CallScope scope;
	if (!resolveCall(args[1], "event", scope))
		Py_RETURN_NONE;
	vigil_event ev{};
	ev.struct_size = sizeof ev;
	ev.title = eventField(event, "msg_title");
	ev.text = eventField(event, "msg_text");
	ev.priority = eventField(event, "priority");
	ev.alert_type = eventField(event, "alert_type");
	ev.aggregation_key = eventField(event, "aggregation_key");
	ev.source_type_name = eventField(event, "source_type_name");
	ev.event_type = eventField(event, "event_type");
	ev.hostname = eventField(event, "host");
	if (PyObject *ts = PyDict_GetItemString(event, "timestamp")) {
		// Like rtloader: a timestamp that is not a number means "now".
		double t = PyFloat_AsDouble(ts);
		if (t == -1.0 && PyErr_Occurred()) {
			PyErr_Clear();
			t = 0;
		}
		ev.timestamp = std::isfinite(t) ? static_cast<int64_t>(t) : 0;
	}
	TagList tags;
	if (!tags.convert(PyDict_GetItemString(event, "tags"), scope, "event"))
		return nullptr;
	ev.tags = tags.data();
	ev.tag_count = tags.size();
	scope.host->submit_event(scope.ctx, &ev);
	Py_RETURN_NONE;
}

std::string boundTag(const char *key, double bound)
{
	char buf[64];
	std::snprintf(buf, sizeof buf, "%s:%g", key, bound);
	return buf;
}

// submit_histogram_bucket(check, check_id, name, value, lower, upper, monotonic,
//                         hostname, tags[, flush_first_value])
// vigil_host has no bucket type: a bucket becomes a count (monotonic_count
// when monotonic) of `name` tagged lower_bound:/upper_bound:.
PyObject *submitHistogramBucket(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (!checkArgs("submit_histogram_bucket", nargs, 9, 10))
		return nullptr;
	const char *name = stringArg(args[2], "metric name", false);
	if (!name)
		return nullptr;
	double value, lower, upper;
	if (!metricValue(args[3], name, value) || !metricValue(args[4], name, lower) ||
	    !metricValue(args[5], name, upper))
		return nullptr;
	int monotonic = PyObject_IsTrue(args[6]);
	if (monotonic < 0)
		return nullptr;
	const char *hostname = stringArg(args[7], "hostname", true);
	if (!hostname && PyErr_Occurred())
		return nullptr;
	CallScope scope;
	if (!resolveCall(args[1], "histogram bucket", scope))
		Py_RETURN_NONE;
	TagList tags;
	if (!tags.convert(args[8], scope, name))
		return nullptr;
	tags.append(boundTag("lower_bound", lower));
	tags.append(boundTag("upper_bound", upper));
	int flush_first = flushFirstValue(args, nargs, 9);
	if (flush_first < 0)
		return nullptr;
	submit(scope, monotonic ? VIGIL_METRIC_MONOTONIC_COUNT : VIGIL_METRIC_COUNT, name, value,
	       tags, hostname, monotonic && flush_first);
	Py_RETURN_NONE;
}

// Event platform events sent through submit_event_platform_event: Vigil has
// no event platform (Datadog's DBM samples, activity and metadata go there).
DroppedCall g_event_platform_events;

// submit_event_platform_event(check, check_id, raw_event, event_type):
// rtloader's "Oss#s", counted and dropped with one debug line (the first
// time a run can receive it).
PyObject *submitEventPlatformEvent(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (!checkArgs("submit_event_platform_event", nargs, 4, 4))
		return nullptr;
	const char *check_id = stringArg(args[1], "check_id", false);
	if (!check_id)
		return nullptr;
	if (!stringArg(args[2], "raw_event", false))
		return nullptr;
	const char *event_type = stringArg(args[3], "event_type", false);
	if (!event_type)
		return nullptr;
	g_event_platform_events.note(check_id,
				     std::string("aggregator.submit_event_platform_event: Vigil "
						 "has no event platform, events are dropped "
						 "(first: '") +
					     event_type + "' from '" + check_id + "')");
	Py_RETURN_NONE;
}

PyMethodDef g_methods[] = {
	{"submit_metric", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(submitMetric)),
	 METH_FASTCALL, "Submit a metric sample."},
	{"submit_service_check",
	 reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(submitServiceCheck)),
	 METH_FASTCALL, "Submit a service check."},
	{"submit_event", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(submitEvent)),
	 METH_FASTCALL, "Submit an event."},
	{"submit_histogram_bucket",
	 reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(submitHistogramBucket)),
	 METH_FASTCALL, "Submit a histogram bucket (sent as a count tagged with its bounds)."},
	{"submit_event_platform_event",
	 reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(submitEventPlatformEvent)),
	 METH_FASTCALL, "An event platform event (dropped: Vigil has no event platform)."},
	{nullptr, nullptr, 0, nullptr},
};

PyModuleDef g_module = {
	PyModuleDef_HEAD_INIT,
	"aggregator",
	"Vigil's implementation of the Datadog aggregator.",
	-1,
	g_methods,
	nullptr,
	nullptr,
	nullptr,
	nullptr,
};

} // namespace

PyObject *initAggregatorModule()
{
	PyObject *m = PyModule_Create(&g_module);
	if (!m)
		return nullptr;
	const struct {
		const char *name;
		int value;
	} constants[] = {
		{"GAUGE", VIGIL_METRIC_GAUGE},
		{"RATE", VIGIL_METRIC_RATE},
		{"COUNT", VIGIL_METRIC_COUNT},
		{"MONOTONIC_COUNT", VIGIL_METRIC_MONOTONIC_COUNT},
		{"COUNTER", VIGIL_METRIC_COUNTER},
		{"HISTOGRAM", VIGIL_METRIC_HISTOGRAM},
		{"HISTORATE", VIGIL_METRIC_HISTORATE},
	};
	for (const auto &c : constants)
		if (PyModule_AddIntConstant(m, c.name, c.value) < 0) {
			Py_DECREF(m);
			return nullptr;
		}
	return m;
}

} // namespace vigil::pyhost
