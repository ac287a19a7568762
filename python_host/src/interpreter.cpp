// SPDX-License-Identifier: Apache-2.0
#include "interpreter.hpp"

#include "builtin_modules.hpp"
#include "python_error.hpp"
#include "thread_state.hpp"

#include <dlfcn.h>

#include <filesystem>

namespace vigil::pyhost {
namespace {

// Never destroyed, for the same reason as the provider: threads still in
// Python at exit read it.
HostState &g_state = *new HostState;

// The agent loads python_host RTLD_LOCAL, so libpython's symbols (pulled in
// as our dependency) are invisible to C extensions dlopened later (_ctypes,
// _json, _decimal, yaml's _yaml, psutil): some fail to import, json and yaml
// silently fall back to pure Python.  Re-opening the already loaded libpython
// RTLD_GLOBAL promotes its symbols to the global scope.
bool promoteLibpython(std::string &error)
{
	Dl_info info{};
	if (!dladdr(reinterpret_cast<void *>(&Py_InitializeFromConfig), &info) || !info.dli_fname) {
		error = "cannot find the loaded libpython (dladdr failed)";
		return false;
	}
	if (!dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL)) {
		const char *why = dlerror();
		error = std::string("cannot make '") + info.dli_fname +
			"' global: " + (why ? why : "unknown error");
		return false;
	}
	return true;
}

// python_host's own Python package (vigil, datadog_checks, checks): the
// source folder for a build-tree python_host.so, else the installed copy.
std::string packageDir(const HostOptions &options)
{
	if (!options.python_path.empty())
		return options.python_path;
	Dl_info info{};
	std::string self;
	if (dladdr(reinterpret_cast<void *>(&packageDir), &info) && info.dli_fname) {
		// The agent loads plugins through the descriptor it checked
		// (/proc/self/fd/N, kept open), so resolve that to the file itself.
		std::error_code canonical_ec;
		auto resolved = std::filesystem::canonical(info.dli_fname, canonical_ec);
		self = canonical_ec ? info.dli_fname : resolved.string();
	}
	std::string build_root = VIGIL_PYHOST_BUILD_ROOT;
	bool in_build_tree = !self.empty() && self.rfind(build_root + "/", 0) == 0;
	std::error_code ec;
	if (in_build_tree && std::filesystem::is_directory(VIGIL_PYHOST_SOURCE_PKG_DIR, ec))
		return VIGIL_PYHOST_SOURCE_PKG_DIR;
	if (std::filesystem::is_directory(VIGIL_PYHOST_INSTALL_PKG_DIR, ec))
		return VIGIL_PYHOST_INSTALL_PKG_DIR;
	return VIGIL_PYHOST_SOURCE_PKG_DIR;
}

bool configure(const HostOptions &options, std::string &error)
{
	PyConfig config;
	// Isolated: no PYTHON* environment, no user site, no signal handlers
	// (the agent owns SIGINT/SIGTERM).
	PyConfig_InitIsolatedConfig(&config);
	config.install_signal_handlers = 0;
	// Plugin folders may be read-only or shared: never write .pyc there.
	config.write_bytecode = 0;
	// A real interpreter, not the pyenv shim on PATH: Datadog's base class
	// runs `sys.executable -c ...`, and prefix/site-packages derive from it.
	std::string executable =
		options.python_executable.empty() ? "/usr/bin/python3" : options.python_executable;
	PyStatus status = PyConfig_SetBytesString(&config, &config.executable, executable.c_str());
	if (!PyStatus_Exception(status))
		status = PyConfig_SetBytesString(&config, &config.program_name, executable.c_str());
	if (!PyStatus_Exception(status))
		status = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(status)) {
		error = std::string("cannot start Python: ") +
			(status.err_msg ? status.err_msg : "unknown error");
		return false;
	}
	return true;
}

// Runs on the init thread with the GIL: sys.path, threading, output capture.
bool setUp(const HostOptions &options, std::string &error)
{
	PyObject *path = PySys_GetObject("path"); // borrowed
	auto append = [&](const std::string &dir) {
		PyRef item(PyUnicode_DecodeFSDefault(dir.c_str()));
		return item && PyList_Append(path, item.get()) == 0;
	};
	if (!path) {
		error = "sys.path is missing";
		return false;
	}
	// Plugin folders go after the standard library so that a check named
	// like a stdlib module cannot shadow it.
	for (const std::string &dir : options.plugin_dirs)
		if (!append(dir))
			return error = takeErrorText(false), false;
	if (!append(packageDir(options)))
		return error = takeErrorText(false), false;

	// threading first imported on the init thread, so its idea of the main
	// thread is this one and not whichever worker imports it first.
	PyRef threading(PyImport_ImportModule("threading"));
	PyRef vigil(threading ? PyImport_ImportModule("vigil") : nullptr);
	PyRef loader(vigil ? PyImport_ImportModule("vigil._loader") : nullptr);
	PyRef timeout(vigil ? PyObject_GetAttrString(vigil.get(), "CheckTimeout") : nullptr);
	// Checks that print must not corrupt `vigil run` output on stdout.
	PyRef output(loader ? PyObject_CallMethod(loader.get(), "install_output", nullptr)
			    : nullptr);
	if (!output) {
		error = "cannot set up python_host's Python side (" + packageDir(options) +
			"): " + takeErrorText(false);
		return false;
	}
	g_state.loader = loader.get();
	Py_INCREF(g_state.loader);
	g_state.check_timeout = timeout.get();
	Py_INCREF(g_state.check_timeout);
	return true;
}

} // namespace

HostState &hostState()
{
	return g_state;
}

bool startInterpreter(const HostOptions &options, std::string &error)
{
	if (Py_IsInitialized()) {
		error = "Python is already initialised in this process";
		return false;
	}
	if (!promoteLibpython(error))
		return false;
	g_state.options = options;
	if (PyImport_AppendInittab("aggregator", initAggregatorModule) < 0 ||
	    PyImport_AppendInittab("datadog_agent", initDatadogAgentModule) < 0 ||
	    PyImport_AppendInittab("_vigil", initVigilModule) < 0) {
		error = "cannot register the builtin modules";
		return false;
	}
	if (!configure(options, error))
		return false;
	g_state.interp = PyInterpreterState_Get();
	bool ok = setUp(options, error);
	// From here on every thread (this one included) takes the GIL through
	// its own persistent thread state; this one keeps the init state.
	adoptThreadState(PyEval_SaveThread());
	return ok;
}

} // namespace vigil::pyhost
