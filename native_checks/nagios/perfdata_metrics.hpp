// SPDX-License-Identifier: Apache-2.0
// Performance data as metrics.  One metric name per unit family, the label
// as a `perfdata:<label>` tag (Telegraf's tag key): check_disk's one label
// per mount point becomes one series per mount of `nagios.check_disk.bytes`,
// which sums and graphs together, and a label with spaces, quotes or `/`
// never has to be squeezed into a metric name.
//
//   no unit            NAME.value    gauge, as written
//   s, ms, us, ns      NAME.seconds  gauge, in seconds
//   %                  NAME.percent  gauge, 0-100 as written
//   B, kB/KB, MB, GB,  NAME.bytes    gauge, in bytes, powers of 1024 (what
//   TB, PB, KiB...PiB                check_disk's -u kB/MB/GB/TB multiply by)
//   c                  NAME.counter  monotonic count (the increase per flush)
//   anything else      NAME.value    gauge, as written, tagged unit:<uom>
//
// With thresholds, each bound that is present and finite is a gauge of its
// own in the value's unit: NAME.<family>.warn_low/warn_high/crit_low/
// crit_high/min/max.  A range's start is sent only when written ("10" is
// 0:10 in the guidelines, and its implied 0 is not worth a series); an `@`
// range (alert inside it) carries the extra tag `range:inside`.
#pragma once

#include "perfdata.hpp"

#include <vigil/check.h>

#include <string>
#include <string_view>
#include <vector>

namespace vigil::nagios {

struct UnitRule {
	std::string_view family; // "value", "seconds", "percent", "bytes", "counter"
	double factor = 1;	 // to the family's unit
	bool counter = false;
	bool known = true; // false: sent as written, tagged unit:<uom>
};

UnitRule unitRule(std::string_view uom);

struct MetricSample {
	std::string name;
	vigil_metric_type type = VIGIL_METRIC_GAUGE;
	double value = 0;
	std::vector<std::string> tags;
};

// What one item sends; `prefix` is "nagios.<name>".  A `U` value sends no
// value series, but its bounds still go out with `thresholds`.
std::vector<MetricSample> perfdataSamples(std::string_view prefix, const Perfdatum &item,
					  bool thresholds);

} // namespace vigil::nagios
