// SPDX-License-Identifier: Apache-2.0
#include "scheduling/quarantine.hpp"

#include <algorithm>

namespace vigil {

Clock::duration quarantineBackoff(const QuarantinePolicy &policy, unsigned failures,
				  Clock::duration interval)
{
	if (policy.after == 0 || failures < policy.after)
		return Clock::duration::zero();
	Clock::duration backoff = std::max(interval, Clock::duration(1));
	// Doubling stops at the cap, so no overflow however many failures.
	for (unsigned i = policy.after; i < failures && backoff < policy.max_backoff; ++i)
		backoff *= 2;
	return std::min(backoff, policy.max_backoff);
}

} // namespace vigil
