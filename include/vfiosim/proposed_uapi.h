/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The uAPI the three proposed designs add to the VFIO device fd, as
 * vfiosim_vfio_ioctl() answers it.  No kernel header has any of it: the
 * structs are the proposals' own, cited by lore message-id
 * (https://lore.kernel.org/kvm/<msgid>/); where a proposal left a number
 * open, or took one the kernel has since given away, the simulator picks
 * one, marked "simulator-only".  Each command is answered only under its
 * design; under the others it is an unknown ioctl (-ENOTTY), or an unknown
 * feature of VFIO_DEVICE_FEATURE (-ENOTTY too).
 *
 * Include after nothing that includes the kernel shim: this needs the
 * system's <linux/vfio.h>.
 */
#ifndef _VFIOSIM_PROPOSED_UAPI_H
#define _VFIOSIM_PROPOSED_UAPI_H

#include <linux/types.h>
#include <linux/vfio.h>

/*
 * setattr: RFC v1 patch 8/9, "vfio: UAPI for setting mmap attributes"
 * (20250804104012.87915-9-mngyadam@amazon.de).  No argsz and no flags.
 * The handler (patch 9/9, 20250804104012.87915-10-mngyadam@amazon.de):
 * unknown bits in @attrs -EINVAL; @offset in no cookie (mtree_load()
 * misses) -EINVAL; a region without VFIO_REGION_INFO_FLAG_MMAP -EINVAL;
 * else the attributes of that cookie are overwritten, for later mmaps.
 * The number is the RFC's; 6.12 gives VFIO_BASE + 21 to
 * VFIO_MIG_GET_PRECOPY_INFO, an ioctl of the migration data fd, not of the
 * device fd.
 */
struct vfio_mmap_attrs {
	__u64	offset;		/* Region offset */
	__u32	attrs;
#define VFIO_MMAP_ATTR_WRITE_COMBINE	(1 << 0)
};

#define VFIO_DEVICE_SET_MMAP_ATTRS	_IO(VFIO_TYPE, VFIO_BASE + 21)

/*
 * alias: the alias-region RFC, patch 4/7 "vfio: Add alias region uapi for
 * device feature" (20250924141018.80202-5-mngyadam@amazon.de), used with
 * VFIO_DEVICE_FEATURE | VFIO_DEVICE_FEATURE_SET; PROBE says whether it is
 * there and does nothing else.  The handler (patch 7/7,
 * 20250924141018.80202-8-mngyadam@amazon.de) after vfio_check_feature():
 * GET -EINVAL; argsz short of the struct -EINVAL; @index past the regions,
 * an alias, or a region that cannot be mmapped -EINVAL; @flags other than
 * WC -EINVAL, and so (a simulator rule) reserved fields that are not 0; an
 * existing alias of the same region and flags is returned again
 * (de-duplication); -ENOSPC when the device has VFIOSIM_VFIO_MAX_ALIASES,
 * or an open fd of it has no room for one more cookie.  The new region's
 * index comes back in @alias_index; GET_REGION_INFO of it gives its
 * offset, flags MMAP only (alias regions have no read/write,
 * 20250814115247.4458764a.alex.williamson@redhat.com) and, instead of the
 * RFC's ALIAS and WC region flags, a capability naming its target
 * (SIM_REGION_INFO_CAP_ALIAS, as Alex asked in
 * 20251015133642.16134684@shazbot.org).
 */
struct vfio_device_feature_alias_region {
	__u32	flags;		/* Region flags to be used */
	__u32	index;		/* Region index */
	__u32	alias_index;	/* New region index */
	__u32	_resv1;
	__u64	_resv2;
};

/*
 * Simulator-only: the RFC numbered the feature 11, which v6.19 gave to
 * VFIO_DEVICE_FEATURE_DMA_BUF.  Bit 15 keeps it clear of the kernel's.
 */
#define VFIOSIM_DEVICE_FEATURE_ALIAS_REGION	(0x8000 | 11)
/* The RFC's VFIO_REGION_INFO_FLAG_WC (1 << 5), the only flag it takes. */
#define VFIOSIM_ALIAS_REGION_FLAG_WC		(1 << 5)

/*
 * getmmap: Jason Gunthorpe's sketch (20250811155558.GF377696@ziepe.ca):
 * "the kernel will internally de-duplicate region_index/mmap_flags ->
 * fd_offset"; mmap_flags 0 is what GET_REGION_INFO gives today.  The
 * sketch leaves a hole at byte 12 and names no flag values and no ioctl
 * number.  The simulator's rules, after the other VFIO ioctls: argsz short
 * of @fd_offset -EINVAL; unknown @mmap_flags -EINVAL; @region_index past
 * the regions or absent -EINVAL; a WC cookie of a region that cannot be
 * mmapped -EINVAL; -ENOSPC at the per-fd limit.  @region_size and
 * @fd_offset come back.
 */
struct vfio_region_get_mmap {
	__u32	argsz;
	__u32	region_index;	/* only one, no aliases */
	__u32	mmap_flags;	/* Set WC here */
	__aligned_u64	region_size;
	__aligned_u64	fd_offset;
};

/* Simulator-only: the sketch names neither the flag nor the ioctl. */
#define VFIOSIM_REGION_MMAP_FLAG_WC	(1 << 0)
#define VFIOSIM_DEVICE_GET_REGION_MMAP	_IO(VFIO_TYPE, VFIO_BASE + 22)

#endif /* _VFIOSIM_PROPOSED_UAPI_H */
