// SPDX-License-Identifier: Apache-2.0
#include "sample_tags.hpp"

#include "python_float.hpp"

namespace vigil::openmetrics {

SampleTags::SampleTags(const MappingOptions &options)
    : options_(options), has_include_(!options.include_labels.empty()), static_tags_(options.tags)
{
	for (const std::string &label : options.exclude_labels)
		actions_[label].exclude = true;
	for (const std::string &label : options.include_labels)
		actions_[label].include = true;
	for (const auto &[from, to] : options.rename_labels)
		actions_[from].rename = &to;
	for (const LabelValueFilter &filter : options.exclude_by_labels)
		actions_[filter.label].filter = &filter;
	for (const std::string &tag : static_tags_)
		static_ptrs_.push_back(tag.c_str());
}

void SampleTags::add(std::string_view name, std::string_view value)
{
	if (used_ == pool_.size())
		pool_.emplace_back();
	std::string &tag = pool_[used_++];
	tag.assign(name);
	tag += ':';
	tag += value;
	ptrs_valid_ = false;
}

void SampleTags::append(std::string_view name, std::string_view value)
{
	add(name, value);
}

bool SampleTags::build(const Exposition &exposition, const Sample &sample, FamilyType exposed)
{
	used_ = 0;
	ptrs_valid_ = false;
	has_hostname_ = false;
	has_upper_bound_ = false;
	for (uint32_t i = 0; i < sample.label_count; ++i) {
		const Label &label = exposition.labels[sample.first_label + i];
		std::string_view name = label.name;
		std::string_view value = labelValue(label, scratch_);
		if (exposed == FamilyType::Histogram && name == "le") {
			name = "upper_bound";
			if (canonicalNumber(value, canonical_))
				value = canonical_;
			upper_bound_.assign(value);
			has_upper_bound_ = true;
		} else if (exposed == FamilyType::Summary && name == "quantile") {
			if (canonicalNumber(value, canonical_))
				value = canonical_;
		}
		if (!options_.hostname_label.empty() && name == options_.hostname_label) {
			hostname_.assign(value);
			const std::string &format = options_.hostname_format;
			size_t at = format.find("<HOSTNAME>");
			if (at != std::string::npos)
				hostname_ =
					format.substr(0, at) + hostname_ + format.substr(at + 10);
			has_hostname_ = true;
		}
		if (actions_.empty()) {
			add(name, value);
			continue;
		}
		auto it = actions_.find(name);
		if (it == actions_.end()) {
			if (!has_include_)
				add(name, value);
			continue;
		}
		const Action &action = it->second;
		if (action.filter &&
		    (!action.filter->values || action.filter->values->matches(value)))
			return false;
		if (action.exclude || (has_include_ && !action.include))
			continue;
		add(action.rename ? std::string_view(*action.rename) : name, value);
	}
	return true;
}

const char *const *SampleTags::data()
{
	// Pointers are taken only now: the pool's strings may move while it grows.
	if (!ptrs_valid_) {
		ptrs_.clear();
		for (size_t i = 0; i < used_; ++i)
			ptrs_.push_back(pool_[i].c_str());
		ptrs_.insert(ptrs_.end(), static_ptrs_.begin(), static_ptrs_.end());
		ptrs_valid_ = true;
	}
	return ptrs_.data();
}

} // namespace vigil::openmetrics
