/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per device fd offset cookies for VFIO, kept in a maple tree.
 *
 * Every range of a VFIO device fd that userspace can pass to mmap(),
 * pread() or pwrite() is described by one immutable struct vfio_cookie.
 * The cookies of one fd live in one struct vfio_cookie_space, a maple tree
 * keyed by byte offset in the fd.  Three layouts place the cookies:
 *
 *   LEGACY   offset = index << 40 for every region and every alias index,
 *            as vfio-pci does today (VFIO_PCI_INDEX_TO_OFFSET()).
 *   COMPAT   the fixed vfio-pci indices 0..8 keep index << 40, every other
 *            cookie is allocated from the free gaps (Alex Williamson,
 *            20250804124909.67462343.alex.williamson@redhat.com).
 *   COMPACT  every cookie is allocated, packed low and naturally aligned
 *            (roundup_pow_of_two(span), so OR-ing an offset into a cookie
 *            equals adding it), created on first use.
 *
 * Concurrency:
 *
 *   operation                  lock                 may sleep  runs beside
 *   space_init/space_destroy   none (owner only)    yes        nothing
 *   region_offset, alias, drop space->lock (mutex)  yes        lookups
 *   zap, for_each, validate    space->lock (mutex)  yes        lookups
 *   lookup                     rcu_read_lock        no         everything
 *   mmap_get, rw_get           rcu_read_lock inside no         everything
 *   get, put                   none                 no         everything
 *
 * A cookie is freed after an RCU grace period once the space and every
 * mapping have dropped their references, so an RCU reader never sees a
 * freed cookie.  A dropped alias leaves a tombstone that keeps its range
 * out of reuse until the space is destroyed: a stale offset held by
 * userspace can never resolve to a different cookie (no ABA).
 */
#ifndef __DRIVERS_VFIO_VFIO_COOKIE_H
#define __DRIVERS_VFIO_VFIO_COOKIE_H

#include "vfio_cookie_internal.h"

/* Each legacy region index owns 2^40 bytes of the fd (1 TiB). */
#define VFIO_COOKIE_LEGACY_SHIFT	40
/* The fixed vfio-pci indices (BAR0-5, ROM, CONFIG, VGA) kept by COMPAT. */
#define VFIO_COOKIE_COMPAT_INDICES	9
/* pread/pwrite offsets are loff_t: every cookie must end below 2^63. */
#define VFIO_COOKIE_OFFSET_MAX		((u64)S64_MAX)
/* Highest index whose legacy offset still fits below 2^63. */
#define VFIO_COOKIE_INDEX_MAX		\
	((u32)(VFIO_COOKIE_OFFSET_MAX >> VFIO_COOKIE_LEGACY_SHIFT))

/* Region flags, with the values of VFIO_REGION_INFO_FLAG_{READ,WRITE,MMAP}. */
#define VFIO_COOKIE_FLAG_READ		BIT(0)
#define VFIO_COOKIE_FLAG_WRITE		BIT(1)
#define VFIO_COOKIE_FLAG_MMAP		BIT(2)
#define VFIO_COOKIE_FLAGS_ALL		(VFIO_COOKIE_FLAG_READ | \
					 VFIO_COOKIE_FLAG_WRITE | \
					 VFIO_COOKIE_FLAG_MMAP)

/* Mapping attributes of a cookie; 0 is the default uncached mapping. */
#define VFIO_COOKIE_ATTR_WC		BIT(0)
#define VFIO_COOKIE_ATTRS_ALL		(VFIO_COOKIE_ATTR_WC)

enum vfio_cookie_layout {
	VFIO_COOKIE_LAYOUT_LEGACY,
	VFIO_COOKIE_LAYOUT_COMPAT,
	VFIO_COOKIE_LAYOUT_COMPACT,
};

enum vfio_cookie_kind {
	VFIO_COOKIE_REGION,
	VFIO_COOKIE_ALIAS,
};

/**
 * struct vfio_cookie_region - one region of the device, as the driver sees it
 * @size: bytes; 0 describes an absent region (a BAR that is not implemented)
 * @flags: VFIO_COOKIE_FLAG_*; must be 0 when @size is 0
 */
struct vfio_cookie_region {
	u64 size;
	u32 flags;
};

/**
 * struct vfio_cookie - one immutable range of a device fd
 * @offset: first byte of the range in the fd
 * @span: bytes of the fd the cookie reserves: PAGE_ALIGN(@size), at least
 *	one page, so an absent region still owns a distinct offset
 * @size: bytes of the region behind the cookie
 * @index: the region index userspace knows the cookie by; an alias gets a
 *	new index above the device's regions
 * @target: the region the cookie maps (equal to @index for a region)
 * @flags: VFIO_COOKIE_FLAG_*
 * @attrs: VFIO_COOKIE_ATTR_*
 * @kind: region or alias
 * @dead: set once the cookie can no longer be found (alias dropped, space
 *	destroyed); read with READ_ONCE() by RCU readers
 * @users: one reference for the space while the cookie is in its tree,
 *	one for each VMA that maps it, one for each read/write in flight
 * @rcu: frees the cookie after a grace period
 * @release: links the cookie while vfio_cookie_space_destroy() drops it
 *
 * Everything but @dead and @users is written once, before the cookie is
 * published in the tree, and never changes (immutable cookies, Jason
 * Gunthorpe 20250805143134.GP26511@ziepe.ca).
 */
struct vfio_cookie {
	u64 offset;
	u64 span;
	u64 size;
	u32 index;
	u32 target;
	u32 flags;
	u32 attrs;
	enum vfio_cookie_kind kind;
	bool dead;
	refcount_t users;
	struct rcu_head rcu;
	struct list_head release;
};

/**
 * struct vfio_cookie_space - the offset cookies of one device fd
 * @mt: the cookies, keyed by byte offset (MT_FLAGS_ALLOC_RANGE, RCU mode)
 * @lock: serialises every change of @mt and of the fields below
 * @layout: how offsets are chosen
 * @regions: copy of the device's region table
 * @region_cookies: the cookie of each region once it exists, else NULL
 * @nr_regions: number of entries in @regions
 * @next_index: the index the next alias gets (never reused)
 * @nr_cookies: tree entries: live cookies and dropped aliases
 * @nr_region_cookies: entries of @region_cookies that are set
 * @max_cookies: limit on @nr_cookies; beyond it the space gives -ENOSPC,
 *	and aliases always leave room for the regions not yet created
 */
struct vfio_cookie_space {
	struct maple_tree mt;
	struct mutex lock; /* serialises writers of @mt and the fields below */
	enum vfio_cookie_layout layout;
	struct vfio_cookie_region *regions;
	struct vfio_cookie **region_cookies;
	u32 nr_regions;
	u32 next_index;
	u32 nr_cookies;
	u32 nr_region_cookies;
	u32 max_cookies;
};

/**
 * struct vfio_cookie_stats - figures of a space, for accounting and reports
 * @nr_cookies: live cookies
 * @nr_tombstones: ranges kept by dropped aliases
 * @span_bytes: highest offset in use + 1 (0 for an empty space)
 * @region_bytes: sum of the sizes of the live cookies
 * @reserved_bytes: sum of the spans of all tree entries
 */
struct vfio_cookie_stats {
	u32 nr_cookies;
	u32 nr_tombstones;
	u64 span_bytes;
	u64 region_bytes;
	u64 reserved_bytes;
};

int vfio_cookie_space_init(struct vfio_cookie_space *space,
			   enum vfio_cookie_layout layout,
			   const struct vfio_cookie_region *regions,
			   u32 nr_regions, u32 max_cookies);
void vfio_cookie_space_destroy(struct vfio_cookie_space *space);

int vfio_cookie_region_offset(struct vfio_cookie_space *space, u32 index,
			      u64 *offset);
int vfio_cookie_alias(struct vfio_cookie_space *space, u32 index, u32 attrs,
		      u64 *offset, u32 *alias_index);
int vfio_cookie_drop(struct vfio_cookie_space *space, u64 offset);

struct vfio_cookie *vfio_cookie_lookup(struct vfio_cookie_space *space,
				       u64 offset);
struct vfio_cookie *vfio_cookie_mmap_get(struct vfio_cookie_space *space,
					 u64 offset, u64 len, u64 *pos);
struct vfio_cookie *vfio_cookie_rw_get(struct vfio_cookie_space *space,
				       u64 offset, u64 count, bool write,
				       u64 *pos, u64 *done);
void vfio_cookie_get(struct vfio_cookie *cookie);
void vfio_cookie_put(struct vfio_cookie *cookie);

int vfio_cookie_zap(struct vfio_cookie_space *space, u32 index,
		    void (*zap)(void *priv, u64 offset, u64 len), void *priv);
int vfio_cookie_for_each(struct vfio_cookie_space *space,
			 int (*fn)(void *priv, const struct vfio_cookie *cookie,
				   u64 first, u64 last),
			 void *priv);
void vfio_cookie_space_stats(struct vfio_cookie_space *space,
			     struct vfio_cookie_stats *stats);
bool vfio_cookie_space_validate(struct vfio_cookie_space *space,
				const char **reason);

#endif /* __DRIVERS_VFIO_VFIO_COOKIE_H */
