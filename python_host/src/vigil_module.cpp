// SPDX-License-Identifier: Apache-2.0
// `_vigil`: what AgentCheck needs that the Datadog builtins do not offer.
// warning(check_id, message) reaches vigil_host::warning of the current run,
// so a warning shows with the run's result, as in `datadog-agent check`.
#include "builtin_modules.hpp"
#include "python_error.hpp"
#include "submission.hpp"

namespace vigil::pyhost {
namespace {

PyObject *warning(PyObject *, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs != 2)
		return PyErr_Format(PyExc_TypeError, "warning() takes 2 arguments");
	std::string message = toUtf8(args[1]);
	CallScope scope;
	if (resolveCall(args[0], "warning", scope))
		scope.host->warning(scope.ctx, message.c_str());
	Py_RETURN_NONE;
}

PyMethodDef g_methods[] = {
	{"warning", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(warning)),
	 METH_FASTCALL, "A warning for the current run."},
	{nullptr, nullptr, 0, nullptr},
};

PyModuleDef g_module = {
	PyModuleDef_HEAD_INIT,
	"_vigil",
	"python_host services beyond the Datadog API.",
	-1,
	g_methods,
	nullptr,
	nullptr,
	nullptr,
	nullptr,
};

} // namespace

PyObject *initVigilModule()
{
	return PyModule_Create(&g_module);
}

} // namespace vigil::pyhost
