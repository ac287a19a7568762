// SPDX-License-Identifier: Apache-2.0
// Probes of the catalog run side by side: loading a plugin in a worker
// (CatalogOptions::probe_*) mostly waits for the worker to start and answer.
#pragma once

#include "plugins/catalog.hpp"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil {

// What a probe worker said about one file or module: its descriptor, or why
// not.
struct ProbeOutcome {
	std::optional<ProbedPlugin> probed;
	std::string error;
};

// One probe to run: the index of what it is for, and the call.
using ProbeJob = std::pair<size_t, std::function<ProbedPlugin()>>;

// Every job, up to `parallelism` at once, each on its own thread but the
// caller's, joined before it returns.  Indexed like what the jobs are for
// (`count` of them); nothing where there was no job.
std::vector<std::optional<ProbeOutcome>> runProbes(const std::vector<ProbeJob> &todo, size_t count,
						   unsigned parallelism);

} // namespace vigil
