// SPDX-License-Identifier: Apache-2.0
// When this process started, for datadog_agent.get_process_start_time() in
// a process the agent gave no start time to.
#pragma once

namespace vigil::pyhost {

// Whole seconds since the epoch: starttime of /proc/self/stat (clock ticks
// after boot) plus btime of /proc/stat.  0 when either is unreadable.
double processStartTime();

} // namespace vigil::pyhost
