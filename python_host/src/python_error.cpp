// SPDX-License-Identifier: Apache-2.0
#include "python_error.hpp"

#include "host_state.hpp"

namespace vigil::pyhost {

std::string toUtf8(PyObject *obj)
{
	if (!obj)
		return {};
	PyRef text(PyObject_Str(obj));
	if (!text) {
		PyErr_Clear();
		return "<unprintable>";
	}
	Py_ssize_t size = 0;
	const char *data = PyUnicode_AsUTF8AndSize(text.get(), &size);
	if (!data) {
		PyErr_Clear();
		return "<unprintable>";
	}
	return std::string(data, static_cast<size_t>(size));
}

std::string takeErrorText(bool with_traceback)
{
	PyObject *type = nullptr, *value = nullptr, *tb = nullptr;
	PyErr_Fetch(&type, &value, &tb);
	if (!type)
		return "unknown error (no Python exception set)";
	PyErr_NormalizeException(&type, &value, &tb);
	if (tb && value)
		PyException_SetTraceback(value, tb);
	PyRef type_ref(type), value_ref(value), tb_ref(tb);

	// The formatting lives in Python (vigil._loader.format_exception), where
	// the traceback module is; a plain "Type: message" is the fallback.
	if (PyObject *loader = hostState().loader) {
		PyRef text(PyObject_CallMethod(loader, "format_exception", "OO",
					       value ? value : Py_None,
					       with_traceback ? Py_True : Py_False));
		if (text)
			return toUtf8(text.get());
		PyErr_Clear();
	}
	std::string name = reinterpret_cast<PyTypeObject *>(type)->tp_name;
	std::string message = value ? toUtf8(value) : std::string();
	return message.empty() ? name : name + ": " + message;
}

} // namespace vigil::pyhost
