// SPDX-License-Identifier: Apache-2.0
// The `metrics` and `extra_metrics` options read as V2's
// MetricTransformer.normalize_metric_config reads them: each item a name or
// pattern (string), or a mapping of exposed name or pattern to a new name
// (string) or to `{name: ..., type: ...}` with the type's own parameters
// (`scale` for temporal_percent, `status_map` for service_check).  A key is
// a pattern when Python's re.escape() would change it; a pattern keeps each
// metric's own name, as in V2, which drops a `name:` given to one.
#pragma once

#include "mapping_options.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace vigil::openmetrics {

// Fills options.exact_rules and options.pattern_rules; throws
// std::runtime_error naming the item ("metrics[2].foo.type: ...").
void readMetricRules(const nlohmann::json &instance, MappingOptions &options,
		     std::vector<std::string> &warnings);

// Whether Python's re.escape() changes `name`, which is how V2 tells a
// pattern from a name.
bool isPythonPattern(std::string_view name);

} // namespace vigil::openmetrics
