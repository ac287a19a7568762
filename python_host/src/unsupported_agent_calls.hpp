// SPDX-License-Identifier: Apache-2.0
// `datadog_agent` functions for what Vigil does not have (see the .cpp), as
// the method table of datadog_agent_module.cpp calls them.  With the GIL.
#pragma once

#include <Python.h>

namespace vigil::pyhost {

// send_log(log_line, check_id): dropped, one debug line.
PyObject *sendLog(PyObject *self, PyObject *args);
// emit_agent_telemetry(check_name, metric_name, metric_value, metric_type,
// labels=None): dropped, one debug line.
PyObject *emitAgentTelemetry(PyObject *self, PyObject *args, PyObject *kwargs);
// obfuscate_sql(query, options=None), obfuscate_sql_exec_plan(plan, /,
// normalize=False), obfuscate_mongodb_string(command): RuntimeError.
PyObject *obfuscateSql(PyObject *self, PyObject *args, PyObject *kwargs);
PyObject *obfuscateSqlExecPlan(PyObject *self, PyObject *args, PyObject *kwargs);
PyObject *obfuscateMongodbString(PyObject *self, PyObject *args, PyObject *kwargs);

} // namespace vigil::pyhost
