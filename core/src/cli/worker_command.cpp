// SPDX-License-Identifier: Apache-2.0
// `vigil worker`: hidden; the agent starts it to run isolated checks
// (docs/isolation.md).  Not meant to be run by hand.
#include "commands.hpp"

#include "isolation/worker_main.hpp"

namespace vigil::cli {

int workerCommand(const WorkerCommandOptions &options)
{
	isolation::WorkerOptions worker;
	worker.fd = options.fd;
	worker.max_vm_mb = options.max_vm_mb;
	return isolation::runWorker(worker);
}

} // namespace vigil::cli
