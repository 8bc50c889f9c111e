/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reference model of the offset-cookie space: a plain array of entries kept
 * sorted by offset, with the same semantics and the same errno as the core
 * for every operation, and no maple tree.  An allocated offset is found by
 * scanning the array for the lowest aligned free range, so the model is
 * obviously correct where the core's tree walk is clever.
 *
 * The model never runs out of memory: a test that fails allocations in the
 * core compares against a model the failed operation was not applied to.
 */
#ifndef _VFIOSIM_TESTS_MODEL_H
#define _VFIOSIM_TESTS_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "vfio_cookie_internal.h"
#include "vfio_cookie.h"

/**
 * struct sim_model_entry - one range of the modelled fd
 * @offset: first byte
 * @span: bytes reserved (page-aligned size, at least one page)
 * @size: bytes of the region behind the entry
 * @index: the index userspace knows the entry by
 * @target: the region the entry maps
 * @flags: VFIO_COOKIE_FLAG_*
 * @attrs: VFIO_COOKIE_ATTR_*
 * @kind: region or alias
 * @dead: dropped alias (tombstone), or the space was destroyed
 * @refs: references held by VMAs and accesses in flight; the space's own
 *	reference is not counted here
 */
struct sim_model_entry {
	u64 offset;
	u64 span;
	u64 size;
	u32 index;
	u32 target;
	u32 flags;
	u32 attrs;
	enum vfio_cookie_kind kind;
	bool dead;
	u32 refs;
};

/**
 * struct sim_model - the modelled space of one device fd
 * @layout: as given to sim_model_init()
 * @regions: copy of the region table
 * @nr_regions: entries in @regions
 * @next_index: index of the next new alias
 * @max_cookies: limit on @nr (tombstones included)
 * @live: init succeeded and the space is not destroyed
 * @e: entries sorted by offset; never removed before sim_model_free()
 * @nr: entries in @e
 * @cap: room in @e
 */
struct sim_model {
	enum vfio_cookie_layout layout;
	struct vfio_cookie_region *regions;
	u32 nr_regions;
	u32 next_index;
	u32 max_cookies;
	bool live;
	struct sim_model_entry *e;
	u32 nr;
	u32 cap;
};

/* One range handed to a zap callback. */
struct sim_model_range {
	u64 offset;
	u64 len;
};

int sim_model_init(struct sim_model *m, enum vfio_cookie_layout layout,
		   const struct vfio_cookie_region *regions, u32 nr_regions,
		   u32 max_cookies);
/* The fd closes: every entry dies; entries with @refs stay for put. */
void sim_model_destroy(struct sim_model *m);
/* Free the model's own memory (after destroy or a failed init). */
void sim_model_free(struct sim_model *m);

int sim_model_region_offset(struct sim_model *m, u32 index, u64 *offset);
int sim_model_alias(struct sim_model *m, u32 index, u32 attrs, u64 *offset,
		    u32 *alias_index);
int sim_model_drop(struct sim_model *m, u64 offset);

/* The live entry containing @offset, or NULL; valid until the next change. */
const struct sim_model_entry *sim_model_lookup(const struct sim_model *m,
					       u64 offset);
/* 0 with a reference taken and *@cookie set to the entry's start; -errno. */
int sim_model_mmap_get(struct sim_model *m, u64 offset, u64 len, u64 *pos,
		       u64 *cookie);
int sim_model_rw_get(struct sim_model *m, u64 offset, u64 count, bool write,
		     u64 *pos, u64 *done, u64 *cookie);
/* Take or give back a reference on the entry that starts at @cookie. */
void sim_model_get(struct sim_model *m, u64 cookie);
void sim_model_put(struct sim_model *m, u64 cookie);
/* References held on all entries. */
u64 sim_model_refs(const struct sim_model *m);

/* Ranges of region @index in offset order, at most @max stored; or -EINVAL. */
int sim_model_zap(const struct sim_model *m, u32 index,
		  struct sim_model_range *out, u32 max);
void sim_model_stats(const struct sim_model *m,
		     struct vfio_cookie_stats *stats);

/*
 * Walk @space with vfio_cookie_for_each() and check it against @m entry by
 * entry (range, index, target, flags, attrs, kind, dead, size, references),
 * then the counters and the stats.  On a difference, describe the first one
 * in @why and return false.
 */
bool sim_model_compare(const struct sim_model *m,
		       struct vfio_cookie_space *space, char *why, size_t len);

/* Fail the test unless @space matches @model. */
#define ck_assert_model_eq(model, space) do {				\
	char __why[256];						\
	ck_assert_msg(sim_model_compare(model, space, __why,		\
					sizeof(__why)),			\
		      "core differs from the model: %s", __why);	\
} while (0)

#endif /* _VFIOSIM_TESTS_MODEL_H */
