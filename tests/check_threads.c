// SPDX-License-Identifier: GPL-2.0-only
/*
 * RCU readers beside writers, while the device fds themselves come and go.
 *
 * T_SLOTS fds each hold an RCU-protected pointer to their current space.
 * Reader threads, under rcu_read_lock() only, resolve offsets with
 * vfio_cookie_lookup(), vfio_cookie_mmap_get() and vfio_cookie_rw_get(),
 * and keep some references for a while as a VMA would.  Writer threads
 * create region cookies and WC aliases, drop aliases, pin and unpin
 * cookies, zap regions, and replace whole spaces: the new space is
 * published with rcu_assign_pointer(), the old one destroyed after
 * synchronize_rcu() (space_init and space_destroy run beside nothing, as
 * the kernel-doc demands) while references on its cookies live on.
 *
 * Writers publish every cookie in a table of the space: PENDING (region,
 * target and attributes) before the call that creates it, LIVE with its
 * offset, size, index and the rest once the call returned, DROPPING before
 * vfio_cookie_drop(), GONE after the grace period that follows.  Each
 * writer owns the regions whose index is its number modulo the writers,
 * so what it publishes is exact.  Readers check every resolution against
 * that table:
 *   - a cookie found is the published one, every field equal (or, while
 *     its creation is PENDING, its region's size, flags, span and kind);
 *   - a cookie LIVE before and after the lookup is found;
 *   - a cookie GONE before the lookup is never found (no resolution after
 *     the grace period of the drop, no reuse of its range);
 *   - a held reference keeps its cookie intact, and dead once its space
 *     is destroyed.
 * ASan catches a reader touching a freed cookie or space.
 *
 * The short runs (tcase "threads") take a second per layout; the long run
 * (tcase "long", Check tag "long") takes VFIOSIM_LONG_SECONDS (60) and more
 * threads.  Without arguments the long run is excluded (CK_EXCLUDE_TAGS);
 * "check_threads --long" runs only it, and only when VFIOSIM_LONG=1 is in
 * the environment: otherwise it exits 77, which CTest reports as skipped.
 *
 * VFIOSIM_SEED=<n> fixes the seed; thread interleavings still vary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices.h"
#include "harness.h"
#include "sim.h"

#define RW	(VFIO_COOKIE_FLAG_READ | VFIO_COOKIE_FLAG_WRITE)
#define RWM	(RW | VFIO_COOKIE_FLAG_MMAP)
#define RO	VFIO_COOKIE_FLAG_READ
#define WC	VFIO_COOKIE_ATTR_WC
#define KIB(x)	((u64)(x) << 10)
#define MIB(x)	((u64)(x) << 20)
#define GIB(x)	((u64)(x) << 30)

#define T_SLOTS		2	/* device fds */
#define T_PUB		384	/* cookies published per space */
#define T_MAX_COOKIES	512
#define T_READER_REFS	8
#define T_WRITER_REFS	16
#define T_MAX_GENS	(1U << 20)	/* spaces created in one run */
#define T_MAX_THREADS	16

/* A device with sixteen regions: BARs, ROM, config, device specific. */
static const struct vfio_cookie_region t_regions[] = {
	{ MIB(16), RWM }, { 0, 0 }, { GIB(64), RWM }, { 0, 0 },
	{ MIB(32), RWM }, { 0x80, RWM }, { KIB(64), RO }, { 4096, RW },
	{ 0, 0 }, { 4096, RWM }, { KIB(8), RWM }, { MIB(2), RWM },
	{ 0x1800, RWM }, { GIB(1) + 4096, RWM }, { 0x3000, RW },
	{ KIB(128), RWM },
};

#define T_REGIONS	ARRAY_SIZE(t_regions)

enum t_state { T_EMPTY, T_PENDING, T_LIVE, T_DROPPING, T_GONE, T_VOID };

/*
 * One published cookie.  @target, @attrs and @kind are written before
 * @state becomes T_PENDING, the rest before it becomes T_LIVE; nothing
 * changes after.  @state only moves forward.
 */
struct t_pub {
	int state;
	u64 offset, span, size;
	u32 index, target, flags, attrs;
	enum vfio_cookie_kind kind;
};

/* The space of one open of a device fd, and what was published in it. */
struct t_space {
	struct vfio_cookie_space s;
	unsigned long gen;
	u32 nr_pub;
	struct t_pub pub[T_PUB];
	/* Touched only by the writer owning the region. */
	int region_pub[T_REGIONS];	/* the region's cookie, or -1 */
	int alias_pub[T_REGIONS];	/* its live WC alias, or -1 */
};

struct t_slot {
	struct t_space *cur;		/* RCU */
	pthread_rwlock_t lock;		/* writers share it; a swap takes it */
};

/* A reference held, with what the cookie must still say. */
struct t_ref {
	struct vfio_cookie *c;
	struct t_pub want;
	unsigned long gen;
};

struct t_run {
	struct t_slot slot[T_SLOTS];
	enum vfio_cookie_layout first_layout;
	unsigned int nr_readers, nr_writers;
	struct timespec end;
	bool stop;
	unsigned long next_gen;
	unsigned char destroyed[T_MAX_GENS / 8];
	pthread_mutex_t fail_lock;
	bool failed;
	char why[512];
	/* what happened, for the summary and the final asserts */
	unsigned long reads, hits, pending_hits, gone_checks, refs_held;
	unsigned long refs_past_destroy, creates, drops, zaps, swaps;
	unsigned long writer_gone_checks;
};

struct t_thread {
	struct t_run *run;
	unsigned int id;
	u64 rng;
	struct t_ref ref[T_WRITER_REFS];
	unsigned int nr_ref;
	unsigned long steps;
};

#define T_ADD(run, field, n)	__atomic_add_fetch(&(run)->field, n, __ATOMIC_RELAXED)

static u64 rnd(struct t_thread *t)
{
	/* splitmix64 */
	u64 z = (t->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

__printf(2, 3)
static void t_fail(struct t_run *run, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&run->fail_lock);
	if (!run->failed) {
		va_start(ap, fmt);
		vsnprintf(run->why, sizeof(run->why), fmt, ap);
		va_end(ap);
		__atomic_store_n(&run->failed, true, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&run->fail_lock);
	__atomic_store_n(&run->stop, true, __ATOMIC_RELEASE);
}

static bool t_stopped(struct t_run *run)
{
	struct timespec now;

	if (__atomic_load_n(&run->stop, __ATOMIC_ACQUIRE))
		return true;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > run->end.tv_sec ||
	    (now.tv_sec == run->end.tv_sec && now.tv_nsec >= run->end.tv_nsec)) {
		__atomic_store_n(&run->stop, true, __ATOMIC_RELEASE);
		return true;
	}
	return false;
}

static bool t_destroyed(struct t_run *run, unsigned long gen)
{
	return __atomic_load_n(&run->destroyed[gen / 8], __ATOMIC_ACQUIRE) &
	       (1U << (gen % 8));
}

static int t_state(const struct t_pub *p)
{
	return __atomic_load_n(&p->state, __ATOMIC_ACQUIRE);
}

/* seq_cst: ordered before the stores of the call that follows. */
static void t_set_state(struct t_pub *p, int state)
{
	__atomic_store_n(&p->state, state, __ATOMIC_SEQ_CST);
}

/*
 * Copy what entry @p published (it is at least T_LIVE), but not its
 * @state, which the writer may be moving on: @state is the caller's look.
 */
static void t_pub_copy(struct t_pub *out, const struct t_pub *p, int state)
{
	out->state = state;
	out->offset = p->offset;
	out->span = p->span;
	out->size = p->size;
	out->index = p->index;
	out->target = p->target;
	out->flags = p->flags;
	out->attrs = p->attrs;
	out->kind = p->kind;
}

/* Does the snapshot @c say what @want published? Returns why not. */
static const char *t_differs(const struct vfio_cookie *c,
			     const struct t_pub *want)
{
	if (c->offset != want->offset)
		return "offset";
	if (c->span != want->span)
		return "span";
	if (c->size != want->size)
		return "size";
	if (c->index != want->index)
		return "index";
	if (c->target != want->target)
		return "target";
	if (c->flags != want->flags)
		return "flags";
	if (c->attrs != want->attrs)
		return "attrs";
	if (c->kind != want->kind)
		return "kind";
	return NULL;
}

/* The fields a cookie of @target, @kind, @attrs has, offset aside. */
static const char *t_differs_pending(const struct vfio_cookie *c,
				     const struct t_pub *want)
{
	const struct vfio_cookie_region *r = &t_regions[want->target];

	if (c->target != want->target || c->kind != want->kind ||
	    c->attrs != want->attrs)
		return "target/kind/attrs";
	if (c->size != r->size || c->flags != r->flags)
		return "size/flags";
	if (c->span != (r->size ? PAGE_ALIGN(r->size) : PAGE_SIZE))
		return "span";
	if (c->kind == VFIO_COOKIE_REGION ? c->index != c->target :
	    c->index < T_REGIONS)
		return "index";
	return NULL;
}

/* Copy what a reader may read of a cookie it found. */
static void t_snap(struct vfio_cookie *out, const struct vfio_cookie *c)
{
	out->offset = c->offset;
	out->span = c->span;
	out->size = c->size;
	out->index = c->index;
	out->target = c->target;
	out->flags = c->flags;
	out->attrs = c->attrs;
	out->kind = c->kind;
	out->dead = READ_ONCE(c->dead);
	refcount_set(&out->users, refcount_read(&c->users));
}

/* ---- publishing (writers) ---- */

/* Claim a table entry and publish it PENDING; -1 when the table is full. */
static int t_claim(struct t_space *sp, enum vfio_cookie_kind kind, u32 target,
		   u32 attrs)
{
	u32 n = __atomic_load_n(&sp->nr_pub, __ATOMIC_RELAXED);
	struct t_pub *p;

	do {
		if (n >= T_PUB)
			return -1;
	} while (!__atomic_compare_exchange_n(&sp->nr_pub, &n, n + 1, true,
					      __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	p = &sp->pub[n];
	p->kind = kind;
	p->target = target;
	p->attrs = attrs;
	t_set_state(p, T_PENDING);
	return n;
}

/* The cookie at @offset was created: publish everything about it. */
static void t_publish(struct t_space *sp, int i, u64 offset, u32 index)
{
	const struct vfio_cookie_region *r = &t_regions[sp->pub[i].target];
	struct t_pub *p = &sp->pub[i];

	p->offset = offset;
	p->size = r->size;
	p->span = r->size ? PAGE_ALIGN(r->size) : PAGE_SIZE;
	p->flags = r->flags;
	p->index = index;
	t_set_state(p, T_LIVE);
}

/* No published cookie of @sp but @self may hold @offset (no reuse). */
static bool t_offset_is_new(struct t_space *sp, int self, u64 offset)
{
	u32 n = __atomic_load_n(&sp->nr_pub, __ATOMIC_ACQUIRE), i;

	for (i = 0; i < n; i++) {
		const struct t_pub *p = &sp->pub[i];

		if ((int)i == self || t_state(p) < T_LIVE || t_state(p) == T_VOID)
			continue;
		if (offset >= p->offset && offset - p->offset < p->span)
			return false;
	}
	return true;
}

/* A new space, its prepopulated region cookies published. */
static struct t_space *t_space_new(struct t_run *run,
				   enum vfio_cookie_layout layout)
{
	struct t_space *sp = calloc(1, sizeof(*sp));
	u32 r;
	int ret;

	if (!sp)
		abort();
	sp->gen = __atomic_add_fetch(&run->next_gen, 1, __ATOMIC_RELAXED);
	ret = vfio_cookie_space_init(&sp->s, layout, t_regions, T_REGIONS,
				     T_MAX_COOKIES);
	if (ret) {
		t_fail(run, "space_init: %d", ret);
		free(sp);
		return NULL;
	}
	for (r = 0; r < T_REGIONS; r++) {
		sp->region_pub[r] = -1;
		sp->alias_pub[r] = -1;
	}
	if (layout == VFIO_COOKIE_LAYOUT_COMPACT)
		return sp;
	for (r = 0; r < T_REGIONS; r++) {
		u64 off;
		int i;

		if (layout == VFIO_COOKIE_LAYOUT_COMPAT &&
		    r >= VFIO_COOKIE_COMPAT_INDICES)
			break;
		i = t_claim(sp, VFIO_COOKIE_REGION, r, 0);
		ret = vfio_cookie_region_offset(&sp->s, r, &off);
		if (ret) {
			t_fail(run, "region_offset(%u) at init: %d", r, ret);
			break;
		}
		t_publish(sp, i, off, r);
		sp->region_pub[r] = i;
	}
	return sp;
}

static void t_space_destroy(struct t_run *run, struct t_space *sp)
{
	vfio_cookie_space_destroy(&sp->s);
	if (sp->gen < T_MAX_GENS)
		__atomic_or_fetch(&run->destroyed[sp->gen / 8],
				  1U << (sp->gen % 8), __ATOMIC_RELEASE);
	free(sp);
}

/* Replace the space of @slot: publish, wait for the readers, destroy. */
static void t_swap(struct t_thread *t, struct t_slot *slot)
{
	struct t_run *run = t->run;
	struct t_space *old, *sp;

	if (__atomic_load_n(&run->next_gen, __ATOMIC_RELAXED) >= T_MAX_GENS - 1)
		return;
	sp = t_space_new(run, (run->first_layout + rnd(t)) % 3);
	if (!sp)
		return;
	pthread_rwlock_wrlock(&slot->lock);
	old = slot->cur;
	rcu_assign_pointer(slot->cur, sp);
	pthread_rwlock_unlock(&slot->lock);
	/* No reader can still be looking at @old after this. */
	synchronize_rcu();
	t_space_destroy(run, old);
	T_ADD(run, swaps, 1);
}

/* ---- references ---- */

static bool t_ref_keep(struct t_thread *t, unsigned int max,
		       struct vfio_cookie *c, const struct t_pub *want,
		       unsigned long gen)
{
	if (t->nr_ref == max) {
		vfio_cookie_put(c);
		return false;
	}
	t->ref[t->nr_ref].c = c;
	t->ref[t->nr_ref].want = *want;
	t->ref[t->nr_ref].gen = gen;
	t->nr_ref++;
	T_ADD(t->run, refs_held, 1);
	return true;
}

/* Give back reference @i, checking the cookie it kept alive. */
static void t_ref_put(struct t_thread *t, unsigned int i)
{
	struct t_ref *ref = &t->ref[i];
	/* Destroyed before the snapshot: the snapshot must say dead. */
	bool destroyed = t_destroyed(t->run, ref->gen);
	struct vfio_cookie snap;
	const char *why;

	t_snap(&snap, ref->c);
	why = t_differs(&snap, &ref->want);
	if (why)
		t_fail(t->run, "held cookie at %#llx changed its %s",
		       (unsigned long long)ref->want.offset, why);
	if (!refcount_read(&snap.users))
		t_fail(t->run, "held cookie at %#llx has no users",
		       (unsigned long long)ref->want.offset);
	if (destroyed) {
		if (!snap.dead)
			t_fail(t->run, "cookie at %#llx alive after its space was destroyed",
			       (unsigned long long)ref->want.offset);
		T_ADD(t->run, refs_past_destroy, 1);
	}
	vfio_cookie_put(ref->c);
	*ref = t->ref[--t->nr_ref];
}

static void t_ref_put_all(struct t_thread *t)
{
	while (t->nr_ref)
		t_ref_put(t, t->nr_ref - 1);
}

/* ---- readers ---- */

/*
 * A cookie found at a random offset @off: the entry published for its
 * offset must say the same, or, while its creation is still PENDING, the
 * entry of its region, kind and attributes.
 */
static void t_check_unlisted(struct t_run *run, struct t_space *sp,
			     const struct vfio_cookie *snap, u64 off)
{
	const struct t_pub *p;
	u32 n, i, pass;
	int st;

	/* Its table entry was claimed before it was created. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	n = __atomic_load_n(&sp->nr_pub, __ATOMIC_ACQUIRE);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			p = &sp->pub[i];
			st = t_state(p);
			if (st >= T_LIVE && st != T_VOID &&
			    p->offset == snap->offset)
				goto found;
			/* Second pass: PENDING in the first may be LIVE now. */
			if (pass && st == T_PENDING &&
			    !t_differs_pending(snap, p)) {
				T_ADD(run, pending_hits, 1);
				return;
			}
		}
	}
	t_fail(run, "gen %lu: offset %#llx resolved to a cookie nobody published (offset %#llx index %u target %u kind %d)",
	       sp->gen, (unsigned long long)off,
	       (unsigned long long)snap->offset, snap->index, snap->target,
	       snap->kind);
	return;
found:
	if (t_differs(snap, p))
		t_fail(run, "gen %lu: offset %#llx: the cookie found differs from the one published in its %s",
		       sp->gen, (unsigned long long)off, t_differs(snap, p));
}

/* A random offset: near the start of the fd, or in a legacy slot. */
static u64 t_random_offset(struct t_thread *t)
{
	if (rnd(t) & 1)
		return rnd(t) & (GIB(128) - 1);
	return ((rnd(t) % 20) << VFIO_COOKIE_LEGACY_SHIFT) +
	       (rnd(t) & (MIB(64) - 1));
}

/* One resolution by a reader. */
static void t_read_one(struct t_thread *t)
{
	struct t_run *run = t->run;
	struct t_slot *slot = &run->slot[rnd(t) % T_SLOTS];
	u32 how = rnd(t) % 100;
	struct vfio_cookie snap = { 0 };
	const struct t_pub *p = NULL;
	struct t_pub want = { 0 };
	enum { T_LOOKUP, T_MMAP, T_RW } acc;
	bool has_ref = false;
	unsigned long gen;
	struct t_space *sp;
	struct vfio_cookie *c;
	int st1 = T_EMPTY, st2 = T_EMPTY;
	u64 off, pos = 0, done = 0, count = 0;
	bool write = false;
	u32 n;

	rcu_read_lock();
	sp = rcu_dereference(slot->cur);
	n = __atomic_load_n(&sp->nr_pub, __ATOMIC_ACQUIRE);
	if (n && how < 85) {
		p = &sp->pub[rnd(t) % n];
		st1 = t_state(p);
		if (st1 < T_LIVE || st1 == T_VOID) {
			rcu_read_unlock();
			return;
		}
		t_pub_copy(&want, p, st1);
		off = want.offset + rnd(t) % want.span;
	} else {
		off = t_random_offset(t);
	}
	T_ADD(run, reads, 1);

	acc = how < 45 || !p ? T_LOOKUP : how < 70 ? T_MMAP : T_RW;
	if (acc == T_LOOKUP) {
		/* lookup: no reference, valid until rcu_read_unlock() */
		c = vfio_cookie_lookup(&sp->s, off);
		if (c)
			t_snap(&snap, c);
	} else if (acc == T_MMAP) {
		off &= ~(u64)(PAGE_SIZE - 1);
		c = vfio_cookie_mmap_get(&sp->s, off, PAGE_SIZE, &pos);
		if (IS_ERR(c)) {
			if (PTR_ERR(c) != -ENXIO && PTR_ERR(c) != -EINVAL)
				t_fail(run, "mmap_get(%#llx) = %ld",
				       (unsigned long long)off, PTR_ERR(c));
			if (PTR_ERR(c) == -EINVAL &&
			    (want.flags & VFIO_COOKIE_FLAG_MMAP))
				t_fail(run, "mmap_get(%#llx) of a mappable cookie = -EINVAL",
				       (unsigned long long)off);
			c = NULL;
		} else {
			t_snap(&snap, c);
			has_ref = true;
		}
	} else {
		write = rnd(t) & 1;
		count = 1 + rnd(t) % 8192;
		off = want.offset + rnd(t) % (want.size ? want.size : 1);
		c = vfio_cookie_rw_get(&sp->s, off, count, write, &pos, &done);
		if (IS_ERR(c)) {
			if (PTR_ERR(c) != -EINVAL)
				t_fail(run, "rw_get(%#llx) = %ld",
				       (unsigned long long)off, PTR_ERR(c));
			c = NULL;
		} else {
			t_snap(&snap, c);
			has_ref = true;
		}
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (p)
		st2 = t_state(p);

	if (c) {
		const char *why = NULL;

		T_ADD(run, hits, 1);
		if (!refcount_read(&snap.users))
			t_fail(run, "found a cookie with no users at %#llx",
			       (unsigned long long)off);
		if (off < snap.offset || off - snap.offset >= snap.span)
			t_fail(run, "offset %#llx resolved to [%#llx, +%#llx)",
			       (unsigned long long)off,
			       (unsigned long long)snap.offset,
			       (unsigned long long)snap.span);
		if (p)
			why = t_differs(&snap, &want);
		else
			t_check_unlisted(run, sp, &snap, off);
		if (why)
			t_fail(run, "gen %lu: offset %#llx: the cookie found differs from the one published in its %s",
			       sp->gen, (unsigned long long)off, why);
		if (p && st1 == T_GONE)
			t_fail(run, "gen %lu: dropped alias at %#llx resolved after its grace period",
			       sp->gen, (unsigned long long)want.offset);
		if (acc == T_MMAP && pos != off - snap.offset)
			t_fail(run, "mmap_get pos %#llx", (unsigned long long)pos);
		if (acc == T_RW && (pos != off - snap.offset ||
				  done != min(count, snap.size - pos)))
			t_fail(run, "rw_get pos %#llx done %#llx",
			       (unsigned long long)pos,
			       (unsigned long long)done);
	} else if (p && st1 == T_LIVE && st2 == T_LIVE) {
		bool expect = acc == T_LOOKUP ||
			      (acc == T_MMAP &&
			       (want.flags & VFIO_COOKIE_FLAG_MMAP)) ||
			      (acc == T_RW && want.size &&
			       (want.flags & (write ? VFIO_COOKIE_FLAG_WRITE :
					      VFIO_COOKIE_FLAG_READ)));

		if (expect)
			t_fail(run, "gen %lu: live cookie at %#llx (offset %#llx) not found",
			       sp->gen, (unsigned long long)want.offset,
			       (unsigned long long)off);
	}
	if (p && st1 == T_GONE)
		T_ADD(run, gone_checks, 1);
	gen = sp->gen;
	rcu_read_unlock();

	/* A mapping, and half the accesses, keep their reference for a while. */
	if (has_ref && (acc == T_MMAP || (rnd(t) & 1)))
		t_ref_keep(t, T_READER_REFS, c, &want, gen);
	else if (has_ref)
		vfio_cookie_put(c);

	if (t->nr_ref && rnd(t) % 4 == 0)
		t_ref_put(t, rnd(t) % t->nr_ref);
}

static void *t_reader(void *arg)
{
	struct t_thread *t = arg;

	sim_thread_init();
	while (!t_stopped(t->run))
		t_read_one(t);
	t_ref_put_all(t);
	sim_thread_exit();
	return NULL;
}

/* ---- writers ---- */

struct t_zap {
	u64 offset[T_PUB + T_REGIONS];
	u64 len[T_PUB + T_REGIONS];
	u32 nr;
};

static void t_zap_collect(void *priv, u64 offset, u64 len)
{
	struct t_zap *z = priv;

	if (z->nr < ARRAY_SIZE(z->offset)) {
		z->offset[z->nr] = offset;
		z->len[z->nr] = len;
	}
	z->nr++;
}

/* zap(@r) reaches exactly the cookies published for @r, dropped included. */
static void t_zap(struct t_thread *t, struct t_space *sp, u32 r)
{
	static __thread struct t_zap z;
	u32 n = __atomic_load_n(&sp->nr_pub, __ATOMIC_ACQUIRE), i, j, want = 0;
	int ret;

	z.nr = 0;
	ret = vfio_cookie_zap(&sp->s, r, t_zap_collect, &z);
	if (ret < 0 || (u32)ret != z.nr || z.nr > ARRAY_SIZE(z.offset)) {
		t_fail(t->run, "zap(%u) = %d for %u ranges", r, ret, z.nr);
		return;
	}
	for (i = 0; i < n; i++) {
		const struct t_pub *p = &sp->pub[i];
		int st = t_state(p);

		if (st < T_LIVE || st == T_VOID || p->target != r)
			continue;
		want++;
		for (j = 0; j < z.nr; j++)
			if (z.offset[j] == p->offset && z.len[j] == p->span)
				break;
		if (j == z.nr)
			t_fail(t->run, "zap(%u) missed the cookie at %#llx",
			       r, (unsigned long long)p->offset);
	}
	if (want != z.nr)
		t_fail(t->run, "zap(%u) gave %u ranges, %u published", r, z.nr,
		       want);
	T_ADD(t->run, zaps, 1);
}

/* Create the cookie of region @r (COMPACT, COMPAT above 8) or re-ask it. */
static void t_region(struct t_thread *t, struct t_space *sp, u32 r)
{
	int i = sp->region_pub[r], ret;
	u64 off;

	if (i >= 0) {
		ret = vfio_cookie_region_offset(&sp->s, r, &off);
		if (ret || off != sp->pub[i].offset)
			t_fail(t->run, "region_offset(%u) moved: %d %#llx", r,
			       ret, (unsigned long long)off);
		return;
	}
	i = t_claim(sp, VFIO_COOKIE_REGION, r, 0);
	if (i < 0)
		return;
	ret = vfio_cookie_region_offset(&sp->s, r, &off);
	if (ret) {
		t_fail(t->run, "region_offset(%u) = %d", r, ret);
		t_set_state(&sp->pub[i], T_VOID);
		return;
	}
	if (!t_offset_is_new(sp, i, off))
		t_fail(t->run, "region %u got the used offset %#llx", r,
		       (unsigned long long)off);
	t_publish(sp, i, off, r);
	sp->region_pub[r] = i;
	T_ADD(t->run, creates, 1);
}

static void t_alias(struct t_thread *t, struct t_space *sp, u32 r)
{
	int i = sp->alias_pub[r], ret;
	u32 index;
	u64 off;

	if (i >= 0) {
		/* Asked again: the same cookie. */
		ret = vfio_cookie_alias(&sp->s, r, WC, &off, &index);
		if (ret || off != sp->pub[i].offset ||
		    index != sp->pub[i].index)
			t_fail(t->run, "alias(%u, WC) again: %d %#llx %u", r,
			       ret, (unsigned long long)off, index);
		return;
	}
	i = t_claim(sp, VFIO_COOKIE_ALIAS, r, WC);
	if (i < 0)
		return;
	ret = vfio_cookie_alias(&sp->s, r, WC, &off, &index);
	if (ret) {
		t_fail(t->run, "alias(%u, WC) = %d", r, ret);
		t_set_state(&sp->pub[i], T_VOID);
		return;
	}
	if (!t_offset_is_new(sp, i, off) || index < T_REGIONS)
		t_fail(t->run, "alias of %u reused offset %#llx or index %u",
		       r, (unsigned long long)off, index);
	t_publish(sp, i, off, index);
	sp->alias_pub[r] = i;
	T_ADD(t->run, creates, 1);
}

/* Drop @r's alias; after the grace period no reader may resolve it. */
static void t_drop(struct t_thread *t, struct t_space *sp, u32 r)
{
	int i = sp->alias_pub[r], ret;
	struct t_pub *p;
	struct vfio_cookie *c;
	u64 pos;

	if (i < 0)
		return;
	p = &sp->pub[i];
	t_set_state(p, T_DROPPING);
	ret = vfio_cookie_drop(&sp->s, p->offset);
	if (ret)
		t_fail(t->run, "drop(%#llx) = %d", (unsigned long long)p->offset,
		       ret);
	sp->alias_pub[r] = -1;
	synchronize_rcu();
	t_set_state(p, T_GONE);
	T_ADD(t->run, drops, 1);

	/* The writer's own check, as a reader, after the grace period. */
	rcu_read_lock();
	c = vfio_cookie_lookup(&sp->s, p->offset + p->span - 1);
	rcu_read_unlock();
	if (c)
		t_fail(t->run, "dropped alias at %#llx found after the grace period",
		       (unsigned long long)p->offset);
	c = vfio_cookie_mmap_get(&sp->s, p->offset, PAGE_SIZE, &pos);
	if (!IS_ERR(c) || PTR_ERR(c) != -ENXIO)
		t_fail(t->run, "dropped alias at %#llx mapped: %ld",
		       (unsigned long long)p->offset,
		       IS_ERR(c) ? PTR_ERR(c) : 0L);
	if (!IS_ERR(c))
		vfio_cookie_put(c);
	if (vfio_cookie_drop(&sp->s, p->offset) != -ENXIO)
		t_fail(t->run, "second drop of %#llx did not give -ENXIO",
		       (unsigned long long)p->offset);
	T_ADD(t->run, writer_gone_checks, 1);
}

/* Map (pin) @r's region cookie or alias, as a VMA. */
static void t_pin(struct t_thread *t, struct t_space *sp, u32 r)
{
	int i = rnd(t) & 1 ? sp->alias_pub[r] : sp->region_pub[r];
	const struct t_pub *p;
	struct t_pub want;
	struct vfio_cookie *c;
	u64 pos;

	if (i < 0)
		return;
	p = &sp->pub[i];
	if (!(p->flags & VFIO_COOKIE_FLAG_MMAP))
		return;
	c = vfio_cookie_mmap_get(&sp->s, p->offset, p->span, &pos);
	if (IS_ERR(c) || pos) {
		t_fail(t->run, "mmap_get of the live cookie at %#llx: %ld",
		       (unsigned long long)p->offset,
		       IS_ERR(c) ? PTR_ERR(c) : 0L);
		return;
	}
	t_pub_copy(&want, p, T_LIVE);
	if (t_differs(c, &want))
		t_fail(t->run, "mapped cookie at %#llx differs",
		       (unsigned long long)p->offset);
	/* Sometimes a VMA split: a second reference. */
	if (t_ref_keep(t, T_WRITER_REFS, c, &want, sp->gen) &&
	    rnd(t) % 4 == 0) {
		vfio_cookie_get(c);
		t_ref_keep(t, T_WRITER_REFS, c, &want, sp->gen);
	}
}

static void t_write_one(struct t_thread *t)
{
	struct t_run *run = t->run;
	struct t_slot *slot = &run->slot[rnd(t) % T_SLOTS];
	u32 owned = (T_REGIONS - t->id + run->nr_writers - 1) / run->nr_writers;
	u32 r = t->id + run->nr_writers * (rnd(t) % owned);
	u32 how = rnd(t) % 200;
	struct t_space *sp;

	/* Each writer's first step replaces a space, then one step in 200. */
	if (how == 0 || !t->steps++) {
		t_swap(t, slot);
		return;
	}

	pthread_rwlock_rdlock(&slot->lock);
	sp = slot->cur;
	if (how < 30)
		t_region(t, sp, r);
	else if (how < 90 && (t_regions[r].flags & VFIO_COOKIE_FLAG_MMAP))
		t_alias(t, sp, r);
	else if (how < 140)
		t_drop(t, sp, r);
	else if (how < 165)
		t_pin(t, sp, r);
	else if (how < 175)
		t_zap(t, sp, r);
	else if (t->nr_ref)
		t_ref_put(t, rnd(t) % t->nr_ref);
	pthread_rwlock_unlock(&slot->lock);
}

static void *t_writer(void *arg)
{
	struct t_thread *t = arg;

	sim_thread_init();
	while (!t_stopped(t->run))
		t_write_one(t);
	t_ref_put_all(t);
	sim_thread_exit();
	return NULL;
}

/* ---- the runs ---- */

static void t_run(enum vfio_cookie_layout layout, unsigned int readers,
		  unsigned int writers, unsigned int ms)
{
	static struct t_run run;
	struct t_thread th[T_MAX_THREADS];
	pthread_t tid[T_MAX_THREADS];
	pthread_rwlockattr_t attr;
	unsigned long seed = sim_seed();
	unsigned int i, nr = readers + writers;
	u32 s;

	ck_assert_uint_le(nr, T_MAX_THREADS);
	memset(&run, 0, sizeof(run));
	pthread_mutex_init(&run.fail_lock, NULL);
	run.first_layout = layout;
	run.nr_readers = readers;
	run.nr_writers = writers;
	pthread_rwlockattr_init(&attr);
	/* A swap must not starve behind writers that keep sharing the lock. */
	pthread_rwlockattr_setkind_np(&attr,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (s = 0; s < T_SLOTS; s++) {
		pthread_rwlock_init(&run.slot[s].lock, &attr);
		run.slot[s].cur = t_space_new(&run, (layout + s) % 3);
		ck_assert_ptr_nonnull(run.slot[s].cur);
	}
	pthread_rwlockattr_destroy(&attr);

	clock_gettime(CLOCK_MONOTONIC, &run.end);
	run.end.tv_sec += ms / 1000;
	run.end.tv_nsec += (ms % 1000) * 1000000L;
	if (run.end.tv_nsec >= 1000000000L) {
		run.end.tv_sec++;
		run.end.tv_nsec -= 1000000000L;
	}
	for (i = 0; i < nr; i++) {
		memset(&th[i], 0, sizeof(th[i]));
		th[i].run = &run;
		th[i].id = i < writers ? i : i - writers;
		th[i].rng = seed ^ ((u64)(layout + 1) << 32) ^ (i + 1) * 0x100000001b3ULL;
		ck_assert_int_eq(pthread_create(&tid[i], NULL,
						i < writers ? t_writer : t_reader,
						&th[i]), 0);
	}
	for (i = 0; i < nr; i++)
		pthread_join(tid[i], NULL);

	for (s = 0; s < T_SLOTS; s++) {
		const char *why = NULL;

		if (!vfio_cookie_space_validate(&run.slot[s].cur->s, &why))
			t_fail(&run, "slot %u invalid at the end: %s", s, why);
		t_space_destroy(&run, run.slot[s].cur);
		pthread_rwlock_destroy(&run.slot[s].lock);
	}
	printf("threads: layout %d, %u readers, %u writers, %u ms:\n", layout,
	       readers, writers, ms);
	printf("  %lu reads, %lu hits (%lu while PENDING), %lu of dropped aliases after their grace period\n",
	       run.reads, run.hits, run.pending_hits, run.gone_checks);
	printf("  %lu references held (%lu past their space), %lu creates, %lu drops, %lu zaps, %lu swaps\n",
	       run.refs_held, run.refs_past_destroy, run.creates, run.drops,
	       run.zaps, run.swaps);
	fflush(stdout);
	ck_assert_msg(!run.failed, "seed %lu: %s", seed, run.why);
	ck_assert_uint_gt(run.hits, 0);
	ck_assert_uint_gt(run.creates, 0);
	ck_assert_uint_gt(run.drops, 0);
	ck_assert_uint_gt(run.gone_checks + run.writer_gone_checks, 0);
	ck_assert_uint_gt(run.zaps, 0);
	ck_assert_uint_gt(run.swaps, 0);
}

/*
 * Two readers and two writers for a second in each starting layout:
 * every resolution agrees with what the writers published, nothing is
 * resolved after the grace period of its drop, references outlive their
 * space (vfio_cookie.h concurrency table; design.md §3 "lookup (RCU, no
 * lock)"; immutable cookies, 20250805143134.GP26511@ziepe.ca).
 */
START_TEST(test_threads_readers_writers_swaps)
{
	t_run(sim_layouts[_i], 2, 2, 1000);
}
END_TEST

static unsigned int t_long_seconds(void)
{
	const char *env = getenv("VFIOSIM_LONG_SECONDS");
	unsigned long s = env ? strtoul(env, NULL, 0) : 0;

	return s ? s : 60;
}

/* The same for VFIOSIM_LONG_SECONDS with four readers and three writers. */
START_TEST(test_threads_long)
{
	t_run(VFIO_COOKIE_LAYOUT_LEGACY, 4, 3, t_long_seconds() * 1000);
}
END_TEST

static Suite *threads_suite(void)
{
	Suite *s = suite_create("threads");
	TCase *tc;

	tc = tcase_create("threads");
	sim_tcase_defaults(tc);
	tcase_set_tags(tc, "threads");
	tcase_add_loop_test(tc, test_threads_readers_writers_swaps, 0,
			    sim_nr_layouts);
	suite_add_tcase(s, tc);

	tc = tcase_create("long");
	sim_tcase_defaults(tc);
	tcase_set_tags(tc, "long threads");
	tcase_set_timeout(tc, t_long_seconds() + 300);
	tcase_add_test(tc, test_threads_long);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--long")) {
		if (!getenv("VFIOSIM_LONG") || strcmp(getenv("VFIOSIM_LONG"), "1")) {
			printf("check_threads --long: skipped, set VFIOSIM_LONG=1 to run it\n");
			return 77;
		}
		setenv("CK_INCLUDE_TAGS", "long", 1);
	} else if (argc > 1) {
		fprintf(stderr, "usage: %s [--long]\n", argv[0]);
		return 2;
	} else if (!getenv("CK_INCLUDE_TAGS") && !getenv("CK_EXCLUDE_TAGS")) {
		setenv("CK_EXCLUDE_TAGS", "long", 1);
	}
	return sim_run_suite(threads_suite());
}
