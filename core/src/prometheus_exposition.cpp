// SPDX-License-Identifier: Apache-2.0
#include "prometheus_exposition.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace vigil {

namespace {

// Labels compared as (name, value) pairs in order; both lists are sorted by name.
bool labelsLess(const std::vector<PromLabel> &a, const std::vector<PromLabel> &b)
{
	return std::lexicographical_compare(
		a.begin(), a.end(), b.begin(), b.end(), [](const PromLabel &x, const PromLabel &y) {
			return x.name != y.name ? x.name < y.name : x.value < y.value;
		});
}

void appendEscapedHelp(std::string &out, std::string_view text)
{
	for (char c : text) {
		if (c == '\\')
			out += "\\\\";
		else if (c == '\n')
			out += "\\n";
		else
			out.push_back(c);
	}
}

const char *typeName(PromType type)
{
	return type == PromType::Counter ? "counter" : "gauge";
}

} // namespace

void appendEscapedLabelValue(std::string &out, std::string_view value)
{
	for (char c : value) {
		if (c == '\\')
			out += "\\\\";
		else if (c == '"')
			out += "\\\"";
		else if (c == '\n')
			out += "\\n";
		else
			out.push_back(c);
	}
}

void appendSampleValue(std::string &out, double value)
{
	if (std::isnan(value))
		out += "NaN";
	else if (std::isinf(value))
		out += value > 0 ? "+Inf" : "-Inf";
	else
		fmt::format_to(std::back_inserter(out), "{}", value);
}

std::string renderExposition(std::vector<PromSample> &samples, ExpositionStats *stats)
{
	ExpositionStats local;
	// A family is a counter if any of its samples is one.
	std::unordered_map<std::string_view, PromType> family_type;
	family_type.reserve(samples.size());
	for (const PromSample &s : samples) {
		auto [it, added] = family_type.emplace(s.name, s.type);
		if (!added && s.type == PromType::Counter)
			it->second = PromType::Counter;
	}

	// Stable sort keeps input order among equal (name, labels), so the last
	// of a run of duplicates is the latest sample.
	std::vector<size_t> order;
	order.reserve(samples.size());
	for (size_t i = 0; i < samples.size(); ++i) {
		if (samples[i].type == family_type.at(samples[i].name))
			order.push_back(i);
		else
			++local.type_conflicts;
	}
	std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
		const PromSample &a = samples[x];
		const PromSample &b = samples[y];
		if (a.name != b.name)
			return a.name < b.name;
		return labelsLess(a.labels, b.labels);
	});

	std::string out;
	out.reserve(samples.size() * 96);
	const std::string *family = nullptr;
	for (size_t i = 0; i < order.size(); ++i) {
		const PromSample &s = samples[order[i]];
		// Skip to the last of equal series.
		if (i + 1 < order.size()) {
			const PromSample &next = samples[order[i + 1]];
			if (next.name == s.name && next.labels == s.labels) {
				++local.duplicates;
				continue;
			}
		}
		if (!family || *family != s.name) {
			family = &s.name;
			++local.families;
			out += "# HELP ";
			out += s.name;
			out.push_back(' ');
			if (s.help.empty())
				out += "Vigil metric " + s.name;
			else
				appendEscapedHelp(out, s.help);
			out += "\n# TYPE ";
			out += s.name;
			out.push_back(' ');
			out += typeName(s.type);
			out.push_back('\n');
		}
		out += s.name;
		if (!s.labels.empty()) {
			out.push_back('{');
			for (size_t l = 0; l < s.labels.size(); ++l) {
				if (l)
					out.push_back(',');
				out += s.labels[l].name;
				out += "=\"";
				appendEscapedLabelValue(out, s.labels[l].value);
				out.push_back('"');
			}
			out.push_back('}');
		}
		out.push_back(' ');
		appendSampleValue(out, s.value);
		out.push_back('\n');
		++local.series;
	}
	if (stats)
		*stats = local;
	return out;
}

} // namespace vigil
