// SPDX-License-Identifier: Apache-2.0
#include "outputs/remote_write/retry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>
#include <utility>

namespace vigil {

SendOutcome classifyResponse(int status)
{
	if (status >= 200 && status < 300)
		return SendOutcome::Delivered;
	// 429: the receiver is rate limiting us; backing off is what it asks for.
	if (status == 0 || status == 429 || status >= 500)
		return SendOutcome::Retry;
	// 4xx (bad labels, out-of-order samples, auth) and anything unexpected
	// (1xx, 3xx: the HTTP client follows no redirect with a POST body).
	return SendOutcome::Reject;
}

namespace {

bool isDigits(std::string_view s)
{
	return !s.empty() &&
	       std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trimmed(std::string_view s)
{
	const auto space = [](char c) { return c == ' ' || c == '\t'; };
	while (!s.empty() && space(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && space(s.back()))
		s.remove_suffix(1);
	return s;
}

// IMF-fixdate (RFC 9110, the form every current server sends); the obsolete
// RFC 850 and asctime forms are not read, as in Prometheus' own client.
std::optional<std::time_t> parseHttpDate(std::string_view text)
{
	// libstdc++'s get_time accepts input that ends before the format does,
	// so the fixed length and the literal zone are checked here.
	constexpr std::string_view zone = " GMT";
	constexpr size_t imf_fixdate_length = 29; // "Sun, 06 Nov 1994 08:49:37 GMT"
	if (text.size() != imf_fixdate_length || !text.ends_with(zone))
		return std::nullopt;
	std::istringstream in{std::string(text.substr(0, text.size() - zone.size()))};
	in.imbue(std::locale::classic()); // day and month names are English, whatever the locale
	std::tm tm{};
	in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S");
	if (in.fail() || in.peek() != std::char_traits<char>::eof())
		return std::nullopt;
	return timegm(&tm);
}

} // namespace

std::optional<double> parseRetryAfter(std::string_view value,
				      std::chrono::system_clock::time_point now)
{
	value = trimmed(value);
	if (isDigits(value)) {
		// Past a year is past any cap; do not overflow on a silly value.
		if (value.size() > 8)
			return 1e8;
		unsigned seconds = 0;
		std::from_chars(value.data(), value.data() + value.size(), seconds);
		return seconds;
	}
	const std::optional<std::time_t> when = parseHttpDate(value);
	if (!when)
		return std::nullopt;
	return std::chrono::duration<double>(std::chrono::system_clock::from_time_t(*when) - now)
		.count();
}

RemoteWriteBackoff::RemoteWriteBackoff(double min_seconds, double max_seconds,
				       std::function<double()> random01)
    : min_(min_seconds), max_(std::max(min_seconds, max_seconds)), random01_(std::move(random01))
{
}

double RemoteWriteBackoff::ceiling(unsigned attempt) const
{
	if (attempt == 0)
		return 0;
	// 2^63 and beyond is past any cap; stop doubling before overflow.
	const unsigned exponent = std::min(attempt - 1, 62u);
	return std::min(max_, min_ * std::ldexp(1.0, static_cast<int>(exponent)));
}

double RemoteWriteBackoff::delay(unsigned attempt)
{
	double r = random01_();
	r = std::clamp(r, 0.0, 1.0);
	return ceiling(attempt) * r;
}

double RemoteWriteBackoff::delay(unsigned attempt, std::optional<double> retry_after)
{
	// Zero or a date already past: the receiver gave no usable wait (as
	// Prometheus reads it), so the usual backoff applies.
	if (retry_after && *retry_after > 0)
		return std::min(*retry_after, max_);
	return delay(attempt);
}

} // namespace vigil
