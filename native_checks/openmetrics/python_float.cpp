// SPDX-License-Identifier: Apache-2.0
#include "python_float.hpp"

#include <charconv>
#include <cmath>

namespace vigil::openmetrics {

void appendPythonFloat(double value, std::string &out)
{
	if (std::isnan(value)) {
		out += "nan";
		return;
	}
	if (std::isinf(value)) {
		out += value < 0 ? "-inf" : "inf";
		return;
	}
	if (value == 0) {
		out += std::signbit(value) ? "-0.0" : "0.0";
		return;
	}
	// Shortest round-trip digits, as d.ddde±X.
	char buf[64];
	auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
	std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
	bool negative = sci[0] == '-';
	if (negative)
		sci.remove_prefix(1);
	size_t e = sci.find('e');
	std::string_view exp_text = sci.substr(e + 1);
	if (!exp_text.empty() && exp_text[0] == '+')
		exp_text.remove_prefix(1);
	int exponent = 0;
	std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
	char digits[32];
	size_t n = 0;
	for (char c : sci.substr(0, e))
		if (c != '.')
			digits[n++] = c;
	// Python's float_repr_style 'short': the decimal point sits after
	// `point` digits; exponent notation below 1e-4 and from 1e16 up.
	const int point = exponent + 1;
	if (negative)
		out += '-';
	if (point > -4 && point <= 16) {
		if (point <= 0) {
			out += "0.";
			out.append(static_cast<size_t>(-point), '0');
			out.append(digits, n);
		} else if (static_cast<size_t>(point) >= n) {
			out.append(digits, n);
			out.append(static_cast<size_t>(point) - n, '0');
			out += ".0";
		} else {
			out.append(digits, static_cast<size_t>(point));
			out += '.';
			out.append(digits + point, n - static_cast<size_t>(point));
		}
		return;
	}
	out += digits[0];
	if (n > 1) {
		out += '.';
		out.append(digits + 1, n - 1);
	}
	out += 'e';
	out += exponent < 0 ? '-' : '+';
	int magnitude = exponent < 0 ? -exponent : exponent;
	if (magnitude < 10)
		out += '0';
	out += std::to_string(magnitude);
}

bool parsePythonFloat(std::string_view text, double &value)
{
	auto blank = [](char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
	};
	while (!text.empty() && blank(text.front()))
		text.remove_prefix(1);
	while (!text.empty() && blank(text.back()))
		text.remove_suffix(1);
	bool negative = false;
	if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
		negative = text[0] == '-';
		text.remove_prefix(1);
	}
	if (text.empty() || text[0] == '+' || text[0] == '-')
		return false;
	auto r = std::from_chars(text.data(), text.data() + text.size(), value,
				 std::chars_format::general);
	if (r.ec == std::errc::result_out_of_range) {
		// Python reads an overflow as inf and an underflow as 0.
		size_t e = text.find_first_of("eE");
		bool small =
			e != std::string_view::npos && e + 1 < text.size() && text[e + 1] == '-';
		value = small ? 0.0 : HUGE_VAL;
	} else if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
		return false;
	}
	// from_chars also reads "nan(chars)", which Python does not.
	if (std::isnan(value) && text.size() != 3)
		return false;
	if (negative)
		value = -value;
	return true;
}

bool canonicalNumber(std::string_view text, std::string &out)
{
	double value = 0;
	if (!parsePythonFloat(text, value))
		return false;
	out.clear();
	if (value == 0)
		out += '0'; // `or 0`: both zeros are falsy, and the int 0 prints "0"
	else
		appendPythonFloat(value, out);
	return true;
}

} // namespace vigil::openmetrics
