// SPDX-License-Identifier: Apache-2.0
#include "agent/life_cycle.hpp"
#include "commands.hpp"
#include "process/malloc_arena_limit.hpp"

namespace vigil::cli {

int runCommand(const CliOverrides &overrides, const RunCommandOptions &options)
{
	// Before any thread exists, so every thread inherits the mask and the
	// agent's own thread is the only one that sees the signals.
	blockTerminationSignals();
	limitMallocArenas();
	AgentSettings settings = resolveSettings(overrides);
	if (!options.output.empty())
		settings.config.output.type = options.output;
	Agent agent(std::move(settings));
	return agent.run({options.once});
}

} // namespace vigil::cli
