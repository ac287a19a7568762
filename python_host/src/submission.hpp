// SPDX-License-Identifier: Apache-2.0
// Shared by the builtin modules: finding the call a submission belongs to and
// converting tag lists without allocating on the hot path.  Needs the GIL.
#pragma once

#include "call_scope.hpp"

#include <Python.h>

#include <string>
#include <vector>

namespace vigil::pyhost {

// The call for a submission from Python: this thread's, else the one running
// check_id (a thread the check started).  False (reported, no Python error)
// when there is none: the submission is dropped.
bool resolveCall(PyObject *check_id, const char *what, CallScope &out);

// A sequence of tags as C strings pointing into the Python objects, which the
// list keeps alive.  str and bytes are kept; anything else is dropped with a
// warning naming `what`, as the Datadog base class does.  None = no tags.
class TagList {
public:
	// False with a Python exception set when tags is not iterable.
	bool convert(PyObject *tags, const CallScope &scope, const char *what);
	const char *const *data() const { return items_.data(); }
	size_t size() const { return items_.size(); }
	// Appends a tag the list owns (e.g. "upper_bound:10").
	void append(std::string tag);

private:
	PyObject *seq_ = nullptr;
	std::vector<const char *> items_;
	std::vector<std::string> owned_;

public:
	TagList() = default;
	~TagList() { Py_XDECREF(seq_); }
	TagList(const TagList &) = delete;
	TagList &operator=(const TagList &) = delete;
};

// UTF-8 of a str (or bytes) argument; nullptr for None or "" when
// none_is_null, else nullptr with a TypeError naming `what`.
const char *stringArg(PyObject *obj, const char *what, bool none_is_null);

} // namespace vigil::pyhost
