// SPDX-License-Identifier: Apache-2.0
#include "thread_state.hpp"

#include "host_state.hpp"

namespace vigil::pyhost {
namespace {

thread_local PyThreadState *t_state = nullptr;

} // namespace

void adoptThreadState(PyThreadState *state)
{
	t_state = state;
}

GilLock::GilLock()
{
	// PyThreadState_New does not need the GIL; it also registers the state
	// for PyGILState_*, so C extensions that call PyGILState_Ensure on this
	// thread find ours instead of making their own.
	if (!t_state)
		t_state = PyThreadState_New(hostState().interp);
	PyEval_RestoreThread(t_state);
}

GilLock::~GilLock()
{
	PyEval_SaveThread();
}

} // namespace vigil::pyhost
