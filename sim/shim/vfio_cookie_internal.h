/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace side of the seam of the VFIO offset cookie core.
 *
 * It uses the include guard of sim/core/vfio_cookie_internal.h, so once
 * this file is included the core's own list of kernel headers is skipped
 * (the pattern of the kernel's mm/vma_internal.h and tools/testing/vma).
 * The kernel names the core uses come from the kernel's own userspace shim
 * (tools/testing/shared and tools/include, taken from the kernel tree at
 * build time) and, for what that shim lacks, from sim_kernel.h.
 */
#ifndef __DRIVERS_VFIO_VFIO_COOKIE_INTERNAL_H
#define __DRIVERS_VFIO_VFIO_COOKIE_INTERNAL_H

/* The kernel's shim: must come before <linux/maple_tree.h>. */
#include "maple-shared.h"
#include <linux/maple_tree.h>
#include <linux/xarray.h>
#include <linux/align.h>
#include <linux/bits.h>
#include <linux/export.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "sim_kernel.h"

#endif /* __DRIVERS_VFIO_VFIO_COOKIE_INTERNAL_H */
