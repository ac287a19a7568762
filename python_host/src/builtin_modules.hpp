// SPDX-License-Identifier: Apache-2.0
// The builtin modules python_host registers with PyImport_AppendInittab
// before the interpreter starts: the Datadog agent's `aggregator` and
// `datadog_agent`, and `_vigil` for what the Datadog API has no call for.
#pragma once

#include <Python.h>

namespace vigil::pyhost {

PyObject *initAggregatorModule();
PyObject *initDatadogAgentModule();
PyObject *initVigilModule();

} // namespace vigil::pyhost
