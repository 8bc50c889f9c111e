// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the bytes are a stream of operations on the offset cookies
 * of up to FZ_SLOTS device fds, each opened on one of several region tables
 * (or a table the bytes describe) in any layout.  After every operation the
 * core must agree with the reference model of tests/harness/model.c (every
 * return value, every offset, every tree entry and reference count) and
 * vfio_cookie_space_validate() must hold (for the fd the operation worked
 * on; for every fd at the end of the input); no WARN may fire; an operation
 * that runs under RCU must not make a blocking allocation; an allocation
 * failed with sim_fail_nth() must give -ENOMEM and leave the space as it
 * was, unless the maple tree retried and absorbed it.  Any difference is a
 * __builtin_trap().
 *
 * Leaks: the core and the maple tree free through call_rcu(), so the live
 * count is only exact after rcu_barrier(), which waits a grace period.  The
 * replay driver (vfiosim_fuzz_exact) checks sim_live_allocs() == 0 after
 * every input.  Under a fuzzing engine the check runs after every
 * VFIOSIM_FUZZ_LEAK_EVERY-th input (default FZ_LEAK_EVERY; 1 = every input)
 * and at exit; a leak it finds names no input, so replay the corpus with
 * the replay driver to find which one leaks.  Reference counts, which is
 * where the core could leak, are compared with the model after every step.
 *
 * Input format (all numbers little endian; reading past the end gives 0):
 *
 *   op byte % FZ_NR_OPS, then the operation's arguments:
 *   init     slot table [custom] layout max
 *   region   slot index
 *   alias    slot index attrs
 *   drop     slot offset
 *   lookup   slot offset
 *   mmap     slot offset len             (keeps the reference: a VMA)
 *   rw       slot offset count mode      (mode bit 0 write, bit 1 keep)
 *   get      ref                         (a VMA split)
 *   put      ref                         (a VMA goes)
 *   zap      slot index
 *   destroy  slot                        (the fd is released)
 *   failnth  n                           (fail the n-th blocking allocation
 *                                         of the next operation that does
 *                                         something, n = 1 + b % 32)
 *   churn    slot index n                (n times alias WC + drop)
 *   putall                               (every VMA goes)
 *   regions  slot                        (region_offset of every region)
 *
 * Each argument has a one-byte mode and a raw escape, so any decoded stream
 * can be written back as raw values: --dump-trace of the replay driver
 * prints the stream as text (one operation per line, results as comments)
 * and fz_encode() turns that text (a .ops file) back into these bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "model.h"
#include "sim.h"

#define FZ_SLOTS	3	/* device fds open at once */
#define FZ_REFS		32	/* references held by VMAs and accesses */
#define FZ_MAX_REGIONS	24	/* regions of a table the input describes */
#define FZ_MAX_ENTRIES	1024	/* churn stops growing a space beyond this */
#define FZ_MAX_CHURN	16
#define FZ_MAX_FAILNTH	32
#define FZ_MAX_ZAP	4096
#define FZ_LEAK_EVERY	256	/* see the header comment and README.md */

#define RW	(VFIO_COOKIE_FLAG_READ | VFIO_COOKIE_FLAG_WRITE)
#define RWM	(RW | VFIO_COOKIE_FLAG_MMAP)
#define RO	VFIO_COOKIE_FLAG_READ
#define WO	VFIO_COOKIE_FLAG_WRITE
#define WC	VFIO_COOKIE_ATTR_WC
#ifndef U32_MAX
#define U32_MAX	((u32)~0U)
#endif
#define KIB(x)	((u64)(x) << 10)
#define MIB(x)	((u64)(x) << 20)
#define GIB(x)	((u64)(x) << 30)
#define TIB(x)	((u64)(x) << 40)

FILE *vfiosim_fuzz_dump;
bool vfiosim_fuzz_exact;

/* ---- region tables ---- */

/* An H100-like GPU: BAR0 16 MiB, BAR2 64 GiB, BAR4 32 MiB, no ROM/VGA. */
static const struct vfio_cookie_region t_h100[] = {
	{ MIB(16), RWM }, { 0, 0 }, { GIB(64), RWM }, { 0, 0 },
	{ MIB(32), RWM }, { 0, 0 }, { 0, 0 }, { 4096, RW }, { 0, 0 },
};

/* A NIC: small BARs, a 4 KiB BAR, a sub-page BAR, an I/O BAR, a ROM. */
static const struct vfio_cookie_region t_nic[] = {
	{ KIB(128), RWM }, { 0, 0 }, { 0x80, RWM }, { KIB(16), RWM },
	{ 4096, RWM }, { 0x20, RW }, { KIB(64), RO }, { 256, RW }, { 0, 0 },
};

/* A 2 TiB BAR (no legacy slot) and a BAR of exactly one slot. */
static const struct vfio_cookie_region t_big[] = {
	{ TIB(2), RWM }, { 0, 0 }, { MIB(16), RWM }, { 0, 0 },
	{ TIB(1), RWM }, { 0, 0 }, { 0, 0 }, { 4096, RW }, { 0, 0 },
};

/* 20 regions; 9..19 are device specific. */
static const struct vfio_cookie_region t_many[] = {
	{ MIB(1), RWM }, { 0, 0 }, { MIB(256), RWM }, { 0, 0 },
	{ KIB(8), RWM }, { 0, 0 }, { KIB(128), RO }, { 4096, RW },
	{ 0xc0000, RW }, { 4096, RWM }, { 0x2000, RO }, { MIB(8), RWM },
	{ 0, 0 }, { GIB(3), RWM }, { 0x1800, RWM }, { 5, RO },
	{ GIB(2) + 4096, RWM }, { KIB(64), RW }, { MIB(2), RWM },
	{ 0x3000, WO },
};

/* Regions near the 2^63 limit: the offset space itself runs out. */
static const struct vfio_cookie_region t_edge[] = {
	{ 1ULL << 62, RWM }, { (1ULL << 60) + 4096, RWM },
	{ TIB(1) + 1, RWM }, { 4096, RWM }, { 0x10, RO },
};

/* One region of 2^62: it and its alias fill [0, 2^63) exactly. */
static const struct vfio_cookie_region t_top[] = {
	{ 1ULL << 62, RWM }, { 4096, RWM },
};

/* A single region. */
static const struct vfio_cookie_region t_one[] = {
	{ 4096, RWM },
};

struct fz_table {
	const char *name;
	const struct vfio_cookie_region *r;
	u32 nr;
};

#define TABLE(n) { #n, t_##n, ARRAY_SIZE(t_##n) }
static const struct fz_table fz_tables[] = {
	TABLE(h100), TABLE(nic), TABLE(big), TABLE(many), TABLE(edge),
	TABLE(top), TABLE(one),
};

#define FZ_CUSTOM	0xf0	/* table byte at or above: described by the input */

static const char *const fz_layouts[] = { "legacy", "compat", "compact", "3" };

/* ---- state ---- */

/*
 * One open of a device fd: the model of its space.  It outlives the space
 * while references taken on its cookies are held (a VMA outlives the fd).
 */
struct fz_gen {
	struct sim_model m;
	u32 held;	/* entries of fz->ref on this generation */
	bool open;	/* its slot's space is not destroyed */
};

struct fz_slot {
	struct vfio_cookie_space s;
	struct fz_gen *gen;	/* NULL: no fd open in this slot */
};

struct fz_ref {
	struct vfio_cookie *c;	/* NULL: free */
	struct fz_gen *gen;
	u64 cookie;		/* offset of the entry in the model */
};

struct fz_zap {
	struct sim_model_range r[FZ_MAX_ZAP];
	u32 nr;
};

enum fz_op {
	FZ_INIT, FZ_REGION, FZ_ALIAS, FZ_DROP, FZ_LOOKUP, FZ_MMAP, FZ_RW,
	FZ_GET, FZ_PUT, FZ_ZAP, FZ_DESTROY, FZ_FAILNTH, FZ_CHURN, FZ_PUTALL,
	FZ_REGIONS, FZ_NR_OPS,
};

static const char *const fz_op_names[FZ_NR_OPS] = {
	[FZ_INIT] = "init", [FZ_REGION] = "region", [FZ_ALIAS] = "alias",
	[FZ_DROP] = "drop", [FZ_LOOKUP] = "lookup", [FZ_MMAP] = "mmap",
	[FZ_RW] = "rw", [FZ_GET] = "get", [FZ_PUT] = "put",
	[FZ_ZAP] = "zap", [FZ_DESTROY] = "destroy", [FZ_FAILNTH] = "failnth",
	[FZ_CHURN] = "churn", [FZ_PUTALL] = "putall", [FZ_REGIONS] = "regions",
};

struct fz {
	const u8 *p;
	size_t n;
	unsigned long step;
	struct fz_slot slot[FZ_SLOTS];
	struct fz_ref ref[FZ_REFS];
	u32 fail_nth;		/* armed for the operation being run */
	u32 touched;		/* bit n: the operation worked on fd n */
	char op[1024];		/* the operation, as its text line */
	char res[256];		/* its result, as the line's comment */
	struct vfio_cookie_region custom[FZ_MAX_REGIONS];
	struct fz_zap cz, mz;
};

static struct fz fz_state;

/* ---- failing ---- */

__printf(2, 3) __noreturn
static void fz_fail(struct fz *fz, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "fuzz_cookie_ops: step %lu: %s", fz->step, fz->op);
	if (fz->res[0])
		fprintf(stderr, "  # %s", fz->res);
	fprintf(stderr, "\nfuzz_cookie_ops: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	__builtin_trap();
}

#define FZ_EQ(fz, what, a, b) do {					\
	u64 __a = (u64)(a), __b = (u64)(b);				\
									\
	if (__a != __b)							\
		fz_fail(fz, "%s: core %#llx, model %#llx", what,	\
			(unsigned long long)__a, (unsigned long long)__b);\
} while (0)

__printf(2, 3)
static void fz_note(struct fz *fz, const char *fmt, ...)
{
	size_t used = strlen(fz->res);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fz->res + used, sizeof(fz->res) - used, fmt, ap);
	va_end(ap);
}

__printf(2, 3)
static void fz_say(struct fz *fz, const char *fmt, ...)
{
	size_t used = strlen(fz->op);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fz->op + used, sizeof(fz->op) - used, fmt, ap);
	va_end(ap);
}

/* ---- reading the input ---- */

static u8 get8(struct fz *fz)
{
	if (!fz->n)
		return 0;
	fz->n--;
	return *fz->p++;
}

static u32 get32(struct fz *fz)
{
	u32 v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v |= (u32)get8(fz) << (8 * i);
	return v;
}

static u64 get64(struct fz *fz)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (u64)get8(fz) << (8 * i);
	return v;
}

/* Index byte: 0xff raw u32, 0xf8..0xfe a hostile value, else b % (nr + 2). */
#define IDX_RAW		0xff
static u32 fz_index(struct fz *fz, const struct sim_model *m)
{
	const u32 bad[] = {
		U32_MAX, VFIO_COOKIE_INDEX_MAX, VFIO_COOKIE_INDEX_MAX + 1,
		1U << 31, m->next_index, m->next_index - 1, m->nr_regions,
	};
	u8 b = get8(fz);

	if (b == IDX_RAW)
		return get32(fz);
	if (b >= 0xf8)
		return bad[b - 0xf8];
	return b % (m->nr_regions + 2);
}

/* Attrs byte: low two bits 0 none, 1 WC, 2 the high six bits raw, 3 raw u32. */
#define ATTRS_RAW	3
static u32 fz_attrs(struct fz *fz)
{
	u8 b = get8(fz);

	switch (b & 3) {
	case 0:
		return 0;
	case 1:
		return WC;
	case 2:
		return b >> 2;
	default:
		return get32(fz);
	}
}

/* A model to take entries from: @own, or another slot's (bit 7 of @b). */
static const struct sim_model *fz_other(struct fz *fz, u32 own, u8 b)
{
	u32 i = (own + 1 + ((b >> 3) & 1)) % FZ_SLOTS;

	if ((b & 0x80) && fz->slot[i].gen)
		return &fz->slot[i].gen->m;
	return &fz->slot[own].gen->m;
}

/* Offset byte: b & 7 picks how; 5 is a raw u64. */
#define OFF_RAW		5
static u64 fz_offset(struct fz *fz, u32 slot)
{
	static const u64 special[] = {
		0, 4095, 4096, TIB(1), TIB(1) - 4096, 1ULL << 44, TIB(6),
		TIB(9), VFIO_COOKIE_OFFSET_MAX, VFIO_COOKIE_OFFSET_MAX - 4095,
		1ULL << 63, (1ULL << 63) + 4096, ~0ULL, ~0ULL - 4095,
		1ULL << 62, (1ULL << 62) - 4096,
	};
	u8 b = get8(fz);
	const struct sim_model *m;
	const struct sim_model_entry *e;
	u64 off;

	switch (b & 7) {
	case 0:
	case 1:
	case 2:
		m = fz_other(fz, slot, b);
		if (!m->nr)
			return (u64)(get8(fz) % 16) << 40;
		e = &m->e[get8(fz) % m->nr];
		switch (get8(fz) % 8) {
		case 0:
			return e->offset;
		case 1:
			return e->offset + (u64)get32(fz) * 4096 % e->span;
		case 2:
			return e->offset + get64(fz) % e->span;
		case 3:
			return e->offset + e->span;
		case 4:
			return e->offset + e->span - 1;
		case 5:
			return e->offset - 4096;
		case 6:
			return e->offset + e->size;
		default:
			return e->offset + e->size - 1;
		}
	case 3:	/* a legacy slot, and pages into it */
		off = (u64)(get8(fz) % 32) << 40;
		return off + (u64)get8(fz) * 4096;
	case 4:
		return special[get8(fz) % ARRAY_SIZE(special)];
	case OFF_RAW:
		return get64(fz);
	case 6:
		off = get8(fz);
		return (off | (u64)get8(fz) << 8) * 4096;
	default:
		return get64(fz) & ((1ULL << 45) - 1);
	}
}

/* The model entry containing @off in @slot's model, or NULL. */
static const struct sim_model_entry *fz_entry_at(struct fz *fz, u32 slot,
						 u64 off)
{
	const struct sim_model *m = &fz->slot[slot].gen->m;
	u32 i;

	for (i = 0; i < m->nr; i++)
		if (m->e[i].offset <= off &&
		    off - m->e[i].offset < m->e[i].span)
			return &m->e[i];
	return NULL;
}

/* mmap length byte % 8; 3 is a raw u64. */
#define LEN_RAW		3
static u64 fz_len(struct fz *fz, u32 slot, u64 off)
{
	const struct sim_model_entry *e = fz_entry_at(fz, slot, off);
	const struct sim_model *m = &fz->slot[slot].gen->m;
	u8 b = get8(fz);
	u64 len;

	switch (b % 8) {
	case 0:
		return 0;
	case 1:
		return 4096 * (1 + (u64)get8(fz));
	case 2:	/* to the end of the cookie, or a page over */
		if (!e)
			return 4096;
		return e->offset + e->span - off + (b & 0x80 ? 4096 : 0);
	case LEN_RAW:
		return get64(fz);
	case 4:	/* wraps past 2^64 */
		return (b & 0x80 ? 0 : 4096) - (off & ~4095ULL);
	case 5:
		return 1ULL << 63;
	case 6:	/* not page aligned */
		len = 4096 * (1 + (u64)(get8(fz) % 4));
		return len + 1 + get8(fz);
	default:
		if (!m->nr)
			return 4096;
		return m->e[get8(fz) % m->nr].span;
	}
}

/* rw count byte % 6; 2 is a raw u64. */
#define COUNT_RAW	2
static u64 fz_count(struct fz *fz, u32 slot, u64 off)
{
	const struct sim_model_entry *e = fz_entry_at(fz, slot, off);
	u8 b = get8(fz);

	switch (b % 6) {
	case 0:
		return 0;
	case 1:
		return 1ULL << (get8(fz) % 64);
	case COUNT_RAW:
		return get64(fz);
	case 3:
		return ~0ULL;
	case 4:	/* to the end of the region, or one byte over */
		if (!e || off - e->offset >= e->size)
			return 4;
		return e->size - (off - e->offset) + (b & 0x80 ? 1 : 0);
	default:
		return 1 + (u64)get8(fz);
	}
}

/* Region size byte % 8; 6 is a raw u64. */
#define SIZE_RAW	6
static u64 fz_size(struct fz *fz)
{
	u8 b = get8(fz);

	switch (b % 8) {
	case 0:
		return 0;
	case 1:
		return 4096 * (1 + (u64)get8(fz));
	case 2:
		return 1 + (u64)get8(fz);
	case 3:
		return 1ULL << (get8(fz) % 63);
	case 4:	/* around the largest size the core takes */
		return VFIO_COOKIE_OFFSET_MAX + 1 - 4096 + get8(fz) % 3 - 1;
	case 5:	/* around one legacy slot */
		return TIB(1) + get8(fz) % 5 * 2048 - 4096;
	case SIZE_RAW:
		return get64(fz);
	default:
		return MIB(1) * (1 + (u64)get8(fz));
	}
}

/* Flags byte: bit 7 set, the low seven bits raw; else b & 7 for a present region. */
static u32 fz_flags(struct fz *fz, u64 size)
{
	u8 b = get8(fz);

	if (b & 0x80)
		return b & 0x7f;
	return size ? b & 7 : 0;
}

/* max_cookies byte: 0xff raw u32, 0xfe a hostile value, else nr + 4 * b. */
#define MAX_RAW		0xff
static u32 fz_max(struct fz *fz, u32 nr)
{
	const u32 bad[] = {
		0, nr - 1, VFIO_COOKIE_INDEX_MAX + 1,
		VFIO_COOKIE_INDEX_MAX + 2, U32_MAX,
	};
	u8 b = get8(fz);

	if (b == MAX_RAW)
		return get32(fz);
	if (b == 0xfe)
		return bad[get8(fz) % ARRAY_SIZE(bad)];
	return nr + 4 * (u32)b;
}

/* ---- generations and references ---- */

static void fz_gen_release(struct fz_gen *gen)
{
	if (gen->open || gen->held)
		return;
	sim_model_free(&gen->m);
	free(gen);
}

/* A reference on @gen changes: compare the space of its fd, if open. */
static void fz_touch_gen(struct fz *fz, const struct fz_gen *gen)
{
	u32 i;

	for (i = 0; i < FZ_SLOTS; i++)
		if (fz->slot[i].gen == gen)
			fz->touched |= 1U << i;
}

static void fz_ref_put(struct fz *fz, u32 i)
{
	struct fz_ref *r = &fz->ref[i];
	struct fz_gen *gen = r->gen;
	unsigned long calls = sim_alloc_calls();

	fz_touch_gen(fz, gen);
	vfio_cookie_put(r->c);
	sim_model_put(&gen->m, r->cookie);
	if (sim_alloc_calls() != calls)
		fz_fail(fz, "vfio_cookie_put() allocated");
	memset(r, 0, sizeof(*r));
	gen->held--;
	fz_gen_release(gen);
}

/* Keep a reference as a VMA (or an access in flight); 0 = no room, put. */
static int fz_ref_keep(struct fz *fz, u32 slot, struct vfio_cookie *c,
		       u64 cookie)
{
	struct fz_gen *gen = fz->slot[slot].gen;
	u32 i;

	for (i = 0; i < FZ_REFS; i++) {
		if (fz->ref[i].c)
			continue;
		fz->ref[i].c = c;
		fz->ref[i].gen = gen;
		fz->ref[i].cookie = cookie;
		gen->held++;
		return i;
	}
	vfio_cookie_put(c);
	sim_model_put(&gen->m, cookie);
	return -1;
}

/* The held reference at or after @sel, or -1. */
static int fz_ref_pick(struct fz *fz, u32 sel)
{
	u32 n;

	for (n = 0; n < FZ_REFS; n++, sel = (sel + 1) % FZ_REFS)
		if (fz->ref[sel].c)
			return sel;
	return -1;
}

/* ---- checks ---- */

static const struct sim_model_entry *fz_model_entry(const struct sim_model *m,
						    u64 cookie)
{
	u32 i;

	for (i = 0; i < m->nr; i++)
		if (m->e[i].offset == cookie)
			return &m->e[i];
	return NULL;
}

static void fz_check(struct fz *fz)
{
	char why[256];
	u32 i;

	if (sim_warn_count())
		fz_fail(fz, "unexpected WARN: %s", sim_warn_last());
	for (i = 0; i < FZ_SLOTS; i++) {
		struct fz_slot *s = &fz->slot[i];
		const char *reason = NULL;

		/* An operation changes no space but its own. */
		if (!s->gen || !(fz->touched & (1U << i)))
			continue;
		if (!vfio_cookie_space_validate(&s->s, &reason))
			fz_fail(fz, "fd%u: space invalid: %s", i, reason);
		if (!sim_model_compare(&s->gen->m, &s->s, why, sizeof(why)))
			fz_fail(fz, "fd%u: core differs from the model: %s", i,
				why);
	}
	/* Held cookies, those of destroyed spaces included. */
	for (i = 0; i < FZ_REFS; i++) {
		const struct fz_ref *r = &fz->ref[i];
		const struct sim_model_entry *e;
		unsigned int users;

		if (!r->c)
			continue;
		e = fz_model_entry(&r->gen->m, r->cookie);
		if (!e)
			fz_fail(fz, "ref %u: no model entry at %#llx", i,
				(unsigned long long)r->cookie);
		if (r->c->offset != e->offset || r->c->span != e->span ||
		    r->c->size != e->size || r->c->index != e->index ||
		    r->c->target != e->target || r->c->flags != e->flags ||
		    r->c->attrs != e->attrs || r->c->kind != e->kind)
			fz_fail(fz, "ref %u: held cookie at %#llx changed", i,
				(unsigned long long)r->cookie);
		if (READ_ONCE(r->c->dead) != e->dead)
			fz_fail(fz, "ref %u: dead %d, model %d", i,
				READ_ONCE(r->c->dead), e->dead);
		users = refcount_read(&r->c->users);
		if (users != e->refs + r->gen->open)
			fz_fail(fz, "ref %u: %u users, model %u references%s",
				i, users, e->refs,
				r->gen->open ? " + the space" : "");
	}
}

/*
 * Did the call just made fail because of the allocation failure armed for
 * this operation?  Then it gave -ENOMEM, and the space must be as it was:
 * the model is left alone.  A failure can also be absorbed: the maple tree
 * keeps the nodes of a partly failed allocation and retries
 * (mas_alloc_nodes(), mas_nomem()), and the call then succeeds, or fails
 * for its own reason, as the model says.
 */
static bool fz_failed(struct fz *fz, bool armed, int ret)
{
	if (!armed || sim_fail_pending())
		return false;
	if (ret != -ENOMEM) {
		fz_note(fz, " (failure absorbed)");
		return false;
	}
	fz_note(fz, " (injected)");
	return true;
}

/* An operation whose contract has no -ENOMEM: it must not have failed. */
static void fz_no_alloc_failure(struct fz *fz, bool armed)
{
	if (armed && !sim_fail_pending())
		fz_fail(fz, "an operation without -ENOMEM reached allocation %u",
			fz->fail_nth);
}

/* ---- operations ---- */

/* The fd an operation works on: the one space fz_check() compares. */
static u32 fz_slot(struct fz *fz)
{
	u32 slot = get8(fz) % FZ_SLOTS;

	fz->touched |= 1U << slot;
	return slot;
}

static void fz_destroy(struct fz *fz, u32 slot)
{
	struct fz_slot *s = &fz->slot[slot];
	struct fz_gen *gen = s->gen;
	u32 i;

	vfio_cookie_space_destroy(&s->s);
	sim_model_destroy(&gen->m);
	s->gen = NULL;
	gen->open = false;
	/* Cookies still mapped are unreachable now, and stay valid. */
	for (i = 0; i < FZ_REFS; i++)
		if (fz->ref[i].c && fz->ref[i].gen == gen &&
		    !READ_ONCE(fz->ref[i].c->dead))
			fz_fail(fz, "ref %u: mapped cookie alive after destroy",
				i);
	fz_gen_release(gen);
}

static void op_init(struct fz *fz, bool armed)
{
	u32 slot = fz_slot(fz), nr, max, i;
	const struct vfio_cookie_region *r;
	enum vfio_cookie_layout layout;
	struct fz_gen *gen;
	u8 b = get8(fz);
	int cr, mr;

	fz_say(fz, "init fd%u ", slot);
	if (b < FZ_CUSTOM) {
		const struct fz_table *t = &fz_tables[b % ARRAY_SIZE(fz_tables)];

		r = t->r;
		nr = t->nr;
		fz_say(fz, "table=%s", t->name);
	} else {
		nr = 1 + get8(fz) % FZ_MAX_REGIONS;
		for (i = 0; i < nr; i++) {
			fz->custom[i].size = fz_size(fz);
			fz->custom[i].flags = fz_flags(fz, fz->custom[i].size);
			fz_say(fz, "%s%#llx/%#x", i ? "," : "regions=",
			       (unsigned long long)fz->custom[i].size,
			       fz->custom[i].flags);
		}
		r = fz->custom;
	}
	layout = get8(fz) % 4;
	max = fz_max(fz, nr);
	fz_say(fz, " layout=%s max=%#x", fz_layouts[layout], max);

	/* A reinit: the fd in this slot is released first. */
	if (fz->slot[slot].gen)
		fz_destroy(fz, slot);

	gen = calloc(1, sizeof(*gen));
	if (!gen)
		abort();
	cr = vfio_cookie_space_init(&fz->slot[slot].s, layout, r, nr, max);
	fz_note(fz, "= %d", cr);
	if (fz_failed(fz, armed, cr)) {
		free(gen);
		return;
	}
	mr = sim_model_init(&gen->m, layout, r, nr, max);
	FZ_EQ(fz, "init", cr, mr);
	if (cr) {
		free(gen);
		return;
	}
	gen->open = true;
	fz->slot[slot].gen = gen;
}

static void op_region(struct fz *fz, bool armed)
{
	u32 slot = fz_slot(fz), index;
	struct fz_slot *s = &fz->slot[slot];
	u64 co = 0, mo = 0;
	int cr, mr;

	if (!s->gen)
		return;
	index = fz_index(fz, &s->gen->m);
	fz_say(fz, "region fd%u idx=%u", slot, index);
	cr = vfio_cookie_region_offset(&s->s, index, &co);
	fz_note(fz, "= %d", cr);
	if (fz_failed(fz, armed, cr))
		return;
	mr = sim_model_region_offset(&s->gen->m, index, &mo);
	FZ_EQ(fz, "region_offset", cr, mr);
	if (!cr) {
		FZ_EQ(fz, "offset", co, mo);
		fz_note(fz, " off=%#llx", (unsigned long long)co);
	}
}

/* alias on both sides; true when both gave 0 (*@off set). */
static bool fz_alias(struct fz *fz, bool armed, u32 slot, u32 index, u32 attrs,
		     u64 *off)
{
	struct fz_slot *s = &fz->slot[slot];
	u32 ci = 0, mi = 0;
	u64 co = 0, mo = 0;
	int cr, mr;

	cr = vfio_cookie_alias(&s->s, index, attrs, &co, &ci);
	if (fz_failed(fz, armed, cr))
		return false;
	mr = sim_model_alias(&s->gen->m, index, attrs, &mo, &mi);
	FZ_EQ(fz, "alias", cr, mr);
	if (cr)
		return false;
	FZ_EQ(fz, "offset", co, mo);
	FZ_EQ(fz, "alias index", ci, mi);
	*off = co;
	return true;
}

static void op_alias(struct fz *fz, bool armed)
{
	u32 slot = fz_slot(fz), index, attrs;
	struct fz_slot *s = &fz->slot[slot];
	u32 ci = 0, mi = 0;
	u64 co = 0, mo = 0;
	int cr, mr;

	if (!s->gen)
		return;
	index = fz_index(fz, &s->gen->m);
	attrs = fz_attrs(fz);
	fz_say(fz, "alias fd%u idx=%u attrs=%#x", slot, index, attrs);
	cr = vfio_cookie_alias(&s->s, index, attrs, &co, &ci);
	fz_note(fz, "= %d", cr);
	if (fz_failed(fz, armed, cr))
		return;
	mr = sim_model_alias(&s->gen->m, index, attrs, &mo, &mi);
	FZ_EQ(fz, "alias", cr, mr);
	if (cr)
		return;
	FZ_EQ(fz, "offset", co, mo);
	FZ_EQ(fz, "alias index", ci, mi);
	fz_note(fz, " off=%#llx index=%u", (unsigned long long)co, ci);
}

static void op_drop(struct fz *fz, bool armed)
{
	u32 slot = fz_slot(fz);
	struct fz_slot *s = &fz->slot[slot];
	int cr, mr;
	u64 off;

	if (!s->gen)
		return;
	off = fz_offset(fz, slot);
	fz_say(fz, "drop fd%u off=%#llx", slot, (unsigned long long)off);
	cr = vfio_cookie_drop(&s->s, off);
	fz_note(fz, "= %d", cr);
	fz_no_alloc_failure(fz, armed);
	mr = sim_model_drop(&s->gen->m, off);
	FZ_EQ(fz, "drop", cr, mr);
}

static void op_lookup(struct fz *fz, bool armed)
{
	u32 slot = fz_slot(fz);
	struct fz_slot *s = &fz->slot[slot];
	const struct sim_model_entry *e;
	unsigned long calls;
	struct vfio_cookie *c;
	u64 coff = 0;
	bool hit;
	u64 off;

	if (!s->gen)
		return;
	off = fz_offset(fz, slot);
	fz_say(fz, "lookup fd%u off=%#llx", slot, (unsigned long long)off);
	calls = sim_alloc_calls();
	rcu_read_lock();
	c = vfio_cookie_lookup(&s->s, off);
	hit = c;
	if (c)
		coff = c->offset;
	rcu_read_unlock();
	if (sim_alloc_calls() != calls)
		fz_fail(fz, "a blocking allocation under rcu_read_lock()");
	fz_no_alloc_failure(fz, armed);
	fz_note(fz, hit ? "= %#llx" : "= none", (unsigned long long)coff);
	e = sim_model_lookup(&s->gen->m, off);
	if (hit != !!e)
		fz_fail(fz, "lookup: core %s, model %s", hit ? "hit" : "miss",
			e ? "hit" : "miss");
	if (hit)
		FZ_EQ(fz, "cookie", coff, e->offset);
}

static void op_mmap(struct fz *fz, bool armed)
{
	u32 slot = fz_slot(fz);
	struct fz_slot *s = &fz->slot[slot];
	u64 off, len, cpos = 0, mpos = 0, mc = 0;
	unsigned long calls;
	struct vfio_cookie *c;
	int cr, mr;

	if (!s->gen)
		return;
	off = fz_offset(fz, slot);
	len = fz_len(fz, slot, off);
	fz_say(fz, "mmap fd%u off=%#llx len=%#llx", slot,
	       (unsigned long long)off, (unsigned long long)len);
	calls = sim_alloc_calls();
	c = vfio_cookie_mmap_get(&s->s, off, len, &cpos);
	if (sim_alloc_calls() != calls)
		fz_fail(fz, "mmap_get() made a blocking allocation");
	fz_no_alloc_failure(fz, armed);
	cr = IS_ERR(c) ? PTR_ERR(c) : 0;
	fz_note(fz, "= %d", cr);
	mr = sim_model_mmap_get(&s->gen->m, off, len, &mpos, &mc);
	FZ_EQ(fz, "mmap_get", cr, mr);
	if (cr)
		return;
	FZ_EQ(fz, "pos", cpos, mpos);
	FZ_EQ(fz, "cookie", c->offset, mc);
	fz_note(fz, " cookie=%#llx pos=%#llx ref=%d", (unsigned long long)mc,
		(unsigned long long)cpos, fz_ref_keep(fz, slot, c, mc));
}

static void op_rw(struct fz *fz, bool armed)
{
	u32 slot = fz_slot(fz);
	struct fz_slot *s = &fz->slot[slot];
	u64 off, count, cpos = 0, cdone = 0, mpos = 0, mdone = 0, mc = 0;
	unsigned long calls;
	struct vfio_cookie *c;
	bool write, keep;
	int cr, mr;
	u8 mode;

	if (!s->gen)
		return;
	off = fz_offset(fz, slot);
	count = fz_count(fz, slot, off);
	mode = get8(fz);
	write = mode & 1;
	keep = mode & 2;
	fz_say(fz, "rw fd%u off=%#llx count=%#llx%s%s", slot,
	       (unsigned long long)off, (unsigned long long)count,
	       write ? " write" : "", keep ? " keep" : "");
	calls = sim_alloc_calls();
	c = vfio_cookie_rw_get(&s->s, off, count, write, &cpos, &cdone);
	if (sim_alloc_calls() != calls)
		fz_fail(fz, "rw_get() made a blocking allocation");
	fz_no_alloc_failure(fz, armed);
	cr = IS_ERR(c) ? PTR_ERR(c) : 0;
	fz_note(fz, "= %d", cr);
	mr = sim_model_rw_get(&s->gen->m, off, count, write, &mpos, &mdone,
			      &mc);
	FZ_EQ(fz, "rw_get", cr, mr);
	if (cr)
		return;
	FZ_EQ(fz, "pos", cpos, mpos);
	FZ_EQ(fz, "done", cdone, mdone);
	FZ_EQ(fz, "cookie", c->offset, mc);
	fz_note(fz, " cookie=%#llx pos=%#llx done=%#llx",
		(unsigned long long)mc, (unsigned long long)cpos,
		(unsigned long long)cdone);
	if (keep) {
		fz_note(fz, " ref=%d", fz_ref_keep(fz, slot, c, mc));
	} else {
		vfio_cookie_put(c);
		sim_model_put(&s->gen->m, mc);
	}
}

static void op_get(struct fz *fz)
{
	int i = fz_ref_pick(fz, get8(fz) % FZ_REFS);
	struct fz_ref *r;
	unsigned long calls;
	u32 j;

	if (i < 0)
		return;
	r = &fz->ref[i];
	fz_say(fz, "get ref=%d", i);
	for (j = 0; j < FZ_REFS && fz->ref[j].c; j++)
		;
	if (j == FZ_REFS)
		return;
	fz_touch_gen(fz, r->gen);
	calls = sim_alloc_calls();
	vfio_cookie_get(r->c);
	if (sim_alloc_calls() != calls)
		fz_fail(fz, "vfio_cookie_get() allocated");
	sim_model_get(&r->gen->m, r->cookie);
	fz->ref[j] = *r;
	r->gen->held++;
	fz_note(fz, "= ref=%u", j);
}

static void op_put(struct fz *fz)
{
	int i = fz_ref_pick(fz, get8(fz) % FZ_REFS);

	if (i < 0)
		return;
	fz_say(fz, "put ref=%d", i);
	fz_ref_put(fz, i);
}

static void fz_zap_collect(void *priv, u64 offset, u64 len)
{
	struct fz_zap *z = priv;

	if (z->nr < FZ_MAX_ZAP) {
		z->r[z->nr].offset = offset;
		z->r[z->nr].len = len;
	}
	z->nr++;
}

static void op_zap(struct fz *fz, bool armed)
{
	u32 slot = fz_slot(fz), index, i;
	struct fz_slot *s = &fz->slot[slot];
	int cr, mr;

	if (!s->gen)
		return;
	index = fz_index(fz, &s->gen->m);
	fz_say(fz, "zap fd%u idx=%u", slot, index);
	fz->cz.nr = 0;
	cr = vfio_cookie_zap(&s->s, index, fz_zap_collect, &fz->cz);
	fz_note(fz, "= %d", cr);
	fz_no_alloc_failure(fz, armed);
	mr = sim_model_zap(&s->gen->m, index, fz->mz.r, FZ_MAX_ZAP);
	FZ_EQ(fz, "zap", cr, mr);
	if (cr < 0)
		return;
	FZ_EQ(fz, "zap ranges", fz->cz.nr, cr);
	for (i = 0; i < (u32)cr && i < FZ_MAX_ZAP; i++) {
		FZ_EQ(fz, "zap offset", fz->cz.r[i].offset, fz->mz.r[i].offset);
		FZ_EQ(fz, "zap len", fz->cz.r[i].len, fz->mz.r[i].len);
	}
}

static void op_destroy(struct fz *fz, bool armed)
{
	u32 slot = fz_slot(fz);

	if (!fz->slot[slot].gen)
		return;
	fz_say(fz, "destroy fd%u", slot);
	fz_destroy(fz, slot);
	fz_no_alloc_failure(fz, armed);
}

static void op_churn(struct fz *fz, bool armed)
{
	u32 slot = fz_slot(fz), index, n, i;
	struct fz_slot *s = &fz->slot[slot];
	u64 off;
	int cr, mr;

	if (!s->gen)
		return;
	index = fz_index(fz, &s->gen->m);
	n = 1 + get8(fz) % FZ_MAX_CHURN;
	fz_say(fz, "churn fd%u idx=%u n=%u", slot, index, n);
	for (i = 0; i < n && s->gen->m.nr < FZ_MAX_ENTRIES; i++) {
		if (!fz_alias(fz, armed, slot, index, WC, &off))
			break;
		/* An absorbed failure fired in the alias: none is left. */
		armed = armed && sim_fail_pending();
		cr = vfio_cookie_drop(&s->s, off);
		fz_no_alloc_failure(fz, armed);
		mr = sim_model_drop(&s->gen->m, off);
		FZ_EQ(fz, "drop", cr, mr);
		FZ_EQ(fz, "drop", cr, 0);
	}
	fz_note(fz, " done=%u", i);
}

static void op_putall(struct fz *fz)
{
	u32 i;

	for (i = 0; i < FZ_REFS; i++) {
		if (!fz->ref[i].c)
			continue;
		if (!fz->op[0])
			fz_say(fz, "putall");
		fz_ref_put(fz, i);
	}
}

static void op_regions(struct fz *fz, bool armed)
{
	u32 slot = fz_slot(fz), i;
	struct fz_slot *s = &fz->slot[slot];
	u64 co, mo;
	int cr, mr;

	if (!s->gen)
		return;
	fz_say(fz, "regions fd%u", slot);
	for (i = 0; i < s->gen->m.nr_regions; i++) {
		cr = vfio_cookie_region_offset(&s->s, i, &co);
		if (fz_failed(fz, armed, cr))
			break;
		armed = armed && sim_fail_pending();
		mr = sim_model_region_offset(&s->gen->m, i, &mo);
		FZ_EQ(fz, "region_offset", cr, mr);
		if (!cr)
			FZ_EQ(fz, "offset", co, mo);
	}
}

static void fz_step(struct fz *fz)
{
	u8 op = get8(fz) % FZ_NR_OPS;
	bool armed = fz->fail_nth;

	fz->op[0] = '\0';
	fz->res[0] = '\0';
	fz->touched = 0;
	if (armed)
		sim_fail_nth(fz->fail_nth);

	switch (op) {
	case FZ_INIT:
		op_init(fz, armed);
		break;
	case FZ_REGION:
		op_region(fz, armed);
		break;
	case FZ_ALIAS:
		op_alias(fz, armed);
		break;
	case FZ_DROP:
		op_drop(fz, armed);
		break;
	case FZ_LOOKUP:
		op_lookup(fz, armed);
		break;
	case FZ_MMAP:
		op_mmap(fz, armed);
		break;
	case FZ_RW:
		op_rw(fz, armed);
		break;
	case FZ_GET:
		op_get(fz);
		break;
	case FZ_PUT:
		op_put(fz);
		break;
	case FZ_ZAP:
		op_zap(fz, armed);
		break;
	case FZ_DESTROY:
		op_destroy(fz, armed);
		break;
	case FZ_FAILNTH:
		break;
	case FZ_CHURN:
		op_churn(fz, armed);
		break;
	case FZ_PUTALL:
		op_putall(fz);
		break;
	case FZ_REGIONS:
		op_regions(fz, armed);
		break;
	}
	/*
	 * A failure is armed for the next operation that runs: one that did
	 * nothing (a closed fd, no reference) leaves it armed, so the text
	 * form, which leaves such operations out, fails the same allocation.
	 * One that ran disarms it whether or not it got that far.
	 */
	sim_fail_nth(0);
	if (fz->op[0])
		fz->fail_nth = 0;
	if (op == FZ_FAILNTH) {
		fz->fail_nth = 1 + get8(fz) % FZ_MAX_FAILNTH;
		fz_say(fz, "failnth %u", fz->fail_nth);
	}
	if (fz->op[0] && vfiosim_fuzz_dump) {
		if (fz->res[0])
			fprintf(vfiosim_fuzz_dump, "%-60s # %s\n", fz->op,
				fz->res);
		else
			fprintf(vfiosim_fuzz_dump, "%s\n", fz->op);
	}
	fz_check(fz);
}

static unsigned long fz_leak_every(void)
{
	static unsigned long every;
	const char *env;

	if (vfiosim_fuzz_exact)
		return 1;
	if (!every) {
		env = getenv("VFIOSIM_FUZZ_LEAK_EVERY");
		every = env ? strtoul(env, NULL, 0) : FZ_LEAK_EVERY;
		if (!every)
			every = FZ_LEAK_EVERY;
	}
	return every;
}

static void fz_leak_check(struct fz *fz)
{
	long live = sim_live_allocs();

	if (live)
		fz_fail(fz, "%ld allocations live once everything is released%s",
			live, vfiosim_fuzz_exact ? "" :
			" (by this or an earlier input: replay the corpus)");
}

static void fz_atexit(void)
{
	fz_state.op[0] = '\0';
	fz_state.res[0] = '\0';
	fz_leak_check(&fz_state);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static bool done;

	(void)argc;
	(void)argv;
	if (done)
		return 0;
	done = true;
	sim_thread_init();
	atexit(fz_atexit);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long inputs;
	struct fz *fz = &fz_state;
	u32 i;

	LLVMFuzzerInitialize(NULL, NULL);
	memset(fz, 0, offsetof(struct fz, custom));
	fz->p = data;
	fz->n = size;
	sim_warn_reset();
	sim_fail_nth(0);
	if (vfiosim_fuzz_dump)
		fprintf(vfiosim_fuzz_dump, "# vfiosim fuzz_cookie_ops 1\n");

	while (fz->n) {
		fz->step++;
		fz_step(fz);
	}

	/* Every space once more; then the VMAs go, and the fds close. */
	fz->step++;
	snprintf(fz->op, sizeof(fz->op), "(end of input)");
	fz->res[0] = '\0';
	fz->touched = ~0U;
	fz_check(fz);
	for (i = 0; i < FZ_REFS; i++)
		if (fz->ref[i].c)
			fz_ref_put(fz, i);
	for (i = 0; i < FZ_SLOTS; i++)
		if (fz->slot[i].gen)
			fz_destroy(fz, i);
	if (sim_warn_count())
		fz_fail(fz, "unexpected WARN: %s", sim_warn_last());
	if (++inputs % fz_leak_every() == 0)
		fz_leak_check(fz);
	return 0;
}

/* ---- the text form (.ops): one operation per line, as --dump-trace prints ---- */

struct fz_enc {
	u8 *buf;
	size_t len, cap;
	unsigned int line;
	char *err;
	size_t err_len;
};

static void enc_byte(struct fz_enc *e, u8 b)
{
	if (e->len == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 256;
		e->buf = realloc(e->buf, e->cap);
		if (!e->buf)
			abort();
	}
	e->buf[e->len++] = b;
}

static void enc_le(struct fz_enc *e, u64 v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		enc_byte(e, v >> (8 * i));
}

__printf(2, 3)
static int enc_fail(struct fz_enc *e, const char *fmt, ...)
{
	int used = snprintf(e->err, e->err_len, "line %u: ", e->line);
	va_list ap;

	va_start(ap, fmt);
	if (used >= 0 && (size_t)used < e->err_len)
		vsnprintf(e->err + used, e->err_len - used, fmt, ap);
	va_end(ap);
	return -1;
}

#define ENC_MAX_TOK	8

struct enc_line {
	char *tok[ENC_MAX_TOK];
	int nr;
	bool used[ENC_MAX_TOK];
};

/* The value of "key=..." among the tokens after the first two. */
static const char *enc_key(struct enc_line *l, const char *key)
{
	size_t n = strlen(key);
	int i;

	for (i = 1; i < l->nr; i++) {
		if (!strncmp(l->tok[i], key, n) && l->tok[i][n] == '=') {
			l->used[i] = true;
			return l->tok[i] + n + 1;
		}
	}
	return NULL;
}

static bool enc_word(struct enc_line *l, const char *word)
{
	int i;

	for (i = 1; i < l->nr; i++) {
		if (!strcmp(l->tok[i], word)) {
			l->used[i] = true;
			return true;
		}
	}
	return false;
}

static int enc_num(struct fz_enc *e, struct enc_line *l, const char *key,
		   u64 max, u64 *v)
{
	const char *s = enc_key(l, key);
	char *end;

	if (!s)
		return enc_fail(e, "expected %s=", key);
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *v > max || *s == '-')
		return enc_fail(e, "bad number %s=%s", key, s);
	return 0;
}

static int enc_slot(struct fz_enc *e, struct enc_line *l)
{
	int i;

	for (i = 1; i < l->nr; i++) {
		const char *t = l->tok[i];

		if (!strncmp(t, "fd", 2) && t[2] >= '0' &&
		    t[2] < '0' + FZ_SLOTS && !t[3]) {
			l->used[i] = true;
			enc_byte(e, t[2] - '0');
			return 0;
		}
	}
	return enc_fail(e, "expected fd0..fd%d", FZ_SLOTS - 1);
}

static int enc_raw(struct fz_enc *e, struct enc_line *l, const char *key,
		   u8 mode, int bytes)
{
	u64 max = bytes == 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
	u64 v;

	if (enc_num(e, l, key, max, &v))
		return -1;
	enc_byte(e, mode);
	enc_le(e, v, bytes);
	return 0;
}

/* The flags byte that fz_flags() turns into @flags for @size. */
static int enc_flags(struct fz_enc *e, u64 size, u64 flags)
{
	if (flags > 0x7f)
		return enc_fail(e, "flags %#llx do not fit the input",
				(unsigned long long)flags);
	if (size ? flags <= 7 : !flags)
		enc_byte(e, flags);
	else
		enc_byte(e, 0x80 | flags);
	return 0;
}

static int enc_regions(struct fz_enc *e, const char *s)
{
	u64 v[2 * FZ_MAX_REGIONS];
	int nr = 0, i;
	char *end;

	for (;;) {
		if (nr == 2 * FZ_MAX_REGIONS)
			return enc_fail(e, "more than %d regions",
					FZ_MAX_REGIONS);
		errno = 0;
		v[nr++] = strtoull(s, &end, 0);
		if (errno || end == s || *end != '/')
			return enc_fail(e, "expected SIZE/FLAGS in regions=");
		s = end + 1;
		v[nr++] = strtoull(s, &end, 0);
		if (errno || end == s || (*end && *end != ','))
			return enc_fail(e, "expected SIZE/FLAGS in regions=");
		if (!*end)
			break;
		s = end + 1;
	}
	enc_byte(e, FZ_CUSTOM);
	enc_byte(e, nr / 2 - 1);
	for (i = 0; i < nr; i += 2) {
		enc_byte(e, SIZE_RAW);
		enc_le(e, v[i], 8);
		if (enc_flags(e, v[i], v[i + 1]))
			return -1;
	}
	return 0;
}

static int enc_init(struct fz_enc *e, struct enc_line *l)
{
	const char *table = enc_key(l, "table");
	const char *regions = enc_key(l, "regions");
	const char *layout = enc_key(l, "layout");
	size_t i;

	if (enc_slot(e, l))
		return -1;
	if (!table == !regions)
		return enc_fail(e, "expected table= or regions=");
	if (table) {
		for (i = 0; i < ARRAY_SIZE(fz_tables); i++)
			if (!strcmp(table, fz_tables[i].name))
				break;
		if (i == ARRAY_SIZE(fz_tables))
			return enc_fail(e, "no table %s", table);
		enc_byte(e, i);
	} else if (enc_regions(e, regions)) {
		return -1;
	}
	for (i = 0; layout && i < ARRAY_SIZE(fz_layouts); i++)
		if (!strcmp(layout, fz_layouts[i]))
			break;
	if (!layout || i == ARRAY_SIZE(fz_layouts))
		return enc_fail(e, "expected layout=legacy|compat|compact|3");
	enc_byte(e, i);
	return enc_raw(e, l, "max", MAX_RAW, 4);
}

static int enc_op(struct fz_enc *e, struct enc_line *l)
{
	char *end = NULL;
	u64 v;
	int op, i;

	for (op = 0; op < FZ_NR_OPS; op++)
		if (!strcmp(l->tok[0], fz_op_names[op]))
			break;
	if (op == FZ_NR_OPS)
		return enc_fail(e, "no operation %s", l->tok[0]);
	enc_byte(e, op);

	switch (op) {
	case FZ_INIT:
		if (enc_init(e, l))
			return -1;
		break;
	case FZ_REGION:
	case FZ_ZAP:
		if (enc_slot(e, l) || enc_raw(e, l, "idx", IDX_RAW, 4))
			return -1;
		break;
	case FZ_ALIAS:
		if (enc_slot(e, l) || enc_raw(e, l, "idx", IDX_RAW, 4) ||
		    enc_raw(e, l, "attrs", ATTRS_RAW, 4))
			return -1;
		break;
	case FZ_DROP:
	case FZ_LOOKUP:
		if (enc_slot(e, l) || enc_raw(e, l, "off", OFF_RAW, 8))
			return -1;
		break;
	case FZ_MMAP:
		if (enc_slot(e, l) || enc_raw(e, l, "off", OFF_RAW, 8) ||
		    enc_raw(e, l, "len", LEN_RAW, 8))
			return -1;
		break;
	case FZ_RW:
		if (enc_slot(e, l) || enc_raw(e, l, "off", OFF_RAW, 8) ||
		    enc_raw(e, l, "count", COUNT_RAW, 8))
			return -1;
		v = enc_word(l, "write");
		v |= enc_word(l, "keep") << 1;
		enc_byte(e, v);
		break;
	case FZ_GET:
	case FZ_PUT:
		if (enc_num(e, l, "ref", FZ_REFS - 1, &v))
			return -1;
		enc_byte(e, v);
		break;
	case FZ_DESTROY:
	case FZ_REGIONS:
		if (enc_slot(e, l))
			return -1;
		break;
	case FZ_FAILNTH:
		/* "failnth N" */
		v = l->nr < 2 ? 0 : strtoul(l->tok[1], &end, 10);
		if (l->nr < 2 || *end || !v || v > FZ_MAX_FAILNTH)
			return enc_fail(e, "expected failnth 1..%d",
					FZ_MAX_FAILNTH);
		l->used[1] = true;
		enc_byte(e, v - 1);
		break;
	case FZ_CHURN:
		if (enc_slot(e, l) || enc_raw(e, l, "idx", IDX_RAW, 4) ||
		    enc_num(e, l, "n", FZ_MAX_CHURN, &v))
			return -1;
		if (!v)
			return enc_fail(e, "expected n=1..%d", FZ_MAX_CHURN);
		enc_byte(e, v - 1);
		break;
	case FZ_PUTALL:
		break;
	}
	for (i = 1; i < l->nr; i++)
		if (!l->used[i])
			return enc_fail(e, "unexpected %s", l->tok[i]);
	return 0;
}

static int fz_encode(const char *text, size_t len, uint8_t **out,
		     size_t *out_len, char *err, size_t err_len)
{
	struct fz_enc e = { .err = err, .err_len = err_len };
	char *copy = malloc(len + 1), *line, *next, *hash;

	if (!copy)
		abort();
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (line = copy; line; line = next) {
		struct enc_line l = { 0 };
		char *save = NULL, *t;

		e.line++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		for (t = strtok_r(line, " \t\r", &save); t;
		     t = strtok_r(NULL, " \t\r", &save)) {
			if (l.nr == ENC_MAX_TOK) {
				enc_fail(&e, "too many words");
				goto fail;
			}
			l.tok[l.nr++] = t;
		}
		if (l.nr && enc_op(&e, &l))
			goto fail;
	}
	free(copy);
	*out = e.buf;
	*out_len = e.len;
	return 0;
fail:
	free(copy);
	free(e.buf);
	return -1;
}

const struct vfiosim_fuzz_target vfiosim_fuzz_target = {
	.name = "fuzz_cookie_ops",
	.text_ext = ".ops",
	.encode = fz_encode,
};
