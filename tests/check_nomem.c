// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fail-nth sweep: every public operation of the core that can allocate
 * is run once to count its allocations, then once per allocation with that
 * allocation failed.  A failed run must return -ENOMEM and leave the space
 * exactly as it was (same entries, same cookie objects, same references),
 * with nothing leaked and no WARN; a retry must then give what the counting
 * run gave.  Past the last allocation the failure is never reached and the
 * operation must behave as if nothing was armed.
 *
 * Design: "every allocation can fail, and tests prove it" (design §5; the
 * kernel's fail-nth, Documentation/fault-injection/fault-injection.rst).
 */
#include "harness.h"
#include "model.h"
#include "tables.h"

#include <errno.h>
#include <string.h>


/*
 * The loop bounds of the sweeps: nth runs from 1 to N - 1, and each sweep
 * asserts that N - 1 exceeds the allocations the operation makes, so the
 * last iteration always runs past the last allocation.
 */
#define N_INIT		24	/* nine fixed regions: 21 allocations */
#define N_INIT_MANY	48	/* twenty regions: 45 allocations */
#define N_INIT_COMPACT	4	/* the two table copies */
#define N_OP		6	/* a cookie, one or two node allocations */

/* ---- snapshots through vfio_cookie_for_each() ---- */

#define SNAP_MAX	256

struct snap_entry {
	const struct vfio_cookie *c;
	u64 first, last, size;
	u32 index, target, attrs, flags;
	enum vfio_cookie_kind kind;
	bool dead;
	unsigned int users;
};

struct snap {
	struct snap_entry e[SNAP_MAX];
	u32 nr;
	u32 nr_cookies, next_index;
};

static int snap_one(void *priv, const struct vfio_cookie *c, u64 first,
		    u64 last)
{
	struct snap *sn = priv;
	struct snap_entry *e;

	ck_assert_uint_lt(sn->nr, SNAP_MAX);
	e = &sn->e[sn->nr++];
	e->c = c;
	e->first = first;
	e->last = last;
	e->size = c->size;
	e->index = c->index;
	e->target = c->target;
	e->attrs = c->attrs;
	e->flags = c->flags;
	e->kind = c->kind;
	e->dead = c->dead;
	e->users = refcount_read(&c->users);
	return 0;
}

static void snap_take(struct vfio_cookie_space *s, struct snap *sn)
{
	memset(sn, 0, sizeof(*sn));
	ck_assert_int_eq(vfio_cookie_for_each(s, snap_one, sn), 0);
	sn->nr_cookies = s->nr_cookies;
	sn->next_index = s->next_index;
}

/*
 * @same_objects: the two snapshots are of one space, so the very same
 * cookie objects must be there; otherwise only their contents are compared.
 */
static void snap_assert_eq(const struct snap *a, const struct snap *b,
			   bool same_objects, const char *what)
{
	u32 i;

	ck_assert_msg(a->nr == b->nr, "%s: %u entries, %u expected", what,
		      b->nr, a->nr);
	ck_assert_msg(a->nr_cookies == b->nr_cookies &&
		      a->next_index == b->next_index,
		      "%s: nr_cookies/next_index %u/%u, %u/%u expected", what,
		      b->nr_cookies, b->next_index, a->nr_cookies,
		      a->next_index);
	for (i = 0; i < a->nr; i++) {
		const struct snap_entry *x = &a->e[i], *y = &b->e[i];

		ck_assert_msg(x->first == y->first && x->last == y->last &&
			      x->size == y->size && x->index == y->index &&
			      x->target == y->target && x->attrs == y->attrs &&
			      x->flags == y->flags && x->kind == y->kind &&
			      x->dead == y->dead && x->users == y->users,
			      "%s: entry %u [%#llx, %#llx] index %u differs from [%#llx, %#llx] index %u",
			      what, i, (unsigned long long)y->first,
			      (unsigned long long)y->last, y->index,
			      (unsigned long long)x->first,
			      (unsigned long long)x->last, x->index);
		if (same_objects)
			ck_assert_msg(x->c == y->c,
				      "%s: entry %u is another object", what, i);
	}
}

/*
 * A failure the operation survived: the maple tree keeps the nodes it got
 * before a failed bulk allocation, and mas_nomem() retries while it holds
 * any (lib/maple_tree.c mas_alloc_nodes(), mas_nomem()), so the failed
 * allocation is made again and the operation ends as if nothing failed.
 * It must then have allocated more than the counting run did.
 */
static void assert_absorbed(unsigned long nth, unsigned long calls,
			    unsigned long fail_calls)
{
	ck_assert_uint_le(nth, calls);
	ck_assert_msg(fail_calls > calls,
		      "allocation %lu of %lu failed, yet the operation succeeded without a retry (%lu allocations)",
		      nth, calls, fail_calls);
}

/* ---- init ---- */

/*
 * Sweep vfio_cookie_space_init(): a failed init leaves nothing allocated,
 * a successful one matches the model.
 */
static void sweep_init(enum vfio_cookie_layout layout,
		       const struct vfio_cookie_region *r, u32 nr, u32 max,
		       unsigned long nth, unsigned long limit)
{
	struct vfio_cookie_space s;
	struct sim_model m;
	unsigned long calls, fail_calls;
	long live;
	int ret;

	calls = sim_alloc_calls();
	ck_assert_int_eq(vfio_cookie_space_init(&s, layout, r, nr, max), 0);
	calls = sim_alloc_calls() - calls;
	vfio_cookie_space_destroy(&s);
	ck_assert_msg(calls > 0 && calls + 1 < limit,
		      "init makes %lu allocations; the sweep covers %lu",
		      calls, limit - 1);

	live = sim_live_allocs();
	sim_fail_nth(nth);
	fail_calls = sim_alloc_calls();
	ret = vfio_cookie_space_init(&s, layout, r, nr, max);
	fail_calls = sim_alloc_calls() - fail_calls;
	if (sim_fail_pending()) {
		sim_fail_nth(0);
		ck_assert_uint_gt(nth, calls);
		ck_assert_int_eq(ret, 0);
	} else if (ret) {
		ck_assert_uint_le(nth, calls);
		ck_assert_int_eq(ret, -ENOMEM);
		ck_assert_int_eq(sim_live_allocs(), live);
		/* A retry succeeds. */
		ck_assert_int_eq(vfio_cookie_space_init(&s, layout, r, nr, max),
				 0);
	} else {
		assert_absorbed(nth, calls, fail_calls);
	}
	ck_assert_int_eq(sim_model_init(&m, layout, r, nr, max), 0);
	ck_assert_space_valid(&s);
	ck_assert_model_eq(&m, &s);
	sim_model_destroy(&m);
	sim_model_free(&m);
	vfio_cookie_space_destroy(&s);
}

/*
 * LEGACY init creates every region's cookie at index << 40, and each of
 * those allocations can fail cleanly (design §9.3; fail-nth).
 */
START_TEST(test_nomem_init_legacy)
{
	sweep_init(LEGACY, sim_tab_h100, ARRAY_SIZE(sim_tab_h100), 16, _i, N_INIT);
}
END_TEST

/*
 * LEGACY init of 20 regions splits maple nodes, and every node allocation
 * can fail cleanly (design §9.3, §9.28; fail-nth).
 */
START_TEST(test_nomem_init_legacy_many)
{
	sweep_init(LEGACY, sim_tab_many, ARRAY_SIZE(sim_tab_many), 40, _i, N_INIT_MANY);
}
END_TEST

/*
 * COMPAT init creates indices 0..8 only, and each allocation can fail
 * cleanly (design §9.22, 20250828131755.0b646987.alex.williamson@redhat.com).
 */
START_TEST(test_nomem_init_compat)
{
	sweep_init(COMPAT, sim_tab_many, ARRAY_SIZE(sim_tab_many), 40, _i, N_INIT);
}
END_TEST

/*
 * COMPAT init places a region over 1 TiB in a gap after the fixed ones, and
 * a failure there unwinds every cookie already made (design §9.22, §9.27;
 * 20250716184028.GA2177603@ziepe.ca).
 */
START_TEST(test_nomem_init_compat_oversize)
{
	sweep_init(COMPAT, sim_tab_big, ARRAY_SIZE(sim_tab_big), 16, _i, N_INIT);
}
END_TEST

/*
 * COMPACT init allocates only the region table copies, each of which can
 * fail cleanly (design §3 "created on first use"; fail-nth).
 */
START_TEST(test_nomem_init_compact)
{
	sweep_init(COMPACT, sim_tab_many, ARRAY_SIZE(sim_tab_many), 40, _i,
		   N_INIT_COMPACT);
}
END_TEST

/* ---- operations on a prepared space ---- */

struct nomem_case {
	enum vfio_cookie_layout layout;
	const struct vfio_cookie_region *r;
	u32 nr, max;
	/* Alias/drop cycles made before the operation: tombstones. */
	u32 tombstones;
	/* Regions whose cookies exist before the operation. */
	const u32 *pre;
	u32 nr_pre;
	/* The operation: region_offset(index), or alias(index, attrs). */
	bool alias;
	u32 index, attrs;
};

/* Build the space of @nc the same way every time. */
static void nc_prepare(const struct nomem_case *nc,
		       struct vfio_cookie_space *s)
{
	static const u32 targets[] = { 0, 2, 4 };
	u32 i, idx;
	u64 off;

	ck_assert_int_eq(vfio_cookie_space_init(s, nc->layout, nc->r, nc->nr,
						nc->max), 0);
	for (i = 0; i < nc->nr_pre; i++)
		ck_assert_int_eq(vfio_cookie_region_offset(s, nc->pre[i], &off),
				 0);
	for (i = 0; i < nc->tombstones; i++) {
		u32 t = targets[i % ARRAY_SIZE(targets)];

		ck_assert_int_eq(vfio_cookie_alias(s, t, WC, &off, &idx), 0);
		ck_assert_int_eq(vfio_cookie_drop(s, off), 0);
	}
}

static int nc_op(const struct nomem_case *nc, struct vfio_cookie_space *s,
		 u64 *off, u32 *idx)
{
	*off = ~0ULL;
	*idx = ~0U;
	if (nc->alias)
		return vfio_cookie_alias(s, nc->index, nc->attrs, off, idx);
	return vfio_cookie_region_offset(s, nc->index, off);
}

static void sweep_op(const struct nomem_case *nc, unsigned long nth,
		     unsigned long limit)
{
	struct vfio_cookie_space s;
	static struct snap before, after, good, done;
	unsigned long calls, fail_calls;
	u64 off0, off;
	u32 idx0, idx;
	int ret0, ret;

	/* Counting run. */
	nc_prepare(nc, &s);
	calls = sim_alloc_calls();
	ret0 = nc_op(nc, &s, &off0, &idx0);
	calls = sim_alloc_calls() - calls;
	snap_take(&s, &good);
	vfio_cookie_space_destroy(&s);
	ck_assert_msg(calls > 0 && calls + 1 < limit,
		      "the operation makes %lu allocations; the sweep covers %lu",
		      calls, limit - 1);

	/* The same space, the same operation, allocation @nth failed. */
	nc_prepare(nc, &s);
	snap_take(&s, &before);
	sim_fail_nth(nth);
	fail_calls = sim_alloc_calls();
	ret = nc_op(nc, &s, &off, &idx);
	fail_calls = sim_alloc_calls() - fail_calls;
	if (sim_fail_pending()) {
		sim_fail_nth(0);
		ck_assert_uint_gt(nth, calls);
	} else if (ret == ret0) {
		assert_absorbed(nth, calls, fail_calls);
	} else {
		ck_assert_uint_le(nth, calls);
		ck_assert_msg(ret == -ENOMEM,
			      "allocation %lu of %lu failed: %d", nth, calls,
			      ret);
		ck_assert_space_valid(&s);
		snap_take(&s, &after);
		snap_assert_eq(&before, &after, true, "after -ENOMEM");
		/* The failure left no trace: a retry gives the same answer. */
		ret = nc_op(nc, &s, &off, &idx);
	}
	ck_assert_int_eq(ret, ret0);
	if (!ret0) {
		ck_assert_uint_eq(off, off0);
		if (nc->alias)
			ck_assert_uint_eq(idx, idx0);
	}
	ck_assert_space_valid(&s);
	snap_take(&s, &done);
	snap_assert_eq(&good, &done, false, "after the operation");
	vfio_cookie_space_destroy(&s);
}

static const u32 h100_some[] = { 7, 0, 2 };
static const u32 many_all_but_18[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19,
};

/*
 * COMPACT region_offset creates the cookie on first use; a failed
 * allocation leaves the space unchanged and a retry gives the same offset
 * (design §9.3, 20250805130046.0527d0c7.alex.williamson@redhat.com).
 */
START_TEST(test_nomem_region_offset_compact)
{
	const struct nomem_case nc = {
		COMPACT, sim_tab_h100, ARRAY_SIZE(sim_tab_h100), 16, 0, h100_some,
		ARRAY_SIZE(h100_some), false, 4, 0,
	};

	sweep_op(&nc, _i, N_OP);
}
END_TEST

/*
 * COMPACT region_offset into a tree of 19 regions and 20 tombstones, where
 * the insert rebuilds and splits maple nodes (design §9.28; fail-nth).
 */
START_TEST(test_nomem_region_offset_full_leaf)
{
	const struct nomem_case nc = {
		COMPACT, sim_tab_many, ARRAY_SIZE(sim_tab_many), 64, 20, many_all_but_18,
		ARRAY_SIZE(many_all_but_18), false, 18, 0,
	};

	sweep_op(&nc, _i, N_OP);
}
END_TEST

/*
 * COMPAT region_offset of a device-specific region (index >= 9) allocates
 * its cookie from a gap (design §9.22,
 * 20250804124909.67462343.alex.williamson@redhat.com).
 */
START_TEST(test_nomem_region_offset_compat)
{
	const struct nomem_case nc = {
		COMPAT, sim_tab_many, ARRAY_SIZE(sim_tab_many), 40, 3, NULL, 0, false, 13, 0,
	};

	sweep_op(&nc, _i, N_OP);
}
END_TEST

/*
 * LEGACY region_offset of a region over 1 TiB allocates the cookie and
 * then refuses it: -ENOMEM or -EOVERFLOW, never a leak (design §9.27,
 * 20250716184028.GA2177603@ziepe.ca).
 */
START_TEST(test_nomem_region_offset_legacy_oversize)
{
	const struct nomem_case nc = {
		LEGACY, sim_tab_big, ARRAY_SIZE(sim_tab_big), 16, 0, NULL, 0, false, 0, 0,
	};

	sweep_op(&nc, _i, N_OP);
}
END_TEST

/*
 * LEGACY alias takes the next index and its index << 40 slot; a failure
 * does not consume the index (design §9.20, §9.21;
 * 20250807130605.644ac9f6.alex.williamson@redhat.com).
 */
START_TEST(test_nomem_alias_legacy)
{
	const struct nomem_case nc = {
		LEGACY, sim_tab_h100, ARRAY_SIZE(sim_tab_h100), 32, 2, NULL, 0, true, 2, WC,
	};

	sweep_op(&nc, _i, N_OP);
}
END_TEST

/*
 * COMPAT alias is packed into a gap beside the fixed regions, and a failure
 * leaves no half-made alias that dedup could find (design §9.20, §9.22;
 * 20250828131755.0b646987.alex.williamson@redhat.com).
 */
START_TEST(test_nomem_alias_compat)
{
	const struct nomem_case nc = {
		COMPAT, sim_tab_h100, ARRAY_SIZE(sim_tab_h100), 32, 4, NULL, 0, true, 4, WC,
	};

	sweep_op(&nc, _i, N_OP);
}
END_TEST

/*
 * COMPACT alias of a 64 GiB BAR gets a 64 GiB aligned gap, and every
 * allocation on the way can fail cleanly (design §9.17, §9.19;
 * 20250811155558.GF377696@ziepe.ca).
 */
START_TEST(test_nomem_alias_compact)
{
	const struct nomem_case nc = {
		COMPACT, sim_tab_h100, ARRAY_SIZE(sim_tab_h100), 32, 0, h100_some,
		ARRAY_SIZE(h100_some), true, 2, WC,
	};

	sweep_op(&nc, _i, N_OP);
}
END_TEST

/*
 * alias with attrs 0 names the region's own cookie and creates it on first
 * use; a failure leaves the region without a cookie (design §9.20;
 * 20250811155558.GF377696@ziepe.ca "existing GET_REGION_INFO == mmap_flags 0").
 */
START_TEST(test_nomem_alias_plain_region)
{
	const struct nomem_case nc = {
		COMPACT, sim_tab_many, ARRAY_SIZE(sim_tab_many), 40, 0, h100_some,
		ARRAY_SIZE(h100_some), true, 16, 0,
	};

	sweep_op(&nc, _i, N_OP);
}
END_TEST

/*
 * alias after sim_tab_many drops, into trees of several depths, so node splits and
 * new roots can fail (design §9.23, §9.28; fail-nth).
 */
START_TEST(test_nomem_alias_deep)
{
	static const u32 depths[] = { 13, 14, 15, 16, 30, 31, 62, 150 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(depths); i++) {
		const struct nomem_case nc = {
			COMPAT, sim_tab_many, ARRAY_SIZE(sim_tab_many), 200, depths[i],
			many_all_but_18, ARRAY_SIZE(many_all_but_18), true,
			11, WC,
		};

		sweep_op(&nc, _i, N_OP);
	}
}
END_TEST

static void zap_count(void *priv, u64 offset, u64 len)
{
	(void)offset;
	(void)len;
	(*(int *)priv)++;
}

static int walk_count(void *priv, const struct vfio_cookie *c, u64 first,
		      u64 last)
{
	(void)c;
	(void)first;
	(void)last;
	(*(int *)priv)++;
	return 0;
}

/*
 * Readers, drop, zap, walks, dedup hits and destroy never allocate, so a
 * failure armed around them is never reached (design §3: lookup is RCU and
 * lock free; 20250716184028.GA2177603@ziepe.ca).
 */
START_TEST(test_nomem_readers_never_allocate)
{
	struct vfio_cookie_space s;
	struct vfio_cookie_stats st;
	struct vfio_cookie *c, *d;
	unsigned long calls;
	u64 off, wc, pos, done;
	int zapped = 0, walked = 0;
	u32 idx;

	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPAT, sim_tab_h100,
						ARRAY_SIZE(sim_tab_h100), 16), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, 2, WC, &wc, &idx), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, 0, WC, &off, &idx), 0);

	calls = sim_alloc_calls();
	sim_fail_nth(1);
	rcu_read_lock();
	ck_assert_ptr_nonnull(vfio_cookie_lookup(&s, wc));
	rcu_read_unlock();
	c = vfio_cookie_mmap_get(&s, wc, MIB(2), &pos);
	ck_assert(!IS_ERR(c));
	vfio_cookie_get(c);
	d = vfio_cookie_rw_get(&s, TIB(7), 4, false, &pos, &done);
	ck_assert(!IS_ERR(d));
	vfio_cookie_put(d);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 2, &pos), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, 2, WC, &pos, &idx), 0);
	ck_assert_uint_eq(pos, wc);
	ck_assert_int_eq(vfio_cookie_alias(&s, 2, 0, &pos, &idx), 0);
	ck_assert_int_eq(vfio_cookie_drop(&s, off), 0);
	ck_assert_int_eq(vfio_cookie_drop(&s, off), -ENXIO);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 99, &pos), -EINVAL);
	ck_assert_int_eq(vfio_cookie_alias(&s, 7, WC, &pos, &idx), -EINVAL);
	ck_assert_int_eq(vfio_cookie_zap(&s, 2, zap_count, &zapped), 2);
	ck_assert_int_eq(zapped, 2);
	ck_assert_int_eq(vfio_cookie_for_each(&s, walk_count, &walked), 0);
	ck_assert_int_eq(walked, 11);
	vfio_cookie_space_stats(&s, &st);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
	vfio_cookie_put(c);
	vfio_cookie_put(c);
	ck_assert(sim_fail_pending());
	ck_assert_uint_eq(sim_alloc_calls(), calls);
	sim_fail_nth(0);
}
END_TEST

static Suite *nomem_suite(void)
{
	Suite *s = suite_create("nomem");
	TCase *tc = tcase_create("init");

	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_nomem_init_legacy, 1, N_INIT);
	tcase_add_loop_test(tc, test_nomem_init_legacy_many, 1, N_INIT_MANY);
	tcase_add_loop_test(tc, test_nomem_init_compat, 1, N_INIT);
	tcase_add_loop_test(tc, test_nomem_init_compat_oversize, 1, N_INIT);
	tcase_add_loop_test(tc, test_nomem_init_compact, 1, N_INIT_COMPACT);
	suite_add_tcase(s, tc);

	tc = tcase_create("ops");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_nomem_region_offset_compact, 1, N_OP);
	tcase_add_loop_test(tc, test_nomem_region_offset_full_leaf, 1, N_OP);
	tcase_add_loop_test(tc, test_nomem_region_offset_compat, 1, N_OP);
	tcase_add_loop_test(tc, test_nomem_region_offset_legacy_oversize, 1,
			    N_OP);
	tcase_add_loop_test(tc, test_nomem_alias_legacy, 1, N_OP);
	tcase_add_loop_test(tc, test_nomem_alias_compat, 1, N_OP);
	tcase_add_loop_test(tc, test_nomem_alias_compact, 1, N_OP);
	tcase_add_loop_test(tc, test_nomem_alias_plain_region, 1, N_OP);
	tcase_add_loop_test(tc, test_nomem_alias_deep, 1, N_OP);
	tcase_add_test(tc, test_nomem_readers_never_allocate);
	suite_add_tcase(s, tc);
	return s;
}

VFIOSIM_CHECK_MAIN(nomem_suite)
