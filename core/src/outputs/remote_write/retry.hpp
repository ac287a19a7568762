// SPDX-License-Identifier: Apache-2.0
// What the remote-write sender does after a POST: which outcomes to retry,
// and how long to wait before the next attempt.  No clock and no sleeping
// here: the sender waits, these only decide (so tests need neither).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

namespace vigil {

// The outcome of one POST, by what the sender must do next.
enum class SendOutcome {
	Delivered, // 2xx
	Retry,	   // network error, timeout, 5xx or 429: the receiver may recover
	Reject,	   // any other status: the same request would fail again, drop it
};

// `status` is the HTTP status, or 0 when there was no response (connection
// refused, timeout, reset).
SendOutcome classifyResponse(int status);

// The wait a `Retry-After` header value asks for, in seconds: delay-seconds
// ("120") or an HTTP-date ("Sun, 06 Nov 1994 08:49:37 GMT", IMF-fixdate,
// counted from `now`; a date in the past gives a negative number).  nullopt
// when the value is empty or neither form, as if there were no header.
std::optional<double> parseRetryAfter(std::string_view value,
				      std::chrono::system_clock::time_point now);

// Capped exponential backoff with full jitter: before retry n (1, 2, ...)
// wait a uniform random time in [0, min(max, min * 2^(n-1))].  Full jitter
// spreads a fleet of agents that lost the same receiver at the same moment,
// so they do not all come back in the same millisecond.
class RemoteWriteBackoff {
public:
	// `random01` returns uniform numbers in [0, 1); injected for tests.
	RemoteWriteBackoff(double min_seconds, double max_seconds,
			   std::function<double()> random01);

	// The ceiling for retry `attempt` (>= 1), before jitter.
	double ceiling(unsigned attempt) const;
	// The wait before retry `attempt`, in [0, ceiling(attempt)].
	double delay(unsigned attempt);
	// The same, unless the receiver asked for a wait (Retry-After, see
	// parseRetryAfter) that is still ahead: then that wait, capped by max.
	// No jitter on it: the receiver already chose when each client returns.
	double delay(unsigned attempt, std::optional<double> retry_after);

private:
	double min_;
	double max_;
	std::function<double()> random01_;
};

} // namespace vigil
