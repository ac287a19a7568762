// SPDX-License-Identifier: Apache-2.0
#include "perfdata.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace vigil::nagios {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr size_t kFields = 5; // value[UOM], warn, crit, min, max

bool isSpace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool isDigit(char c)
{
	return c >= '0' && c <= '9';
}

// Length of the longest prefix that is a decimal number written the way C
// prints one: [+-]digits[.digits][e[+-]digits].  No "inf", "nan" or hex,
// which from_chars would take but no plugin means.
size_t numberLength(std::string_view s)
{
	size_t i = 0;
	if (i < s.size() && (s[i] == '+' || s[i] == '-'))
		++i;
	size_t digits = 0;
	for (; i < s.size() && isDigit(s[i]); ++i)
		++digits;
	if (i < s.size() && s[i] == '.')
		for (++i; i < s.size() && isDigit(s[i]); ++i)
			++digits;
	if (digits == 0)
		return 0;
	if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		if (j < s.size() && (s[j] == '+' || s[j] == '-'))
			++j;
		if (j < s.size() && isDigit(s[j])) {
			while (j < s.size() && isDigit(s[j]))
				++j;
			i = j;
		}
	}
	return i;
}

enum class NumberError { None, NotANumber, OutOfRange };

// The whole of `s` as a number.
NumberError toNumber(std::string_view s, double &out)
{
	if (s.empty() || numberLength(s) != s.size())
		return NumberError::NotANumber;
	if (s.front() == '+')
		s.remove_prefix(1);
	auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
	if (ec == std::errc::result_out_of_range || (ec == std::errc() && !std::isfinite(out)))
		return NumberError::OutOfRange;
	if (ec != std::errc() || end != s.data() + s.size())
		return NumberError::NotANumber;
	return NumberError::None;
}

// A number, optionally followed by the value's own unit ("0MB" beside a
// value in MB): min, max and range ends.
std::optional<double> boundNumber(std::string_view s, std::string_view uom)
{
	size_t n = numberLength(s);
	std::string_view suffix = s.substr(n);
	if (n == 0 || (!suffix.empty() && suffix != uom))
		return std::nullopt;
	double v;
	if (toNumber(s.substr(0, n), v) != NumberError::None)
		return std::nullopt;
	return v;
}

// A unit is what follows the number; digits, a decimal point or a comma in
// it mean the number itself was written wrong ("0,5", "1.2.3").
bool plausibleUnit(std::string_view uom)
{
	return uom.find_first_of("0123456789.,") == std::string_view::npos;
}

std::string quoted(std::string_view s)
{
	return "'" + std::string(s) + "'";
}

// Everything after `label=`: fields separated by ';'.
void parseData(std::string label, std::string_view data, std::string_view fragment, Perfdata &out)
{
	auto problem = [&](std::string reason) {
		out.problems.push_back({std::string(fragment), std::move(reason)});
	};
	std::vector<std::string_view> fields;
	for (size_t start = 0;;) {
		size_t semi = data.find(';', start);
		fields.push_back(data.substr(start, semi - start));
		if (semi == std::string_view::npos)
			break;
		start = semi + 1;
	}

	Perfdatum item;
	item.label = std::move(label);
	std::string_view value = fields[0];
	if (value.empty())
		return problem("no value after '='");
	if (value == "U") {
		item.value.reset();
	} else {
		size_t n = numberLength(value);
		item.uom = std::string(value.substr(n));
		double v = 0;
		NumberError e = n == 0 || !plausibleUnit(item.uom)
					? NumberError::NotANumber
					: toNumber(value.substr(0, n), v);
		if (e == NumberError::OutOfRange)
			return problem("value " + quoted(value) + " is out of range");
		if (e != NumberError::None)
			return problem("value " + quoted(value) + " is not a number");
		item.value = v;
	}

	// Past the value, a bad field loses that field only.
	static const char *const kNames[kFields] = {"value", "warn", "crit", "min", "max"};
	for (size_t f = 1; f < fields.size() && f < kFields; ++f) {
		std::string_view field = fields[f];
		if (field.empty())
			continue;
		if (f <= 2) {
			std::optional<Range> range = parseRange(field, item.uom);
			if (!range)
				problem(std::string(kNames[f]) + " " + quoted(field) +
					" is not a range, ignored it");
			(f == 1 ? item.warn : item.crit) = range;
		} else {
			std::optional<double> bound = boundNumber(field, item.uom);
			if (!bound)
				problem(std::string(kNames[f]) + " " + quoted(field) +
					" is not a number, ignored it");
			(f == 3 ? item.min : item.max) = bound;
		}
	}
	for (size_t f = kFields; f < fields.size(); ++f)
		if (!fields[f].empty()) {
			problem("more than 5 fields, ignored " + quoted(fields[f]));
			break;
		}
	out.items.push_back(std::move(item));
}

} // namespace

std::optional<Range> parseRange(std::string_view text, std::string_view uom)
{
	Range r;
	if (!text.empty() && text.front() == '@') {
		r.inside = true;
		text.remove_prefix(1);
	}
	if (text.empty())
		return std::nullopt;
	size_t colon = text.find(':');
	if (colon == std::string_view::npos) {
		std::optional<double> end = boundNumber(text, uom);
		if (!end)
			return std::nullopt;
		r.end = *end;
	} else {
		std::string_view start = text.substr(0, colon);
		std::string_view end = text.substr(colon + 1);
		if (start == "~") {
			r.start = -kInfinity;
		} else if (!start.empty()) {
			std::optional<double> v = boundNumber(start, uom);
			if (!v)
				return std::nullopt;
			r.start = *v;
			r.start_written = true;
		}
		if (end.empty()) {
			r.end = kInfinity;
		} else {
			std::optional<double> v = boundNumber(end, uom);
			if (!v)
				return std::nullopt;
			r.end = *v;
		}
	}
	if (r.start > r.end)
		return std::nullopt;
	return r;
}

Perfdata parsePerfdata(std::string_view text)
{
	Perfdata out;
	size_t i = 0;
	const size_t n = text.size();
	auto skipToSpace = [&] {
		while (i < n && !isSpace(text[i]))
			++i;
	};
	for (;;) {
		while (i < n && isSpace(text[i]))
			++i;
		if (i >= n)
			break;
		const size_t begin = i;
		std::string label;
		if (text[i] == '\'') {
			bool closed = false;
			for (++i; i < n; ++i) {
				if (text[i] != '\'') {
					label += text[i];
				} else if (i + 1 < n && text[i + 1] == '\'') {
					label += '\'';
					++i;
				} else {
					closed = true;
					++i;
					break;
				}
			}
			if (!closed) {
				out.problems.push_back({std::string(text.substr(begin)),
							"the quoted label has no closing quote"});
				break;
			}
			if (i >= n || text[i] != '=') {
				skipToSpace();
				out.problems.push_back({std::string(text.substr(begin, i - begin)),
							"no '=' right after the quoted label"});
				continue;
			}
		} else {
			while (i < n && text[i] != '=' && !isSpace(text[i]))
				++i;
			if (i >= n || text[i] != '=') {
				out.problems.push_back({std::string(text.substr(begin, i - begin)),
							"not label=value"});
				continue;
			}
			label = std::string(text.substr(begin, i - begin));
		}
		const size_t data_begin = ++i; // past '='
		skipToSpace();
		std::string_view fragment = text.substr(begin, i - begin);
		if (label.empty()) {
			out.problems.push_back({std::string(fragment), "empty label"});
			continue;
		}
		parseData(std::move(label), text.substr(data_begin, i - data_begin), fragment, out);
	}
	return out;
}

} // namespace vigil::nagios
