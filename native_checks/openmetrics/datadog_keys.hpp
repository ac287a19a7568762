// SPDX-License-Identifier: Apache-2.0
// Every instance key this check may meet, in three lists: the keys it (or
// the agent) reads, the keys of Datadog's OpenMetrics V2 check it does not
// implement, and the keys of Datadog's V1 check, which V2 ignores too.  The
// first run warns once about the last two and about keys in none of them,
// so nothing a user carried over is dropped without a word.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace vigil::openmetrics {

// Appends up to three warnings, each naming its keys in order.
void warnAboutKeys(const nlohmann::json &instance, std::vector<std::string> &warnings);

} // namespace vigil::openmetrics
