/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Vigil native check ABI, version 1.1 (minor 1 added vigil_host.http_get and
 * submit_metric_flags, vigil_check_descriptor.flags, vigil_event.event_type).
 *
 * This is the whole contract between the agent and a native check: plain C,
 * no C++ type, exception or allocator crosses it.  A check is a shared object
 * that exports exactly one symbol, vigil_check_entry(), returning a pointer to
 * a static vigil_check_descriptor.
 *
 * Versioning (the GStreamer/libcamera rule): the major version must match the
 * agent's, the minor version must not be newer than the agent's.  Structs only
 * ever grow at the end; a reader looks at a field only when struct_size says
 * the writer had it.  Any other change bumps the major version.
 */
#ifndef VIGIL_CHECK_H
#define VIGIL_CHECK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIGIL_ABI_VERSION_MAJOR 1u
#define VIGIL_ABI_VERSION_MINOR 1u
#define VIGIL_ABI_VERSION ((VIGIL_ABI_VERSION_MAJOR << 16) | VIGIL_ABI_VERSION_MINOR)
#define VIGIL_ABI_MAJOR(v) ((uint32_t)(v) >> 16)
#define VIGIL_ABI_MINOR(v) ((uint32_t)(v)&0xffffu)

#define VIGIL_CHECK_ENTRY_SYMBOL "vigil_check_entry"

#if defined(__GNUC__)
#define VIGIL_EXPORT __attribute__((visibility("default")))
#else
#define VIGIL_EXPORT
#endif

/* Metric types; the numbers are the Datadog agent's so Python checks map 1:1. */
typedef enum vigil_metric_type {
	VIGIL_METRIC_GAUGE = 0,
	VIGIL_METRIC_RATE = 1,
	VIGIL_METRIC_COUNT = 2,
	VIGIL_METRIC_MONOTONIC_COUNT = 3,
	VIGIL_METRIC_COUNTER = 4, /* legacy Datadog "counter": treated as count */
	VIGIL_METRIC_HISTOGRAM = 5,
	VIGIL_METRIC_HISTORATE = 6,
} vigil_metric_type;

typedef enum vigil_service_status {
	VIGIL_STATUS_OK = 0,
	VIGIL_STATUS_WARNING = 1,
	VIGIL_STATUS_CRITICAL = 2,
	VIGIL_STATUS_UNKNOWN = 3,
} vigil_service_status;

typedef enum vigil_log_level {
	VIGIL_LOG_TRACE = 0,
	VIGIL_LOG_DEBUG = 1,
	VIGIL_LOG_INFO = 2,
	VIGIL_LOG_WARNING = 3,
	VIGIL_LOG_ERROR = 4,
	VIGIL_LOG_CRITICAL = 5,
} vigil_log_level;

/* Flags of submit_metric_flags() (minor 1). */
/* A monotonic count whose counter is known to have started at 0 (a series
 * first seen after the check's first run, a process started after the
 * agent): its first value, and the value after a reset, count as they are
 * instead of only setting the baseline.  Datadog's flush_first_value. */
#define VIGIL_SUBMIT_FLUSH_FIRST_VALUE 0x1u

/* Return value of create() and run(). */
typedef enum vigil_result {
	VIGIL_OK = 0,
	VIGIL_ERROR = 1,
	/* The run was interrupted for overrunning its timeout (set_error says
	 * more).  A host that predates it treats it as VIGIL_ERROR. */
	VIGIL_TIMEOUT = 2,
} vigil_result;

/* Which part of a check's YAML a config lookup reads. */
typedef enum vigil_config_scope {
	VIGIL_CONFIG_INSTANCE = 0,
	VIGIL_CONFIG_INIT = 1,
} vigil_config_scope;

/*
 * Opaque per-call context owned by the agent.  Valid only for the duration of
 * the create() or run() call it was passed to; a check must not keep it.
 */
typedef struct vigil_context vigil_context;

typedef struct vigil_event {
	uint32_t struct_size; /* sizeof(vigil_event) as the check saw it */
	const char *title;
	const char *text;
	int64_t timestamp;	      /* seconds since the epoch; 0 = now */
	const char *priority;	      /* "normal" or "low"; NULL = normal */
	const char *alert_type;	      /* "error", "warning", "info", "success"; NULL = info */
	const char *aggregation_key;  /* may be NULL */
	const char *source_type_name; /* may be NULL */
	const char *hostname;	      /* NULL = the agent's hostname */
	const char *const *tags;
	size_t tag_count;
	const char
		*event_type; /* minor 1: what kind of event (Datadog's event_type); may be NULL */
} vigil_event;

/* sizeof(vigil_event) in ABI 1.0, before event_type: the smallest event an
 * agent accepts. */
#define VIGIL_EVENT_V1_0_SIZE 88u

/*
 * An HTTP GET made by the agent for a check (minor 1): the agent's own
 * client, so a check need not carry one, and https:// verifies the server
 * against the system's CAs where the agent was built with TLS.  Redirects are
 * not followed and the body is not decompressed (no Accept-Encoding is sent
 * unless the check sends one).
 */
typedef struct vigil_http_request {
	uint32_t struct_size;	    /* sizeof(vigil_http_request) as the check saw it */
	const char *url;	    /* http://host[:port]/path?query or https://... */
	const char *const *headers; /* "Name: value" strings; may be NULL if header_count is 0 */
	size_t header_count;
	double timeout_seconds; /* whole exchange, connecting included; <= 0: 10 s */
	size_t max_body_bytes;	/* a longer body is an error, not a truncation; 0: 64 MiB */
} vigil_http_request;

/*
 * What http_get() answers.  The check sets struct_size; the agent fills the
 * fields the check has.  Strings stay valid until the next http_get() with
 * the same context or the end of the call the context belongs to.
 */
typedef struct vigil_http_response {
	uint32_t struct_size; /* sizeof(vigil_http_response) as the check saw it */
	int status;	      /* the HTTP status; 0 when no answer arrived */
	const char *error;    /* why not, one line naming the step that failed; "" otherwise */
	const char *body;     /* NUL-terminated, body_size bytes before the NUL */
	size_t body_size;
	const char *content_type; /* the Content-Type header, "" when absent */
} vigil_http_response;

/*
 * Services the agent offers to a check.  Every function takes the context of
 * the call in progress.  Strings are copied before the function returns.
 * Enumerated arguments are passed as int (type: vigil_metric_type, status:
 * vigil_service_status, level: vigil_log_level, scope: vigil_config_scope)
 * so that an out-of-range value from a plugin is a reportable mistake, not
 * undefined behaviour in the agent.
 * Check host->struct_size before using a function added after minor 0.
 */
typedef struct vigil_host {
	uint32_t abi_version;
	uint32_t struct_size;

	/* Metrics. tags may be NULL when tag_count is 0; hostname NULL = default. */
	void (*submit_metric)(vigil_context *ctx, int type, const char *name, double value,
			      const char *const *tags, size_t tag_count, const char *hostname);
	void (*submit_service_check)(vigil_context *ctx, const char *name, int status,
				     const char *const *tags, size_t tag_count,
				     const char *hostname, const char *message);
	void (*submit_event)(vigil_context *ctx, const vigil_event *event);
	/* A non-fatal problem, shown with the run's result and logged. */
	void (*warning)(vigil_context *ctx, const char *message);
	void (*log)(vigil_context *ctx, int level, const char *message);
	/* Why create() or run() returned VIGIL_ERROR; the last call wins. */
	void (*set_error)(vigil_context *ctx, const char *message);

	/*
	 * Configuration of the instance being created or run.  Keys are top-level
	 * keys of the instance (or init_config) map.  Returned strings live as long
	 * as the instance.  Lookups of a missing key or of another type return the
	 * fallback (or NULL / 0).
	 */
	const char *(*config_string)(vigil_context *ctx, int scope, const char *key,
				     const char *fallback);
	double (*config_number)(vigil_context *ctx, int scope, const char *key, double fallback);
	int (*config_bool)(vigil_context *ctx, int scope, const char *key, int fallback);
	/* Length of a list of strings, and its items; 0 / NULL when absent. */
	size_t (*config_list_size)(vigil_context *ctx, int scope, const char *key);
	const char *(*config_list_item)(vigil_context *ctx, int scope, const char *key,
					size_t index);
	/* The whole scope as JSON text, for checks with structured options. */
	const char *(*config_json)(vigil_context *ctx, int scope);

	/* The instance's stable id ("NAME:instance-name:hash"), "" outside an
	 * instance. */
	const char *(*instance_id)(vigil_context *ctx);

	/* Minor 1.  Returns 0 when an answer arrived (whatever its status), -1
	 * when none did (response->error says why).  Blocks the calling run, at
	 * most request->timeout_seconds.  One call at a time per context: a
	 * check's own threads must not call it concurrently with one ctx. */
	int (*http_get)(vigil_context *ctx, const vigil_http_request *request,
			vigil_http_response *response);

	/* Minor 1.  submit_metric with VIGIL_SUBMIT_* flags; unknown flag bits
	 * are ignored. */
	void (*submit_metric_flags)(vigil_context *ctx, int type, const char *name, double value,
				    const char *const *tags, size_t tag_count, const char *hostname,
				    uint32_t flags);
} vigil_host;

/*
 * What a check exports.  create() makes one instance per configured instance
 * and returns an opaque pointer (NULL with set_error() on failure); run() is
 * called once per scheduled run, never concurrently for the same instance but
 * possibly concurrently for different instances; destroy() frees an instance.
 */
typedef struct vigil_check_descriptor {
	uint32_t abi_version;	 /* VIGIL_ABI_VERSION the check was built with */
	uint32_t struct_size;	 /* sizeof(vigil_check_descriptor) as the check saw it */
	const char *name;	 /* [A-Za-z0-9_] start, then [A-Za-z0-9_.-], at most 64 */
	const char *version;	 /* the check's own version, free text */
	const char *description; /* one line, may be NULL */

	void *(*create)(const vigil_host *host, vigil_context *ctx);
	vigil_result (*run)(void *instance, const vigil_host *host, vigil_context *ctx);
	void (*destroy)(void *instance);

	uint32_t flags; /* minor 1: VIGIL_CHECK_* below */
} vigil_check_descriptor;

/*
 * The check does nothing without an instance from conf.d (a command to run,
 * an endpoint to scrape): when no conf.d file names it, it is not scheduled,
 * where a check without the flag runs one instance with all defaults (the
 * system checks).  Minor 1.
 */
#define VIGIL_CHECK_NEEDS_CONFIG 0x1u

typedef const vigil_check_descriptor *(*vigil_check_entry_fn)(void);

/* The one symbol a native check exports. */
VIGIL_EXPORT const vigil_check_descriptor *vigil_check_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_CHECK_H */
