// SPDX-License-Identifier: Apache-2.0
// Which `metrics` entry, if any, applies to an exposed family name, as V2's
// MetricTransformer decides it: `exclude_metrics` first, then an exact name,
// then the first pattern that matches anywhere in the name.  Decisions are
// cached per name (V2's cache_metric_wildcards), so a scrape normally runs
// no regular expression at all; the cache is bounded because an endpoint
// may invent names without end.
#pragma once

#include "exposition.hpp"
#include "mapping_options.hpp"

#include <string>
#include <string_view>
#include <unordered_map>

namespace vigil::openmetrics {

class MetricRules {
public:
	explicit MetricRules(const MappingOptions &options);

	// What applies to one name: its rule (nullptr when the family is not
	// collected) and, for a `native` rule, the type of the first family of
	// that name it was applied to, which V2 keeps for every later one (a
	// counter `foo_total` after a gauge `foo` is sent as that gauge).
	struct Decision {
		const MetricRule *rule = nullptr;
		bool locked = false;
		FamilyType locked_type = FamilyType::Unknown;
	};

	// The decision for `name` (prefix and counter `_total` already
	// removed); valid until the next call.
	Decision &find(std::string_view name);

	static constexpr size_t kMaxCached = 20000;

private:
	struct Hash {
		using is_transparent = void;
		size_t operator()(std::string_view s) const
		{
			return std::hash<std::string_view>{}(s);
		}
	};
	const MetricRule *decide(std::string_view name) const;

	const MappingOptions &options_;
	std::unordered_map<std::string, const MetricRule *, Hash, std::equal_to<>> exact_;
	std::unordered_map<std::string, Decision, Hash, std::equal_to<>> cache_;
};

} // namespace vigil::openmetrics
