/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Region tables of real devices, as vfio-pci reports them (indices 0..8:
 * BAR0-5, ROM, CONFIG, VGA).  The sources of the figures are cited in
 * devices.c.  The full device catalog with capabilities and IRQs belongs to
 * the replayer (traces/devices/); this is what the layout command needs.
 */
#ifndef _VFIOSIM_CLI_DEVICES_H
#define _VFIOSIM_CLI_DEVICES_H

#include "vfio_cookie_internal.h"
#include "vfio_cookie.h"

#define SIM_DEVICE_MAX_REGIONS	9

struct sim_device {
	const char *name;
	const char *what;
	const char *source;
	u32 nr_regions;
	struct vfio_cookie_region regions[SIM_DEVICE_MAX_REGIONS];
};

extern const struct sim_device sim_devices[];
extern const unsigned int sim_nr_devices;

const struct sim_device *sim_device_find(const char *name);
const char *sim_region_name(u32 index);

#endif /* _VFIOSIM_CLI_DEVICES_H */
