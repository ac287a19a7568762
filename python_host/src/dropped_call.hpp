// SPDX-License-Identifier: Apache-2.0
// A call of the Datadog API that Vigil accepts and drops (send_log, agent
// telemetry, event platform events): counted, and said once per process in
// a debug line of the first run that can receive it, however often it is
// called.  Any thread, with the GIL.
#pragma once

#include <Python.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace vigil::pyhost {

class DroppedCall {
public:
	// `check_id` (a str, or null) finds the run when the call comes from a
	// thread that is not in one.
	void note(PyObject *check_id, const std::string &message);
	void note(const char *check_id, const std::string &message);
	uint64_t count() const { return count_.load(std::memory_order_relaxed); }

private:
	std::atomic<uint64_t> count_{0};
	std::atomic<bool> said_{false};
};

} // namespace vigil::pyhost
