/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Calls a function no library defines.  Built without -Wl,--no-undefined so
 * it links; with RTLD_NOW the agent refuses it at load time instead of dying
 * at the first call (lazy binding would end the process with exit 127).
 */
#include <vigil/check.h>

extern int vigil_fixture_missing_function(void);

static void *fixture_create(const vigil_host *host, vigil_context *ctx)
{
	(void)host;
	(void)ctx;
	static int instance;
	return &instance;
}

static vigil_result fixture_run(void *instance, const vigil_host *host, vigil_context *ctx)
{
	(void)instance;
	(void)host;
	(void)ctx;
	return vigil_fixture_missing_function() ? VIGIL_ERROR : VIGIL_OK;
}

static void fixture_destroy(void *instance)
{
	(void)instance;
}

static const vigil_check_descriptor descriptor = {
	VIGIL_ABI_VERSION,
	sizeof(vigil_check_descriptor),
	"fixture_unresolved",
	"1.0",
	NULL,
	fixture_create,
	fixture_run,
	fixture_destroy,
	0, /* flags */
};

VIGIL_EXPORT const vigil_check_descriptor *vigil_check_entry(void)
{
	return &descriptor;
}
