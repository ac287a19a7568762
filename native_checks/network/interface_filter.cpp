// SPDX-License-Identifier: Apache-2.0
#include "interface_filter.hpp"

#include <algorithm>
#include <stdexcept>

namespace vigil::network {

namespace {

constexpr size_t kMaxCachedVerdicts = 1024;
const char *const kNamesOption = "excluded_interfaces";
const char *const kRegexOption = "excluded_interface_re";

std::vector<std::string> readExcludedNames(const vigil::Config &instance)
{
	std::optional<char> start = topLevelValueStart(instance.json(), kNamesOption);
	if (!start || *start == 'n')
		return {"lo"};
	if (*start != '[')
		throw std::runtime_error(std::string("option '") + kNamesOption +
					 "' must be a list of interface names");
	return instance.strings(kNamesOption);
}

vigil::system::PatternList readExcludedPattern(const vigil::Config &instance)
{
	return vigil::system::PatternList(kRegexOption, {instance.string(kRegexOption, "")},
					  {vigil::system::PatternList::Anchor::Start, false});
}

} // namespace

InterfaceFilter::InterfaceFilter(const vigil::Config &instance)
    : excluded_names_(readExcludedNames(instance)), excluded_re_(readExcludedPattern(instance))
{
}

bool InterfaceFilter::excluded(std::string_view name)
{
	if (std::find(excluded_names_.begin(), excluded_names_.end(), name) !=
	    excluded_names_.end())
		return true;
	if (excluded_re_.empty())
		return false;
	std::string key(name);
	auto cached = re_verdicts_.find(key);
	if (cached != re_verdicts_.end())
		return cached->second;
	bool verdict = excluded_re_.matches(key);
	if (re_verdicts_.size() >= kMaxCachedVerdicts)
		re_verdicts_.clear();
	re_verdicts_.emplace(std::move(key), verdict);
	return verdict;
}

std::optional<char> topLevelValueStart(std::string_view json, std::string_view key)
{
	int depth = 0;
	bool in_string = false;
	size_t string_start = 0;
	for (size_t i = 0; i < json.size(); ++i) {
		char c = json[i];
		if (in_string) {
			if (c == '\\') {
				++i;
			} else if (c == '"') {
				in_string = false;
				std::string_view text = json.substr(string_start, i - string_start);
				// A key is a depth-1 string followed by ':'.
				if (depth == 1 && text == key && i + 2 < json.size() &&
				    json[i + 1] == ':')
					return json[i + 2];
			}
			continue;
		}
		if (c == '"') {
			in_string = true;
			string_start = i + 1;
		} else if (c == '{' || c == '[') {
			++depth;
		} else if (c == '}' || c == ']') {
			--depth;
		}
	}
	return std::nullopt;
}

} // namespace vigil::network
