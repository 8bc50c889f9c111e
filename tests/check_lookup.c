// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resolving device fd offsets to cookies: vfio_cookie_mmap_get(),
 * vfio_cookie_rw_get() and vfio_cookie_lookup(), at the first and last
 * byte of every cookie, across cookies, in holes and past 2^63.
 */
#include "harness.h"
#include "devices.h"

#define LEGACY	VFIO_COOKIE_LAYOUT_LEGACY
#define COMPAT	VFIO_COOKIE_LAYOUT_COMPAT
#define COMPACT	VFIO_COOKIE_LAYOUT_COMPACT
#define WC	VFIO_COOKIE_ATTR_WC

/* Set up @dev in layout @l with every region's cookie created. */
static void setup_all(struct vfio_cookie_space *s, const struct sim_device *dev,
		      enum vfio_cookie_layout l, u64 *off)
{
	u32 i;

	ck_assert_int_eq(vfio_cookie_space_init(s, l, dev->regions,
						dev->nr_regions, 64), 0);
	for (i = 0; i < dev->nr_regions; i++) {
		int ret = vfio_cookie_region_offset(s, i, &off[i]);

		if (ret) {
			ck_assert_int_eq(ret, -EOVERFLOW);
			off[i] = U64_MAX;
		}
	}
}

/* mmap_get() that must succeed: returns the cookie, checks @pos. */
static struct vfio_cookie *mmap_ok(struct vfio_cookie_space *s, u64 offset,
				   u64 len, u64 want_pos)
{
	struct vfio_cookie *c;
	u64 pos = U64_MAX;

	c = vfio_cookie_mmap_get(s, offset, len, &pos);
	ck_assert_msg(!IS_ERR(c), "mmap_get(%#llx, %#llx) = %ld",
		      (unsigned long long)offset, (unsigned long long)len,
		      PTR_ERR(c));
	ck_assert_uint_eq(pos, want_pos);
	ck_assert_uint_eq(c->offset + pos, offset);
	return c;
}

static void mmap_err(struct vfio_cookie_space *s, u64 offset, u64 len,
		     long err)
{
	struct vfio_cookie *c;
	u64 pos = 0x5a5a;

	c = vfio_cookie_mmap_get(s, offset, len, &pos);
	ck_assert_msg(IS_ERR(c) && PTR_ERR(c) == err,
		      "mmap_get(%#llx, %#llx) = %ld, want %ld",
		      (unsigned long long)offset, (unsigned long long)len,
		      IS_ERR(c) ? PTR_ERR(c) : 0L, err);
	/* An error leaves @pos alone. */
	ck_assert_uint_eq(pos, 0x5a5a);
}

static struct vfio_cookie *rw_ok(struct vfio_cookie_space *s, u64 offset,
				 u64 count, bool write, u64 want_pos,
				 u64 want_done)
{
	struct vfio_cookie *c;
	u64 pos = U64_MAX, done = U64_MAX;

	c = vfio_cookie_rw_get(s, offset, count, write, &pos, &done);
	ck_assert_msg(!IS_ERR(c), "rw_get(%#llx, %#llx, %d) = %ld",
		      (unsigned long long)offset, (unsigned long long)count,
		      write, PTR_ERR(c));
	ck_assert_uint_eq(pos, want_pos);
	ck_assert_uint_eq(done, want_done);
	return c;
}

static void rw_err(struct vfio_cookie_space *s, u64 offset, u64 count,
		   bool write, long err)
{
	struct vfio_cookie *c;
	u64 pos, done;

	c = vfio_cookie_rw_get(s, offset, count, write, &pos, &done);
	ck_assert_msg(IS_ERR(c) && PTR_ERR(c) == err,
		      "rw_get(%#llx, %#llx, %d) = %ld, want %ld",
		      (unsigned long long)offset, (unsigned long long)count,
		      write, IS_ERR(c) ? PTR_ERR(c) : 0L, err);
}

/* ---- mmap ---- */

/*
 * The first and last page of a BAR, and the whole BAR, map with the right
 * position inside the cookie, in every layout (design §9.6, §9.18).
 */
START_TEST(test_lookup_mmap_first_and_last_page)
{
	const struct sim_device *dev = &sim_dev_h100;
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;
	static const u32 bars[] = { SIM_BAR0, SIM_BAR2, SIM_BAR4 };
	unsigned int i;

	setup_all(&s, dev, l, off);
	sim_picture(&s, "h100 %s", sim_layout_name(l));
	for (i = 0; i < ARRAY_SIZE(bars); i++) {
		u64 size = dev->regions[bars[i]].size;
		struct vfio_cookie *a, *b, *w;

		a = mmap_ok(&s, off[bars[i]], PAGE_SIZE, 0);
		b = mmap_ok(&s, off[bars[i]] + size - PAGE_SIZE, PAGE_SIZE,
			    size - PAGE_SIZE);
		w = mmap_ok(&s, off[bars[i]], size, 0);
		ck_assert_ptr_eq(a, b);
		ck_assert_ptr_eq(a, w);
		ck_assert_uint_eq(a->index, bars[i]);
		ck_assert_uint_eq(refcount_read(&a->users), 4);
		vfio_cookie_put(a);
		vfio_cookie_put(b);
		vfio_cookie_put(w);
		ck_assert_uint_eq(refcount_read(&a->users), 1);
	}
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Every page of a small BAR maps with pos equal to its distance from the
 * cookie (vfio_cookie_mmap_get() kernel-doc: @pos; design §6.3 req_start).
 */
START_TEST(test_lookup_mmap_pos_of_every_page)
{
	const struct sim_device *dev = &sim_dev_nvme;
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS], pos, len;
	struct vfio_cookie_space s;
	struct vfio_cookie *c;

	setup_all(&s, dev, l, off);
	for (pos = 0; pos < 16 * SIM_KiB; pos += PAGE_SIZE) {
		for (len = PAGE_SIZE; pos + len <= 16 * SIM_KiB;
		     len += PAGE_SIZE) {
			c = mmap_ok(&s, off[SIM_BAR0] + pos, len, pos);
			ck_assert_uint_eq(c->index, SIM_BAR0);
			vfio_cookie_put(c);
		}
	}
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * The last, partial page of a region whose size is not a page multiple can
 * be mapped, nothing after it (design §6.3: PAGE_ALIGN(bar_len);
 * vfio_cookie_mmap_get() kernel-doc).
 */
START_TEST(test_lookup_mmap_last_partial_page)
{
	static const struct vfio_cookie_region regions[] = {
		{ 0x1800, SIM_RWM }, { 0x80, SIM_RWM }, { 0x1000, SIM_RWM },
	};
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_space s;
	struct vfio_cookie *c;
	u64 off[3];
	u32 i;

	ck_assert_int_eq(vfio_cookie_space_init(&s, l, regions, 3, 8), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off[i]), 0);
	sim_picture(&s, "partial pages %s", sim_layout_name(l));
	c = mmap_ok(&s, off[0] + 0x1000, 0x1000, 0x1000);
	vfio_cookie_put(c);
	c = mmap_ok(&s, off[0], 0x2000, 0);
	vfio_cookie_put(c);
	mmap_err(&s, off[0], 0x3000, -ENXIO);
	/* A sub-page region maps its one page. */
	c = mmap_ok(&s, off[1], 0x1000, 0);
	ck_assert_uint_eq(c->size, 0x80);
	vfio_cookie_put(c);
	mmap_err(&s, off[1], 0x2000, -ENXIO);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * A mapping that starts in one cookie and ends in the next is refused with
 * -ENXIO: a VMA maps one cookie (design §9.18, §9.6; Jason
 * 20250716184028.GA2177603@ziepe.ca).
 */
START_TEST(test_lookup_mmap_crossing_into_next_cookie)
{
	static const struct vfio_cookie_region regions[] = {
		{ 0x4000, SIM_RWM }, { 0x4000, SIM_RWM },
		{ SIM_TiB, SIM_RWM }, { 0x1000, SIM_RWM },
	};
	enum vfio_cookie_layout l = sim_layouts[_i];
	struct vfio_cookie_space s;
	struct vfio_cookie *c;
	u64 off[4];
	u32 i;

	ck_assert_int_eq(vfio_cookie_space_init(&s, l, regions, 4, 8), 0);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(vfio_cookie_region_offset(&s, i, &off[i]), 0);
	sim_picture(&s, "neighbours %s", sim_layout_name(l));
	if (l == COMPACT) {
		/* Packed back to back. */
		ck_assert_uint_eq(off[1], off[0] + 0x4000);
		mmap_err(&s, off[0] + 0x3000, 0x2000, -ENXIO);
		mmap_err(&s, off[0], 0x8000, -ENXIO);
	}
	/* A 1 TiB region in LEGACY/COMPAT ends where the next slot begins. */
	if (l != COMPACT) {
		ck_assert_uint_eq(off[2] + SIM_TiB, off[3]);
		mmap_err(&s, off[3] - PAGE_SIZE, 2 * PAGE_SIZE, -ENXIO);
	}
	c = mmap_ok(&s, off[2] + SIM_TiB - PAGE_SIZE, PAGE_SIZE,
		    SIM_TiB - PAGE_SIZE);
	vfio_cookie_put(c);
	mmap_err(&s, off[2] + SIM_TiB - PAGE_SIZE, 2 * PAGE_SIZE, -ENXIO);
	/* Each of them still maps on its own. */
	c = mmap_ok(&s, off[1], 0x4000, 0);
	vfio_cookie_put(c);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * An offset no cookie covers, or a mapping that starts in a hole, gives
 * -ENXIO (design §9.18: iommufd's answer to a miss).
 */
START_TEST(test_lookup_mmap_hole)
{
	const struct sim_device *dev = &sim_dev_h100;
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;

	setup_all(&s, dev, l, off);
	sim_picture(&s, "h100 %s", sim_layout_name(l));
	/* Right after BAR0's 16 MiB: nothing in any layout (BAR0 is at 0). */
	ck_assert_uint_eq(off[SIM_BAR0], 0);
	if (l == COMPACT) {
		/* BAR1's page sits there in COMPACT: go past BAR4 instead. */
		mmap_err(&s, 1ULL << 40, PAGE_SIZE, -ENXIO);
	} else {
		mmap_err(&s, 16 * SIM_MiB, PAGE_SIZE, -ENXIO);
		mmap_err(&s, (2ULL << 40) - PAGE_SIZE, PAGE_SIZE, -ENXIO);
	}
	mmap_err(&s, 1ULL << 50, PAGE_SIZE, -ENXIO);
	mmap_err(&s, VFIO_COOKIE_OFFSET_MAX + 1 - PAGE_SIZE, PAGE_SIZE, -ENXIO);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * A zero length, an offset or a length that is not page aligned gives
 * -EINVAL, before any lookup (design §9.7, mm/mmap.c do_mmap).
 */
START_TEST(test_lookup_mmap_bad_length_or_alignment)
{
	const struct sim_device *dev = &sim_dev_h100;
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;

	setup_all(&s, dev, COMPACT, off);
	mmap_err(&s, off[SIM_BAR0], 0, -EINVAL);
	mmap_err(&s, off[SIM_BAR0] + 1, PAGE_SIZE, -EINVAL);
	mmap_err(&s, off[SIM_BAR0] + PAGE_SIZE - 1, PAGE_SIZE, -EINVAL);
	mmap_err(&s, off[SIM_BAR0], PAGE_SIZE + 1, -EINVAL);
	mmap_err(&s, off[SIM_BAR0], 1, -EINVAL);
	/* Also where no cookie is, and where the range would wrap. */
	mmap_err(&s, 1ULL << 50, 0, -EINVAL);
	mmap_err(&s, U64_MAX, PAGE_SIZE, -EINVAL);
	mmap_err(&s, 1ULL << 50, U64_MAX, -EINVAL);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * offset + len past 2^64 gives -EOVERFLOW (design §9.7: pgoff + npages
 * must not wrap); aligned offsets past 2^63 that do not wrap find nothing.
 */
START_TEST(test_lookup_mmap_wrapping_range)
{
	const struct sim_device *dev = &sim_dev_h100;
	u64 off[SIM_NUM_PCI_REGIONS], top = U64_MAX - PAGE_SIZE + 1;
	struct vfio_cookie_space s;

	setup_all(&s, dev, LEGACY, off);
	mmap_err(&s, top, 2 * PAGE_SIZE, -EOVERFLOW);
	mmap_err(&s, 2 * PAGE_SIZE, top, -EOVERFLOW);
	/* From a real cookie, one page more than the 64-bit space holds. */
	mmap_err(&s, off[SIM_BAR2], top - off[SIM_BAR2] + 2 * PAGE_SIZE,
		 -EOVERFLOW);
	/* Exactly up to the last byte of the 64-bit space: no wrap. */
	mmap_err(&s, PAGE_SIZE, top, -ENXIO);
	mmap_err(&s, off[SIM_BAR2], top - off[SIM_BAR2] + PAGE_SIZE, -ENXIO);
	mmap_err(&s, top, PAGE_SIZE, -ENXIO);
	mmap_err(&s, 1ULL << 63, PAGE_SIZE, -ENXIO);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Regions without the MMAP flag (CONFIG, ROM, an absent BAR, a sub-page
 * I/O BAR) give -EINVAL (design §9.6, §9.5: vfio_pci_core_mmap refuses
 * ROM/CONFIG/VGA and BARs not mmap-supported).
 */
START_TEST(test_lookup_mmap_not_mmappable)
{
	const struct sim_device *dev = &sim_dev_x710;
	enum vfio_cookie_layout l = sim_layouts[_i];
	static const u32 no_mmap[] = {
		SIM_BAR1, SIM_BAR4, SIM_BAR5, SIM_ROM, SIM_CONFIG, SIM_VGA,
	};
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;
	unsigned int i;

	setup_all(&s, dev, l, off);
	sim_picture(&s, "x710 %s", sim_layout_name(l));
	for (i = 0; i < ARRAY_SIZE(no_mmap); i++) {
		ck_assert(!sim_dev_mmappable(dev, no_mmap[i]));
		mmap_err(&s, off[no_mmap[i]], PAGE_SIZE, -EINVAL);
	}
	/* Crossing out of a non-mmappable one is still -EINVAL. */
	mmap_err(&s, off[SIM_ROM], 1 * SIM_MiB, -EINVAL);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/* ---- read/write ---- */

/*
 * A read or write that runs past the region end is clipped to it (a short
 * transfer, never crossing into another cookie); inside it is whole
 * (design §9.8: vfio_pci_bar_rw count = min(count, end - pos)).
 */
START_TEST(test_lookup_rw_clipped_at_region_end)
{
	const struct sim_device *dev = &sim_dev_x710;
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;
	struct vfio_cookie *c;

	setup_all(&s, dev, l, off);
	c = rw_ok(&s, off[SIM_BAR0], 4, false, 0, 4);
	vfio_cookie_put(c);
	c = rw_ok(&s, off[SIM_BAR0] + 8 * SIM_MiB - 0x10, 0x100, true,
		  8 * SIM_MiB - 0x10, 0x10);
	vfio_cookie_put(c);
	c = rw_ok(&s, off[SIM_BAR0] + 8 * SIM_MiB - 1, U64_MAX, false,
		  8 * SIM_MiB - 1, 1);
	vfio_cookie_put(c);
	/* A sub-page region stops at 0x80, not at its page. */
	c = rw_ok(&s, off[SIM_BAR5] + 0x7c, 8, false, 0x7c, 4);
	ck_assert_uint_eq(c->index, SIM_BAR5);
	vfio_cookie_put(c);
	/* CONFIG reads and writes its 4 KiB (design §9.4). */
	c = rw_ok(&s, off[SIM_CONFIG], 0x2000, false, 0, 0x1000);
	vfio_cookie_put(c);
	c = rw_ok(&s, off[SIM_CONFIG] + 0x40, 4, true, 0x40, 4);
	vfio_cookie_put(c);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * An access at or past the region end, in the padding of the last page,
 * in an absent region or in a hole gives -EINVAL (design §9.8: pos >=
 * region_end; vfio_cookie_rw_get() kernel-doc).
 */
START_TEST(test_lookup_rw_past_end)
{
	const struct sim_device *dev = &sim_dev_x710;
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;

	setup_all(&s, dev, l, off);
	rw_err(&s, off[SIM_BAR0] + 8 * SIM_MiB, 1, false, -EINVAL);
	rw_err(&s, off[SIM_BAR5] + 0x80, 1, false, -EINVAL);
	rw_err(&s, off[SIM_BAR5] + PAGE_SIZE - 1, 1, true, -EINVAL);
	rw_err(&s, off[SIM_BAR1], 1, false, -EINVAL);
	rw_err(&s, off[SIM_VGA], 4, true, -EINVAL);
	rw_err(&s, 1ULL << 50, 4, false, -EINVAL);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * A write to the read-only ROM (or a read-only device region) gives
 * -EINVAL; reading it works (design §9.8: ROM write -> -EINVAL; §9.4).
 */
START_TEST(test_lookup_rw_write_to_read_only)
{
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS + 4];
	struct vfio_cookie_space s;
	struct vfio_cookie *c;

	setup_all(&s, &sim_dev_x710, l, off);
	rw_err(&s, off[SIM_ROM], 4, true, -EINVAL);
	rw_err(&s, off[SIM_ROM] + 512 * SIM_KiB - 4, 4, true, -EINVAL);
	c = rw_ok(&s, off[SIM_ROM], 0x100000, false, 0, 512 * SIM_KiB);
	vfio_cookie_put(c);
	vfio_cookie_space_destroy(&s);

	/* The IGD OpRegion (index 9) is READ only too. */
	setup_all(&s, &sim_dev_igd, l, off);
	rw_err(&s, off[9], 4, true, -EINVAL);
	c = rw_ok(&s, off[9] + 0x1ffc, 8, false, 0x1ffc, 4);
	vfio_cookie_put(c);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * A zero count gives -EINVAL (vfio_cookie_rw_get() kernel-doc: the VFS
 * answers 0 itself; design §9.8).
 */
START_TEST(test_lookup_rw_zero_count)
{
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;

	setup_all(&s, &sim_dev_nvme, COMPAT, off);
	rw_err(&s, off[SIM_BAR0], 0, false, -EINVAL);
	rw_err(&s, off[SIM_CONFIG], 0, true, -EINVAL);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * Offsets at and past 2^63 are not loff_t values: lookup finds nothing,
 * read/write gives -EINVAL, mmap -ENXIO (design §6.5: read/write offsets
 * < 2^63).
 */
START_TEST(test_lookup_offsets_past_2_63)
{
	static const struct vfio_cookie_region regions[] = {
		{ 1ULL << 62, SIM_RWM }, { 1ULL << 62, SIM_RWM },
	};
	static const u64 bad[] = {
		1ULL << 63, (1ULL << 63) + 4096, U64_MAX - 4095, U64_MAX,
	};
	struct vfio_cookie_space s;
	struct vfio_cookie *c;
	unsigned int i;
	u64 off;

	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPACT, regions, 2, 4), 0);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 0, &off), 0);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 1, &off), 0);
	sim_picture(&s, "full to 2^63");
	c = rw_ok(&s, VFIO_COOKIE_OFFSET_MAX, 16, false, (1ULL << 62) - 1, 1);
	vfio_cookie_put(c);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		rcu_read_lock();
		ck_assert_ptr_null(vfio_cookie_lookup(&s, bad[i]));
		rcu_read_unlock();
		rw_err(&s, bad[i], 1, false, -EINVAL);
		if (PAGE_ALIGNED(bad[i]))
			mmap_err(&s, bad[i], PAGE_SIZE, -ENXIO);
	}
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * read/write go through aliases too: an alias serves the bytes of its
 * target (design §9.22: the same object serves read/write; Alex
 * 20250828131755.0b646987.alex.williamson@redhat.com).
 */
START_TEST(test_lookup_rw_through_alias)
{
	const struct sim_device *dev = &sim_dev_h100;
	enum vfio_cookie_layout l = sim_layouts[_i];
	u64 off[SIM_NUM_PCI_REGIONS], a;
	struct vfio_cookie_space s;
	struct vfio_cookie *c;
	u32 idx;

	setup_all(&s, dev, l, off);
	ck_assert_int_eq(vfio_cookie_alias(&s, SIM_BAR4, WC, &a, &idx), 0);
	c = rw_ok(&s, a + 0x100, 4, true, 0x100, 4);
	ck_assert_uint_eq(c->target, SIM_BAR4);
	ck_assert_uint_eq(c->attrs, WC);
	vfio_cookie_put(c);
	c = rw_ok(&s, a + 32 * SIM_MiB - 2, 4, false, 32 * SIM_MiB - 2, 2);
	vfio_cookie_put(c);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/* ---- lookup ---- */

struct hit_ctx {
	int nr;
	struct {
		const struct vfio_cookie *cookie;
		u64 first, last;
	} r[64];
};

/* Only collect: the walk holds the space's mutex. */
static int collect(void *priv, const struct vfio_cookie *cookie, u64 first,
		   u64 last)
{
	struct hit_ctx *ctx = priv;

	ck_assert_int_lt(ctx->nr, ARRAY_SIZE(ctx->r));
	ctx->r[ctx->nr].cookie = cookie;
	ctx->r[ctx->nr].first = first;
	ctx->r[ctx->nr].last = last;
	ctx->nr++;
	return 0;
}

static void check_hits(struct vfio_cookie_space *s,
		       const struct vfio_cookie *cookie, u64 first, u64 last)
{
	u64 probes[] = { first, first + 1, first + (last - first) / 2,
			 last - 1, last };
	unsigned int i;

	ck_assert_uint_eq(first, cookie->offset);
	ck_assert_uint_eq(last, cookie->offset + cookie->span - 1);
	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(probes); i++)
		ck_assert_ptr_eq(vfio_cookie_lookup(s, probes[i]), cookie);
	if (first)
		ck_assert_ptr_ne(vfio_cookie_lookup(s, first - 1), cookie);
	ck_assert_ptr_ne(vfio_cookie_lookup(s, last + 1), cookie);
	rcu_read_unlock();
}

/*
 * Maple keys are byte offsets: any byte of a cookie's range, first, last
 * and between, finds it and the bytes around it do not (design §9.13,
 * maple_tree.rst: mtree_load hits any index in a range).
 */
START_TEST(test_lookup_any_byte_hits)
{
	const struct sim_device *dev = sim_devices[_i / sim_nr_layouts];
	enum vfio_cookie_layout l = sim_layouts[_i % sim_nr_layouts];
	u64 off[16], a;
	struct vfio_cookie_space s;
	struct hit_ctx ctx = { 0 };
	u32 i, idx;
	int k;

	setup_all(&s, dev, l, off);
	for (i = 0; i < dev->nr_regions; i++)
		if (sim_dev_mmappable(dev, i))
			vfio_cookie_alias(&s, i, WC, &a, &idx);
	sim_picture(&s, "%s %s", dev->name, sim_layout_name(l));
	ck_assert_int_eq(vfio_cookie_for_each(&s, collect, &ctx), 0);
	ck_assert_int_gt(ctx.nr, 0);
	for (k = 0; k < ctx.nr; k++)
		check_hits(&s, ctx.r[k].cookie, ctx.r[k].first, ctx.r[k].last);
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * vfio_cookie_lookup() runs under rcu_read_lock() alone and returns the
 * cookie with its immutable fields; a reference from
 * refcount_inc_not_zero() keeps it past the read section (vfio_cookie.h:
 * lookup is rcu_read_lock, no mutex; design.md §3 "lookup (RCU, no lock)").
 */
START_TEST(test_lookup_under_rcu_read_lock)
{
	const struct sim_device *dev = &sim_dev_h100;
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;
	struct vfio_cookie *c;

	setup_all(&s, dev, COMPAT, off);
	rcu_read_lock();
	c = vfio_cookie_lookup(&s, off[SIM_BAR2] + 64 * SIM_GiB + 3);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->offset, off[SIM_BAR2]);
	ck_assert_uint_eq(c->index, SIM_BAR2);
	ck_assert_uint_eq(c->size, 128 * SIM_GiB);
	ck_assert_uint_eq(c->flags, SIM_RWM);
	ck_assert_uint_eq(c->attrs, 0);
	ck_assert_int_eq(c->kind, VFIO_COOKIE_REGION);
	ck_assert(!READ_ONCE(c->dead));
	ck_assert(refcount_inc_not_zero(&c->users));
	rcu_read_unlock();
	/* The mutex was never needed. */
	ck_assert(!mutex_is_locked(&s.lock));
	ck_assert_uint_eq(refcount_read(&c->users), 2);
	vfio_cookie_put(c);
	rcu_read_lock();
	ck_assert_ptr_null(vfio_cookie_lookup(&s, off[SIM_BAR0] +
					      16 * SIM_MiB));
	rcu_read_unlock();
	vfio_cookie_space_destroy(&s);
}
END_TEST

/*
 * The 2 TiB BAR maps whole and reads at its last byte (design §9.27: such
 * regions work in the allocated layouts).
 */
START_TEST(test_lookup_2tib_bar_whole)
{
	enum vfio_cookie_layout l = sim_layouts[1 + _i];
	u64 off[SIM_NUM_PCI_REGIONS];
	struct vfio_cookie_space s;
	struct vfio_cookie *c;

	setup_all(&s, &sim_dev_cxl, l, off);
	c = mmap_ok(&s, off[SIM_BAR2], 2 * SIM_TiB, 0);
	vfio_cookie_put(c);
	c = rw_ok(&s, off[SIM_BAR2] + 2 * SIM_TiB - 1, 8, false,
		  2 * SIM_TiB - 1, 1);
	vfio_cookie_put(c);
	mmap_err(&s, off[SIM_BAR2], 2 * SIM_TiB + PAGE_SIZE, -ENXIO);
	vfio_cookie_space_destroy(&s);
}
END_TEST

static Suite *lookup_suite(void)
{
	Suite *s = suite_create("lookup");
	TCase *tc;

	tc = tcase_create("mmap");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_lookup_mmap_first_and_last_page, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lookup_mmap_pos_of_every_page, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lookup_mmap_last_partial_page, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lookup_mmap_crossing_into_next_cookie, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lookup_mmap_hole, 0, sim_nr_layouts);
	tcase_add_test(tc, test_lookup_mmap_bad_length_or_alignment);
	tcase_add_test(tc, test_lookup_mmap_wrapping_range);
	tcase_add_loop_test(tc, test_lookup_mmap_not_mmappable, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lookup_2tib_bar_whole, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("rw");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_lookup_rw_clipped_at_region_end, 0,
			    sim_nr_layouts);
	tcase_add_loop_test(tc, test_lookup_rw_past_end, 0, sim_nr_layouts);
	tcase_add_loop_test(tc, test_lookup_rw_write_to_read_only, 0,
			    sim_nr_layouts);
	tcase_add_test(tc, test_lookup_rw_zero_count);
	tcase_add_test(tc, test_lookup_offsets_past_2_63);
	tcase_add_loop_test(tc, test_lookup_rw_through_alias, 0,
			    sim_nr_layouts);
	suite_add_tcase(s, tc);

	tc = tcase_create("lookup");
	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_lookup_any_byte_hits, 0,
			    sim_nr_devices * sim_nr_layouts);
	tcase_add_test(tc, test_lookup_under_rcu_read_lock);
	suite_add_tcase(s, tc);
	return s;
}

VFIOSIM_CHECK_MAIN(lookup_suite)
