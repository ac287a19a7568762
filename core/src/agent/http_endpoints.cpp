// SPDX-License-Identifier: Apache-2.0
#include "agent/http_endpoints.hpp"

#include "agent/health_samples.hpp"

#include "build_config.hpp"
#include "process/logging.hpp"

#include <unistd.h>

#include <chrono>

namespace vigil {

namespace {

// Compares in time that does not depend on where the strings differ, so
// the token cannot be guessed a byte at a time from response times.
bool sameSecret(std::string_view a, std::string_view b)
{
	if (a.size() != b.size())
		return false;
	unsigned char diff = 0;
	for (size_t i = 0; i < a.size(); ++i)
		diff |= static_cast<unsigned char>(a[i] ^ b[i]);
	return diff == 0;
}

double wallNow()
{
	return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
		.count();
}

} // namespace

AgentEndpoints::AgentEndpoints(AgentEndpointsOptions options, const PrometheusOutput *metrics,
			       StatusSources status)
    : metrics_(metrics), status_(std::move(status)), token_(randomToken()),
      server_({options.address, 2})
{
	auto log = logger("http");
	server_.get("/metrics", [this](const HttpRequest &) { return this->metrics(); });
	server_.get("/status", [this](const HttpRequest &req) { return this->status(req); });
	server_.start();
	// status_ is not written after start(): handler threads read it.
	ListenAddress bound = server_.address();
	std::string listen = formatListenAddress(bound);
	if (!isLoopbackHost(bound.host))
		log->warn("listening on {}, which is not a loopback address: /metrics is readable "
			  "from other hosts (/status still needs the token)",
			  listen);
	else
		log->info("listening on http://{} (/metrics, /status)", listen);
	try {
		run_file_ = std::make_unique<RunFile>(
			options.run_dir,
			RunFileInfo{listen, token_, static_cast<long>(::getpid()), VIGIL_VERSION});
	} catch (...) {
		server_.stop();
		throw;
	}
}

AgentEndpoints::~AgentEndpoints()
{
	server_.stop();
}

HttpResponse AgentEndpoints::metrics() const
{
	HttpResponse res;
	res.content_type = "text/plain; version=0.0.4; charset=utf-8";
	// Shared, not copied: the text can be megabytes.
	res.shared_body = metrics_ ? metrics_->exposition() : nullptr;
	return res;
}

HttpResponse AgentEndpoints::status(const HttpRequest &request) const
{
	HttpResponse res;
	const std::string_view prefix = "Bearer ";
	std::string_view auth = request.authorization;
	if (auth.substr(0, prefix.size()) != prefix ||
	    !sameSecret(auth.substr(prefix.size()), token_)) {
		res.status = 401;
		res.headers["WWW-Authenticate"] = "Bearer realm=\"vigil\"";
		res.body = "401 unauthorized: /status needs \"Authorization: Bearer <token>\" with "
			   "the token from agent.json in the agent's run_dir (vigil status does "
			   "this)\n";
		return res;
	}
	res.content_type = "application/json";
	StatusSources sources = status_;
	sources.listen = formatListenAddress(server_.address());
	res.body = statusReport(sources, wallNow()).dump(2) + "\n";
	return res;
}

std::unique_ptr<AgentEndpoints> startAgentEndpoints(const AgentSettings &settings,
						    const CheckCatalog &catalog,
						    const std::vector<ConfiguredCheck> &checks,
						    const Scheduler &scheduler,
						    std::vector<std::unique_ptr<Output>> &outputs)
{
	const AgentConfig &config = settings.config;
	auto address = parseListenAddress(config.listen); // validated with the config
	if (!address)
		return nullptr;
	const double start_time = wallNow();
	size_t loaded = 0;
	for (const CatalogEntry &entry : catalog.entries())
		loaded += entry.state == CheckState::Ok;
	const size_t rejected = catalog.entries().size() - loaded;

	auto health = [&scheduler, loaded, rejected, start_time,
		       host = config.hostname](double timestamp) {
		AgentHealth h;
		h.version = VIGIL_VERSION;
		h.python_enabled = VIGIL_PYTHON_ENABLED != 0;
		h.arch = VIGIL_TARGET_ARCH;
		h.hostname = host;
		h.start_time = start_time;
		h.plugins_loaded = loaded;
		h.plugins_rejected = rejected;
		h.instances = scheduler.stats();
		h.now = std::chrono::steady_clock::now(); // the agent's scheduler clock
		return healthSamples(h, timestamp);
	};
	auto output = std::make_unique<PrometheusOutput>(
		PrometheusOutputOptions{{config.prometheus_prefix}}, health);
	PrometheusOutput *prometheus = output.get();
	FlushResult nothing;
	nothing.timestamp = start_time;
	prometheus->write(nothing);

	StatusSources sources{&catalog,	       &checks,	      &scheduler, &outputs,
			      config.hostname, config.listen, start_time};
	// The output goes in before the endpoints start: their threads read
	// `outputs`, which must not change afterwards.
	outputs.push_back(std::move(output));
	try {
		return std::make_unique<AgentEndpoints>(
			AgentEndpointsOptions{*address, config.run_dir}, prometheus, sources);
	} catch (const std::exception &e) {
		logger("http")->error("{}; /metrics and /status are off, checks keep running",
				      e.what());
		return nullptr;
	}
}

} // namespace vigil
