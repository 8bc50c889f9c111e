/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the uAPI layer of the simulated device fd (ioctl.c, which sees the
 * system's <linux/vfio.h>) asks of the device model (vfio.c, which sees the
 * kernel shim and the core).  Plain C types only, so both sides can include
 * it.  ioctl.c copies the user's struct in, checks what the kernel checks
 * before the driver is involved, calls one of these, and copies out.
 */
#ifndef _VFIOSIM_VFIO_MODEL_H
#define _VFIOSIM_VFIO_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "vfiosim/vfio.h"
#include "uapi.h"

struct sim_file;

/* The neutral attribute: VFIO_COOKIE_ATTR_WC, VFIOSIM_VFIO_ATTR_WC. */
#define SIM_ATTR_WC	VFIOSIM_VFIO_ATTR_WC

/*
 * Start a call: forget the last note and lookup.  The file @fd of @pid
 * names, or NULL (-EBADF).
 */
struct sim_file *sim_vfio_begin(struct vfiosim_vfio *v, int pid, int fd);
enum vfiosim_design sim_vfio_design(const struct vfiosim_vfio *v);
void sim_vfio_say(struct vfiosim_vfio *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* VFIO_DEVICE_GET_INFO: the device's flags and counts (aliases counted). */
void sim_vfio_device_info(struct vfiosim_vfio *v, struct sim_file *f,
			  uint32_t *flags, uint32_t *num_regions,
			  uint32_t *num_irqs);
/*
 * VFIO_DEVICE_GET_REGION_INFO of @index: fill @rep (all but argsz), its
 * sparse areas in @sparse (2 * VFIOSIM_MAX_SPARSE).  0, -EINVAL for no such
 * region, or the cookie space's error for its offset.
 */
int sim_vfio_region_info(struct vfiosim_vfio *v, struct sim_file *f,
			 uint32_t index, struct sim_region_reply *rep,
			 uint64_t *sparse);
/* VFIO_DEVICE_GET_IRQ_INFO of @index: 0 or -EINVAL. */
int sim_vfio_irq_info(struct vfiosim_vfio *v, struct sim_file *f,
		      uint32_t index, uint32_t *count, uint32_t *flags);
/* IRQ types of the device (num_irqs) and the count of one of them. */
uint32_t sim_vfio_nr_irq_types(struct vfiosim_vfio *v, struct sim_file *f);
/* The device's enabled interrupt type (vdev->irq_type): 0 none, else index + 1. */
uint32_t sim_vfio_irq_type(struct vfiosim_vfio *v, struct sim_file *f);
void sim_vfio_set_irq_type(struct vfiosim_vfio *v, struct sim_file *f,
			   uint32_t type);
uint32_t sim_vfio_irq_count(struct vfiosim_vfio *v, struct sim_file *f,
			    uint32_t index);
/* VFIO_DEVICE_RESET: 0 or -EINVAL (no reset). */
int sim_vfio_reset(struct vfiosim_vfio *v, struct sim_file *f);
/* Does the device's driver route VFIO_DEVICE_IOEVENTFD at all? */
bool sim_vfio_has_ioeventfd(struct vfiosim_vfio *v, struct sim_file *f);
/* vfio_pci_ioeventfd() after the ioctl's own checks. */
int sim_vfio_ioeventfd(struct vfiosim_vfio *v, struct sim_file *f,
		       uint64_t offset, uint64_t data, uint32_t count,
		       int32_t fd);
/* The alias design's feature: the alias region of @index with @attrs. */
int sim_vfio_alias_region(struct vfiosim_vfio *v, struct sim_file *f,
			  uint32_t index, uint32_t attrs,
			  uint32_t *alias_index);
/* The setattr design: @attrs for later mmaps of the cookie at @offset. */
int sim_vfio_set_mmap_attrs(struct vfiosim_vfio *v, struct sim_file *f,
			    uint64_t offset, uint32_t attrs);
/* The getmmap design: the cookie of (@index, @attrs). */
int sim_vfio_get_region_mmap(struct vfiosim_vfio *v, struct sim_file *f,
			     uint32_t index, uint32_t attrs, uint64_t *size,
			     uint64_t *offset);

#endif /* _VFIOSIM_VFIO_MODEL_H */
