// SPDX-License-Identifier: Apache-2.0
#include "sender/http_get.hpp"

#include "http/client.hpp"
#include "http/url.hpp"

#include <cstddef>
#include <string_view>

namespace vigil {

namespace {

constexpr double default_timeout_seconds = 10;
constexpr std::uint64_t default_max_body = 64 << 20;

// Whether the check's struct (of `size` bytes) has the field at `offset`.
constexpr bool has(uint32_t size, size_t offset, size_t field_size)
{
	return size >= offset + field_size;
}
#define VIGIL_HAS(s, type, field) has((s)->struct_size, offsetof(type, field), sizeof((s)->field))

// "Name: value" to a header; a line break or a missing colon would let a
// check's configuration write arbitrary request lines, so they are refused.
bool splitHeader(std::string_view line, HttpHeaders &out, std::string &error)
{
	size_t colon = line.find(':');
	if (colon == 0 || colon == std::string_view::npos ||
	    line.find_first_of("\r\n") != std::string_view::npos ||
	    line.substr(0, colon).find_first_of(" \t") != std::string_view::npos) {
		error = "header '" + std::string(line.substr(0, 80)) +
			"' is not 'Name: value' on one line";
		return false;
	}
	std::string_view value = line.substr(colon + 1);
	while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
		value.remove_prefix(1);
	out.emplace_back(std::string(line.substr(0, colon)), std::string(value));
	return true;
}

} // namespace

int HttpGetCall::perform(const vigil_http_request *request, vigil_http_response *response) noexcept
{
	status_ = 0;
	error_.clear();
	body_.clear();
	content_type_.clear();
	try {
		if (!request || !VIGIL_HAS(request, vigil_http_request, max_body_bytes) ||
		    !request->url) {
			error_ = "http_get: no request, or one without a url";
		} else if (auto url = parseHttpUrl(request->url, &error_)) {
			HttpClientRequest get;
			get.target = url->target;
			for (size_t i = 0; i < request->header_count && error_.empty(); ++i)
				if (request->headers && request->headers[i])
					splitHeader(request->headers[i], get.headers, error_);
			get.max_body = request->max_body_bytes ? request->max_body_bytes
							       : default_max_body;
			if (error_.empty()) {
				double timeout = request->timeout_seconds > 0
							 ? request->timeout_seconds
							 : default_timeout_seconds;
				HttpClient client(std::move(*url));
				HttpClientResponse answer = client.send(get, timeout);
				status_ = answer.status;
				error_ = std::move(answer.error);
				content_type_ = answer.header("Content-Type");
				body_ = std::move(answer.body);
			}
		} else {
			error_ =
				"url '" + std::string(request->url).substr(0, 200) + "': " + error_;
		}
	} catch (const std::exception &e) {
		status_ = 0;
		error_ = e.what();
	}
	if (status_ == 0 && error_.empty())
		error_ = "no answer";
	if (status_ != 0)
		error_.clear();

	if (response) {
		if (VIGIL_HAS(response, vigil_http_response, status))
			response->status = status_;
		if (VIGIL_HAS(response, vigil_http_response, error))
			response->error = error_.c_str();
		if (VIGIL_HAS(response, vigil_http_response, body))
			response->body = body_.c_str();
		if (VIGIL_HAS(response, vigil_http_response, body_size))
			response->body_size = body_.size();
		if (VIGIL_HAS(response, vigil_http_response, content_type))
			response->content_type = content_type_.c_str();
	}
	return status_ != 0 ? 0 : -1;
}

} // namespace vigil
