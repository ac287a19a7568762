// SPDX-License-Identifier: Apache-2.0
#include "datadog_keys.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>

namespace vigil::openmetrics {

namespace {

using nlohmann::json;

// Keys read here or by the agent itself (tags, min_collection_interval,
// name, isolation, timeout), and V2 keys that need nothing done because
// Vigil always behaves as they ask.
const char *const kKnown[] = {"openmetrics_endpoint",
			      "namespace",
			      "raw_metric_prefix",
			      "metrics",
			      "extra_metrics",
			      "exclude_metrics",
			      "exclude_metrics_by_labels",
			      "tag_by_endpoint",
			      "exclude_labels",
			      "include_labels",
			      "rename_labels",
			      "enable_health_service_check",
			      "ignore_connection_errors",
			      "hostname_label",
			      "hostname_format",
			      "collect_histogram_buckets",
			      "non_cumulative_histogram_buckets",
			      "raw_line_filters",
			      "cache_metric_wildcards",
			      "use_latest_spec",
			      "auth_type",
			      "username",
			      "password",
			      "use_legacy_auth_encoding",
			      "auth_token",
			      "headers",
			      "extra_headers",
			      "timeout",
			      "skip_proxy",
			      "request_size",
			      "tags",
			      "service",
			      "min_collection_interval",
			      "max_returned_metrics",
			      "max_body_bytes",
			      "name",
			      "isolation"};

// V2 keys Vigil does not implement, and the value that asks for what Vigil
// does anyway (no warning then); nullptr: any value is worth a warning.
const std::pair<const char *, const char *> kNotImplemented[] = {
	{"histogram_buckets_as_distributions", "false"},
	{"collect_counters_with_distributions", "false"},
	{"use_process_start_time", "false"},
	{"share_labels", nullptr},
	{"cache_shared_labels", "*"},
	{"telemetry", "false"},
	{"ignore_tags", nullptr},
	{"proxy", nullptr},
	{"connect_timeout", nullptr},
	{"read_timeout", nullptr},
	{"log_requests", "false"},
	{"persist_connections", "false"},
	{"allow_redirects", "false"},
	{"tls_verify", "true"},
	{"tls_use_host_header", "false"},
	{"tls_ignore_warning", "*"},
	{"tls_cert", nullptr},
	{"tls_private_key", nullptr},
	{"tls_ca_cert", nullptr},
	{"tls_protocols_allowed", nullptr},
	{"ntlm_domain", nullptr},
	{"kerberos_auth", "disabled"},
	{"kerberos_cache", nullptr},
	{"kerberos_delegate", "false"},
	{"kerberos_force_initiate", "false"},
	{"kerberos_hostname", nullptr},
	{"kerberos_principal", nullptr},
	{"kerberos_keytab", nullptr},
	{"aws_region", nullptr},
	{"aws_host", nullptr},
	{"aws_service", nullptr},
	{"empty_default_hostname", "false"},
	{"metric_patterns", nullptr},
	{"disable_generic_tags", "false"},
};

// Options of Datadog's V1 check (OpenMetricsBaseCheck), which its V2 check
// ignores as well.
const char *const kVersion1[] = {"prometheus_metrics_prefix",
				 "label_to_hostname",
				 "label_to_hostname_suffix",
				 "labels_mapper",
				 "type_overrides",
				 "ignore_metrics",
				 "ignore_metrics_by_labels",
				 "label_joins",
				 "send_histograms_buckets",
				 "send_distribution_buckets",
				 "send_distribution_counts_as_monotonic",
				 "send_distribution_sums_as_monotonic",
				 "send_monotonic_counter",
				 "send_monotonic_with_gauge",
				 "bearer_token_auth",
				 "bearer_token_path",
				 "bearer_token_refresh_interval",
				 "health_service_check",
				 "metadata_metric_name",
				 "metadata_label_map"};

bool asksForDefault(const json &value, const char *vigil_value)
{
	if (!vigil_value)
		return false;
	if (std::string_view(vigil_value) == "*")
		return true;
	if (value.is_boolean())
		return (value.get<bool>() ? "true" : "false") == std::string_view(vigil_value);
	return value.is_string() && value.get<std::string>() == vigil_value;
}

void joinWarning(std::vector<std::string> &warnings, const std::string &what,
		 const std::vector<std::string> &keys)
{
	if (keys.empty())
		return;
	std::string line = what;
	for (size_t i = 0; i < keys.size(); ++i)
		line += (i ? ", " : " ") + keys[i];
	warnings.push_back(line);
}

} // namespace

void warnAboutKeys(const nlohmann::json &instance, std::vector<std::string> &warnings)
{
	std::vector<std::string> unimplemented, v1, unknown;
	for (const auto &item : instance.items()) {
		// Named, not a structured binding: clang 14 cannot capture those.
		const std::string &key = item.key();
		const nlohmann::json &value = item.value();
		if (value.is_null())
			continue;
		if (std::find_if(std::begin(kKnown), std::end(kKnown),
				 [&](const char *k) { return key == k; }) != std::end(kKnown))
			continue;
		auto ni = std::find_if(std::begin(kNotImplemented), std::end(kNotImplemented),
				       [&](const auto &p) { return key == p.first; });
		if (ni != std::end(kNotImplemented)) {
			if (!asksForDefault(value, ni->second))
				unimplemented.push_back(key);
		} else if (std::find_if(std::begin(kVersion1), std::end(kVersion1),
					[&](const char *k) { return key == k; }) !=
			   std::end(kVersion1)) {
			v1.push_back(key);
		} else {
			unknown.push_back(key);
		}
	}
	joinWarning(warnings,
		    "options of Datadog's openmetrics check that Vigil does not implement, "
		    "ignored (docs/checks/openmetrics.md):",
		    unimplemented);
	joinWarning(warnings,
		    "options of Datadog's V1 OpenMetrics check, ignored (as its V2 check ignores "
		    "them):",
		    v1);
	joinWarning(warnings, "unknown options, ignored:", unknown);
}

} // namespace vigil::openmetrics
