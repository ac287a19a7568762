// SPDX-License-Identifier: Apache-2.0
#include "outputs/remote_write/http.hpp"

#include "build_config.hpp"
#include "config/agent_config.hpp"

#include <fmt/format.h>

#include <httplib.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace vigil {

namespace {

// The whole file minus trailing whitespace (files written with `echo` end
// in a newline that is not part of the secret).
std::string readSecretFile(const std::filesystem::path &file, const char *what)
{
	std::ifstream in(file, std::ios::binary);
	if (!in)
		throw std::runtime_error(fmt::format("remote_write: cannot read {} file '{}': {}",
						     what, file.string(), std::strerror(errno)));
	std::ostringstream text;
	text << in.rdbuf();
	std::string s = text.str();
	while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
		s.pop_back();
	if (s.empty())
		throw std::runtime_error(
			fmt::format("remote_write: {} file '{}' is empty", what, file.string()));
	return s;
}

void setTimeouts(httplib::Client &client, double seconds)
{
	const auto sec = static_cast<time_t>(seconds);
	const auto usec = static_cast<time_t>((seconds - static_cast<double>(sec)) * 1e6);
	client.set_connection_timeout(sec, usec);
	client.set_read_timeout(sec, usec);
	client.set_write_timeout(sec, usec);
}

} // namespace

RemoteWritePost makeRemoteWriteHttpPost(const RemoteWriteConfig &config)
{
	static const std::regex url_re(R"(^(https?://[^/?#]+)([^#]*)$)", std::regex::icase);
	std::smatch m;
	if (!std::regex_match(config.url, m, url_re))
		throw std::runtime_error("remote_write: url must be http://host[:port]/path or "
					 "https://..., got '" +
					 config.url + "'");
	const std::string base = m[1];
	const std::string path = m[2].length() ? std::string(m[2]) : "/";

	auto client = std::make_shared<httplib::Client>(base);
	if (!client->is_valid())
		throw std::runtime_error("remote_write: cannot use url '" + config.url + "'");
	client->set_keep_alive(true);
	if (!config.bearer_token_file.empty())
		client->set_bearer_token_auth(
			readSecretFile(config.bearer_token_file, "bearer_token"));
	if (!config.basic_auth_username.empty())
		client->set_basic_auth(config.basic_auth_username,
				       readSecretFile(config.basic_auth_password_file, "password"));

	return [client, path](const std::string &body, double timeout) {
		setTimeouts(*client, std::max(timeout, 0.001));
		httplib::Headers headers{
			{"Content-Encoding", "snappy"},
			{"X-Prometheus-Remote-Write-Version", "0.1.0"},
			{"User-Agent", "vigil/" VIGIL_VERSION},
		};
		HttpPostResult out;
		auto res = client->Post(path, headers, body, "application/x-protobuf");
		if (!res) {
			out.error = httplib::to_string(res.error());
			return out;
		}
		out.status = res->status;
		if (res->status < 200 || res->status >= 300) {
			out.error = res->body.substr(0, 256);
			out.retry_after = res->get_header_value("Retry-After");
		}
		return out;
	};
}

} // namespace vigil
