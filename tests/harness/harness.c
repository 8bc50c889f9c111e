// SPDX-License-Identifier: GPL-2.0-only
/*
 * Check fixtures that prove each test leaves no trace: no live allocation
 * after RCU has run its callbacks, and no WARN the test did not announce.
 */
#include "harness.h"

#include <stdlib.h>
#include <time.h>

#include "sim.h"

static unsigned long expected_warns;

void sim_expect_warns(unsigned long nr)
{
	expected_warns = nr;
}

void sim_setup(void)
{
	sim_thread_init();
	sim_warn_reset();
	sim_fail_nth(0);
	expected_warns = 0;
}

void sim_teardown(void)
{
	long live = sim_live_allocs();
	unsigned long warns = sim_warn_count();

	sim_fail_nth(0);
	sim_thread_exit();
	ck_assert_msg(live == 0, "%ld allocations still live at teardown",
		      live);
	ck_assert_msg(warns == expected_warns,
		      "%lu WARNs, %lu expected (last: %s)", warns,
		      expected_warns, sim_warn_last() ? sim_warn_last() : "-");
}

void sim_tcase_defaults(TCase *tc)
{
	tcase_add_checked_fixture(tc, sim_setup, sim_teardown);
	tcase_set_timeout(tc, 120);
}

unsigned long sim_seed(void)
{
	static unsigned long seed;
	static int have;
	const char *env;

	if (have)
		return seed;
	env = getenv("VFIOSIM_SEED");
	seed = env ? strtoul(env, NULL, 0) : (unsigned long)time(NULL);
	have = 1;
	fprintf(stderr, "vfiosim: seed=%lu\n", seed);
	return seed;
}

int sim_run_suite(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	/* Pick the seed before forking, so every test of the run shares it. */
	sim_seed();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

struct draw_ctx {
	FILE *out;
	int nr;
};

static int draw_one(void *priv, const struct vfio_cookie *c, u64 first,
		    u64 last)
{
	struct draw_ctx *ctx = priv;

	fprintf(ctx->out, "  [0x%016llx-0x%016llx] %s index %u -> region %u%s%s size %#llx\n",
		(unsigned long long)first, (unsigned long long)last,
		c->kind == VFIO_COOKIE_ALIAS ? "alias " : "region",
		c->index, c->target, c->attrs & VFIO_COOKIE_ATTR_WC ? " wc" : "",
		c->dead ? " (dropped)" : "", (unsigned long long)c->size);
	ctx->nr++;
	return 0;
}

void sim_draw_space(struct vfio_cookie_space *space, const char *title,
		    FILE *out)
{
	struct draw_ctx ctx = { .out = out };

	fprintf(out, "%s:\n", title);
	vfio_cookie_for_each(space, draw_one, &ctx);
	if (!ctx.nr)
		fprintf(out, "  (empty)\n");
}
