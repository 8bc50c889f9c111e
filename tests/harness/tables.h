/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Region tables and shorthands shared by the model-driven suites
 * (check_model, check_nomem).  The figures are synthetic shapes chosen to
 * reach the core's edges; the tables of real devices are in devices.h.
 */
#ifndef _VFIOSIM_TESTS_TABLES_H
#define _VFIOSIM_TESTS_TABLES_H

#include "vfio_cookie_internal.h"
#include "vfio_cookie.h"

#define RW	(VFIO_COOKIE_FLAG_READ | VFIO_COOKIE_FLAG_WRITE)
#define RWM	(RW | VFIO_COOKIE_FLAG_MMAP)
#define RO	VFIO_COOKIE_FLAG_READ
#define WO	VFIO_COOKIE_FLAG_WRITE
#define WC	VFIO_COOKIE_ATTR_WC
#define KIB(x)	((u64)(x) << 10)
#define MIB(x)	((u64)(x) << 20)
#define GIB(x)	((u64)(x) << 30)
#define TIB(x)	((u64)(x) << 40)

#define LEGACY	VFIO_COOKIE_LAYOUT_LEGACY
#define COMPAT	VFIO_COOKIE_LAYOUT_COMPAT
#define COMPACT	VFIO_COOKIE_LAYOUT_COMPACT

/* An H100-like GPU: BAR0 16 MiB, BAR2 64 GiB, BAR4 32 MiB, no ROM/VGA. */
extern const struct vfio_cookie_region sim_tab_h100[9];
/* A CXL-sized device: a 2 TiB BAR and a BAR of exactly one legacy slot. */
extern const struct vfio_cookie_region sim_tab_big[9];
/* 20 regions; 9..19 are device specific (vfio_pci_core_register_dev_region). */
extern const struct vfio_cookie_region sim_tab_many[20];

#endif /* _VFIOSIM_TESTS_TABLES_H */
