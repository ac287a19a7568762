// SPDX-License-Identifier: Apache-2.0
// Asks the agent running with a given run_dir for its /status document, with
// the token from agent.json (run_dir_file.hpp).  `vigil status` prints it;
// `vigil list` adds the running agent's quarantine state to what it reads
// from files.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace vigil::cli {

struct AgentStatusReply {
	std::optional<nlohmann::json> report; // the parsed /status document
	std::string error;		      // one line, set when report is empty
	bool agent_file_found = false;	      // false: no agent.json, none is running
};

// Blocks for at most three times `timeout_seconds` (the connection, then
// the answer).
AgentStatusReply fetchAgentStatus(const std::filesystem::path &run_dir, double timeout_seconds = 5);

} // namespace vigil::cli
