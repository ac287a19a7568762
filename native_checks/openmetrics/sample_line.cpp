// SPDX-License-Identifier: Apache-2.0
#include "sample_line.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace vigil::openmetrics {

namespace {

// Character classes by table: the name scans are most of the parse.
enum : unsigned char { kNameStart = 1, kName = 2, kLabelStart = 4, kLabel = 8 };

constexpr std::array<unsigned char, 256> kClasses = [] {
	std::array<unsigned char, 256> t{};
	for (int c = 0; c < 256; ++c) {
		const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
		const bool digit = c >= '0' && c <= '9';
		t[c] = (alpha || c == ':' ? kNameStart : 0) |
		       (alpha || digit || c == ':' ? kName : 0) | (alpha ? kLabelStart : 0) |
		       (alpha || digit ? kLabel : 0);
	}
	return t;
}();

bool is(char c, unsigned char cls)
{
	return kClasses[static_cast<unsigned char>(c)] & cls;
}

// A metric name at the start of `s` ("" when there is none).
std::string_view metricName(std::string_view s)
{
	if (s.empty() || !is(s[0], kNameStart))
		return {};
	size_t end = 1;
	while (end < s.size() && is(s[end], kName))
		++end;
	return s.substr(0, end);
}

bool duplicateNames(const std::vector<Label> &labels, size_t first,
		    std::vector<std::string_view> &names)
{
	if (labels.size() - first <= 16) {
		for (size_t a = first; a < labels.size(); ++a)
			for (size_t b = a + 1; b < labels.size(); ++b)
				if (labels[a].name == labels[b].name)
					return true;
		return false;
	}
	names.clear();
	for (size_t a = first; a < labels.size(); ++a)
		names.push_back(labels[a].name);
	std::sort(names.begin(), names.end());
	return std::adjacent_find(names.begin(), names.end()) != names.end();
}

// Reads `{name="value",...}` off the front of `rest`; nullptr when it was
// read, else why not.
const char *readLabels(std::string_view &rest, std::vector<Label> &labels,
		       std::vector<std::string_view> &scratch)
{
	size_t i = 1;
	const size_t first = labels.size();
	auto skipBlanks = [&] {
		while (i < rest.size() && isBlank(rest[i]))
			++i;
	};
	for (;;) {
		skipBlanks();
		if (i >= rest.size())
			return "unterminated labels";
		if (rest[i] == '}')
			break;
		if (!is(rest[i], kLabelStart))
			return "invalid label name";
		const size_t name_start = i;
		while (i < rest.size() && is(rest[i], kLabel))
			++i;
		const std::string_view name = rest.substr(name_start, i - name_start);
		skipBlanks();
		if (i >= rest.size() || rest[i] != '=')
			return "label without =";
		++i;
		skipBlanks();
		if (i >= rest.size() || rest[i] != '"')
			return "label value not quoted";
		const size_t value_start = ++i;
		bool escaped = false;
		for (;;) {
			const void *stop = std::memchr(rest.data() + i, '"', rest.size() - i);
			if (!stop)
				return "unterminated label value";
			const size_t quote = static_cast<const char *>(stop) - rest.data();
			if (std::memchr(rest.data() + i, '\\', quote - i))
				escaped = true;
			// A quote is escaped when an odd run of backslashes precedes it.
			size_t slashes = 0;
			while (quote - slashes > value_start && rest[quote - slashes - 1] == '\\')
				++slashes;
			i = quote + 1;
			if (slashes % 2 == 0)
				break;
		}
		if (labels.size() - first >= kMaxLabels)
			return "too many labels";
		labels.push_back({name, rest.substr(value_start, i - 1 - value_start), escaped});
		skipBlanks();
		if (i < rest.size() && rest[i] == ',') {
			++i;
			continue;
		}
		if (i < rest.size() && rest[i] == '}')
			break;
		return "expected , or } after a label";
	}
	if (duplicateNames(labels, first, scratch))
		return "duplicate label name";
	rest.remove_prefix(i + 1);
	return nullptr;
}

} // namespace

std::string_view trimBlanks(std::string_view s)
{
	while (!s.empty() && isBlank(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && isBlank(s.back()))
		s.remove_suffix(1);
	return s;
}

std::string_view nextWord(std::string_view &s)
{
	size_t end = 0;
	while (end < s.size() && !isBlank(s[end]))
		++end;
	std::string_view word = s.substr(0, end);
	while (end < s.size() && isBlank(s[end]))
		++end;
	s.remove_prefix(end);
	return word;
}

bool isMetricName(std::string_view s)
{
	return !s.empty() && metricName(s).size() == s.size();
}

bool parseNumber(std::string_view word, double &value)
{
	bool negative = false;
	if (!word.empty() && (word[0] == '+' || word[0] == '-')) {
		negative = word[0] == '-';
		word.remove_prefix(1);
	}
	if (word.empty() || word[0] == '+' || word[0] == '-')
		return false;
	const char *first = word.data();
	const char *last = first + word.size();
	std::from_chars_result r;
	if (word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
		if (word[2] == '+' || word[2] == '-')
			return false;
		r = std::from_chars(first + 2, last, value, std::chars_format::hex);
	} else {
		r = std::from_chars(first, last, value, std::chars_format::general);
	}
	if (r.ec != std::errc() || r.ptr != last)
		return false;
	if (negative)
		value = -value;
	return true;
}

const char *readSampleLine(std::string_view text, SampleLine &out, std::vector<Label> &labels,
			   std::vector<std::string_view> &scratch)
{
	const size_t first_label = labels.size();
	auto fail = [&](const char *reason) {
		labels.resize(first_label);
		return reason;
	};
	out.name = metricName(text);
	if (out.name.empty())
		return "no metric name";
	std::string_view rest = text.substr(out.name.size());
	// The name ends at a blank or at the labels' brace.
	bool separated = !rest.empty() && isBlank(rest[0]);
	rest = trimBlanks(rest);
	if (!rest.empty() && rest[0] == '{') {
		if (const char *reason = readLabels(rest, labels, scratch))
			return fail(reason);
		separated = true;
		rest = trimBlanks(rest);
	}
	if (!rest.empty() && !separated)
		return fail("invalid metric name");
	if (rest.empty())
		return fail("no value");
	if (!parseNumber(nextWord(rest), out.value))
		return fail("invalid value");
	if (!rest.empty() && rest[0] != '#') {
		double timestamp = 0;
		if (!parseNumber(nextWord(rest), timestamp))
			return fail("invalid timestamp");
	}
	// Only an exemplar (` # {...} value`) may follow, which is not read.
	if (!rest.empty() && rest[0] != '#')
		return fail("text after the value");
	return nullptr;
}

} // namespace vigil::openmetrics
