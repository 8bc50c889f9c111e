/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seam of the VFIO offset cookie core: the only list of kernel headers
 * that vfio_cookie.c uses.  A userspace build provides its own file with the
 * same include guard, so this list is skipped there.
 */
#ifndef __DRIVERS_VFIO_VFIO_COOKIE_INTERNAL_H
#define __DRIVERS_VFIO_VFIO_COOKIE_INTERNAL_H

#include <linux/align.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/maple_tree.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/xarray.h>

#endif /* __DRIVERS_VFIO_VFIO_COOKIE_INTERNAL_H */
