/* SPDX-License-Identifier: Apache-2.0 */
/* A provider that needs no interpreter, for the catalog's pass over conf.d
 * (integrations run by name): its load_module() "finds" a module whose name
 * ends in "_installed" and says where, and refuses any other with the
 * reason python_host gives.  Built twice: -DFIXTURE_BEFORE_LOAD_MODULE makes
 * it a provider built before load_module (a smaller struct_size). */
#include <vigil/provider.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const vigil_host *g_host;
static int g_state;
static int g_check;
static char g_origin[256];

static void *fixture_init(const vigil_host *host, vigil_context *ctx, const char *options_json)
{
	(void)ctx;
	(void)options_json;
	g_host = host;
	return &g_state;
}

static void *fixture_load(void *provider, const char *path, vigil_context *ctx,
			  vigil_provided_check *info)
{
	(void)provider;
	(void)path;
	(void)ctx;
	(void)info;
	return &g_check; /* named after the file's stem by the agent */
}

static void *fixture_load_module(void *provider, const char *module, vigil_context *ctx,
				 vigil_provided_check *info)
{
	(void)provider;
	static const char suffix[] = "_installed";
	size_t n = strlen(module);
	if (n < sizeof suffix - 1 || strcmp(module + n - (sizeof suffix - 1), suffix) != 0) {
		char reason[300];
		snprintf(reason, sizeof reason, "no module %s on the Python path", module);
		g_host->set_error(ctx, reason);
		return NULL;
	}
	snprintf(g_origin, sizeof g_origin, "/fixture/site-packages/%s", module);
	if (info->struct_size >= offsetof(vigil_provided_check, version) + sizeof info->version)
		info->version = "9.9.9";
	if (info->struct_size >= offsetof(vigil_provided_check, origin) + sizeof info->origin)
		info->origin = g_origin;
	return &g_check;
}

static void *fixture_create(void *provider, void *check, const vigil_host *host, vigil_context *ctx)
{
	(void)provider;
	(void)host;
	(void)ctx;
	return check;
}

static vigil_result fixture_run(void *provider, void *instance, const vigil_host *host,
				vigil_context *ctx)
{
	(void)provider;
	(void)instance;
	host->submit_metric(ctx, VIGIL_METRIC_GAUGE, "fixture.provided", 1, NULL, 0, NULL);
	return VIGIL_OK;
}

static void fixture_destroy(void *provider, void *instance)
{
	(void)provider;
	(void)instance;
}

static const char *fixture_environment_json(void *provider)
{
	(void)provider;
	return "{\"python\": \"fixture\"}";
}

static const vigil_provider_descriptor descriptor = {
	VIGIL_ABI_VERSION,
#ifdef FIXTURE_BEFORE_LOAD_MODULE
	offsetof(vigil_provider_descriptor, load_module),
#else
	sizeof(vigil_provider_descriptor),
#endif
	"fixture",
	"1.0",
	".py",
	fixture_init,
	fixture_load,
	fixture_create,
	fixture_run,
	fixture_destroy,
	fixture_load_module,
	fixture_environment_json,
};

VIGIL_EXPORT const vigil_provider_descriptor *vigil_provider_entry(void)
{
	return &descriptor;
}
