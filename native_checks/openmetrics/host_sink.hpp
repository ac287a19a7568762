// SPDX-License-Identifier: Apache-2.0
// The Mapper's sink in the check: straight into the agent's vigil_host
// functions, without vigil::Sender's copy of each name and tag list.
#pragma once

#include "mapper.hpp"

#include <vigil/check.h>

#include <cstddef>

namespace vigil::openmetrics {

class HostSink : public Sink {
public:
	// flush_first_value: as V2 after its first scrape, a counter first seen
	// now started at 0, so its first value counts (docs/aggregation.md).
	HostSink(const vigil_host *host, vigil_context *ctx, bool flush_first_value)
	    : host_(host), ctx_(ctx),
	      flush_first_value_(flush_first_value &&
				 host->struct_size >= offsetof(vigil_host, submit_metric_flags) +
							      sizeof(host->submit_metric_flags) &&
				 host->submit_metric_flags)
	{
	}

	void metric(vigil_metric_type type, const char *name, double value, const char *const *tags,
		    size_t tag_count, const char *hostname) override
	{
		if (flush_first_value_ && type == VIGIL_METRIC_MONOTONIC_COUNT)
			host_->submit_metric_flags(ctx_, type, name, value, tags, tag_count,
						   hostname, VIGIL_SUBMIT_FLUSH_FIRST_VALUE);
		else
			host_->submit_metric(ctx_, type, name, value, tags, tag_count, hostname);
	}
	void serviceCheck(const char *name, vigil_service_status status, const char *const *tags,
			  size_t tag_count, const char *hostname) override
	{
		host_->submit_service_check(ctx_, name, status, tags, tag_count, hostname, nullptr);
	}

private:
	const vigil_host *host_;
	vigil_context *ctx_;
	bool flush_first_value_;
};

} // namespace vigil::openmetrics
