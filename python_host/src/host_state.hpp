// SPDX-License-Identifier: Apache-2.0
// What python_host knows for its whole life: the options init() was given and
// the few Python objects the C++ side calls into.  Set once by init() on the
// main thread before any worker runs, read-only afterwards.
#pragma once

#include <Python.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace vigil::pyhost {

struct HostOptions {
	std::string agent_version;
	std::string hostname;
	std::string state_dir;
	std::vector<std::string> plugin_dirs;
	double default_timeout = 0;
	double agent_start_time = 0; // seconds since the epoch, whole
	// vigil.yaml `python:` (docs/python.md): a virtualenv and extra folders.
	std::string python_venv;
	std::vector<std::string> python_extra_path;
	nlohmann::json agent_config = nlohmann::json::object();
	// Not part of the documented options: overrides for tests and packagers.
	std::string python_executable; // default /usr/bin/python3
	std::string python_path;       // python_host's own package folder
};

struct HostState {
	HostOptions options;
	PyInterpreterState *interp = nullptr;
	PyObject *loader = nullptr;	   // vigil._loader (load/create/format helpers)
	PyObject *check_timeout = nullptr; // vigil.CheckTimeout
};

// The one instance; immutable once init() returned.
HostState &hostState();

} // namespace vigil::pyhost
