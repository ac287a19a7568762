// SPDX-License-Identifier: Apache-2.0
// The builtin modules python_host registers with PyImport_AppendInittab
// before the interpreter starts: the Datadog agent's `aggregator` and
// `datadog_agent` (its other builtins are Python, python/_agent_modules/).
#pragma once

#include <Python.h>

namespace vigil::pyhost {

PyObject *initAggregatorModule();
PyObject *initDatadogAgentModule();

} // namespace vigil::pyhost
