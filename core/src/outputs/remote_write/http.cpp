// SPDX-License-Identifier: Apache-2.0
#include "outputs/remote_write/http.hpp"

#include "build_config.hpp"
#include "config/agent_config.hpp"
#include "http/client.hpp"

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
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

// RFC 7617 credentials: base64 of "user:password", with Boost's header-only
// encoding iterators (6-bit groups of the bytes, mapped to the alphabet),
// padded to a multiple of 4.
std::string basicCredentials(const std::string &user, const std::string &password)
{
	using namespace boost::archive::iterators;
	using Encoder = base64_from_binary<transform_width<std::string::const_iterator, 6, 8>>;
	const std::string in = user + ":" + password;
	std::string out(Encoder(in.begin()), Encoder(in.end()));
	out.append((3 - in.size() % 3) % 3, '=');
	return out;
}

} // namespace

RemoteWritePost makeRemoteWriteHttpPost(const RemoteWriteConfig &config)
{
	std::string why;
	auto url = parseHttpUrl(config.url, &why);
	if (!url)
		throw std::runtime_error("remote_write: url must be http://host[:port]/path or "
					 "https://..., got '" +
					 config.url + "': " + why);
	auto request = std::make_shared<HttpClientRequest>();
	request->method = "POST";
	request->target = url->target;
	request->headers = {
		{"Content-Type", "application/x-protobuf"},
		{"Content-Encoding", "snappy"},
		{"X-Prometheus-Remote-Write-Version", "0.1.0"},
		{"User-Agent", "vigil/" VIGIL_VERSION},
	};
	if (!config.bearer_token_file.empty())
		request->headers.emplace_back(
			"Authorization",
			"Bearer " + readSecretFile(config.bearer_token_file, "bearer_token"));
	if (!config.basic_auth_username.empty())
		request->headers.emplace_back(
			"Authorization",
			"Basic " + basicCredentials(config.basic_auth_username,
						    readSecretFile(config.basic_auth_password_file,
								   "password")));
	std::shared_ptr<HttpClient> client;
	try {
		client = std::make_shared<HttpClient>(*url);
	} catch (const std::exception &e) {
		throw std::runtime_error("remote_write: cannot use url '" + config.url +
					 "': " + e.what());
	}

	return [client, request](const std::string &body, double timeout) {
		request->body = body;
		HttpClientResponse res = client->send(*request, std::max(timeout, 0.001));
		request->body = {};
		HttpPostResult out;
		if (res.status == 0) {
			out.error = std::move(res.error);
			return out;
		}
		out.status = res.status;
		if (res.status < 200 || res.status >= 300) {
			out.error = res.body.substr(0, 256);
			out.retry_after = res.header("Retry-After");
		}
		return out;
	};
}

} // namespace vigil
