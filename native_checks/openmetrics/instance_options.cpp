// SPDX-License-Identifier: Apache-2.0
#include "instance_options.hpp"

#include "datadog_keys.hpp"
#include "json_values.hpp"
#include "metrics_option.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <strings.h>

namespace vigil::openmetrics {

namespace {

using nlohmann::json;
using system::PatternList;
namespace jv = json_values;

bool validHeaderName(const std::string &name)
{
	static constexpr std::string_view kTokenSpecials = "!#$%&'*+-.^_`|~";
	return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
		return std::isalnum(c) || kTokenSpecials.find(char(c)) != std::string_view::npos;
	});
}

// Sets (or replaces, whatever its case) one header.
void setHeader(std::vector<std::pair<std::string, std::string>> &headers, const std::string &name,
	       const std::string &value)
{
	for (auto &[n, v] : headers)
		if (strcasecmp(n.c_str(), name.c_str()) == 0) {
			v = value;
			return;
		}
	headers.emplace_back(name, value);
}

void readHeaderMap(const json &instance, const std::string &key,
		   std::vector<std::pair<std::string, std::string>> &headers)
{
	const json *map = jv::find(instance, key);
	if (!map)
		return;
	if (!map->is_object())
		jv::wrongType(key, "a mapping of header names to values", *map);
	for (const auto &[name, value] : map->items()) {
		if (!validHeaderName(name))
			throw std::runtime_error(key + ": '" + name + "' is not a header name");
		std::string text = jv::scalarText(key + "." + name, value);
		if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
			throw std::runtime_error(
				key + "." + name +
				": a header value cannot hold a line break or NUL");
		setHeader(headers, name, text);
	}
}

std::optional<AuthTokenOptions> readAuthToken(const json &instance)
{
	const json *token = jv::find(instance, "auth_token");
	if (!token)
		return std::nullopt;
	if (!token->is_object())
		jv::wrongType("auth_token", "a mapping", *token);
	const json *reader = jv::find(*token, "reader");
	const json *writer = jv::find(*token, "writer");
	if (!reader || !writer)
		throw std::runtime_error("auth_token: must define both `reader` and `writer`");
	if (!reader->is_object())
		jv::wrongType("auth_token.reader", "a mapping", *reader);
	if (!writer->is_object())
		jv::wrongType("auth_token.writer", "a mapping", *writer);
	AuthTokenOptions out;
	const std::string reader_type = jv::string(*reader, "type", "");
	if (reader_type != "file")
		throw std::runtime_error("auth_token.reader.type: '" + reader_type +
					 "' is not supported (Vigil reads tokens from a file: "
					 "type: file)");
	out.path = jv::string(*reader, "path", "");
	if (out.path.empty())
		throw std::runtime_error("auth_token.reader.path: required");
	out.pattern = jv::string(*reader, "pattern", "");
	const std::string writer_type = jv::string(*writer, "type", "");
	if (writer_type != "header")
		throw std::runtime_error("auth_token.writer.type: '" + writer_type +
					 "' is not supported (type: header)");
	out.header = jv::string(*writer, "name", "");
	if (!validHeaderName(out.header))
		throw std::runtime_error("auth_token.writer.name: required, a header name");
	out.value = jv::string(*writer, "value", "<TOKEN>");
	out.placeholder = jv::string(*writer, "placeholder", "<TOKEN>");
	if (out.placeholder.empty())
		throw std::runtime_error("auth_token.writer.placeholder: cannot be empty");
	if (out.value.find(out.placeholder) == std::string::npos)
		throw std::runtime_error("auth_token.writer.value: does not contain the "
					 "placeholder '" +
					 out.placeholder + "'");
	if (out.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
		throw std::runtime_error("auth_token.writer.value: cannot hold a line break");
	return out;
}

std::vector<std::string> readHeaders(const json &instance, std::vector<std::string> &warnings)
{
	std::vector<std::pair<std::string, std::string>> headers;
	if (jv::find(instance, "headers"))
		readHeaderMap(instance, "headers", headers); // replaces the defaults, as in V2
	else
		headers.emplace_back("Accept", std::string(kAcceptHeader).substr(8));
	readHeaderMap(instance, "extra_headers", headers);
	auto encoding = std::find_if(headers.begin(), headers.end(), [](const auto &h) {
		return strcasecmp(h.first.c_str(), "Accept-Encoding") == 0;
	});
	if (encoding != headers.end()) {
		warnings.push_back("headers: Accept-Encoding is not sent: the agent does not "
				   "decompress answers");
		headers.erase(encoding);
	}
	std::string auth_type = jv::string(instance, "auth_type", "basic");
	std::transform(auth_type.begin(), auth_type.end(), auth_type.begin(),
		       [](unsigned char c) { return std::tolower(c); });
	if (auth_type == "digest" || auth_type == "ntlm" || auth_type == "kerberos" ||
	    auth_type == "aws")
		throw std::runtime_error("auth_type: '" + auth_type +
					 "' is not supported (Vigil sends basic authentication "
					 "and auth_token headers only)");
	if (auth_type != "basic")
		warnings.push_back("auth_type: '" + auth_type +
				   "' is not a type Datadog knows, using basic as it does");
	std::vector<std::string> lines;
	if (jv::find(instance, "username") && jv::find(instance, "password")) {
		std::string line = basicAuthorization(jv::string(instance, "username", ""),
						      jv::string(instance, "password", ""));
		setHeader(headers, "Authorization", line.substr(15));
	}
	for (const auto &[name, value] : headers)
		lines.push_back(name + ": " + value);
	return lines;
}

void readLabelOptions(const json &instance, MappingOptions &m)
{
	m.exclude_labels = jv::strings(instance, "exclude_labels");
	m.include_labels = jv::strings(instance, "include_labels");
	if (const json *rename = jv::find(instance, "rename_labels")) {
		if (!rename->is_object())
			jv::wrongType("rename_labels", "a mapping", *rename);
		for (const auto &[from, to] : rename->items()) {
			if (!to.is_string())
				jv::wrongType("rename_labels." + from, "a string", to);
			m.rename_labels.emplace_back(from, to.get<std::string>());
		}
	}
	if (const json *by = jv::find(instance, "exclude_metrics_by_labels")) {
		if (!by->is_object())
			jv::wrongType("exclude_metrics_by_labels", "a mapping", *by);
		for (const auto &[label, values] : by->items()) {
			LabelValueFilter filter{label, std::nullopt};
			const std::string key = "exclude_metrics_by_labels." + label;
			if (values.is_array()) {
				// V2 joins them with `|`: none, or an empty one, matches any value.
				std::vector<std::string> patterns = jv::strings(*by, label);
				if (!patterns.empty() && std::find(patterns.begin(), patterns.end(),
								   "") == patterns.end())
					filter.values.emplace(
						key, patterns,
						PatternList::Options{PatternList::Anchor::Anywhere,
								     false});
			} else if (!values.is_boolean() || !values.get<bool>())
				jv::wrongType(key, "a list or true", values);
			m.exclude_by_labels.push_back(std::move(filter));
		}
	}
}

} // namespace

InstanceOptions readInstanceOptions(const std::string &instance_json,
				    const std::string &init_config_json)
{
	const json instance = json::parse(instance_json, nullptr, false);
	const json init = json::parse(init_config_json, nullptr, false);
	if (!instance.is_object())
		throw std::runtime_error("the instance must be a mapping");
	InstanceOptions out;
	ScrapeOptions &scrape = out.scrape;
	MappingOptions &m = out.mapping;

	scrape.endpoint = jv::string(instance, "openmetrics_endpoint", "");
	if (scrape.endpoint.empty()) {
		if (jv::find(instance, "prometheus_url"))
			throw std::runtime_error(
				"prometheus_url: this is the configuration of Datadog's V1 "
				"OpenMetrics check; Vigil implements V2: use openmetrics_endpoint");
		throw std::runtime_error("openmetrics_endpoint: required, the URL to scrape");
	}
	if (jv::find(instance, "prometheus_url"))
		throw std::runtime_error(
			"prometheus_url: cannot be used along openmetrics_endpoint");
	const std::string scheme = scrape.endpoint.substr(0, scrape.endpoint.find(':'));
	if (strcasecmp(scheme.c_str(), "http") != 0 && strcasecmp(scheme.c_str(), "https") != 0)
		throw std::runtime_error("openmetrics_endpoint: '" + scrape.endpoint +
					 "' is not an http:// or https:// URL");
	warnAboutKeys(instance, out.warnings);
	if (const json *proxy = jv::find(init, "proxy"); proxy && !proxy->empty())
		out.warnings.push_back("init_config.proxy: not implemented, ignored: Vigil "
				       "connects to the endpoint directly");

	scrape.headers = readHeaders(instance, out.warnings);
	scrape.auth_token = readAuthToken(instance);
	if (scrape.auth_token && !scrape.auth_token->pattern.empty())
		AuthToken check_pattern(*scrape.auth_token); // a bad pattern fails now
	const double default_timeout = jv::number(init, "timeout", 10);
	double timeout = jv::number(instance, "timeout", default_timeout);
	if (!(timeout > 0) || !std::isfinite(timeout))
		throw std::runtime_error("timeout: must be a positive number of seconds");
	// The instance's timeout is also the agent's limit on the run, at which
	// an isolated run is killed: the scrape gives up first, to report it.
	scrape.timeout_seconds = jv::find(instance, "timeout") ? timeout * 0.9 : timeout;
	const double max_body =
		jv::number(instance, "max_body_bytes", double(scrape.max_body_bytes));
	if (!(max_body >= 1) || max_body > 1e15 || max_body != std::floor(max_body))
		throw std::runtime_error("max_body_bytes: must be a positive number of bytes");
	scrape.max_body_bytes = static_cast<size_t>(max_body);
	scrape.health_service_check = jv::boolean(instance, "enable_health_service_check", true);
	scrape.ignore_connection_errors = jv::boolean(instance, "ignore_connection_errors", false);
	std::vector<std::string> filters = jv::strings(instance, "raw_line_filters");
	for (size_t i = 0; i < filters.size(); ++i)
		if (filters[i].empty())
			throw std::runtime_error("raw_line_filters[" + std::to_string(i) +
						 "]: an empty pattern would skip every line");
	scrape.raw_line_filter =
		PatternList("raw_line_filters", filters, {PatternList::Anchor::Anywhere, false});

	m.metric_namespace = jv::string(instance, "namespace", "");
	m.raw_metric_prefix = jv::string(instance, "raw_metric_prefix", "");
	if (!jv::find(instance, "metrics") && !jv::find(instance, "extra_metrics"))
		throw std::runtime_error("metrics: required, the names or patterns of the metrics "
					 "to collect (`- .+` collects all of them)");
	readMetricRules(instance, m, out.warnings);
	if (m.exact_rules.empty() && m.pattern_rules.empty())
		out.warnings.push_back("metrics: empty, nothing will be collected");
	std::vector<std::string> exclude_patterns;
	for (std::string &name : jv::strings(instance, "exclude_metrics"))
		(isPythonPattern(name) ? exclude_patterns : m.exclude_names).push_back(name);
	m.exclude_pattern = PatternList("exclude_metrics", exclude_patterns,
					{PatternList::Anchor::Anywhere, false});
	readLabelOptions(instance, m);
	if (jv::boolean(instance, "tag_by_endpoint", true))
		m.tags.push_back("endpoint:" + scrape.endpoint);
	const std::string service =
		jv::string(instance, "service", jv::string(init, "service", ""));
	if (!service.empty())
		m.tags.push_back("service:" + service);
	m.hostname_label = jv::string(instance, "hostname_label", "");
	m.hostname_format = jv::string(instance, "hostname_format", "");
	if (!m.hostname_label.empty() && !m.hostname_format.empty() &&
	    m.hostname_format.find("<HOSTNAME>") == std::string::npos)
		throw std::runtime_error("hostname_format: does not contain the placeholder "
					 "<HOSTNAME>");
	if (m.hostname_label.empty())
		m.hostname_format.clear();
	m.collect_histogram_buckets = jv::boolean(instance, "collect_histogram_buckets", true);
	m.non_cumulative_buckets = jv::boolean(instance, "non_cumulative_histogram_buckets", false);
	const double limit = jv::number(instance, "max_returned_metrics", 10000);
	if (limit >= 1 && limit <= 1e9)
		m.max_returned_metrics = static_cast<size_t>(limit);
	else
		out.warnings.push_back("max_returned_metrics: must be a positive integer, using "
				       "10000");
	return out;
}

} // namespace vigil::openmetrics
