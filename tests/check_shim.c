// SPDX-License-Identifier: GPL-2.0-only
/*
 * The userspace fakes are at least as strict as the kernel (design.md §5):
 * the mutex knows its owner, lockdep_assert_held() checks, refcount_t warns
 * on misuse, every WARN is counted, fail-nth fails exactly the nth
 * allocation that may block, GFP_NOWAIT allocations fail as in the
 * kernel's shim, the live counters return to zero, and synchronize_rcu()
 * waits for readers.
 */
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "devices.h"
#include "sim.h"

static void quiet(void)
{
	sim_warn_verbose(false);
}

/* Run @fn(@arg) on a fresh thread and wait for it. */
static void on_thread(void *(*fn)(void *), void *arg)
{
	pthread_t th;

	ck_assert_int_eq(pthread_create(&th, NULL, fn, arg), 0);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
}

/* ---- mutex and lockdep ---- */

/*
 * lockdep_assert_held() on a mutex nobody holds WARNs, as lockdep does
 * (sim_kernel.h; design.md §5 "a mutex knows its owner").
 */
START_TEST(test_shim_lockdep_assert_unheld_warns)
{
	struct mutex m;

	quiet();
	mutex_init(&m);
	sim_expect_warns(1);
	lockdep_assert_held(&m);
	ck_assert_uint_eq(sim_warn_count(), 1);
	ck_assert_ptr_nonnull(strstr(sim_warn_last(), "sim_mutex_owned"));
	mutex_destroy(&m);
}
END_TEST

/*
 * lockdep_assert_held() by the owner is silent (sim_kernel.h; the kernel's
 * lockdep_assert_held()).
 */
START_TEST(test_shim_lockdep_assert_held_silent)
{
	struct mutex m;

	mutex_init(&m);
	mutex_lock(&m);
	lockdep_assert_held(&m);
	ck_assert(mutex_is_locked(&m));
	mutex_unlock(&m);
	ck_assert(!mutex_is_locked(&m));
	mutex_destroy(&m);
}
END_TEST

struct held_by_other {
	struct mutex m;
	pthread_mutex_t gate;
	pthread_cond_t cond;
	int stage;
};

static void stage_set(struct held_by_other *h, int stage)
{
	pthread_mutex_lock(&h->gate);
	h->stage = stage;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->gate);
}

static void stage_wait(struct held_by_other *h, int stage)
{
	pthread_mutex_lock(&h->gate);
	while (h->stage < stage)
		pthread_cond_wait(&h->cond, &h->gate);
	pthread_mutex_unlock(&h->gate);
}

static void *hold_then_release(void *p)
{
	struct held_by_other *h = p;

	mutex_lock(&h->m);
	stage_set(h, 1);
	stage_wait(h, 2);
	mutex_unlock(&h->m);
	return NULL;
}

/*
 * lockdep_assert_held() WARNs when another thread holds the mutex: "held"
 * means held by the caller (sim_kernel.h sim_mutex_owned()).
 */
START_TEST(test_shim_lockdep_assert_held_by_other_warns)
{
	struct held_by_other h = {
		.gate = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	pthread_t th;

	quiet();
	mutex_init(&h.m);
	ck_assert_int_eq(pthread_create(&th, NULL, hold_then_release, &h), 0);
	stage_wait(&h, 1);
	sim_expect_warns(1);
	ck_assert(mutex_is_locked(&h.m));
	lockdep_assert_held(&h.m);
	ck_assert_uint_eq(sim_warn_count(), 1);
	stage_set(&h, 2);
	pthread_join(th, NULL);
	ck_assert(!mutex_is_locked(&h.m));
	mutex_destroy(&h.m);
}
END_TEST

static void *unlock_it(void *p)
{
	mutex_unlock(p);
	return NULL;
}

/*
 * mutex_unlock() by a thread that does not own the mutex WARNs and leaves
 * it held by its owner (sim_kernel.h; kernel mutex debugging: "unlock of a
 * mutex not owned").
 */
START_TEST(test_shim_mutex_unlock_by_non_owner_warns)
{
	struct mutex m;

	quiet();
	mutex_init(&m);
	mutex_lock(&m);
	sim_expect_warns(1);
	on_thread(unlock_it, &m);
	ck_assert_uint_eq(sim_warn_count(), 1);
	ck_assert_ptr_nonnull(strstr(sim_warn_last(), "non-owner"));
	ck_assert(mutex_is_locked(&m));
	lockdep_assert_held(&m);
	mutex_unlock(&m);
	mutex_destroy(&m);
}
END_TEST

/*
 * mutex_unlock() of a mutex nobody holds WARNs (sim_kernel.h).
 */
START_TEST(test_shim_mutex_unlock_unheld_warns)
{
	struct mutex m;

	quiet();
	mutex_init(&m);
	sim_expect_warns(1);
	mutex_unlock(&m);
	ck_assert_uint_eq(sim_warn_count(), 1);
	ck_assert(!mutex_is_locked(&m));
	mutex_destroy(&m);
}
END_TEST

/*
 * A recursive mutex_lock() WARNs instead of deadlocking; the mutex stays
 * held once (sim_kernel.h: "A recursive lock deadlocks in the kernel").
 */
START_TEST(test_shim_mutex_recursive_lock_warns)
{
	struct mutex m;

	quiet();
	mutex_init(&m);
	mutex_lock(&m);
	sim_expect_warns(1);
	mutex_lock(&m);
	ck_assert_uint_eq(sim_warn_count(), 1);
	ck_assert_ptr_nonnull(strstr(sim_warn_last(), "held mutex"));
	mutex_unlock(&m);
	ck_assert(!mutex_is_locked(&m));
	mutex_destroy(&m);
}
END_TEST

/*
 * A held mutex may not be destroyed (sim_kernel.h mutex_destroy(); kernel
 * DEBUG_MUTEXES).
 */
START_TEST(test_shim_mutex_destroy_held_warns)
{
	struct mutex m;

	quiet();
	mutex_init(&m);
	mutex_lock(&m);
	sim_expect_warns(1);
	/* glibc refuses to destroy a locked mutex (EBUSY): it stays usable. */
	mutex_destroy(&m);
	ck_assert_uint_eq(sim_warn_count(), 1);
	mutex_unlock(&m);
	mutex_destroy(&m);
}
END_TEST

/* ---- refcount_t ---- */

/*
 * refcount_inc() from 0 is a use after free: it WARNs and does not
 * resurrect the object (sim_kernel.h; include/linux/refcount.h).
 */
START_TEST(test_shim_refcount_inc_from_zero_warns)
{
	refcount_t r;

	quiet();
	refcount_set(&r, 0);
	sim_expect_warns(1);
	refcount_inc(&r);
	ck_assert_uint_eq(sim_warn_count(), 1);
	ck_assert_uint_eq(refcount_read(&r), 0);
}
END_TEST

/*
 * refcount_dec_and_test() below 0 WARNs, saturates and does not report a
 * last reference, so nothing is freed twice (sim_kernel.h;
 * include/linux/refcount.h saturation).
 */
START_TEST(test_shim_refcount_underflow_warns)
{
	refcount_t r;

	quiet();
	refcount_set(&r, 1);
	ck_assert(refcount_dec_and_test(&r));
	sim_expect_warns(1);
	ck_assert(!refcount_dec_and_test(&r));
	ck_assert_uint_eq(sim_warn_count(), 1);
	ck_assert_uint_eq(refcount_read(&r), ~0U);
	/* Saturated: further use changes nothing that matters, no WARN. */
	ck_assert(!refcount_dec_and_test(&r));
	ck_assert_uint_eq(sim_warn_count(), 1);
}
END_TEST

/*
 * refcount_inc_not_zero() fails silently at 0 and counts up otherwise;
 * dec_and_test() reports only the last reference (include/linux/refcount.h).
 */
START_TEST(test_shim_refcount_normal_use_silent)
{
	refcount_t r;

	refcount_set(&r, 0);
	ck_assert(!refcount_inc_not_zero(&r));
	ck_assert_uint_eq(refcount_read(&r), 0);
	refcount_set(&r, 1);
	ck_assert(refcount_inc_not_zero(&r));
	refcount_inc(&r);
	ck_assert_uint_eq(refcount_read(&r), 3);
	ck_assert(!refcount_dec_and_test(&r));
	ck_assert(!refcount_dec_and_test(&r));
	ck_assert(refcount_dec_and_test(&r));
	ck_assert_uint_eq(sim_warn_count(), 0);
}
END_TEST

/* ---- WARN capture ---- */

/*
 * WARN_ON() counts each warning, returns its condition and records the
 * text of the last one; a false condition does nothing (sim.h
 * sim_warn_count(), sim_warn_last()).
 */
START_TEST(test_shim_warn_count_and_last)
{
	int answer = 41;

	quiet();
	ck_assert_ptr_null(sim_warn_last());
	ck_assert(!WARN_ON(answer == 41 + 1));
	ck_assert_uint_eq(sim_warn_count(), 0);
	sim_expect_warns(2);
	ck_assert(WARN_ON(answer != 42));
	ck_assert_uint_eq(sim_warn_count(), 1);
	ck_assert_ptr_nonnull(strstr(sim_warn_last(), "answer != 42"));
	ck_assert_ptr_nonnull(strstr(sim_warn_last(), "check_shim.c"));
	ck_assert(WARN_ON(answer < 42));
	ck_assert_uint_eq(sim_warn_count(), 2);
	ck_assert_ptr_nonnull(strstr(sim_warn_last(), "answer < 42"));
}
END_TEST

/*
 * WARN_ON_ONCE() reports every occurrence, stricter than the kernel, so a
 * test cannot miss a repeated warning (sim_kernel.h).
 */
START_TEST(test_shim_warn_on_once_counts_each)
{
	int i;

	quiet();
	sim_expect_warns(3);
	for (i = 0; i < 3; i++)
		ck_assert(WARN_ON_ONCE(i >= 0));
	ck_assert_uint_eq(sim_warn_count(), 3);
}
END_TEST

static void *warn_on_thread(void *p)
{
	(void)p;
	WARN_ON(1);
	return NULL;
}

/*
 * sim_warn_reset() clears the count and the last text (sim.h); WARNs from
 * other threads are counted too.
 */
START_TEST(test_shim_warn_reset_and_threads)
{
	quiet();
	on_thread(warn_on_thread, NULL);
	on_thread(warn_on_thread, NULL);
	ck_assert_uint_eq(sim_warn_count(), 2);
	ck_assert_ptr_nonnull(sim_warn_last());
	sim_warn_reset();
	ck_assert_uint_eq(sim_warn_count(), 0);
	ck_assert_ptr_null(sim_warn_last());
}
END_TEST

/* ---- allocation ---- */

/*
 * sim_fail_nth(3) fails exactly the third allocation that may block and no
 * other, once (sim.h; the kernel's /proc/self/task/<tid>/fail-nth).
 */
START_TEST(test_shim_fail_nth_exactly_nth_kmalloc)
{
	unsigned long calls = sim_alloc_calls();
	void *p[5];
	int i;

	sim_fail_nth(3);
	for (i = 0; i < 5; i++) {
		ck_assert(sim_fail_pending() == (i < 3));
		p[i] = kmalloc(32, GFP_KERNEL);
		ck_assert(!p[i] == (i == 2));
	}
	ck_assert(!sim_fail_pending());
	ck_assert_uint_eq(sim_alloc_calls(), calls + 5);
	for (i = 0; i < 5; i++)
		kfree(p[i]);
	/* kzalloc and kcalloc go through the same hook. */
	sim_fail_nth(1);
	ck_assert_ptr_null(kzalloc(8, GFP_KERNEL_ACCOUNT));
	sim_fail_nth(2);
	p[0] = kzalloc(8, GFP_KERNEL);
	ck_assert_ptr_nonnull(p[0]);
	ck_assert_ptr_null(kcalloc(4, 8, GFP_KERNEL));
	kfree(p[0]);
	/* 0 disarms. */
	sim_fail_nth(1);
	sim_fail_nth(0);
	p[0] = kmalloc(8, GFP_KERNEL);
	ck_assert_ptr_nonnull(p[0]);
	kfree(p[0]);
}
END_TEST

/*
 * fail-nth reaches the maple tree's node allocations: an insert whose
 * node allocation fails gives -ENOMEM and leaves nothing behind, for each
 * allocation the insert makes (sim.h; lib/maple_tree.c mas_nomem()).
 */
START_TEST(test_shim_fail_nth_maple_nodes)
{
	static int entry;
	struct maple_tree mt;
	unsigned long n, calls;
	int ret, i;

	/* How many allocations does filling a fresh tree take? */
	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU);
	calls = sim_alloc_calls();
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(mtree_insert_range(&mt, i * 0x2000UL,
						    i * 0x2000UL + 0xfff,
						    &entry, GFP_KERNEL), 0);
	calls = sim_alloc_calls() - calls;
	ck_assert_uint_gt(calls, 0);
	ck_assert_int_gt(sim_live_nodes(), 0);
	mtree_destroy(&mt);
	ck_assert_int_eq(sim_live_allocs(), 0);

	for (n = 1; n <= calls; n++) {
		mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU);
		sim_fail_nth(n);
		for (i = 0; i < 40; i++) {
			ret = mtree_insert_range(&mt, i * 0x2000UL,
						 i * 0x2000UL + 0xfff, &entry,
						 GFP_KERNEL);
			if (ret) {
				ck_assert_int_eq(ret, -ENOMEM);
				ck_assert_ptr_null(mtree_load(&mt,
							      i * 0x2000UL));
				ck_assert_int_eq(mtree_insert_range(&mt,
					i * 0x2000UL, i * 0x2000UL + 0xfff,
					&entry, GFP_KERNEL), 0);
			}
			ck_assert_ptr_eq(mtree_load(&mt, i * 0x2000UL + 5),
					 &entry);
		}
		ck_assert(!sim_fail_pending());
		mtree_destroy(&mt);
		ck_assert_int_eq(sim_live_allocs(), 0);
	}
}
END_TEST

/*
 * Allocations that may not block (GFP_NOWAIT, GFP_ATOMIC) always fail in
 * the kernel's shim (tools/lib/slab.c) and neither count as calls nor use
 * up an armed fail-nth (sim/shim/shim.c sim_alloc_fails()).
 */
START_TEST(test_shim_gfp_nowait_fails)
{
	unsigned long calls = sim_alloc_calls();
	void *p;

	ck_assert_ptr_null(kmalloc(16, GFP_NOWAIT));
	ck_assert_ptr_null(kzalloc(16, GFP_ATOMIC));
	ck_assert_uint_eq(sim_alloc_calls(), calls);
	sim_fail_nth(1);
	ck_assert_ptr_null(kmalloc(16, GFP_NOWAIT));
	ck_assert(sim_fail_pending());
	ck_assert_ptr_null(kmalloc(16, GFP_KERNEL));
	ck_assert(!sim_fail_pending());
	p = kmalloc(16, GFP_KERNEL);
	ck_assert_ptr_nonnull(p);
	kfree(p);
	ck_assert_int_eq(sim_live_kmalloc(), 0);
}
END_TEST

struct other_alloc {
	bool ok;
	unsigned long calls;
};

static void *alloc_on_thread(void *p)
{
	struct other_alloc *o = p;
	void *q = kmalloc(8, GFP_KERNEL);

	o->ok = q;
	o->calls = sim_alloc_calls();
	kfree(q);
	return NULL;
}

/*
 * fail-nth is per thread, like the kernel's per-task fail-nth: another
 * thread's allocations neither fail nor use it up (sim.h).
 */
START_TEST(test_shim_fail_nth_per_thread)
{
	struct other_alloc o = { 0 };

	sim_fail_nth(1);
	on_thread(alloc_on_thread, &o);
	ck_assert(o.ok);
	ck_assert_uint_eq(o.calls, 1);
	ck_assert(sim_fail_pending());
	ck_assert_ptr_null(kmalloc(8, GFP_KERNEL));
}
END_TEST

/*
 * The live counters follow kmalloc/kfree and maple nodes, and return to 0
 * once RCU has freed what was deferred (sim.h sim_live_allocs()).
 */
START_TEST(test_shim_live_counters_return_to_zero)
{
	struct vfio_cookie_space s;
	struct maple_tree mt;
	void *a, *b;
	u64 off;

	ck_assert_int_eq(sim_live_allocs(), 0);
	a = kmalloc(8, GFP_KERNEL);
	b = kzalloc(8, GFP_KERNEL);
	ck_assert_int_eq(sim_live_kmalloc(), 2);
	kfree(a);
	ck_assert_int_eq(sim_live_kmalloc(), 1);
	kfree(b);
	ck_assert_int_eq(sim_live_kmalloc(), 0);

	mt_init_flags(&mt, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU);
	ck_assert_int_eq(mtree_insert_range(&mt, 0x1000, 0x1fff, &mt,
					    GFP_KERNEL), 0);
	ck_assert_int_gt(sim_live_nodes(), 0);
	mtree_destroy(&mt);
	ck_assert_int_eq(sim_live_allocs(), 0);

	/* A whole space: regions, region table, cookies, nodes. */
	ck_assert_int_eq(vfio_cookie_space_init(&s, VFIO_COOKIE_LAYOUT_COMPAT,
						sim_dev_igd.regions,
						sim_dev_igd.nr_regions, 32), 0);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 12, &off), 0);
	ck_assert_int_gt(sim_live_kmalloc(), 2 + 9);
	ck_assert_int_gt(sim_live_nodes(), 0);
	vfio_cookie_space_destroy(&s);
	ck_assert_int_eq(sim_live_allocs(), 0);
}
END_TEST

/*
 * The core's own lock checks fire through the shim: a space operation
 * called while the caller already holds the space's mutex WARNs as a
 * recursive lock, which lockdep would report (vfio_cookie.h concurrency
 * table; sim_kernel.h).
 */
START_TEST(test_shim_core_recursive_lock_warns)
{
	struct vfio_cookie_space s;
	u64 off;

	quiet();
	ck_assert_int_eq(vfio_cookie_space_init(&s, VFIO_COOKIE_LAYOUT_LEGACY,
						sim_dev_nvme.regions,
						sim_dev_nvme.nr_regions, 16), 0);
	mutex_lock(&s.lock);
	/* mutex_lock WARNs and returns; the unlock inside then releases. */
	sim_expect_warns(1);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, SIM_BAR0, &off), 0);
	ck_assert_uint_eq(sim_warn_count(), 1);
	ck_assert(!mutex_is_locked(&s.lock));
	vfio_cookie_space_destroy(&s);
}
END_TEST

/* ---- RCU ---- */

struct rcu_reader {
	int stage;		/* 1: in its critical section */
	int released;		/* 1: about to leave it */
};

static void *read_then_leave(void *p)
{
	struct rcu_reader *r = p;

	sim_thread_init();
	rcu_read_lock();
	__atomic_store_n(&r->stage, 1, __ATOMIC_RELEASE);
	usleep(100 * 1000);
	__atomic_store_n(&r->released, 1, __ATOMIC_RELEASE);
	rcu_read_unlock();
	sim_thread_exit();
	return NULL;
}

/*
 * synchronize_rcu() waits for a reader already in its critical section.
 * tools/include/linux/kernel.h defines it as nothing and liburcu as a
 * grace period; sim_kernel.h pins liburcu's, whichever header came last.
 */
START_TEST(test_shim_synchronize_rcu_waits_for_reader)
{
	struct rcu_reader r = { 0 };
	pthread_t th;

	ck_assert_int_eq(pthread_create(&th, NULL, read_then_leave, &r), 0);
	while (!__atomic_load_n(&r.stage, __ATOMIC_ACQUIRE))
		sched_yield();
	synchronize_rcu();
	ck_assert_int_eq(__atomic_load_n(&r.released, __ATOMIC_ACQUIRE), 1);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
}
END_TEST

static Suite *shim_suite(void)
{
	Suite *s = suite_create("shim");
	TCase *tc;

	/*
	 * Allocation first: its maple tests start liburcu's call_rcu worker
	 * before any test thread exists.  Otherwise, with CK_FORK=no, the
	 * worker reuses a joined test thread's cached stack and valgrind
	 * blames that test for the worker's never-freed TLS block.
	 */
	tc = tcase_create("alloc");
	sim_tcase_defaults(tc);
	tcase_add_test(tc, test_shim_fail_nth_exactly_nth_kmalloc);
	tcase_add_test(tc, test_shim_fail_nth_maple_nodes);
	tcase_add_test(tc, test_shim_gfp_nowait_fails);
	tcase_add_test(tc, test_shim_fail_nth_per_thread);
	tcase_add_test(tc, test_shim_live_counters_return_to_zero);
	suite_add_tcase(s, tc);

	tc = tcase_create("rcu");
	sim_tcase_defaults(tc);
	tcase_add_test(tc, test_shim_synchronize_rcu_waits_for_reader);
	suite_add_tcase(s, tc);

	tc = tcase_create("mutex");
	sim_tcase_defaults(tc);
	tcase_add_test(tc, test_shim_lockdep_assert_unheld_warns);
	tcase_add_test(tc, test_shim_lockdep_assert_held_silent);
	tcase_add_test(tc, test_shim_lockdep_assert_held_by_other_warns);
	tcase_add_test(tc, test_shim_mutex_unlock_by_non_owner_warns);
	tcase_add_test(tc, test_shim_mutex_unlock_unheld_warns);
	tcase_add_test(tc, test_shim_mutex_recursive_lock_warns);
	tcase_add_test(tc, test_shim_mutex_destroy_held_warns);
	tcase_add_test(tc, test_shim_core_recursive_lock_warns);
	suite_add_tcase(s, tc);

	tc = tcase_create("refcount");
	sim_tcase_defaults(tc);
	tcase_add_test(tc, test_shim_refcount_inc_from_zero_warns);
	tcase_add_test(tc, test_shim_refcount_underflow_warns);
	tcase_add_test(tc, test_shim_refcount_normal_use_silent);
	suite_add_tcase(s, tc);

	tc = tcase_create("warn");
	sim_tcase_defaults(tc);
	tcase_add_test(tc, test_shim_warn_count_and_last);
	tcase_add_test(tc, test_shim_warn_on_once_counts_each);
	tcase_add_test(tc, test_shim_warn_reset_and_threads);
	suite_add_tcase(s, tc);
	return s;
}

VFIOSIM_CHECK_MAIN(shim_suite)
