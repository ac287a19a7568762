// SPDX-License-Identifier: Apache-2.0
#include "submission.hpp"

#include "python_error.hpp"

namespace vigil::pyhost {

bool resolveCall(PyObject *check_id, const char *what, CallScope &out)
{
	if (const CallScope *scope = currentCall()) {
		out = *scope;
		return true;
	}
	const char *id = nullptr;
	if (check_id && PyUnicode_Check(check_id)) {
		id = PyUnicode_AsUTF8(check_id);
		if (!id)
			PyErr_Clear();
	}
	if (findCall(id, out))
		return true;
	reportOutsideCall(what);
	return false;
}

const char *stringArg(PyObject *obj, const char *what, bool none_is_null)
{
	if (PyUnicode_Check(obj)) {
		const char *s = PyUnicode_AsUTF8(obj);
		if (s && none_is_null && !*s)
			return nullptr;
		return s;
	}
	if (PyBytes_Check(obj)) {
		const char *s = PyBytes_AS_STRING(obj);
		return none_is_null && !*s ? nullptr : s;
	}
	if (obj == Py_None && none_is_null)
		return nullptr;
	PyErr_Format(PyExc_TypeError, "%s must be a string, not %.100s", what,
		     Py_TYPE(obj)->tp_name);
	return nullptr;
}

bool TagList::convert(PyObject *tags, const CallScope &scope, const char *what)
{
	items_.clear();
	if (!tags || tags == Py_None)
		return true;
	seq_ = PySequence_Fast(tags, "tags must be a list of strings");
	if (!seq_)
		return false;
	Py_ssize_t n = PySequence_Fast_GET_SIZE(seq_);
	PyObject **objs = PySequence_Fast_ITEMS(seq_);
	items_.reserve(static_cast<size_t>(n) + 2);
	for (Py_ssize_t i = 0; i < n; ++i) {
		PyObject *tag = objs[i];
		const char *s = nullptr;
		if (PyUnicode_Check(tag))
			s = PyUnicode_AsUTF8(tag);
		else if (PyBytes_Check(tag))
			s = PyBytes_AS_STRING(tag);
		if (s) {
			items_.push_back(s);
			continue;
		}
		PyErr_Clear();
		std::string warning = std::string(what) + ": tag " + toUtf8(tag) + " is a " +
				      Py_TYPE(tag)->tp_name + ", not a string, dropped the tag";
		scope.host->warning(scope.ctx, warning.c_str());
	}
	return true;
}

void TagList::append(std::string tag)
{
	// Reserve first so earlier c_str() pointers stay valid (short strings
	// live inside the std::string object, which a reallocation moves).
	if (owned_.capacity() == 0)
		owned_.reserve(4);
	owned_.push_back(std::move(tag));
	items_.clear();
	if (seq_) {
		Py_ssize_t n = PySequence_Fast_GET_SIZE(seq_);
		PyObject **objs = PySequence_Fast_ITEMS(seq_);
		for (Py_ssize_t i = 0; i < n; ++i)
			if (PyUnicode_Check(objs[i]))
				items_.push_back(PyUnicode_AsUTF8(objs[i]));
			else if (PyBytes_Check(objs[i]))
				items_.push_back(PyBytes_AS_STRING(objs[i]));
	}
	for (const std::string &t : owned_)
		items_.push_back(t.c_str());
}

} // namespace vigil::pyhost
