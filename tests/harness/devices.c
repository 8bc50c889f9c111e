// SPDX-License-Identifier: GPL-2.0-only
/*
 * Region tables shared by the test suites.
 *
 * Sizes come from /work/shared/research/vfio-clients.md §3 ("Device region
 * tables"), the flags from the vfio-pci rules of vfio-design.md §6.2: a BAR
 * is R|W, plus MMAP when it is a memory BAR of at least a page; ROM is READ
 * only; CONFIG is R|W and never mmappable; an absent region is size 0,
 * flags 0.  Entries marked "synthetic" are not in the cited dump and were
 * added so that every shape of region the core must handle appears in some
 * table.
 */
#include "devices.h"

#include <stdarg.h>

#include "harness.h"

/*
 * NVIDIA H100 80GB HBM3 10de:2330, clients §3.1 (measured, guest view) and
 * §0.8: BAR0 16 MiB (0x1000000), BAR2 128 GiB (0x2000000000), BAR4 32 MiB
 * (0x2000000), all 64-bit prefetchable, so BAR1/3/5 are the upper halves and
 * absent; ROM hidden (0), CONFIG 0x1000, not a VGA device.
 */
static const struct vfio_cookie_region h100_regions[] = {
	[SIM_BAR0]	= { 16 * SIM_MiB, SIM_RWM },
	[SIM_BAR1]	= { 0, 0 },
	[SIM_BAR2]	= { 128 * SIM_GiB, SIM_RWM },
	[SIM_BAR3]	= { 0, 0 },
	[SIM_BAR4]	= { 32 * SIM_MiB, SIM_RWM },
	[SIM_BAR5]	= { 0, 0 },
	[SIM_ROM]	= { 0, 0 },
	[SIM_CONFIG]	= { 4 * SIM_KiB, SIM_RW },
	[SIM_VGA]	= { 0, 0 },
};

/*
 * Intel X710 PF 8086:1572, clients §3.3: BAR0 8 MiB and BAR3 32 KiB, both
 * 64-bit prefetchable (BAR1, BAR4 are their upper halves), ROM 512 KiB
 * (clients §3.6).  Synthetic: BAR2, a 4 KiB memory BAR (the size of the
 * SPDK vfio-user NVMe BAR5, clients §3.4), and BAR5, a 0x80-byte I/O BAR
 * that is never mmappable (the 128-byte I/O BAR5 of the GPUs in clients
 * §3.2).
 */
static const struct vfio_cookie_region x710_regions[] = {
	[SIM_BAR0]	= { 8 * SIM_MiB, SIM_RWM },
	[SIM_BAR1]	= { 0, 0 },
	[SIM_BAR2]	= { 4 * SIM_KiB, SIM_RWM },
	[SIM_BAR3]	= { 32 * SIM_KiB, SIM_RWM },
	[SIM_BAR4]	= { 0, 0 },
	[SIM_BAR5]	= { 0x80, SIM_RW },
	[SIM_ROM]	= { 512 * SIM_KiB, SIM_R },
	[SIM_CONFIG]	= { 4 * SIM_KiB, SIM_RW },
	[SIM_VGA]	= { 0, 0 },
};

/*
 * Enterprise NVMe SSD, clients §3.4: BAR0 16 KiB (the NVMe MLBAR minimum
 * 0x4000), ROM 64 KiB (the Intel Optane 900P row and clients §3.6).
 */
static const struct vfio_cookie_region nvme_regions[] = {
	[SIM_BAR0]	= { 16 * SIM_KiB, SIM_RWM },
	[SIM_BAR1]	= { 0, 0 },
	[SIM_BAR2]	= { 0, 0 },
	[SIM_BAR3]	= { 0, 0 },
	[SIM_BAR4]	= { 0, 0 },
	[SIM_BAR5]	= { 0, 0 },
	[SIM_ROM]	= { 64 * SIM_KiB, SIM_R },
	[SIM_CONFIG]	= { 4 * SIM_KiB, SIM_RW },
	[SIM_VGA]	= { 0, 0 },
};

/*
 * CXL-like device with a 2 TiB BAR: vfio-design.md §6.5 and §9.27, "a
 * real-world size for CXL devices" (Jason Gunthorpe,
 * 20250716184028.GA2177603@ziepe.ca), more than the 1 TiB a legacy index
 * owns.  Synthetic: BAR0, a 64 KiB register block.
 */
static const struct vfio_cookie_region cxl_regions[] = {
	[SIM_BAR0]	= { 64 * SIM_KiB, SIM_RWM },
	[SIM_BAR1]	= { 0, 0 },
	[SIM_BAR2]	= { 2 * SIM_TiB, SIM_RWM },
	[SIM_BAR3]	= { 0, 0 },
	[SIM_BAR4]	= { 0, 0 },
	[SIM_BAR5]	= { 0, 0 },
	[SIM_ROM]	= { 0, 0 },
	[SIM_CONFIG]	= { 4 * SIM_KiB, SIM_RW },
	[SIM_VGA]	= { 0, 0 },
};

/*
 * Intel IGD-like GPU with device-specific regions (index >= 9):
 * BAR0 16 MiB and BAR2 256 MiB (the 16 MiB / 256 MiB pair of clients §3.2),
 * a 64-byte I/O BAR4, VGA 0xc0000 R|W (design §6.1), and the IGD regions of
 * design §6.1 / clients §5: OPREGION 0x2000 READ (index 9), HOST_CFG and
 * LPC_CFG 256 bytes READ (10, 11).  Synthetic: index 12, a 1 MiB mmappable
 * device-specific region, so COMPAT has a region >= 9 to pack.
 */
static const struct vfio_cookie_region igd_regions[] = {
	[SIM_BAR0]	= { 16 * SIM_MiB, SIM_RWM },
	[SIM_BAR1]	= { 0, 0 },
	[SIM_BAR2]	= { 256 * SIM_MiB, SIM_RWM },
	[SIM_BAR3]	= { 0, 0 },
	[SIM_BAR4]	= { 64, SIM_RW },
	[SIM_BAR5]	= { 0, 0 },
	[SIM_ROM]	= { 0, 0 },
	[SIM_CONFIG]	= { 4 * SIM_KiB, SIM_RW },
	[SIM_VGA]	= { 0xc0000, SIM_RW },
	[9]		= { 0x2000, SIM_R },
	[10]		= { 0x100, SIM_R },
	[11]		= { 0x100, SIM_R },
	[12]		= { 1 * SIM_MiB, SIM_RWM },
};

#define SIM_DEVICE(_name, _regions) {				\
	.name = _name,						\
	.regions = _regions,					\
	.nr_regions = ARRAY_SIZE(_regions),			\
}

const struct sim_device sim_dev_h100 = SIM_DEVICE("h100", h100_regions);
const struct sim_device sim_dev_x710 = SIM_DEVICE("x710", x710_regions);
const struct sim_device sim_dev_nvme = SIM_DEVICE("nvme", nvme_regions);
const struct sim_device sim_dev_cxl = SIM_DEVICE("cxl-2tib", cxl_regions);
const struct sim_device sim_dev_igd = SIM_DEVICE("igd", igd_regions);

const struct sim_device *const sim_devices[] = {
	&sim_dev_h100, &sim_dev_x710, &sim_dev_nvme, &sim_dev_cxl, &sim_dev_igd,
};
const unsigned int sim_nr_devices = ARRAY_SIZE(sim_devices);

const enum vfio_cookie_layout sim_layouts[] = {
	VFIO_COOKIE_LAYOUT_LEGACY,
	VFIO_COOKIE_LAYOUT_COMPAT,
	VFIO_COOKIE_LAYOUT_COMPACT,
};
const unsigned int sim_nr_layouts = ARRAY_SIZE(sim_layouts);

const char *sim_layout_name(enum vfio_cookie_layout layout)
{
	switch (layout) {
	case VFIO_COOKIE_LAYOUT_LEGACY:
		return "legacy";
	case VFIO_COOKIE_LAYOUT_COMPAT:
		return "compat";
	case VFIO_COOKIE_LAYOUT_COMPACT:
		return "compact";
	}
	return "?";
}

void sim_picture(struct vfio_cookie_space *space, const char *fmt, ...)
{
	char title[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(title, sizeof(title), fmt, ap);
	va_end(ap);
	sim_draw_space(space, title, stdout);
	fflush(stdout);
}

bool sim_lookup_copy(struct vfio_cookie_space *space, u64 offset,
		     struct vfio_cookie *out)
{
	struct vfio_cookie *cookie;

	rcu_read_lock();
	cookie = vfio_cookie_lookup(space, offset);
	if (cookie)
		*out = *cookie;
	rcu_read_unlock();
	return cookie;
}
