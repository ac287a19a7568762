// SPDX-License-Identifier: Apache-2.0
#include "agent_status_client.hpp"
#include "commands.hpp"
#include "config/check_config.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace vigil::cli {

namespace {

struct Row {
	const CatalogEntry *entry;
	size_t instances = 0;
	std::string isolation; // "none", "process" or "mixed"; "" when not loaded
	std::vector<std::string> config_errors;
	std::vector<std::string> notes;
	// The running agent's view of this check's instances (runs, crashes,
	// quarantine), from its /status; null when no agent answered.
	nlohmann::json runtime = nullptr;
};

std::string isolationOf(const CheckConfig &config, const AgentConfig &agent)
{
	bool isolated = false, in_process = false;
	for (const InstanceConfig &inst : config.instances)
		(inst.isolation.value_or(agent.isolation) == Isolation::Process ? isolated
										: in_process) =
			true;
	if (isolated && in_process)
		return "mixed";
	return isolated ? "process" : "none";
}

// Quarantine is the running agent's state, not the files': ask it, if one
// runs with this run_dir (the same agent.json `vigil status` reads).
void addRuntimeState(std::vector<Row> &rows, const AgentConfig &agent, std::string *why)
{
	AgentStatusReply reply = fetchAgentStatus(agent.run_dir, 1);
	if (!reply.report) {
		if (reply.agent_file_found)
			*why = reply.error;
		return;
	}
	static const std::vector<std::string> kept = {"id",
						      "isolation",
						      "runs",
						      "crashes",
						      "timeouts",
						      "consecutive_failures",
						      "quarantined",
						      "quarantine_reason",
						      "quarantined_until",
						      "quarantine_ends_in_seconds",
						      "last_error"};
	const auto &checks = reply.report->value("checks", nlohmann::json::array());
	for (Row &row : rows) {
		if (row.entry->state != CheckState::Ok)
			continue;
		nlohmann::json instances = nlohmann::json::array();
		for (const auto &check : checks) {
			if (check.value("name", "") != row.entry->name)
				continue;
			for (const auto &inst : check.value("instances", nlohmann::json::array())) {
				nlohmann::json kept_fields = nlohmann::json::object();
				for (const std::string &key : kept)
					if (inst.contains(key))
						kept_fields[key] = inst[key];
				instances.push_back(std::move(kept_fields));
			}
		}
		row.runtime = {{"instances", std::move(instances)}};
	}
}

std::string quarantineLine(const nlohmann::json &inst)
{
	const auto &until =
		inst.contains("quarantined_until") ? inst["quarantined_until"] : nlohmann::json();
	const auto &in = inst.contains("quarantine_ends_in_seconds")
				 ? inst["quarantine_ends_in_seconds"]
				 : nlohmann::json();
	return fmt::format("{} until {} (next try in {:.0f} s): {}", inst.value("id", "?"),
			   until.is_string() ? until.get<std::string>() : "?",
			   in.is_number() ? std::max(0.0, in.get<double>()) : 0.0,
			   inst.value("quarantine_reason", ""));
}

// Said only where it matters: a native check that runs in the agent and has
// a timeout, which the agent cannot enforce on it (docs/isolation.md).
void noteUnkillable(Row &row, const CheckConfig &config, const AgentConfig &agent)
{
	if (row.entry->kind != PluginKind::Native)
		return; // Python checks have soft timeouts in-process
	for (const InstanceConfig &inst : config.instances) {
		const bool in_process = inst.isolation.value_or(agent.isolation) == Isolation::None;
		const double timeout = inst.timeout.value_or(agent.default_timeout);
		if (in_process && timeout > 0) {
			row.notes.push_back(fmt::format(
				"runs in the agent process: a hung run cannot be stopped, its "
				"timeout of {} s is not enforced (isolation: process enforces it)",
				timeout));
			return;
		}
	}
}

} // namespace

int listCommand(const CliOverrides &overrides, bool json)
{
	AgentSettings settings = resolveSettings(overrides);
	CheckCatalog catalog =
		CheckCatalog::load(settings.config.plugins_dirs, catalogOptions(settings));

	std::vector<Row> rows;
	for (const CatalogEntry &entry : catalog.entries()) {
		Row row;
		row.entry = &entry;
		if (entry.state == CheckState::Ok) {
			CheckConfig config = loadCheckConfig(settings.config.conf_dir, entry.name);
			row.instances = config.instances.size();
			row.isolation = isolationOf(config, settings.config);
			noteUnkillable(row, config, settings.config);
			row.config_errors = std::move(config.errors);
		}
		rows.push_back(std::move(row));
	}
	std::string runtime_unavailable;
	addRuntimeState(rows, settings.config, &runtime_unavailable);

	if (json) {
		nlohmann::json out = nlohmann::json::array();
		for (const Row &row : rows) {
			const CatalogEntry &e = *row.entry;
			out.push_back({
				{"name", e.name},
				{"kind", pluginKindName(e.kind)},
				{"path", e.path.string()},
				// Loaded by name: the module; path is where it was found.
				{"module",
				 e.module.empty() ? nlohmann::json() : nlohmann::json(e.module)},
				{"version", e.version},
				{"description", e.description},
				{"state", checkStateName(e.state)},
				{"error", e.error},
				{"instances", row.instances},
				{"config_errors", row.config_errors},
				{"notes", row.notes},
				{"isolation", row.isolation.empty()
						      ? nlohmann::json()
						      : nlohmann::json(row.isolation)},
				{"runtime", row.runtime},
			});
		}
		std::printf(
			"%s\n",
			out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
		return 0;
	}

	size_t name_width = 4;
	for (const Row &row : rows)
		name_width = std::max(name_width, row.entry->name.size());
	std::string out =
		fmt::format("{:<{}}  {:<6}  {:<7}  {:<10}  {:>9}  {:<9}  {}\n", "NAME", name_width,
			    "KIND", "STATE", "VERSION", "INSTANCES", "ISOLATION", "PATH");
	for (const Row &row : rows) {
		const CatalogEntry &e = *row.entry;
		out += fmt::format("{:<{}}  {:<6}  {:<7}  {:<10}  {:>9}  {:<9}  {}\n", e.name,
				   name_width, pluginKindName(e.kind), checkStateName(e.state),
				   e.version.empty() ? "-" : e.version, row.instances,
				   row.isolation.empty() ? "-" : row.isolation, e.path.string());
		if (!e.module.empty())
			out += fmt::format("{:<{}}  module: {} (no plugin file of this name)\n", "",
					   name_width, e.module);
		if (!e.error.empty())
			out += fmt::format("{:<{}}  reason: {}\n", "", name_width, e.error);
		for (const std::string &error : row.config_errors)
			out += fmt::format("{:<{}}  config: {}\n", "", name_width, error);
		for (const std::string &note : row.notes)
			out += fmt::format("{:<{}}  note: {}\n", "", name_width, note);
		if (row.runtime.is_object())
			for (const auto &inst : row.runtime["instances"])
				if (inst.value("quarantined", false))
					out += fmt::format("{:<{}}  quarantined: {}\n", "",
							   name_width, quarantineLine(inst));
	}
	if (!runtime_unavailable.empty())
		out += fmt::format("(quarantine state not shown: {})\n", runtime_unavailable);
	if (rows.empty())
		out += fmt::format("(no check files found in {} plugin folders)\n",
				   settings.config.plugins_dirs.size());
	std::fputs(out.c_str(), stdout);
	return 0;
}

} // namespace vigil::cli
