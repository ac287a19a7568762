/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Isolation test fixtures: one source, one -DFIXTURE_* per misbehaviour, so
 * each fixture differs from a healthy check in exactly one way.  Every run
 * submits isolation.fixture.before, then misbehaves; a run that completes
 * also submits isolation.fixture.runs (count 1), which tests sum to count
 * runs.  Built as NAME.so with the check name NAME (FIXTURE_NAME).
 */
#include <vigil/check.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FIXTURE_NAME
#error "FIXTURE_NAME must name the check"
#endif

#if defined(FIXTURE_STACK_OVERFLOW)
/*
 * Not tail-recursive and not foldable: the frame must really grow.  The
 * volatile flag is never cleared, but the compiler cannot know that, so the
 * recursion is not provably infinite (no -Winfinite-recursion) and still
 * never ends.
 */
static volatile int keep_recursing = 1;

static int recurse(volatile char *prev)
{
	volatile char frame[4096];
	frame[0] = prev ? prev[0] + 1 : 1;
	if (!keep_recursing)
		return frame[0];
	return recurse(frame) + frame[1];
}
#endif

#if defined(FIXTURE_STATIC_CONSTRUCTOR)
/* Runs at dlopen(), before the agent (or a worker) ever sees a descriptor. */
__attribute__((constructor)) static void crash_at_load(void)
{
	fprintf(stderr, "fixture: crashing in a static constructor\n");
	abort();
}
#endif

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
	host->submit_metric(ctx, VIGIL_METRIC_GAUGE, "isolation.fixture.before", 1, NULL, 0, NULL);
#if defined(FIXTURE_BUSY_LOOP)
	for (;;)
		__asm__ volatile("");
#elif defined(FIXTURE_SEGFAULT)
	fprintf(stderr, "fixture: about to dereference NULL\n");
	fflush(stderr);
	*(volatile int *)0 = 1;
#elif defined(FIXTURE_ABORT)
	fprintf(stderr, "fixture: calling abort()\n");
	abort();
#elif defined(FIXTURE_EXIT)
	exit(3);
#elif defined(FIXTURE_STACK_OVERFLOW)
	return recurse(NULL) ? VIGIL_OK : VIGIL_ERROR;
#elif defined(FIXTURE_BIG_ALLOCATION)
	{
		/* 1 GB, touched: fails under the worker's address-space limit. */
		size_t size = (size_t)1 << 30;
		char *p = malloc(size);
		if (!p) {
			fprintf(stderr, "fixture: malloc of 1 GB failed, aborting\n");
			abort();
		}
		memset(p, 1, size);
		host->submit_metric(ctx, VIGIL_METRIC_GAUGE, "isolation.fixture.allocated",
				    (double)p[size - 1], NULL, 0, NULL);
		free(p);
	}
#elif defined(FIXTURE_SLEEP)
	/* Sleeps FIXTURE_SLEEP ms, then succeeds: a slow but honest check. */
	usleep(FIXTURE_SLEEP * 1000);
#endif
	host->submit_metric(ctx, VIGIL_METRIC_COUNT, "isolation.fixture.runs", 1, NULL, 0, NULL);
	return VIGIL_OK;
}

static void fixture_destroy(void *instance)
{
	(void)instance;
}

static const vigil_check_descriptor descriptor = {
	VIGIL_ABI_VERSION,
	sizeof(vigil_check_descriptor),
	FIXTURE_NAME,
	"1.0",
	"Isolation test fixture",
	fixture_create,
	fixture_run,
	fixture_destroy,
	0, /* flags */
};

VIGIL_EXPORT const vigil_check_descriptor *vigil_check_entry(void)
{
	return &descriptor;
}
