// SPDX-License-Identifier: Apache-2.0
// AgentEndpoints: the running agent's HTTP face.  Serves /metrics (the
// PrometheusOutput's latest exposition, no authentication, like every
// exporter) and /status (statusReport(), only with
// "Authorization: Bearer <token>"), and writes the token and the bound
// address to agent.json in run_dir for `vigil status`.
//
// Threads: owns the HttpServer and so its accept and handler threads; the
// handlers only read the PrometheusOutput's published text and the
// StatusSources (see status_report.hpp), which must outlive this object.
// Declare it after them so it is destroyed (and its threads joined) first.
#pragma once

#include "agent/run_dir_file.hpp"
#include "agent/settings.hpp"
#include "agent/status_report.hpp"
#include "http/server.hpp"
#include "outputs/prometheus/output.hpp"

#include <filesystem>
#include <memory>

namespace vigil {

struct AgentEndpointsOptions {
	ListenAddress address;
	std::filesystem::path run_dir;
};

class AgentEndpoints {
public:
	// Binds, starts serving and writes agent.json.  Throws
	// std::runtime_error naming the address or file on failure.
	AgentEndpoints(AgentEndpointsOptions options, const PrometheusOutput *metrics,
		       StatusSources status);
	~AgentEndpoints();
	AgentEndpoints(const AgentEndpoints &) = delete;
	AgentEndpoints &operator=(const AgentEndpoints &) = delete;

	ListenAddress address() const { return server_.address(); }

private:
	HttpResponse metrics() const;
	HttpResponse status(const HttpRequest &request) const;

	const PrometheusOutput *metrics_;
	StatusSources status_;
	std::string token_;
	HttpServer server_;
	std::unique_ptr<RunFile> run_file_;
};

// Sets up /metrics and /status for `vigil run`: adds a PrometheusOutput
// (check metrics plus the agent's health from `catalog` and `scheduler`) to
// `outputs`, renders it once so a scrape before the first flush already sees
// the health series, and starts the endpoints.  Returns null when `listen`
// is off, or, after logging an error naming the address, when it cannot
// bind: the checks keep running without the endpoints.  Call from the
// thread that flushes, before the scheduler starts.
std::unique_ptr<AgentEndpoints> startAgentEndpoints(const AgentSettings &settings,
						    const CheckCatalog &catalog,
						    const std::vector<ConfiguredCheck> &checks,
						    const Scheduler &scheduler,
						    std::vector<std::unique_ptr<Output>> &outputs);

} // namespace vigil
