// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run-time side of the userspace shim: WARN capture, the fail-nth hook in
 * front of the kernel shim's allocators, and live counts.
 *
 * The hook sits in front of kmalloc() (tools/lib/slab.c) and the kmem_cache
 * allocators (tools/testing/shared/linux.c) through the linker's --wrap, so
 * the kernel's files are used unchanged and every allocation the core and
 * the maple tree make can be failed.
 */
#include "vfio_cookie_internal.h"

#include <stdio.h>
#include <stdlib.h>

extern int nr_allocated;
extern int kmalloc_nr_allocated;
void maple_tree_init(void);

static unsigned long warn_count;
static const char *warn_last;
static bool warn_verbose = true;

void sim_warn(const char *file, int line, const char *what)
{
	static __thread char buf[256];

	snprintf(buf, sizeof(buf), "%s:%d: WARN: %s", file, line, what);
	__atomic_add_fetch(&warn_count, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&warn_last, buf, __ATOMIC_RELEASE);
	if (__atomic_load_n(&warn_verbose, __ATOMIC_RELAXED))
		fprintf(stderr, "vfiosim: %s\n", buf);
}

unsigned long sim_warn_count(void)
{
	return __atomic_load_n(&warn_count, __ATOMIC_RELAXED);
}

const char *sim_warn_last(void)
{
	return __atomic_load_n(&warn_last, __ATOMIC_ACQUIRE);
}

void sim_warn_reset(void)
{
	__atomic_store_n(&warn_count, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&warn_last, NULL, __ATOMIC_RELEASE);
}

void sim_warn_verbose(bool on)
{
	__atomic_store_n(&warn_verbose, on, __ATOMIC_RELAXED);
}

/* Per thread, like /proc/self/task/<tid>/fail-nth. */
static __thread unsigned long fail_nth;
static __thread unsigned long alloc_calls;

void sim_fail_nth(unsigned long nth)
{
	fail_nth = nth;
}

bool sim_fail_pending(void)
{
	return fail_nth != 0;
}

unsigned long sim_alloc_calls(void)
{
	return alloc_calls;
}

/*
 * Only allocations that may block count: the maple tree first tries
 * GFP_NOWAIT under its lock, which the kernel shim always fails, and then
 * retries with the caller's flags.
 */
static bool sim_alloc_fails(gfp_t gfp)
{
	if (!(gfp & __GFP_DIRECT_RECLAIM))
		return false;
	alloc_calls++;
	if (!fail_nth)
		return false;
	if (--fail_nth)
		return false;
	return true;
}

void *__real_kmalloc(size_t size, gfp_t gfp);
void *__wrap_kmalloc(size_t size, gfp_t gfp);
void *__real_kmem_cache_alloc_lru(struct kmem_cache *cachep,
				  struct list_lru *lru, int gfp);
void *__wrap_kmem_cache_alloc_lru(struct kmem_cache *cachep,
				  struct list_lru *lru, int gfp);
int __real_kmem_cache_alloc_bulk(struct kmem_cache *cachep, gfp_t gfp,
				 size_t size, void **list);
int __wrap_kmem_cache_alloc_bulk(struct kmem_cache *cachep, gfp_t gfp,
				 size_t size, void **list);

void *__wrap_kmalloc(size_t size, gfp_t gfp)
{
	if (sim_alloc_fails(gfp))
		return NULL;
	return __real_kmalloc(size, gfp);
}

void *__wrap_kmem_cache_alloc_lru(struct kmem_cache *cachep,
				  struct list_lru *lru, int gfp)
{
	if (sim_alloc_fails(gfp))
		return NULL;
	return __real_kmem_cache_alloc_lru(cachep, lru, gfp);
}

int __wrap_kmem_cache_alloc_bulk(struct kmem_cache *cachep, gfp_t gfp,
				 size_t size, void **list)
{
	if (sim_alloc_fails(gfp))
		return 0;
	return __real_kmem_cache_alloc_bulk(cachep, gfp, size, list);
}

#ifdef VFIOSIM_TSAN
void __tsan_acquire(void *addr);
/*
 * ThreadSanitizer: what follows a grace period is ordered after every RCU
 * read-side critical section that ended before it (sim/shim/tsan.h).
 */
char sim_tsan_rcu_gp;

/*
 * call_rcu() callbacks read what they free before freeing it: each one
 * runs through sim_tsan_rcu_trampoline(), which acquires first.  The
 * callback of each pending head waits in a small table (liburcu's
 * rcu_head holds only the function it is given).
 */
#define TSAN_CB_BUCKETS	1024

struct tsan_cb {
	struct rcu_head *head;
	void (*func)(struct rcu_head *head);
	struct tsan_cb *next;
};

static pthread_mutex_t tsan_cb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tsan_cb *tsan_cb_table[TSAN_CB_BUCKETS];

static unsigned int tsan_cb_hash(struct rcu_head *head)
{
	return ((unsigned long)head >> 4) % TSAN_CB_BUCKETS;
}

static void sim_tsan_rcu_trampoline(struct rcu_head *head)
{
	struct tsan_cb **pp, *cb = NULL;

	__tsan_acquire(&sim_tsan_rcu_gp);
	pthread_mutex_lock(&tsan_cb_lock);
	for (pp = &tsan_cb_table[tsan_cb_hash(head)]; *pp; pp = &(*pp)->next) {
		if ((*pp)->head == head) {
			cb = *pp;
			*pp = cb->next;
			break;
		}
	}
	pthread_mutex_unlock(&tsan_cb_lock);
	if (!cb)
		abort();
	cb->func(head);
	free(cb);
}

void sim_tsan_call_rcu(struct rcu_head *head,
		       void (*func)(struct rcu_head *head))
{
	struct tsan_cb *cb = malloc(sizeof(*cb));
	unsigned int h = tsan_cb_hash(head);

	if (!cb)
		abort();
	cb->head = head;
	cb->func = func;
	__tsan_release(&sim_tsan_rcu_gp);
	pthread_mutex_lock(&tsan_cb_lock);
	cb->next = tsan_cb_table[h];
	tsan_cb_table[h] = cb;
	pthread_mutex_unlock(&tsan_cb_lock);
	urcu_memb_call_rcu(head, sim_tsan_rcu_trampoline);
}
#endif

long sim_live_kmalloc(void)
{
	return uatomic_read(&kmalloc_nr_allocated);
}

long sim_live_nodes(void)
{
	return uatomic_read(&nr_allocated);
}

long sim_live_allocs(void)
{
	rcu_barrier();
	return sim_live_kmalloc() + sim_live_nodes();
}

static pthread_once_t maple_once = PTHREAD_ONCE_INIT;

void sim_thread_init(void)
{
	rcu_register_thread();
	pthread_once(&maple_once, maple_tree_init);
}

void sim_thread_exit(void)
{
	rcu_unregister_thread();
}
