/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared Check fixtures and helpers for the vfiosim suites.
 *
 * Every test case uses sim_checked_fixture(): setup registers the thread
 * with RCU and sets up the maple tree in the forked child (never in the
 * parent: a call_rcu worker does not survive fork), teardown waits for RCU
 * and fails the test on any live allocation or unexpected WARN.
 */
#ifndef _VFIOSIM_TESTS_HARNESS_H
#define _VFIOSIM_TESTS_HARNESS_H

#include <check.h>
#include <stdio.h>

#include "vfio_cookie_internal.h"
#include "vfio_cookie.h"

void sim_setup(void);
void sim_teardown(void);

/* Add @tc's checked fixture and a timeout that suits sanitizers/valgrind. */
void sim_tcase_defaults(TCase *tc);

/* A test that provokes a WARN on purpose says how many it expects. */
void sim_expect_warns(unsigned long nr);

/* The seed of randomised tests: VFIOSIM_SEED, or the time; printed once. */
unsigned long sim_seed(void);

/* Run @suite, print Check's summary, return the process exit status. */
int sim_run_suite(Suite *suite);

#define VFIOSIM_CHECK_MAIN(suite_fn)				\
	int main(void)						\
	{							\
		return sim_run_suite(suite_fn());		\
	}

/* Draw the offset space of @space (one line per entry) into @out. */
void sim_draw_space(struct vfio_cookie_space *space, const char *title,
		    FILE *out);

/* Fail the test unless @space validates. */
#define ck_assert_space_valid(space) do {				\
	const char *__why = NULL;					\
	ck_assert_msg(vfio_cookie_space_validate(space, &__why),	\
		      "space invalid: %s", __why);			\
} while (0)

#endif /* _VFIOSIM_TESTS_HARNESS_H */
