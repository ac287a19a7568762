// SPDX-License-Identifier: Apache-2.0
#include "auth_token.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace vigil::openmetrics {

namespace {

bool isSpace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

} // namespace

// The pattern's one group is the token; PCRE2 because PatternList only
// answers whether something matches.
struct AuthToken::Pattern {
	pcre2_code *code = nullptr;
	~Pattern() { pcre2_code_free(code); }
};

AuthToken::AuthToken(AuthTokenOptions options) : options_(std::move(options))
{
	if (options_.pattern.empty())
		return;
	int error = 0;
	PCRE2_SIZE offset = 0;
	pattern_ = std::make_unique<Pattern>();
	pattern_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(options_.pattern.data()),
				       options_.pattern.size(), PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
				       &error, &offset, nullptr);
	if (!pattern_->code) {
		PCRE2_UCHAR reason[256];
		pcre2_get_error_message(error, reason, sizeof reason);
		throw std::runtime_error("auth_token.reader.pattern: invalid regular expression '" +
					 options_.pattern +
					 "': " + reinterpret_cast<const char *>(reason));
	}
	uint32_t groups = 0;
	pcre2_pattern_info(pattern_->code, PCRE2_INFO_CAPTURECOUNT, &groups);
	if (groups != 1)
		throw std::runtime_error("auth_token.reader.pattern: '" + options_.pattern +
					 "' must define exactly one group, it has " +
					 std::to_string(groups));
}

AuthToken::~AuthToken() = default;
AuthToken::AuthToken(AuthToken &&) noexcept = default;

std::string AuthToken::read() const
{
	std::ifstream in(options_.path, std::ios::binary);
	if (!in)
		throw std::runtime_error("auth_token: cannot read '" + options_.path +
					 "': " + std::strerror(errno));
	std::string content(kMaxFileBytes + 1, '\0');
	in.read(content.data(), static_cast<std::streamsize>(content.size()));
	if (in.bad())
		throw std::runtime_error("auth_token: cannot read '" + options_.path +
					 "': " + std::strerror(errno));
	content.resize(static_cast<size_t>(in.gcount()));
	if (content.size() > kMaxFileBytes)
		throw std::runtime_error("auth_token: '" + options_.path + "' is over " +
					 std::to_string(kMaxFileBytes) + " bytes");
	std::string token;
	if (!pattern_) {
		size_t begin = 0, end = content.size();
		while (begin < end && isSpace(content[begin]))
			++begin;
		while (end > begin && isSpace(content[end - 1]))
			--end;
		token = content.substr(begin, end - begin);
	} else {
		pcre2_match_data *match =
			pcre2_match_data_create_from_pattern(pattern_->code, nullptr);
		int rc = pcre2_match(pattern_->code, reinterpret_cast<PCRE2_SPTR>(content.data()),
				     content.size(), 0, 0, match, nullptr);
		if (rc >= 2) {
			PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(match);
			if (ovector[2] != PCRE2_UNSET)
				token = content.substr(ovector[2], ovector[3] - ovector[2]);
		}
		pcre2_match_data_free(match);
		if (rc < 2)
			throw std::runtime_error("auth_token: the pattern '" + options_.pattern +
						 "' does not match anything in '" + options_.path +
						 "'");
	}
	// A line break would end the header and start another one.
	for (char c : token)
		if (c == '\r' || c == '\n' || c == '\0')
			throw std::runtime_error("auth_token: the token read from '" +
						 options_.path +
						 "' holds a line break or NUL, not sending it");
	return token;
}

std::string AuthToken::headerLine(bool reread)
{
	if (!cached_ || reread) {
		token_ = read();
		cached_ = true;
	}
	std::string value = options_.value;
	size_t at = value.find(options_.placeholder);
	if (at != std::string::npos)
		value.replace(at, options_.placeholder.size(), token_);
	return options_.header + ": " + value;
}

std::string basicAuthorization(const std::string &username, const std::string &password)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const std::string in = username + ":" + password;
	std::string out = "Authorization: Basic ";
	size_t i = 0;
	for (; i + 2 < in.size(); i += 3) {
		uint32_t n =
			(uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
		out += alphabet[n >> 18];
		out += alphabet[(n >> 12) & 63];
		out += alphabet[(n >> 6) & 63];
		out += alphabet[n & 63];
	}
	if (i + 1 == in.size()) {
		uint32_t n = uint8_t(in[i]) << 16;
		out += alphabet[n >> 18];
		out += alphabet[(n >> 12) & 63];
		out += "==";
	} else if (i + 2 == in.size()) {
		uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
		out += alphabet[n >> 18];
		out += alphabet[(n >> 12) & 63];
		out += alphabet[(n >> 6) & 63];
		out += '=';
	}
	return out;
}

} // namespace vigil::openmetrics
