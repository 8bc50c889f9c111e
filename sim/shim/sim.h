/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Knobs and counters of the userspace shim, for tests, fuzzers and the
 * replayer: WARN capture, fail-the-Nth-allocation, live allocation counts.
 */
#ifndef _VFIOSIM_SHIM_SIM_H
#define _VFIOSIM_SHIM_SIM_H

#include <stdbool.h>

/* Called by WARN_ON() and the strict fakes; counts and logs the warning. */
void sim_warn(const char *file, int line, const char *what);
/* Warnings since the last sim_warn_reset() in this process. */
unsigned long sim_warn_count(void);
/* The text of the last warning, or NULL. */
const char *sim_warn_last(void);
void sim_warn_reset(void);
/* Print warnings to stderr as they happen (default: true). */
void sim_warn_verbose(bool on);

/*
 * Fail the nth allocation that may block made by this thread from now on
 * (1 = the next one), core kmalloc and maple node allocations alike, as
 * the kernel's fail-nth does; 0 disables.  One-shot.
 */
void sim_fail_nth(unsigned long nth);
/* Is a failure still armed (not yet reached)? */
bool sim_fail_pending(void);
/* Allocations that may block made by this thread so far. */
unsigned long sim_alloc_calls(void);

/* Objects live in the shim's kmalloc and kmem_cache (maple nodes). */
long sim_live_kmalloc(void);
long sim_live_nodes(void);
/* Wait for pending RCU frees, then the sum of the two above. */
long sim_live_allocs(void);

/* Register the calling thread with RCU and set up the maple tree once. */
void sim_thread_init(void);
void sim_thread_exit(void);

#endif /* _VFIOSIM_SHIM_SIM_H */
