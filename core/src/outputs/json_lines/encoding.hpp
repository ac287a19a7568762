// SPDX-License-Identifier: Apache-2.0
// The JSON shapes of flushed data: one definition shared by `vigil run`'s
// JSON lines and `vigil check --json`, so the two never drift (docs/cli.md).
#pragma once

#include "aggregation/metric.hpp"

#include <nlohmann/json.hpp>

namespace vigil {

nlohmann::json toJson(const Series &series);
nlohmann::json toJson(const ServiceCheck &check);
nlohmann::json toJson(const Event &event);

} // namespace vigil
