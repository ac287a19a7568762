// SPDX-License-Identifier: Apache-2.0
#include "isolation/isolated_instance.hpp"

#include "process/logging.hpp"

#include <fmt/format.h>

#include <cmath>
#include <vector>

namespace vigil {

using namespace isolation;

IsolationContext::IsolationContext(Options options)
    : options_(std::move(options)), native_(options_.pool), python_(options_.pool)
{
}

IsolationContext::~IsolationContext()
{
	shutdown();
}

Isolation IsolationContext::isolationOf(const InstanceConfig &instance) const
{
	return instance.isolation.value_or(options_.default_isolation);
}

std::chrono::milliseconds IsolationContext::timeoutOf(const InstanceConfig &instance) const
{
	double seconds = instance.timeout.value_or(options_.default_timeout);
	if (seconds > 0)
		return std::chrono::milliseconds(
			std::max<long long>(1, std::llround(seconds * 1000)));
	return instance.interval;
}

WorkerPool &IsolationContext::pool(PluginKind kind)
{
	return kind == PluginKind::Native ? native_ : python_;
}

void IsolationContext::shutdown()
{
	native_.shutdown();
	python_.shutdown();
}

std::shared_ptr<IsolationContext> makeIsolationContext(const AgentConfig &config,
						       const isolation::ProviderLaunch &provider)
{
	IsolationContext::Options options;
	options.default_isolation = config.isolation;
	options.default_timeout = config.default_timeout;
	options.pool.launch.max_vm_mb = config.worker_max_vm_mb;
	options.pool.max_runs = config.worker_max_runs;
	options.pool.max_rss_mb = config.worker_max_rss_mb;
	options.python_host = provider.path;
	options.python_options = provider.options;
	return std::make_shared<IsolationContext>(std::move(options));
}

QuarantinePolicy quarantinePolicy(const AgentConfig &config)
{
	QuarantinePolicy policy;
	policy.after = config.quarantine_after;
	policy.max_backoff = std::chrono::duration_cast<Clock::duration>(
		std::chrono::duration<double>(config.quarantine_max_backoff));
	return policy;
}

IsolatedInstance::IsolatedInstance(const CatalogEntry &entry, InstanceConfig config,
				   Aggregator &aggregator,
				   std::shared_ptr<IsolationContext> isolation)
    : isolation_(std::move(isolation)), kind_(entry.kind), config_(std::move(config)),
      aggregator_(aggregator), log_(logger("check")), timeout_(isolation_->timeoutOf(config_))
{
	context_.check_name = entry.name;
	context_.config = &config_;
	nlohmann::json request = {
		{"op", "run"},
		{"id", config_.id},
		{"check", entry.name},
		{"kind", entry.kind == PluginKind::Native ? "native" : "provided"},
		{"path", entry.path.string()},
		{"instance", config_.data},
		{"init_config", config_.init_config},
	};
	if (entry.kind != PluginKind::Native)
		request["provider"] = {{"path", isolation_->options().python_host.string()},
				       {"options", isolation_->options().python_options}};
	if (!entry.module.empty())
		request["module"] = entry.module; // loaded by name; path is where it was
	request_ = encodeFrame(request);
}

void IsolatedInstance::replay(const nlohmann::json &batch, RunContext &ctx)
{
	std::vector<std::string> tag_storage;
	std::vector<const char *> tags;
	auto str = [](const nlohmann::json &v) -> const char * {
		return v.is_string() ? v.get_ref<const std::string &>().c_str() : nullptr;
	};
	// A null list stands for the check's NULL-with-a-count, which the
	// RunContext reports; pass it on as such.
	auto tagList = [&](const nlohmann::json &list) -> std::pair<const char *const *, size_t> {
		tags.clear();
		if (!list.is_array())
			return {nullptr, 1};
		for (const auto &t : list)
			tags.push_back(str(t));
		return {tags.data(), tags.size()};
	};
	auto items = [&](const char *field) -> const nlohmann::json & {
		static const nlohmann::json none = nlohmann::json::array();
		auto it = batch.find(field);
		return it != batch.end() && it->is_array() ? *it : none;
	};
	for (const auto &m : items("metrics")) {
		auto [t, n] = tagList(m.at(3));
		ctx.submitMetric(
			m.at(0).get<int>(), str(m.at(1)),
			m.at(2).is_number() ? m.at(2).get<double>() : NAN, t, n, str(m.at(4)),
			m.size() > 5 && m[5].is_number_unsigned() ? m[5].get<uint32_t>() : 0);
	}
	for (const auto &s : items("service_checks")) {
		auto [t, n] = tagList(s.at(2));
		ctx.submitServiceCheck(str(s.at(0)), s.at(1).get<int>(), t, n, str(s.at(3)),
				       str(s.at(4)));
	}
	for (const auto &e : items("events")) {
		if (!e.is_object()) {
			ctx.submitEvent(nullptr);
			continue;
		}
		auto [t, n] = tagList(e.at("tags"));
		vigil_event ev{};
		ev.struct_size = sizeof ev;
		ev.title = str(e.at("title"));
		ev.text = str(e.at("text"));
		ev.timestamp = e.at("timestamp").get<int64_t>();
		ev.priority = str(e.at("priority"));
		ev.alert_type = str(e.at("alert_type"));
		ev.aggregation_key = str(e.at("aggregation_key"));
		ev.source_type_name = str(e.at("source_type_name"));
		ev.event_type = e.contains("event_type") ? str(e.at("event_type")) : nullptr;
		ev.hostname = str(e.at("hostname"));
		ev.tags = t;
		ev.tag_count = n;
		ctx.submitEvent(&ev);
	}
	for (const auto &w : items("warnings"))
		ctx.warning(w.is_string() ? w.get<std::string>() : std::string());
	for (const auto &l : items("logs"))
		ctx.log(l.at(0).get<int>(), str(l.at(1)));
}

RunOutcome IsolatedInstance::run()
{
	RunContext ctx(aggregator_, context_, log_);
	RunOutcome outcome;
	auto finish = [&](RunStatus status, std::string error) {
		outcome.status = status;
		outcome.error = std::move(error);
		outcome.samples = ctx.samples();
		outcome.warnings = ctx.takeWarnings();
		return outcome;
	};

	WorkerPool &pool = isolation_->pool(kind_);
	std::unique_ptr<WorkerProcess> worker;
	try {
		worker = pool.acquire(config_.id);
	} catch (const std::exception &e) {
		return finish(RunStatus::Error, fmt::format("no worker process: {}", e.what()));
	}
	const auto deadline = std::chrono::steady_clock::now() + timeout_;
	ExchangeResult result;
	try {
		result = worker->exchange(request_, deadline,
					  [&](const nlohmann::json &batch) { replay(batch, ctx); });
	} catch (const std::exception &e) {
		// A malformed batch: the worker cannot be trusted any more.
		const pid_t pid = worker->pid();
		pool.discard(std::move(worker));
		return finish(RunStatus::Error,
			      fmt::format("worker {} sent a bad message: {}", pid, e.what()));
	}

	const pid_t pid = worker->pid();
	// Not logged here: the Scheduler logs a kill or a crash like any failed
	// run, once and then in rate-limited reminders (scheduling/failure_log.hpp).
	if (result.end == ExchangeEnd::TimedOut) {
		pool.discard(std::move(worker));
		return finish(RunStatus::Timeout,
			      fmt::format("run exceeded its {} s timeout, worker {} killed",
					  timeout_.count() / 1000.0, pid));
	}
	if (result.end == ExchangeEnd::Died) {
		std::string tail = worker->outputTail();
		pool.discard(std::move(worker));
		return finish(RunStatus::Crashed,
			      fmt::format("worker {} {} during the run{}", pid, result.death,
					  tail.empty() ? "" : "; its last output: " + tail));
	}

	const nlohmann::json &done = result.done;
	try {
		replay(done, ctx);
	} catch (const std::exception &e) {
		pool.discard(std::move(worker));
		return finish(RunStatus::Error,
			      fmt::format("worker {} sent a bad message: {}", pid, e.what()));
	}
	pool.release(std::move(worker), config_.id);
	const int code = done.value("result", int(VIGIL_ERROR));
	std::string error = done.value("error", std::string());
	if (done.value("stage", "") == "create")
		return finish(RunStatus::Error, error.empty() ? "create() failed without a message"
							      : "create() failed: " + error);
	if (code == VIGIL_TIMEOUT)
		return finish(RunStatus::Timeout, error.empty() ? "run() timed out" : error);
	if (code != VIGIL_OK)
		return finish(RunStatus::Error,
			      error.empty() ? "run() failed without a message" : error);
	// set_error() with an OK result: the error is what an operator needs.
	return finish(error.empty() ? RunStatus::Ok : RunStatus::Error, error);
}

} // namespace vigil
