// SPDX-License-Identifier: Apache-2.0
#include "interpreter.hpp"

#include "builtin_modules.hpp"
#include "python_error.hpp"
#include "thread_state.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

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

// The `python.venv` of vigil.yaml, checked: its python3, which Python's
// own start-up reads the venv's pyvenv.cfg beside (sys.prefix, its
// site-packages, and the system's if the venv includes them), made from the
// Python this provider embeds (a venv of another version holds compiled
// modules this one cannot load).
bool venvExecutable(const std::string &venv, std::string &executable, std::string &error)
{
	namespace fs = std::filesystem;
	const std::string where = "python.venv '" + venv + "'";
	std::ifstream cfg(fs::path(venv) / "pyvenv.cfg");
	if (!cfg) {
		error = where + " is not a virtualenv: no readable pyvenv.cfg in it";
		return false;
	}
	const std::string ours =
		std::to_string(PY_MAJOR_VERSION) + "." + std::to_string(PY_MINOR_VERSION);
	std::string line;
	while (std::getline(cfg, line)) {
		const size_t eq = line.find('=');
		if (eq == std::string::npos)
			continue;
		std::string key = line.substr(0, eq), value = line.substr(eq + 1);
		auto trim = [](std::string &s) {
			s.erase(0, s.find_first_not_of(" \t"));
			s.erase(s.find_last_not_of(" \t\r") + 1);
		};
		trim(key);
		trim(value);
		if ((key == "version" || key == "version_info") && value != ours &&
		    value.rfind(ours + ".", 0) != 0) {
			error = where + " is Python " + value + "; python_host embeds Python " +
				ours + ": make the venv with /usr/bin/python3";
			return false;
		}
	}
	std::error_code ec;
	executable = (fs::path(venv) / "bin" / "python3").string();
	if (!fs::exists(executable, ec)) {
		error = where + " has no bin/python3";
		return false;
	}
	return true;
}

bool configure(const HostOptions &options, std::string &error)
{
	// A real interpreter, not the pyenv shim on PATH: Datadog's base class
	// runs `sys.executable -c ...`, and prefix/site-packages derive from it.
	std::string executable =
		options.python_executable.empty() ? "/usr/bin/python3" : options.python_executable;
	if (!options.python_venv.empty() && !venvExecutable(options.python_venv, executable, error))
		return false;

	PyConfig config;
	// Isolated: no PYTHON* environment, no user site, no signal handlers
	// (the agent owns SIGINT/SIGTERM).
	PyConfig_InitIsolatedConfig(&config);
	config.install_signal_handlers = 0;
	PyStatus status = PyStatus_Ok();
	// Bytecode goes under the state folder, never beside the sources
	// (plugin folders and libraries may be read-only or shared), so that a
	// second start does not compile the Datadog base and its dependencies
	// again.  Writes are atomic renames: worker processes share it.
	config.write_bytecode = 0;
	if (!options.state_dir.empty()) {
		config.write_bytecode = 1;
		const std::string prefix =
			(std::filesystem::path(options.state_dir) / "pycache").string();
		status = PyConfig_SetBytesString(&config, &config.pycache_prefix, prefix.c_str());
	}
	if (!PyStatus_Exception(status))
		status = PyConfig_SetBytesString(&config, &config.executable, executable.c_str());
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
	// The order (docs/python.md): the standard library; the modules the
	// Datadog agent builds in (util, tagger, ...), which there shadow any
	// file of the same name; `python.path`; the site-packages (a venv's
	// before the system's); the plugin folders, so that a check named like
	// a library cannot shadow it; python_host's own package last, so that
	// an installed datadog_checks_base wins over its shim.
	Py_ssize_t site = 0;
	for (; site < PyList_GET_SIZE(path); ++site) {
		const char *entry = PyUnicode_AsUTF8(PyList_GET_ITEM(path, site));
		if (!entry)
			PyErr_Clear();
		const std::string name =
			entry ? std::filesystem::path(entry).filename().string() : std::string();
		if (name == "site-packages" || name == "dist-packages")
			break;
	}
	std::vector<std::string> early{packageDir(options) + "/_agent_modules"};
	early.insert(early.end(), options.python_extra_path.begin(),
		     options.python_extra_path.end());
	for (const std::string &dir : early) {
		PyRef item(PyUnicode_DecodeFSDefault(dir.c_str()));
		if (!item || PyList_Insert(path, site++, item.get()) != 0)
			return error = takeErrorText(false), false;
	}
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
	    PyImport_AppendInittab("datadog_agent", initDatadogAgentModule) < 0) {
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
