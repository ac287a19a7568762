// SPDX-License-Identifier: Apache-2.0
// Output: where flushed series, service checks and events go.  The agent
// owns a list of them and hands every flush to each in turn, from the one
// thread that flushes, so an Output needs no locking for write(); an output
// that does network I/O must queue and send from its own thread, because a
// slow write() delays the next flush of every output.
#pragma once

#include "aggregation/metric.hpp"

#include <nlohmann/json.hpp>

namespace vigil {

class Output {
public:
	virtual ~Output() = default;

	// Takes one flush.  Errors are logged and counted, never thrown: an
	// unreachable receiver or a full disk must not stop the checks.
	virtual void write(const FlushResult &flush) = 0;

	// Called once at shutdown after the last write(): push what is queued,
	// bounded by `seconds`.
	virtual void close(double seconds) { (void)seconds; }

	// State for `/status` and `vigil status` (queue depth, errors, ...); may
	// be called from any thread.
	virtual nlohmann::json status() const { return nlohmann::json::object(); }
};

} // namespace vigil
