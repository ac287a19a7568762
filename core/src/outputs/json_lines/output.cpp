// SPDX-License-Identifier: Apache-2.0
#include "outputs/json_lines/output.hpp"

#include "outputs/json_lines/encoding.hpp"
#include "process/logging.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace vigil {

JsonLinesOutput::JsonLinesOutput(const OutputConfig &config)
{
	if (config.path.empty() || config.path == "-") {
		file_ = stdout;
		owned_ = false;
		return;
	}
	file_ = std::fopen(config.path.c_str(), "a");
	if (!file_)
		throw std::runtime_error("cannot open output file '" + config.path +
					 "': " + std::strerror(errno));
	owned_ = true;
}

JsonLinesOutput::~JsonLinesOutput()
{
	if (owned_)
		std::fclose(file_);
	else
		std::fflush(file_);
}

void JsonLinesOutput::write(const FlushResult &flush)
{
	std::string out;
	auto line = [&out](const char *kind, nlohmann::json j) {
		j["kind"] = kind;
		out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
		out += '\n';
	};
	for (const Series &s : flush.series)
		line("metric", toJson(s));
	for (const ServiceCheck &c : flush.service_checks)
		line("service_check", toJson(c));
	for (const Event &e : flush.events)
		line("event", toJson(e));
	if (out.empty())
		return;
	if (std::fwrite(out.data(), 1, out.size(), file_) != out.size() || std::fflush(file_) != 0)
		logger("output")->error("JSON lines output: write failed: {}",
					std::strerror(errno));
}

} // namespace vigil
