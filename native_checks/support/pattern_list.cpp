// SPDX-License-Identifier: Apache-2.0
#include "pattern_list.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdexcept>

namespace vigil::system {

// pcre2_code is an opaque C type; wrapping it keeps <pcre2.h> out of the
// header, so checks that include it need no PCRE2 headers of their own.
struct PatternList::Compiled {
	pcre2_code *code;
};

void PatternList::Free::operator()(Compiled *compiled) const
{
	pcre2_code_free(compiled->code);
	delete compiled;
}

PatternList::PatternList(std::string_view option, const std::vector<std::string> &patterns,
			 Options options)
    : option_(option)
{
	uint32_t flags = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	if (options.anchor == Anchor::Start)
		flags |= PCRE2_ANCHORED;
	if (options.ignore_case)
		flags |= PCRE2_CASELESS;
	for (const std::string &pattern : patterns) {
		if (pattern.empty())
			continue;
		int error = 0;
		PCRE2_SIZE offset = 0;
		pcre2_code *code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()),
						 pattern.size(), flags, &error, &offset, nullptr);
		if (!code) {
			PCRE2_UCHAR reason[256];
			pcre2_get_error_message(error, reason, sizeof(reason));
			throw std::runtime_error(std::string(option) +
						 ": invalid regular expression '" + pattern +
						 "': " + reinterpret_cast<const char *>(reason) +
						 " at offset " + std::to_string(offset));
		}
		patterns_.emplace_back(new Compiled{code});
	}
}

bool PatternList::matches(std::string_view value) const
{
	for (const auto &pattern : patterns_) {
		pcre2_match_data *match =
			pcre2_match_data_create_from_pattern(pattern->code, nullptr);
		if (!match)
			throw std::bad_alloc();
		int rc = pcre2_match(pattern->code, reinterpret_cast<PCRE2_SPTR>(value.data()),
				     value.size(), 0, 0, match, nullptr);
		pcre2_match_data_free(match);
		if (rc >= 0)
			return true;
		// Below "no match" is a matching error, e.g. the backtracking limit a
		// pathological pattern hits: say so rather than guess a verdict.
		if (rc != PCRE2_ERROR_NOMATCH) {
			PCRE2_UCHAR reason[256];
			pcre2_get_error_message(rc, reason, sizeof(reason));
			throw std::runtime_error(
				option_ + ": matching '" + std::string(value) +
				"' failed: " + reinterpret_cast<const char *>(reason));
		}
	}
	return false;
}

} // namespace vigil::system
