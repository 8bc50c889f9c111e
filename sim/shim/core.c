// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one translation unit that compiles the core in userspace: the shim's
 * seam header first, so the core's own kernel header list is skipped.
 */
#include "vfio_cookie_internal.h"
#include "../core/vfio_cookie.c"
