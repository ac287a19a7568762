// SPDX-License-Identifier: Apache-2.0
// The worker side of check isolation: what `vigil worker --fd N` runs.  It
// serves run requests from the agent on `fd` (worker_protocol.hpp) until the
// agent closes it, loading each check the first time it is asked to run it:
// a native .so through the agent's own loader, a provided file (.py) through
// its provider (python_host.so), opened once.  Only what is asked for is
// ever loaded, so a check whose static constructor crashes kills this
// process, never the agent.
//
// Threads: single-threaded by design (checks may start their own); one run
// at a time, so a crash or hang always belongs to the request in progress.
#pragma once

namespace vigil::isolation {

struct WorkerOptions {
	int fd = 3;
	double max_vm_mb = 0; // RLIMIT_AS; 0 = leave as inherited
};

// Returns the process exit status (0 when the agent closed the connection).
int runWorker(const WorkerOptions &options);

} // namespace vigil::isolation
