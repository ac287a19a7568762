// SPDX-License-Identifier: Apache-2.0
// V2's `auth_token` with a `file` reader and a `header` writer: a token (a
// Kubernetes service-account token, say) read from a file, whole and
// stripped or through a pattern's one group, and sent as a header made from
// a template ("Bearer <TOKEN>").  Read at the first scrape, not at create, so
// the file may appear later; kept until a scrape fails, then read again for
// one retry, as V2 does when a token rotates.
#pragma once

#include <memory>
#include <string>

namespace vigil::openmetrics {

struct AuthTokenOptions {
	std::string path;
	std::string pattern; // "" = the whole file, stripped
	std::string header;  // the header's name
	std::string value = "<TOKEN>";
	std::string placeholder = "<TOKEN>";
};

class AuthToken {
public:
	// Throws std::runtime_error (naming `auth_token`) for a pattern that does
	// not compile or does not have exactly one group.
	explicit AuthToken(AuthTokenOptions options);
	~AuthToken();
	AuthToken(AuthToken &&) noexcept;

	// "Name: value" with the token; reads the file when nothing is cached or
	// `reread`.  Throws std::runtime_error naming the file and the reason.
	std::string headerLine(bool reread);

	const AuthTokenOptions &options() const { return options_; }

	// Larger token files are refused rather than read.
	static constexpr size_t kMaxFileBytes = 1 << 20;

private:
	std::string read() const;

	struct Pattern;
	AuthTokenOptions options_;
	std::unique_ptr<Pattern> pattern_;
	std::string token_;
	bool cached_ = false;
};

// "Authorization: Basic base64(user:password)", as requests sends it.
std::string basicAuthorization(const std::string &username, const std::string &password);

} // namespace vigil::openmetrics
