// SPDX-License-Identifier: Apache-2.0
// The HTTP side of remote write: one POST of an encoded body to the
// configured URL, with the remote-write 1.0 headers and optional auth, on
// the agent's HttpClient (http/client.hpp: one kept-alive connection;
// https:// in builds with TLS).
#pragma once

#include <functional>
#include <string>

namespace vigil {

struct RemoteWriteConfig;

struct HttpPostResult {
	int status = 0;	   // HTTP status; 0 = no response (see error)
	std::string error; // why there was no response, or the start of the body of an error status
	std::string retry_after; // the Retry-After header of the response, if any
};

// POSTs `body` within `timeout_seconds`; never throws.
using RemoteWritePost =
	std::function<HttpPostResult(const std::string &body, double timeout_seconds)>;

// A poster for `config.url`.  Reads the credential files now, once.  Throws
// std::runtime_error on a URL that is not http:// or https://, or a
// credential file that cannot be read or is empty (the message names it).
// The poster is used by one thread at a time (the sender).
RemoteWritePost makeRemoteWriteHttpPost(const RemoteWriteConfig &config);

} // namespace vigil
