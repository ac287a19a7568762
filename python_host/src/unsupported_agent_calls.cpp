// SPDX-License-Identifier: Apache-2.0
// The `datadog_agent` functions for what Vigil does not have: a logs
// pipeline, agent telemetry, the obfuscators.  Each parses its arguments
// as rtloader does, so a wrong call fails as it would under the Datadog
// agent, then drops the call (with one debug line) or raises RuntimeError
// naming the function.
#include "unsupported_agent_calls.hpp"

#include "dropped_call.hpp"

#include <string>

namespace vigil::pyhost {

namespace {

DroppedCall sent_logs;
DroppedCall agent_telemetry;

// The obfuscators are the Datadog agent's Go code (pkg/obfuscate); Vigil has
// none.  The arguments are parsed as rtloader parses them, then a
// RuntimeError (what rtloader raises for an obfuscation error) names the
// function.
PyObject *noObfuscator(const char *function, const char *what)
{
	PyErr_Format(PyExc_RuntimeError, "datadog_agent.%s: Vigil has no %s obfuscator", function,
		     what);
	return nullptr;
}

} // namespace

// send_log(log_line, check_id): the Datadog agent hands the line to its logs
// pipeline; Vigil has none, so it is counted and dropped.
PyObject *sendLog(PyObject *, PyObject *args)
{
	const char *line = nullptr, *check_id = nullptr;
	if (!PyArg_ParseTuple(args, "ss:send_log", &line, &check_id))
		return nullptr;
	sent_logs.note(PyTuple_GET_ITEM(args, 1),
		       std::string("datadog_agent.send_log: Vigil has no logs pipeline, log lines "
				   "sent by checks are dropped (first from '") +
			       check_id + "')");
	Py_RETURN_NONE;
}

// emit_agent_telemetry(check_name, metric_name, metric_value, metric_type,
// labels=None): the Datadog agent's own telemetry; accepted and dropped.
PyObject *emitAgentTelemetry(PyObject *, PyObject *args, PyObject *kwargs)
{
	static const char *kwlist[] = {"check_name",  "metric_name", "metric_value",
				       "metric_type", "labels",	     nullptr};
	const char *check_name = nullptr, *metric_name = nullptr, *metric_type = nullptr;
	double value = 0;
	PyObject *labels = Py_None;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ssds|O:emit_agent_telemetry",
					 const_cast<char **>(kwlist), &check_name, &metric_name,
					 &value, &metric_type, &labels))
		return nullptr;
	agent_telemetry.note(static_cast<const char *>(nullptr),
			     std::string("datadog_agent.emit_agent_telemetry: Vigil "
					 "has no agent telemetry, dropped (first: ") +
				     check_name + "." + metric_name + ")");
	Py_RETURN_NONE;
}

// obfuscate_sql(query, options=None)
PyObject *obfuscateSql(PyObject *, PyObject *args, PyObject *kwargs)
{
	static const char *kwlist[] = {"query", "options", nullptr};
	const char *query = nullptr, *options = nullptr;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|s:obfuscate_sql",
					 const_cast<char **>(kwlist), &query, &options))
		return nullptr;
	return noObfuscator("obfuscate_sql", "SQL");
}

// obfuscate_sql_exec_plan(plan, /, normalize=False)
PyObject *obfuscateSqlExecPlan(PyObject *, PyObject *args, PyObject *kwargs)
{
	static const char *kwlist[] = {"", "normalize", nullptr};
	const char *plan = nullptr;
	PyObject *normalize = nullptr;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|O:obfuscate_sql_exec_plan",
					 const_cast<char **>(kwlist), &plan, &normalize))
		return nullptr;
	return noObfuscator("obfuscate_sql_exec_plan", "SQL");
}

// obfuscate_mongodb_string(command): rtloader parses the positional
// arguments only (keywords are ignored).
PyObject *obfuscateMongodbString(PyObject *, PyObject *args, PyObject *)
{
	const char *command = nullptr;
	if (!PyArg_ParseTuple(args, "s:obfuscate_mongodb_string", &command))
		return nullptr;
	return noObfuscator("obfuscate_mongodb_string", "MongoDB");
}

} // namespace vigil::pyhost
