// SPDX-License-Identifier: GPL-2.0-only
/*
 * Offset cookies of a VFIO device fd, kept in a maple tree.
 *
 * The design follows the 2025 review of "vfio: Introduce mmap maple tree"
 * (20250804104012.87915-1-mngyadam@amazon.de): one maple tree per device
 * fd, keyed by byte offset, that resolves mmap() and read()/write() offsets
 * to an immutable object; region offsets that are stable for the life of the
 * fd; de-duplicated alias cookies that map a region with other attributes;
 * an optional compatibility layout that keeps the legacy offsets.
 */
#include "vfio_cookie_internal.h"
#include "vfio_cookie.h"

static u64 vfio_cookie_span(u64 size)
{
	return size ? PAGE_ALIGN(size) : PAGE_SIZE;
}

/*
 * Natural alignment of a cookie: its span rounded up to a power of two.
 * Userspace ORs an offset inside a region into the cookie instead of adding
 * it (cec694f109f705ab9e20c2641c1558aa19bcb25b.camel@amazon.com), which is
 * only the same for a naturally aligned cookie, and huge pfnmaps want at
 * least min(PUD_SIZE, size) (20250716184028.GA2177603@ziepe.ca), which
 * natural alignment implies.  Capping the alignment at PUD_SIZE, as that
 * mail suggests, would break OR for every region over 1 GiB.
 */
static u64 vfio_cookie_align(u64 span)
{
	return roundup_pow_of_two(span);
}

static u64 vfio_cookie_legacy_offset(u32 index)
{
	return (u64)index << VFIO_COOKIE_LEGACY_SHIFT;
}

static u64 vfio_cookie_last(const struct vfio_cookie *cookie)
{
	return cookie->offset + cookie->span - 1;
}

/* Does @cookie sit at its legacy offset in the layout of @space? */
static bool vfio_cookie_is_fixed(const struct vfio_cookie_space *space,
				 const struct vfio_cookie *cookie)
{
	if (cookie->span > BIT_ULL(VFIO_COOKIE_LEGACY_SHIFT))
		return false;

	switch (space->layout) {
	case VFIO_COOKIE_LAYOUT_LEGACY:
		return true;
	case VFIO_COOKIE_LAYOUT_COMPAT:
		return cookie->kind == VFIO_COOKIE_REGION &&
		       cookie->index < VFIO_COOKIE_COMPAT_INDICES;
	default:
		return false;
	}
}

static void vfio_cookie_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct vfio_cookie, rcu));
}

/*
 * Find the lowest free range of @span bytes aligned to vfio_cookie_align().
 * The maple tree has no aligned allocation, so search with
 * mas_empty_area() and, when the gap it finds starts unaligned, search again
 * from the next aligned offset.  Each retry starts strictly higher, so the
 * loop ends.
 */
static int vfio_cookie_find_gap(struct vfio_cookie_space *space, u64 span,
				u64 *offset)
{
	MA_STATE(mas, &space->mt, 0, 0);
	u64 align = vfio_cookie_align(span);
	unsigned long min = 0;
	int ret;

	lockdep_assert_held(&space->lock);

	mas_lock(&mas);
	for (;;) {
		ret = mas_empty_area(&mas, min, VFIO_COOKIE_OFFSET_MAX, span);
		if (ret)
			break;
		if (IS_ALIGNED(mas.index, align)) {
			*offset = mas.index;
			break;
		}
		min = ALIGN(mas.index, align);
		if (min > VFIO_COOKIE_OFFSET_MAX) {
			ret = -EBUSY;
			break;
		}
		mas_reset(&mas);
	}
	mas_unlock(&mas);

	/* -EBUSY: no gap; -EINVAL: less than @span left above @min. */
	return ret ? -ENOSPC : 0;
}

/* Choose the offset of @cookie and publish it in the tree. */
static int vfio_cookie_insert(struct vfio_cookie_space *space,
			      struct vfio_cookie *cookie)
{
	u64 offset;
	int ret;

	lockdep_assert_held(&space->lock);

	if (space->nr_cookies >= space->max_cookies)
		return -ENOSPC;

	if (vfio_cookie_is_fixed(space, cookie)) {
		offset = vfio_cookie_legacy_offset(cookie->index);
	} else {
		/* More than 1 TiB cannot be expressed as index << 40. */
		if (space->layout == VFIO_COOKIE_LAYOUT_LEGACY)
			return -EOVERFLOW;
		ret = vfio_cookie_find_gap(space, cookie->span, &offset);
		if (ret)
			return ret;
	}

	/* Readers may find the cookie as soon as it is stored. */
	cookie->offset = offset;
	ret = mtree_insert_range(&space->mt, offset, vfio_cookie_last(cookie),
				 cookie, GFP_KERNEL_ACCOUNT);
	if (WARN_ON_ONCE(ret == -EEXIST))
		return -EIO;
	if (ret)
		return ret;

	space->nr_cookies++;
	return 0;
}

static int vfio_cookie_create(struct vfio_cookie_space *space,
			      enum vfio_cookie_kind kind, u32 index, u32 target,
			      u32 attrs, struct vfio_cookie **out)
{
	const struct vfio_cookie_region *region = &space->regions[target];
	struct vfio_cookie *cookie;
	int ret;

	lockdep_assert_held(&space->lock);

	cookie = kzalloc(sizeof(*cookie), GFP_KERNEL_ACCOUNT);
	if (!cookie)
		return -ENOMEM;

	cookie->size = region->size;
	cookie->span = vfio_cookie_span(region->size);
	cookie->index = index;
	cookie->target = target;
	cookie->flags = region->flags;
	cookie->attrs = attrs;
	cookie->kind = kind;
	refcount_set(&cookie->users, 1);

	ret = vfio_cookie_insert(space, cookie);
	if (ret) {
		/* Never published: no reader can hold it. */
		kfree(cookie);
		return ret;
	}

	if (kind == VFIO_COOKIE_REGION) {
		space->region_cookies[index] = cookie;
		space->nr_region_cookies++;
	}
	*out = cookie;
	return 0;
}

/* Drop the space's reference on every cookie and empty the tree. */
static void vfio_cookie_space_release(struct vfio_cookie_space *space)
{
	MA_STATE(mas, &space->mt, 0, 0);
	struct vfio_cookie *cookie;
	LIST_HEAD(dead);

	mutex_lock(&space->lock);
	mas_lock(&mas);
	mas_for_each(&mas, cookie, ULONG_MAX) {
		WRITE_ONCE(cookie->dead, true);
		list_add(&cookie->release, &dead);
	}
	mas_unlock(&mas);
	space->nr_cookies = 0;
	space->nr_region_cookies = 0;
	mutex_unlock(&space->lock);

	/*
	 * Empty the tree before the references go, so no reader that starts
	 * from now on can find a cookie whose grace period has begun.
	 */
	mtree_destroy(&space->mt);
	while (!list_empty(&dead)) {
		cookie = list_first_entry(&dead, struct vfio_cookie, release);
		list_del(&cookie->release);
		vfio_cookie_put(cookie);
	}

	kfree(space->region_cookies);
	kfree(space->regions);
	space->region_cookies = NULL;
	space->regions = NULL;
	mutex_destroy(&space->lock);
}

static int vfio_cookie_check_regions(const struct vfio_cookie_region *regions,
				     u32 nr_regions)
{
	u32 i;

	for (i = 0; i < nr_regions; i++) {
		if (regions[i].flags & ~VFIO_COOKIE_FLAGS_ALL)
			return -EINVAL;
		if (!regions[i].size && regions[i].flags)
			return -EINVAL;
		/* The page-aligned span must still end below 2^63. */
		if (regions[i].size > VFIO_COOKIE_OFFSET_MAX + 1 - PAGE_SIZE)
			return -EINVAL;
	}
	return 0;
}

/* LEGACY and COMPAT give the fixed regions their offsets at open time. */
static int vfio_cookie_prepopulate(struct vfio_cookie_space *space)
{
	struct vfio_cookie *cookie;
	u32 nr_fixed = space->nr_regions;
	u32 index;
	int ret;

	if (space->layout == VFIO_COOKIE_LAYOUT_COMPACT)
		return 0;
	if (space->layout == VFIO_COOKIE_LAYOUT_COMPAT)
		nr_fixed = min_t(u32, nr_fixed, VFIO_COOKIE_COMPAT_INDICES);

	mutex_lock(&space->lock);
	for (index = 0; index < nr_fixed; index++) {
		if (vfio_cookie_span(space->regions[index].size) >
		    BIT_ULL(VFIO_COOKIE_LEGACY_SHIFT))
			continue;
		ret = vfio_cookie_create(space, VFIO_COOKIE_REGION, index,
					 index, 0, &cookie);
		if (ret)
			goto out_unlock;
	}
	/* COMPAT: a region too large for its fixed slot goes to a gap. */
	for (index = 0; index < nr_fixed; index++) {
		if (space->region_cookies[index] ||
		    space->layout == VFIO_COOKIE_LAYOUT_LEGACY)
			continue;
		ret = vfio_cookie_create(space, VFIO_COOKIE_REGION, index,
					 index, 0, &cookie);
		if (ret)
			goto out_unlock;
	}
	ret = 0;
out_unlock:
	mutex_unlock(&space->lock);
	return ret;
}

/**
 * vfio_cookie_space_init() - set up the offset cookies of a device fd
 * @space: the space, embedded in the per-fd structure
 * @layout: how offsets are chosen
 * @regions: the device's regions, indexed by region index; copied
 * @nr_regions: number of regions, at least 1
 * @max_cookies: limit on cookies (regions, aliases and dropped aliases);
 *	must leave room for every region
 *
 * LEGACY gives every region index << 40 and COMPAT gives the fixed indices
 * 0..8 index << 40, both at once, so clients that compute offsets instead of
 * asking REGION_INFO keep working; a region larger than 1 TiB has no legacy
 * slot and is placed in a gap (COMPAT) or refused (LEGACY).  COMPACT creates
 * each region's cookie when its offset is first asked for.
 *
 * Context: Process context.  May sleep.
 * Return: 0, -EINVAL for a bad argument, -ENOSPC when a COMPAT region over
 * 1 TiB finds no gap, -ENOMEM.  On error nothing is left allocated.
 */
int vfio_cookie_space_init(struct vfio_cookie_space *space,
			   enum vfio_cookie_layout layout,
			   const struct vfio_cookie_region *regions,
			   u32 nr_regions, u32 max_cookies)
{
	int ret;

	if (layout > VFIO_COOKIE_LAYOUT_COMPACT || !regions || !nr_regions ||
	    nr_regions > max_cookies ||
	    max_cookies > (u32)VFIO_COOKIE_INDEX_MAX + 1)
		return -EINVAL;
	ret = vfio_cookie_check_regions(regions, nr_regions);
	if (ret)
		return ret;

	memset(space, 0, sizeof(*space));
	space->regions = kmemdup(regions, nr_regions * sizeof(*regions),
				 GFP_KERNEL_ACCOUNT);
	if (!space->regions)
		return -ENOMEM;
	space->region_cookies = kcalloc(nr_regions,
					sizeof(*space->region_cookies),
					GFP_KERNEL_ACCOUNT);
	if (!space->region_cookies) {
		kfree(space->regions);
		space->regions = NULL;
		return -ENOMEM;
	}

	mutex_init(&space->lock);
	mt_init_flags(&space->mt, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU);
	space->layout = layout;
	space->nr_regions = nr_regions;
	space->next_index = nr_regions;
	space->max_cookies = max_cookies;

	ret = vfio_cookie_prepopulate(space);
	if (ret)
		vfio_cookie_space_release(space);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_cookie_space_init);

/**
 * vfio_cookie_space_destroy() - release the cookies of a device fd
 * @space: the space
 *
 * Called when the fd is released.  Every cookie becomes unreachable at once;
 * a cookie still mapped by a VMA lives on until its last vfio_cookie_put(),
 * and every cookie is freed after an RCU grace period.
 *
 * Context: Process context.  May sleep.
 */
void vfio_cookie_space_destroy(struct vfio_cookie_space *space)
{
	vfio_cookie_space_release(space);
}
EXPORT_SYMBOL_GPL(vfio_cookie_space_destroy);

/**
 * vfio_cookie_region_offset() - the offset of a region in the device fd
 * @space: the space
 * @index: the region index
 * @offset: set to the first byte of the region's cookie
 *
 * Userspace may ask for a region's offset any number of times and gets the
 * same answer every time (20250805130046.0527d0c7.alex.williamson@redhat.com).
 * The cookie is created on first use where the layout did not create it at
 * init time.
 *
 * Context: Process context.  Takes and releases @space->lock.
 * Return: 0, -EINVAL for an index that is not a region of the device,
 * -EOVERFLOW for a region over 1 TiB in the LEGACY layout, -ENOSPC when the
 * space is full, -ENOMEM.
 */
int vfio_cookie_region_offset(struct vfio_cookie_space *space, u32 index,
			      u64 *offset)
{
	struct vfio_cookie *cookie;
	int ret = 0;

	if (index >= space->nr_regions)
		return -EINVAL;

	mutex_lock(&space->lock);
	cookie = space->region_cookies[index];
	if (!cookie)
		ret = vfio_cookie_create(space, VFIO_COOKIE_REGION, index,
					 index, 0, &cookie);
	if (!ret)
		*offset = cookie->offset;
	mutex_unlock(&space->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_cookie_region_offset);

static struct vfio_cookie *vfio_cookie_find_alias(struct vfio_cookie_space *space,
						  u32 target, u32 attrs)
{
	MA_STATE(mas, &space->mt, 0, 0);
	struct vfio_cookie *cookie, *found = NULL;

	lockdep_assert_held(&space->lock);

	/* One walk, not a descent per entry: the mutex keeps writers out. */
	rcu_read_lock();
	mas_for_each(&mas, cookie, ULONG_MAX) {
		if (cookie->kind == VFIO_COOKIE_ALIAS && !cookie->dead &&
		    cookie->target == target && cookie->attrs == attrs) {
			found = cookie;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static int vfio_cookie_new_alias(struct vfio_cookie_space *space, u32 target,
				 u32 attrs, struct vfio_cookie **out)
{
	int ret;

	lockdep_assert_held(&space->lock);

	if (space->next_index > VFIO_COOKIE_INDEX_MAX)
		return -ENOSPC;
	/* Every region must still find a cookie when it is first asked for. */
	if (space->nr_cookies + (space->nr_regions - space->nr_region_cookies) >=
	    space->max_cookies)
		return -ENOSPC;
	ret = vfio_cookie_create(space, VFIO_COOKIE_ALIAS, space->next_index,
				 target, attrs, out);
	if (!ret)
		space->next_index++;
	return ret;
}

/**
 * vfio_cookie_alias() - a cookie that maps a region with other attributes
 * @space: the space
 * @index: the region to map; an alias cannot itself be aliased
 * @attrs: VFIO_COOKIE_ATTR_*; 0 names the region's own cookie
 * @offset: set to the first byte of the cookie
 * @alias_index: set to the region index of the cookie
 *
 * Asking again for the same region and attributes gives the same cookie
 * (20250828131755.0b646987.alex.williamson@redhat.com).  A new alias gets
 * the next unused index above the device's regions; indices are never
 * reused within the life of the fd.  WC and UC cookies of one region coexist
 * (20250811155558.GF377696@ziepe.ca).
 *
 * Context: Process context.  Takes and releases @space->lock.
 * Return: 0, -EINVAL for unknown attribute bits, an index that is not a
 * region of the device (an alias included) or a region that cannot be
 * mmapped, -ENOSPC when the per-fd limit is reached, -EOVERFLOW for a
 * region over 1 TiB in the LEGACY layout, -ENOMEM.
 */
int vfio_cookie_alias(struct vfio_cookie_space *space, u32 index, u32 attrs,
		      u64 *offset, u32 *alias_index)
{
	struct vfio_cookie *cookie;
	int ret = 0;

	if (attrs & ~VFIO_COOKIE_ATTRS_ALL)
		return -EINVAL;
	if (index >= space->nr_regions)
		return -EINVAL;
	if (!(space->regions[index].flags & VFIO_COOKIE_FLAG_MMAP))
		return -EINVAL;

	mutex_lock(&space->lock);
	if (!attrs) {
		cookie = space->region_cookies[index];
		if (!cookie)
			ret = vfio_cookie_create(space, VFIO_COOKIE_REGION,
						 index, index, 0, &cookie);
	} else {
		cookie = vfio_cookie_find_alias(space, index, attrs);
		if (!cookie)
			ret = vfio_cookie_new_alias(space, index, attrs, &cookie);
	}
	if (!ret) {
		*offset = cookie->offset;
		*alias_index = cookie->index;
	}
	mutex_unlock(&space->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_cookie_alias);

/**
 * vfio_cookie_drop() - make an alias unreachable
 * @space: the space
 * @offset: the first byte of the alias
 *
 * The alias can no longer be found by offset, nor returned again by
 * vfio_cookie_alias().  Its range stays reserved until the space is
 * destroyed, so the offset is never handed out again while userspace may
 * still hold it (no ABA), and zap still reaches the VMAs that map it.
 *
 * Context: Process context.  Takes and releases @space->lock.
 * Return: 0, -ENXIO when no live cookie starts at @offset, -EINVAL when the
 * cookie is a region, which lives as long as the fd.
 */
int vfio_cookie_drop(struct vfio_cookie_space *space, u64 offset)
{
	struct vfio_cookie *cookie;
	int ret = 0;

	if (offset > VFIO_COOKIE_OFFSET_MAX)
		return -ENXIO;

	mutex_lock(&space->lock);
	cookie = mtree_load(&space->mt, offset);
	if (!cookie || cookie->dead || cookie->offset != offset)
		ret = -ENXIO;
	else if (cookie->kind != VFIO_COOKIE_ALIAS)
		ret = -EINVAL;
	else
		WRITE_ONCE(cookie->dead, true);
	mutex_unlock(&space->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_cookie_drop);

/**
 * vfio_cookie_lookup() - the live cookie that contains an offset
 * @space: the space
 * @offset: any byte of the device fd
 *
 * Context: Any context.  The caller holds rcu_read_lock(); the cookie stays
 * valid until it drops it, or longer with a reference from
 * refcount_inc_not_zero() on @users.
 * Return: the cookie, or NULL when no live cookie contains @offset.
 */
struct vfio_cookie *vfio_cookie_lookup(struct vfio_cookie_space *space,
				       u64 offset)
{
	struct vfio_cookie *cookie;

	if (offset > VFIO_COOKIE_OFFSET_MAX)
		return NULL;
	cookie = mtree_load(&space->mt, offset);
	if (!cookie || READ_ONCE(cookie->dead))
		return NULL;
	return cookie;
}
EXPORT_SYMBOL_GPL(vfio_cookie_lookup);

/* Take a reference on the live cookie containing @offset, under RCU. */
static struct vfio_cookie *vfio_cookie_tryget(struct vfio_cookie_space *space,
					      u64 offset)
{
	struct vfio_cookie *cookie;

	rcu_read_lock();
	cookie = vfio_cookie_lookup(space, offset);
	if (cookie && !refcount_inc_not_zero(&cookie->users))
		cookie = NULL;
	rcu_read_unlock();

	/* Dropped between the lookup and the reference. */
	if (cookie && READ_ONCE(cookie->dead)) {
		vfio_cookie_put(cookie);
		cookie = NULL;
	}
	return cookie;
}

/**
 * vfio_cookie_mmap_get() - resolve an mmap() of the device fd
 * @space: the space
 * @offset: byte offset of the mapping in the fd (vm_pgoff << PAGE_SHIFT)
 * @len: length of the mapping in bytes
 * @pos: set to the offset of the mapping inside the cookie
 *
 * The whole mapping must lie inside one cookie; a VMA refers to a single
 * cookie with one set of attributes (20250716184028.GA2177603@ziepe.ca).
 * The last partial page of a region may be mapped, as vfio-pci allows
 * PAGE_ALIGN(region size).  The caller's VMA holds the returned reference
 * and gives it back with vfio_cookie_put() when the VMA goes; a VMA split
 * takes another with vfio_cookie_get().
 *
 * Context: Any context.  Takes and releases the RCU read lock.
 * Return: the cookie with a reference held; ERR_PTR(-EINVAL) for a zero
 * @len, an @offset or @len that is not page aligned, or a cookie that cannot
 * be mmapped;
 * ERR_PTR(-EOVERFLOW) when @offset + @len wraps; ERR_PTR(-ENXIO) when no
 * live cookie contains the whole range.
 */
struct vfio_cookie *vfio_cookie_mmap_get(struct vfio_cookie_space *space,
					 u64 offset, u64 len, u64 *pos)
{
	struct vfio_cookie *cookie;
	u64 last;

	if (!len || !PAGE_ALIGNED(offset) || !PAGE_ALIGNED(len))
		return ERR_PTR(-EINVAL);
	if (check_add_overflow(offset, len - 1, &last))
		return ERR_PTR(-EOVERFLOW);

	cookie = vfio_cookie_tryget(space, offset);
	if (!cookie)
		return ERR_PTR(-ENXIO);
	if (!(cookie->flags & VFIO_COOKIE_FLAG_MMAP)) {
		vfio_cookie_put(cookie);
		return ERR_PTR(-EINVAL);
	}
	if (last > vfio_cookie_last(cookie)) {
		vfio_cookie_put(cookie);
		return ERR_PTR(-ENXIO);
	}
	*pos = offset - cookie->offset;
	return cookie;
}
EXPORT_SYMBOL_GPL(vfio_cookie_mmap_get);

/**
 * vfio_cookie_rw_get() - resolve a read() or write() of the device fd
 * @space: the space
 * @offset: byte offset of the access in the fd
 * @count: bytes asked for, at least 1 (the VFS answers 0 for a zero count
 *	before the driver is called)
 * @write: true for a write
 * @pos: set to the offset of the access inside the region
 * @done: set to the bytes that can be transferred: @count clipped at the
 *	end of the region, so an access never crosses into another cookie
 *
 * Context: Any context.  Takes and releases the RCU read lock.
 * Return: the cookie with a reference held, to be given back with
 * vfio_cookie_put() once the access is done; ERR_PTR(-EINVAL) for a zero
 * @count, an offset no live cookie contains, an offset at or past the end
 * of the region, or a direction the region does not allow (as
 * vfio_pci_rw() and vfio_pci_bar_rw() answer).
 */
struct vfio_cookie *vfio_cookie_rw_get(struct vfio_cookie_space *space,
				       u64 offset, u64 count, bool write,
				       u64 *pos, u64 *done)
{
	u32 need = write ? VFIO_COOKIE_FLAG_WRITE : VFIO_COOKIE_FLAG_READ;
	struct vfio_cookie *cookie;
	u64 in;

	if (!count)
		return ERR_PTR(-EINVAL);

	cookie = vfio_cookie_tryget(space, offset);
	if (!cookie)
		return ERR_PTR(-EINVAL);
	in = offset - cookie->offset;
	if (!(cookie->flags & need) || in >= cookie->size) {
		vfio_cookie_put(cookie);
		return ERR_PTR(-EINVAL);
	}
	*pos = in;
	*done = min(count, cookie->size - in);
	return cookie;
}
EXPORT_SYMBOL_GPL(vfio_cookie_rw_get);

/**
 * vfio_cookie_get() - take another reference on a cookie
 * @cookie: a cookie the caller already holds a reference on
 *
 * Context: Any context.
 */
void vfio_cookie_get(struct vfio_cookie *cookie)
{
	refcount_inc(&cookie->users);
}
EXPORT_SYMBOL_GPL(vfio_cookie_get);

/**
 * vfio_cookie_put() - give back a reference on a cookie
 * @cookie: the cookie
 *
 * The last reference frees the cookie after an RCU grace period.
 *
 * Context: Any context.
 */
void vfio_cookie_put(struct vfio_cookie *cookie)
{
	if (refcount_dec_and_test(&cookie->users))
		call_rcu(&cookie->rcu, vfio_cookie_free_rcu);
}
EXPORT_SYMBOL_GPL(vfio_cookie_put);

/**
 * vfio_cookie_zap() - find every range whose mappings a reset must zap
 * @space: the space
 * @index: the region being reset or disabled
 * @zap: called with the offset and length of each cookie of @index: the
 *	region's own cookie, its aliases, and dropped aliases that VMAs may
 *	still map
 * @priv: passed to @zap
 *
 * The legacy zap covers only [0, 6 << 40) and misses cookies elsewhere
 * (20250811160710.174ca708.alex.williamson@redhat.com); this walks them all.
 *
 * Context: Process context.  Takes and releases @space->lock; @zap may sleep.
 * Return: the number of ranges passed to @zap, or -EINVAL for an index that
 * is not a region of the device.
 */
int vfio_cookie_zap(struct vfio_cookie_space *space, u32 index,
		    void (*zap)(void *priv, u64 offset, u64 len), void *priv)
{
	struct vfio_cookie *cookie;
	unsigned long pos = 0;
	int nr = 0;

	if (index >= space->nr_regions)
		return -EINVAL;

	mutex_lock(&space->lock);
	mt_for_each(&space->mt, cookie, pos, ULONG_MAX) {
		if (cookie->target != index)
			continue;
		zap(priv, cookie->offset, cookie->span);
		nr++;
	}
	mutex_unlock(&space->lock);
	return nr;
}
EXPORT_SYMBOL_GPL(vfio_cookie_zap);

/**
 * vfio_cookie_for_each() - walk every range of the space in offset order
 * @space: the space
 * @fn: called with each cookie, dropped aliases included (@cookie->dead),
 *	and the first and last byte of its range in the tree
 * @priv: passed to @fn
 *
 * Context: Process context.  Takes and releases @space->lock; @fn may sleep
 * but must not call back into the space.
 * Return: 0 after the whole walk, or the first non-zero value @fn returned.
 */
int vfio_cookie_for_each(struct vfio_cookie_space *space,
			 int (*fn)(void *priv, const struct vfio_cookie *cookie,
				   u64 first, u64 last),
			 void *priv)
{
	MA_STATE(mas, &space->mt, 0, 0);
	struct vfio_cookie *cookie;
	int ret = 0;

	mutex_lock(&space->lock);
	rcu_read_lock();
	mas_for_each(&mas, cookie, ULONG_MAX) {
		u64 first = mas.index, last = mas.last;

		/* The mutex keeps writers out while the walk sleeps. */
		mas_pause(&mas);
		rcu_read_unlock();
		ret = fn(priv, cookie, first, last);
		rcu_read_lock();
		if (ret)
			break;
	}
	rcu_read_unlock();
	mutex_unlock(&space->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_cookie_for_each);

/**
 * vfio_cookie_space_stats() - count what a space holds
 * @space: the space
 * @stats: filled in
 *
 * Context: Process context.  Takes and releases @space->lock.
 */
void vfio_cookie_space_stats(struct vfio_cookie_space *space,
			     struct vfio_cookie_stats *stats)
{
	MA_STATE(mas, &space->mt, 0, 0);
	struct vfio_cookie *cookie;

	memset(stats, 0, sizeof(*stats));
	mutex_lock(&space->lock);
	rcu_read_lock();
	mas_for_each(&mas, cookie, ULONG_MAX) {
		stats->span_bytes = vfio_cookie_last(cookie) + 1;
		stats->reserved_bytes += cookie->span;
		if (cookie->dead) {
			stats->nr_tombstones++;
			continue;
		}
		stats->nr_cookies++;
		stats->region_bytes += cookie->size;
	}
	rcu_read_unlock();
	mutex_unlock(&space->lock);
}
EXPORT_SYMBOL_GPL(vfio_cookie_space_stats);

/* Checks one tree entry against the rules of its kind and layout. */
static const char *vfio_cookie_check(const struct vfio_cookie_space *space,
				     const struct vfio_cookie *cookie,
				     unsigned long first, unsigned long last)
{
	const struct vfio_cookie_region *region;

	if (cookie->offset != first || vfio_cookie_last(cookie) != last)
		return "tree range differs from the cookie's offset and span";
	if (last > VFIO_COOKIE_OFFSET_MAX)
		return "cookie ends above 2^63";
	if (cookie->target >= space->nr_regions)
		return "cookie maps a region the device does not have";
	region = &space->regions[cookie->target];
	if (cookie->size != region->size || cookie->flags != region->flags)
		return "cookie size or flags differ from its region";
	if (cookie->span != vfio_cookie_span(cookie->size))
		return "cookie span is not its page-aligned size";
	if (cookie->attrs & ~VFIO_COOKIE_ATTRS_ALL)
		return "cookie has unknown attributes";
	if (!refcount_read(&cookie->users))
		return "cookie in the tree has no reference";

	if (cookie->kind == VFIO_COOKIE_REGION) {
		if (cookie->index != cookie->target || cookie->attrs)
			return "region cookie is not its own plain region";
		if (space->region_cookies[cookie->index] != cookie)
			return "region cookie is not the one the region names";
		if (cookie->dead)
			return "region cookie is dead while the fd is open";
	} else if (cookie->kind == VFIO_COOKIE_ALIAS) {
		if (cookie->index < space->nr_regions ||
		    cookie->index >= space->next_index)
			return "alias index outside the alias range";
		if (!cookie->attrs || !(cookie->flags & VFIO_COOKIE_FLAG_MMAP))
			return "alias without attributes or of an unmappable region";
	} else {
		return "cookie of unknown kind";
	}

	if (vfio_cookie_is_fixed(space, cookie)) {
		if (cookie->offset != vfio_cookie_legacy_offset(cookie->index))
			return "fixed cookie is not at index << 40";
	} else if (!IS_ALIGNED(cookie->offset,
			       vfio_cookie_align(cookie->span))) {
		return "allocated cookie is not naturally aligned";
	} else if (space->layout == VFIO_COOKIE_LAYOUT_LEGACY) {
		return "LEGACY layout holds a cookie over 1 TiB";
	}
	return NULL;
}

/* Is there a second live alias of the same region with the same attrs? */
static bool vfio_cookie_has_twin(struct vfio_cookie_space *space,
				 const struct vfio_cookie *cookie)
{
	MA_STATE(mas, &space->mt, 0, 0);
	struct vfio_cookie *other;
	bool twin = false;

	rcu_read_lock();
	mas_for_each(&mas, other, ULONG_MAX) {
		if (other != cookie && other->kind == VFIO_COOKIE_ALIAS &&
		    !other->dead && other->target == cookie->target &&
		    other->attrs == cookie->attrs) {
			twin = true;
			break;
		}
	}
	rcu_read_unlock();
	return twin;
}

/**
 * vfio_cookie_space_validate() - check every invariant of a space
 * @space: the space
 * @reason: set to a description of the first broken invariant
 *
 * Checks each tree entry against its region, kind and layout, that entries
 * and counters agree, that live aliases are unique per region and
 * attributes, and that the regions the layout fixes at init are present.
 *
 * Context: Process context.  Takes and releases @space->lock.
 * Return: true when every invariant holds.
 */
bool vfio_cookie_space_validate(struct vfio_cookie_space *space,
				const char **reason)
{
	MA_STATE(mas, &space->mt, 0, 0);
	struct vfio_cookie *cookie;
	const char *why = NULL;
	u32 entries = 0, created = 0, index;
	long regions = 0;

	mutex_lock(&space->lock);
	rcu_read_lock();
	mas_for_each(&mas, cookie, ULONG_MAX) {
		entries++;
		if (xa_is_value(cookie) || xa_is_internal(cookie)) {
			why = "tree holds an entry that is not a cookie";
			break;
		}
		why = vfio_cookie_check(space, cookie, mas.index, mas.last);
		if (why)
			break;
		if (cookie->kind == VFIO_COOKIE_REGION)
			regions++;
		else if (!cookie->dead && vfio_cookie_has_twin(space, cookie))
			why = "two live aliases of one region and attributes";
		if (why)
			break;
	}
	rcu_read_unlock();

	if (!why && entries != space->nr_cookies)
		why = "cookie count differs from the tree";
	if (!why && space->nr_cookies > space->max_cookies)
		why = "more cookies than the limit";
	for (index = 0; !why && index < space->nr_regions; index++) {
		struct vfio_cookie *own = space->region_cookies[index];
		bool fixed_slot = vfio_cookie_span(space->regions[index].size) <=
				  BIT_ULL(VFIO_COOKIE_LEGACY_SHIFT);

		if (own) {
			regions--;
			created++;
			continue;
		}
		if (space->layout == VFIO_COOKIE_LAYOUT_LEGACY && fixed_slot)
			why = "LEGACY region missing its fixed cookie";
		else if (space->layout == VFIO_COOKIE_LAYOUT_COMPAT &&
			 index < VFIO_COOKIE_COMPAT_INDICES)
			why = "COMPAT fixed region missing its cookie";
	}
	if (!why && regions)
		why = "region cookies in the tree and in the region table differ";
	if (!why && created != space->nr_region_cookies)
		why = "region cookie count differs from the region table";
	mutex_unlock(&space->lock);

	if (reason)
		*reason = why;
	return !why;
}
EXPORT_SYMBOL_GPL(vfio_cookie_space_validate);
