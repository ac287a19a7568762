/* SPDX-License-Identifier: Apache-2.0 */
/* A plain C check that fails while a file exists, so that a test decides
 * when it starts and stops failing: instance option `fail_while_exists`
 * names the file.  Each failed run counts itself in fixture.flaky.failed_runs
 * (a run's submissions are kept even when it fails), so the test knows how
 * many runs failed. */
#include <vigil/check.h>

#include <unistd.h>

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
	const char *path =
		host->config_string(ctx, VIGIL_CONFIG_INSTANCE, "fail_while_exists", NULL);
	if (path && access(path, F_OK) == 0) {
		host->submit_metric(ctx, VIGIL_METRIC_COUNT, "fixture.flaky.failed_runs", 1, NULL,
				    0, NULL);
		host->set_error(ctx, "fixture_flaky: failing while the file exists");
		return VIGIL_ERROR;
	}
	host->submit_metric(ctx, VIGIL_METRIC_GAUGE, "fixture.flaky.ok", 1, NULL, 0, NULL);
	return VIGIL_OK;
}

static void fixture_destroy(void *instance)
{
	(void)instance;
}

static const vigil_check_descriptor descriptor = {
	VIGIL_ABI_VERSION,
	sizeof(vigil_check_descriptor),
	"fixture_flaky",
	"1.0",
	"Test fixture whose run fails while a given file exists",
	fixture_create,
	fixture_run,
	fixture_destroy,
	0, /* flags */
};

VIGIL_EXPORT const vigil_check_descriptor *vigil_check_entry(void)
{
	return &descriptor;
}
