// SPDX-License-Identifier: Apache-2.0
#include "isolation/worker_main.hpp"

#include "isolation/worker_protocol.hpp"
#include "isolation/worker_recorder.hpp"
#include "plugins/binding.hpp"
#include "plugins/loader.hpp"
#include "plugins/provider.hpp"

#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace vigil::isolation {

namespace {

struct LoadedCheck {
	std::optional<NativePlugin> native; // keeps the library loaded
	std::shared_ptr<const CheckBinding> binding;
};

struct Instance {
	WorkerInstanceConfig config;
	std::shared_ptr<const CheckBinding> binding;
	void *handle = nullptr; // from create()
};

class Worker {
public:
	explicit Worker(int fd) : fd_(fd) {}

	int serve()
	{
		FrameReader reader;
		for (;;) {
			std::optional<nlohmann::json> request;
			try {
				request = readMessage(fd_, reader);
			} catch (const ProtocolError &e) {
				std::fprintf(stderr, "vigil worker: %s, exiting\n", e.what());
				return 2;
			}
			if (!request)
				return 0; // the agent closed the connection: recycled
			nlohmann::json done;
			try {
				done = run(*request);
			} catch (const std::exception &e) {
				done = {{"op", "done"},
					{"result", int(VIGIL_ERROR)},
					{"error", std::string("worker: ") + e.what()}};
			}
			send(std::move(done));
		}
	}

private:
	void send(nlohmann::json &&message)
	{
		if (!writeAll(fd_, encodeFrame(message))) {
			// The agent is gone or killed us off: nothing left to do.
			std::_Exit(0);
		}
	}

	// A provided check comes from a file ("path") or, loaded by name, from a
	// module ("module", an installed Datadog integration): the provider's
	// load() or load_module(), as the agent's catalog would call it.
	static bool byModule(const nlohmann::json &request) { return request.contains("module"); }

	ProvidedCheck loadProvided(const nlohmann::json &request)
	{
		if (byModule(request))
			return provider_->loadModule(request.at("module").get<std::string>());
		return provider_->load(request.at("path").get<std::string>());
	}

	const LoadedCheck &load(const nlohmann::json &request)
	{
		// Paths are absolute; a module name never starts with '/'.
		const std::string key = byModule(request) ? request.at("module").get<std::string>()
							  : request.at("path").get<std::string>();
		auto it = checks_.find(key);
		if (it != checks_.end())
			return it->second;
		LoadedCheck loaded;
		if (request.at("kind").get<std::string>() == "native") {
			loaded.native = loadNativePlugin(key);
			loaded.binding = nativeBinding(*loaded.native, workerHostServices());
		} else {
			if (!provider_) {
				const nlohmann::json &p = request.at("provider");
				provider_ = CheckProvider::open(p.at("path").get<std::string>(),
								p.at("options").get<std::string>());
			}
			loaded.binding =
				provider_->binding(loadProvided(request), workerHostServices());
		}
		return checks_.emplace(key, std::move(loaded)).first->second;
	}

	// The catalog's probe (plugin_probe.hpp): load a native .so, a .py file
	// or a module, say what it is.  A constructor or module code that
	// crashes kills this process, which is the answer.
	nlohmann::json probe(const nlohmann::json &request)
	{
		if (request.value("kind", "native") == "native") {
			try {
				NativePlugin plugin =
					loadNativePlugin(request.at("path").get<std::string>());
				return probed(plugin.name, plugin.version, plugin.description);
			} catch (const std::exception &e) {
				return probeError(e.what());
			}
		}
		const nlohmann::json &p = request.at("provider");
		const std::string provider_path = p.at("path").get<std::string>();
		try {
			if (!provider_)
				provider_ = CheckProvider::open(provider_path,
								p.at("options").get<std::string>());
		} catch (const std::exception &e) {
			// The words the agent uses when it opens the provider itself.
			return probeError("python support not installed: '" + provider_path +
					  "': " + e.what());
		}
		try {
			ProvidedCheck check = loadProvided(request);
			return probed(check.name, check.version, check.description, check.origin);
		} catch (const std::exception &e) {
			return probeError(e.what());
		}
	}

	static nlohmann::json probed(const std::string &name, const std::string &version,
				     const std::string &description, const std::string &origin = "")
	{
		nlohmann::json done = {{"op", "done"}, {"result", int(VIGIL_OK)}, {"name", name}};
		done["version"] = version;
		done["description"] = description;
		done["origin"] = origin;
		return done;
	}

	static nlohmann::json probeError(const std::string &reason)
	{
		return {{"op", "done"}, {"result", int(VIGIL_ERROR)}, {"error", reason}};
	}

	nlohmann::json run(const nlohmann::json &request)
	{
		if (request.value("op", "") == "probe")
			return probe(request);
		if (request.value("op", "") != "run")
			throw ProtocolError("unknown request '" + request.value("op", "") + "'");
		const std::string id = request.at("id").get<std::string>();
		auto it = instances_.find(id);
		if (it == instances_.end()) {
			Instance fresh;
			try {
				fresh.binding = load(request).binding;
			} catch (const std::exception &e) {
				const std::string what =
					byModule(request)
						? "module " +
							  request.at("module").get<std::string>()
						: "'" + request.at("path").get<std::string>() + "'";
				return {{"op", "done"},
					{"result", int(VIGIL_ERROR)},
					{"error", "cannot load " + what + ": " + e.what()}};
			}
			fresh.config.id = id;
			fresh.config.instance = request.at("instance");
			fresh.config.init_config = request.at("init_config");
			it = instances_.emplace(id, std::move(fresh)).first;
		}
		Instance &inst = it->second;
		WorkerRecorder recorder(inst.config,
					[this](nlohmann::json &&batch) { send(std::move(batch)); });
		if (!inst.handle) {
			inst.handle = inst.binding->create(recorder.handle());
			if (!inst.handle) {
				nlohmann::json done = recorder.finish(VIGIL_ERROR);
				done["stage"] = "create";
				return done;
			}
		}
		return recorder.finish(inst.binding->run(inst.handle, recorder.handle()));
	}

	int fd_;
	std::map<std::string, LoadedCheck> checks_; // by path
	std::map<std::string, Instance> instances_; // by instance id
	std::shared_ptr<CheckProvider> provider_;
};

} // namespace

int runWorker(const WorkerOptions &options)
{
	// If the agent dies without a chance to stop us (SIGKILL), we must not
	// live on as an orphan.  Checked again after: the agent may already be
	// gone.
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 0;
	std::signal(SIGPIPE, SIG_IGN);
	if (options.max_vm_mb > 0) {
		// A deterministic ceiling: a check that allocates past it gets NULL
		// or bad_alloc here, not the machine's OOM killer somewhere else.
		rlim_t bytes = static_cast<rlim_t>(options.max_vm_mb * 1024 * 1024);
		rlimit limit{bytes, bytes};
		if (setrlimit(RLIMIT_AS, &limit) != 0)
			std::perror("vigil worker: setrlimit(RLIMIT_AS)");
	}
	return Worker(options.fd).serve();
}

} // namespace vigil::isolation
