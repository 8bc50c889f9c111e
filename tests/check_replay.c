// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replays every bundled trace under every design and layout, and pins the
 * known incompatibilities: each must appear as counted mismatches with a
 * reason that names its cause, never as a crash or a broken invariant.
 */
#include <check.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfiosim/replay.h"
#include "vfiosim/trace.h"
#include "sim.h"

static struct vfiosim_parse_opts opts = {
	.catalog_dir = VFIOSIM_SOURCE_DIR "/traces/devices",
};

static void setup(void)
{
	vfiosim_init_thread();
	sim_warn_reset();
}

static void teardown(void)
{
	long live = sim_live_allocs();

	vfiosim_exit_thread();
	ck_assert_msg(live == 0, "%ld allocations live after the replays", live);
	ck_assert_uint_eq(sim_warn_count(), 0);
}

static struct vfiosim_trace *load(const char *name)
{
	struct vfiosim_trace *t = NULL;
	struct vfiosim_error err;
	char path[512];

	snprintf(path, sizeof(path), "%s/traces/%s", VFIOSIM_SOURCE_DIR, name);
	if (vfiosim_trace_load(path, &opts, &t, &err)) {
		vfiosim_error_print(&err, stderr);
		ck_abort_msg("%s does not parse", path);
	}
	return t;
}

/* How many events of @res are @o and have @needle in their reason. */
static unsigned int count(const struct vfiosim_replay_result *res,
			  enum vfiosim_outcome o, const char *needle)
{
	unsigned int i, n = 0;

	for (i = 0; i < res->events; i++)
		if (res->per_event[i].outcome == o &&
		    (!needle || strstr(res->per_event[i].reason, needle)))
			n++;
	return n;
}

static void replay(const struct vfiosim_trace *t, enum vfiosim_design d,
		   enum vfiosim_layout l, struct vfiosim_replay_result *res)
{
	ck_assert_int_eq(vfiosim_replay(t, d, l, res), 0);
	ck_assert_msg(!res->invalid, "%s %s/%s: %s", t->path,
		      vfiosim_design_name(d), vfiosim_layout_name(l),
		      res->invalid_reason);
	ck_assert_uint_eq(res->events, t->nr_events);
}

/*
 * Every bundled trace replays under all 4 x 3 combinations without a
 * broken invariant, and under legacy/legacy (what the kernel offers today)
 * with no mismatch: the traces record what vfio-pci answers.
 */
START_TEST(test_replay_every_trace_every_combination)
{
	static const char *const dirs[] = { "scenarios", "hazards" };
	unsigned int i, n = 0;
	size_t k;

	for (i = 0; i < 2; i++) {
		char pattern[512];
		glob_t g;

		snprintf(pattern, sizeof(pattern), "%s/traces/%s/*.trace",
			 VFIOSIM_SOURCE_DIR, dirs[i]);
		ck_assert_int_eq(glob(pattern, 0, NULL, &g), 0);
		for (k = 0; k < g.gl_pathc; k++) {
			const char *name = g.gl_pathv[k] +
					   strlen(VFIOSIM_SOURCE_DIR "/traces/");
			struct vfiosim_trace *t = load(name);
			int d, l;

			for (d = 0; d < VFIOSIM_DESIGN_NR; d++) {
				for (l = 0; l < VFIOSIM_LAYOUT_NR; l++) {
					struct vfiosim_replay_result res;

					replay(t, d, l, &res);
					if (d == VFIOSIM_DESIGN_LEGACY &&
					    l == VFIOSIM_LAYOUT_LEGACY)
						ck_assert_msg(!res.outcomes[VFIOSIM_MISMATCH],
							      "%s: %u mismatches under legacy/legacy",
							      name, res.outcomes[VFIOSIM_MISMATCH]);
					vfiosim_replay_result_free(&res);
				}
			}
			vfiosim_trace_free(t);
			n++;
		}
		globfree(&g);
	}
	/* the ten scenarios of vfio-clients.md §4 and more */
	ck_assert_uint_ge(n, 11);
}
END_TEST

/*
 * Clients that hard-code index << 40 (DPDK < 23.07, qatlib) break under
 * COMPACT and keep working under COMPAT: design §9.22, clients §0.1.
 */
START_TEST(test_replay_hard_coded_offsets_need_compat)
{
	static const char *const names[] = { "scenarios/dpdk-2211-legacy.trace",
				"scenarios/qatlib.trace" };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct vfiosim_trace *t = load(names[i]);
		struct vfiosim_replay_result res;

		replay(t, VFIOSIM_DESIGN_GETMMAP, VFIOSIM_LAYOUT_COMPACT, &res);
		ck_assert_uint_gt(count(&res, VFIOSIM_MISMATCH,
					"hard-coded offset"), 0);
		vfiosim_replay_result_free(&res);
		replay(t, VFIOSIM_DESIGN_GETMMAP, VFIOSIM_LAYOUT_COMPAT, &res);
		ck_assert_uint_eq(res.outcomes[VFIOSIM_MISMATCH], 0);
		vfiosim_replay_result_free(&res);
		vfiosim_trace_free(t);
	}
}
END_TEST

/*
 * A DPDK secondary maps with the primary's offsets
 * (pci_vfio_map_resource_secondary): per-fd first-come cookies put them
 * on other regions under COMPACT; clients §0.2.
 */
START_TEST(test_replay_dpdk_secondary_uses_primary_offsets)
{
	struct vfiosim_trace *t = load("scenarios/dpdk-x710vf-multiprocess.trace");
	struct vfiosim_replay_result res;
	int d;

	for (d = 0; d < VFIOSIM_DESIGN_NR; d++) {
		replay(t, d, VFIOSIM_LAYOUT_COMPACT, &res);
		ck_assert_uint_gt(count(&res, VFIOSIM_MISMATCH,
					"learned on p100.fd25"), 0);
		vfiosim_replay_result_free(&res);
		replay(t, d, VFIOSIM_LAYOUT_COMPAT, &res);
		ck_assert_uint_eq(res.outcomes[VFIOSIM_MISMATCH], 0);
		vfiosim_replay_result_free(&res);
	}
	vfiosim_trace_free(t);
}
END_TEST

/*
 * WC and UC mappings of one BAR cannot coexist under setattr: the
 * attribute belongs to the offset (20250805143134.GP26511@ziepe.ca).
 */
START_TEST(test_replay_setattr_wc_uc_coexistence)
{
	struct vfiosim_trace *t = load("hazards/setattr-wc-then-uc.trace");
	struct vfiosim_replay_result res;
	int d, l;

	for (l = 0; l < VFIOSIM_LAYOUT_NR; l++) {
		replay(t, VFIOSIM_DESIGN_SETATTR, l, &res);
		ck_assert_uint_eq(count(&res, VFIOSIM_MISMATCH,
					"the client asked for UC"), 1);
		vfiosim_replay_result_free(&res);
		for (d = VFIOSIM_DESIGN_ALIAS; d <= VFIOSIM_DESIGN_GETMMAP; d++) {
			replay(t, d, l, &res);
			ck_assert_uint_eq(res.outcomes[VFIOSIM_MISMATCH], 0);
			vfiosim_replay_result_free(&res);
		}
	}
	vfiosim_trace_free(t);
}
END_TEST

/*
 * A reset zaps only [0, 6 << 40) in the RFC designs, so an alias cookie at
 * index 9 << 40 (legacy layout) keeps its mapping; the core's per-region
 * zap reaches it.  Design §9.11-12.
 */
START_TEST(test_replay_zap_misses_alias_outside_window)
{
	struct vfiosim_trace *t = load("scenarios/qemu-h100-wc-reset.trace");
	struct vfiosim_replay_result res;

	replay(t, VFIOSIM_DESIGN_ALIAS, VFIOSIM_LAYOUT_LEGACY, &res);
	ck_assert_uint_eq(res.zap_missed, 1);
	ck_assert_uint_eq(count(&res, VFIOSIM_MISMATCH, "missed by the zap"), 1);
	vfiosim_replay_result_free(&res);
	replay(t, VFIOSIM_DESIGN_GETMMAP, VFIOSIM_LAYOUT_LEGACY, &res);
	ck_assert_uint_eq(res.zap_missed, 0);
	ck_assert_uint_eq(res.outcomes[VFIOSIM_MISMATCH], 0);
	vfiosim_replay_result_free(&res);
	vfiosim_trace_free(t);
}
END_TEST

/* Upstream has no way to ask for WC: unsupported, and its use skipped. */
START_TEST(test_replay_legacy_cannot_ask_for_wc)
{
	struct vfiosim_trace *t = load("scenarios/wc-alias.trace");
	struct vfiosim_replay_result res;
	int d;

	replay(t, VFIOSIM_DESIGN_LEGACY, VFIOSIM_LAYOUT_LEGACY, &res);
	ck_assert_uint_eq(res.outcomes[VFIOSIM_UNSUPPORTED], 1);
	ck_assert_uint_ge(res.outcomes[VFIOSIM_SKIPPED], 1);
	vfiosim_replay_result_free(&res);
	for (d = VFIOSIM_DESIGN_SETATTR; d < VFIOSIM_DESIGN_NR; d++) {
		replay(t, d, VFIOSIM_LAYOUT_COMPACT, &res);
		ck_assert_uint_eq(res.outcomes[VFIOSIM_UNSUPPORTED], 0);
		ck_assert_uint_eq(res.outcomes[VFIOSIM_SKIPPED], 0);
		ck_assert_uint_eq(res.outcomes[VFIOSIM_MISMATCH], 0);
		vfiosim_replay_result_free(&res);
	}
	vfiosim_trace_free(t);
}
END_TEST

/* getmmap answers a miss with -ENXIO, as iommufd does, not -EINVAL. */
START_TEST(test_replay_getmmap_enxio_for_uncontained_mmap)
{
	struct vfiosim_trace *t = load("scenarios/negative.trace");
	struct vfiosim_replay_result res;

	replay(t, VFIOSIM_DESIGN_GETMMAP, VFIOSIM_LAYOUT_LEGACY, &res);
	ck_assert_uint_gt(res.errors[ENXIO], 0);
	ck_assert_uint_eq(count(&res, VFIOSIM_MISMATCH, "-ENXIO"),
			  res.outcomes[VFIOSIM_MISMATCH]);
	vfiosim_replay_result_free(&res);
	vfiosim_trace_free(t);
}
END_TEST

static Suite *replay_suite(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("bundled");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_replay_every_trace_every_combination);
	tcase_add_test(tc, test_replay_hard_coded_offsets_need_compat);
	tcase_add_test(tc, test_replay_dpdk_secondary_uses_primary_offsets);
	tcase_add_test(tc, test_replay_setattr_wc_uc_coexistence);
	tcase_add_test(tc, test_replay_zap_misses_alias_outside_window);
	tcase_add_test(tc, test_replay_legacy_cannot_ask_for_wc);
	tcase_add_test(tc, test_replay_getmmap_enxio_for_uncontained_mmap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(replay_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
