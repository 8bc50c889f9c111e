// SPDX-License-Identifier: GPL-2.0-only
/*
 * Alias cookies: a region mapped with other attributes (write combining),
 * de-duplicated, immutable, limited, with indices that are never reused.
 */
#include <pthread.h>
#include <stdlib.h>

#include "harness.h"
#include "devices.h"

#define LEGACY	VFIO_COOKIE_LAYOUT_LEGACY
#define COMPAT	VFIO_COOKIE_LAYOUT_COMPAT
#define COMPACT	VFIO_COOKIE_LAYOUT_COMPACT
#define WC	VFIO_COOKIE_ATTR_WC

static void init_ok(struct vfio_cookie_space *s, const struct sim_device *dev,
		    enum vfio_cookie_layout l, u32 max)
{
	ck_assert_int_eq(vfio_cookie_space_init(s, l, dev->regions,
						dev->nr_regions, max), 0);
}

/* The fields of a cookie that never change once it is published. */
struct frozen {
	u64 offset, span, size;
	u32 index, target, flags, attrs;
	enum vfio_cookie_kind kind;
};

static struct frozen freeze(const struct vfio_cookie *c)
{
	return (struct frozen){
		.offset = c->offset, .span = c->span, .size = c->size,
		.index = c->index, .target = c->target, .flags = c->flags,
		.attrs = c->attrs, .kind = c->kind,
	};
}

/* Field by field: the padding of struct frozen is not compared. */
static bool frozen_eq(const struct frozen *a, const struct frozen *b)
{
	return a->offset == b->offset && a->span == b->span &&
	       a->size == b->size && a->index == b->index &&
	       a->target == b->target && a->flags == b->flags &&
	       a->attrs == b->attrs && a->kind == b->kind;
}

static struct frozen frozen_at(struct vfio_cookie_space *s, u64 offset)
{
	struct vfio_cookie c;

	ck_assert(sim_lookup_copy(s, offset, &c));
	return freeze(&c);
}

struct entries {
	int nr;
	struct frozen e[64];
	bool dead[64];
};

static int collect(void *priv, const struct vfio_cookie *cookie, u64 first,
		   u64 last)
{
	struct entries *en = priv;

	(void)first;
	(void)last;
	ck_assert_int_lt(en->nr, 64);
	en->e[en->nr] = freeze(cookie);
	en->dead[en->nr] = cookie->dead;
	en->nr++;
	return 0;
}

static void snapshot(struct vfio_cookie_space *s, struct entries *en)
{
	memset(en, 0, sizeof(*en));
	ck_assert_int_eq(vfio_cookie_for_each(s, collect, en), 0);
}

/*
 * Asking again for the same region and attributes gives the same cookie,
 * offset and index, and creates nothing (design §9.20; Alex
 * 20250828131755.0b646987.alex.williamson@redhat.com).
 */
START_TEST(test_alias_dedup)
{
	const struct sim_device *dev = _i / sim_nr_layouts ? &sim_dev_igd :
							    &sim_dev_h100;
	enum vfio_cookie_layout l = sim_layouts[_i % sim_nr_layouts];
	u64 off[16], again;
	u32 idx[16], again_idx, i, k;
	struct vfio_cookie_stats before, after;
	struct vfio_cookie_space s;

	init_ok(&s, dev, l, 64);
	for (i = 0; i < dev->nr_regions; i++)
		if (sim_dev_mmappable(dev, i))
			ck_assert_int_eq(vfio_cookie_alias(&s, i, WC, &off[i],
							   &idx[i]), 0);
	sim_picture(&s, "%s %s: one WC alias per mmappable region",
		    dev->name, sim_layout_name(l));
	vfio_cookie_space_stats(&s, &before);
	for (k = 0; k < 4; k++) {
		for (i = 0; i < dev->nr_regions; i++) {
			if (!sim_dev_mmappable(dev, i))
				continue;
			ck_assert_int_eq(vfio_cookie_alias(&s, i, WC, &again,
							   &again_idx), 0);
			ck_assert_uint_eq(again, off[i]);
			ck_assert_uint_eq(again_idx, idx[i]);
		}
	}
	vfio_cookie_space_stats(&s, &after);
	ck_assert_mem_eq(&before, &after, sizeof(before));
	/* Distinct regions, distinct aliases. */
	for (i = 0; i < dev->nr_regions; i++)
		for (k = 0; k < i; k++)
			if (sim_dev_mmappable(dev, i) &&
			    sim_dev_mmappable(dev, k))
				ck_assert_uint_ne(idx[i], idx[k]);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

struct racer {
	struct vfio_cookie_space *space;
	u64 off;
	u32 idx;
	int ret;
};

static void *race_alias(void *p)
{
	struct racer *r = p;

	sim_thread_init();
	r->ret = vfio_cookie_alias(r->space, SIM_BAR2, WC, &r->off, &r->idx);
	sim_thread_exit();
	return NULL;
}

/*
 * Two threads asking for the same alias at once get the same cookie: the
 * lookup-or-create is one critical section (design §9.20; vfio_cookie.h
 * concurrency table: alias under space->lock).
 */
START_TEST(test_alias_dedup_concurrent)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct racer r[4];
	struct vfio_cookie_stats st;
	struct vfio_cookie_space s;
	pthread_t th[4];
	int round, i;

	for (round = 0; round < 20; round++) {
		init_ok(&s, &sim_dev_h100, l, 32);
		for (i = 0; i < 4; i++) {
			r[i] = (struct racer){ .space = &s };
			ck_assert_int_eq(pthread_create(&th[i], NULL,
							race_alias, &r[i]), 0);
		}
		for (i = 0; i < 4; i++)
			pthread_join(th[i], NULL);
		for (i = 0; i < 4; i++) {
			ck_assert_int_eq(r[i].ret, 0);
			ck_assert_uint_eq(r[i].off, r[0].off);
			ck_assert_uint_eq(r[i].idx, 9);
		}
		vfio_cookie_space_stats(&s, &st);
		ck_assert_uint_eq(st.nr_cookies, l == COMPACT ? 1 : 10);
		ck_assert_space_valid(&s);
		vfio_cookie_space_destroy(&s);
	}
}
END_TEST

/*
 * A cookie's attributes never change: the region's own cookie stays
 * uncached and its WC alias stays WC whatever else is created, dropped or
 * mapped (design §9.19; Jason 20250805143134.GP26511@ziepe.ca).
 */
START_TEST(test_alias_immutable)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct frozen uc0, wc0, uc1, wc1;
	struct vfio_cookie_space s;
	struct vfio_cookie *vma;
	u64 uc, wc, other, pos;
	u32 idx;

	init_ok(&s, &sim_dev_h100, l, 32);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, SIM_BAR4, &uc), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR4, WC, &wc, &idx), 0);
	uc0 = frozen_at(&s, uc);
	wc0 = frozen_at(&s, wc);
	ck_assert_uint_eq(uc0.attrs, 0);
	ck_assert_uint_eq(wc0.attrs, WC);
	ck_assert_int_eq(uc0.kind, VFIO_COOKIE_REGION);
	ck_assert_int_eq(wc0.kind, VFIO_COOKIE_ALIAS);
	ck_assert_uint_eq(wc0.target, SIM_BAR4);
	ck_assert_uint_eq(wc0.size, uc0.size);
	ck_assert_uint_eq(wc0.flags, uc0.flags);

	/* Churn around them. */
	vma = vfio_cookie_mmap_get(&s, wc, PAGE_SIZE, &pos);
	ck_assert(!IS_ERR(vma));
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &other, &idx), 0);
	ck_assert_int_eq(vfio_cookie_drop(&s, other), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &other, &idx), 0);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, SIM_BAR2, &other), 0);
	vfio_cookie_put(vma);
	sim_picture(&s, "h100 %s: after churn", sim_layout_name(l));

	uc1 = frozen_at(&s, uc);
	wc1 = frozen_at(&s, wc);
	ck_assert(frozen_eq(&uc0, &uc1));
	ck_assert(frozen_eq(&wc0, &wc1));
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * The WC alias and the uncached region of one BAR coexist and can be
 * mapped at the same time, each VMA holding its own cookie (design §9.19,
 * §8.12; Jason 20250811155558.GF377696@ziepe.ca).
 */
START_TEST(test_alias_wc_and_uc_mapped_together)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie *vuc, *vwc;
	struct vfio_cookie_space s;
	u64 uc, wc, pos;
	u32 idx;

	init_ok(&s, &sim_dev_h100, l, 32);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, SIM_BAR2, &uc), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR2, WC, &wc, &idx), 0);
	vuc = vfio_cookie_mmap_get(&s, uc, 128 * SIM_GiB, &pos);
	ck_assert(!IS_ERR(vuc));
	vwc = vfio_cookie_mmap_get(&s, wc, 128 * SIM_GiB, &pos);
	ck_assert(!IS_ERR(vwc));
	ck_assert_ptr_ne(vuc, vwc);
	ck_assert_uint_eq(vuc->target, vwc->target);
	ck_assert_uint_eq(vuc->attrs, 0);
	ck_assert_uint_eq(vwc->attrs, WC);
	ck_assert_uint_eq(refcount_read(&vuc->users), 2);
	ck_assert_uint_eq(refcount_read(&vwc->users), 2);
	vfio_cookie_put(vuc);
	vfio_cookie_put(vwc);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * attrs 0 names the region's own cookie: its offset and index, created on
 * demand in COMPACT, and no alias index is spent (vfio_cookie_alias()
 * kernel-doc; design §9.20).
 */
START_TEST(test_alias_attrs_zero_is_region_cookie)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_stats before, after;
	struct vfio_cookie_space s;
	u64 a, r;
	u32 idx;

	init_ok(&s, &sim_dev_h100, l, 32);
	vfio_cookie_space_stats(&s, &before);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR4, 0, &a, &idx), 0);
	ck_assert_uint_eq(idx, SIM_BAR4);
	vfio_cookie_space_stats(&s, &after);
	ck_assert_uint_eq(after.nr_cookies,
			  before.nr_cookies + (l == COMPACT));
	ck_assert_int_eq(vfio_cookie_region_offset(&s, SIM_BAR4, &r), 0);
	ck_assert_uint_eq(a, r);
	ck_assert_int_eq(frozen_at(&s, a).kind, VFIO_COOKIE_REGION);
	if (l != COMPACT)
		ck_assert_uint_eq(a, 4ULL << 40);
	/* The first real alias still gets the first alias index. */
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR4, WC, &a, &idx), 0);
	ck_assert_uint_eq(idx, 9);
	ck_assert_uint_ne(a, r);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * An alias cannot be aliased: its index is not a region of the device, so
 * -EINVAL with any attributes (design §9.20; alias RFC patch 7).
 */
START_TEST(test_alias_of_alias_einval)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_space s;
	u64 a, b;
	u32 idx, idx2;

	init_ok(&s, &sim_dev_h100, l, 32);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &a, &idx), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, idx, WC, &b, &idx2), -EINVAL);
	ck_assert_int_eq(vfio_cookie_alias(&s, idx, 0, &b, &idx2), -EINVAL);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, idx, &b), -EINVAL);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Regions that cannot be mmapped (CONFIG, an absent BAR, the ROM, a
 * sub-page I/O BAR, absent VGA) cannot be aliased: -EINVAL, nothing
 * created (design §9.20; alias RFC patch 7; §9.5).
 */
START_TEST(test_alias_non_mmappable_einval)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	static const u32 no_mmap[] = {
		SIM_BAR1, SIM_BAR4, SIM_BAR5, SIM_ROM, SIM_CONFIG, SIM_VGA,
	};
	struct vfio_cookie_stats before, after;
	struct vfio_cookie_space s;
	unsigned int i;
	u64 a = 0x5a5a;
	u32 idx = 0x5a5a;

	init_ok(&s, &sim_dev_x710, l, 32);
	vfio_cookie_space_stats(&s, &before);
	for (i = 0; i < ARRAY_SIZE(no_mmap); i++) {
		ck_assert_int_eq(vfio_cookie_alias(&s, no_mmap[i], WC, &a,
						   &idx), -EINVAL);
		ck_assert_int_eq(vfio_cookie_alias(&s, no_mmap[i], 0, &a,
						   &idx), -EINVAL);
	}
	ck_assert_uint_eq(a, 0x5a5a);
	ck_assert_uint_eq(idx, 0x5a5a);
	vfio_cookie_space_stats(&s, &after);
	ck_assert_mem_eq(&before, &after, sizeof(before));
	/* The 4 KiB BAR2 can. */
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR2, WC, &a, &idx), 0);
	ck_assert_uint_eq(idx, 9);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Unknown attribute bits are refused with -EINVAL and create nothing
 * (design §9.24: RFC patch 9 rejects unknown attrs).
 */
START_TEST(test_alias_unknown_attrs_einval)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	static const u32 bad[] = {
		BIT(1), BIT(2), BIT(31), WC | BIT(1), U32_MAX,
	};
	struct vfio_cookie_stats before, after;
	struct vfio_cookie_space s;
	unsigned int i;
	u64 a;
	u32 idx;

	init_ok(&s, &sim_dev_h100, l, 32);
	vfio_cookie_space_stats(&s, &before);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, bad[i], &a,
						   &idx), -EINVAL);
	vfio_cookie_space_stats(&s, &after);
	ck_assert_mem_eq(&before, &after, sizeof(before));
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &a, &idx), 0);
	ck_assert_uint_eq(idx, 9);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * An index past the device's regions gives -EINVAL (vfio_cookie_alias()
 * kernel-doc; design §9.4: index >= 9 + num_regions -> -EINVAL).
 */
START_TEST(test_alias_index_out_of_range)
{
	struct vfio_cookie_space s;
	u64 a;
	u32 idx;

	init_ok(&s, &sim_dev_nvme, COMPAT, 16);
	ck_assert_int_eq(vfio_cookie_alias(&s, 9, WC, &a, &idx), -EINVAL);
	ck_assert_int_eq(vfio_cookie_alias(&s, 10, 0, &a, &idx), -EINVAL);
	ck_assert_int_eq(vfio_cookie_alias(&s, U32_MAX, WC, &a, &idx),
			 -EINVAL);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 9, &a), -EINVAL);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, U32_MAX, &a), -EINVAL);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * At the per-fd limit a new alias gives -ENOSPC and the space is left
 * exactly as it was, tombstones counting against the limit; existing
 * aliases are still handed out (design §9.21; Alex
 * 20250807130605.644ac9f6.alex.williamson@redhat.com; design §8.5).
 */
START_TEST(test_alias_exhaustion_enospc_unchanged)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	const struct sim_device *dev = &sim_dev_h100;
	struct entries before, after;
	struct vfio_cookie_space s;
	u64 off, a0, a2;
	u32 i, idx;

	init_ok(&s, dev, l, dev->nr_regions + 3);
	for (i = 0; i < dev->nr_regions; i++)
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &a0, &idx), 0);
	ck_assert_int_eq(vfio_cookie_drop(&s, a0), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &a0, &idx), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR2, WC, &a2, &idx), 0);
	ck_assert_uint_eq(idx, 11);
	sim_picture(&s, "h100 %s: limit reached", sim_layout_name(l));
	snapshot(&s, &before);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR4, WC, &off, &idx),
			 -ENOSPC);
	/* Dropping does not give room back: the tombstone stays. */
	ck_assert_int_eq(vfio_cookie_drop(&s, a2), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR2, WC, &off, &idx),
			 -ENOSPC);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR4, WC, &off, &idx),
			 -ENOSPC);
	snapshot(&s, &after);
	sim_picture(&s, "h100 %s: after -ENOSPC", sim_layout_name(l));
	ck_assert_int_eq(after.nr, before.nr);
	/* Only a2 changed: it is dead now. */
	for (i = 0; i < (u32)after.nr; i++) {
		ck_assert(frozen_eq(&after.e[i], &before.e[i]));
		ck_assert(after.dead[i] == (before.dead[i] ||
					    after.e[i].offset == a2));
	}
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &off, &idx), 0);
	ck_assert_uint_eq(off, a0);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Alias indices start right above the device's regions, grow by one per
 * new alias and are never handed out twice, drops and failures included;
 * no offset is handed out twice either (vfio_cookie_alias() kernel-doc;
 * design §8.3 ABA, §9.23).
 */
START_TEST(test_alias_indices_never_reused)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	const struct sim_device *dev = &sim_dev_igd;
	static const u32 mm[] = { SIM_BAR0, SIM_BAR2, 12 };
	u64 offs[64], a;
	u32 seen[64], idx, expect = 13;
	struct vfio_cookie_space s;
	int n = 0, k, round;

	init_ok(&s, dev, l, 64);
	srandom(sim_seed());
	for (round = 0; round < 40; round++) {
		u32 r = mm[random() % ARRAY_SIZE(mm)];

		/* Failures in between spend nothing. */
		ck_assert_int_eq(vfio_cookie_alias(&s, SIM_CONFIG, WC, &a,
						   &idx), -EINVAL);
		ck_assert_int_eq(vfio_cookie_alias(&s, r, BIT(5), &a, &idx),
				 -EINVAL);
		ck_assert_int_eq(vfio_cookie_alias(&s, r, WC, &a, &idx), 0);
		for (k = 0; k < n; k++)
			if (seen[k] == idx)
				break;
		if (k < n) {
			/* De-duplicated: the live alias of r. */
			ck_assert_uint_eq(offs[k], a);
		} else {
			ck_assert_uint_eq(idx, expect);
			expect++;
			for (k = 0; k < n; k++)
				ck_assert_uint_ne(offs[k], a);
			ck_assert_int_lt(n, 40);
			seen[n] = idx;
			offs[n] = a;
			n++;
		}
		if (random() % 2)
			ck_assert_int_eq(vfio_cookie_drop(&s, a), 0);
	}
	sim_picture(&s, "igd %s: after 40 rounds of alias/drop",
		    sim_layout_name(l));
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * The last index whose legacy offset fits below 2^63 is the last alias
 * index; one more alias gives -ENOSPC (design §9.21; vfio_cookie.h
 * VFIO_COOKIE_INDEX_MAX).
 */
START_TEST(test_alias_last_index_enospc)
{
	u32 nr = VFIO_COOKIE_INDEX_MAX, i, idx;
	struct vfio_cookie_region *regions;
	struct vfio_cookie_space s;
	u64 a;

	regions = calloc(nr, sizeof(*regions));
	ck_assert_ptr_nonnull(regions);
	for (i = 0; i < nr; i++)
		regions[i] = (struct vfio_cookie_region){ 4096, SIM_RWM };
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, regions, nr,
						nr + 1), 0);
	free(regions);
	ck_assert_int_eq(vfio_cookie_alias(&s, 0, WC, &a, &idx), 0);
	ck_assert_uint_eq(idx, VFIO_COOKIE_INDEX_MAX);
	ck_assert_int_eq(vfio_cookie_alias(&s, 1, WC, &a, &idx), -ENOSPC);
	ck_assert_int_eq(vfio_cookie_alias(&s, 0, WC, &a, &idx), 0);
	ck_assert_uint_eq(idx, VFIO_COOKIE_INDEX_MAX);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

static Suite *alias_suite(void)
{
	Suite *s = suite_create("alias");
	TCase *tc;

	tc = tcase_create("dedup");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_alias_dedup, 0, 2 * sim_nr_layouts);
	tcase_add_loop_test(tc, test_alias_dedup_concurrent, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_alias_attrs_zero_is_region_cookie, 0,
			    sim_nr_layouts);
	suite_add_tcase(s, tc);

	tc = tcase_create("immutable");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_alias_immutable, 0, sim_nr_layouts);
	tcase_add_loop_test(tc, test_alias_wc_and_uc_mapped_together, 0,
			    sim_nr_layouts);
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_alias_of_alias_einval, 0, sim_nr_layouts);
	tcase_add_loop_test(tc, test_alias_non_mmappable_einval, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_alias_unknown_attrs_einval, 0,
			    sim_nr_layouts);
	tcase_add_test(tc, test_alias_index_out_of_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_alias_exhaustion_enospc_unchanged, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_alias_indices_never_reused, 0,
			    sim_nr_layouts);
	tcase_add_test(tc, test_alias_last_index_enospc);
	suite_add_tcase(s, tc);
	return s;
}

VFIOSIM_CHECK_MAIN(alias_suite)
