// SPDX-License-Identifier: Apache-2.0
// What the openmetrics check's unit tests share: its fixtures
// (tests/data/openmetrics/), a sink that records what the mapper submits,
// and option helpers.  Included by openmetrics_{parsing,mapping,options}_test.cpp.
#pragma once

#include "exposition.hpp"
#include "instance_options.hpp"
#include "mapper.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace vigil::openmetrics::testing {

inline const std::string kData = std::string(VIGIL_TEST_DATA) + "/openmetrics/";

inline std::string fixture(const std::string &name)
{
	std::ifstream in(kData + name, std::ios::binary);
	std::stringstream s;
	s << in.rdbuf();
	return s.str();
}

struct Submission {
	vigil_metric_type type;
	std::string name;
	double value;
	std::vector<std::string> tags; // sorted
	std::string host;
};

// Keeps what the mapper submits, as it submitted it (no aggregation).
class Recorder : public Sink {
public:
	void metric(vigil_metric_type type, const char *name, double value, const char *const *tags,
		    size_t n, const char *host) override
	{
		std::vector<std::string> t(tags, tags + n);
		std::sort(t.begin(), t.end());
		metrics.push_back({type, name, value, t, host ? host : ""});
	}
	void serviceCheck(const char *name, vigil_service_status status, const char *const *tags,
			  size_t n, const char *host) override
	{
		checks.push_back({VIGIL_METRIC_GAUGE, name, double(status),
				  std::vector<std::string>(tags, tags + n), host ? host : ""});
	}
	// The one submission of `name` with all of `tags`; fails otherwise.
	const Submission &one(const std::string &name, const std::vector<std::string> &tags = {})
	{
		const Submission *found = nullptr;
		for (const Submission &s : metrics)
			if (s.name == name && std::all_of(tags.begin(), tags.end(), [&](auto &t) {
				    return std::count(s.tags.begin(), s.tags.end(), t) == 1;
			    })) {
				EXPECT_EQ(found, nullptr) << "several " << name;
				found = &s;
			}
		static const Submission none{VIGIL_METRIC_GAUGE, "", NAN, {}, ""};
		EXPECT_NE(found, nullptr) << "no " << name;
		return found ? *found : none;
	}
	std::vector<std::string> names() const
	{
		std::vector<std::string> out;
		for (const Submission &s : metrics)
			out.push_back(s.name);
		std::sort(out.begin(), out.end());
		out.erase(std::unique(out.begin(), out.end()), out.end());
		return out;
	}
	std::vector<Submission> metrics, checks;
};

inline MetricRule rule(std::string name, Transform transform)
{
	MetricRule r;
	r.name = std::move(name);
	r.transform = transform;
	return r;
}

inline MappingOptions allMetrics(const std::string &ns = "ns")
{
	MappingOptions o;
	o.metric_namespace = ns;
	o.pattern_rules.emplace_back(vigil::system::PatternList("metrics", {".+"}, {}),
				     MetricRule{});
	return o;
}

inline Recorder mapFixture(const std::string &name, MappingOptions options)
{
	static std::string body; // the exposition's views point into it
	body = fixture(name);
	Exposition e;
	parseExposition(body, e);
	Recorder r;
	Mapper mapper(std::move(options));
	mapper.map(e, r, 1000);
	return r;
}

// The options as the check reads them from its YAML (here JSON).
inline InstanceOptions options(nlohmann::json instance)
{
	if (!instance.contains("openmetrics_endpoint"))
		instance["openmetrics_endpoint"] = "http://127.0.0.1:9/metrics";
	if (!instance.contains("metrics"))
		instance["metrics"] = {".+"};
	return readInstanceOptions(instance.dump(), "{}");
}

inline std::string optionsError(const nlohmann::json &instance)
{
	try {
		options(instance);
	} catch (const std::exception &e) {
		return e.what();
	}
	return "no error";
}

} // namespace vigil::openmetrics::testing
