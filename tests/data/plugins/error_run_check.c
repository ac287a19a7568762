/* SPDX-License-Identifier: Apache-2.0 */
/* A plain C check whose run reports failure the C way: set_error + VIGIL_ERROR. */
#include <vigil/check.h>

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
	host->set_error(ctx, "fixture_error: run failed on purpose");
	return VIGIL_ERROR;
}

static void fixture_destroy(void *instance)
{
	(void)instance;
}

static const vigil_check_descriptor descriptor = {
	VIGIL_ABI_VERSION,
	sizeof(vigil_check_descriptor),
	"fixture_error",
	"1.0",
	"Loader test fixture whose run returns VIGIL_ERROR",
	fixture_create,
	fixture_run,
	fixture_destroy,
	0, /* flags */
};

VIGIL_EXPORT const vigil_check_descriptor *vigil_check_entry(void)
{
	return &descriptor;
}
