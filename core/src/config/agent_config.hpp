// SPDX-License-Identifier: Apache-2.0
// vigil.yaml: the agent's own configuration.
#pragma once

#include "config/check_config.hpp"
#include "config/error.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace vigil {

struct OutputConfig {
	std::string type = "json"; // "json" (JSON lines) or "none"
	std::string path = "-";	   // "-" = stdout
};

// `remote_write:` in vigil.yaml (docs/outputs.md, "Remote write").
struct RemoteWriteConfig {
	std::string url;		    // empty = no remote write
	size_t queue_size = 50000;	    // samples kept while the receiver is away
	size_t max_samples_per_send = 2000; // per POST, <= queue_size
	double timeout = 10;		    // seconds per POST
	double min_backoff = 0.03;	    // seconds, first retry's ceiling
	double max_backoff = 5;		    // seconds, cap of the retry ceiling
	std::string basic_auth_username;    // empty = no basic auth
	std::filesystem::path basic_auth_password_file;
	std::filesystem::path bearer_token_file; // empty = no bearer token
	// Not a key of `remote_write:`: the agent copies `prometheus_prefix` here so
	// that pushed series have the names /metrics shows.
	std::string metric_prefix;
};

// `python:` in vigil.yaml (docs/python.md, "Running Datadog integrations"):
// where Python checks import their libraries from, besides the standard
// library and the system's packages.
struct PythonConfig {
	// A virtualenv (made with the python3 the agent embeds) whose
	// site-packages come before the system's; empty = none.
	std::filesystem::path venv;
	// Extra folders, on sys.path before every site-packages (as they are:
	// .pth files in them are not read).
	std::vector<std::filesystem::path> path;
};

struct AgentConfig {
	std::filesystem::path source;			 // the file read, empty for defaults
	std::vector<std::filesystem::path> plugins_dirs; // empty = built-in defaults
	std::filesystem::path conf_dir;			 // empty = built-in default
	std::string hostname;				 // empty = the machine's
	unsigned check_runners = 4;
	double flush_interval = 15; // seconds, > 0
	std::string log_level = "info";
	OutputConfig output;
	RemoteWriteConfig remote_write;
	std::vector<std::string> histogram_aggregates{"max", "median", "avg", "count"};
	std::vector<double> histogram_percentiles{0.95};
	double shutdown_grace = 5; // seconds to wait for running checks at exit
	// Seconds an instance may run when its config has no `timeout`; 0 = none.
	double default_timeout = 0;
	// Check isolation (docs/isolation.md): where instances without their
	// own `isolation` run, and the limits of worker processes.
	Isolation isolation = Isolation::None;
	unsigned worker_max_runs = 1000; // runs before a worker is replaced; 0 = no limit
	double worker_max_rss_mb = 256;	 // RSS after a run that replaces the worker; 0 = none
	double worker_max_vm_mb = 4096;	 // address-space limit (RLIMIT_AS) of a worker; 0 = none
	unsigned quarantine_after = 3;	 // crashes/timeouts in a row; 0 = never quarantine
	double quarantine_max_backoff = 300; // seconds, cap of the quarantine backoff
	// HTTP server for /metrics and /status: "host:port" (validated), "" = off.
	std::string listen = "127.0.0.1:17380";
	// Where the running agent writes its status token and address (0700
	// directory, 0600 file); empty = the built-in default (docs/configuration.md).
	std::filesystem::path run_dir;
	std::string prometheus_prefix; // prepended to every check metric name on /metrics
	PythonConfig python;
};

// Parses vigil.yaml.  Relative paths in it are resolved against the file's
// directory.  Throws ConfigError on bad YAML, unknown keys' wrong types or
// out-of-range values.  Unknown keys are not an error (forward compatibility)
// but are returned in `warnings`.
AgentConfig loadAgentConfig(const std::filesystem::path &file,
			    std::vector<std::string> *warnings = nullptr);

// Same, from text (for tests); `name` is used in messages.
AgentConfig parseAgentConfig(const std::string &yaml, const std::string &name,
			     std::vector<std::string> *warnings = nullptr);

} // namespace vigil
