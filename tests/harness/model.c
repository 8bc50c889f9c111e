// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference model of the offset-cookie space (see model.h).
 *
 * Written from the kernel-doc of sim/core/vfio_cookie.h and .c and from
 * design §3, not from the core's code paths: every check is spelled out in
 * the order the kernel-doc and the core's argument checks imply, and the
 * allocator is a linear scan over a sorted array.
 */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define M_PAGE		4096ULL
#define M_SLOT		(1ULL << 40)	/* bytes per legacy index */
#define M_MAX		((1ULL << 63) - 1)	/* last usable byte */
#define M_INDEX_MAX	((u32)(M_MAX >> 40))
#define M_FIXED		9	/* COMPAT keeps indices 0..8 */

_Static_assert(M_PAGE == PAGE_SIZE, "the model assumes 4 KiB pages");
_Static_assert(M_MAX == VFIO_COOKIE_OFFSET_MAX, "offset limit differs");
_Static_assert(M_INDEX_MAX == VFIO_COOKIE_INDEX_MAX, "index limit differs");

static u64 m_span(u64 size)
{
	if (!size)
		return M_PAGE;
	return (size + M_PAGE - 1) / M_PAGE * M_PAGE;
}

/*
 * Natural alignment: the smallest power of two >= span, the slow way, so
 * OR-ing an offset inside the region into the cookie equals adding it.
 */
static u64 m_align(u64 span)
{
	u64 a = 1;

	while (a < span)
		a <<= 1;
	return a;
}

static u64 m_last(const struct sim_model_entry *e)
{
	return e->offset + e->span - 1;
}

/* @x <= 2^63 and @align <= 2^63: no overflow. */
static u64 m_round_up(u64 x, u64 align)
{
	return (x + align - 1) / align * align;
}

/* Position of the entry containing @offset, or -1. */
static long m_find(const struct sim_model *m, u64 offset)
{
	u32 i;

	for (i = 0; i < m->nr; i++) {
		if (m->e[i].offset <= offset && offset <= m_last(&m->e[i]))
			return i;
		if (m->e[i].offset > offset)
			break;
	}
	return -1;
}

static u32 m_nr_region_entries(const struct sim_model *m)
{
	u32 i, n = 0;

	for (i = 0; i < m->nr; i++)
		n += m->e[i].kind == VFIO_COOKIE_REGION;
	return n;
}

static struct sim_model_entry *m_region(struct sim_model *m, u32 index)
{
	u32 i;

	for (i = 0; i < m->nr; i++)
		if (m->e[i].kind == VFIO_COOKIE_REGION &&
		    m->e[i].index == index)
			return &m->e[i];
	return NULL;
}

/* Does the entry sit at index << 40 in this layout? */
static bool m_fixed(const struct sim_model *m, const struct sim_model_entry *e)
{
	if (e->span > M_SLOT)
		return false;
	if (m->layout == VFIO_COOKIE_LAYOUT_LEGACY)
		return true;
	if (m->layout == VFIO_COOKIE_LAYOUT_COMPAT)
		return e->kind == VFIO_COOKIE_REGION && e->index < M_FIXED;
	return false;
}

/*
 * The lowest offset, aligned to m_align(@span), whose @span bytes are free
 * and end at or below 2^63 - 1.  The candidate only moves up: past every
 * entry that reaches it, to the next aligned offset.
 */
static int m_find_gap(const struct sim_model *m, u64 span, u64 *offset)
{
	u64 align = m_align(span);
	u64 cand = 0;
	u32 i;

	for (i = 0; i < m->nr; i++) {
		const struct sim_model_entry *e = &m->e[i];
		u64 end = e->offset + e->span;	/* <= 2^63 */

		if (e->offset >= cand && e->offset - cand >= span)
			break;
		if (end > cand)
			cand = m_round_up(end, align);
	}
	if (cand > M_MAX || M_MAX - cand < span - 1)
		return -ENOSPC;
	*offset = cand;
	return 0;
}

static void m_insert(struct sim_model *m, const struct sim_model_entry *e)
{
	u32 pos = 0;

	if (m->nr == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->e = realloc(m->e, m->cap * sizeof(*m->e));
		if (!m->e)
			abort();
	}
	while (pos < m->nr && m->e[pos].offset < e->offset)
		pos++;
	memmove(&m->e[pos + 1], &m->e[pos], (m->nr - pos) * sizeof(*m->e));
	m->e[pos] = *e;
	m->nr++;
}

static int m_create(struct sim_model *m, enum vfio_cookie_kind kind,
		    u32 index, u32 target, u32 attrs, u64 *offset)
{
	const struct vfio_cookie_region *r = &m->regions[target];
	struct sim_model_entry e = {
		.span = m_span(r->size),
		.size = r->size,
		.index = index,
		.target = target,
		.flags = r->flags,
		.attrs = attrs,
		.kind = kind,
	};
	int ret;

	/* Tombstones count against the limit: they stay in the fd. */
	if (m->nr >= m->max_cookies)
		return -ENOSPC;
	if (m_fixed(m, &e)) {
		e.offset = (u64)index << 40;
	} else {
		/* LEGACY has no offset for what does not fit a slot. */
		if (m->layout == VFIO_COOKIE_LAYOUT_LEGACY)
			return -EOVERFLOW;
		ret = m_find_gap(m, e.span, &e.offset);
		if (ret)
			return ret;
	}
	m_insert(m, &e);
	*offset = e.offset;
	return 0;
}

void sim_model_free(struct sim_model *m)
{
	free(m->e);
	free(m->regions);
	memset(m, 0, sizeof(*m));
}

int sim_model_init(struct sim_model *m, enum vfio_cookie_layout layout,
		   const struct vfio_cookie_region *regions, u32 nr_regions,
		   u32 max_cookies)
{
	u32 i, nr_fixed;
	u64 off;
	int ret;

	memset(m, 0, sizeof(*m));
	if ((unsigned int)layout > VFIO_COOKIE_LAYOUT_COMPACT || !regions ||
	    !nr_regions || nr_regions > max_cookies ||
	    max_cookies > M_INDEX_MAX + 1)
		return -EINVAL;
	for (i = 0; i < nr_regions; i++) {
		if (regions[i].flags & ~VFIO_COOKIE_FLAGS_ALL)
			return -EINVAL;
		if (!regions[i].size && regions[i].flags)
			return -EINVAL;
		if (regions[i].size > M_MAX + 1 - M_PAGE)
			return -EINVAL;
	}

	m->regions = malloc(nr_regions * sizeof(*regions));
	if (!m->regions)
		abort();
	memcpy(m->regions, regions, nr_regions * sizeof(*regions));
	m->layout = layout;
	m->nr_regions = nr_regions;
	m->next_index = nr_regions;
	m->max_cookies = max_cookies;

	/* LEGACY: every region that fits a slot; COMPAT: indices 0..8. */
	nr_fixed = nr_regions;
	if (layout == VFIO_COOKIE_LAYOUT_COMPACT)
		nr_fixed = 0;
	if (layout == VFIO_COOKIE_LAYOUT_COMPAT && nr_fixed > M_FIXED)
		nr_fixed = M_FIXED;
	for (i = 0; i < nr_fixed; i++) {
		if (m_span(regions[i].size) > M_SLOT)
			continue;
		ret = m_create(m, VFIO_COOKIE_REGION, i, i, 0, &off);
		if (ret)
			goto fail;
	}
	/* COMPAT: what does not fit its slot goes to a gap, in index order. */
	for (i = 0; layout == VFIO_COOKIE_LAYOUT_COMPAT && i < nr_fixed; i++) {
		if (m_span(regions[i].size) <= M_SLOT)
			continue;
		ret = m_create(m, VFIO_COOKIE_REGION, i, i, 0, &off);
		if (ret)
			goto fail;
	}
	m->live = true;
	return 0;
fail:
	sim_model_free(m);
	return ret;
}

void sim_model_destroy(struct sim_model *m)
{
	u32 i;

	for (i = 0; i < m->nr; i++)
		m->e[i].dead = true;
	m->live = false;
}

int sim_model_region_offset(struct sim_model *m, u32 index, u64 *offset)
{
	struct sim_model_entry *e;

	if (index >= m->nr_regions)
		return -EINVAL;
	e = m_region(m, index);
	if (e) {
		*offset = e->offset;
		return 0;
	}
	return m_create(m, VFIO_COOKIE_REGION, index, index, 0, offset);
}

int sim_model_alias(struct sim_model *m, u32 index, u32 attrs, u64 *offset,
		    u32 *alias_index)
{
	u32 i;
	int ret;

	if (attrs & ~VFIO_COOKIE_ATTRS_ALL)
		return -EINVAL;
	if (index >= m->nr_regions)
		return -EINVAL;
	if (!(m->regions[index].flags & VFIO_COOKIE_FLAG_MMAP))
		return -EINVAL;

	if (!attrs) {
		ret = sim_model_region_offset(m, index, offset);
		if (!ret)
			*alias_index = index;
		return ret;
	}
	for (i = 0; i < m->nr; i++) {
		const struct sim_model_entry *e = &m->e[i];

		if (e->kind == VFIO_COOKIE_ALIAS && !e->dead &&
		    e->target == index && e->attrs == attrs) {
			*offset = e->offset;
			*alias_index = e->index;
			return 0;
		}
	}
	if (m->next_index > M_INDEX_MAX)
		return -ENOSPC;
	/* A new alias leaves room for every region not created yet. */
	if (m->nr + (m->nr_regions - m_nr_region_entries(m)) >= m->max_cookies)
		return -ENOSPC;
	ret = m_create(m, VFIO_COOKIE_ALIAS, m->next_index, index, attrs,
		       offset);
	if (ret)
		return ret;
	*alias_index = m->next_index++;
	return 0;
}

int sim_model_drop(struct sim_model *m, u64 offset)
{
	long i;

	if (offset > M_MAX)
		return -ENXIO;
	i = m_find(m, offset);
	if (i < 0 || m->e[i].dead || m->e[i].offset != offset)
		return -ENXIO;
	if (m->e[i].kind != VFIO_COOKIE_ALIAS)
		return -EINVAL;
	m->e[i].dead = true;
	return 0;
}

const struct sim_model_entry *sim_model_lookup(const struct sim_model *m,
					       u64 offset)
{
	long i;

	if (offset > M_MAX)
		return NULL;
	i = m_find(m, offset);
	if (i < 0 || m->e[i].dead)
		return NULL;
	return &m->e[i];
}

int sim_model_mmap_get(struct sim_model *m, u64 offset, u64 len, u64 *pos,
		       u64 *cookie)
{
	const struct sim_model_entry *c;
	long i;

	if (!len || offset % M_PAGE || len % M_PAGE)
		return -EINVAL;
	if (offset + (len - 1) < offset)
		return -EOVERFLOW;
	c = sim_model_lookup(m, offset);
	if (!c)
		return -ENXIO;
	if (!(c->flags & VFIO_COOKIE_FLAG_MMAP))
		return -EINVAL;
	if (offset + (len - 1) > m_last(c))
		return -ENXIO;
	i = c - m->e;
	m->e[i].refs++;
	*pos = offset - c->offset;
	*cookie = c->offset;
	return 0;
}

int sim_model_rw_get(struct sim_model *m, u64 offset, u64 count, bool write,
		     u64 *pos, u64 *done, u64 *cookie)
{
	u32 need = write ? VFIO_COOKIE_FLAG_WRITE : VFIO_COOKIE_FLAG_READ;
	const struct sim_model_entry *c;
	u64 in;
	long i;

	if (!count)
		return -EINVAL;
	c = sim_model_lookup(m, offset);
	if (!c)
		return -EINVAL;
	in = offset - c->offset;
	if (!(c->flags & need) || in >= c->size)
		return -EINVAL;
	i = c - m->e;
	m->e[i].refs++;
	*pos = in;
	*done = count < c->size - in ? count : c->size - in;
	*cookie = c->offset;
	return 0;
}

static struct sim_model_entry *m_at(struct sim_model *m, u64 cookie)
{
	long i = m_find(m, cookie);

	if (i < 0 || m->e[i].offset != cookie)
		abort();	/* a test bug: no entry starts there */
	return &m->e[i];
}

void sim_model_get(struct sim_model *m, u64 cookie)
{
	m_at(m, cookie)->refs++;
}

void sim_model_put(struct sim_model *m, u64 cookie)
{
	struct sim_model_entry *e = m_at(m, cookie);

	if (!e->refs)
		abort();	/* a test bug: put without get */
	e->refs--;
}

u64 sim_model_refs(const struct sim_model *m)
{
	u64 refs = 0;
	u32 i;

	for (i = 0; i < m->nr; i++)
		refs += m->e[i].refs;
	return refs;
}

int sim_model_zap(const struct sim_model *m, u32 index,
		  struct sim_model_range *out, u32 max)
{
	u32 i, nr = 0;

	if (index >= m->nr_regions)
		return -EINVAL;
	for (i = 0; i < m->nr; i++) {
		if (m->e[i].target != index)
			continue;
		if (nr < max) {
			out[nr].offset = m->e[i].offset;
			out[nr].len = m->e[i].span;
		}
		nr++;
	}
	return nr;
}

void sim_model_stats(const struct sim_model *m, struct vfio_cookie_stats *stats)
{
	u32 i;

	memset(stats, 0, sizeof(*stats));
	for (i = 0; m->live && i < m->nr; i++) {
		const struct sim_model_entry *e = &m->e[i];

		stats->span_bytes = m_last(e) + 1;
		stats->reserved_bytes += e->span;
		if (e->dead) {
			stats->nr_tombstones++;
		} else {
			stats->nr_cookies++;
			stats->region_bytes += e->size;
		}
	}
}

struct m_walk {
	const struct sim_model *m;
	u32 pos;
	char *why;
	size_t len;
};

#define M_DIFF(w, fmt, ...) ({						\
	snprintf((w)->why, (w)->len, "entry %u at %#llx: " fmt,		\
		 (w)->pos, (unsigned long long)first, ##__VA_ARGS__);	\
	-1;								\
})

static int m_walk_one(void *priv, const struct vfio_cookie *c, u64 first,
		      u64 last)
{
	struct m_walk *w = priv;
	const struct sim_model_entry *e;
	unsigned int users;

	if (w->pos >= w->m->nr)
		return M_DIFF(w, "the core has more than the model's %u entries",
			      w->m->nr);
	e = &w->m->e[w->pos];
	if (first != e->offset || last != m_last(e))
		return M_DIFF(w, "core [%#llx, %#llx], model [%#llx, %#llx]",
			      (unsigned long long)first,
			      (unsigned long long)last,
			      (unsigned long long)e->offset,
			      (unsigned long long)m_last(e));
	if (c->offset != e->offset || c->span != e->span)
		return M_DIFF(w, "cookie offset/span %#llx/%#llx, model %#llx/%#llx",
			      (unsigned long long)c->offset,
			      (unsigned long long)c->span,
			      (unsigned long long)e->offset,
			      (unsigned long long)e->span);
	if (c->index != e->index || c->target != e->target)
		return M_DIFF(w, "index/target %u/%u, model %u/%u", c->index,
			      c->target, e->index, e->target);
	if (c->attrs != e->attrs || c->kind != e->kind)
		return M_DIFF(w, "attrs/kind %u/%d, model %u/%d", c->attrs,
			      c->kind, e->attrs, e->kind);
	if (c->dead != e->dead)
		return M_DIFF(w, "dead %d, model %d", c->dead, e->dead);
	if (c->size != e->size || c->flags != e->flags)
		return M_DIFF(w, "size/flags %#llx/%u, model %#llx/%u",
			      (unsigned long long)c->size, c->flags,
			      (unsigned long long)e->size, e->flags);
	/* The space holds one reference on every entry of its tree. */
	users = refcount_read(&c->users);
	if (users != e->refs + 1)
		return M_DIFF(w, "%u users, model %u references + the space",
			      users, e->refs);
	w->pos++;
	return 0;
}

#define M_STAT(field) do {						\
	if (cs.field != ms.field) {					\
		snprintf(why, len, "stats." #field " %#llx, model %#llx",\
			 (unsigned long long)cs.field,			\
			 (unsigned long long)ms.field);			\
		return false;						\
	}								\
} while (0)

bool sim_model_compare(const struct sim_model *m,
		       struct vfio_cookie_space *space, char *why, size_t len)
{
	struct m_walk w = { .m = m, .why = why, .len = len };
	struct vfio_cookie_stats cs, ms;
	u32 i;

	snprintf(why, len, "no difference");
	if (!m->live) {
		snprintf(why, len, "the model holds no live space");
		return false;
	}
	if (vfio_cookie_for_each(space, m_walk_one, &w))
		return false;
	if (w.pos != m->nr) {
		snprintf(why, len, "the core has %u entries, the model %u",
			 w.pos, m->nr);
		return false;
	}
	if (space->nr_cookies != m->nr) {
		snprintf(why, len, "nr_cookies %u, model %u", space->nr_cookies,
			 m->nr);
		return false;
	}
	if (space->next_index != m->next_index ||
	    space->nr_regions != m->nr_regions ||
	    space->max_cookies != m->max_cookies ||
	    space->layout != m->layout) {
		snprintf(why, len,
			 "next_index/nr_regions/max/layout %u/%u/%u/%d, model %u/%u/%u/%d",
			 space->next_index, space->nr_regions,
			 space->max_cookies, space->layout, m->next_index,
			 m->nr_regions, m->max_cookies, m->layout);
		return false;
	}
	for (i = 0; i < m->nr_regions; i++) {
		const struct sim_model_entry *e = NULL;
		const struct vfio_cookie *c = space->region_cookies[i];
		u32 j;

		for (j = 0; j < m->nr; j++)
			if (m->e[j].kind == VFIO_COOKIE_REGION &&
			    m->e[j].index == i)
				e = &m->e[j];
		if (!c != !e || (c && c->offset != e->offset)) {
			snprintf(why, len,
				 "region %u: core cookie %s at %#llx, model %s at %#llx",
				 i, c ? "present" : "absent",
				 c ? (unsigned long long)c->offset : 0ULL,
				 e ? "present" : "absent",
				 e ? (unsigned long long)e->offset : 0ULL);
			return false;
		}
	}
	vfio_cookie_space_stats(space, &cs);
	sim_model_stats(m, &ms);
	M_STAT(nr_cookies);
	M_STAT(nr_tombstones);
	M_STAT(span_bytes);
	M_STAT(region_bytes);
	M_STAT(reserved_bytes);
	return true;
}
