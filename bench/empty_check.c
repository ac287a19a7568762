/* SPDX-License-Identifier: Apache-2.0 */
/* A native check that does nothing: what is left is the agent's own cost. */
#include <vigil/check.h>

static int instance_token;

static void *create(const vigil_host *host, vigil_context *ctx)
{
	(void)host;
	(void)ctx;
	return &instance_token;
}

static vigil_result run(void *instance, const vigil_host *host, vigil_context *ctx)
{
	(void)instance;
	(void)host;
	(void)ctx;
	return VIGIL_OK;
}

static void destroy(void *instance)
{
	(void)instance;
}

const vigil_check_descriptor *vigil_check_entry(void)
{
	static const vigil_check_descriptor d = {
		VIGIL_ABI_VERSION,
		sizeof(vigil_check_descriptor),
		"empty",
		"1.0",
		"does nothing",
		create,
		run,
		destroy,
		0, /* flags */
	};
	return &d;
}
