// SPDX-License-Identifier: Apache-2.0
// A vigil_host that records what a check submits, with config lookups served
// from nlohmann::json, and the python_host.so it drives, dlopened
// RTLD_NOW | RTLD_LOCAL exactly as the agent does.
#pragma once

#include <vigil/provider.h>

#include <nlohmann/json.hpp>

#include <mutex>
#include <string>
#include <vector>

// The context the provider passes back to our host functions.
struct vigil_context {
	nlohmann::json instance = nlohmann::json::object();
	nlohmann::json init_config = nlohmann::json::object();
	std::string instance_id = "test:default:0";

	struct Metric {
		vigil_metric_type type;
		std::string name;
		double value;
		std::vector<std::string> tags;
		std::string hostname;
		uint32_t flags = 0; // submit_metric_flags()'s
	};
	struct ServiceCheck {
		std::string name;
		vigil_service_status status;
		std::vector<std::string> tags;
		std::string hostname;
		std::string message;
	};
	struct Event {
		std::string title, text, priority, alert_type, hostname;
		int64_t timestamp;
		std::vector<std::string> tags;
		std::string event_type;
	};

	std::mutex mutex;
	std::vector<Metric> metrics;
	std::vector<ServiceCheck> service_checks;
	std::vector<Event> events;
	std::vector<std::string> warnings;
	std::vector<std::pair<vigil_log_level, std::string>> logs;
	std::string error;
	size_t metric_count = 0; // counted even when record_metrics is false
	bool record_metrics = true;

	// Owned copies handed out by config lookups.
	std::vector<std::unique_ptr<std::string>> strings;

	const Metric *metric(const std::string &name) const;
	bool logged(const std::string &needle) const;
};

const vigil_host *recordingHost();

// The provider, initialised once per process (CPython cannot be restarted).
class PythonHost {
public:
	static PythonHost &get();

	const vigil_provider_descriptor *desc = nullptr;
	void *provider = nullptr;
	std::string init_error;
	std::string state_dir;

	struct Loaded {
		void *check = nullptr;
		std::string error;
		std::string name;
		std::string version;
		std::string origin; // loadModule(): where the module was found
	};
	Loaded load(const std::string &file);
	Loaded loadModule(const std::string &module);
	void *create(void *check, vigil_context &ctx);
	vigil_result run(void *instance, vigil_context &ctx);

private:
	PythonHost();
};
