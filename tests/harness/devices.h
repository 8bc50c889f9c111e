/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Region tables of real (and a few synthetic) devices, shared by the test
 * suites.  Each table is indexed by VFIO region index, exactly as a driver
 * would hand it to vfio_cookie_space_init(); an absent region has size 0
 * and flags 0.  Where the figures come from is written next to each table
 * in devices.c.
 */
#ifndef _VFIOSIM_TESTS_DEVICES_H
#define _VFIOSIM_TESTS_DEVICES_H

#include "vfio_cookie_internal.h"
#include "vfio_cookie.h"

/* The fixed vfio-pci region indices (design §6.1). */
enum sim_pci_index {
	SIM_BAR0,
	SIM_BAR1,
	SIM_BAR2,
	SIM_BAR3,
	SIM_BAR4,
	SIM_BAR5,
	SIM_ROM,
	SIM_CONFIG,
	SIM_VGA,
	SIM_NUM_PCI_REGIONS,
};

/* Short names for region flags in the tables. */
#define SIM_R		VFIO_COOKIE_FLAG_READ
#define SIM_RW		(VFIO_COOKIE_FLAG_READ | VFIO_COOKIE_FLAG_WRITE)
#define SIM_RWM		(SIM_RW | VFIO_COOKIE_FLAG_MMAP)

/* tools/include lacks it. */
#ifndef U64_MAX
#define U64_MAX		((u64)~0ULL)
#endif
#ifndef U32_MAX
#define U32_MAX		((u32)~0U)
#endif

#define SIM_KiB		(1ULL << 10)
#define SIM_MiB		(1ULL << 20)
#define SIM_GiB		(1ULL << 30)
#define SIM_TiB		(1ULL << 40)

struct sim_device {
	const char *name;
	const struct vfio_cookie_region *regions;
	u32 nr_regions;
};

/* NVIDIA H100 80GB HBM3: BAR0 16 MiB, BAR2 128 GiB, BAR4 32 MiB, 9 regions. */
extern const struct sim_device sim_dev_h100;
/*
 * Intel X710 PF: BAR0 8 MiB, BAR3 32 KiB, ROM 512 KiB, plus a 4 KiB and a
 * sub-page 0x80 BAR.
 */
extern const struct sim_device sim_dev_x710;
/* Enterprise NVMe SSD: BAR0 16 KiB, ROM 64 KiB. */
extern const struct sim_device sim_dev_nvme;
/* CXL-like accelerator whose BAR2 is 2 TiB, beyond a legacy 1 TiB slot. */
extern const struct sim_device sim_dev_cxl;
/* Intel IGD-like GPU with VGA and device-specific regions 9..12. */
extern const struct sim_device sim_dev_igd;

/* Every device above, in that order. */
extern const struct sim_device *const sim_devices[];
extern const unsigned int sim_nr_devices;

/* Is region @index of @dev mmappable? */
static inline bool sim_dev_mmappable(const struct sim_device *dev, u32 index)
{
	return dev->regions[index].flags & VFIO_COOKIE_FLAG_MMAP;
}

/* Bytes a region's cookie reserves: PAGE_ALIGN(size), at least a page. */
static inline u64 sim_span(u64 size)
{
	return size ? PAGE_ALIGN(size) : PAGE_SIZE;
}

/* The layouts, by value, for loop tests, and their names for pictures. */
extern const enum vfio_cookie_layout sim_layouts[];
extern const unsigned int sim_nr_layouts;
const char *sim_layout_name(enum vfio_cookie_layout layout);

/* mmap2() passes the offset in 4096-byte units in 32 bits (design §9.26). */
#define SIM_MMAP2_REACH	(1ULL << 44)

/* Can 32-bit userspace mmap the whole of [@offset, @offset + @span)? */
static inline bool sim_fits_mmap2(u64 offset, u64 span)
{
	return offset < SIM_MMAP2_REACH && span <= SIM_MMAP2_REACH - offset;
}

/*
 * Print the picture of @space (sim_draw_space()) to stdout under a title
 * made from @fmt, and flush, so it survives Check's forked test child.
 */
__printf(2, 3)
void sim_picture(struct vfio_cookie_space *space, const char *fmt, ...);

/*
 * Copy the live cookie that contains @offset into @out, under
 * rcu_read_lock(); false when vfio_cookie_lookup() finds none.
 */
bool sim_lookup_copy(struct vfio_cookie_space *space, u64 offset,
		     struct vfio_cookie *out);

#endif /* _VFIOSIM_TESTS_DEVICES_H */
