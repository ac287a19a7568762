// SPDX-License-Identifier: Apache-2.0
#include "isolation/plugin_probe.hpp"

#include "build_config.hpp"
#include "config/check_config.hpp"
#include "plugins/loader.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vigil::isolation {

namespace {

// Between SIGTERM and SIGKILL of a probe that overran, and the wait for one
// that answered to exit once its socket is closed.
constexpr std::chrono::milliseconds kProbeGrace{500};

// One probe request on a fresh worker, then the worker is closed.
ProbedPlugin probe(const nlohmann::json &request, const WorkerLaunch &launch,
		   std::chrono::milliseconds timeout)
{
	std::unique_ptr<WorkerProcess> worker;
	try {
		worker = WorkerProcess::spawn(launch);
	} catch (const std::exception &e) {
		throw PluginError(std::string("cannot start a worker process to load it: ") +
				  e.what());
	}
	ExchangeResult result =
		worker->exchange(encodeFrame(request), std::chrono::steady_clock::now() + timeout,
				 [](const nlohmann::json &) {});
	const pid_t pid = worker->pid();
	if (result.end == ExchangeEnd::TimedOut) {
		worker->terminate(kProbeGrace);
		throw PluginError(fmt::format("still loading after {} s, worker {} killed",
					      timeout.count() / 1000.0, pid));
	}
	if (result.end == ExchangeEnd::Died) {
		const std::string tail = worker->outputTail();
		throw PluginError(fmt::format("crashed while loading: worker {} {}{}", pid,
					      result.death,
					      tail.empty() ? "" : "; its last output: " + tail));
	}
	worker->retire(kProbeGrace);

	const nlohmann::json &done = result.done;
	if (done.value("result", 1) != 0)
		throw PluginError(done.value("error", std::string("the worker gave no reason")));
	ProbedPlugin probed;
	probed.name = done.value("name", std::string());
	probed.version = done.value("version", std::string());
	probed.description = done.value("description", std::string());
	probed.origin = done.value("origin", std::string());
	// The worker validated it; a worker's answer is still only bytes.
	if (!isValidCheckName(probed.name))
		throw PluginError("the worker that loaded it reported an invalid check name");
	return probed;
}

// The request for a check of the provider's, `what` saying which file or
// module.
ProbedPlugin probeProvided(nlohmann::json what, const ProviderLaunch &provider,
			   const WorkerLaunch &launch, std::chrono::milliseconds timeout)
{
	// As the in-agent provider reports it (catalogOptions()), without a
	// worker start for each check.
	std::error_code ec;
	if (!std::filesystem::exists(provider.path, ec))
		throw PluginError("python support not installed: '" + provider.path.string() +
				  "' not found");
	what["op"] = "probe";
	what["kind"] = "provided";
	what["provider"] = {{"path", provider.path.string()}, {"options", provider.options}};
	return probe(what, launch, timeout);
}

} // namespace

ProbedPlugin probeNativePlugin(const std::filesystem::path &path, const WorkerLaunch &launch,
			       std::chrono::milliseconds timeout)
{
	return probe({{"op", "probe"}, {"path", std::filesystem::absolute(path).string()}}, launch,
		     timeout);
}

ProbedPlugin probeProvidedCheck(const std::filesystem::path &path, const ProviderLaunch &provider,
				const WorkerLaunch &launch, std::chrono::milliseconds timeout)
{
	return probeProvided({{"path", std::filesystem::absolute(path).string()}}, provider, launch,
			     timeout);
}

ProbedPlugin probeProvidedModule(const std::string &module, const ProviderLaunch &provider,
				 const WorkerLaunch &launch, std::chrono::milliseconds timeout)
{
	return probeProvided({{"module", module}}, provider, launch, timeout);
}

void probeIsolatedPlugins(CatalogOptions &options, const AgentConfig &config,
			  const ProviderLaunch &provider)
{
	options.runs_isolated = [conf_dir = config.conf_dir,
				 agent = config.isolation](const std::string &check) {
		// The same reading configureCheck() makes later; a file that does
		// not parse leaves no instance, and the agent's default decides.
		CheckConfig config = loadCheckConfig(conf_dir, check);
		if (config.instances.empty())
			return agent == Isolation::Process;
		return std::all_of(config.instances.begin(), config.instances.end(),
				   [&](const InstanceConfig &instance) {
					   return instance.isolation.value_or(agent) ==
						  Isolation::Process;
				   });
	};
	options.probe_parallelism = config.check_runners;
	WorkerLaunch launch;
	launch.max_vm_mb = config.worker_max_vm_mb;
	options.probe_native = [launch](const std::filesystem::path &path) {
		return probeNativePlugin(path, launch);
	};
#if VIGIL_PYTHON_ENABLED
	options.probe_provided = [launch, provider](const std::filesystem::path &path) {
		return probeProvidedCheck(path, provider, launch);
	};
	options.probe_module = [launch, provider](const std::string &module) {
		return probeProvidedModule(module, provider, launch);
	};
#endif
}

} // namespace vigil::isolation
