/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated VFIO device fd, inside: devices, open files (each with its
 * own cookie space), processes with fd tables and VMAs.  Internal to
 * sim/vfio/vfio.c, which sees the kernel shim; the uAPI side (ioctl.c)
 * sees only model.h.
 */
#ifndef _VFIOSIM_VFIO_SIM_VFIO_H
#define _VFIOSIM_VFIO_SIM_VFIO_H

#include "vfio_cookie_internal.h"
#include "vfio_cookie.h"

#include "vfiosim/trace.h"
#include "vfiosim/vfio.h"

#define SIM_MAX_ALIASES		VFIOSIM_VFIO_MAX_ALIASES
#define SIM_MAX_IOEVENTFDS	VFIOSIM_VFIO_MAX_IOEVENTFDS
#define SIM_MAX_FDS		VFIOSIM_VFIO_MAX_FDS
#define SIM_MAX_PROCS		VFIOSIM_VFIO_MAX_PROCS
#define SIM_MAX_COOKIES		VFIOSIM_VFIO_MAX_COOKIES
#define SIM_LEGACY_ZAP_END	(6ULL << 40)	/* vfio_pci_zap_bars() */
#define SIM_VA_BASE		0x7f0000000000ULL
/*
 * TASK_SIZE: the end of the user address space.  Traces come from x86-64
 * and arm64 hosts, so the largest Linux has: x86-64 with 5-level paging,
 * (1 << 56) less a guard page; arm64's 48 and 52 bits lie inside it.
 */
#define SIM_TASK_SIZE		((1ULL << 56) - PAGE_SIZE)
/* MAX_RW_COUNT: vfs_read() and vfs_write() do at most this much. */
#define SIM_MAX_RW_COUNT	(0x7fffffffULL & ~(PAGE_SIZE - 1))
#define SIM_NOTE_LEN		1024

/* Region indices of vfio-pci (include/uapi/linux/vfio.h). */
#define SIM_BAR5		5
#define SIM_ROM			6
#define SIM_CONFIG		7
#define SIM_VGA			8
/* IRQ indices of vfio-pci. */
#define SIM_IRQ_INTX		0
#define SIM_IRQ_MSI		1
#define SIM_IRQ_MSIX		2
#define SIM_IRQ_ERR		3
#define SIM_IRQ_REQ		4

struct sim_ioev {
	u64 pos;
	u32 bar, size;
	u64 data;
};

struct sim_dev {
	const struct vfiosim_device *desc;
	unsigned int index;		/* in the object's devices */
	u32 nr_regions;			/* the model's: at most 32 */
	struct vfio_cookie_region regions[VFIOSIM_MAX_REGIONS];
	bool mem_disabled;		/* PCI_COMMAND memory off */
	/* vdev->irq_type: 0 none, else the enabled IRQ index + 1 */
	u32 irq_type;
	/* alias design: alias regions of the device, index base + i */
	unsigned int nr_aliases;
	u32 alias_target[SIM_MAX_ALIASES];
	unsigned int nr_ioev;
	struct sim_ioev ioev[SIM_MAX_IOEVENTFDS];
};

/* An open device file (struct vfio_device_file): fds and VMAs hold it. */
struct sim_file {
	struct sim_dev *dev;
	unsigned int id;
	unsigned int refs;
	int pid, fd;			/* who opened it */
	struct vfio_cookie_space space;
	/* setattr design: mutable attributes by cookie offset */
	unsigned int nr_setattr;
	struct { u64 off; u32 attrs; } setattr[SIM_MAX_COOKIES];
	struct sim_file *next;		/* all files, the newest first */
};

struct sim_vma {
	u64 va, len;
	struct sim_file *file;
	struct vfio_cookie *cookie;
	u64 fd_off;			/* fd offset the VMA starts at */
	u32 attrs;			/* mapping attributes in effect */
	struct sim_vma *next;
};

struct sim_proc {
	int pid;
	struct sim_file *fds[SIM_MAX_FDS];
	struct sim_vma *vmas;
};

struct vfiosim_vfio {
	enum vfiosim_design design;
	enum vfiosim_layout layout;
	unsigned int nr_devs;
	struct sim_dev devs[VFIOSIM_MAX_DEVICES];
	unsigned int nr_procs;
	struct sim_proc procs[SIM_MAX_PROCS];
	struct sim_file *files;
	unsigned int next_file_id;
	unsigned int max_cookies;
	u64 next_va;
	unsigned int zap_missed;
	int error;			/* sticky: the simulator failed */
	/* the last call: what it has to say, and where it looked */
	char note[SIM_NOTE_LEN];
	bool looked;
	struct vfiosim_vfio_lookup lookup;
	char why[160];			/* validate()'s own reasons */
	vfiosim_vfio_release_fn release;
	void *release_priv;
};

#endif /* _VFIOSIM_VFIO_SIM_VFIO_H */
