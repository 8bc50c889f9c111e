/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What ThreadSanitizer needs to see of the kernel's memory model, forced
 * into every unit of a VFIOSIM_TSAN build (-include, cmake/KernelTree.cmake;
 * the tsan preset).  Nothing here is compiled otherwise.
 *
 * TSan knows C11 atomics and pthreads, not the kernel's idioms:
 *   - READ_ONCE()/WRITE_ONCE() (tools/include/linux/compiler.h) and
 *     liburcu's rcu_dereference()/rcu_assign_pointer() are volatile
 *     accesses and fences, which TSan takes for plain accesses.  Here they
 *     are __atomic loads and stores: relaxed for the *_ONCE pair, acquire
 *     and release for the RCU pair (what the kernel's memory model gives
 *     them: Documentation/memory-barriers.txt, "address dependency").
 *   - An RCU grace period orders every read-side critical section that
 *     began before it with what follows it (the free of what was
 *     unpublished).  liburcu does that with membarrier() and counters TSan
 *     cannot see.  So rcu_read_unlock() and call_rcu() release one sync
 *     object, and synchronize_rcu() and every call_rcu() callback, before
 *     it runs (shim.c's trampoline), acquire it: the two places where what
 *     was unpublished gets freed.  A reader still inside its critical
 *     section has not released, so a free that did not wait for it is
 *     still a race; so is a reader that uses a pointer after its
 *     rcu_read_unlock().
 *
 * The cost: whatever follows a grace period is ordered after every
 * critical section that ended before it, which can hide a race between a
 * reader's work and later work on memory that was never RCU-protected.  docs/reliability.md says
 * what the tsan preset found and what it suppresses (tests/tsan.supp).
 */
#ifndef _VFIOSIM_TSAN_H
#define _VFIOSIM_TSAN_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

/*
 * tools/include/linux/kernel.h defines synchronize_rcu() as nothing, and
 * liburcu maps it to urcu_memb_synchronize_rcu(): the later header wins.
 * kernel.h first, as in every unit of the build (sim_kernel.h).
 */
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <urcu.h>

void __tsan_acquire(void *addr);
void __tsan_release(void *addr);

/* The one sync object standing for "every critical section so far". */
extern char sim_tsan_rcu_gp;

#undef READ_ONCE
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#undef WRITE_ONCE
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
#undef rcu_dereference
#define rcu_dereference(p)	__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#undef rcu_assign_pointer
#define rcu_assign_pointer(p, v)					\
	__atomic_store_n(&(p), (__typeof__(p))(v), __ATOMIC_RELEASE)

static inline void sim_tsan_read_unlock(void)
{
	__tsan_release(&sim_tsan_rcu_gp);
	urcu_memb_read_unlock();
}

static inline void sim_tsan_synchronize_rcu(void)
{
	urcu_memb_synchronize_rcu();
	__tsan_acquire(&sim_tsan_rcu_gp);
}

/* Its callback acquires before it reads what it frees (shim.c). */
void sim_tsan_call_rcu(struct rcu_head *head,
		       void (*func)(struct rcu_head *head));

#undef call_rcu
#define call_rcu		sim_tsan_call_rcu
#undef rcu_read_unlock
#define rcu_read_unlock		sim_tsan_read_unlock
#undef synchronize_rcu
#define synchronize_rcu		sim_tsan_synchronize_rcu

#endif /* _VFIOSIM_TSAN_H */
