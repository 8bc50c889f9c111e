/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated VFIO device fd: devices, open files (each with its own
 * cookie space), processes with fd tables and VMAs, and the replay state.
 * Internal to sim/vfio/.
 */
#ifndef _VFIOSIM_VFIO_SIM_VFIO_H
#define _VFIOSIM_VFIO_SIM_VFIO_H

#include "vfio_cookie_internal.h"
#include "vfio_cookie.h"

#include "vfiosim/replay.h"
#include "vfiosim/trace.h"

#define SIM_MAX_ALIASES		16
#define SIM_MAX_IOEVENTFDS	64
#define SIM_MAX_FDS		64
#define SIM_MAX_PROCS		16
#define SIM_MAX_COOKIES		64	/* per fd: regions + aliases */
#define SIM_LEGACY_ZAP_END	(6ULL << 40)	/* vfio_pci_zap_bars() */
#define SIM_MMAP2_REACH		(1ULL << 44)
#define SIM_VA_BASE		0x7f0000000000ULL

/* Region indices of vfio-pci (include/uapi/linux/vfio.h). */
#define SIM_BAR5		5
#define SIM_ROM			6
#define SIM_CONFIG		7
#define SIM_VGA			8

struct sim_dev {
	const struct vfiosim_device *desc;
	struct vfio_cookie_region regions[VFIOSIM_MAX_REGIONS];
	bool mem_disabled;		/* PCI_COMMAND memory enable cleared */
	/* alias design: alias regions of the device, index base + i */
	unsigned int nr_aliases;
	u32 alias_target[SIM_MAX_ALIASES];
	unsigned int nr_ioev;
	struct { u64 pos; u32 bar, size; u64 data; } ioev[SIM_MAX_IOEVENTFDS];
};

/* An open device file (struct vfio_device_file): fds and VMAs hold it. */
struct sim_file {
	struct sim_dev *dev;
	unsigned int refs;
	int pid, fd;			/* who opened it */
	struct vfio_cookie_space space;
	/* setattr design: mutable attributes by cookie offset */
	unsigned int nr_setattr;
	struct { u64 off; u32 attrs; } setattr[SIM_MAX_COOKIES];
	struct sim_file *next;		/* all files of the replay */
};

/* What a process remembers of an fd: offsets it learned, even after close. */
enum sim_wc_state { SIM_WC_NONE, SIM_WC_OK, SIM_WC_UNSUPPORTED, SIM_WC_FAILED };

struct sim_fdmem {
	int pid, fd;
	struct sim_file *file;		/* the file the fd named */
	bool has_off[VFIOSIM_MAX_REGIONS];
	u64 off[VFIOSIM_MAX_REGIONS];
	enum sim_wc_state wc[VFIOSIM_MAX_REGIONS];
	u64 wc_off[VFIOSIM_MAX_REGIONS];
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

struct sim_replay {
	const struct vfiosim_trace *trace;
	enum vfiosim_design design;
	enum vfiosim_layout layout;
	struct vfiosim_replay_result *res;
	struct sim_dev devs[VFIOSIM_MAX_DEVICES];
	unsigned int nr_procs;
	struct sim_proc procs[SIM_MAX_PROCS];
	unsigned int nr_mem;
	struct sim_fdmem mem[SIM_MAX_PROCS * SIM_MAX_FDS];
	struct sim_file *files;
	u64 next_va;
	long nodes_base;
	/* the event being replayed, for reasons */
	const struct vfiosim_event *ev;
	struct vfiosim_event_result *out;
};

#endif /* _VFIOSIM_VFIO_SIM_VFIO_H */
