// SPDX-License-Identifier: Apache-2.0
#include "check_config.hpp"
#include "commands.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace vigil::cli {

namespace {

struct Row {
	const CatalogEntry *entry;
	size_t instances = 0;
	std::vector<std::string> config_errors;
	std::vector<std::string> notes;
};

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
			noteUnkillable(row, config, settings.config);
			row.config_errors = std::move(config.errors);
		}
		rows.push_back(std::move(row));
	}

	if (json) {
		nlohmann::json out = nlohmann::json::array();
		for (const Row &row : rows) {
			const CatalogEntry &e = *row.entry;
			out.push_back({
				{"name", e.name},
				{"kind", pluginKindName(e.kind)},
				{"path", e.path.string()},
				{"version", e.version},
				{"description", e.description},
				{"state", checkStateName(e.state)},
				{"error", e.error},
				{"instances", row.instances},
				{"config_errors", row.config_errors},
				{"notes", row.notes},
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
	std::string out = fmt::format("{:<{}}  {:<6}  {:<7}  {:<10}  {:>9}  {}\n", "NAME",
				      name_width, "KIND", "STATE", "VERSION", "INSTANCES", "PATH");
	for (const Row &row : rows) {
		const CatalogEntry &e = *row.entry;
		out += fmt::format("{:<{}}  {:<6}  {:<7}  {:<10}  {:>9}  {}\n", e.name, name_width,
				   pluginKindName(e.kind), checkStateName(e.state),
				   e.version.empty() ? "-" : e.version, row.instances,
				   e.path.string());
		if (!e.error.empty())
			out += fmt::format("{:<{}}  reason: {}\n", "", name_width, e.error);
		for (const std::string &error : row.config_errors)
			out += fmt::format("{:<{}}  config: {}\n", "", name_width, error);
		for (const std::string &note : row.notes)
			out += fmt::format("{:<{}}  note: {}\n", "", name_width, note);
	}
	if (rows.empty())
		out += fmt::format("(no check files found in {} plugin folders)\n",
				   settings.config.plugins_dirs.size());
	std::fputs(out.c_str(), stdout);
	return 0;
}

} // namespace vigil::cli
