// SPDX-License-Identifier: Apache-2.0
// An instance's configuration: the keys of Datadog's OpenMetrics V2 check
// that mean the same here, Vigil's own two limits, and a warning naming every
// key of Datadog's check that Vigil does not implement (and every key it
// does not know at all), so that nothing a user carried over is dropped
// silently.  docs/checks/openmetrics.md has the table of every key.
#pragma once

#include "auth_token.hpp"
#include "mapping_options.hpp"
#include "pattern_list.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil::openmetrics {

// Prometheus' own scrape preference (OpenMetrics 1.0, then the text format).
inline constexpr const char *kAcceptHeader =
	"Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
	"version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

struct ScrapeOptions {
	std::string endpoint;
	std::vector<std::string> headers; // "Name: value", the token's excepted
	std::optional<AuthTokenOptions> auth_token;
	double timeout_seconds = 10;			    // the whole exchange
	std::size_t max_body_bytes = std::size_t(32) << 20; // a longer body is refused
	bool health_service_check = true;
	bool ignore_connection_errors = false;
	system::PatternList raw_line_filter; // lines to skip (raw_line_filters)
};

struct InstanceOptions {
	ScrapeOptions scrape;
	MappingOptions mapping;
	std::vector<std::string> warnings; // for the first run
};

// Throws std::runtime_error, one line naming the key, for a configuration
// that cannot work.
InstanceOptions readInstanceOptions(const std::string &instance_json,
				    const std::string &init_config_json);

} // namespace vigil::openmetrics
