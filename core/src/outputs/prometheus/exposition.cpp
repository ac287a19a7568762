// SPDX-License-Identifier: Apache-2.0
#include "outputs/prometheus/exposition.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <unordered_map>

namespace vigil {

namespace {

// Labels compared as (name, value) pairs in order; both lists are sorted by
// name.  <0, 0, >0 like std::string::compare.
int compareLabels(const std::vector<PromLabel> &a, const std::vector<PromLabel> &b)
{
	const size_t n = std::min(a.size(), b.size());
	for (size_t i = 0; i < n; ++i) {
		if (int c = a[i].name.compare(b[i].name))
			return c;
		if (int c = a[i].value.compare(b[i].value))
			return c;
	}
	return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
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
	// Most values need no escape: append the runs between special
	// characters whole.  (Not find_first_of: libstdc++ runs a memchr over
	// the set for every character.)
	size_t run = 0;
	for (size_t i = 0; i < value.size(); ++i) {
		const char c = value[i];
		if (c != '\\' && c != '"' && c != '\n')
			continue;
		out.append(value.substr(run, i - run));
		out += c == '\\' ? "\\\\" : c == '"' ? "\\\"" : "\\n";
		run = i + 1;
	}
	out.append(value.substr(run));
}

void appendSampleValue(std::string &out, double value)
{
	if (std::isnan(value)) {
		out += "NaN";
	} else if (std::isinf(value)) {
		out += value > 0 ? "+Inf" : "-Inf";
	} else {
		char text[32]; // the shortest round-trip form of a double is at most 24 characters
		out.append(text, fmt::format_to(text, "{}", value));
	}
}

namespace {

void appendFamilyHeader(std::string &out, const PromSample &s)
{
	out += "# HELP ";
	out += s.name;
	out.push_back(' ');
	if (s.help.empty()) {
		out += "Vigil metric ";
		out += s.name;
	} else {
		appendEscapedHelp(out, s.help);
	}
	out += "\n# TYPE ";
	out += s.name;
	out.push_back(' ');
	out += typeName(s.type);
	out.push_back('\n');
}

void appendSampleLine(std::string &out, const PromSample &s)
{
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
}

} // namespace

std::string renderExposition(const std::vector<PromSample> &samples, ExpositionStats *stats)
{
	std::vector<const PromSample *> pointers;
	pointers.reserve(samples.size());
	for (const PromSample &s : samples)
		pointers.push_back(&s);
	return renderExposition(pointers, stats);
}

std::string renderExposition(const std::vector<const PromSample *> &samples, ExpositionStats *stats)
{
	ExpositionStats local;
	// Families by name, in order of first appearance; a family is a counter
	// if any of its samples is one.
	struct Family {
		std::string_view name;
		PromType type;
		size_t help_size;
		uint32_t rank = 0; // position by name
	};
	std::vector<Family> families;
	std::vector<uint32_t> family_of(samples.size());
	{
		std::unordered_map<std::string_view, uint32_t> index;
		for (size_t i = 0; i < samples.size(); ++i) {
			const PromSample &s = *samples[i];
			auto [it, added] =
				index.emplace(s.name, static_cast<uint32_t>(families.size()));
			if (added)
				families.push_back({s.name, s.type, s.help.size()});
			else if (s.type == PromType::Counter)
				families[it->second].type = PromType::Counter;
			family_of[i] = it->second;
		}
	}
	{
		std::vector<uint32_t> by_name(families.size());
		std::iota(by_name.begin(), by_name.end(), 0);
		std::sort(by_name.begin(), by_name.end(), [&](uint32_t a, uint32_t b) {
			return families[a].name < families[b].name;
		});
		for (uint32_t r = 0; r < by_name.size(); ++r)
			families[by_name[r]].rank = r;
	}

	// Sorting indices by (family, labels, input position) compares names
	// only through their rank, and keeps equal series in input order, so the
	// last of a run of duplicates is the latest sample.
	// Samples bucketed by family rank (a stable counting sort), then each
	// family sorted by labels: the comparisons stay among one family's
	// samples, which fit in cache, instead of chasing pointers across all of
	// them (that cost 3x the time at 100,000 series).
	constexpr uint32_t dropped = UINT32_MAX;
	std::vector<uint32_t> bucket_start(families.size() + 1, 0);
	size_t estimate = 0;
	for (size_t i = 0; i < samples.size(); ++i) {
		const PromSample &s = *samples[i];
		const Family &f = families[family_of[i]];
		if (s.type != f.type) {
			++local.type_conflicts;
			family_of[i] = dropped;
			continue;
		}
		++bucket_start[f.rank + 1];
		// An upper bound of the line, unless a value needs escapes: the
		// text is reserved once and never copied while it grows.
		estimate += s.name.size() + 2 + 25;
		for (const PromLabel &l : s.labels)
			estimate += l.name.size() + l.value.size() + 4;
	}
	for (const Family &f : families)
		estimate += 3 * f.name.size() + f.help_size + 48;
	std::partial_sum(bucket_start.begin(), bucket_start.end(), bucket_start.begin());
	std::vector<uint32_t> order(bucket_start.back());
	{
		std::vector<uint32_t> next(bucket_start.begin(), bucket_start.end() - 1);
		for (size_t i = 0; i < samples.size(); ++i)
			if (family_of[i] != dropped)
				order[next[families[family_of[i]].rank]++] =
					static_cast<uint32_t>(i);
	}
	// Equal labels keep input order, so the last of a run of duplicates is
	// the latest sample.
	const auto byLabels = [&](uint32_t x, uint32_t y) {
		if (int c = compareLabels(samples[x]->labels, samples[y]->labels))
			return c < 0;
		return x < y;
	};

	std::string out;
	out.reserve(estimate);
	for (size_t r = 0; r + 1 < bucket_start.size(); ++r) {
		const size_t first = bucket_start[r], end = bucket_start[r + 1];
		std::sort(order.begin() + first, order.begin() + end, byLabels);
		bool header = false;
		for (size_t i = first; i < end; ++i) {
			const PromSample &s = *samples[order[i]];
			// Skip to the last of equal series.
			if (i + 1 < end && samples[order[i + 1]]->labels == s.labels) {
				++local.duplicates;
				continue;
			}
			if (!header) {
				header = true;
				++local.families;
				appendFamilyHeader(out, s);
			}
			appendSampleLine(out, s);
			++local.series;
		}
	}
	if (stats)
		*stats = local;
	return out;
}

} // namespace vigil
