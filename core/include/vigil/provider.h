/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Vigil check provider ABI, version 1 (same version rules as check.h).
 *
 * A provider is a plugin that turns files of one type into checks: the
 * python_host provider claims `.py` files and runs them in an embedded
 * CPython.  It exports exactly one symbol, vigil_provider_entry(), returning a
 * static vigil_provider_descriptor.  Checks it provides are driven through
 * the same vigil_host services and vigil_context as native checks, so the
 * agent treats both alike once they are loaded.
 *
 * Threads: init() and load() are called on the agent's main thread, before
 * any check runs.  create(), run() and destroy() are called on worker
 * threads, concurrently for different instances, never concurrently for the
 * same instance.  A provider that needs per-thread state (a Python thread
 * state) keeps it itself, keyed by the calling thread.
 *
 * The agent never unloads a provider and never asks it to shut down while a
 * worker may be inside it: a provider must not rely on a final callback.
 */
#ifndef VIGIL_PROVIDER_H
#define VIGIL_PROVIDER_H

#include <vigil/check.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIGIL_PROVIDER_ENTRY_SYMBOL "vigil_provider_entry"

/* What load() says about a file it accepted.  The agent allocates it and
 * sets struct_size; the provider fills the fields it knows.  Strings stay
 * valid as long as the provider. */
typedef struct vigil_provided_check {
	uint32_t struct_size;
	const char *name;	 /* check name; the file stem for a Python check */
	const char *version;	 /* e.g. the module's __version__; may be NULL */
	const char *description; /* may be NULL */
	/* Read by agents that know it, filled by providers that know it, each
	 * checking struct_size.  Where load_module() found the module: its
	 * package folder, or its file; NULL after load(). */
	const char *origin;
} vigil_provided_check;

typedef struct vigil_provider_descriptor {
	uint32_t abi_version; /* VIGIL_ABI_VERSION the provider was built with */
	uint32_t struct_size; /* sizeof(vigil_provider_descriptor) as built */
	const char *name;     /* "python" */
	const char *version;
	const char *extension; /* the one file type it claims, e.g. ".py" */

	/*
	 * Once, before anything else.  options_json is a JSON object:
	 *   "agent_version": string, "hostname": string,
	 *   "plugin_dirs": [string...] (added to the import path),
	 *   "state_dir": string (persistent cache lives here),
	 *   "default_timeout": number of seconds (0 = none),
	 *   "agent_config": object (what get_config(key) answers from),
	 *   "agent_start_time": seconds since the epoch,
	 *   "python_venv": string, "python_extra_path": [string...] (vigil.yaml
	 *   `python:`; providers of other languages ignore them).
	 * Unknown keys are ignored.  Returns the provider's state, or NULL after
	 * host->set_error() when the provider cannot work at all (every file it
	 * claims is then listed with that reason).
	 */
	void *(*init)(const vigil_host *host, vigil_context *ctx, const char *options_json);

	/* Loads one file.  Returns a handle for create(), or NULL after
	 * host->set_error() with a one-line reason naming the line if there is
	 * one ("line 3: SyntaxError: invalid syntax"). */
	void *(*load)(void *provider, const char *path, vigil_context *ctx,
		      vigil_provided_check *info);

	/* One instance of a loaded check; config through host->config_*(ctx). */
	void *(*create)(void *provider, void *check, const vigil_host *host, vigil_context *ctx);

	/* One run.  VIGIL_ERROR or VIGIL_TIMEOUT with host->set_error(). */
	vigil_result (*run)(void *provider, void *instance, const vigil_host *host,
			    vigil_context *ctx);

	void (*destroy)(void *provider, void *instance);

	/*
	 * Added after the first release: the agent reads each only when
	 * struct_size covers it, and a provider built before them works as it
	 * did (integrations by name are then unavailable).  Either may be NULL.
	 */

	/* Loads a check by module name instead of file: python_host imports an
	 * installed Datadog integration, "datadog_checks.NAME", when conf.d
	 * configures NAME and no plugin file provides it.  Same contract and
	 * thread as load(); info->origin says where the module was found. */
	void *(*load_module)(void *provider, const char *module, vigil_context *ctx,
			     vigil_provided_check *info);

	/* What the provider runs checks with, for `vigil version`: a JSON
	 * object.  python_host answers
	 *   "python": its version,
	 *   "datadog_checks_base": {"version", "path"} of the base checks
	 *   import (with "shim": true when it is Vigil's own), or {"error"}
	 *   when it cannot be imported.
	 * On the main thread after init(); the text stays valid as long as the
	 * provider.  NULL when it cannot say. */
	const char *(*environment_json)(void *provider);
} vigil_provider_descriptor;

typedef const vigil_provider_descriptor *(*vigil_provider_entry_fn)(void);

VIGIL_EXPORT const vigil_provider_descriptor *vigil_provider_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_PROVIDER_H */
