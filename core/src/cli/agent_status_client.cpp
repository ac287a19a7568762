// SPDX-License-Identifier: Apache-2.0
#include "agent_status_client.hpp"

#include "agent/run_dir_file.hpp"
#include "http/client.hpp"
#include "http/url.hpp"

#include <fmt/format.h>

namespace vigil::cli {

AgentStatusReply fetchAgentStatus(const std::filesystem::path &run_dir, double timeout_seconds)
{
	AgentStatusReply reply;
	auto info = readRunFile(run_dir, &reply.error);
	if (!info)
		return reply;
	reply.agent_file_found = true;
	const std::string file = runFilePath(run_dir).string();
	// The address is host:port with an IPv6 host in brackets, as in a URL.
	auto url = parseHttpUrl("http://" + info->address + "/status");
	if (!url) {
		reply.error = fmt::format("'{}' names no address an agent could listen on: '{}'",
					  file, info->address);
		return reply;
	}
	HttpClientRequest request;
	request.target = url->target;
	request.headers = {{"Authorization", "Bearer " + info->token}};
	auto res = HttpClient(*url).send(request, 3 * timeout_seconds);
	if (res.status == 0) {
		reply.error = fmt::format("no agent is running at {} ({}; '{}' is left from an "
					  "agent that did not stop cleanly)",
					  info->address, res.error, file);
		return reply;
	}
	if (res.status != 200) {
		reply.error = fmt::format(
			"the agent at {} answered {}{}", info->address, res.status,
			res.status == 401 ? " (its token differs from the one in '" + file +
						    "': another agent may own that address)"
					  : std::string());
		return reply;
	}
	try {
		reply.report = nlohmann::json::parse(res.body);
	} catch (const std::exception &e) {
		reply.error = fmt::format("the agent at {} sent malformed JSON: {}", info->address,
					  e.what());
	}
	return reply;
}

} // namespace vigil::cli
