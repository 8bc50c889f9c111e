/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfiosim-probe: perform a vfiotrace on a real VFIO device.  The parts that
 * talk to /dev/vfio (probe_vfio.c) and the event loop (probe.c).
 */
#ifndef _VFIOSIM_PROBE_H
#define _VFIOSIM_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vfiosim/trace.h"

/* How a device fd is obtained (open via=). */
enum probe_via {
	PROBE_VIA_GROUP,	/* container + group, type1 or noiommu */
	PROBE_VIA_NOIOMMU,	/* the same, the group must be noiommu-N */
	PROBE_VIA_CDEV,		/* /dev/vfio/devices/vfioN + iommufd */
};

/* A group and its container, kept open for every device fd of it. */
struct probe_group {
	int id;			/* /sys/kernel/iommu_groups/N, -1: unused */
	bool noiommu;
	int container;
	int group;
};

#define PROBE_MAX_GROUPS	8

struct probe_vfio {
	struct probe_group groups[PROBE_MAX_GROUPS];
	unsigned int nr_groups;
	int iommufd;		/* cdev path: one iommufd, one IOAS */
	uint32_t ioas;
	bool verbose;
};

/* 0000:00:01.0 of the device named by @d, or -1 with a message. */
int probe_find_bdf(const struct vfiosim_device *d, const char *wanted,
		   char *bdf, size_t len);
/* A device fd for @bdf; -errno of the step that failed. */
int probe_open_device(struct probe_vfio *v, const char *bdf,
		      enum probe_via via);
void probe_vfio_release(struct probe_vfio *v);
/* Print a catalog entry (dev, reg, irq lines) of @bdf, as the kernel says. */
int probe_describe(struct probe_vfio *v, const char *bdf, const char *name,
		   FILE *out);
/* The same from a device fd the caller has; -1 if the kernel refuses. */
int probe_describe_fd(int fd, const char *bdf, const char *name, FILE *out);
struct vfio_region_info;
/*
 * The expected result of a GET_REGION_INFO of region @index that the
 * kernel answered: @ri as it filled it, @len bytes of it readable, @argsz
 * the size the caller gave (the capability chain is only there when it
 * fitted).  Returns the first capability id that vfiotrace 1 has no word
 * for (it is left out), or 0.
 */
uint32_t probe_region_result(struct vfiosim_result *r,
			     const struct vfio_region_info *ri, size_t len,
			     uint32_t argsz, uint32_t index);
/* "Linux 6.12.117+deb12-amd64" style text of the running kernel. */
void probe_kernel_release(char *buf, size_t len);

#endif /* _VFIOSIM_PROBE_H */
