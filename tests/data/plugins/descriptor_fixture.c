/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One source for the fixtures whose only flaw is a descriptor field: the
 * meson.build next to the loader tests compiles it once per flaw with
 * -D overrides, so each fixture differs from a good plugin in one place.
 */
#include <vigil/check.h>

#ifndef FIXTURE_ABI_VERSION
#define FIXTURE_ABI_VERSION VIGIL_ABI_VERSION
#endif
#ifndef FIXTURE_STRUCT_SIZE
#define FIXTURE_STRUCT_SIZE sizeof(vigil_check_descriptor)
#endif
#ifndef FIXTURE_NAME
#define FIXTURE_NAME "fixture_descriptor"
#endif
#ifndef FIXTURE_RUN
#define FIXTURE_RUN fixture_run
#endif

static void *fixture_create(const vigil_host *host, vigil_context *ctx)
{
	(void)host;
	(void)ctx;
	static int instance;
	return &instance;
}

/* unused when FIXTURE_RUN replaces it */
__attribute__((unused)) static vigil_result fixture_run(void *instance, const vigil_host *host,
							vigil_context *ctx)
{
	(void)instance;
	(void)host;
	(void)ctx;
	return VIGIL_OK;
}

static void fixture_destroy(void *instance)
{
	(void)instance;
}

static const vigil_check_descriptor descriptor = {
	FIXTURE_ABI_VERSION, FIXTURE_STRUCT_SIZE, FIXTURE_NAME,	   "1.0", "loader test fixture",
	fixture_create,	     FIXTURE_RUN,	  fixture_destroy, 0, /* flags */
};

VIGIL_EXPORT const vigil_check_descriptor *vigil_check_entry(void)
{
#ifdef FIXTURE_NULL_ENTRY
	(void)descriptor;
	return NULL;
#else
	return &descriptor;
#endif
}
