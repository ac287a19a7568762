// SPDX-License-Identifier: Apache-2.0
#include "agent_status_client.hpp"

#include "agent/run_dir_file.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>

namespace vigil::cli {

AgentStatusReply fetchAgentStatus(const std::filesystem::path &run_dir, double timeout_seconds)
{
	AgentStatusReply reply;
	auto info = readRunFile(run_dir, &reply.error);
	if (!info)
		return reply;
	reply.agent_file_found = true;
	// The address is host:port with an IPv6 host in brackets, which httplib
	// takes as "http://[::1]:port".
	httplib::Client client("http://" + info->address);
	const auto timeout = std::chrono::duration_cast<std::chrono::microseconds>(
		std::chrono::duration<double>(timeout_seconds));
	client.set_connection_timeout(timeout);
	client.set_read_timeout(timeout * 2);
	httplib::Headers headers{{"Authorization", "Bearer " + info->token}};
	auto res = client.Get("/status", headers);
	const std::string file = runFilePath(run_dir).string();
	if (!res) {
		reply.error = fmt::format("no agent is running at {} ({}; '{}' is left from an "
					  "agent that did not stop cleanly)",
					  info->address, httplib::to_string(res.error()), file);
		return reply;
	}
	if (res->status != 200) {
		reply.error = fmt::format(
			"the agent at {} answered {}{}", info->address, res->status,
			res->status == 401 ? " (its token differs from the one in '" + file +
						     "': another agent may own that address)"
					   : std::string());
		return reply;
	}
	try {
		reply.report = nlohmann::json::parse(res->body);
	} catch (const std::exception &e) {
		reply.error = fmt::format("the agent at {} sent malformed JSON: {}", info->address,
					  e.what());
	}
	return reply;
}

} // namespace vigil::cli
