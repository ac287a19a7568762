// SPDX-License-Identifier: Apache-2.0
// RunLane: what kind of work a check's run is, as far as the Scheduler's
// promise "a native check is never delayed by Python work" needs to know.
// The rule that uses it is in scheduler.hpp.
#pragma once

namespace vigil {

enum class RunLane {
	// Native plugin code in this process: expected to return quickly, and
	// given a runner that no other lane can occupy.
	Native,
	// A provider's check in this process (python_host's .py files): may
	// block for a whole run in a sleep, in I/O or waiting for the GIL.
	Python,
	// A run in a worker process (`isolation: process`): this thread mostly
	// waits on a socket, up to the hard timeout, whatever the check's kind.
	Isolated,
};

const char *runLaneName(RunLane lane); // "native" / "python" / "isolated"

} // namespace vigil
