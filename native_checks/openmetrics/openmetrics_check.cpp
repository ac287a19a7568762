// SPDX-License-Identifier: Apache-2.0
// openmetrics: scrapes a Prometheus or OpenMetrics endpoint through the
// agent's HTTP service (vigil_host.http_get) and submits what it exposes
// under the names, types and tags of Datadog's OpenMetrics V2 check, whose
// instance keys it reads (docs/checks/openmetrics.md).  Parsing
// (exposition.hpp) and mapping (mapper.hpp) are the check's unit sources;
// this file is the scrape, the health service check and the warnings.
#include "auth_token.hpp"
#include "exposition.hpp"
#include "host_sink.hpp"
#include "instance_options.hpp"
#include "mapper.hpp"

#include <vigil/check.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <strings.h>

namespace {

using namespace vigil::openmetrics;

// A line of the body for a message: cut, with control characters shown.
std::string excerpt(std::string_view line)
{
	std::string out;
	for (char c : line.substr(0, 120))
		out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
	if (line.size() > 120)
		out += "...";
	return out;
}

double wallClock()
{
	using namespace std::chrono;
	return duration<double>(system_clock::now().time_since_epoch()).count();
}

// Bodies above this many samples are not kept between runs.
constexpr size_t kKeptSamples = 1 << 16;

class OpenMetricsCheck : public vigil::Check {
public:
	explicit OpenMetricsCheck(const vigil::Setup &setup)
	    : OpenMetricsCheck(readInstanceOptions(setup.instance.json(), setup.init_config.json()))
	{
	}

	void run(vigil::Sender &sender) override
	{
		for (const std::string &w : pending_warnings_)
			sender.warning(w);
		pending_warnings_.clear();

		vigil::Sender::HttpResponse response;
		std::string failure;
		bool reached = false;
		try {
			response = fetch(sender);
			reached = response.status != 0;
			failure = describeFailure(response);
		} catch (const std::runtime_error &e) {
			failure = e.what(); // the token file
			reached = true;
		}
		if (!failure.empty()) {
			health(sender, VIGIL_STATUS_CRITICAL, failure);
			if (!reached && scrape_.ignore_connection_errors) {
				sender.warning("OpenMetrics endpoint " + scrape_.endpoint +
					       " is not accessible: " + failure);
				return;
			}
			throw std::runtime_error(failure);
		}
		health(sender, VIGIL_STATUS_OK, "");

		parseExposition(response.body, exposition_, line_filter_);
		HostSink sink(sender.host(), sender.context(), scraped_);
		const Mapper::Result result = mapper_.map(exposition_, sink, wallClock());
		scraped_ = true;
		report(sender, response, result);
		exposition_.trim(kKeptSamples);
	}

private:
	explicit OpenMetricsCheck(InstanceOptions options)
	    : scrape_(std::move(options.scrape)), pending_warnings_(std::move(options.warnings)),
	      mapper_(std::move(options.mapping)),
	      health_name_(mapper_.qualified("openmetrics.health"))
	{
		if (scrape_.auth_token)
			token_.emplace(*scrape_.auth_token);
		if (!scrape_.raw_line_filter.empty())
			line_filter_ = [this](std::string_view line) {
				return scrape_.raw_line_filter.matches(line);
			};
	}

	// One GET; with a token, a failed one is retried once with the token
	// read again (it may have been rotated), as V2 does.
	vigil::Sender::HttpResponse fetch(vigil::Sender &sender)
	{
		std::vector<std::string> headers = scrape_.headers;
		auto get = [&](bool reread) {
			if (token_)
				setTokenHeader(headers, token_->headerLine(reread));
			return sender.http_get(scrape_.endpoint, headers, scrape_.timeout_seconds,
					       scrape_.max_body_bytes);
		};
		vigil::Sender::HttpResponse response = get(false);
		if (token_ && (response.status == 0 || response.status >= 400))
			response = get(true);
		return response;
	}

	void setTokenHeader(std::vector<std::string> &headers, const std::string &line) const
	{
		const std::string &name = token_->options().header;
		for (std::string &h : headers)
			if (h.size() > name.size() && h[name.size()] == ':' &&
			    strncasecmp(h.c_str(), name.c_str(), name.size()) == 0) {
				h = line;
				return;
			}
		headers.push_back(line);
	}

	// "" for an answer to parse, else the one line the run fails with.
	std::string describeFailure(const vigil::Sender::HttpResponse &response) const
	{
		if (response.status == 0) {
			std::string why = response.error.empty() ? "no answer" : response.error;
			if (why.find("body limit") != std::string::npos)
				why = "the answer is longer than max_body_bytes (" +
				      std::to_string(scrape_.max_body_bytes) + " bytes): " + why;
			return "scraping " + scrape_.endpoint + ": " + why;
		}
		if (response.status >= 300 && response.status < 400)
			return "scraping " + scrape_.endpoint + ": HTTP " +
			       std::to_string(response.status) + " (redirects are not followed)";
		if (response.status >= 400)
			return "scraping " + scrape_.endpoint + ": HTTP " +
			       std::to_string(response.status);
		return "";
	}

	void health(vigil::Sender &sender, vigil_service_status status, const std::string &message)
	{
		if (!scrape_.health_service_check)
			return;
		const auto &tags = mapper_.options().tags;
		std::vector<const char *> ptrs;
		for (const std::string &t : tags)
			ptrs.push_back(t.c_str());
		sender.host()->submit_service_check(sender.context(), health_name_.c_str(), status,
						    ptrs.data(), ptrs.size(), nullptr,
						    message.c_str());
	}

	void report(vigil::Sender &sender, const vigil::Sender::HttpResponse &response,
		    const Mapper::Result &result) const
	{
		const Exposition &e = exposition_;
		if (e.malformed)
			sender.warning(std::to_string(e.malformed) + " malformed line(s) in " +
				       scrape_.endpoint + " skipped; the first, line " +
				       std::to_string(e.first_malformed_line) + " (" +
				       e.first_malformed_reason +
				       "): " + excerpt(e.first_malformed));
		if (result.dropped)
			sender.warning("max_returned_metrics: " + std::to_string(result.submitted) +
				       " metrics submitted, " + std::to_string(result.dropped) +
				       " more dropped");
		if (!e.eof &&
		    response.content_type.find("application/openmetrics-text") != std::string::npos)
			sender.warning("the OpenMetrics answer of " + scrape_.endpoint +
				       " has no # EOF: it may be cut short");
	}

	ScrapeOptions scrape_;
	std::vector<std::string> pending_warnings_;
	Mapper mapper_;
	std::string health_name_;
	std::optional<AuthToken> token_;
	LineFilter line_filter_;
	Exposition exposition_;
	bool scraped_ = false; // a scrape was mapped: later new counters count from 0
};

} // namespace

// Without a conf.d file there is no endpoint to scrape: not scheduled.
VIGIL_CHECK_WITH_FLAGS(
	OpenMetricsCheck, "openmetrics", "1.0.0",
	"Scrapes a Prometheus/OpenMetrics endpoint, as Datadog's OpenMetrics V2 check",
	VIGIL_CHECK_NEEDS_CONFIG)
