/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel names the core needs that the kernel's userspace shim
 * (tools/testing/shared, tools/include) does not provide, or provides more
 * loosely than the kernel.  Every fake here is at least as strict as the
 * kernel: a mutex knows its owner, lockdep_assert_held() really checks,
 * refcount_t warns on misuse, and every WARN is counted so that a test that
 * did not expect one fails.
 */
#ifndef _VFIOSIM_SHIM_SIM_KERNEL_H
#define _VFIOSIM_SHIM_SIM_KERNEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim.h"

/* ---- CUSTOMISED: WARN is counted (asm/bug.h only prints) ---- */

#undef WARN_ON
#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		sim_warn(__FILE__, __LINE__, #condition);		\
	unlikely(__ret_warn_on);					\
})

/* Stricter than the kernel: every occurrence is reported, not the first. */
#undef WARN_ON_ONCE
#define WARN_ON_ONCE(condition)	WARN_ON(condition)

/* ---- CUSTOMISED: owner-tracked mutex (tools/include's is empty) ---- */

struct mutex {
	pthread_mutex_t lock;
	pthread_t owner;
	bool held;
};

static inline void mutex_init(struct mutex *m)
{
	pthread_mutex_init(&m->lock, NULL);
	m->held = false;
}

static inline bool sim_mutex_owned(const struct mutex *m)
{
	return __atomic_load_n(&m->held, __ATOMIC_ACQUIRE) &&
	       pthread_equal(__atomic_load_n(&m->owner, __ATOMIC_RELAXED),
			     pthread_self());
}

static inline void mutex_lock(struct mutex *m)
{
	/* A recursive lock deadlocks in the kernel: say so and stop. */
	if (sim_mutex_owned(m)) {
		sim_warn(__FILE__, __LINE__, "mutex_lock() of a held mutex");
		return;
	}
	pthread_mutex_lock(&m->lock);
	/* Read unlocked by contending callers of sim_mutex_owned(). */
	__atomic_store_n(&m->owner, pthread_self(), __ATOMIC_RELAXED);
	__atomic_store_n(&m->held, true, __ATOMIC_RELEASE);
}

static inline void mutex_unlock(struct mutex *m)
{
	if (!sim_mutex_owned(m)) {
		sim_warn(__FILE__, __LINE__, "mutex_unlock() by a non-owner");
		return;
	}
	__atomic_store_n(&m->held, false, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&m->lock);
}

static inline bool mutex_is_locked(struct mutex *m)
{
	return __atomic_load_n(&m->held, __ATOMIC_ACQUIRE);
}

static inline void mutex_destroy(struct mutex *m)
{
	if (mutex_is_locked(m))
		sim_warn(__FILE__, __LINE__, "mutex_destroy() of a held mutex");
	pthread_mutex_destroy(&m->lock);
}

#define lockdep_assert_held(m)	WARN_ON(!sim_mutex_owned(m))

/* ---- CUSTOMISED: refcount_t over atomics, warning like REFCOUNT_FULL ---- */

typedef struct {
	unsigned int refs;
} refcount_t;

static inline void refcount_set(refcount_t *r, unsigned int n)
{
	__atomic_store_n(&r->refs, n, __ATOMIC_RELAXED);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return __atomic_load_n(&r->refs, __ATOMIC_RELAXED);
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	unsigned int old = refcount_read(r);

	do {
		if (!old)
			return false;
		if (WARN_ON(old == ~0U))
			return true;
	} while (!__atomic_compare_exchange_n(&r->refs, &old, old + 1, true,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;
}

static inline void refcount_inc(refcount_t *r)
{
	/* Increment on 0: a use after free in the kernel. */
	WARN_ON(!refcount_inc_not_zero(r));
}

/*
 * The kernel's is a release decrement and, on the last, an acquire
 * (smp_acquire__after_ctrl_dep(), include/linux/refcount.h).  Here it is
 * one acq_rel decrement: the same locked instruction on x86, and the one
 * form ThreadSanitizer understands.  It ignores standalone fences, so with
 * an acquire fence it saw the free after the last put racing with other
 * threads' earlier puts (CI, check_threads under the tsan preset).
 */
static inline bool refcount_dec_and_test(refcount_t *r)
{
	unsigned int old = __atomic_fetch_sub(&r->refs, 1, __ATOMIC_ACQ_REL);

	if (WARN_ON(old == 0)) {
		/* Underflow: saturate instead of freeing twice. */
		refcount_set(r, ~0U);
		return false;
	}
	return old == 1;
}

/* ---- CUSTOMISED: synchronize_rcu() is liburcu's, whatever the order ---- */

/*
 * tools/include/linux/kernel.h defines synchronize_rcu() as nothing, and
 * liburcu's <urcu/map/urcu-memb.h> maps it to urcu_memb_synchronize_rcu():
 * the later of the two headers wins, silently.  A unit that met liburcu
 * first would free under running readers.  Here, after both, it is pinned
 * (sim/shim/tsan.h pins its own, which also tells ThreadSanitizer).
 */
#ifndef VFIOSIM_TSAN
#undef synchronize_rcu
#define synchronize_rcu		urcu_memb_synchronize_rcu
#endif

/* ---- DUPLICATED: constants (include/linux/limits.h, x86 pgtable_64_types.h) ---- */

#ifndef S64_MAX
#define S64_MAX		((s64)(~0ULL >> 1))
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#endif
#define PAGE_ALIGN(addr)	ALIGN(addr, PAGE_SIZE)
#define PAGE_ALIGNED(addr)	IS_ALIGNED((unsigned long)(addr), PAGE_SIZE)
#define PUD_SHIFT	30
#define PUD_SIZE	(1UL << PUD_SHIFT)

/* ---- DUPLICATED: allocation helpers over the shim's kmalloc (slab.h) ---- */

static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kzalloc(bytes, gfp);
}

static inline void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

#endif /* _VFIOSIM_SHIM_SIM_KERNEL_H */
