// SPDX-License-Identifier: Apache-2.0
// PatternList: the regular-expression options of the system checks
// (mount_point_exclude, excluded_interface_re, device_include, ...).
//
// Datadog's checks match these with Python's `re`, so users' patterns use
// Perl/Python syntax (`\d`, `(?i)`, lazy `*?`, look-ahead).  PCRE2 speaks that
// syntax; POSIX regcomp() does not (`\d` silently means `d`), and std::regex
// pulls libstdc++'s locale and iostream code into every check that uses it,
// which costs more resident memory than the rest of the check (see
// docs/performance.md, idle RSS).
//
// Compiled once, at the check's create(); matching allocates only the PCRE2
// match block.  Instances are never run concurrently with themselves, but
// matches() is const and keeps no shared scratch, so it is safe either way.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::system {

class PatternList {
public:
	// Where a pattern must match: at the start of the value like Python's
	// re.match (the checks' current options), or anywhere like re.search
	// (the io check's legacy device_blacklist_re).
	enum class Anchor { Start, Anywhere };
	struct Options {
		Anchor anchor = Anchor::Start;
		bool ignore_case = false;
	};

	PatternList() = default;
	// Throws std::runtime_error: "<option>: invalid regular expression
	// '<pattern>': <reason> at offset N".  Empty patterns are skipped: they
	// would match everything, and Datadog ignores them too.
	PatternList(std::string_view option, const std::vector<std::string> &patterns,
		    Options options);

	bool empty() const { return patterns_.empty(); }
	// Throws std::runtime_error naming the option when PCRE2 gives up on a
	// value (its match limit, hit by catastrophic backtracking).
	bool matches(std::string_view value) const;

private:
	struct Compiled;
	struct Free {
		void operator()(Compiled *code) const;
	};
	std::string option_;
	std::vector<std::unique_ptr<Compiled, Free>> patterns_;
};

} // namespace vigil::system
