// SPDX-License-Identifier: Apache-2.0
// The thread that starts every worker process.  A worker asks the kernel for
// SIGKILL when its parent dies (PR_SET_PDEATHSIG), and Linux counts the
// *thread* that spawned it as that parent: a worker started by a Scheduler
// thread would be killed when that thread exits (Scheduler::stop(), a future
// resize of the pool), whatever the agent intended.  So every spawn runs on
// this one thread, which lives as long as the process.
//
// Threads: started on first use with every signal blocked, never stopped (its state is deliberately
// never destroyed, so exit() cannot pull it from under the thread); any
// thread may call runOnSpawnThread() and blocks until its task is done.
#pragma once

#include <functional>

namespace vigil::isolation {

// Runs `task` on the spawn thread and waits for it; an exception it throws
// is rethrown here.
void runOnSpawnThread(const std::function<void()> &task);

} // namespace vigil::isolation
