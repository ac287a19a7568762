// SPDX-License-Identifier: Apache-2.0
#include "outputs/prometheus/naming.hpp"

#include <algorithm>
#include <map>

namespace vigil {

namespace {

bool isAsciiLetter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isDigit(char c)
{
	return c >= '0' && c <= '9';
}

std::string sanitize(std::string_view name, bool allow_colon)
{
	std::string out;
	out.reserve(name.size() + 1);
	if (name.empty() || isDigit(name.front()))
		out.push_back('_');
	for (char c : name) {
		bool ok = isAsciiLetter(c) || isDigit(c) || c == '_' || (allow_colon && c == ':');
		out.push_back(ok ? c : '_');
	}
	return out;
}

} // namespace

std::string sanitizeMetricName(std::string_view name, std::string_view prefix)
{
	std::string out(prefix);
	if (prefix.empty())
		return sanitize(name, true);
	// With a prefix a leading digit is fine ("vigil_9x"), but still sanitise the rest.
	for (char c : name)
		out.push_back(isAsciiLetter(c) || isDigit(c) || c == '_' || c == ':' ? c : '_');
	return out;
}

std::string sanitizeLabelName(std::string_view name)
{
	std::string out = sanitize(name, false);
	size_t underscores = 0;
	while (underscores < out.size() && out[underscores] == '_')
		++underscores;
	if (underscores >= 2) {
		// "__x" -> "_x", "__" -> "_": one leading underscore stays.
		out.erase(0, underscores - 1);
	}
	return out;
}

std::vector<PromLabel> tagsToLabels(const std::vector<std::string> &tags, std::string_view host)
{
	std::map<std::string, std::vector<std::string>> values;
	for (const std::string &tag : tags) {
		size_t colon = tag.find(':');
		if (colon == std::string::npos || colon == 0)
			values["tag"].push_back(tag);
		else
			values[sanitizeLabelName(std::string_view(tag).substr(0, colon))].push_back(
				tag.substr(colon + 1));
	}
	if (!host.empty())
		values["host"].push_back(std::string(host));

	std::vector<PromLabel> labels;
	labels.reserve(values.size());
	for (auto &[name, list] : values) {
		std::sort(list.begin(), list.end());
		list.erase(std::unique(list.begin(), list.end()), list.end());
		std::string joined;
		for (size_t i = 0; i < list.size(); ++i) {
			if (i)
				joined.push_back(',');
			joined += list[i];
		}
		labels.push_back({name, std::move(joined)});
	}
	return labels; // std::map iterates in name order
}

} // namespace vigil
