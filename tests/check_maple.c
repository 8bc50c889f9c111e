// SPDX-License-Identifier: GPL-2.0-only
/*
 * Facts about the kernel's own maple tree (lib/maple_tree.c, compiled in
 * userspace) that the offset-cookie core relies on: byte-keyed ranges,
 * -EEXIST on an occupied range, the gap search behind the aligned
 * allocator, the allocation calls and their errors, and what the tree
 * costs in 256-byte nodes.
 */
#include "harness.h"

#include <errno.h>

/* From lib/maple_tree.c's userspace build (#ifndef __KERNEL__). */
unsigned int mt_nr_allocated(void);
unsigned long mt_get_alloc_size(void);
/* From sim/shim/layout_check.c: sizeof(struct maple_node) as compiled. */
unsigned long sim_maple_node_size(void);

#define KIB(x)	((unsigned long)(x) << 10)
#define MIB(x)	((unsigned long)(x) << 20)
#define GIB(x)	((unsigned long)(x) << 30)

/* Entries: addresses of these, never a reserved value. */
static int obj[64];
#define E(n)	((void *)&obj[n])

static long live_nodes(void)
{
	rcu_barrier();
	return sim_live_nodes();
}

static void alloc_tree(struct maple_tree *mt)
{
	mt_init_flags(mt, MT_FLAGS_ALLOC_RANGE);
}

/* Insert [first, first + size - 1]; it must be free. */
static void insert(struct maple_tree *mt, unsigned long first,
		   unsigned long size, void *entry)
{
	ck_assert_int_eq(mtree_insert_range(mt, first, first + size - 1, entry,
					    GFP_KERNEL), 0);
}

/* mas_empty_area() under the tree lock, as the core calls it. */
static int empty_area(struct maple_tree *mt, unsigned long min,
		      unsigned long max, unsigned long size,
		      unsigned long *index, unsigned long *last)
{
	MA_STATE(mas, mt, 0, 0);
	int ret;

	mtree_lock(mt);
	ret = mas_empty_area(&mas, min, max, size);
	mtree_unlock(mt);
	*index = mas.index;
	*last = mas.last;
	return ret;
}

/*
 * A maple node is 256 bytes at run time, as counted by the node cache and
 * as compiled into the shim (design §9.28; include/linux/maple_tree.h).
 */
START_TEST(test_maple_node_size)
{
	struct maple_tree mt;
	unsigned long i;

	ck_assert_uint_eq(sim_maple_node_size(), 256);
	ck_assert_uint_eq(sizeof(struct maple_node), 256);
	alloc_tree(&mt);
	for (i = 0; i < 40; i++)
		insert(&mt, i * KIB(8), KIB(4), E(i));
	ck_assert_uint_gt(mt_nr_allocated(), 1);
	ck_assert_uint_eq(mt_get_alloc_size() / mt_nr_allocated(), 256);
	ck_assert_uint_eq(mt_get_alloc_size() % mt_nr_allocated(), 0);
	ck_assert_int_eq(live_nodes(), mt_nr_allocated());
	mtree_destroy(&mt);
	ck_assert_int_eq(live_nodes(), 0);
	ck_assert_uint_eq(mt_nr_allocated(), 0);
}
END_TEST

/*
 * mtree_load() finds an entry from any byte inside its range and nothing
 * outside (design §9.13; RFC patch 2,
 * 20250804104012.87915-3-mngyadam@amazon.de).
 */
START_TEST(test_maple_load_any_byte)
{
	struct maple_tree mt;

	alloc_tree(&mt);
	ck_assert_int_eq(mtree_insert_range(&mt, MIB(16), MIB(32) - 1, E(1),
					    GFP_KERNEL), 0);
	ck_assert_int_eq(mtree_insert_range(&mt, MIB(32), MIB(32) + 0xfff,
					    E(2), GFP_KERNEL), 0);
	ck_assert_ptr_eq(mtree_load(&mt, MIB(16)), E(1));
	ck_assert_ptr_eq(mtree_load(&mt, MIB(16) + 0x1234), E(1));
	ck_assert_ptr_eq(mtree_load(&mt, MIB(32) - 1), E(1));
	ck_assert_ptr_eq(mtree_load(&mt, MIB(32)), E(2));
	ck_assert_ptr_eq(mtree_load(&mt, MIB(32) + 0xfff), E(2));
	ck_assert_ptr_null(mtree_load(&mt, MIB(16) - 1));
	ck_assert_ptr_null(mtree_load(&mt, MIB(32) + 0x1000));
	ck_assert_ptr_null(mtree_load(&mt, 0));
	ck_assert_ptr_null(mtree_load(&mt, ULONG_MAX));
	mtree_destroy(&mt);
}
END_TEST

/*
 * mtree_erase() at any byte of a range removes the whole range and
 * returns its entry (design §9.13; Documentation/core-api/maple_tree.rst).
 */
START_TEST(test_maple_erase_whole_range)
{
	struct maple_tree mt;

	alloc_tree(&mt);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x1000, 0x4fff, E(1),
					    GFP_KERNEL), 0);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x5000, 0x5fff, E(2),
					    GFP_KERNEL), 0);
	ck_assert_ptr_eq(mtree_erase(&mt, 0x2345), E(1));
	ck_assert_ptr_null(mtree_load(&mt, 0x1000));
	ck_assert_ptr_null(mtree_load(&mt, 0x4fff));
	ck_assert_ptr_eq(mtree_load(&mt, 0x5000), E(2));
	ck_assert_ptr_null(mtree_erase(&mt, 0x2345));
	/* The whole range is free again. */
	ck_assert_int_eq(mtree_insert_range(&mt, 0x1000, 0x4fff, E(3),
					    GFP_KERNEL), 0);
	mtree_destroy(&mt);
}
END_TEST

/*
 * mtree_insert_range() on a range any byte of which is occupied gives
 * -EEXIST and leaves the tree as it was; ranges that only touch are fine
 * (design §9.14; RFC patch 5, 20250804104012.87915-6-mngyadam@amazon.de).
 */
START_TEST(test_maple_insert_occupied)
{
	struct maple_tree mt;
	unsigned long index = 0;
	void *entry;
	int n = 0;

	alloc_tree(&mt);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x10000, 0x1ffff, E(1),
					    GFP_KERNEL), 0);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x10000, 0x1ffff, E(2),
					    GFP_KERNEL), -EEXIST);
	ck_assert_int_eq(mtree_insert_range(&mt, 0xf000, 0x10000, E(2),
					    GFP_KERNEL), -EEXIST);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x1ffff, 0x20fff, E(2),
					    GFP_KERNEL), -EEXIST);
	/* Everything a cookie can cover, [0, 2^63 - 1], overlaps too. */
	ck_assert_int_eq(mtree_insert_range(&mt, 0, VFIO_COOKIE_OFFSET_MAX,
					    E(2), GFP_KERNEL), -EEXIST);
	ck_assert_int_eq(mtree_insert_range(&mt, 0, ULONG_MAX - 1, E(2),
					    GFP_KERNEL), -EEXIST);
	ck_assert_int_eq(mtree_insert_range(&mt, 1, ULONG_MAX, E(2),
					    GFP_KERNEL), -EEXIST);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x18000, 0x18000, E(2),
					    GFP_KERNEL), -EEXIST);
	/* A legacy slot asked for twice: the first entry stays. */
	ck_assert_ptr_eq(mtree_load(&mt, 0x10000), E(1));
	ck_assert_int_eq(mtree_insert_range(&mt, 0xf000, 0xffff, E(3),
					    GFP_KERNEL), 0);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x20000, 0x20fff, E(4),
					    GFP_KERNEL), 0);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x30000, 0x2ffff, E(5),
					    GFP_KERNEL), -EINVAL);
	mt_for_each(&mt, entry, index, ULONG_MAX)
		n++;
	ck_assert_int_eq(n, 3);
	mtree_destroy(&mt);
}
END_TEST

/*
 * An insert of exactly [0, ULONG_MAX] into a tree whose root is a node is
 * taken as a new root: Linux 6.12 stores it over every entry instead of
 * giving -EEXIST (lib/maple_tree.c mas_insert() skips its overlap check for
 * wr_new_root, since "maple_tree: use store type in mas_insert", 2024).
 * The core never meets it: a cookie ends at or below 2^63 - 1 (design
 * §9.14; vfio_cookie.h VFIO_COOKIE_OFFSET_MAX).  Either behaviour is
 * accepted, but it must be one of the two, exactly.
 */
START_TEST(test_maple_insert_whole_range)
{
	struct maple_tree mt;
	unsigned long index = 0;
	void *entry;
	int ret, n = 0;

	alloc_tree(&mt);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x10000, 0x1ffff, E(1),
					    GFP_KERNEL), 0);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x30000, 0x3ffff, E(3),
					    GFP_KERNEL), 0);
	ret = mtree_insert_range(&mt, 0, ULONG_MAX, E(2), GFP_KERNEL);
	mt_for_each(&mt, entry, index, ULONG_MAX)
		n++;
	if (ret == -EEXIST) {
		ck_assert_int_eq(n, 2);
		ck_assert_ptr_eq(mtree_load(&mt, 0x10000), E(1));
	} else {
		ck_assert_int_eq(ret, 0);
		ck_assert_int_eq(n, 1);
		ck_assert_ptr_eq(mtree_load(&mt, 0x10000), E(2));
		ck_assert_ptr_eq(mtree_load(&mt, ULONG_MAX), E(2));
	}
	mtree_destroy(&mt);
}
END_TEST

/*
 * mtree_alloc_range() stores at the lowest gap of @size inside [min, max],
 * with no alignment of its own (design §9.15, §9.17; lib/maple_tree.c).
 */
START_TEST(test_maple_alloc_range_lowest_gap)
{
	struct maple_tree mt;
	unsigned long start;

	alloc_tree(&mt);
	/* Empty tree: the gap starts at min. */
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(1), 0x1000, 0,
					   ULONG_MAX, GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 0);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x3000, 0x3fff, E(2),
					    GFP_KERNEL), 0);
	/* [0x1000, 0x2fff] is the first gap: 0x2000 bytes fit, 0x3000 not. */
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(3), 0x3000, 0,
					   ULONG_MAX, GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 0x4000);
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(4), 0x1800, 0,
					   ULONG_MAX, GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 0x1000);	/* unaligned for its size */
	ck_assert_ptr_eq(mtree_load(&mt, 0x1000 + 0x17ff), E(4));
	/* min lifts the search; the gap is clipped to it. */
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(5), 0x100, 0x9123,
					   ULONG_MAX, GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 0x9123);
	mtree_destroy(&mt);
}
END_TEST

/*
 * mtree_alloc_range() gives -EBUSY when no gap of @size is left inside
 * [min, max], and the range may end exactly at max (design §9.15).
 */
START_TEST(test_maple_alloc_range_busy)
{
	struct maple_tree mt;
	unsigned long start;

	alloc_tree(&mt);
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(1), 0x2000, 0x1000,
					   0x4fff, GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 0x1000);
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(2), 0x2000, 0x1000,
					   0x4fff, GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 0x3000);
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(3), 1, 0x1000,
					   0x4fff, GFP_KERNEL), -EBUSY);
	/* Room below min does not count. */
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(3), 0x1000, 0x2000,
					   0x4fff, GFP_KERNEL), -EBUSY);
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(3), 0x1000, 0,
					   0x4fff, GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 0);
	mtree_destroy(&mt);
}
END_TEST

/*
 * mtree_alloc_range() gives -EINVAL for size 0, min > max,
 * max - min < size - 1, and a tree without MT_FLAGS_ALLOC_RANGE
 * (design §9.15; lib/maple_tree.c mas_empty_area()).
 */
START_TEST(test_maple_alloc_range_einval)
{
	struct maple_tree mt, plain;
	unsigned long start;

	alloc_tree(&mt);
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(1), 0, 0,
					   ULONG_MAX, GFP_KERNEL), -EINVAL);
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(1), 1, 10, 9,
					   GFP_KERNEL), -EINVAL);
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(1), 0x1001, 0,
					   0xfff, GFP_KERNEL), -EINVAL);
	/* max - min == size - 1 fits exactly. */
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(1), 0x1000, 0,
					   0xfff, GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 0);
	mtree_destroy(&mt);

	mt_init_flags(&plain, 0);
	ck_assert_int_eq(mtree_alloc_range(&plain, &start, E(1), 0x1000, 0,
					   ULONG_MAX, GFP_KERNEL), -EINVAL);
	mtree_destroy(&plain);
}
END_TEST

/*
 * mtree_alloc_rrange() stores at the highest gap of @size inside [min, max]
 * (design §7 "Allocation"; lib/maple_tree.c).
 */
START_TEST(test_maple_alloc_rrange_highest_gap)
{
	struct maple_tree mt;
	unsigned long start;

	alloc_tree(&mt);
	ck_assert_int_eq(mtree_alloc_rrange(&mt, &start, E(1), 0x1000, 0,
					    0xffff, GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 0xf000);
	ck_assert_int_eq(mtree_insert_range(&mt, 0xc000, 0xcfff, E(2),
					    GFP_KERNEL), 0);
	ck_assert_int_eq(mtree_alloc_rrange(&mt, &start, E(3), 0x3000, 0,
					    0xffff, GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 0x9000);
	mtree_destroy(&mt);
}
END_TEST

/*
 * mtree_alloc_cyclic() hands out single indices from *next upwards,
 * returns 1 when it wraps to range_lo and sets *next past the index it
 * gave (design §9.16; commit 9b6713cc7522, v6.9).
 */
START_TEST(test_maple_alloc_cyclic_wrap)
{
	struct maple_tree mt;
	unsigned long start, next = 0, i;

	alloc_tree(&mt);
	for (i = 1; i <= 4; i++) {
		ck_assert_int_eq(mtree_alloc_cyclic(&mt, &start, E(i), 1, 4,
						    &next, GFP_KERNEL), 0);
		ck_assert_uint_eq(start, i);
		ck_assert_uint_eq(next, i + 1);
	}
	ck_assert_ptr_eq(mtree_erase(&mt, 2), E(2));
	/* next is 5, past range_hi: the search wraps and finds 2. */
	ck_assert_int_eq(mtree_alloc_cyclic(&mt, &start, E(7), 1, 4, &next,
					    GFP_KERNEL), 1);
	ck_assert_uint_eq(start, 2);
	ck_assert_uint_eq(next, 3);
	/* A freed index below next is not reused before a wrap. */
	ck_assert_ptr_eq(mtree_erase(&mt, 1), E(1));
	ck_assert_ptr_eq(mtree_erase(&mt, 4), E(4));
	ck_assert_int_eq(mtree_alloc_cyclic(&mt, &start, E(8), 1, 4, &next,
					    GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 4);
	ck_assert_int_eq(mtree_alloc_cyclic(&mt, &start, E(9), 1, 4, &next,
					    GFP_KERNEL), 1);
	ck_assert_uint_eq(start, 1);
	mtree_destroy(&mt);
}
END_TEST

/*
 * mtree_alloc_cyclic() gives -EBUSY when every index of the range is used
 * (design §9.16; commit 9b6713cc7522).
 */
START_TEST(test_maple_alloc_cyclic_busy)
{
	struct maple_tree mt;
	unsigned long start, next = 10, i;

	alloc_tree(&mt);
	for (i = 10; i < 13; i++)
		ck_assert_int_eq(mtree_alloc_cyclic(&mt, &start, E(i), 10, 12,
						    &next, GFP_KERNEL), 0);
	ck_assert_int_eq(mtree_alloc_cyclic(&mt, &start, E(20), 10, 12,
					    &next, GFP_KERNEL), -EBUSY);
	ck_assert_ptr_null(mtree_load(&mt, 13));
	ck_assert_ptr_null(mtree_load(&mt, 9));
	mtree_destroy(&mt);
}
END_TEST

/*
 * mas_empty_area() gives index = the lowest fitting gap's start clipped to
 * min and last = index + size - 1, storing nothing; from the next aligned
 * offset it gives the same gap again when the aligned range still fits,
 * else a higher one: the retry loop of vfio_cookie_find_gap() (design
 * §9.17; 20250716184028.GA2177603@ziepe.ca).
 */
START_TEST(test_maple_empty_area_clip)
{
	struct maple_tree mt;
	unsigned long index, last;

	alloc_tree(&mt);
	/* Empty tree: the area starts at min. */
	ck_assert_int_eq(empty_area(&mt, 0x5000, ULONG_MAX, 0x1000, &index,
				    &last), 0);
	ck_assert_uint_eq(index, 0x5000);
	ck_assert_uint_eq(last, 0x5fff);

	ck_assert_int_eq(mtree_insert_range(&mt, 0, 0xfff, E(1), GFP_KERNEL),
			 0);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x9000, 0xffff, E(2),
					    GFP_KERNEL), 0);
	/* Gap [0x1000, 0x8fff] (32 KiB): an 8 KiB area starts unaligned... */
	ck_assert_int_eq(empty_area(&mt, 0, ULONG_MAX, 0x2000, &index, &last),
			 0);
	ck_assert_uint_eq(index, 0x1000);
	ck_assert_uint_eq(last, 0x2fff);
	/* ...so the core searches again from 0x2000 and gets it aligned. */
	ck_assert_int_eq(empty_area(&mt, 0x2000, ULONG_MAX, 0x2000, &index,
				    &last), 0);
	ck_assert_uint_eq(index, 0x2000);
	ck_assert_uint_eq(last, 0x3fff);
	/* 32 KiB aligned to 32 KiB: not in [0x8000, 0x8fff], so past 0xffff. */
	ck_assert_int_eq(empty_area(&mt, 0x8000, ULONG_MAX, 0x8000, &index,
				    &last), 0);
	ck_assert_uint_eq(index, 0x10000);
	ck_assert_uint_eq(last, 0x17fff);
	ck_assert_ptr_null(mtree_load(&mt, 0x10000));
	mtree_destroy(&mt);
}
END_TEST

/*
 * mas_empty_area() gives -EBUSY when no gap fits below max and -EINVAL for
 * size 0, min > max or max - min < size - 1; the core turns both into
 * -ENOSPC (design §9.15, §9.21; lib/maple_tree.c).
 */
START_TEST(test_maple_empty_area_errors)
{
	struct maple_tree mt;
	unsigned long index, last;

	alloc_tree(&mt);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x1000, 0x7fff, E(1),
					    GFP_KERNEL), 0);
	ck_assert_int_eq(empty_area(&mt, 0x1000, 0x7fff, 1, &index, &last),
			 -EBUSY);
	ck_assert_int_eq(empty_area(&mt, 0, 0x8fff, 0x2000, &index, &last),
			 -EBUSY);
	ck_assert_int_eq(empty_area(&mt, 0, ULONG_MAX, 0, &index, &last),
			 -EINVAL);
	ck_assert_int_eq(empty_area(&mt, 2, 1, 1, &index, &last), -EINVAL);
	ck_assert_int_eq(empty_area(&mt, 0x8000, 0x8fff, 0x1001, &index,
				    &last), -EINVAL);
	mtree_destroy(&mt);
}
END_TEST

/*
 * With max = 2^63 - 1, mas_empty_area() returns a gap that ends exactly
 * at max and nothing that would cross it, so every cookie stays a valid
 * loff_t (design §6.5 "loff_t is signed 64-bit"; vfio_cookie.h).
 */
START_TEST(test_maple_empty_area_top)
{
	const unsigned long top = VFIO_COOKIE_OFFSET_MAX;
	struct maple_tree mt;
	unsigned long index, last;

	alloc_tree(&mt);
	ck_assert_int_eq(mtree_insert_range(&mt, 0, (1UL << 62) - 1, E(1),
					    GFP_KERNEL), 0);
	ck_assert_int_eq(empty_area(&mt, 0, top, 1UL << 62, &index, &last),
			 0);
	ck_assert_uint_eq(index, 1UL << 62);
	ck_assert_uint_eq(last, top);
	ck_assert_int_eq(empty_area(&mt, 0, top, (1UL << 62) + 1, &index,
				    &last), -EBUSY);
	ck_assert_int_eq(mtree_insert_range(&mt, 1UL << 62, top, E(2),
					    GFP_KERNEL), 0);
	/* Above 2^63 is free, but not below max. */
	ck_assert_int_eq(empty_area(&mt, 0, top, 0x1000, &index, &last),
			 -EBUSY);
	ck_assert_int_eq(empty_area(&mt, 0, ULONG_MAX, 0x1000, &index, &last),
			 0);
	ck_assert_uint_eq(index, 1UL << 63);
	mtree_destroy(&mt);
}
END_TEST

/*
 * A tree whose only entry is index 0 keeps it as a root pointer, and an
 * allocation then starts at 1 (design §7 "Empty tree special case";
 * lib/maple_tree.c mas_sparse_area()).
 */
START_TEST(test_maple_root_pointer_gap)
{
	struct maple_tree mt;
	unsigned long start;

	alloc_tree(&mt);
	ck_assert_int_eq(mtree_insert(&mt, 0, E(1), GFP_KERNEL), 0);
	ck_assert_int_eq(live_nodes(), 0);
	ck_assert_int_eq(mtree_alloc_range(&mt, &start, E(2), 1, 0, ULONG_MAX,
					   GFP_KERNEL), 0);
	ck_assert_uint_eq(start, 1);
	ck_assert_int_eq(live_nodes(), 1);
	mtree_destroy(&mt);
}
END_TEST

/*
 * mas_for_each() visits each stored range once, with mas.index and
 * mas.last set to its first and last byte, across node boundaries: what
 * vfio_cookie_for_each() and validate report (design §7 "Advanced API").
 */
START_TEST(test_maple_for_each_ranges)
{
	struct maple_tree mt;
	void *entry;
	unsigned long i, n = 0;

	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU);
	for (i = 0; i < 60; i++)
		insert(&mt, i * MIB(1), (i + 1) * KIB(4), E(i));
	{
		MA_STATE(mas, &mt, 0, 0);

		rcu_read_lock();
		mas_for_each(&mas, entry, ULONG_MAX) {
			ck_assert_ptr_eq(entry, E(n));
			ck_assert_uint_eq(mas.index, n * MIB(1));
			ck_assert_uint_eq(mas.last,
					  n * MIB(1) + (n + 1) * 0x1000 - 1);
			n++;
		}
		rcu_read_unlock();
	}
	ck_assert_uint_eq(n, 60);
	mtree_destroy(&mt);
}
END_TEST

/*
 * A leaf of an allocation tree holds 16 slots, ranges and the gaps between
 * them alike: 8 ranges with gaps need 17 slots and a second node
 * (design §7 "Node size / density", §9.28; MAPLE_RANGE64_SLOTS).
 */
START_TEST(test_maple_leaf_slots)
{
	struct maple_tree mt;
	unsigned long i;

	alloc_tree(&mt);
	/* Touching ranges from 0: 15 ranges and the tail gap = 16 slots. */
	for (i = 0; i < 15; i++)
		insert(&mt, i * KIB(4), KIB(4), E(i));
	ck_assert_int_eq(live_nodes(), 1);
	insert(&mt, 15 * KIB(4), KIB(4), E(15));
	ck_assert_int_gt(live_nodes(), 1);
	mtree_destroy(&mt);
	ck_assert_int_eq(live_nodes(), 0);

	alloc_tree(&mt);
	/* Ranges with gaps: 8 ranges, 8 gaps before them, 1 tail gap. */
	for (i = 0; i < 7; i++)
		insert(&mt, (2 * i + 1) * KIB(4), KIB(4), E(i));
	ck_assert_int_eq(live_nodes(), 1);
	insert(&mt, 15 * KIB(4), KIB(4), E(7));
	ck_assert_int_gt(live_nodes(), 1);
	mtree_destroy(&mt);
}
END_TEST

struct node_walk {
	unsigned int entries;
};

static int count_entry(void *priv, const struct vfio_cookie *c, u64 first,
		       u64 last)
{
	struct node_walk *w = priv;

	(void)c;
	(void)first;
	(void)last;
	w->entries++;
	return 0;
}

/*
 * A space's maple nodes grow with its cookies, at least one 256-byte node
 * per 16 slots, and all go back at destroy (design §9.28; counting is
 * simulation side, research §7 "There is no public mt_nr_nodes()").
 */
START_TEST(test_maple_space_nodes_grow)
{
	static const struct vfio_cookie_region r[] = {
		{ MIB(1), 7 }, { 0x1000, 7 }, { MIB(4), 7 }, { 0x3000, 7 },
	};
	struct vfio_cookie_space s;
	struct node_walk w;
	long base, prev, now = 0;
	u64 off;
	u32 idx, i;

	base = live_nodes();
	ck_assert_int_eq(vfio_cookie_space_init(&s, VFIO_COOKIE_LAYOUT_COMPACT,
						r, ARRAY_SIZE(r), 1024), 0);
	/* COMPACT: no cookie yet, an empty tree, no node. */
	ck_assert_int_eq(live_nodes(), base);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 0, &off), 0);
	ck_assert_int_eq(live_nodes(), base + 1);

	prev = live_nodes();
	for (i = 0; i < 600; i++) {
		ck_assert_int_eq(vfio_cookie_alias(&s, i % 4,
						   VFIO_COOKIE_ATTR_WC, &off,
						   &idx), 0);
		ck_assert_int_eq(vfio_cookie_drop(&s, off), 0);
		if (i % 50 != 49)
			continue;
		now = live_nodes();
		ck_assert_int_ge(now, prev);
		prev = now;
	}
	w.entries = 0;
	ck_assert_int_eq(vfio_cookie_for_each(&s, count_entry, &w), 0);
	ck_assert_uint_eq(w.entries, 601);
	/* Each leaf holds at most 16 ranges and gaps. */
	ck_assert_int_ge(now - base, (w.entries + 15) / 16);
	ck_assert_int_le(now - base, w.entries);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
	ck_assert_int_eq(live_nodes(), base);
}
END_TEST

/*
 * mtree_destroy() frees every node (after a grace period in RCU mode) but
 * never the entries, which the core frees itself (design §7 "mtree_destroy()
 * (does not free entries)"; RFC patch 1).
 */
START_TEST(test_maple_destroy_frees_nodes)
{
	struct maple_tree mt;
	long base = live_nodes();
	unsigned long i;
	int *mine = kmalloc(sizeof(*mine), GFP_KERNEL);

	ck_assert_ptr_nonnull(mine);
	*mine = 42;
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU);
	for (i = 0; i < 100; i++)
		insert(&mt, i * KIB(8), KIB(4), mine);
	ck_assert_int_gt(live_nodes(), base + 5);
	mtree_destroy(&mt);
	ck_assert(mtree_empty(&mt));
	ck_assert_ptr_null(mtree_load(&mt, 0));
	ck_assert_int_eq(live_nodes(), base);
	ck_assert_int_eq(*mine, 42);
	kfree(mine);
}
END_TEST

static Suite *maple_suite(void)
{
	Suite *s = suite_create("maple");
	TCase *tc = tcase_create("maple");

	sim_tcase_defaults(tc);
	tcase_add_test(tc, test_maple_node_size);
	tcase_add_test(tc, test_maple_load_any_byte);
	tcase_add_test(tc, test_maple_erase_whole_range);
	tcase_add_test(tc, test_maple_insert_occupied);
	tcase_add_test(tc, test_maple_insert_whole_range);
	tcase_add_test(tc, test_maple_alloc_range_lowest_gap);
	tcase_add_test(tc, test_maple_alloc_range_busy);
	tcase_add_test(tc, test_maple_alloc_range_einval);
	tcase_add_test(tc, test_maple_alloc_rrange_highest_gap);
	tcase_add_test(tc, test_maple_alloc_cyclic_wrap);
	tcase_add_test(tc, test_maple_alloc_cyclic_busy);
	tcase_add_test(tc, test_maple_empty_area_clip);
	tcase_add_test(tc, test_maple_empty_area_errors);
	tcase_add_test(tc, test_maple_empty_area_top);
	tcase_add_test(tc, test_maple_root_pointer_gap);
	tcase_add_test(tc, test_maple_for_each_ranges);
	tcase_add_test(tc, test_maple_leaf_slots);
	tcase_add_test(tc, test_maple_space_nodes_grow);
	tcase_add_test(tc, test_maple_destroy_frees_nodes);
	suite_add_tcase(s, tc);
	return s;
}

VFIOSIM_CHECK_MAIN(maple_suite)
