// SPDX-License-Identifier: GPL-2.0-only
/*
 * libvfiosim-record.so: an LD_PRELOAD recorder that writes a vfiotrace of
 * what a live VFIO client does on its device fds, with the kernel's
 * answers as the recorded expectations.
 *
 *   VFIOSIM_RECORD=out.trace LD_PRELOAD=libvfiosim-record.so qemu-system-...
 *
 * It decodes what strace prints as a bare pointer: GET_INFO, GET_REGION_INFO
 * (with its capability chain), GET_IRQ_INFO, SET_IRQS, IOEVENTFD and
 * DEVICE_FEATURE (the last as an ioctl event whose comment names the
 * feature: vfiotrace 1 has no op for it).  A device fd is one that
 * VFIO_GROUP_GET_DEVICE_FD returned (via=group, or noiommu for a
 * /dev/vfio/noiommu-N group) or an open of /dev/vfio/devices/vfioN
 * (via=cdev).  The first time a device is opened its description (dev, reg
 * and irq records) is read from the kernel through that fd, so the trace
 * replays without a catalog entry.
 *
 * Offsets are written as the probe writes them (sim/probe/probe_addr.h):
 * @I+OFF once the fd has learned region I's offset, else !OFF.  Events are
 * kept in memory and written when the process exits; a child process
 * writes its own trace to $VFIOSIM_RECORD.PID.  Container, group and
 * iommufd ioctls are setup, not device-fd events, and are not recorded.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "probe.h"
#include "probe_addr.h"

#define REC_MAX_FDS	4096
#define REC_MAX_MAPS	1024

/* the cdev's setup ioctls (6.6 uapi, newer than Debian 12's headers) */
#define REC_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)
#define REC_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)
#define REC_DETACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 20)

struct rec_fd {
	bool device;
	int dev;
	struct probe_offsets offs;
};

struct rec_map {
	uint64_t va, len;
};

struct rec_dev {
	char bdf[32];
	char *desc;		/* dev/reg/irq text from probe_describe_fd() */
};

static struct {
	pthread_mutex_t lock;
	bool ready;
	const char *path;
	int pid;
	struct rec_fd fds[REC_MAX_FDS];
	struct rec_map maps[REC_MAX_MAPS];
	unsigned int nr_maps;
	struct rec_dev devs[VFIOSIM_MAX_DEVICES];
	unsigned int nr_devs;
	struct vfiosim_event *ev;
	unsigned int nr_ev, cap_ev;
	bool overflow;
} rec = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Set while the recorder itself calls into libc: nothing is recorded. */
static __thread int inside;

/* ---- the real functions ---- */

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_close)(int);
static int (*real_ioctl)(int, unsigned long, ...);
static ssize_t (*real_pread)(int, void *, size_t, off_t);
static ssize_t (*real_pread64)(int, void *, size_t, off64_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static void *(*real_mmap64)(void *, size_t, int, int, int, off64_t);
static int (*real_munmap)(void *, size_t);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_fcntl)(int, int, ...);
static pid_t (*real_fork)(void);

#define RESOLVE(name)	(real_##name = dlsym(RTLD_NEXT, #name))

static void resolve_all(void)
{
	RESOLVE(open);
	RESOLVE(open64);
	RESOLVE(openat);
	RESOLVE(openat64);
	RESOLVE(close);
	RESOLVE(ioctl);
	RESOLVE(pread);
	RESOLVE(pread64);
	RESOLVE(pwrite);
	RESOLVE(pwrite64);
	RESOLVE(mmap);
	RESOLVE(mmap64);
	RESOLVE(munmap);
	RESOLVE(dup);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(fcntl);
	RESOLVE(fork);
}

static void rec_write(void);

__attribute__((constructor))
static void rec_init(void)
{
	resolve_all();
	rec.path = getenv("VFIOSIM_RECORD");
	rec.pid = getpid();
	rec.ready = rec.path && rec.path[0];
	if (!rec.path)
		fprintf(stderr, "libvfiosim-record.so: VFIOSIM_RECORD is not "
			"set, recording nothing\n");
}

__attribute__((destructor))
static void rec_fini(void)
{
	rec_write();
}

/* ---- keeping events ---- */

static bool watched(int fd)
{
	return rec.ready && !inside && fd >= 0 && fd < REC_MAX_FDS &&
	       rec.fds[fd].device;
}

static struct vfiosim_event *ev_new(enum vfiosim_op op, int fd)
{
	struct vfiosim_event *ev;

	if (rec.nr_ev == rec.cap_ev) {
		unsigned int cap = rec.cap_ev ? 2 * rec.cap_ev : 256;
		void *p = realloc(rec.ev, cap * sizeof(*rec.ev));

		if (!p) {
			rec.overflow = true;
			return NULL;
		}
		rec.ev = p;
		rec.cap_ev = cap;
	}
	ev = &rec.ev[rec.nr_ev++];
	memset(ev, 0, sizeof(*ev));
	ev->op = op;
	ev->pid = rec.pid;
	ev->fd = fd;
	ev->new_fd = -1;
	ev->child = -1;
	ev->dev = -1;
	ev->efd = -1;
	ev->at.from_fd = -1;
	return ev;
}

static void result_value(struct vfiosim_event *ev, long ret, int err)
{
	ev->expect.present = true;
	if (ret < 0) {
		ev->expect.err = -err;
		return;
	}
	ev->expect.has_value = true;
	ev->expect.value = ret;
}

static struct probe_offsets *offs(int fd)
{
	return &rec.fds[fd].offs;
}

/* ---- device fds ---- */

static int dev_index(int fd, const char *bdf)
{
	char name[16], *text = NULL;
	size_t size = 0;
	unsigned int i;
	FILE *f;

	for (i = 0; i < rec.nr_devs; i++)
		if (!strcmp(rec.devs[i].bdf, bdf))
			return i;
	if (rec.nr_devs == VFIOSIM_MAX_DEVICES)
		return -1;
	i = rec.nr_devs++;
	snprintf(rec.devs[i].bdf, sizeof(rec.devs[i].bdf), "%s", bdf);
	snprintf(name, sizeof(name), "d%u", i);
	f = open_memstream(&text, &size);
	if (f) {
		inside++;
		if (probe_describe_fd(fd, bdf, name, f))
			fprintf(f, "dev %s bdf=%s\n", name, bdf);
		inside--;
		fclose(f);
	}
	rec.devs[i].desc = text;
	return i;
}

static void device_opened(int fd, const char *bdf, const char *via)
{
	struct vfiosim_event *ev;
	int dev;

	if (fd < 0 || fd >= REC_MAX_FDS)
		return;
	dev = dev_index(fd, bdf);
	if (dev < 0)
		return;
	memset(&rec.fds[fd], 0, sizeof(rec.fds[fd]));
	rec.fds[fd].device = true;
	rec.fds[fd].dev = dev;
	ev = ev_new(VFIOSIM_OP_OPEN, fd);
	if (!ev)
		return;
	ev->dev = dev;
	snprintf(ev->via, sizeof(ev->via), "%s", via);
	result_value(ev, fd, 0);
}

/* /dev/vfio/devices/vfioN: the cdev of the device at .../vfio-dev/vfioN */
static void maybe_cdev(int fd, const char *path)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	if (!rec.ready || inside || fd < 0 ||
	    strncmp(path, "/dev/vfio/devices/", 18))
		return;
	snprintf(link, sizeof(link), "/sys/class/vfio-dev/%s/device",
		 path + 18);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	pthread_mutex_lock(&rec.lock);
	device_opened(fd, base ? base + 1 : target, "cdev");
	pthread_mutex_unlock(&rec.lock);
}

static void fd_gone(int fd)
{
	if (fd >= 0 && fd < REC_MAX_FDS)
		memset(&rec.fds[fd], 0, sizeof(rec.fds[fd]));
}

/* ---- ioctls ---- */

static void rec_get_info(int fd, struct vfio_device_info *info,
			 uint32_t argsz, int ret, int err)
{
	struct vfiosim_event *ev = ev_new(VFIOSIM_OP_INFO, fd);

	if (!ev)
		return;
	ev->has_argsz = true;
	ev->argsz = argsz;
	if (ret) {
		result_value(ev, -1, err);
		return;
	}
	ev->expect.present = true;
	ev->expect.has_regions = ev->expect.has_irqs = true;
	ev->expect.has_flags = true;
	ev->expect.regions = info->num_regions;
	ev->expect.irqs = info->num_irqs;
	ev->expect.flags = info->flags;
}

static void rec_region_info(int fd, struct vfio_region_info *ri,
			    uint32_t argsz, uint32_t index, int ret, int err)
{
	struct vfiosim_event *ev = ev_new(VFIOSIM_OP_RINFO, fd);

	if (!ev)
		return;
	ev->idx = index;
	ev->has_argsz = true;
	ev->argsz = argsz;
	if (ret) {
		result_value(ev, -1, err);
		return;
	}
	probe_region_result(&ev->expect, ri, argsz, argsz, index);
	if (index < VFIOSIM_MAX_REGIONS) {
		offs(fd)->known[index] = true;
		offs(fd)->off[index] = ri->offset;
	}
}

static void rec_irq_info(int fd, struct vfio_irq_info *irq, uint32_t index,
			 int ret, int err)
{
	struct vfiosim_event *ev = ev_new(VFIOSIM_OP_IRQINFO, fd);

	if (!ev)
		return;
	ev->idx = index;
	if (ret) {
		result_value(ev, -1, err);
		return;
	}
	ev->expect.present = true;
	ev->expect.has_count = ev->expect.has_flags = true;
	ev->expect.count = irq->count;
	ev->expect.flags = irq->flags;
}

static const char *feature_name(uint32_t id)
{
	static const char *const names[] = {
		[0] = "PCI_VF_TOKEN", [1] = "MIGRATION",
		[2] = "MIG_DEVICE_STATE", [3] = "LOW_POWER_ENTRY",
		[4] = "LOW_POWER_ENTRY_WITH_WAKEUP", [5] = "LOW_POWER_EXIT",
		[6] = "DMA_LOGGING_START", [7] = "DMA_LOGGING_STOP",
		[8] = "DMA_LOGGING_REPORT", [9] = "MIG_DATA_SIZE",
		[10] = "BUS_MASTER",
	};

	return id < sizeof(names) / sizeof(names[0]) && names[id] ?
	       names[id] : "unknown";
}

static void rec_other(int fd, unsigned long cmd, void *arg, long ret,
		      int err, const struct vfio_device_feature *feat)
{
	struct vfiosim_event *ev = ev_new(VFIOSIM_OP_IOCTL, fd);
	char text[160];

	if (!ev)
		return;
	ev->cmd = cmd;
	result_value(ev, ret, err);
	if (!feat)
		return;
	/* DEVICE_FEATURE: decoded into the comment, the format has no op */
	snprintf(text, sizeof(text),
		 " VFIO_DEVICE_FEATURE argsz=%u feature=%u (%s)%s%s%s",
		 feat->argsz, feat->flags & VFIO_DEVICE_FEATURE_MASK,
		 feature_name(feat->flags & VFIO_DEVICE_FEATURE_MASK),
		 (feat->flags & VFIO_DEVICE_FEATURE_GET) ? " GET" : "",
		 (feat->flags & VFIO_DEVICE_FEATURE_SET) ? " SET" : "",
		 (feat->flags & VFIO_DEVICE_FEATURE_PROBE) ? " PROBE" : "");
	ev->comment = strdup(text);
	(void)arg;
}

static bool irq_kinds(uint32_t flags, struct vfiosim_event *ev)
{
	switch (flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		ev->action = VFIOSIM_IRQ_TRIGGER;
		break;
	case VFIO_IRQ_SET_ACTION_MASK:
		ev->action = VFIOSIM_IRQ_MASK;
		break;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		ev->action = VFIOSIM_IRQ_UNMASK;
		break;
	default:
		return false;
	}
	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		ev->data_kind = VFIOSIM_IRQ_DATA_NONE;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		ev->data_kind = VFIOSIM_IRQ_DATA_BOOL;
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		ev->data_kind = VFIOSIM_IRQ_DATA_EVENTFD;
		break;
	default:
		return false;
	}
	return !(flags & ~(VFIO_IRQ_SET_ACTION_TYPE_MASK |
			   VFIO_IRQ_SET_DATA_TYPE_MASK));
}

static void group_device_fd(int gfd, const char *bdf, int ret)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	if (ret < 0 || !bdf)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", gfd);
	n = readlink(link, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	device_opened(ret, bdf, strstr(target, "noiommu") ? "noiommu" :
						      "group");
}

int ioctl(int fd, unsigned long cmd, ...)
{
	uint8_t before[sizeof(struct vfio_device_ioeventfd) + 64];
	struct vfio_device_feature feat;
	bool dev, is_feat = false;
	va_list ap;
	void *arg;
	int ret, err;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real_ioctl)
		resolve_all();
	dev = watched(fd);
	/* what the call may overwrite: the inputs */
	if (dev && arg && (cmd == VFIO_DEVICE_GET_INFO ||
			   cmd == VFIO_DEVICE_GET_REGION_INFO ||
			   cmd == VFIO_DEVICE_GET_IRQ_INFO ||
			   cmd == VFIO_DEVICE_IOEVENTFD))
		memcpy(before, arg, cmd == VFIO_DEVICE_IOEVENTFD ?
		       sizeof(struct vfio_device_ioeventfd) : 12);
	if (dev && arg && cmd == VFIO_DEVICE_FEATURE) {
		memcpy(&feat, arg, sizeof(feat));
		is_feat = true;
	}
	ret = real_ioctl(fd, cmd, arg);
	err = errno;
	if (!rec.ready || inside)
		return ret;
	if (cmd == VFIO_GROUP_GET_DEVICE_FD && !dev) {
		pthread_mutex_lock(&rec.lock);
		group_device_fd(fd, arg, ret);
		pthread_mutex_unlock(&rec.lock);
		errno = err;
		return ret;
	}
	if (!dev) {
		errno = err;
		return ret;
	}
	pthread_mutex_lock(&rec.lock);
	if (cmd == VFIO_DEVICE_GET_INFO) {
		rec_get_info(fd, arg, ((uint32_t *)before)[0], ret, err);
	} else if (cmd == VFIO_DEVICE_GET_REGION_INFO) {
		rec_region_info(fd, arg, ((uint32_t *)before)[0],
				((uint32_t *)before)[2], ret, err);
	} else if (cmd == VFIO_DEVICE_GET_IRQ_INFO) {
		rec_irq_info(fd, arg, ((uint32_t *)before)[2], ret, err);
	} else if (cmd == VFIO_DEVICE_RESET) {
		struct vfiosim_event *ev = ev_new(VFIOSIM_OP_RESET, fd);

		if (ev)
			result_value(ev, ret, err);
	} else if (cmd == VFIO_DEVICE_SET_IRQS && arg) {
		const struct vfio_irq_set *set = arg;
		struct vfiosim_event *ev = ev_new(VFIOSIM_OP_IRQSET, fd);

		if (ev && irq_kinds(set->flags, ev)) {
			ev->idx = set->index;
			ev->start = set->start;
			ev->count = set->count;
			result_value(ev, ret, err);
		} else if (ev) {
			rec.nr_ev--;
			rec_other(fd, cmd, arg, ret, err, NULL);
		}
	} else if (cmd == VFIO_DEVICE_IOEVENTFD) {
		const struct vfio_device_ioeventfd *io = (const void *)before;
		struct vfiosim_event *ev = ev_new(VFIOSIM_OP_IOEVENTFD, fd);

		if (ev) {
			probe_addr_canon(offs(fd), io->offset, &ev->at);
			ev->len = io->flags & VFIO_DEVICE_IOEVENTFD_SIZE_MASK;
			ev->ioev_data = io->data;
			ev->efd = io->fd;
			result_value(ev, ret, err);
		}
	} else if (cmd == REC_BIND_IOMMUFD || cmd == REC_ATTACH_IOMMUFD_PT ||
		   cmd == REC_DETACH_IOMMUFD_PT) {
		/* cdev setup, like the container's ioctls: not an event */
	} else {
		rec_other(fd, cmd, arg, ret, err, is_feat ? &feat : NULL);
	}
	pthread_mutex_unlock(&rec.lock);
	errno = err;
	return ret;
}

/* ---- read, write, mmap ---- */

static void rec_rw(int fd, bool write, const void *buf, size_t len,
		   uint64_t off, ssize_t ret, int err)
{
	struct vfiosim_event *ev;
	size_t n;

	pthread_mutex_lock(&rec.lock);
	ev = ev_new(write ? VFIOSIM_OP_WR : VFIOSIM_OP_RD, fd);
	if (ev) {
		probe_addr_canon(offs(fd), off, &ev->at);
		ev->len = len;
		result_value(ev, ret, err);
		/* as the probe: written bytes asked for, read bytes got */
		n = write ? len : (ret > 0 ? (size_t)ret : 0);
		ev->data_len = n < VFIOSIM_MAX_DATA ? n : VFIOSIM_MAX_DATA;
		if (ev->data_len)
			memcpy(ev->data, buf, ev->data_len);
	}
	pthread_mutex_unlock(&rec.lock);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	ssize_t ret;
	int err;

	if (!real_pread)
		resolve_all();
	ret = real_pread(fd, buf, len, off);
	err = errno;
	if (watched(fd))
		rec_rw(fd, false, buf, len, off, ret, err);
	errno = err;
	return ret;
}

ssize_t pread64(int fd, void *buf, size_t len, off64_t off)
{
	ssize_t ret;
	int err;

	if (!real_pread64)
		resolve_all();
	ret = real_pread64(fd, buf, len, off);
	err = errno;
	if (watched(fd))
		rec_rw(fd, false, buf, len, off, ret, err);
	errno = err;
	return ret;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t ret;
	int err;

	if (!real_pwrite)
		resolve_all();
	ret = real_pwrite(fd, buf, len, off);
	err = errno;
	if (watched(fd))
		rec_rw(fd, true, buf, len, off, ret, err);
	errno = err;
	return ret;
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	ssize_t ret;
	int err;

	if (!real_pwrite64)
		resolve_all();
	ret = real_pwrite64(fd, buf, len, off);
	err = errno;
	if (watched(fd))
		rec_rw(fd, true, buf, len, off, ret, err);
	errno = err;
	return ret;
}

static void rec_mmap(void *addr, size_t len, int prot, int flags, int fd,
		     uint64_t off, void *ret, int err)
{
	struct vfiosim_event *ev;

	pthread_mutex_lock(&rec.lock);
	ev = ev_new(VFIOSIM_OP_MMAP, fd);
	if (ev) {
		probe_addr_canon(offs(fd), off, &ev->at);
		ev->len = len;
		ev->prot = vfiosim_prot_from_host(prot);
		ev->mflags = vfiosim_mflags_from_host(flags);
		if (addr) {
			ev->has_addr = true;
			ev->va = (uintptr_t)addr;
		}
		ev->expect.present = true;
		if (ret == MAP_FAILED) {
			ev->expect.err = -err;
		} else {
			ev->expect.has_va = true;
			ev->expect.va = (uintptr_t)ret;
			if (rec.nr_maps < REC_MAX_MAPS) {
				rec.maps[rec.nr_maps].va = (uintptr_t)ret;
				rec.maps[rec.nr_maps].len = len;
				rec.nr_maps++;
			}
		}
	}
	pthread_mutex_unlock(&rec.lock);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *ret;
	int err;

	if (!real_mmap)
		resolve_all();
	ret = real_mmap(addr, len, prot, flags, fd, off);
	err = errno;
	if (watched(fd))
		rec_mmap(addr, len, prot, flags, fd, off, ret, err);
	errno = err;
	return ret;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
	     off64_t off)
{
	void *ret;
	int err;

	if (!real_mmap64)
		resolve_all();
	ret = real_mmap64(addr, len, prot, flags, fd, off);
	err = errno;
	if (watched(fd))
		rec_mmap(addr, len, prot, flags, fd, off, ret, err);
	errno = err;
	return ret;
}

int munmap(void *addr, size_t len)
{
	uint64_t va = (uintptr_t)addr;
	struct vfiosim_event *ev;
	bool ours = false;
	unsigned int i;
	int ret, err;

	if (!real_munmap)
		resolve_all();
	ret = real_munmap(addr, len);
	err = errno;
	if (!rec.ready || inside) {
		errno = err;
		return ret;
	}
	pthread_mutex_lock(&rec.lock);
	/* only unmaps that touch a device mapping are events */
	for (i = 0; i < rec.nr_maps;) {
		struct rec_map *m = &rec.maps[i];

		if (va < m->va + m->len && m->va < va + len) {
			ours = true;
			if (!ret && va <= m->va && va + len >= m->va + m->len) {
				*m = rec.maps[--rec.nr_maps];
				continue;
			}
		}
		i++;
	}
	if (ours) {
		ev = ev_new(VFIOSIM_OP_MUNMAP, -1);
		if (ev) {
			ev->va = va;
			ev->len = len;
			result_value(ev, ret, err);
		}
	}
	pthread_mutex_unlock(&rec.lock);
	errno = err;
	return ret;
}

/* ---- fds ---- */

static int opened(int fd, const char *path)
{
	int err = errno;

	if (fd >= 0) {
		fd_gone(fd);
		maybe_cdev(fd, path);
	}
	errno = err;
	return fd;
}

#define OPEN_MODE(flags, ap, mode)					\
	do {								\
		if ((flags) & (O_CREAT | __O_TMPFILE)) {		\
			va_start(ap, flags);				\
			mode = va_arg(ap, int);				\
			va_end(ap);					\
		}							\
	} while (0)

int open(const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0;

	OPEN_MODE(flags, ap, mode);
	if (!real_open)
		resolve_all();
	return opened(real_open(path, flags, mode), path);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0;

	OPEN_MODE(flags, ap, mode);
	if (!real_open64)
		resolve_all();
	return opened(real_open64(path, flags, mode), path);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0;

	OPEN_MODE(flags, ap, mode);
	if (!real_openat)
		resolve_all();
	return opened(real_openat(dirfd, path, flags, mode), path);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0;

	OPEN_MODE(flags, ap, mode);
	if (!real_openat64)
		resolve_all();
	return opened(real_openat64(dirfd, path, flags, mode), path);
}

int close(int fd)
{
	struct vfiosim_event *ev;
	bool dev;
	int ret, err;

	if (!real_close)
		resolve_all();
	dev = watched(fd);
	ret = real_close(fd);
	err = errno;
	if (dev) {
		pthread_mutex_lock(&rec.lock);
		ev = ev_new(VFIOSIM_OP_CLOSE, fd);
		if (ev)
			result_value(ev, ret, err);
		if (!ret)
			fd_gone(fd);
		pthread_mutex_unlock(&rec.lock);
	}
	errno = err;
	return ret;
}

static int duped(int fd, int nfd, int err)
{
	struct vfiosim_event *ev;

	if (nfd >= 0 && nfd < REC_MAX_FDS && nfd != fd)
		fd_gone(nfd);
	if (!watched(fd)) {
		errno = err;
		return nfd;
	}
	pthread_mutex_lock(&rec.lock);
	ev = ev_new(VFIOSIM_OP_DUP, fd);
	if (ev) {
		ev->new_fd = nfd;
		result_value(ev, nfd, err);
	}
	if (nfd >= 0 && nfd < REC_MAX_FDS && nfd != fd)
		rec.fds[nfd] = rec.fds[fd];
	pthread_mutex_unlock(&rec.lock);
	errno = err;
	return nfd;
}

int dup(int fd)
{
	int nfd;

	if (!real_dup)
		resolve_all();
	nfd = real_dup(fd);
	return duped(fd, nfd, errno);
}

int dup2(int fd, int fd2)
{
	int nfd;

	if (!real_dup2)
		resolve_all();
	nfd = real_dup2(fd, fd2);
	return duped(fd, nfd, errno);
}

int dup3(int fd, int fd2, int flags)
{
	int nfd;

	if (!real_dup3)
		resolve_all();
	nfd = real_dup3(fd, fd2, flags);
	return duped(fd, nfd, errno);
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;
	int ret;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	if (!real_fcntl)
		resolve_all();
	ret = real_fcntl(fd, cmd, arg);
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return duped(fd, ret, errno);
	return ret;
}

pid_t fork(void)
{
	pid_t pid;

	if (!real_fork)
		resolve_all();
	pid = real_fork();
	if (pid == 0 && rec.ready) {
		/* the child records its own trace: $VFIOSIM_RECORD.PID */
		char *path = NULL;

		rec.pid = getpid();
		if (asprintf(&path, "%s.%d", rec.path, rec.pid) > 0)
			rec.path = path;
		rec.nr_ev = 0;
	}
	return pid;
}

/* ---- writing the trace ---- */

static void rec_write(void)
{
	struct vfiosim_trace *t;
	char rel[128], exe[PATH_MAX] = "";
	unsigned int i;
	ssize_t n;
	FILE *f;

	if (!rec.ready)
		return;
	rec.ready = false;
	inside++;
	t = calloc(1, sizeof(*t));
	f = fopen(rec.path, "w");
	if (!t || !f) {
		fprintf(stderr, "libvfiosim-record.so: cannot write %s\n",
			rec.path);
		goto out;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	probe_kernel_release(rel, sizeof(rel));
	fprintf(f, "vfiotrace 1\n");
	fprintf(f, "meta client \"%s\"\n", exe);
	fprintf(f, "meta capture \"libvfiosim-record.so on %s, pid %d%s\"\n",
		rel, rec.pid, rec.overflow ? ", events lost (no memory)" : "");
	for (i = 0; i < rec.nr_devs; i++) {
		fputs(rec.devs[i].desc ? rec.devs[i].desc : "", f);
		snprintf(t->devices[i].name, sizeof(t->devices[i].name),
			 "d%u", i);
	}
	t->nr_devices = rec.nr_devs;
	for (i = 0; i < rec.nr_ev; i++)
		vfiosim_event_write(t, &rec.ev[i], f);
out:
	if (f)
		fclose(f);
	free(t);
	inside--;
}
