// SPDX-License-Identifier: GPL-2.0-only
/*
 * How long cookies live: references held by VMAs and accesses, mappings
 * that outlive the fd, dropped aliases (tombstones), zap coverage, the
 * teardown, out-of-memory at every allocation, and RCU readers running
 * beside writers.
 */
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "harness.h"
#include "devices.h"

#define LEGACY	VFIO_COOKIE_LAYOUT_LEGACY
#define COMPAT	VFIO_COOKIE_LAYOUT_COMPAT
#define COMPACT	VFIO_COOKIE_LAYOUT_COMPACT
#define WC	VFIO_COOKIE_ATTR_WC

static void setup_all(struct vfio_cookie_space *s, const struct sim_device *dev,
		      enum vfio_cookie_layout l, u32 max, u64 *off)
{
	u32 i;

	ck_assert_int_eq(vfio_cookie_space_init(s, l, dev->regions,
						dev->nr_regions, max), 0);
	for (i = 0; i < dev->nr_regions; i++) {
		int ret = vfio_cookie_region_offset(s, i, &off[i]);

		if (ret) {
			ck_assert_int_eq(ret, -EOVERFLOW);
			off[i] = U64_MAX;
		}
	}
}

static struct vfio_cookie *map(struct vfio_cookie_space *s, u64 offset,
			       u64 len)
{
	struct vfio_cookie *c;
	u64 pos;

	c = vfio_cookie_mmap_get(s, offset, len, &pos);
	ck_assert_msg(!IS_ERR(c), "mmap_get(%#llx) = %ld",
		      (unsigned long long)offset, PTR_ERR(c));
	return c;
}

/* ---- references ---- */

/*
 * A VMA holds a reference from mmap_get(); a split takes another with
 * vfio_cookie_get(); each VMA's close gives one back, and the space keeps
 * its own (design §8.3: iommufd-style users pinned by each VMA; design.md
 * §3 "VMA pin/unpin").
 */
START_TEST(test_lifetime_vma_references_and_split)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;
	struct vfio_cookie *c;

	setup_all(&s, &sim_dev_h100, l, 32, off);
	c = map(&s, off[SIM_BAR0], 16 * SIM_MiB);
	ck_assert_uint_eq(refcount_read(&c->users), 2);
	/* munmap of the middle splits the VMA in two: a second reference. */
	vfio_cookie_get(c);
	ck_assert_uint_eq(refcount_read(&c->users), 3);
	vfio_cookie_get(c);
	ck_assert_uint_eq(refcount_read(&c->users), 4);
	vfio_cookie_put(c);
	vfio_cookie_put(c);
	vfio_cookie_put(c);
	ck_assert_uint_eq(refcount_read(&c->users), 1);
	/* The space's reference keeps it findable. */
	rcu_read_lock();
	ck_assert_ptr_eq(vfio_cookie_lookup(&s, off[SIM_BAR0]), c);
	rcu_read_unlock();
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * A read or write in flight holds a reference until it is given back
 * (vfio_cookie_rw_get() kernel-doc; vfio_cookie.h @users).
 */
START_TEST(test_lifetime_rw_reference)
{
	u64 off[SIM_NUM_PCI_REGIONS], pos, done;
	struct vfio_cookie_space s;
	struct vfio_cookie *a, *b;

	setup_all(&s, &sim_dev_nvme, COMPACT, 16, off);
	a = vfio_cookie_rw_get(&s, off[SIM_CONFIG], 4, false, &pos, &done);
	ck_assert(!IS_ERR(a));
	b = vfio_cookie_rw_get(&s, off[SIM_CONFIG] + 8, 4, true, &pos, &done);
	ck_assert_ptr_eq(a, b);
	ck_assert_uint_eq(refcount_read(&a->users), 3);
	vfio_cookie_put(a);
	vfio_cookie_put(b);
	ck_assert_uint_eq(refcount_read(&a->users), 1);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * DPDK closes the device fd before it unmaps the BARs: a mapped cookie
 * outlives vfio_cookie_space_destroy(), still readable and split-able, and
 * is freed at its last put (clients §0.6; design §9.23).
 */
START_TEST(test_lifetime_mapping_outlives_fd_close)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS], a;
	struct vfio_cookie_space s;
	struct vfio_cookie *bar, *wc;
	u32 idx;

	setup_all(&s, &sim_dev_x710, l, 32, off);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &a, &idx), 0);
	bar = map(&s, off[SIM_BAR3], 32 * SIM_KiB);
	wc = map(&s, a, 8 * SIM_MiB);
	sim_picture(&s, "x710 %s: two VMAs, then close", sim_layout_name(l));
	vfio_cookie_space_destroy(&s);

	/* Only the two mapped cookies are left. */
	ck_assert_int_eq(sim_live_allocs(), 2);
	ck_assert(READ_ONCE(bar->dead));
	ck_assert(READ_ONCE(wc->dead));
	ck_assert_uint_eq(refcount_read(&bar->users), 1);
	ck_assert_uint_eq(bar->index, SIM_BAR3);
	ck_assert_uint_eq(bar->size, 32 * SIM_KiB);
	ck_assert_uint_eq(wc->target, SIM_BAR0);
	ck_assert_uint_eq(wc->attrs, WC);
	/* A split of the orphaned VMA, then munmap of both halves. */
	vfio_cookie_get(wc);
	vfio_cookie_put(wc);
	vfio_cookie_put(bar);
	ck_assert_int_eq(sim_live_allocs(), 1);
	vfio_cookie_put(wc);
	ck_assert_int_eq(sim_live_allocs(), 0);
}
END_TEST

/*
 * Destroying a space with no mappings frees every cookie, tombstone and
 * maple node, and the copies of the region table (design §9.23: release
 * frees every entry then mtree_destroy).
 */
START_TEST(test_lifetime_destroy_frees_everything)
{
	const struct sim_device *dev = sim_devices[_i / sim_nr_layouts];
	enum vfio_cookie_layout l = sim_layouts[_i % sim_nr_layouts];
	u64 off[16], a, pos, done;
	struct vfio_cookie_space s;
	struct vfio_cookie *c;
	u32 i, idx;

	setup_all(&s, dev, l, 64, off);
	for (i = 0; i < dev->nr_regions; i++) {
		if (!sim_dev_mmappable(dev, i) || off[i] == U64_MAX)
			continue;
		ck_assert_int_eq(vfio_cookie_alias(&s, i, WC, &a, &idx), 0);
		c = map(&s, a, PAGE_SIZE);
		ck_assert_int_eq(vfio_cookie_drop(&s, a), 0);
		vfio_cookie_put(c);
		ck_assert_int_eq(vfio_cookie_alias(&s, i, WC, &a, &idx), 0);
		c = vfio_cookie_rw_get(&s, a, 4, false, &pos, &done);
		ck_assert(!IS_ERR(c));
		vfio_cookie_put(c);
	}
	sim_picture(&s, "%s %s: before destroy", dev->name,
		    sim_layout_name(l));
	ck_assert_space_valid(&s);
	ck_assert_int_gt(sim_live_allocs(), 0);
	vfio_cookie_space_destroy(&s);
	ck_assert_int_eq(sim_live_allocs(), 0);
}
END_TEST

/* ---- drop ---- */

/*
 * A dropped alias is found by nothing: lookup, mmap and read/write miss,
 * alias() makes a new one with a new index and offset, and its range is
 * kept as a tombstone (design §8.3 ABA, §9.23; vfio_cookie_drop()
 * kernel-doc).
 */
START_TEST(test_lifetime_drop_alias_unreachable)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS], a, b, pos, done;
	struct vfio_cookie_stats st;
	struct vfio_cookie_space s;
	struct vfio_cookie *c;
	u32 ia, ib;

	setup_all(&s, &sim_dev_h100, l, 32, off);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR4, WC, &a, &ia), 0);
	sim_picture(&s, "h100 %s: before drop", sim_layout_name(l));
	ck_assert_int_eq(vfio_cookie_drop(&s, a), 0);
	sim_picture(&s, "h100 %s: after drop", sim_layout_name(l));
	rcu_read_lock();
	ck_assert_ptr_null(vfio_cookie_lookup(&s, a));
	ck_assert_ptr_null(vfio_cookie_lookup(&s, a + 32 * SIM_MiB - 1));
	rcu_read_unlock();
	c = vfio_cookie_mmap_get(&s, a, PAGE_SIZE, &pos);
	ck_assert_int_eq(PTR_ERR(c), -ENXIO);
	c = vfio_cookie_rw_get(&s, a, 4, false, &pos, &done);
	ck_assert_int_eq(PTR_ERR(c), -EINVAL);
	vfio_cookie_space_stats(&s, &st);
	ck_assert_uint_eq(st.nr_tombstones, 1);

	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR4, WC, &b, &ib), 0);
	sim_picture(&s, "h100 %s: after a new alias", sim_layout_name(l));
	ck_assert_uint_gt(ib, ia);
	ck_assert_uint_ne(b, a);
	/* The new range does not overlap the tombstone. */
	ck_assert(b + 32 * SIM_MiB <= a || a + 32 * SIM_MiB <= b);
	/* And the same request now gives the new one. */
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR4, WC, &a, &ia), 0);
	ck_assert_uint_eq(a, b);
	ck_assert_uint_eq(ia, ib);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

struct range_set {
	int nr;
	u64 first[64];
	u64 last[64];
	bool dead[64];
};

static int collect_ranges(void *priv, const struct vfio_cookie *cookie,
			  u64 first, u64 last)
{
	struct range_set *set = priv;

	ck_assert_int_lt(set->nr, 64);
	set->first[set->nr] = first;
	set->last[set->nr] = last;
	set->dead[set->nr] = cookie->dead;
	set->nr++;
	return 0;
}

/*
 * A stale offset of a dropped alias never resolves again: however many
 * cookies are made afterwards none reuses a dropped range (no ABA, design
 * §8.3, §9.23; vfio_cookie.h "tombstone").
 */
START_TEST(test_lifetime_dropped_range_never_reused)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	const struct sim_device *dev = &sim_dev_igd;
	u64 off[16], stale[8], a, pos;
	struct vfio_cookie_space s;
	struct range_set set = { 0 };
	struct vfio_cookie *c;
	u32 idx, last_idx = 0;
	int round, i, k;

	/* COMPACT: leave the regions for later, so they too could reuse. */
	ck_assert_int_eq(vfio_cookie_space_init(&s, l, dev->regions,
						dev->nr_regions, 64), 0);
	for (round = 0; round < 8; round++) {
		ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &stale[round],
						   &idx), 0);
		ck_assert_uint_gt(idx, last_idx);
		last_idx = idx;
		ck_assert_int_eq(vfio_cookie_drop(&s, stale[round]), 0);
	}
	sim_picture(&s, "igd %s: eight dropped aliases", sim_layout_name(l));
	for (i = 0; i < (int)dev->nr_regions; i++) {
		int ret = vfio_cookie_region_offset(&s, i, &off[i]);

		ck_assert_int_eq(ret, 0);
		if (sim_dev_mmappable(dev, i))
			ck_assert_int_eq(vfio_cookie_alias(&s, i, WC, &a, &idx),
					 0);
	}
	sim_picture(&s, "igd %s: after every region and alias",
		    sim_layout_name(l));
	for (round = 0; round < 8; round++) {
		rcu_read_lock();
		ck_assert_ptr_null(vfio_cookie_lookup(&s, stale[round]));
		rcu_read_unlock();
		c = vfio_cookie_mmap_get(&s, stale[round], PAGE_SIZE, &pos);
		ck_assert_int_eq(PTR_ERR(c), -ENXIO);
	}
	/* The tombstones are still in the tree, and nothing overlaps them. */
	ck_assert_int_eq(vfio_cookie_for_each(&s, collect_ranges, &set), 0);
	for (round = 0; round < 8; round++) {
		for (k = 0; k < set.nr; k++)
			if (set.first[k] == stale[round])
				break;
		ck_assert_int_lt(k, set.nr);
		ck_assert(set.dead[k]);
		ck_assert_uint_eq(set.last[k], stale[round] + 16 * SIM_MiB - 1);
	}
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Dropping a region's own cookie gives -EINVAL: regions live as long as
 * the fd (vfio_cookie_drop() kernel-doc; design §9.23).
 */
START_TEST(test_lifetime_drop_region_einval)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;
	u32 i;

	setup_all(&s, &sim_dev_h100, l, 32, off);
	for (i = 0; i < SIM_NUM_PCI_REGIONS; i++)
		ck_assert_int_eq(vfio_cookie_drop(&s, off[i]), -EINVAL);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Dropping an alias twice gives -ENXIO the second time (vfio_cookie_drop()
 * kernel-doc: no live cookie starts at @offset).
 */
START_TEST(test_lifetime_double_drop_enxio)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS], a;
	struct vfio_cookie_stats st;
	struct vfio_cookie_space s;
	u32 idx;

	setup_all(&s, &sim_dev_h100, l, 32, off);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR2, WC, &a, &idx), 0);
	ck_assert_int_eq(vfio_cookie_drop(&s, a), 0);
	ck_assert_int_eq(vfio_cookie_drop(&s, a), -ENXIO);
	ck_assert_int_eq(vfio_cookie_drop(&s, a), -ENXIO);
	vfio_cookie_space_stats(&s, &st);
	ck_assert_uint_eq(st.nr_tombstones, 1);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Drop needs the first byte of a live alias: an offset inside one, in a
 * hole or past 2^63 gives -ENXIO and drops nothing (vfio_cookie_drop()
 * kernel-doc).
 */
START_TEST(test_lifetime_drop_not_at_start_enxio)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS], a;
	struct vfio_cookie_stats st;
	struct vfio_cookie_space s;
	u32 idx;

	setup_all(&s, &sim_dev_h100, l, 32, off);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &a, &idx), 0);
	ck_assert_int_eq(vfio_cookie_drop(&s, a + PAGE_SIZE), -ENXIO);
	ck_assert_int_eq(vfio_cookie_drop(&s, a + 1), -ENXIO);
	ck_assert_int_eq(vfio_cookie_drop(&s, a + 16 * SIM_MiB - 1), -ENXIO);
	ck_assert_int_eq(vfio_cookie_drop(&s, 1ULL << 50), -ENXIO);
	ck_assert_int_eq(vfio_cookie_drop(&s, 1ULL << 63), -ENXIO);
	ck_assert_int_eq(vfio_cookie_drop(&s, U64_MAX), -ENXIO);
	vfio_cookie_space_stats(&s, &st);
	ck_assert_uint_eq(st.nr_tombstones, 0);
	ck_assert_int_eq(vfio_cookie_drop(&s, a), 0);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * A VMA of an alias dropped while mapped keeps working: split, then unmap,
 * with no WARN, and the cookie goes at fd close plus last put (design
 * §9.23; vfio_cookie_drop() kernel-doc: zap still reaches it).
 */
START_TEST(test_lifetime_dropped_alias_still_mapped)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS], a;
	struct vfio_cookie_space s;
	struct vfio_cookie *c;
	u32 idx;

	setup_all(&s, &sim_dev_h100, l, 32, off);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &a, &idx), 0);
	c = map(&s, a, 16 * SIM_MiB);
	ck_assert_int_eq(vfio_cookie_drop(&s, a), 0);
	ck_assert(READ_ONCE(c->dead));
	ck_assert_uint_eq(refcount_read(&c->users), 2);
	vfio_cookie_get(c);
	vfio_cookie_put(c);
	vfio_cookie_space_destroy(&s);
	ck_assert_int_eq(sim_live_allocs(), 1);
	vfio_cookie_put(c);
}
END_TEST

/* ---- zap ---- */

struct zap_log {
	int nr;
	u64 offset[32];
	u64 len[32];
};

static void zap_cb(void *priv, u64 offset, u64 len)
{
	struct zap_log *log = priv;

	ck_assert_int_lt(log->nr, 32);
	log->offset[log->nr] = offset;
	log->len[log->nr] = len;
	log->nr++;
}

static bool zapped(const struct zap_log *log, u64 offset, u64 len)
{
	int i;

	for (i = 0; i < log->nr; i++)
		if (log->offset[i] == offset && log->len[i] == len)
			return true;
	return false;
}

/*
 * Zap of a region reaches its own cookie, its live alias and its dropped
 * but mapped alias, and nothing of other regions, in every layout (design
 * §9.11-12; Alex 20250811160710.174ca708.alex.williamson@redhat.com).
 */
START_TEST(test_lifetime_zap_reaches_every_cookie)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS], dropped, live, other;
	struct zap_log log = { 0 };
	struct vfio_cookie_space s;
	struct vfio_cookie *vma;
	u32 idx;

	setup_all(&s, &sim_dev_h100, l, 32, off);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR2, WC, &dropped, &idx),
			 0);
	vma = map(&s, dropped + SIM_GiB, SIM_GiB);
	ck_assert_int_eq(vfio_cookie_drop(&s, dropped), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR2, WC, &live, &idx), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &other, &idx), 0);
	sim_picture(&s, "h100 %s: zap BAR2", sim_layout_name(l));

	ck_assert_int_eq(vfio_cookie_zap(&s, SIM_BAR2, zap_cb, &log), 3);
	ck_assert_int_eq(log.nr, 3);
	ck_assert(zapped(&log, off[SIM_BAR2], 128 * SIM_GiB));
	ck_assert(zapped(&log, dropped, 128 * SIM_GiB));
	ck_assert(zapped(&log, live, 128 * SIM_GiB));
	/* In offset order. */
	ck_assert_uint_lt(log.offset[0], log.offset[1]);
	ck_assert_uint_lt(log.offset[1], log.offset[2]);
	if (l == LEGACY) {
		/* The aliases sit at index << 40, beyond the [0, 6 << 40) window. */
		ck_assert_uint_ge(dropped, 6ULL << 40);
		ck_assert_uint_ge(live, 6ULL << 40);
	}

	memset(&log, 0, sizeof(log));
	ck_assert_int_eq(vfio_cookie_zap(&s, SIM_BAR0, zap_cb, &log), 2);
	ck_assert(zapped(&log, off[SIM_BAR0], 16 * SIM_MiB));
	ck_assert(zapped(&log, other, 16 * SIM_MiB));
	/* An absent BAR has its page to zap and nothing else. */
	memset(&log, 0, sizeof(log));
	ck_assert_int_eq(vfio_cookie_zap(&s, SIM_BAR5, zap_cb, &log), 1);
	ck_assert(zapped(&log, off[SIM_BAR5], PAGE_SIZE));

	vfio_cookie_put(vma);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Device-specific regions (index >= 9) and their aliases live outside the
 * legacy zap window [0, 6 << 40) in LEGACY; zap still reaches them in
 * every layout, including cookies created on demand in COMPACT (design
 * §9.12, §6.4: vfio_pci_zap_bars covers only BAR0..5).
 */
START_TEST(test_lifetime_zap_outside_legacy_window)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	const struct sim_device *dev = &sim_dev_igd;
	struct zap_log log = { 0 };
	struct vfio_cookie_space s;
	u64 off[16], a;
	u32 idx;

	setup_all(&s, dev, l, 32, off);
	ck_assert_int_eq(vfio_cookie_alias(&s, 12, WC, &a, &idx), 0);
	sim_picture(&s, "igd %s: zap region 12", sim_layout_name(l));
	ck_assert_int_eq(vfio_cookie_zap(&s, 12, zap_cb, &log), 2);
	ck_assert(zapped(&log, off[12], SIM_MiB));
	ck_assert(zapped(&log, a, SIM_MiB));
	if (l == LEGACY) {
		ck_assert_uint_eq(off[12], 12ULL << 40);
		ck_assert_uint_eq(a, 13ULL << 40);
	}
	/* VGA (index 8) is outside the window in every layout but COMPACT. */
	memset(&log, 0, sizeof(log));
	ck_assert_int_eq(vfio_cookie_zap(&s, SIM_VGA, zap_cb, &log), 1);
	ck_assert(zapped(&log, off[SIM_VGA], 0xc0000));
	vfio_cookie_space_destroy(&s);
}
END_TEST

static void zap_never(void *priv, u64 offset, u64 len)
{
	(void)priv;
	ck_abort_msg("zap called for %#llx+%#llx", (unsigned long long)offset,
		     (unsigned long long)len);
}

/*
 * Zap of an index that is not a region of the device, an alias index
 * included, gives -EINVAL and calls nothing (vfio_cookie_zap() kernel-doc).
 */
START_TEST(test_lifetime_zap_bad_index)
{
	u64 off[SIM_NUM_PCI_REGIONS], a;
	struct vfio_cookie_space s;
	u32 idx;

	setup_all(&s, &sim_dev_h100, COMPAT, 32, off);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &a, &idx), 0);
	ck_assert_int_eq(vfio_cookie_zap(&s, idx, zap_never, NULL), -EINVAL);
	ck_assert_int_eq(vfio_cookie_zap(&s, SIM_NUM_PCI_REGIONS, zap_never,
					 NULL), -EINVAL);
	ck_assert_int_eq(vfio_cookie_zap(&s, U32_MAX, zap_never, NULL),
			 -EINVAL);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/* ---- misuse ---- */

/*
 * One put more than was taken WARNs (refcount underflow, as REFCOUNT_FULL
 * does) and does not free the cookie a second time (vfio_cookie_put()
 * kernel-doc; sim_kernel.h refcount_t).
 */
START_TEST(test_lifetime_extra_put_warns_once)
{
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;
	struct vfio_cookie *c;

	sim_warn_verbose(false);
	setup_all(&s, &sim_dev_nvme, COMPACT, 16, off);
	c = map(&s, off[SIM_BAR0], PAGE_SIZE);
	vfio_cookie_space_destroy(&s);
	ck_assert_int_eq(sim_live_allocs(), 1);

	sim_expect_warns(1);
	/* Inside a read section the grace period cannot end: c stays. */
	rcu_read_lock();
	vfio_cookie_put(c);
	ck_assert_uint_eq(sim_warn_count(), 0);
	vfio_cookie_put(c);
	ck_assert_uint_eq(sim_warn_count(), 1);
	ck_assert_ptr_nonnull(strstr(sim_warn_last(), "old == 0"));
	rcu_read_unlock();
	/* Freed exactly once (ASan would catch a second kfree). */
	ck_assert_int_eq(sim_live_allocs(), 0);
	sim_warn_verbose(true);
}
END_TEST

/* ---- out of memory at every allocation ---- */

enum op_kind { OP_REGION, OP_ALIAS, OP_DROP };

struct op {
	enum op_kind kind;
	u32 index;
};

static const struct op script[] = {
	{ OP_REGION, 9 }, { OP_REGION, 0 }, { OP_ALIAS, 0 }, { OP_REGION, 2 },
	{ OP_ALIAS, 2 }, { OP_DROP, 0 }, { OP_ALIAS, 0 }, { OP_REGION, 12 },
	{ OP_ALIAS, 12 }, { OP_REGION, 8 }, { OP_DROP, 2 }, { OP_ALIAS, 2 },
	{ OP_REGION, 10 }, { OP_REGION, 11 }, { OP_REGION, 4 },
};

struct run_state {
	u64 alias[16];
};

static int run_op(struct vfio_cookie_space *s, const struct op *op,
		  struct run_state *st)
{
	u64 off;
	u32 idx;
	int ret;

	switch (op->kind) {
	case OP_REGION:
		return vfio_cookie_region_offset(s, op->index, &off);
	case OP_ALIAS:
		ret = vfio_cookie_alias(s, op->index, WC, &off, &idx);
		if (!ret)
			st->alias[op->index] = off;
		return ret;
	case OP_DROP:
		return vfio_cookie_drop(s, st->alias[op->index]);
	}
	return -EINVAL;
}

/*
 * Failing the nth allocation, for every n, makes the operation that hits
 * it return -ENOMEM with the space unchanged and valid; retrying it then
 * ends in the same space as a run without failures, and nothing leaks
 * (vfio_cookie_space_init() kernel-doc "On error nothing is left
 * allocated"; design §9.28 accounting).
 */
START_TEST(test_lifetime_enomem_at_every_allocation)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	const struct sim_device *dev = &sim_dev_igd;
	struct range_set want = { 0 }, got;
	struct vfio_cookie_stats before, after;
	struct vfio_cookie_space s;
	struct run_state st;
	unsigned long n;
	unsigned int k, failures = 0;
	int ret;

	/* The run without failures. */
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(vfio_cookie_space_init(&s, l, dev->regions,
						dev->nr_regions, 32), 0);
	for (k = 0; k < ARRAY_SIZE(script); k++)
		ck_assert_int_eq(run_op(&s, &script[k], &st), 0);
	vfio_cookie_for_each(&s, collect_ranges, &want);
	sim_picture(&s, "igd %s: the script without failures",
		    sim_layout_name(l));
	vfio_cookie_space_destroy(&s);

	for (n = 1; n < 1000; n++) {
		bool failed = false;

		memset(&st, 0, sizeof(st));
		sim_fail_nth(n);
		ret = vfio_cookie_space_init(&s, l, dev->regions,
					     dev->nr_regions, 32);
		if (ret) {
			ck_assert_int_eq(ret, -ENOMEM);
			ck_assert(!sim_fail_pending());
			ck_assert_int_eq(sim_live_allocs(), 0);
			failures++;
			sim_fail_nth(0);
			ck_assert_int_eq(vfio_cookie_space_init(&s, l,
				dev->regions, dev->nr_regions, 32), 0);
			failed = true;
		}
		for (k = 0; k < ARRAY_SIZE(script); k++) {
			vfio_cookie_space_stats(&s, &before);
			ret = run_op(&s, &script[k], &st);
			if (!ret)
				continue;
			ck_assert_msg(ret == -ENOMEM && !failed,
				      "n %lu op %u: %d", n, k, ret);
			ck_assert(!sim_fail_pending());
			failed = true;
			failures++;
			vfio_cookie_space_stats(&s, &after);
			ck_assert_mem_eq(&before, &after, sizeof(before));
			ck_assert_space_valid(&s);
			ck_assert_int_eq(run_op(&s, &script[k], &st), 0);
		}
		sim_fail_nth(0);
		memset(&got, 0, sizeof(got));
		vfio_cookie_for_each(&s, collect_ranges, &got);
		ck_assert_int_eq(got.nr, want.nr);
		ck_assert_mem_eq(got.first, want.first, sizeof(want.first));
		ck_assert_mem_eq(got.dead, want.dead, sizeof(want.dead));
		ck_assert_space_valid(&s);
		vfio_cookie_space_destroy(&s);
		ck_assert_int_eq(sim_live_allocs(), 0);
		if (!failed)
			break;
	}
	ck_assert_uint_lt(n, 1000);
	/* Every allocation of the run was failed once. */
	ck_assert_uint_eq(failures, n - 1);
	ck_assert_uint_gt(failures, ARRAY_SIZE(script));
}
END_TEST

/* ---- RCU readers beside writers ---- */

struct reader_arg {
	struct vfio_cookie_space *space;
	const u64 *offsets;
	int nr_offsets;
	bool stop;
	unsigned long hits, misses, bad;
};

static void *reader(void *p)
{
	struct reader_arg *arg = p;
	unsigned long n = 0;

	sim_thread_init();
	while (!__atomic_load_n(&arg->stop, __ATOMIC_ACQUIRE)) {
		int nr = __atomic_load_n(&arg->nr_offsets, __ATOMIC_ACQUIRE);
		u64 off = arg->offsets[n++ % nr], pos;
		struct vfio_cookie *c;

		c = vfio_cookie_mmap_get(arg->space, off, PAGE_SIZE, &pos);
		if (IS_ERR(c)) {
			__atomic_add_fetch(&arg->misses, 1, __ATOMIC_RELAXED);
			continue;
		}
		/* Immutable fields of a live or just-dropped cookie. */
		if (c->offset + pos != off || !c->span ||
		    !refcount_read(&c->users))
			__atomic_add_fetch(&arg->bad, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&arg->hits, 1, __ATOMIC_RELAXED);
		vfio_cookie_put(c);
	}
	sim_thread_exit();
	return NULL;
}

/* Wait until the readers have made @nr more lookups. */
static void reads_wait(struct reader_arg *arg, unsigned long nr)
{
	unsigned long start;

	if (!__atomic_load_n(&arg->nr_offsets, __ATOMIC_ACQUIRE))
		return;
	start = __atomic_load_n(&arg->hits, __ATOMIC_RELAXED) +
		__atomic_load_n(&arg->misses, __ATOMIC_RELAXED);
	while (__atomic_load_n(&arg->hits, __ATOMIC_RELAXED) +
	       __atomic_load_n(&arg->misses, __ATOMIC_RELAXED) < start + nr)
		sched_yield();
}

/*
 * mmap lookups run under RCU beside alias creation and drop on the mutex:
 * no reader sees a freed cookie and every reference is given back
 * (vfio_cookie.h concurrency table; design.md §3 "lookup (RCU, no lock)").
 */
START_TEST(test_lifetime_readers_beside_writers)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS], offsets[64];
	struct reader_arg arg = { 0 };
	struct vfio_cookie_space s;
	pthread_t th[2];
	int i, nr = 0;
	u32 idx;

	setup_all(&s, &sim_dev_h100, l, 256, off);
	offsets[nr++] = off[SIM_BAR0];
	offsets[nr++] = off[SIM_BAR4];
	arg.space = &s;
	arg.offsets = offsets;
	for (i = 0; i < 40; i++) {
		u64 a;

		ck_assert_int_eq(vfio_cookie_alias(&s, i % 2 ? SIM_BAR0 :
						   SIM_BAR4, WC, &a, &idx), 0);
		/* Published to the readers by the store of nr_offsets. */
		offsets[nr++] = a;
		if (i == 1) {
			arg.nr_offsets = nr;
			ck_assert_int_eq(pthread_create(&th[0], NULL, reader,
							&arg), 0);
			ck_assert_int_eq(pthread_create(&th[1], NULL, reader,
							&arg), 0);
		}
		if (i >= 1)
			__atomic_store_n(&arg.nr_offsets, nr, __ATOMIC_RELEASE);
		/* Let the readers see the alias live, then drop it. */
		reads_wait(&arg, 50);
		ck_assert_int_eq(vfio_cookie_drop(&s, a), 0);
		reads_wait(&arg, 50);
	}
	__atomic_store_n(&arg.stop, true, __ATOMIC_RELEASE);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	ck_assert_uint_eq(arg.bad, 0);
	ck_assert_uint_gt(arg.hits, 0);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

static Suite *lifetime_suite(void)
{
	Suite *s = suite_create("lifetime");
	TCase *tc;

	tc = tcase_create("references");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_lifetime_vma_references_and_split, 0,
			    sim_nr_layouts);
	tcase_add_test(tc, test_lifetime_rw_reference);
	tcase_add_loop_test(tc, test_lifetime_mapping_outlives_fd_close, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lifetime_destroy_frees_everything, 0,
			    sim_nr_devices * sim_nr_layouts);
	tcase_add_test(tc, test_lifetime_extra_put_warns_once);
	suite_add_tcase(s, tc);

	tc = tcase_create("drop");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_lifetime_drop_alias_unreachable, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lifetime_dropped_range_never_reused, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lifetime_drop_region_einval, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lifetime_double_drop_enxio, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lifetime_drop_not_at_start_enxio, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lifetime_dropped_alias_still_mapped, 0,
			    sim_nr_layouts);
	suite_add_tcase(s, tc);

	tc = tcase_create("zap");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_lifetime_zap_reaches_every_cookie, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lifetime_zap_outside_legacy_window, 0,
			    sim_nr_layouts);
	tcase_add_test(tc, test_lifetime_zap_bad_index);
	suite_add_tcase(s, tc);

	tc = tcase_create("stress");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_lifetime_enomem_at_every_allocation, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lifetime_readers_beside_writers, 0,
			    sim_nr_layouts);
	suite_add_tcase(s, tc);
	return s;
}

VFIOSIM_CHECK_MAIN(lifetime_suite)
