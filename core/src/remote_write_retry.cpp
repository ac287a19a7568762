// SPDX-License-Identifier: Apache-2.0
#include "remote_write_retry.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace vigil {

SendOutcome classifyResponse(int status)
{
	if (status >= 200 && status < 300)
		return SendOutcome::Delivered;
	// 429: the receiver is rate limiting us; backing off is what it asks for.
	if (status == 0 || status == 429 || status >= 500)
		return SendOutcome::Retry;
	// 4xx (bad labels, out-of-order samples, auth) and anything unexpected
	// (1xx, 3xx: httplib does not follow redirects for a POST body).
	return SendOutcome::Reject;
}

RemoteWriteBackoff::RemoteWriteBackoff(double min_seconds, double max_seconds,
				       std::function<double()> random01)
    : min_(min_seconds), max_(std::max(min_seconds, max_seconds)), random01_(std::move(random01))
{
}

double RemoteWriteBackoff::ceiling(unsigned attempt) const
{
	if (attempt == 0)
		return 0;
	// 2^63 and beyond is past any cap; stop doubling before overflow.
	const unsigned exponent = std::min(attempt - 1, 62u);
	return std::min(max_, min_ * std::ldexp(1.0, static_cast<int>(exponent)));
}

double RemoteWriteBackoff::delay(unsigned attempt)
{
	double r = random01_();
	r = std::clamp(r, 0.0, 1.0);
	return ceiling(attempt) * r;
}

} // namespace vigil
