// SPDX-License-Identifier: Apache-2.0
#include "metric_rules.hpp"

#include <algorithm>

namespace vigil::openmetrics {

MetricRules::MetricRules(const MappingOptions &options) : options_(options)
{
	// A name given twice: the later entry wins, as in V2's dict.
	for (const auto &[name, rule] : options.exact_rules)
		exact_[name] = &rule;
}

MetricRules::Decision &MetricRules::find(std::string_view name)
{
	auto it = cache_.find(name);
	if (it != cache_.end())
		return it->second;
	Decision decision{decide(name)};
	if (cache_.size() >= kMaxCached)
		cache_.clear();
	return cache_.emplace(std::string(name), decision).first->second;
}

const MetricRule *MetricRules::decide(std::string_view name) const
{
	const auto &excluded = options_.exclude_names;
	if (std::find(excluded.begin(), excluded.end(), name) != excluded.end())
		return nullptr;
	if (!options_.exclude_pattern.empty() && options_.exclude_pattern.matches(name))
		return nullptr;
	auto exact = exact_.find(name);
	if (exact != exact_.end())
		return exact->second;
	for (const auto &[pattern, rule] : options_.pattern_rules)
		if (pattern.matches(name))
			return &rule;
	return nullptr;
}

} // namespace vigil::openmetrics
