// SPDX-License-Identifier: GPL-2.0-only
/*
 * Region tables of real devices.  Flags follow vfio_pci_ioctl_get_region_info()
 * (drivers/vfio/pci/vfio_pci_core.c): BARs R|W, plus MMAP for memory BARs of
 * at least a page; ROM READ only; CONFIG R|W; absent regions size 0, flags 0.
 */
#include "devices.h"

#include <string.h>

#define RW	(VFIO_COOKIE_FLAG_READ | VFIO_COOKIE_FLAG_WRITE)
#define RWM	(RW | VFIO_COOKIE_FLAG_MMAP)
#define RO	VFIO_COOKIE_FLAG_READ

const struct sim_device sim_devices[] = {
	{
		.name = "h100",
		.what = "NVIDIA H100 80GB HBM3 10de:2330",
		/* Measured on a real H100 (guest view); fastfetch#1658. */
		.source = "sysfs resource of a real H100; fastfetch-cli/fastfetch#1658",
		.nr_regions = 9,
		.regions = {
			[0] = { 0x1000000, RWM },
			[2] = { 0x2000000000ULL, RWM },
			[4] = { 0x2000000, RWM },
			[7] = { 0x1000, RW },
		},
	},
	{
		.name = "a100",
		.what = "NVIDIA A100 PCIe 40GB 10de:20f1",
		.source = "kata-containers/kata-containers#4358",
		.nr_regions = 9,
		.regions = {
			[0] = { 0x1000000, RWM },
			[1] = { 0x1000000000ULL, RWM },
			[3] = { 0x2000000, RWM },
			[7] = { 0x1000, RW },
		},
	},
	{
		.name = "x710-pf",
		.what = "Intel X710 PF 8086:1572",
		.source = "OpenVPN/ovpn-dco#46; projectacrn/acrn-hypervisor#4443",
		.nr_regions = 9,
		.regions = {
			[0] = { 0x800000, RWM },
			[3] = { 0x8000, RWM },
			[6] = { 0x80000, RO },
			[7] = { 0x1000, RW },
		},
	},
	{
		.name = "nvme",
		.what = "NVMe SSD, Intel Optane 900P",
		.source = "public lspci dump; NVMe MLBAR minimum 16 KiB (oxidecomputer/propolis#126)",
		.nr_regions = 9,
		.regions = {
			[0] = { 0x4000, RWM },
			[6] = { 0x10000, RO },
			[7] = { 0x1000, RW },
		},
	},
};

const unsigned int sim_nr_devices = sizeof(sim_devices) / sizeof(sim_devices[0]);

const struct sim_device *sim_device_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sim_nr_devices; i++)
		if (!strcmp(sim_devices[i].name, name))
			return &sim_devices[i];
	return NULL;
}

const char *sim_region_name(u32 index)
{
	static const char *const names[] = {
		"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5",
		"ROM", "CONFIG", "VGA",
	};

	return index < SIM_DEVICE_MAX_REGIONS ? names[index] : "extra";
}
