// SPDX-License-Identifier: Apache-2.0
// Turning Python exceptions and objects into the C strings vigil_host takes.
// Every function here needs the GIL.
#pragma once

#include <Python.h>

#include <string>

namespace vigil::pyhost {

// Clears the pending exception and describes it as "ExcType: message"
// followed, when with_traceback, by a newline and the formatted traceback.
std::string takeErrorText(bool with_traceback = true);

// str(obj) as UTF-8; "" (and no pending exception) when that fails.
std::string toUtf8(PyObject *obj);

// Owning reference, released on destruction.
class PyRef {
public:
	explicit PyRef(PyObject *obj = nullptr) : obj_(obj) {}
	~PyRef() { Py_XDECREF(obj_); }
	PyRef(const PyRef &) = delete;
	PyRef &operator=(const PyRef &) = delete;
	PyObject *get() const { return obj_; }
	explicit operator bool() const { return obj_ != nullptr; }

private:
	PyObject *obj_;
};

} // namespace vigil::pyhost
