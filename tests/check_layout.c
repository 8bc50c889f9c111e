// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where the offset cookies of a device fd land, for each layout and each
 * device of harness/devices.c, at every boundary the design names.  Each
 * test prints the offset space before and after each step.
 *
 * A small placement oracle (struct orc) re-derives every offset from the
 * rules of design.md §3 by brute force: a fixed slot at index << 40, or
 * the lowest free range aligned to roundup_pow_of_two(span), with no cap,
 * so OR-ing an offset into any allocated cookie equals adding it
 * (cec694f109f705ab9e20c2641c1558aa19bcb25b.camel@amazon.com).  It also
 * models the limit: a new alias is refused with -ENOSPC unless it leaves
 * room for the cookie of every region not created yet
 * (vfio_cookie_space_init() kernel-doc: max_cookies leaves room for every
 * region).
 */
#include <stdlib.h>

#include "harness.h"
#include "devices.h"

#define LEGACY	VFIO_COOKIE_LAYOUT_LEGACY
#define COMPAT	VFIO_COOKIE_LAYOUT_COMPAT
#define COMPACT	VFIO_COOKIE_LAYOUT_COMPACT
#define WC	VFIO_COOKIE_ATTR_WC

/* ---- the placement oracle ---- */

#define ORC_MAX_COOKIES	128
#define ORC_MAX_REGIONS	32

struct orc {
	enum vfio_cookie_layout layout;
	const struct vfio_cookie_region *regions;
	u32 nr_regions;
	u32 max;
	u32 next_index;
	u32 nr;
	u32 nr_region_cookies;
	u64 first[ORC_MAX_COOKIES];
	u64 last[ORC_MAX_COOKIES];
	bool have_region[ORC_MAX_REGIONS];
	u64 region_off[ORC_MAX_REGIONS];
	bool have_alias[ORC_MAX_REGIONS];
	u64 alias_off[ORC_MAX_REGIONS];
	u32 alias_index[ORC_MAX_REGIONS];
};

/* Natural alignment, uncapped: a 128 GiB cookie is 128 GiB aligned. */
static u64 orc_align(u64 span)
{
	return roundup_pow_of_two(span);
}

static bool orc_free(const struct orc *o, u64 start, u64 span)
{
	u64 end = start + span - 1;
	u32 i;

	if (start > VFIO_COOKIE_OFFSET_MAX ||
	    span - 1 > VFIO_COOKIE_OFFSET_MAX - start)
		return false;
	for (i = 0; i < o->nr; i++)
		if (start <= o->last[i] && o->first[i] <= end)
			return false;
	return true;
}

/*
 * The lowest aligned free start is 0 or the end of some range rounded up
 * to the alignment (span <= align, so whatever blocks the aligned start
 * below it ends below it): try them all.
 */
static int orc_gap(const struct orc *o, u64 span, u64 *offset)
{
	u64 align = orc_align(span), best = U64_MAX, cand;
	u32 i;

	if (orc_free(o, 0, span))
		best = 0;
	for (i = 0; i < o->nr; i++) {
		if (o->last[i] >= VFIO_COOKIE_OFFSET_MAX)
			continue;
		cand = ALIGN(o->last[i] + 1, align);
		if (cand < best && orc_free(o, cand, span))
			best = cand;
	}
	if (best == U64_MAX)
		return -ENOSPC;
	*offset = best;
	return 0;
}

static int orc_place(struct orc *o, u32 index, bool region, u64 span,
		     u64 *offset)
{
	bool fits_slot = span <= BIT_ULL(VFIO_COOKIE_LEGACY_SHIFT);
	int ret;

	if (o->nr >= o->max)
		return -ENOSPC;
	if (fits_slot && (o->layout == LEGACY ||
			  (o->layout == COMPAT && region &&
			   index < VFIO_COOKIE_COMPAT_INDICES))) {
		*offset = (u64)index << VFIO_COOKIE_LEGACY_SHIFT;
	} else {
		if (o->layout == LEGACY)
			return -EOVERFLOW;
		ret = orc_gap(o, span, offset);
		if (ret)
			return ret;
	}
	ck_assert_uint_lt(o->nr, ORC_MAX_COOKIES);
	o->first[o->nr] = *offset;
	o->last[o->nr] = *offset + span - 1;
	o->nr++;
	return 0;
}

static int orc_region_offset(struct orc *o, u32 index, u64 *offset)
{
	int ret;

	if (index >= o->nr_regions)
		return -EINVAL;
	if (!o->have_region[index]) {
		ret = orc_place(o, index, true,
				sim_span(o->regions[index].size),
				&o->region_off[index]);
		if (ret)
			return ret;
		o->have_region[index] = true;
		o->nr_region_cookies++;
	}
	*offset = o->region_off[index];
	return 0;
}

/* Only WC exists, so a region has at most one live alias. */
static int orc_alias(struct orc *o, u32 index, u32 attrs, u64 *offset,
		     u32 *alias_index)
{
	int ret;

	if ((attrs & ~VFIO_COOKIE_ATTRS_ALL) || index >= o->nr_regions ||
	    !(o->regions[index].flags & VFIO_COOKIE_FLAG_MMAP))
		return -EINVAL;
	if (!attrs) {
		ret = orc_region_offset(o, index, offset);
		if (!ret)
			*alias_index = index;
		return ret;
	}
	if (!o->have_alias[index]) {
		if (o->next_index > VFIO_COOKIE_INDEX_MAX)
			return -ENOSPC;
		/*
		 * Leave room for every region not created yet, even one that
		 * can never be (over 1 TiB in LEGACY): checked before the
		 * placement, so it wins over -EOVERFLOW.
		 */
		if (o->nr + (o->nr_regions - o->nr_region_cookies) >= o->max)
			return -ENOSPC;
		ret = orc_place(o, o->next_index, false,
				sim_span(o->regions[index].size),
				&o->alias_off[index]);
		if (ret)
			return ret;
		o->alias_index[index] = o->next_index++;
		o->have_alias[index] = true;
	}
	*offset = o->alias_off[index];
	*alias_index = o->alias_index[index];
	return 0;
}

/* Mirror of space_init(): the fixed regions first, then COMPAT's big ones. */
static int orc_init(struct orc *o, enum vfio_cookie_layout layout,
		    const struct vfio_cookie_region *regions, u32 nr_regions,
		    u32 max)
{
	u32 index, nr_fixed = nr_regions;
	u64 off;
	int ret;

	ck_assert_uint_le(nr_regions, ORC_MAX_REGIONS);
	memset(o, 0, sizeof(*o));
	o->layout = layout;
	o->regions = regions;
	o->nr_regions = nr_regions;
	o->max = max;
	o->next_index = nr_regions;
	if (layout == COMPACT)
		return 0;
	if (layout == COMPAT)
		nr_fixed = min_t(u32, nr_regions, VFIO_COOKIE_COMPAT_INDICES);
	for (index = 0; index < nr_fixed; index++) {
		if (sim_span(regions[index].size) >
		    BIT_ULL(VFIO_COOKIE_LEGACY_SHIFT))
			continue;
		ret = orc_region_offset(o, index, &off);
		if (ret)
			return ret;
	}
	for (index = 0; layout == COMPAT && index < nr_fixed; index++) {
		ret = orc_region_offset(o, index, &off);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- helpers ---- */

static void init_ok(struct vfio_cookie_space *s, enum vfio_cookie_layout l,
		    const struct vfio_cookie_region *regions, u32 nr, u32 max)
{
	ck_assert_int_eq(vfio_cookie_space_init(s, l, regions, nr, max), 0);
	ck_assert_space_valid(s);
}

/* Every pos < size satisfies cookie | pos == cookie + pos. */
static void assert_or_is_add(u64 cookie, u64 size)
{
	u64 pos;

	if (size <= 1)
		return;
	for (pos = 1; pos && pos < size; pos <<= 1)
		ck_assert_msg((cookie | pos) == cookie + pos,
			      "cookie %#llx | pos %#llx != cookie + pos",
			      (unsigned long long)cookie,
			      (unsigned long long)pos);
	ck_assert_msg((cookie | (size - 1)) == cookie + (size - 1),
		      "cookie %#llx | %#llx != cookie + pos",
		      (unsigned long long)cookie,
		      (unsigned long long)(size - 1));
}

static void assert_cookie(struct vfio_cookie_space *s, u64 offset, u32 index,
			  u32 target, u64 size)
{
	struct vfio_cookie c;

	ck_assert_msg(sim_lookup_copy(s, offset, &c), "no cookie at %#llx",
		      (unsigned long long)offset);
	ck_assert_uint_eq(c.offset, offset);
	ck_assert_uint_eq(c.index, index);
	ck_assert_uint_eq(c.target, target);
	ck_assert_uint_eq(c.size, size);
	ck_assert_uint_eq(c.span, sim_span(size));
}

/* ---- LEGACY ---- */

/*
 * LEGACY gives every region and every alias the offset index << 40 (design
 * §9.3, §9.22; vfio_pci_core.c VFIO_PCI_INDEX_TO_OFFSET()).
 */
START_TEST(test_layout_legacy_index_shift)
{
	const struct sim_device *dev = sim_devices[_i];
	struct vfio_cookie_space s;
	u32 i, idx, next;
	u64 off;

	init_ok(&s, LEGACY, dev->regions, dev->nr_regions, 64);
	sim_picture(&s, "%s legacy: after init", dev->name);
	for (i = 0; i < dev->nr_regions; i++) {
		if (sim_span(dev->regions[i].size) > SIM_TiB) {
			ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off),
					 -EOVERFLOW);
			continue;
		}
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off), 0);
		ck_assert_uint_eq(off, (u64)i << 40);
		assert_cookie(&s, off, i, i, dev->regions[i].size);
	}
	next = dev->nr_regions;
	for (i = 0; i < dev->nr_regions; i++) {
		if (!sim_dev_mmappable(dev, i))
			continue;
		if (sim_span(dev->regions[i].size) > SIM_TiB) {
			ck_assert_int_eq(vfio_cookie_alias(&s, i, WC, &off, &idx),
					 -EOVERFLOW);
			continue;
		}
		sim_picture(&s, "%s legacy: before alias(%u, WC)", dev->name,
			    i);
		ck_assert_int_eq(vfio_cookie_alias(&s, i, WC, &off, &idx), 0);
		ck_assert_uint_eq(idx, next);
		ck_assert_uint_eq(off, (u64)idx << 40);
		assert_cookie(&s, off, idx, i, dev->regions[i].size);
		next++;
		sim_picture(&s, "%s legacy: after alias(%u, WC) -> index %u",
			    dev->name, i, idx);
		ck_assert_space_valid(&s);
	}
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Asking for a region's offset again, in any order, returns the same value
 * in every layout (design §9.3; Alex
 * 20250805130046.0527d0c7.alex.williamson@redhat.com).
 */
START_TEST(test_layout_stable_offsets)
{
	const struct sim_device *dev = sim_devices[_i / sim_nr_layouts];
	enum vfio_cookie_layout l = sim_layouts[_i % sim_nr_layouts];
	u64 first[ORC_MAX_REGIONS], alias[ORC_MAX_REGIONS], off;
	int ret[ORC_MAX_REGIONS], round;
	struct vfio_cookie_space s;
	u32 i, idx, aidx[ORC_MAX_REGIONS];

	init_ok(&s, l, dev->regions, dev->nr_regions, 64);
	sim_picture(&s, "%s %s: after init", dev->name, sim_layout_name(l));
	for (i = 0; i < dev->nr_regions; i++)
		ret[i] = vfio_cookie_region_offset(&s, i, &first[i]);
	for (i = 0; i < dev->nr_regions; i++) {
		if (!sim_dev_mmappable(dev, i) || ret[i])
			continue;
		ck_assert_int_eq(vfio_cookie_alias(&s, i, WC, &alias[i],
						   &aidx[i]), 0);
	}
	sim_picture(&s, "%s %s: after the first round", dev->name,
		    sim_layout_name(l));
	for (round = 0; round < 3; round++) {
		for (i = 0; i < dev->nr_regions; i++) {
			/* Forward, backward, forward. */
			u32 r = round == 1 ? dev->nr_regions - 1 - i : i;
			int err = vfio_cookie_region_offset(&s, r, &off);

			ck_assert_int_eq(err, ret[r]);
			if (!err)
				ck_assert_uint_eq(off, first[r]);
			if (!sim_dev_mmappable(dev, r) || ret[r])
				continue;
			ck_assert_int_eq(vfio_cookie_alias(&s, r, WC, &off,
							   &idx), 0);
			ck_assert_uint_eq(off, alias[r]);
			ck_assert_uint_eq(idx, aidx[r]);
			ck_assert_int_eq(vfio_cookie_alias(&s, r, 0, &off,
							   &idx), 0);
			ck_assert_uint_eq(off, first[r]);
			ck_assert_uint_eq(idx, r);
		}
	}
	sim_picture(&s, "%s %s: after three more rounds (unchanged)",
		    dev->name, sim_layout_name(l));
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/* ---- COMPAT ---- */

/*
 * COMPAT keeps regions 0..8 at index << 40 from init on and packs regions
 * >= 9 and aliases into the gaps, lowest aligned first (design §9.22; Alex
 * 20250804124909.67462343.alex.williamson@redhat.com).
 */
START_TEST(test_layout_compat_fixed_and_packed)
{
	const struct sim_device *dev = sim_devices[_i];
	struct vfio_cookie_space s;
	u64 off, want;
	u32 i, idx, want_idx;
	struct orc o;

	init_ok(&s, COMPAT, dev->regions, dev->nr_regions, 64);
	ck_assert_int_eq(orc_init(&o, COMPAT, dev->regions, dev->nr_regions,
				  64), 0);
	sim_picture(&s, "%s compat: after init", dev->name);
	/* The fixed regions are there before anyone asks. */
	for (i = 0; i < min_t(u32, dev->nr_regions, 9); i++) {
		if (sim_span(dev->regions[i].size) > SIM_TiB)
			continue;
		assert_cookie(&s, (u64)i << 40, i, i, dev->regions[i].size);
	}
	for (i = 0; i < dev->nr_regions; i++) {
		sim_picture(&s, "%s compat: before region_offset(%u)",
			    dev->name, i);
		ck_assert_int_eq(orc_region_offset(&o, i, &want), 0);
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off), 0);
		ck_assert_uint_eq(off, want);
		if (i < 9 && sim_span(dev->regions[i].size) <= SIM_TiB)
			ck_assert_uint_eq(off, (u64)i << 40);
		else
			ck_assert_uint_eq(off % orc_align(sim_span(
					  dev->regions[i].size)), 0);
		assert_cookie(&s, off, i, i, dev->regions[i].size);
	}
	for (i = 0; i < dev->nr_regions; i++) {
		if (!sim_dev_mmappable(dev, i))
			continue;
		ck_assert_int_eq(orc_alias(&o, i, WC, &want, &want_idx), 0);
		ck_assert_int_eq(vfio_cookie_alias(&s, i, WC, &off, &idx), 0);
		ck_assert_uint_eq(off, want);
		ck_assert_uint_eq(idx, want_idx);
		/* An alias never takes a legacy slot of its own. */
		ck_assert_uint_ne(off, (u64)idx << 40);
		sim_picture(&s, "%s compat: after alias(%u, WC) -> index %u",
			    dev->name, i, idx);
	}
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/* ---- COMPACT ---- */

/*
 * COMPACT creates each cookie on first use, packed low and aligned to
 * roundup_pow_of_two(span) with no cap, so every cookie, however large,
 * satisfies cookie | pos == cookie + pos (design §9.17; Ben
 * cec694f109f705ab9e20c2641c1558aa19bcb25b.camel@amazon.com) and is at
 * least min(PUD_SIZE, size) aligned for huge pfnmaps (Jason
 * 20250716184028.GA2177603@ziepe.ca).
 */
START_TEST(test_layout_compact_packs_low_aligned)
{
	const struct sim_device *dev = sim_devices[_i];
	struct vfio_cookie_space s;
	struct vfio_cookie_stats st;
	u32 i, idx, want_idx;
	u64 off, want;
	struct orc o;

	init_ok(&s, COMPACT, dev->regions, dev->nr_regions, 64);
	orc_init(&o, COMPACT, dev->regions, dev->nr_regions, 64);
	sim_picture(&s, "%s compact: after init", dev->name);
	vfio_cookie_space_stats(&s, &st);
	ck_assert_uint_eq(st.nr_cookies, 0);
	for (i = 0; i < dev->nr_regions; i++) {
		u64 span = sim_span(dev->regions[i].size);

		ck_assert_int_eq(orc_region_offset(&o, i, &want), 0);
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off), 0);
		ck_assert_uint_eq(off, want);
		ck_assert_uint_eq(off % orc_align(span), 0);
		assert_or_is_add(off, dev->regions[i].size);
		sim_picture(&s, "%s compact: after region_offset(%u) = %#llx",
			    dev->name, i, (unsigned long long)off);
	}
	for (i = 0; i < dev->nr_regions; i++) {
		if (!sim_dev_mmappable(dev, i))
			continue;
		ck_assert_int_eq(orc_alias(&o, i, WC, &want, &want_idx), 0);
		ck_assert_int_eq(vfio_cookie_alias(&s, i, WC, &off, &idx), 0);
		ck_assert_uint_eq(off, want);
		ck_assert_uint_eq(idx, want_idx);
		ck_assert_uint_eq(off % orc_align(sim_span(
				  dev->regions[i].size)), 0);
		assert_or_is_add(off, dev->regions[i].size);
		sim_picture(&s, "%s compact: after alias(%u, WC) = %#llx",
			    dev->name, i, (unsigned long long)off);
	}
	/* Packed low: everything a 32-bit mmap2() can reach. */
	vfio_cookie_space_stats(&s, &st);
	ck_assert_uint_le(st.span_bytes, SIM_MMAP2_REACH);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Absent regions (size 0) still get a distinct one-page cookie in every
 * layout, so each index owns an offset (vfio_cookie.h struct vfio_cookie
 * @span; design §9.4: absent BARs report size 0).
 */
START_TEST(test_layout_absent_region_own_page)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	const struct sim_device *dev = &sim_dev_h100;
	static const u32 absent[] = { 1, 3, 5, 6, 8 };
	struct vfio_cookie_space s;
	u64 off[ARRAY_SIZE(absent)];
	struct vfio_cookie c;
	unsigned int i, j;

	init_ok(&s, l, dev->regions, dev->nr_regions, 64);
	sim_picture(&s, "h100 %s: before the absent regions", sim_layout_name(l));
	for (i = 0; i < ARRAY_SIZE(absent); i++) {
		ck_assert_int_eq(vfio_cookie_region_offset(&s, absent[i],
							   &off[i]), 0);
		ck_assert(sim_lookup_copy(&s, off[i], &c));
		ck_assert_uint_eq(c.size, 0);
		ck_assert_uint_eq(c.span, PAGE_SIZE);
		ck_assert_uint_eq(c.flags, 0);
		ck_assert_uint_eq(c.index, absent[i]);
		ck_assert_uint_eq(off[i] % PAGE_SIZE, 0);
		if (l != COMPACT)
			ck_assert_uint_eq(off[i], (u64)absent[i] << 40);
		/* The page after it is not the absent region's. */
		ck_assert(!sim_lookup_copy(&s, off[i] + PAGE_SIZE, &c) ||
			  c.index != absent[i]);
		for (j = 0; j < i; j++)
			ck_assert_uint_ne(off[i], off[j]);
	}
	sim_picture(&s, "h100 %s: after the absent regions", sim_layout_name(l));
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * A size that is not a page multiple reserves PAGE_ALIGN(size) bytes, and a
 * sub-page region a whole page (vfio_cookie.h @span; design §6.3: vfio-pci
 * maps PAGE_ALIGN(bar_len)).
 */
START_TEST(test_layout_span_is_page_aligned_size)
{
	static const struct vfio_cookie_region regions[] = {
		{ 0x1800, SIM_RWM }, { 0x80, SIM_RW }, { 0x1001, SIM_RWM },
		{ 0x1000, SIM_RWM }, { 0xfff, SIM_RW },
	};
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_space s;
	struct vfio_cookie c;
	u64 off, want;
	struct orc o;
	u32 i;

	init_ok(&s, l, regions, ARRAY_SIZE(regions), 16);
	orc_init(&o, l, regions, ARRAY_SIZE(regions), 16);
	sim_picture(&s, "odd sizes %s: after init", sim_layout_name(l));
	for (i = 0; i < ARRAY_SIZE(regions); i++) {
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off), 0);
		ck_assert_int_eq(orc_region_offset(&o, i, &want), 0);
		ck_assert_uint_eq(off, want);
		ck_assert(sim_lookup_copy(&s, off, &c));
		ck_assert_uint_eq(c.size, regions[i].size);
		ck_assert_uint_eq(c.span, PAGE_ALIGN(regions[i].size));
		/* The last byte of the span belongs to the cookie. */
		ck_assert(sim_lookup_copy(&s, off + c.span - 1, &c));
		ck_assert_uint_eq(c.index, i);
		sim_picture(&s, "odd sizes %s: after region_offset(%u)",
			    sim_layout_name(l), i);
	}
	if (l == COMPACT) {
		/* 0x1800 and 0x1001 take two pages, aligned to 8 KiB. */
		ck_assert_uint_eq(o.region_off[0], 0);
		ck_assert_uint_eq(o.region_off[1], 0x2000);
		ck_assert_uint_eq(o.region_off[2], 0x4000);
		ck_assert_uint_eq(o.region_off[3], 0x3000);
		ck_assert_uint_eq(o.region_off[4], 0x6000);
	}
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * A region of exactly 2^40 bytes fills its legacy slot to the last byte
 * without touching the next index's slot (design §6.5, §9.27).  COMPACT
 * aligns it to its own size, 1 TiB, so it lands at 1 TiB too, and the
 * small region 2 goes into the free page after region 0:
 *
 *   LEGACY, COMPAT                     COMPACT
 *   0x00000000000 region 0 (4 KiB)     0x00000000000 region 0 (4 KiB)
 *   0x10000000000 region 1 (1 TiB)     0x00000001000 region 2 (4 KiB)
 *   0x20000000000 region 2 (4 KiB)     0x10000000000 region 1 (1 TiB)
 */
START_TEST(test_layout_region_exactly_1tib)
{
	static const struct vfio_cookie_region regions[] = {
		{ 4096, SIM_RWM }, { SIM_TiB, SIM_RWM }, { 4096, SIM_RWM },
	};
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_space s;
	u64 off[3], want;
	struct vfio_cookie c;
	struct orc o;
	u32 i;

	init_ok(&s, l, regions, 3, 8);
	orc_init(&o, l, regions, 3, 8);
	sim_picture(&s, "1 TiB region %s: after init", sim_layout_name(l));
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off[i]), 0);
		ck_assert_int_eq(orc_region_offset(&o, i, &want), 0);
		ck_assert_uint_eq(off[i], want);
		sim_picture(&s, "1 TiB region %s: after region_offset(%u)",
			    sim_layout_name(l), i);
	}
	ck_assert_uint_eq(off[0], 0);
	ck_assert_uint_eq(off[1], 1ULL << 40);
	ck_assert_uint_eq(off[2], l == COMPACT ? 4096 : 2ULL << 40);
	assert_or_is_add(off[1], SIM_TiB);
	ck_assert(sim_lookup_copy(&s, off[1] + SIM_TiB - 1, &c));
	ck_assert_uint_eq(c.index, 1);
	ck_assert(sim_lookup_copy(&s, off[1] + SIM_TiB, &c) == (l != COMPACT));
	if (l != COMPACT)
		ck_assert_uint_eq(c.index, 2);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * A region of 2^40 + 4096 bytes has no legacy slot: LEGACY answers
 * -EOVERFLOW for it (and its aliases), COMPAT and COMPACT place it in the
 * lowest gap aligned to roundup_pow_of_two(1 TiB + 4 KiB) = 2 TiB, and its
 * WC alias (index 3) at the next 2 TiB boundary after it (design §9.27;
 * Jason 20250716184028.GA2177603@ziepe.ca):
 *
 *   COMPAT (region 1 placed at init)    COMPACT (asked in order 0, 1, 2)
 *   0x00000000000 region 0 (4 KiB)      0x00000000000 region 0 (4 KiB)
 *   0x20000000000 region 2 (fixed)      0x00000001000 region 2 (4 KiB)
 *   0x40000000000 region 1 (to 5 TiB)   0x20000000000 region 1 (to 3 TiB)
 *   0x60000000000 alias 3 of region 1   0x40000000000 alias 3 of region 1
 */
START_TEST(test_layout_region_over_1tib)
{
	static const struct vfio_cookie_region regions[] = {
		{ 4096, SIM_RWM }, { SIM_TiB + 4096, SIM_RWM },
		{ 4096, SIM_RWM },
	};
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_space s;
	u64 off, want;
	struct orc o;
	u32 idx, i;

	init_ok(&s, l, regions, 3, 8);
	orc_init(&o, l, regions, 3, 8);
	sim_picture(&s, "1 TiB + 4 KiB region %s: after init",
		    sim_layout_name(l));
	if (l == LEGACY) {
		ck_assert_int_eq(vfio_cookie_region_offset(&s, 1, &off),
				 -EOVERFLOW);
		ck_assert_int_eq(vfio_cookie_region_offset(&s, 1, &off),
				 -EOVERFLOW);
		ck_assert_int_eq(vfio_cookie_alias(&s, 1, 0, &off, &idx),
				 -EOVERFLOW);
		ck_assert_int_eq(vfio_cookie_alias(&s, 1, WC, &off, &idx),
				 -EOVERFLOW);
		/* The failed alias did not use up an index. */
		ck_assert_int_eq(vfio_cookie_alias(&s, 0, WC, &off, &idx), 0);
		ck_assert_uint_eq(idx, 3);
		ck_assert_uint_eq(off, 3ULL << 40);
	} else {
		for (i = 0; i < 3; i++) {
			ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off),
					 0);
			ck_assert_int_eq(orc_region_offset(&o, i, &want), 0);
			ck_assert_uint_eq(off, want);
		}
		ck_assert_int_eq(vfio_cookie_region_offset(&s, 1, &off), 0);
		/* 2 TiB aligned, in the lowest gap that holds it. */
		ck_assert_uint_eq(off, l == COMPAT ? 4ULL << 40 : 2ULL << 40);
		assert_cookie(&s, off, 1, 1, SIM_TiB + 4096);
		assert_or_is_add(off, SIM_TiB + 4096);
		ck_assert_int_eq(vfio_cookie_region_offset(&s, 2, &off), 0);
		ck_assert_uint_eq(off, l == COMPAT ? 2ULL << 40 : 4096);
		ck_assert_int_eq(vfio_cookie_alias(&s, 1, WC, &off, &idx), 0);
		ck_assert_int_eq(orc_alias(&o, 1, WC, &want, &i), 0);
		ck_assert_uint_eq(off, want);
		ck_assert_uint_eq(idx, 3);
		ck_assert_uint_eq(i, 3);
		ck_assert_uint_eq(off, l == COMPAT ? 6ULL << 40 : 4ULL << 40);
		assert_cookie(&s, off, 3, 1, SIM_TiB + 4096);
		assert_or_is_add(off, SIM_TiB + 4096);
	}
	sim_picture(&s, "1 TiB + 4 KiB region %s: after the calls",
		    sim_layout_name(l));
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * The 2 TiB CXL BAR: LEGACY refuses it with -EOVERFLOW, COMPAT and COMPACT
 * place it at the lowest free 2 TiB boundary, both within mmap2's reach
 * (design §9.27, §9.26).  In COMPAT the one-page fixed slots of indices
 * 3, 4, 6 and 8 block 2, 4, 6 and 8 TiB, so it lands at 10 TiB; in COMPACT
 * only BAR0 exists and it lands at 2 TiB:
 *
 *   COMPAT                               COMPACT
 *   0x000000000000 BAR0 (64 KiB)         0x00000000000 BAR0 (64 KiB)
 *   0x010000000000 index 1 (page)        0x20000000000 BAR2 (to 4 TiB)
 *   0x030000000000 index 3 (page)
 *   0x040000000000 .. 0x080000000000 indices 4..8 (BAR4..VGA)
 *   0x0a0000000000 BAR2 (to 12 TiB)
 */
START_TEST(test_layout_cxl_2tib_bar)
{
	const struct sim_device *dev = &sim_dev_cxl;
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_space s;
	struct vfio_cookie c;
	u64 off, want;
	struct orc o;

	init_ok(&s, l, dev->regions, dev->nr_regions, 32);
	orc_init(&o, l, dev->regions, dev->nr_regions, 32);
	sim_picture(&s, "cxl %s: after init", sim_layout_name(l));
	ck_assert_int_eq(vfio_cookie_region_offset(&s, SIM_BAR0, &off), 0);
	ck_assert_int_eq(orc_region_offset(&o, SIM_BAR0, &want), 0);
	ck_assert_uint_eq(off, want);
	ck_assert_uint_eq(off, 0);
	if (l == LEGACY) {
		ck_assert_int_eq(vfio_cookie_region_offset(&s, SIM_BAR2, &off),
				 -EOVERFLOW);
	} else {
		ck_assert_int_eq(vfio_cookie_region_offset(&s, SIM_BAR2, &off),
				 0);
		ck_assert_int_eq(orc_region_offset(&o, SIM_BAR2, &want), 0);
		ck_assert_uint_eq(off, want);
		ck_assert_uint_eq(off, l == COMPAT ? 10ULL << 40 : 2ULL << 40);
		assert_or_is_add(off, 2 * SIM_TiB);
		ck_assert(sim_fits_mmap2(off, 2 * SIM_TiB));
		assert_cookie(&s, off, SIM_BAR2, SIM_BAR2, 2 * SIM_TiB);
		ck_assert(sim_lookup_copy(&s, off + 2 * SIM_TiB - 1, &c));
		ck_assert_uint_eq(c.offset, off);
	}
	sim_picture(&s, "cxl %s: after region_offset(BAR0, BAR2)",
		    sim_layout_name(l));
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/* ---- 32-bit reach and the top of the space ---- */

/*
 * LEGACY puts index 15 at 15 << 40 (within mmap2's 2^44) and index 16 at
 * 2^44, out of reach; COMPAT and COMPACT pack index 16 low (design §9.26,
 * §6.5).
 */
START_TEST(test_layout_mmap2_reach_by_index)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_region regions[17];
	struct vfio_cookie_space s;
	u64 off, want;
	struct orc o;
	u32 i;

	for (i = 0; i < 17; i++)
		regions[i] = (struct vfio_cookie_region){ 4096, SIM_RWM };
	init_ok(&s, l, regions, 17, 32);
	orc_init(&o, l, regions, 17, 32);
	sim_picture(&s, "17 regions %s: after init", sim_layout_name(l));
	for (i = 0; i < 17; i++) {
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off), 0);
		ck_assert_int_eq(orc_region_offset(&o, i, &want), 0);
		ck_assert_uint_eq(off, want);
		if (l == LEGACY) {
			ck_assert_uint_eq(off, (u64)i << 40);
			ck_assert(sim_fits_mmap2(off, 4096) == (i <= 15));
		} else {
			ck_assert(sim_fits_mmap2(off, 4096));
		}
	}
	if (l == COMPAT) {
		/* 9..16 packed right after region 0's page. */
		ck_assert_uint_eq(o.region_off[9], 4096);
		ck_assert_uint_eq(o.region_off[16], 8 * 4096);
	}
	sim_picture(&s, "17 regions %s: after region_offset(0..16)",
		    sim_layout_name(l));
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Nine 2 TiB regions in COMPACT: the eighth ends exactly at 2^44 (the last
 * cookie mmap2 reaches), the ninth starts at 2^44 (design §9.26); LEGACY
 * refuses all of them and COMPAT places them like COMPACT.
 */
START_TEST(test_layout_2tib_regions_around_2_44)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_region regions[9];
	struct vfio_cookie_space s;
	struct vfio_cookie_stats st;
	u64 off;
	u32 i;

	for (i = 0; i < 9; i++)
		regions[i] = (struct vfio_cookie_region){ 2 * SIM_TiB, SIM_RWM };
	init_ok(&s, l, regions, 9, 9);
	sim_picture(&s, "9 x 2 TiB %s: after init", sim_layout_name(l));
	for (i = 0; i < 9; i++) {
		if (l == LEGACY) {
			ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off),
					 -EOVERFLOW);
			continue;
		}
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off), 0);
		ck_assert_uint_eq(off, (u64)i * 2 * SIM_TiB);
		ck_assert(sim_fits_mmap2(off, 2 * SIM_TiB) == (i <= 7));
	}
	if (l != LEGACY) {
		ck_assert_int_eq(vfio_cookie_region_offset(&s, 7, &off), 0);
		ck_assert_uint_eq(off + 2 * SIM_TiB, SIM_MMAP2_REACH);
		ck_assert_int_eq(vfio_cookie_region_offset(&s, 8, &off), 0);
		ck_assert_uint_eq(off, SIM_MMAP2_REACH);
	}
	vfio_cookie_space_stats(&s, &st);
	ck_assert_uint_eq(st.span_bytes, l == LEGACY ? 0 : 18 * SIM_TiB);
	sim_picture(&s, "9 x 2 TiB %s: after region_offset(0..8)",
		    sim_layout_name(l));
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Two 2^62-byte regions fill [0, 2^63) exactly in COMPACT: the second ends
 * at the last loff_t byte and a third cookie gets -ENOSPC (design §6.5:
 * offsets < 2^63; §9.21).
 */
START_TEST(test_layout_compact_fills_to_2_63)
{
	static const struct vfio_cookie_region regions[] = {
		{ 1ULL << 62, SIM_RWM }, { 1ULL << 62, SIM_RWM },
		{ 4096, SIM_RWM },
	};
	struct vfio_cookie_space s;
	struct vfio_cookie c;
	u64 off;
	u32 idx;

	init_ok(&s, COMPACT, regions, 3, 8);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 0, &off), 0);
	ck_assert_uint_eq(off, 0);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 1, &off), 0);
	ck_assert_uint_eq(off, 1ULL << 62);
	sim_picture(&s, "2 x 2^62 compact: full");
	ck_assert(sim_lookup_copy(&s, VFIO_COOKIE_OFFSET_MAX, &c));
	ck_assert_uint_eq(c.index, 1);
	ck_assert(!sim_lookup_copy(&s, VFIO_COOKIE_OFFSET_MAX + 1, &c));
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 2, &off), -ENOSPC);
	ck_assert_int_eq(vfio_cookie_alias(&s, 0, WC, &off, &idx), -ENOSPC);
	sim_picture(&s, "2 x 2^62 compact: after -ENOSPC (unchanged)");
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * COMPACT fills the padding that alignment leaves below a cookie when a
 * later cookie fits there exactly, and skips an unaligned gap start for
 * the next aligned one (design §9.17: aligned allocation built on mas_empty_area(), tested "at
 * every boundary", design.md §3).
 */
START_TEST(test_layout_compact_fills_alignment_padding)
{
	static const struct vfio_cookie_region regions[] = {
		{ 0x1000, SIM_RWM }, { 0x4000, SIM_RWM }, { 0x2000, SIM_RWM },
		{ 0x1000, SIM_RWM }, { 0x1000, SIM_RWM }, { 0x3000, SIM_RWM },
		{ 0x1001, SIM_RW },
	};
	static const u64 want[] = {
		0, 0x4000, 0x2000, 0x1000, 0x8000, 0xc000, 0xa000,
	};
	struct vfio_cookie_space s;
	u64 off, oracle;
	struct orc o;
	u32 i;

	init_ok(&s, COMPACT, regions, ARRAY_SIZE(regions), 16);
	orc_init(&o, COMPACT, regions, ARRAY_SIZE(regions), 16);
	sim_picture(&s, "padding compact: after init");
	for (i = 0; i < ARRAY_SIZE(regions); i++) {
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off), 0);
		ck_assert_int_eq(orc_region_offset(&o, i, &oracle), 0);
		ck_assert_uint_eq(off, oracle);
		ck_assert_msg(off == want[i], "region %u at %#llx, want %#llx",
			      i, (unsigned long long)off,
			      (unsigned long long)want[i]);
		sim_picture(&s, "padding compact: after region_offset(%u)", i);
	}
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * A 128 GiB BAR in COMPACT satisfies cookie | pos == cookie + pos for every
 * pos < size, and so does its WC alias: the alignment is its own size, not
 * capped at PUD_SIZE (design.md §3; Ben's natural BAR alignment,
 * cec694f109f705ab9e20c2641c1558aa19bcb25b.camel@amazon.com).  With BAR0
 * below it, a 1 GiB cap would have put BAR2 at 1 GiB, where 1 GiB | 1 GiB
 * is 1 GiB but 1 GiB + 1 GiB is 2 GiB:
 *
 *   0x0000000000-0x0000ffffff  BAR0, 16 MiB
 *   0x2000000000-0x3fffffffff  BAR2, 128 GiB at 128 GiB
 *   0x4000000000-0x5fffffffff  alias 9 -> BAR2 wc, at 256 GiB
 */
START_TEST(test_layout_compact_or_is_add_above_1gib)
{
	const struct sim_device *dev = &sim_dev_h100;
	struct vfio_cookie_space s;
	struct vfio_cookie *c;
	u64 bar0, bar2, wc, pos;
	u32 idx;

	init_ok(&s, COMPACT, dev->regions, dev->nr_regions, 16);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, SIM_BAR0, &bar0), 0);
	sim_picture(&s, "h100 compact: after region_offset(BAR0)");
	ck_assert_int_eq(vfio_cookie_region_offset(&s, SIM_BAR2, &bar2), 0);
	sim_picture(&s, "h100 compact: after region_offset(BAR2)");
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR2, WC, &wc, &idx), 0);
	sim_picture(&s, "h100 compact: after alias(BAR2, WC)");
	ck_assert_uint_eq(bar0, 0);
	ck_assert_uint_eq(bar2, 128 * SIM_GiB);
	ck_assert_uint_eq(wc, 256 * SIM_GiB);
	ck_assert_uint_eq(idx, 9);
	assert_or_is_add(bar0, 16 * SIM_MiB);
	assert_or_is_add(bar2, 128 * SIM_GiB);
	assert_or_is_add(wc, 128 * SIM_GiB);
	/* An OR-ed offset at and above the old 1 GiB cap maps the BAR there. */
	for (pos = SIM_GiB; pos < 128 * SIM_GiB; pos <<= 1) {
		u64 got;

		c = vfio_cookie_mmap_get(&s, bar2 | pos, PAGE_SIZE, &got);
		ck_assert(!IS_ERR(c));
		ck_assert_uint_eq(c->index, SIM_BAR2);
		ck_assert_uint_eq(got, pos);
		vfio_cookie_put(c);
		c = vfio_cookie_mmap_get(&s, wc | pos, PAGE_SIZE, &got);
		ck_assert(!IS_ERR(c));
		ck_assert_uint_eq(c->index, 9);
		ck_assert_uint_eq(got, pos);
		vfio_cookie_put(c);
	}
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/* ---- limits and arguments ---- */

/*
 * The per-fd limit on cookies gives -ENOSPC and leaves the space as it was;
 * existing cookies are still handed out (design §9.21; Alex
 * 20250807130605.644ac9f6.alex.williamson@redhat.com).
 */
START_TEST(test_layout_per_fd_limit_enospc)
{
	const struct sim_device *dev = &sim_dev_h100;
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_stats before, after;
	struct vfio_cookie_space s;
	u64 off, a0;
	u32 i, idx;

	init_ok(&s, l, dev->regions, dev->nr_regions, dev->nr_regions + 2);
	for (i = 0; i < dev->nr_regions; i++)
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &a0, &idx), 0);
	ck_assert_uint_eq(idx, 9);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR4, WC, &off, &idx), 0);
	ck_assert_uint_eq(idx, 10);
	sim_picture(&s, "h100 %s, limit 11: full", sim_layout_name(l));
	vfio_cookie_space_stats(&s, &before);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR2, WC, &off, &idx),
			 -ENOSPC);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR2, WC, &off, &idx),
			 -ENOSPC);
	vfio_cookie_space_stats(&s, &after);
	ck_assert_mem_eq(&before, &after, sizeof(before));
	sim_picture(&s, "h100 %s, limit 11: after -ENOSPC (unchanged)",
		    sim_layout_name(l));
	/* What exists is still found. */
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &off, &idx), 0);
	ck_assert_uint_eq(off, a0);
	ck_assert_uint_eq(idx, 9);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, SIM_BAR2, &off), 0);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);

	/* A limit equal to the region count leaves no room for any alias. */
	init_ok(&s, l, dev->regions, dev->nr_regions, dev->nr_regions);
	for (i = 0; i < dev->nr_regions; i++)
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &off, &idx),
			 -ENOSPC);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * max_cookies "must leave room for every region" (vfio_cookie_space_init()
 * kernel-doc) and a region's offset is always available (design.md §3,
 * design §9.3): a new alias is refused with -ENOSPC once
 * nr_cookies + (regions not created yet) >= max_cookies, so aliases asked
 * for first never use up the room of the regions COMPACT (or COMPAT, for
 * indices >= 9) has not created yet.  With max = regions + 1 exactly one
 * alias fits, in either order.
 *
 *   h100 compact, limit 10             igd compat, limit 14
 *   alias(BAR0): 0 + 9 < 10, index 9   alias(BAR0): 9 + 4 < 14, index 13
 *     at 0x0000000                       at 0x1000000, above BAR0
 *   alias(BAR2): 1 + 9 = 10, -ENOSPC   alias(BAR2): 10 + 4 = 14, -ENOSPC
 *   alias(BAR4): 1 + 9 = 10, -ENOSPC   alias(12):   10 + 4 = 14, -ENOSPC
 *   region_offset(0..8): all 0         region_offset(0..12): all 0
 */
START_TEST(test_layout_aliases_leave_room_for_regions)
{
	const struct sim_device *dev = _i ? &sim_dev_igd : &sim_dev_h100;
	enum vfio_cookie_layout l = _i ? COMPAT : COMPACT;
	u32 max = dev->nr_regions + 1, i, idx, widx, nr_ok = 0;
	struct vfio_cookie_space s;
	u64 off, woff, first = 0;
	struct orc o;
	int ret;

	init_ok(&s, l, dev->regions, dev->nr_regions, max);
	ck_assert_int_eq(orc_init(&o, l, dev->regions, dev->nr_regions, max),
			 0);
	sim_picture(&s, "%s %s limit %u: after init", dev->name,
		    sim_layout_name(l), max);
	/* Ask for aliases first: exactly one fits beside every region. */
	for (i = 0; i < dev->nr_regions; i++) {
		if (!sim_dev_mmappable(dev, i))
			continue;
		ret = vfio_cookie_alias(&s, i, WC, &off, &idx);
		ck_assert_int_eq(ret, (nr_ok ? -ENOSPC : 0));
		ck_assert_int_eq(orc_alias(&o, i, WC, &woff, &widx), ret);
		if (ret)
			continue;
		ck_assert_uint_eq(off, woff);
		ck_assert_uint_eq(idx, widx);
		ck_assert_uint_eq(i, SIM_BAR0);
		ck_assert_uint_eq(idx, dev->nr_regions);
		ck_assert_uint_eq(off, l == COMPACT ? 0 : 16 * SIM_MiB);
		first = off;
		nr_ok++;
	}
	ck_assert_uint_eq(nr_ok, 1);
	sim_picture(&s, "%s %s limit %u: after the aliases", dev->name,
		    sim_layout_name(l), max);
	ck_assert_space_valid(&s);
	for (i = 0; i < dev->nr_regions; i++) {
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off), 0);
		ck_assert_int_eq(orc_region_offset(&o, i, &woff), 0);
		ck_assert_uint_eq(off, woff);
		assert_cookie(&s, off, i, i, dev->regions[i].size);
	}
	sim_picture(&s, "%s %s limit %u: after region_offset(all)", dev->name,
		    sim_layout_name(l), max);
	/* Full now: no new alias, the existing one is still handed out. */
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR2, WC, &off, &idx),
			 -ENOSPC);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR0, WC, &off, &idx), 0);
	ck_assert_uint_eq(off, first);
	ck_assert_uint_eq(idx, dev->nr_regions);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * space_init() refuses bad arguments with -EINVAL and allocates nothing:
 * no regions, more regions than the limit, a limit past the last index,
 * flags on an absent region, unknown flags, a size whose span would pass
 * 2^63, an unknown layout (vfio_cookie_space_init() kernel-doc).
 */
START_TEST(test_layout_init_rejects_bad_arguments)
{
	struct vfio_cookie_region r[2] = {
		{ 4096, SIM_RWM }, { 4096, SIM_RWM },
	};
	struct vfio_cookie_space s;
	u32 max_ok = VFIO_COOKIE_INDEX_MAX + 1;

	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, r, 0, 8), -EINVAL);
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, NULL, 1, 8),
			 -EINVAL);
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, r, 2, 1), -EINVAL);
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, r, 2, max_ok + 1),
			 -EINVAL);
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT + 1, r, 2, 8),
			 -EINVAL);
	r[1] = (struct vfio_cookie_region){ 0, SIM_R };
	ck_assert_int_eq(vfio_cookie_space_init(&s, LEGACY, r, 2, 8), -EINVAL);
	r[1] = (struct vfio_cookie_region){ 0, VFIO_COOKIE_FLAG_MMAP };
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPAT, r, 2, 8), -EINVAL);
	r[1] = (struct vfio_cookie_region){ 4096, BIT(3) | SIM_RW };
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, r, 2, 8), -EINVAL);
	r[1] = (struct vfio_cookie_region){ 4096, BIT(31) };
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, r, 2, 8), -EINVAL);
	r[1] = (struct vfio_cookie_region){ (1ULL << 63) - 4095, SIM_RWM };
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, r, 2, 8), -EINVAL);
	r[1] = (struct vfio_cookie_region){ 1ULL << 63, SIM_RWM };
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, r, 2, 8), -EINVAL);
	r[1] = (struct vfio_cookie_region){ U64_MAX, SIM_RWM };
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, r, 2, 8), -EINVAL);
	ck_assert_int_eq(sim_live_allocs(), 0);

	/* The largest limit is accepted. */
	r[1] = (struct vfio_cookie_region){ 4096, SIM_RWM };
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, r, 2, max_ok), 0);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * The largest region init accepts, 2^63 - 4096 bytes, is placed at 0 in
 * COMPACT and ends at 2^63 - 4097 (vfio_cookie_space_init() kernel-doc;
 * design §6.5: loff_t offsets < 2^63).
 */
START_TEST(test_layout_init_largest_region)
{
	static const struct vfio_cookie_region r[] = {
		{ (1ULL << 63) - 4096, SIM_RWM }, { 4096, SIM_RWM },
	};
	struct vfio_cookie_space s;
	struct vfio_cookie c;
	u64 off;

	init_ok(&s, COMPACT, r, 2, 4);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 0, &off), 0);
	ck_assert_uint_eq(off, 0);
	sim_picture(&s, "2^63 - 4096 compact: after region_offset(0)");
	ck_assert(sim_lookup_copy(&s, (1ULL << 63) - 4097, &c));
	ck_assert_uint_eq(c.index, 0);
	ck_assert(!sim_lookup_copy(&s, (1ULL << 63) - 4096, &c));
	/* Its last page is free but a 4 KiB cookie is page aligned: fits. */
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 1, &off), 0);
	ck_assert_uint_eq(off, (1ULL << 63) - 4096);
	sim_picture(&s, "2^63 - 4096 compact: after region_offset(1)");
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);

	/* LEGACY has no slot for it: init succeeds, the region is refused. */
	init_ok(&s, LEGACY, r, 2, 4);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 0, &off), -EOVERFLOW);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 1, &off), 0);
	ck_assert_uint_eq(off, 1ULL << 40);
	vfio_cookie_space_destroy(&s);

	/*
	 * COMPAT must place it at init, and 0 is the only offset aligned to
	 * its 2^63 alignment; region 1's fixed slot at 1 TiB lies inside
	 * [0, 2^63 - 4096): init fails and leaves nothing allocated.
	 */
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPAT, r, 2, 4), -ENOSPC);
	ck_assert_int_eq(sim_live_allocs(), 0);
}
END_TEST

/* ---- randomised: every layout against the oracle ---- */

static const u64 boundary_sizes[] = {
	0, 0x80, 4095, 4096, 4097, 0x1800, 0x10000, (2 << 20) - 4096, 2 << 20,
	(2 << 20) + 4096, (1ULL << 30) - 4096, 1ULL << 30,
	(1ULL << 30) + 4096, 3ULL << 30, (1ULL << 40) - 4096, 1ULL << 40,
	(1ULL << 40) + 4096, 1ULL << 41,
};

/*
 * Random region tables of boundary sizes, asked for in random order with
 * aliases in between, give the oracle's offset and errno at every step in
 * every layout (design §9.17, §9.21, §9.22, §9.27); set VFIOSIM_SEED to
 * replay.
 */
START_TEST(test_layout_random_tables_match_oracle)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_region regions[14];
	unsigned long seed = sim_seed() + _i;
	struct vfio_cookie_space s;
	int round, step;
	struct orc o;

	srandom(seed);
	for (round = 0; round < 100; round++) {
		u32 nr = 1 + random() % ARRAY_SIZE(regions);
		u32 max = nr + random() % 8, i;
		int ret, want;

		for (i = 0; i < nr; i++) {
			u64 size = boundary_sizes[random() %
						  ARRAY_SIZE(boundary_sizes)];

			regions[i].size = size;
			regions[i].flags = size ? (random() % 2 ? SIM_RWM :
						   SIM_RW) : 0;
		}
		want = orc_init(&o, l, regions, nr, max);
		ret = vfio_cookie_space_init(&s, l, regions, nr, max);
		ck_assert_msg(ret == want, "seed %lu round %d init: %d, oracle %d",
			      seed, round, ret, want);
		if (ret)
			continue;
		for (step = 0; step < 24; step++) {
			u32 index = random() % (nr + 1), idx = 0, widx = 0;
			u64 off = 0, woff = 0;

			if (random() % 2) {
				ret = vfio_cookie_region_offset(&s, index, &off);
				want = orc_region_offset(&o, index, &woff);
			} else {
				u32 attrs = random() % 3 ? WC : 0;

				ret = vfio_cookie_alias(&s, index, attrs, &off,
							&idx);
				want = orc_alias(&o, index, attrs, &woff, &widx);
			}
			ck_assert_msg(ret == want && off == woff && idx == widx,
				      "seed %lu round %d step %d index %u: %d %#llx/%u, oracle %d %#llx/%u",
				      seed, round, step, index, ret,
				      (unsigned long long)off, idx, want,
				      (unsigned long long)woff, widx);
			ck_assert_space_valid(&s);
		}
		if (round == 0)
			sim_picture(&s, "random %s (seed %lu): round 0",
				    sim_layout_name(l), seed);
		vfio_cookie_space_destroy(&s);
	}
}
END_TEST

static Suite *layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tc;

	tc = tcase_create("legacy");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_layout_legacy_index_shift, 0,
			    sim_nr_devices);
	tcase_add_loop_test(tc, test_layout_stable_offsets, 0,
			    sim_nr_devices * sim_nr_layouts);
	suite_add_tcase(s, tc);

	tc = tcase_create("compat");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_layout_compat_fixed_and_packed, 0,
			    sim_nr_devices);
	suite_add_tcase(s, tc);

	tc = tcase_create("compact");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_layout_compact_packs_low_aligned, 0,
			    sim_nr_devices);
	tcase_add_test(tc, test_layout_compact_fills_to_2_63);
	tcase_add_test(tc, test_layout_compact_fills_alignment_padding);
	tcase_add_test(tc, test_layout_compact_or_is_add_above_1gib);
	suite_add_tcase(s, tc);

	tc = tcase_create("boundaries");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_layout_absent_region_own_page, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_layout_span_is_page_aligned_size, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_layout_region_exactly_1tib, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_layout_region_over_1tib, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_layout_cxl_2tib_bar, 0, sim_nr_layouts);
	tcase_add_loop_test(tc, test_layout_mmap2_reach_by_index, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_layout_2tib_regions_around_2_44, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_layout_per_fd_limit_enospc, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_layout_aliases_leave_room_for_regions,
			    0, 2);
	tcase_add_test(tc, test_layout_init_rejects_bad_arguments);
	tcase_add_test(tc, test_layout_init_largest_region);
	tcase_add_loop_test(tc, test_layout_random_tables_match_oracle, 0,
			    sim_nr_layouts);
	suite_add_tcase(s, tc);
	return s;
}

VFIOSIM_CHECK_MAIN(layout_suite)
