// SPDX-License-Identifier: Apache-2.0
// One persistent Python thread state per OS thread.  PyGILState_Ensure on a
// thread without one creates and frees a thread state on every call (~7.4 us
// with mmap/munmap); keeping one per thread makes taking the GIL ~50 ns.
#pragma once

#include <Python.h>

namespace vigil::pyhost {

// The thread state init() ran Python with, so the main thread reuses it.
void adoptThreadState(PyThreadState *state);

// Takes the GIL with the calling thread's persistent thread state (created
// on first use, never freed: the thread may come back, and freeing needs the
// GIL at a time we do not control) and releases it on destruction.
class GilLock {
public:
	GilLock();
	~GilLock();
	GilLock(const GilLock &) = delete;
	GilLock &operator=(const GilLock &) = delete;
};

} // namespace vigil::pyhost
