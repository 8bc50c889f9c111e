// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential tests: the core against the reference model of
 * tests/harness/model.c.  Seeded random operation sequences, hostile
 * arguments included, run on several device region tables in every layout;
 * every return value is compared, and after every step the core must
 * validate and match the model entry by entry.  Fixed sequences with the
 * expected offsets written out pin the model itself.
 *
 * VFIOSIM_SEED=<n> replays a failing random run.
 */
#include "harness.h"
#include "model.h"
#include "tables.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#define TOP	VFIO_COOKIE_OFFSET_MAX


/* A NIC: small BARs, a 4 KiB BAR, a sub-page BAR, an I/O BAR, a ROM. */
static const struct vfio_cookie_region nic[] = {
	{ KIB(128), RWM }, { 0, 0 }, { 0x80, RWM }, { KIB(16), RWM },
	{ 4096, RWM }, { 0x20, RW }, { KIB(64), RO }, { 256, RW }, { 0, 0 },
};

/* Regions near the 2^63 limit: the offset space itself runs out. */
static const struct vfio_cookie_region edge[] = {
	{ 1ULL << 62, RWM }, { (1ULL << 60) + 4096, RWM },
	{ TIB(1) + 1, RWM }, { 4096, RWM }, { 0x10, RO },
};

/* One region of 2^62: it and its alias fill [0, 2^63) exactly. */
static const struct vfio_cookie_region top[] = {
	{ 1ULL << 62, RWM }, { 4096, RWM },
};

struct table {
	const char *name;
	const struct vfio_cookie_region *r;
	u32 nr;
};

#define TABLE(t) { #t, t, ARRAY_SIZE(t) }
static const struct table tables[] = {
	TABLE(sim_tab_h100), TABLE(nic), TABLE(sim_tab_big), TABLE(sim_tab_many), TABLE(edge),
	TABLE(top),
};

#define MAX_VMA		32
#define MAX_ZAP		1024
#define STEPS		3000

struct vma {
	struct vfio_cookie *c;
	u64 cookie;
};

struct run {
	struct vfio_cookie_space s;
	struct sim_model m;
	unsigned long seed;
	u64 rng;
	unsigned long step;
	char op[192];
	struct vma vma[MAX_VMA];
	u32 nr_vma;
};

#define R_ASSERT(r, cond, fmt, ...)					\
	ck_assert_msg(cond, "seed %lu step %lu %s: " fmt, (r)->seed,	\
		      (r)->step, (r)->op, ##__VA_ARGS__)

#define R_EQ(r, what, a, b)						\
	R_ASSERT(r, (u64)(a) == (u64)(b), "%s: core %#llx, model %#llx",\
		 what, (unsigned long long)(a), (unsigned long long)(b))

static u64 rnd(struct run *r)
{
	/* splitmix64 */
	u64 z = (r->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u32 pct(struct run *r)
{
	return rnd(r) % 100;
}

static void r_check(struct run *r)
{
	const char *reason = NULL;
	char why[256];

	R_ASSERT(r, vfio_cookie_space_validate(&r->s, &reason),
		 "space invalid: %s", reason);
	R_ASSERT(r, sim_model_compare(&r->m, &r->s, why, sizeof(why)),
		 "core differs from the model: %s", why);
}

/* A region index: mostly valid, sometimes past the table or absurd. */
static u32 pick_index(struct run *r)
{
	static const u32 bad[] = { UINT32_MAX, VFIO_COOKIE_INDEX_MAX,
				   VFIO_COOKIE_INDEX_MAX + 1, 1U << 31 };
	u32 k = pct(r);

	if (k < 85)
		return rnd(r) % r->m.nr_regions;
	if (k < 93)
		return r->m.nr_regions + rnd(r) % 4;
	return bad[rnd(r) % ARRAY_SIZE(bad)];
}

static u32 pick_attrs(struct run *r)
{
	static const u32 bad[] = { 2, 3, 0x80000000U, ~0U };
	u32 k = pct(r);

	if (k < 60)
		return WC;
	if (k < 85)
		return 0;
	return bad[rnd(r) % ARRAY_SIZE(bad)];
}

/* An offset near what the space holds, or far from it, or past 2^63. */
static u64 pick_offset(struct run *r, bool page)
{
	static const u64 bad[] = { 1ULL << 63, TOP, ~0ULL, ~0ULL - 4095,
				   (1ULL << 63) + 4096, 1ULL << 62 };
	u32 k = pct(r);
	u64 off;

	if (r->m.nr && k < 60) {
		const struct sim_model_entry *e = &r->m.e[rnd(r) % r->m.nr];

		switch (rnd(r) % 6) {
		case 0:
		case 1:
			off = e->offset;
			break;
		case 2:
			off = e->offset + rnd(r) % e->span;
			break;
		case 3:
			off = e->offset + e->span - (rnd(r) % 2);
			break;
		case 4:
			off = e->offset - 4096 * (1 + rnd(r) % 2);
			break;
		default:
			off = e->offset + e->size - (rnd(r) % 2);
			break;
		}
	} else if (k < 75) {
		off = (u64)(rnd(r) % 24) << 40;
	} else if (k < 85) {
		off = bad[rnd(r) % ARRAY_SIZE(bad)];
	} else {
		off = rnd(r) & ((1ULL << 45) - 1);
	}
	if (page && rnd(r) % 8)
		off &= ~4095ULL;
	return off;
}

static void op_region_offset(struct run *r)
{
	u32 index = pick_index(r);
	u64 co = 0, mo = 0;
	int cr, mr;

	snprintf(r->op, sizeof(r->op), "region_offset(%u)", index);
	cr = vfio_cookie_region_offset(&r->s, index, &co);
	mr = sim_model_region_offset(&r->m, index, &mo);
	R_EQ(r, "ret", cr, mr);
	if (!cr)
		R_EQ(r, "offset", co, mo);
}

static void op_alias(struct run *r)
{
	u32 index = pick_index(r), attrs = pick_attrs(r);
	u32 ci = 0, mi = 0;
	u64 co = 0, mo = 0;
	int cr, mr;

	snprintf(r->op, sizeof(r->op), "alias(%u, %#x)", index, attrs);
	cr = vfio_cookie_alias(&r->s, index, attrs, &co, &ci);
	mr = sim_model_alias(&r->m, index, attrs, &mo, &mi);
	R_EQ(r, "ret", cr, mr);
	if (!cr) {
		R_EQ(r, "offset", co, mo);
		R_EQ(r, "alias index", ci, mi);
	}
}

/* Position of an entry that matches, searching from a random one; or -1. */
static long pick_entry(struct run *r, bool alias, bool dead)
{
	u32 i, n;

	if (!r->m.nr)
		return -1;
	i = rnd(r) % r->m.nr;
	for (n = 0; n < r->m.nr; n++, i = (i + 1) % r->m.nr) {
		const struct sim_model_entry *e = &r->m.e[i];

		if ((e->kind == VFIO_COOKIE_ALIAS) == alias && e->dead == dead)
			return i;
	}
	return -1;
}

static void op_drop(struct run *r)
{
	u32 k = pct(r);
	long i = -1;
	u64 off;
	int cr, mr;

	if (k < 60)
		i = pick_entry(r, true, false);
	else if (k < 70)
		i = pick_entry(r, true, true);		/* double drop */
	else if (k < 80)
		i = pick_entry(r, false, false);	/* a region */
	if (i >= 0) {
		off = r->m.e[i].offset;
	} else {
		off = pick_offset(r, false);
		if (k < 90)
			off += 4096 * (1 + rnd(r) % 3);	/* not a start */
	}
	snprintf(r->op, sizeof(r->op), "drop(%#llx)", (unsigned long long)off);
	cr = vfio_cookie_drop(&r->s, off);
	mr = sim_model_drop(&r->m, off);
	R_EQ(r, "ret", cr, mr);
}

static void op_lookup(struct run *r)
{
	u64 off = pick_offset(r, false);
	const struct sim_model_entry *e;
	struct vfio_cookie *c;
	u64 coff = 0;
	bool hit;

	snprintf(r->op, sizeof(r->op), "lookup(%#llx)",
		 (unsigned long long)off);
	rcu_read_lock();
	c = vfio_cookie_lookup(&r->s, off);
	hit = c;
	if (c)
		coff = c->offset;
	rcu_read_unlock();
	e = sim_model_lookup(&r->m, off);
	R_ASSERT(r, hit == !!e, "core %s, model %s", hit ? "hit" : "miss",
		 e ? "hit" : "miss");
	if (hit)
		R_EQ(r, "cookie", coff, e->offset);
}

static void vma_push(struct run *r, struct vfio_cookie *c, u64 cookie)
{
	if (r->nr_vma == MAX_VMA) {
		vfio_cookie_put(c);
		sim_model_put(&r->m, cookie);
		return;
	}
	r->vma[r->nr_vma].c = c;
	r->vma[r->nr_vma].cookie = cookie;
	r->nr_vma++;
}

static u64 pick_len(struct run *r, u64 off)
{
	const struct sim_model_entry *e = sim_model_lookup(&r->m, off);
	u32 k = pct(r);

	if (k < 8)
		return 0;
	if (k < 16)
		return 4096 * (1 + rnd(r) % 4) + 1 + rnd(r) % 4095;
	if (k < 24)
		return 4096 - (off & ~4095ULL);	/* wraps past 2^64 */
	if (k < 28)
		return 1ULL << 63;
	if (e && k < 60)	/* to the end of the cookie, or one page over */
		return e->offset + e->span - off + (k < 50 ? 0 : 4096);
	return 4096 * (1 + rnd(r) % 16);
}

static void op_mmap(struct run *r)
{
	u64 off = pick_offset(r, true), len = pick_len(r, off);
	u64 cpos = 0, mpos = 0, mc = 0;
	struct vfio_cookie *c;
	int cr, mr;

	snprintf(r->op, sizeof(r->op), "mmap_get(%#llx, %#llx)",
		 (unsigned long long)off, (unsigned long long)len);
	c = vfio_cookie_mmap_get(&r->s, off, len, &cpos);
	cr = IS_ERR(c) ? PTR_ERR(c) : 0;
	mr = sim_model_mmap_get(&r->m, off, len, &mpos, &mc);
	R_EQ(r, "ret", cr, mr);
	if (cr)
		return;
	R_EQ(r, "pos", cpos, mpos);
	R_EQ(r, "cookie", c->offset, mc);
	vma_push(r, c, mc);
}

static void op_rw(struct run *r)
{
	static const u64 counts[] = { 0, 1, 2, 4, 8, 0x80, 4096, 1ULL << 40,
				      ~0ULL };
	u64 off = pick_offset(r, false);
	u64 count = counts[rnd(r) % ARRAY_SIZE(counts)];
	bool write = rnd(r) & 1;
	u64 cpos = 0, cdone = 0, mpos = 0, mdone = 0, mc = 0;
	struct vfio_cookie *c;
	int cr, mr;

	snprintf(r->op, sizeof(r->op), "rw_get(%#llx, %#llx, %s)",
		 (unsigned long long)off, (unsigned long long)count,
		 write ? "write" : "read");
	c = vfio_cookie_rw_get(&r->s, off, count, write, &cpos, &cdone);
	cr = IS_ERR(c) ? PTR_ERR(c) : 0;
	mr = sim_model_rw_get(&r->m, off, count, write, &mpos, &mdone, &mc);
	R_EQ(r, "ret", cr, mr);
	if (cr)
		return;
	R_EQ(r, "pos", cpos, mpos);
	R_EQ(r, "done", cdone, mdone);
	R_EQ(r, "cookie", c->offset, mc);
	/* Half the accesses are still in flight at the next check. */
	if (rnd(r) & 1) {
		vma_push(r, c, mc);
	} else {
		vfio_cookie_put(c);
		sim_model_put(&r->m, mc);
	}
}

/* A VMA split: the new VMA takes its own reference. */
static void op_split(struct run *r)
{
	struct vma *v;

	if (!r->nr_vma || r->nr_vma == MAX_VMA)
		return;
	v = &r->vma[rnd(r) % r->nr_vma];
	snprintf(r->op, sizeof(r->op), "get(%#llx)",
		 (unsigned long long)v->cookie);
	vfio_cookie_get(v->c);
	sim_model_get(&r->m, v->cookie);
	r->vma[r->nr_vma++] = *v;
}

static void op_close(struct run *r)
{
	u32 i;

	if (!r->nr_vma)
		return;
	i = rnd(r) % r->nr_vma;
	snprintf(r->op, sizeof(r->op), "put(%#llx)",
		 (unsigned long long)r->vma[i].cookie);
	vfio_cookie_put(r->vma[i].c);
	sim_model_put(&r->m, r->vma[i].cookie);
	r->vma[i] = r->vma[--r->nr_vma];
}

struct zap_list {
	struct sim_model_range r[MAX_ZAP];
	u32 nr;
};

static void zap_collect(void *priv, u64 offset, u64 len)
{
	struct zap_list *z = priv;

	if (z->nr < MAX_ZAP) {
		z->r[z->nr].offset = offset;
		z->r[z->nr].len = len;
	}
	z->nr++;
}

static void op_zap(struct run *r)
{
	static struct zap_list cz, mz;
	u32 index = pick_index(r), i;
	int cr, mr;

	snprintf(r->op, sizeof(r->op), "zap(%u)", index);
	cz.nr = 0;
	cr = vfio_cookie_zap(&r->s, index, zap_collect, &cz);
	mr = sim_model_zap(&r->m, index, mz.r, MAX_ZAP);
	R_EQ(r, "ret", cr, mr);
	if (cr < 0)
		return;
	R_EQ(r, "ranges", cz.nr, cr);
	for (i = 0; i < (u32)cr && i < MAX_ZAP; i++) {
		R_EQ(r, "zap offset", cz.r[i].offset, mz.r[i].offset);
		R_EQ(r, "zap len", cz.r[i].len, mz.r[i].len);
	}
}

/* Put every reference still held, after the space is gone or not. */
static void r_close_all(struct run *r)
{
	while (r->nr_vma) {
		r->nr_vma--;
		vfio_cookie_put(r->vma[r->nr_vma].c);
		sim_model_put(&r->m, r->vma[r->nr_vma].cookie);
	}
	ck_assert_uint_eq(sim_model_refs(&r->m), 0);
}

static bool r_init(struct run *r, const struct table *t,
		   enum vfio_cookie_layout layout, u32 max_cookies)
{
	int cr, mr;

	snprintf(r->op, sizeof(r->op), "init(%s, %d, %u)", t->name, layout,
		 max_cookies);
	cr = vfio_cookie_space_init(&r->s, layout, t->r, t->nr, max_cookies);
	mr = sim_model_init(&r->m, layout, t->r, t->nr, max_cookies);
	R_EQ(r, "ret", cr, mr);
	if (cr) {
		sim_model_free(&r->m);
		return false;
	}
	r_check(r);
	return true;
}

static void r_fini(struct run *r)
{
	u32 i;

	/* Sometimes the fd closes while VMAs still map cookies. */
	if (rnd(r) & 1)
		r_close_all(r);
	vfio_cookie_space_destroy(&r->s);
	sim_model_destroy(&r->m);
	for (i = 0; i < r->nr_vma; i++)
		ck_assert(READ_ONCE(r->vma[i].c->dead));
	r_close_all(r);
	sim_model_free(&r->m);
}

static void random_run(enum vfio_cookie_layout layout, const struct table *t,
		       unsigned long salt)
{
	static struct run run;
	struct run *r = &run;

	memset(r, 0, sizeof(*r));
	r->seed = sim_seed();
	r->rng = r->seed ^ (salt * 0x100000001b3ULL);
	if (!r_init(r, t, layout, t->nr + rnd(r) % 700))
		return;

	for (r->step = 1; r->step <= STEPS; r->step++) {
		u32 k = pct(r);

		if (k < 12)
			op_region_offset(r);
		else if (k < 40)
			op_alias(r);
		else if (k < 55)
			op_drop(r);
		else if (k < 65)
			op_lookup(r);
		else if (k < 78)
			op_mmap(r);
		else if (k < 86)
			op_rw(r);
		else if (k < 90)
			op_split(r);
		else if (k < 96)
			op_close(r);
		else
			op_zap(r);
		r_check(r);
	}
	r_fini(r);
}

/*
 * Random sequences in the LEGACY layout agree with the model: every region
 * and alias at index << 40, -EOVERFLOW past 1 TiB (design §9.3, §9.27;
 * vfio_pci_core.c get_region_info).
 */
START_TEST(test_model_random_legacy)
{
	random_run(LEGACY, &tables[_i], 100 + _i);
}
END_TEST

/*
 * Random sequences in the COMPAT layout agree with the model: indices 0..8
 * fixed, everything else packed (design §9.22,
 * 20250804124909.67462343.alex.williamson@redhat.com).
 */
START_TEST(test_model_random_compat)
{
	random_run(COMPAT, &tables[_i], 200 + _i);
}
END_TEST

/*
 * Random sequences in the COMPACT layout agree with the model's linear
 * scan for the lowest aligned gap (design §9.17,
 * 20250716184028.GA2177603@ziepe.ca).
 */
START_TEST(test_model_random_compact)
{
	random_run(COMPACT, &tables[_i], 300 + _i);
}
END_TEST

/*
 * Thousands of alias/drop cycles build a tree several levels deep whose
 * tombstones leave holes of every alignment; each new alias still gets the
 * lowest aligned gap the model finds (design §9.17, §9.23;
 * 20250716184028.GA2177603@ziepe.ca).
 */
START_TEST(test_model_deep_tree)
{
	static const u32 mmap_regions[] = { 0, 2, 4, 9, 11, 13, 14, 16, 18 };
	static struct run run;
	struct run *r = &run;
	const struct table t = TABLE(sim_tab_many);
	u32 n;

	memset(r, 0, sizeof(*r));
	r->seed = sim_seed();
	r->rng = r->seed ^ (400 + _i);
	if (!r_init(r, &t, _i, 2500))
		ck_abort_msg("init failed");
	for (n = 0; n < 2400; n++) {
		u32 index = mmap_regions[rnd(r) % ARRAY_SIZE(mmap_regions)];
		u32 ci, mi;
		u64 co, mo;
		int cr, mr;

		r->step = n;
		snprintf(r->op, sizeof(r->op), "alias(%u, WC) + drop", index);
		cr = vfio_cookie_alias(&r->s, index, WC, &co, &ci);
		mr = sim_model_alias(&r->m, index, WC, &mo, &mi);
		R_EQ(r, "ret", cr, mr);
		if (cr)
			break;
		R_EQ(r, "offset", co, mo);
		R_EQ(r, "alias index", ci, mi);
		/* Keep one live alias in eight: its twin must not be found. */
		if (rnd(r) % 8) {
			R_EQ(r, "drop", vfio_cookie_drop(&r->s, co), 0);
			R_EQ(r, "model drop", sim_model_drop(&r->m, mo), 0);
		}
		if (n % 64 == 0)
			r_check(r);
	}
	r_check(r);
	ck_assert_uint_ge(r->m.nr, 2000);
	for (n = 0; n < 200; n++) {
		r->step = n;
		op_lookup(r);
		op_zap(r);
	}
	r_fini(r);
}
END_TEST

/* Helpers for the fixed sequences: both sides, one expected literal. */
struct pair {
	struct vfio_cookie_space s;
	struct sim_model m;
};

static void pair_init(struct pair *p, enum vfio_cookie_layout layout,
		      const struct vfio_cookie_region *r, u32 nr, u32 max)
{
	ck_assert_int_eq(vfio_cookie_space_init(&p->s, layout, r, nr, max), 0);
	ck_assert_int_eq(sim_model_init(&p->m, layout, r, nr, max), 0);
	ck_assert_space_valid(&p->s);
	ck_assert_model_eq(&p->m, &p->s);
}

static void pair_fini(struct pair *p)
{
	vfio_cookie_space_destroy(&p->s);
	sim_model_destroy(&p->m);
	sim_model_free(&p->m);
}

/* region_offset on both; both must give @ret and, on success, @want. */
static void expect_region(struct pair *p, u32 index, int ret, u64 want)
{
	u64 co = ~0ULL, mo = ~0ULL;

	ck_assert_int_eq(vfio_cookie_region_offset(&p->s, index, &co), ret);
	ck_assert_int_eq(sim_model_region_offset(&p->m, index, &mo), ret);
	if (!ret) {
		ck_assert_msg(co == want && mo == want,
			      "region %u: core %#llx, model %#llx, want %#llx",
			      index, (unsigned long long)co,
			      (unsigned long long)mo, (unsigned long long)want);
	}
	ck_assert_space_valid(&p->s);
	ck_assert_model_eq(&p->m, &p->s);
}

static void expect_alias(struct pair *p, u32 index, u32 attrs, int ret,
			 u64 want, u32 want_index)
{
	u64 co = ~0ULL, mo = ~0ULL;
	u32 ci = ~0U, mi = ~0U;

	ck_assert_int_eq(vfio_cookie_alias(&p->s, index, attrs, &co, &ci), ret);
	ck_assert_int_eq(sim_model_alias(&p->m, index, attrs, &mo, &mi), ret);
	if (!ret) {
		ck_assert_msg(co == want && mo == want,
			      "alias(%u, %#x): core %#llx, model %#llx, want %#llx",
			      index, attrs, (unsigned long long)co,
			      (unsigned long long)mo, (unsigned long long)want);
		ck_assert_uint_eq(ci, want_index);
		ck_assert_uint_eq(mi, want_index);
	}
	ck_assert_space_valid(&p->s);
	ck_assert_model_eq(&p->m, &p->s);
}

static void expect_drop(struct pair *p, u64 off, int ret)
{
	ck_assert_int_eq(vfio_cookie_drop(&p->s, off), ret);
	ck_assert_int_eq(sim_model_drop(&p->m, off), ret);
	ck_assert_space_valid(&p->s);
	ck_assert_model_eq(&p->m, &p->s);
}

/* mmap_get on both: @ret, and on success @pos; the reference goes back. */
static void expect_mmap(struct pair *p, u64 off, u64 len, int ret, u64 pos)
{
	u64 cpos = ~0ULL, mpos = ~0ULL, mc;
	struct vfio_cookie *c = vfio_cookie_mmap_get(&p->s, off, len, &cpos);

	ck_assert_int_eq(IS_ERR(c) ? PTR_ERR(c) : 0, ret);
	ck_assert_int_eq(sim_model_mmap_get(&p->m, off, len, &mpos, &mc), ret);
	if (ret)
		return;
	ck_assert_uint_eq(cpos, pos);
	ck_assert_uint_eq(mpos, pos);
	ck_assert_model_eq(&p->m, &p->s);
	vfio_cookie_put(c);
	sim_model_put(&p->m, mc);
}

static void expect_rw(struct pair *p, u64 off, u64 count, bool write,
		      int ret, u64 pos, u64 done)
{
	u64 cpos = ~0ULL, cdone = ~0ULL, mpos, mdone, mc;
	struct vfio_cookie *c = vfio_cookie_rw_get(&p->s, off, count, write,
						   &cpos, &cdone);

	ck_assert_int_eq(IS_ERR(c) ? PTR_ERR(c) : 0, ret);
	ck_assert_int_eq(sim_model_rw_get(&p->m, off, count, write, &mpos,
					  &mdone, &mc), ret);
	if (ret)
		return;
	ck_assert_uint_eq(cpos, pos);
	ck_assert_uint_eq(mpos, pos);
	ck_assert_uint_eq(cdone, done);
	ck_assert_uint_eq(mdone, done);
	vfio_cookie_put(c);
	sim_model_put(&p->m, mc);
}

/* zap on both: the ranges must be @want (offset, len pairs) in order. */
static void expect_zap(struct pair *p, u32 index, int ret,
		       const struct sim_model_range *want)
{
	static struct zap_list cz;
	struct sim_model_range mz[8];
	int i;

	cz.nr = 0;
	ck_assert_int_eq(vfio_cookie_zap(&p->s, index, zap_collect, &cz), ret);
	ck_assert_int_eq(sim_model_zap(&p->m, index, mz, 8), ret);
	for (i = 0; i < ret; i++) {
		ck_assert_uint_eq(cz.r[i].offset, want[i].offset);
		ck_assert_uint_eq(cz.r[i].len, want[i].len);
		ck_assert_uint_eq(mz[i].offset, want[i].offset);
		ck_assert_uint_eq(mz[i].len, want[i].len);
	}
}

/*
 * LEGACY puts every region and every alias at index << 40, refuses a
 * region over 1 TiB and accepts one of exactly 1 TiB (design §9.3, §9.27;
 * VFIO_PCI_INDEX_TO_OFFSET in include/linux/vfio_pci_core.h).
 */
START_TEST(test_model_fixed_legacy)
{
	struct pair p;

	pair_init(&p, LEGACY, sim_tab_h100, ARRAY_SIZE(sim_tab_h100), 32);
	expect_region(&p, 0, 0, 0);
	expect_region(&p, 2, 0, 0x20000000000ULL);
	expect_region(&p, 8, 0, 0x80000000000ULL);
	expect_region(&p, 9, -EINVAL, 0);
	expect_alias(&p, 2, WC, 0, 0x90000000000ULL, 9);
	expect_alias(&p, 0, WC, 0, 0xa0000000000ULL, 10);
	expect_alias(&p, 2, WC, 0, 0x90000000000ULL, 9);
	expect_alias(&p, 2, 0, 0, 0x20000000000ULL, 2);
	expect_alias(&p, 7, WC, -EINVAL, 0, 0);
	expect_drop(&p, 0x90000000000ULL, 0);
	expect_drop(&p, 0x90000000000ULL, -ENXIO);
	expect_drop(&p, 0, -EINVAL);
	expect_alias(&p, 2, WC, 0, 0xb0000000000ULL, 11);
	expect_zap(&p, 2, 3, (const struct sim_model_range[]){
		{ 0x20000000000ULL, GIB(64) }, { 0x90000000000ULL, GIB(64) },
		{ 0xb0000000000ULL, GIB(64) } });
	expect_mmap(&p, 0x90000000000ULL, 4096, -ENXIO, 0);
	expect_mmap(&p, 0x20000000000ULL + GIB(64) - 4096, 4096, 0,
		    GIB(64) - 4096);
	expect_mmap(&p, 0x20000000000ULL + GIB(64) - 4096, 8192, -ENXIO, 0);
	expect_rw(&p, 0x70000000000ULL + 4095, 10, false, 0, 4095, 1);
	expect_rw(&p, 0x70000000000ULL + 4096, 1, false, -EINVAL, 0, 0);
	pair_fini(&p);

	pair_init(&p, LEGACY, sim_tab_big, ARRAY_SIZE(sim_tab_big), 16);
	expect_region(&p, 0, -EOVERFLOW, 0);
	expect_region(&p, 4, 0, 0x40000000000ULL);
	expect_alias(&p, 0, WC, -EOVERFLOW, 0, 0);
	expect_alias(&p, 0, 0, -EOVERFLOW, 0, 0);
	expect_alias(&p, 4, WC, 0, 0x90000000000ULL, 9);
	expect_mmap(&p, 0x40000000000ULL + TIB(1) - 4096, 4096, 0,
		    TIB(1) - 4096);
	pair_fini(&p);
}
END_TEST

/*
 * COMPAT keeps indices 0..8 at index << 40 and packs aliases and oversize
 * regions into the lowest aligned gaps; a dropped alias keeps its range
 * (design §9.22, 20250828131755.0b646987.alex.williamson@redhat.com).
 */
START_TEST(test_model_fixed_compat)
{
	struct pair p;

	pair_init(&p, COMPAT, sim_tab_h100, ARRAY_SIZE(sim_tab_h100), 32);
	expect_region(&p, 4, 0, 0x40000000000ULL);
	expect_alias(&p, 2, WC, 0, GIB(64), 9);
	expect_alias(&p, 0, WC, 0, MIB(16), 10);
	expect_alias(&p, 4, WC, 0, MIB(32), 11);
	expect_drop(&p, MIB(16), 0);
	expect_alias(&p, 0, WC, 0, MIB(64), 12);
	expect_zap(&p, 0, 3, (const struct sim_model_range[]){
		{ 0, MIB(16) }, { MIB(16), MIB(16) }, { MIB(64), MIB(16) } });
	pair_fini(&p);

	pair_init(&p, COMPAT, sim_tab_big, ARRAY_SIZE(sim_tab_big), 16);
	expect_region(&p, 4, 0, 0x40000000000ULL);
	expect_region(&p, 0, 0, TIB(10));
	expect_alias(&p, 0, WC, 0, TIB(12), 9);
	expect_alias(&p, 2, WC, 0, 0, 10);
	pair_fini(&p);

	pair_init(&p, COMPAT, sim_tab_many, ARRAY_SIZE(sim_tab_many), 40);
	expect_region(&p, 9, 0, MIB(1));
	expect_region(&p, 13, 0, GIB(4));
	expect_region(&p, 14, 0, MIB(1) + 0x2000);
	expect_region(&p, 16, 0, GIB(8));
	expect_region(&p, 8, 0, 0x80000000000ULL);
	pair_fini(&p);
}
END_TEST

/*
 * COMPACT creates cookies on first use, packed low and naturally aligned
 * to roundup_pow_of_two(span), also above 1 GiB (design §9.17,
 * 20250716184028.GA2177603@ziepe.ca,
 * cec694f109f705ab9e20c2641c1558aa19bcb25b.camel@amazon.com).
 */
START_TEST(test_model_fixed_compact)
{
	struct pair p;

	pair_init(&p, COMPACT, sim_tab_h100, ARRAY_SIZE(sim_tab_h100), 32);
	expect_region(&p, 7, 0, 0);
	expect_region(&p, 0, 0, MIB(16));
	expect_region(&p, 2, 0, GIB(64));
	expect_region(&p, 4, 0, MIB(32));
	expect_region(&p, 1, 0, 0x1000);
	expect_alias(&p, 2, WC, 0, GIB(128), 9);
	expect_alias(&p, 0, 0, 0, MIB(16), 0);
	expect_region(&p, 0, 0, MIB(16));
	expect_alias(&p, 4, WC, 0, MIB(64), 10);
	expect_mmap(&p, GIB(128) + GIB(1), MIB(2), 0, GIB(1));
	pair_fini(&p);

	pair_init(&p, COMPACT, nic, ARRAY_SIZE(nic), 32);
	expect_region(&p, 2, 0, 0);
	expect_region(&p, 0, 0, KIB(128));
	expect_region(&p, 4, 0, 0x1000);
	expect_alias(&p, 2, WC, 0, 0x2000, 9);
	expect_region(&p, 3, 0, 0x4000);
	expect_mmap(&p, 0x2000, 4096, 0, 0);
	expect_mmap(&p, 0x2000, 8192, -ENXIO, 0);
	expect_rw(&p, 0x2000 + 0x7f, 8, true, 0, 0x7f, 1);
	expect_rw(&p, 0x2000 + 0x80, 1, true, -EINVAL, 0, 0);
	expect_region(&p, 6, 0, KIB(64));
	expect_rw(&p, KIB(64), 4, true, -EINVAL, 0, 0);
	expect_rw(&p, KIB(64) + 2, 4, false, 0, 2, 4);
	pair_fini(&p);

	pair_init(&p, COMPACT, edge, ARRAY_SIZE(edge), 16);
	expect_region(&p, 3, 0, 0);
	expect_region(&p, 0, 0, 1ULL << 62);	/* ends at 2^63 - 1 */
	expect_region(&p, 1, 0, 1ULL << 61);
	expect_region(&p, 2, 0, TIB(2));
	expect_alias(&p, 0, WC, -ENOSPC, 0, 0);
	expect_alias(&p, 2, WC, 0, TIB(4), 5);
	expect_alias(&p, 1, WC, -ENOSPC, 0, 0);
	pair_fini(&p);
}
END_TEST

/*
 * Hostile arguments get the documented errno from both core and model:
 * bad index, unknown attrs, unaligned/zero/wrapping lengths, offsets past
 * 2^63, double drop (design §9.7, §9.20, §9.24; RFC patch 9,
 * 20250804104012.87915-10-mngyadam@amazon.de).
 */
START_TEST(test_model_hostile_args)
{
	struct pair p;
	int layout;

	for (layout = LEGACY; layout <= COMPACT; layout++) {
		pair_init(&p, layout, nic, ARRAY_SIZE(nic), 16);
		expect_region(&p, 9, -EINVAL, 0);
		expect_region(&p, UINT32_MAX, -EINVAL, 0);
		expect_alias(&p, 0, 2, -EINVAL, 0, 0);
		expect_alias(&p, 0, ~0U, -EINVAL, 0, 0);
		expect_alias(&p, 9, WC, -EINVAL, 0, 0);
		expect_alias(&p, 5, WC, -EINVAL, 0, 0);	/* I/O BAR */
		expect_alias(&p, 6, 0, -EINVAL, 0, 0);	/* ROM */
		expect_alias(&p, 1, WC, -EINVAL, 0, 0);	/* absent */
		expect_drop(&p, 1ULL << 63, -ENXIO);
		expect_drop(&p, ~0ULL, -ENXIO);
		expect_drop(&p, 12345, -ENXIO);
		expect_mmap(&p, 0, 0, -EINVAL, 0);
		expect_mmap(&p, 0, 100, -EINVAL, 0);
		expect_mmap(&p, 1, 4096, -EINVAL, 0);
		expect_mmap(&p, ~0ULL - 4095, 8192, -EOVERFLOW, 0);
		expect_mmap(&p, ~0ULL - 4095, 4096, -ENXIO, 0);
		expect_mmap(&p, 1ULL << 63, 4096, -ENXIO, 0);
		expect_rw(&p, 0, 0, false, -EINVAL, 0, 0);
		expect_rw(&p, 1ULL << 63, 1, false, -EINVAL, 0, 0);
		expect_rw(&p, ~0ULL, 1, true, -EINVAL, 0, 0);
		expect_zap(&p, 9, -EINVAL, NULL);
		expect_zap(&p, UINT32_MAX, -EINVAL, NULL);
		pair_fini(&p);
	}
}
END_TEST

/*
 * Bad init arguments give -EINVAL from both: layout, NULL or empty table,
 * more regions than the limit, a limit past 2^23, flags on an absent
 * region, unknown flags, a region ending past 2^63 (design §9.4, §9.21).
 */
START_TEST(test_model_init_errors)
{
	static const struct vfio_cookie_region bad_flags[] = { { 4096, 8 } };
	static const struct vfio_cookie_region absent_flags[] = { { 0, RW } };
	static const struct vfio_cookie_region too_big[] = {
		{ TOP + 1 - 4096 + 1, RW } };
	static const struct vfio_cookie_region just_fits[] = {
		{ TOP + 1 - 4096, RW } };
	static const struct {
		int layout;
		const struct vfio_cookie_region *r;
		u32 nr, max;
		int ret;
	} cases[] = {
		{ 3, sim_tab_h100, 9, 16, -EINVAL },
		{ -1, sim_tab_h100, 9, 16, -EINVAL },
		{ COMPACT, NULL, 9, 16, -EINVAL },
		{ COMPACT, sim_tab_h100, 0, 16, -EINVAL },
		{ COMPACT, sim_tab_h100, 9, 8, -EINVAL },
		{ COMPACT, sim_tab_h100, 9, VFIO_COOKIE_INDEX_MAX + 2, -EINVAL },
		{ COMPACT, sim_tab_h100, 9, VFIO_COOKIE_INDEX_MAX + 1, 0 },
		{ LEGACY, bad_flags, 1, 1, -EINVAL },
		{ LEGACY, absent_flags, 1, 1, -EINVAL },
		{ COMPAT, too_big, 1, 1, -EINVAL },
		{ COMPAT, just_fits, 1, 1, 0 },
		{ LEGACY, just_fits, 1, 1, 0 },
		{ COMPAT, sim_tab_h100, 9, 9, 0 },
	};
	struct vfio_cookie_space s;
	struct sim_model m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int cr = vfio_cookie_space_init(&s, cases[i].layout, cases[i].r,
						cases[i].nr, cases[i].max);
		int mr = sim_model_init(&m, cases[i].layout, cases[i].r,
					cases[i].nr, cases[i].max);

		ck_assert_msg(cr == cases[i].ret && mr == cases[i].ret,
			      "case %u: core %d, model %d, want %d", i, cr, mr,
			      cases[i].ret);
		if (!cr) {
			ck_assert_space_valid(&s);
			ck_assert_model_eq(&m, &s);
			vfio_cookie_space_destroy(&s);
			sim_model_destroy(&m);
		}
		sim_model_free(&m);
	}
}
END_TEST

/*
 * The per-fd limit counts regions, aliases and tombstones and gives
 * -ENOSPC; the offset space ending at 2^63 - 1 gives -ENOSPC too
 * (design §9.21, 20250807130605.644ac9f6.alex.williamson@redhat.com).
 */
START_TEST(test_model_limits)
{
	struct pair p;

	pair_init(&p, COMPACT, sim_tab_h100, ARRAY_SIZE(sim_tab_h100), 11);
	expect_alias(&p, 0, WC, 0, 0, 9);
	expect_drop(&p, 0, 0);
	expect_alias(&p, 0, WC, 0, MIB(16), 10);
	expect_drop(&p, MIB(16), 0);
	/* Two tombstones and no region yet: nine regions still fit. */
	expect_region(&p, 0, 0, MIB(32));
	expect_region(&p, 2, 0, GIB(64));
	expect_region(&p, 4, 0, MIB(64));
	expect_region(&p, 7, 0, MIB(48));
	expect_region(&p, 1, 0, MIB(48) + 0x1000);
	expect_region(&p, 3, 0, MIB(48) + 0x2000);
	expect_region(&p, 5, 0, MIB(48) + 0x3000);
	expect_region(&p, 6, 0, MIB(48) + 0x4000);
	expect_region(&p, 8, 0, MIB(48) + 0x5000);
	expect_alias(&p, 0, WC, -ENOSPC, 0, 0);
	expect_alias(&p, 0, 0, 0, MIB(32), 0);
	pair_fini(&p);

	pair_init(&p, LEGACY, nic, ARRAY_SIZE(nic), 9);
	expect_alias(&p, 0, WC, -ENOSPC, 0, 0);
	pair_fini(&p);

	/* The offset space ends at 2^63 - 1: fits there exactly, not past. */
	pair_init(&p, COMPACT, edge, ARRAY_SIZE(edge), 16);
	expect_region(&p, 0, 0, 0);
	expect_region(&p, 1, 0, 1ULL << 62);
	expect_alias(&p, 1, WC, 0, (1ULL << 62) + (1ULL << 61), 5);
	expect_alias(&p, 0, WC, -ENOSPC, 0, 0);
	expect_alias(&p, 3, WC, 0, (1ULL << 62) + (1ULL << 60) + 0x1000, 6);
	expect_region(&p, 3, 0, (1ULL << 62) + (1ULL << 60) + 0x2000);
	expect_region(&p, 2, 0, (1ULL << 62) + (1ULL << 60) + TIB(2));
	pair_fini(&p);

	/* An alias never takes the last room of a region not created yet. */
	pair_init(&p, COMPACT, sim_tab_h100, ARRAY_SIZE(sim_tab_h100), 10);
	expect_alias(&p, 0, WC, 0, 0, 9);
	expect_alias(&p, 2, WC, -ENOSPC, 0, 0);
	expect_drop(&p, 0, 0);
	expect_alias(&p, 0, WC, -ENOSPC, 0, 0);
	expect_region(&p, 0, 0, MIB(16));
	expect_region(&p, 2, 0, GIB(64));
	expect_region(&p, 4, 0, MIB(32));
	expect_region(&p, 7, 0, MIB(64));
	expect_region(&p, 1, 0, MIB(64) + 0x1000);
	expect_region(&p, 3, 0, MIB(64) + 0x2000);
	expect_region(&p, 5, 0, MIB(64) + 0x3000);
	expect_region(&p, 6, 0, MIB(64) + 0x4000);
	expect_region(&p, 8, 0, MIB(64) + 0x5000);
	expect_alias(&p, 4, 0, 0, MIB(32), 4);
	pair_fini(&p);

	pair_init(&p, COMPACT, top, ARRAY_SIZE(top), 16);
	expect_region(&p, 0, 0, 0);
	expect_alias(&p, 0, WC, 0, 1ULL << 62, 2);
	expect_region(&p, 1, -ENOSPC, 0);
	expect_mmap(&p, TOP + 1 - 4096, 4096, 0, (1ULL << 62) - 4096);
	expect_rw(&p, TOP, 8, false, 0, (1ULL << 62) - 1, 1);
	pair_fini(&p);
}
END_TEST

/*
 * A VMA's reference keeps its cookie alive, dead and immutable, after the
 * fd is closed, and the last put frees it (design §9.23; clients §0.6,
 * DPDK closes before munmap).
 */
START_TEST(test_model_vma_outlives_destroy)
{
	struct pair p;
	struct vfio_cookie *c, *d;
	u64 pos, mc, md;

	pair_init(&p, COMPAT, sim_tab_h100, ARRAY_SIZE(sim_tab_h100), 16);
	expect_alias(&p, 2, WC, 0, GIB(64), 9);
	c = vfio_cookie_mmap_get(&p.s, GIB(65), MIB(2), &pos);
	ck_assert(!IS_ERR(c));
	ck_assert_uint_eq(pos, GIB(1));
	ck_assert_int_eq(sim_model_mmap_get(&p.m, GIB(65), MIB(2), &pos, &mc),
			 0);
	vfio_cookie_get(c);
	sim_model_get(&p.m, mc);
	d = vfio_cookie_mmap_get(&p.s, 0, 4096, &pos);
	ck_assert(!IS_ERR(d));
	ck_assert_int_eq(sim_model_mmap_get(&p.m, 0, 4096, &pos, &md), 0);
	ck_assert_model_eq(&p.m, &p.s);
	expect_drop(&p, GIB(64), 0);
	ck_assert(READ_ONCE(c->dead));
	ck_assert_uint_eq(refcount_read(&c->users), 3);

	vfio_cookie_space_destroy(&p.s);
	sim_model_destroy(&p.m);
	ck_assert(READ_ONCE(d->dead));
	ck_assert_uint_eq(c->index, 9);
	ck_assert_uint_eq(c->attrs, WC);
	ck_assert_uint_eq(c->offset, GIB(64));
	ck_assert_uint_eq(refcount_read(&c->users), 2);
	ck_assert_uint_eq(refcount_read(&d->users), 1);
	ck_assert_uint_eq(sim_model_refs(&p.m), 3);
	vfio_cookie_put(c);
	vfio_cookie_put(c);
	vfio_cookie_put(d);
	sim_model_put(&p.m, mc);
	sim_model_put(&p.m, mc);
	sim_model_put(&p.m, md);
	ck_assert_uint_eq(sim_model_refs(&p.m), 0);
	sim_model_free(&p.m);
}
END_TEST

/*
 * COMPAT init whose regions over 1 TiB find no gap below 2^63 fails with
 * -ENOSPC, as the model does, and leaves nothing allocated (kernel-doc of
 * vfio_cookie_space_init(); design §9.21, §9.27).
 */
START_TEST(test_model_init_no_room)
{
	static const struct vfio_cookie_region two_huge[] = {
		{ (1ULL << 62) + 4096, RWM }, { (1ULL << 62) + 4096, RWM },
	};
	struct vfio_cookie_space s;
	struct sim_model m;
	long live = sim_live_allocs();

	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPAT, two_huge, 2, 4),
			 -ENOSPC);
	ck_assert_int_eq(sim_model_init(&m, COMPAT, two_huge, 2, 4), -ENOSPC);
	sim_model_free(&m);
	ck_assert_int_eq(sim_live_allocs(), live);
	/* One of them alone fits, at 0: naturally aligned to 2^63. */
	ck_assert_int_eq(vfio_cookie_space_init(&s, COMPAT, two_huge, 1, 4), 0);
	ck_assert_int_eq(sim_model_init(&m, COMPAT, two_huge, 1, 4), 0);
	ck_assert_model_eq(&m, &s);
	ck_assert_ptr_nonnull(s.region_cookies[0]);
	ck_assert_uint_eq(s.region_cookies[0]->offset, 0);
	vfio_cookie_space_destroy(&s);
	sim_model_destroy(&m);
	sim_model_free(&m);
}
END_TEST

/*
 * Every mmappable cookie is aligned so that OR-ing an offset inside the
 * region into it equals adding it, "userspace *will* do '|' instead of
 * '+'" (design §3 compact layout, §9.17;
 * cec694f109f705ab9e20c2641c1558aa19bcb25b.camel@amazon.com; the comment
 * above vfio_cookie_align() in sim/core/vfio_cookie.c).
 */
START_TEST(test_model_or_equals_add)
{
	const struct table *t = &tables[_i];
	int layout;

	for (layout = LEGACY; layout <= COMPACT; layout++) {
		struct pair p;
		u32 i;

		pair_init(&p, layout, t->r, t->nr, 64);
		for (i = 0; i < t->nr; i++) {
			u64 off;
			u32 idx;

			vfio_cookie_region_offset(&p.s, i, &off);
			sim_model_region_offset(&p.m, i, &off);
			if (vfio_cookie_alias(&p.s, i, WC, &off, &idx) == 0)
				sim_model_alias(&p.m, i, WC, &off, &idx);
		}
		ck_assert_space_valid(&p.s);
		ck_assert_model_eq(&p.m, &p.s);
		for (i = 0; i < p.m.nr; i++) {
			const struct sim_model_entry *e = &p.m.e[i];
			u64 pos;

			if (!(e->flags & VFIO_COOKIE_FLAG_MMAP))
				continue;
			for (pos = 4096; pos < e->size; pos <<= 1)
				ck_assert_msg((e->offset | pos) ==
					      e->offset + pos,
					      "%s layout %d: index %u (%#llx bytes) at %#llx: %#llx | %#llx != + (aligned to %#llx only)",
					      t->name, layout, e->index,
					      (unsigned long long)e->size,
					      (unsigned long long)e->offset,
					      (unsigned long long)e->offset,
					      (unsigned long long)pos,
					      (unsigned long long)(e->offset &
								   -e->offset));
		}
		pair_fini(&p);
	}
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("random");
	int nr = ARRAY_SIZE(tables);

	sim_tcase_defaults(tc);
	tcase_add_loop_test(tc, test_model_random_legacy, 0, nr);
	tcase_add_loop_test(tc, test_model_random_compat, 0, nr);
	tcase_add_loop_test(tc, test_model_random_compact, 0, nr);
	tcase_add_loop_test(tc, test_model_deep_tree, LEGACY, COMPACT + 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("fixed");
	sim_tcase_defaults(tc);
	tcase_add_test(tc, test_model_fixed_legacy);
	tcase_add_test(tc, test_model_fixed_compat);
	tcase_add_test(tc, test_model_fixed_compact);
	tcase_add_test(tc, test_model_hostile_args);
	tcase_add_test(tc, test_model_init_errors);
	tcase_add_test(tc, test_model_limits);
	tcase_add_test(tc, test_model_vma_outlives_destroy);
	tcase_add_test(tc, test_model_init_no_room);
	tcase_add_loop_test(tc, test_model_or_equals_add, 0, nr);
	suite_add_tcase(s, tc);
	return s;
}

VFIOSIM_CHECK_MAIN(model_suite)
