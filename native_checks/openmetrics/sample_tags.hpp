// SPDX-License-Identifier: Apache-2.0
// The tags (and host) of one sample, as V2's generate_sample_data makes
// them: a histogram's `le` becomes `upper_bound` and a summary's `quantile`
// is rewritten the Python way (python_float.hpp) before anything else looks
// at them; then `exclude_metrics_by_labels` may drop the sample,
// `exclude_labels` and `include_labels` drop labels, `rename_labels` renames
// them, and each remaining label becomes `name:value`, followed by the
// instance's extra tags (`endpoint:`, `service:`).
//
// Reused from sample to sample: its strings keep their capacity, so once
// warm a sample costs no allocation.
#pragma once

#include "exposition.hpp"
#include "mapping_options.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigil::openmetrics {

class SampleTags {
public:
	explicit SampleTags(const MappingOptions &options);

	// False when exclude_metrics_by_labels drops the sample.  `exposed` is
	// the family's declared type, which decides the label rewriting (V2
	// does the same, whatever `type:` a `metrics` entry gives).
	bool build(const Exposition &exposition, const Sample &sample, FamilyType exposed);

	// One more tag after the built ones (a bucket's `lower_bound:`).
	void append(std::string_view name, std::string_view value);

	const char *const *data();
	size_t size() const { return used_ + static_tags_.size(); }
	// The static tags alone (what V2 gives its service checks).
	const char *const *staticData() const { return static_ptrs_.data(); }
	size_t staticSize() const { return static_ptrs_.size(); }

	const char *hostname() const { return has_hostname_ ? hostname_.c_str() : nullptr; }
	// The sample's `upper_bound` (its rewritten `le`), if it has one.
	bool hasUpperBound() const { return has_upper_bound_; }
	std::string_view upperBound() const { return upper_bound_; }

private:
	struct Action {
		bool exclude = false;
		bool include = false;
		const std::string *rename = nullptr;
		const LabelValueFilter *filter = nullptr;
	};
	struct Hash {
		using is_transparent = void;
		size_t operator()(std::string_view s) const
		{
			return std::hash<std::string_view>{}(s);
		}
	};

	void add(std::string_view name, std::string_view value);

	const MappingOptions &options_;
	std::unordered_map<std::string, Action, Hash, std::equal_to<>> actions_;
	bool has_include_ = false;
	std::vector<std::string> static_tags_;
	std::vector<const char *> static_ptrs_;

	std::vector<std::string> pool_;
	size_t used_ = 0;
	std::vector<const char *> ptrs_;
	bool ptrs_valid_ = false;
	std::string scratch_;
	std::string canonical_;
	std::string hostname_;
	bool has_hostname_ = false;
	std::string upper_bound_;
	bool has_upper_bound_ = false;
};

} // namespace vigil::openmetrics
