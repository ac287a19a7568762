// SPDX-License-Identifier: Apache-2.0
// Starting the embedded interpreter, once, on the agent's main thread.
#pragma once

#include "host_state.hpp"

#include <string>

namespace vigil::pyhost {

// Initialises CPython with `options`, fills hostState(), and returns with the
// GIL released.  False with a one-line reason; the process can then not use
// Python at all (CPython cannot be re-initialised safely).
bool startInterpreter(const HostOptions &options, std::string &error);

} // namespace vigil::pyhost
