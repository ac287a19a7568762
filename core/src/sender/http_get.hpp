// SPDX-License-Identifier: Apache-2.0
// HttpGetCall: what vigil_host.http_get() does for a check (ABI 1.1), for
// the agent's table and the worker's alike.  It owns the answer the check's
// vigil_http_response points into, so one lives in each call's context and
// the strings stay valid until the next http_get() or the end of the call,
// as check.h promises.
//
// A new connection per call: a check scrapes every few seconds at most, and
// a connection kept between calls would need an owner that outlives them
// and a rule for servers that close idle ones; not worth it yet.
#pragma once

#include <vigil/check.h>

#include <string>

namespace vigil {

class HttpGetCall {
public:
	// Never throws; returns what http_get() returns (0: an answer, -1: none).
	int perform(const vigil_http_request *request, vigil_http_response *response) noexcept;

private:
	int status_ = 0;
	std::string error_;
	std::string body_;
	std::string content_type_;
};

} // namespace vigil
