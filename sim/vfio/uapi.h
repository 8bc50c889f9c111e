/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VFIO uAPI side of the simulated device fd: builds the reply of
 * VFIO_DEVICE_GET_REGION_INFO in the layout of the system's <linux/vfio.h>,
 * with the argsz protocol and the capability chain (ioctl.c), and decodes
 * it again, as a client would (replay.c).  This unit includes no kernel
 * shim header: it sees only libc and the uAPI.
 */
#ifndef _VFIOSIM_VFIO_UAPI_H
#define _VFIOSIM_VFIO_UAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_UAPI_BUF	512

/* vfio-pci's fixed indices (enum in <linux/vfio.h>). */
extern const uint32_t sim_uapi_rom_index, sim_uapi_config_index,
	sim_uapi_vga_index, sim_uapi_num_regions;

/*
 * A capability the simulator adds for the alias design: "this region is an
 * alias of region @target with @flags", as Alex Williamson asked for
 * (20251015133642.16134684@shazbot.org).  Not in any kernel uAPI.
 */
#define SIM_REGION_INFO_CAP_ALIAS	0x5600

struct sim_region_reply {
	uint32_t argsz;		/* argsz the caller passed */
	uint32_t flags;		/* VFIO_REGION_INFO_FLAG_R/W/MMAP */
	uint64_t size;
	uint64_t offset;
	bool msix_mappable;
	unsigned int nr_sparse;
	const uint64_t *sparse;	/* nr_sparse (offset, size) pairs */
	bool has_type;
	uint32_t type, subtype;
	bool is_alias;
	uint32_t alias_target, alias_flags;
};

/* What a client reads back from the reply buffer. */
struct sim_region_seen {
	uint32_t argsz;
	uint32_t flags;
	uint32_t cap_offset;
	uint64_t size;
	uint64_t offset;
	uint32_t caps;		/* bit n: capability id n seen */
	bool alias;
	uint32_t alias_target;
};

/*
 * Fill @buf (SIM_UAPI_BUF bytes) with what GET_REGION_INFO copies to the
 * caller for @r, following vfio_get_region_info() of v6.19: minsz 32, caps
 * only when argsz has room, else argsz grows and cap_offset is 0.  Returns
 * how many bytes from the start of @buf the kernel copies out (32, or 32
 * and the chain after it), or -EINVAL (argsz below minsz).
 */
int sim_uapi_region_info(const struct sim_region_reply *r, uint8_t *buf);
/* Decode @buf as a client does: the struct, then walk the chain. */
int sim_uapi_region_seen(const uint8_t *buf, struct sim_region_seen *seen);

#endif /* _VFIOSIM_VFIO_UAPI_H */
