// SPDX-License-Identifier: Apache-2.0
// Agent: the long-running `vigil run`.  Loads the catalog, schedules every
// instance, flushes the aggregator every flush_interval to the output, and
// stops cleanly on SIGINT/SIGTERM.
//
// Threads: the thread calling run() owns the agent: it waits for signals and
// flush deadlines with sigtimedwait() (signals are blocked in every thread,
// so no async handler runs), and is the only one that flushes.  The
// Scheduler owns the timer and worker threads.
#pragma once

#include "agent/settings.hpp"

namespace vigil {

struct RunOptions {
	bool once = false;
};

class Agent {
public:
	explicit Agent(AgentSettings settings);

	// Returns the process exit status.
	int run(const RunOptions &options);

private:
	AgentSettings settings_;
};

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (and so in every
// thread it starts afterwards) and ignores SIGPIPE.  Call before any thread
// is created.
void blockTerminationSignals();

} // namespace vigil
