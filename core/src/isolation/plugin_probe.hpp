// SPDX-License-Identifier: Apache-2.0
// Loading a native check in a worker instead of the agent.  dlopen() runs a
// library's static constructors, so a plugin whose every instance runs
// isolated (`isolation: process`) must not be opened in the agent even to
// read its descriptor: a constructor that crashes would take the agent down.
// A probe opens it in a short-lived `vigil worker` (ELF pre-check, dlopen,
// descriptor validation, as loadNativePlugin does) and answers with what the
// catalog lists; a probe worker that dies or hangs rejects the file.
//
// Threads: each probe blocks the calling thread (the catalog's, at
// start-up) until the worker answers, dies or overruns its timeout.
#pragma once

#include "config/agent_config.hpp"
#include "isolation/worker_process.hpp"
#include "plugins/catalog.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace vigil::isolation {

// How long a probe may take: loading runs plugin code (constructors), which
// may legitimately open libraries or files, but not hang the start-up.
inline constexpr std::chrono::seconds kProbeTimeout{10};

// Loads `path` in a new worker and reports its descriptor.  Throws
// PluginError with a one-line reason: the loader's own reason ("cannot load:
// ..."), "crashed while loading: worker 123 killed by signal 11 (SIGSEGV,
// Segmentation fault); its last output: ...", or "still loading after 10 s,
// worker 123 killed".
ProbedPlugin probeNativePlugin(const std::filesystem::path &path, const WorkerLaunch &launch,
			       std::chrono::milliseconds timeout = kProbeTimeout);

// The same for a .py file: the worker opens the provider, which imports the
// file, so code that crashes or hangs at import time, and the interpreter,
// stay out of the agent.  The reasons are the in-agent ones (the provider's
// "SyntaxError ... line N", "python support not installed: ..."), or those
// of probeNativePlugin() for a worker that died or hung.
ProbedPlugin probeProvidedCheck(const std::filesystem::path &path, const ProviderLaunch &provider,
				const WorkerLaunch &launch,
				std::chrono::milliseconds timeout = kProbeTimeout);

// The same for a check loaded by module name (an installed Datadog
// integration, catalog.hpp): the worker opens the provider and imports
// `module`; the answer says where it was found.
ProbedPlugin probeProvidedModule(const std::string &module, const ProviderLaunch &provider,
				 const WorkerLaunch &launch,
				 std::chrono::milliseconds timeout = kProbeTimeout);

// Sets `options` so that native (and, with Python support, .py) files whose
// every instance runs isolated (their conf.d/NAME.yaml and vigil.yaml's
// `isolation`), and such checks loaded by module name, are probed in a
// worker instead of loaded here.
void probeIsolatedPlugins(CatalogOptions &options, const AgentConfig &config,
			  const ProviderLaunch &provider);

} // namespace vigil::isolation
