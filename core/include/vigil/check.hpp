// SPDX-License-Identifier: Apache-2.0
//
// Thin C++ helper over the C ABI in check.h: a C++ check is one class and one
// VIGIL_CHECK() line.  Everything here is header-only and compiled into the
// check itself, so no C++ type crosses the plugin boundary; the trampolines are
// noexcept and turn an exception into an error result carrying its message.
#pragma once

#include <vigil/check.h>

#include <cstddef>
#include <exception>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

using Tags = std::vector<std::string>;

// Read-only view of one scope (instance or init_config) of a check's YAML.
class Config {
public:
	Config(const vigil_host *host, vigil_context *ctx, vigil_config_scope scope)
	    : host_(host), ctx_(ctx), scope_(scope)
	{
	}

	std::string string(const char *key, const char *fallback = "") const
	{
		const char *v = host_->config_string(ctx_, scope_, key, fallback);
		return v ? v : "";
	}
	double number(const char *key, double fallback = 0) const
	{
		return host_->config_number(ctx_, scope_, key, fallback);
	}
	bool boolean(const char *key, bool fallback = false) const
	{
		return host_->config_bool(ctx_, scope_, key, fallback) != 0;
	}
	std::vector<std::string> strings(const char *key) const
	{
		std::vector<std::string> out;
		size_t n = host_->config_list_size(ctx_, scope_, key);
		for (size_t i = 0; i < n; ++i) {
			const char *v = host_->config_list_item(ctx_, scope_, key, i);
			if (v)
				out.emplace_back(v);
		}
		return out;
	}
	std::string json() const
	{
		const char *v = host_->config_json(ctx_, scope_);
		return v ? v : "{}";
	}

private:
	const vigil_host *host_;
	vigil_context *ctx_;
	vigil_config_scope scope_;
};

// What a check's constructor receives.
struct Setup {
	Config instance;
	Config init_config;
};

// What run() submits through; valid only during that run.
class Sender {
public:
	Sender(const vigil_host *host, vigil_context *ctx) : host_(host), ctx_(ctx) {}

	void gauge(std::string_view name, double v, const Tags &tags = {}) const
	{
		metric(VIGIL_METRIC_GAUGE, name, v, tags);
	}
	void count(std::string_view name, double v, const Tags &tags = {}) const
	{
		metric(VIGIL_METRIC_COUNT, name, v, tags);
	}
	// flush_first_value: VIGIL_SUBMIT_FLUSH_FIRST_VALUE (check.h); an agent
	// older than ABI 1.1 takes the sample without it.
	void monotonic_count(std::string_view name, double v, const Tags &tags = {},
			     bool flush_first_value = false) const
	{
		metric(VIGIL_METRIC_MONOTONIC_COUNT, name, v, tags, nullptr,
		       flush_first_value ? VIGIL_SUBMIT_FLUSH_FIRST_VALUE : 0u);
	}
	void rate(std::string_view name, double v, const Tags &tags = {}) const
	{
		metric(VIGIL_METRIC_RATE, name, v, tags);
	}
	void histogram(std::string_view name, double v, const Tags &tags = {}) const
	{
		metric(VIGIL_METRIC_HISTOGRAM, name, v, tags);
	}

	void metric(vigil_metric_type type, std::string_view name, double v, const Tags &tags,
		    const char *hostname = nullptr, uint32_t flags = 0) const
	{
		// Up to 16 tags are passed without a heap allocation.
		const char *small[16];
		std::vector<const char *> big;
		const char **ptrs = small;
		if (tags.size() > 16) {
			big.resize(tags.size());
			ptrs = big.data();
		}
		for (size_t i = 0; i < tags.size(); ++i)
			ptrs[i] = tags[i].c_str();
		std::string n(name);
		if (flags && hasSubmitMetricFlags())
			host_->submit_metric_flags(ctx_, type, n.c_str(), v, ptrs, tags.size(),
						   hostname, flags);
		else
			host_->submit_metric(ctx_, type, n.c_str(), v, ptrs, tags.size(), hostname);
	}

	void service_check(const char *name, vigil_service_status status, const Tags &tags = {},
			   const char *message = nullptr) const
	{
		std::vector<const char *> ptrs;
		for (const auto &t : tags)
			ptrs.push_back(t.c_str());
		host_->submit_service_check(ctx_, name, status, ptrs.data(), ptrs.size(), nullptr,
					    message);
	}
	void event(const vigil_event &e) const { host_->submit_event(ctx_, &e); }
	void warning(const std::string &msg) const { host_->warning(ctx_, msg.c_str()); }
	void log(vigil_log_level level, const std::string &msg) const
	{
		host_->log(ctx_, level, msg.c_str());
	}

	const vigil_host *host() const { return host_; }
	vigil_context *context() const { return ctx_; }

	// An HTTP GET made by the agent (check.h, vigil_http_request).  A
	// transport failure is a response with status 0 and error set, not an
	// exception; throws only when the agent predates ABI 1.1.
	struct HttpResponse {
		int status = 0;
		std::string error;
		std::string body;
		std::string content_type;
	};
	HttpResponse http_get(const std::string &url, const std::vector<std::string> &headers = {},
			      double timeout_seconds = 10, size_t max_body_bytes = 0) const
	{
		if (host_->struct_size < offsetof(vigil_host, http_get) + sizeof(host_->http_get) ||
		    !host_->http_get)
			throw std::runtime_error(
				"this agent has no HTTP service (ABI older than 1.1)");
		std::vector<const char *> ptrs;
		for (const auto &h : headers)
			ptrs.push_back(h.c_str());
		vigil_http_request request{sizeof(vigil_http_request),
					   url.c_str(),
					   ptrs.data(),
					   ptrs.size(),
					   timeout_seconds,
					   max_body_bytes};
		vigil_http_response response{};
		response.struct_size = sizeof(vigil_http_response);
		host_->http_get(ctx_, &request, &response);
		HttpResponse out;
		out.status = response.status;
		out.error = response.error ? response.error : "";
		if (response.body)
			out.body.assign(response.body, response.body_size);
		out.content_type = response.content_type ? response.content_type : "";
		return out;
	}

private:
	bool hasSubmitMetricFlags() const
	{
		return host_->struct_size >= offsetof(vigil_host, submit_metric_flags) +
						     sizeof(host_->submit_metric_flags) &&
		       host_->submit_metric_flags;
	}

	const vigil_host *host_;
	vigil_context *ctx_;
};

// Base class of a C++ check.  Throw from the constructor or run() to report an
// error; the message becomes the run's (or instance's) error.
class Check {
public:
	virtual ~Check() = default;
	virtual void run(Sender &sender) = 0;
};

namespace detail {

inline void report(const vigil_host *host, vigil_context *ctx) noexcept
{
	try {
		throw;
	} catch (const std::exception &e) {
		host->set_error(ctx, e.what());
	} catch (...) {
		host->set_error(ctx, "unknown C++ exception");
	}
}

template <class T>
void *create(const vigil_host *host, vigil_context *ctx) noexcept
{
	try {
		Setup setup{Config(host, ctx, VIGIL_CONFIG_INSTANCE),
			    Config(host, ctx, VIGIL_CONFIG_INIT)};
		return static_cast<Check *>(new T(setup));
	} catch (...) {
		report(host, ctx);
		return nullptr;
	}
}

inline vigil_result run(void *instance, const vigil_host *host, vigil_context *ctx) noexcept
{
	try {
		Sender sender(host, ctx);
		static_cast<Check *>(instance)->run(sender);
		return VIGIL_OK;
	} catch (...) {
		report(host, ctx);
		return VIGIL_ERROR;
	}
}

inline void destroy(void *instance) noexcept
{
	delete static_cast<Check *>(instance);
}

} // namespace detail
} // namespace vigil

// Declares the plugin: CLASS derives from vigil::Check and has a constructor
// taking (const vigil::Setup &).  Use once per shared object.
#define VIGIL_CHECK(CLASS, NAME, VERSION, DESCRIPTION)                                             \
	VIGIL_CHECK_WITH_FLAGS(CLASS, NAME, VERSION, DESCRIPTION, 0u)

// The same with VIGIL_CHECK_* flags (check.h), e.g. VIGIL_CHECK_NEEDS_CONFIG.
#define VIGIL_CHECK_WITH_FLAGS(CLASS, NAME, VERSION, DESCRIPTION, FLAGS)                           \
	extern "C" VIGIL_EXPORT const vigil_check_descriptor *vigil_check_entry(void)              \
	{                                                                                          \
		static const vigil_check_descriptor descriptor = {                                 \
			VIGIL_ABI_VERSION,                                                         \
			sizeof(vigil_check_descriptor),                                            \
			NAME,                                                                      \
			VERSION,                                                                   \
			DESCRIPTION,                                                               \
			&vigil::detail::create<CLASS>,                                             \
			&vigil::detail::run,                                                       \
			&vigil::detail::destroy,                                                   \
			FLAGS,                                                                     \
		};                                                                                 \
		return &descriptor;                                                                \
	}
