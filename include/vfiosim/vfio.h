/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated VFIO device fd as a system object: the devices of a trace,
 * the files opened on them (each with its own cookie space, in the layout
 * under test), the processes with their fd tables and their VMAs.
 *
 * Its entry points are the system calls a VFIO client makes: open, close,
 * dup2 and fork; ioctl() with the structs of the system's <linux/vfio.h>,
 * and under the three proposed designs those of "vfiosim/proposed_uapi.h";
 * pread(), pwrite(), mmap() and munmap().  Each answers as vfio-pci does
 * (v6.12 to v6.19), with a negative errno, and checks its arguments in the
 * kernel's order; the functions whose checks are followed are cited in
 * sim/vfio/.  A call that fails changes nothing (tests/check_hostile.c),
 * short of the simulator's own failure (vfiosim_vfio_error()) and of an
 * alias the core refuses on one fd after another took it.
 *
 * A pid names a process; a process the object has not seen has no fds and
 * no mappings.  open(), fork() and vfiosim_vfio_spawn() create processes.
 *
 * Not thread-safe: one thread drives one object (vfiosim_init_thread()
 * first).
 */
#ifndef _VFIOSIM_VFIO_H
#define _VFIOSIM_VFIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vfiosim/trace.h"

/* How a client asks for a write-combining mapping (docs/architecture.md). */
enum vfiosim_design {
	VFIOSIM_DESIGN_LEGACY,	/* upstream today: it cannot */
	VFIOSIM_DESIGN_SETATTR,	/* RFC v1: SET_MMAP_ATTRS on an offset */
	VFIOSIM_DESIGN_ALIAS,	/* alias RFC: FEATURE, alias regions */
	VFIOSIM_DESIGN_GETMMAP,	/* Jason: GET_REGION_MMAP cookies */
	VFIOSIM_DESIGN_NR,
};

/* Where cookies go in the fd (the core's enum vfio_cookie_layout). */
enum vfiosim_layout {
	VFIOSIM_LAYOUT_LEGACY,
	VFIOSIM_LAYOUT_COMPAT,
	VFIOSIM_LAYOUT_COMPACT,
	VFIOSIM_LAYOUT_NR,
};

const char *vfiosim_design_name(enum vfiosim_design design);
const char *vfiosim_layout_name(enum vfiosim_layout layout);
/* -1 when the name is unknown */
int vfiosim_design_from_name(const char *name);
int vfiosim_layout_from_name(const char *name);

/* Register the calling thread (RCU, maple tree) before the first object. */
void vfiosim_init_thread(void);
void vfiosim_exit_thread(void);

#define VFIOSIM_VFIO_MAX_PROCS		16
#define VFIOSIM_VFIO_MAX_FDS		64	/* fd numbers 0..63 */
#define VFIOSIM_VFIO_MAX_COOKIES	64	/* per file, by default */
#define VFIOSIM_VFIO_MAX_ALIASES	16	/* per device, alias design */
#define VFIOSIM_VFIO_MAX_IOEVENTFDS	64	/* per device */

struct vfiosim_vfio;

/*
 * A system with @nr_devs devices described by @devs (borrowed: they must
 * outlive the object), one uAPI @design and one offset @layout.  NULL when
 * an argument is out of range or memory ran out.
 */
struct vfiosim_vfio *vfiosim_vfio_new(const struct vfiosim_device *devs,
				      unsigned int nr_devs,
				      enum vfiosim_design design,
				      enum vfiosim_layout layout);
/*
 * Every process exits, in the order they appeared: its VMAs are unmapped,
 * then its fds 0..63 closed; then the object is freed.
 */
void vfiosim_vfio_free(struct vfiosim_vfio *v);

/*
 * The per-file limit on cookies (regions and aliases) for files opened from
 * now on: beyond it the cookie space answers -ENOSPC.  0 or -EINVAL.
 */
int vfiosim_vfio_set_max_cookies(struct vfiosim_vfio *v, unsigned int max);

/* Make process @pid exist: 0, or -ENOMEM when the process table is full. */
int vfiosim_vfio_spawn(struct vfiosim_vfio *v, int pid);
/*
 * fork(): @child gets @pid's fds and VMAs (each takes a reference, as
 * dup_mmap() does).  0, -EEXIST when @child exists, -ENOMEM.
 */
int vfiosim_vfio_fork(struct vfiosim_vfio *v, int pid, int child);

/*
 * open() of device @dev as fd @fd of @pid: a new file with an empty cookie
 * space.  0, -EMFILE when @fd is taken or out of range, -ENODEV for a
 * device the object does not have, or the cookie space's error.
 */
int vfiosim_vfio_open(struct vfiosim_vfio *v, int pid, int fd,
		      unsigned int dev);
/* close(): 0 or -EBADF.  The file lives on while a fd or a VMA holds it. */
int vfiosim_vfio_close(struct vfiosim_vfio *v, int pid, int fd);
/* dup2(): @newfd, or -EBADF. */
int vfiosim_vfio_dup2(struct vfiosim_vfio *v, int pid, int fd, int newfd);

/*
 * ioctl() of the device fd.  @arg is the user's argument: NULL stands for an
 * address copy_from_user() cannot read (-EFAULT where the kernel copies).
 * Unknown commands, and each design's command under the other designs,
 * answer -ENOTTY (vfio_pci_core_ioctl()); so do unknown or unmodelled
 * VFIO_DEVICE_FEATURE features (vfio_ioctl_device_feature()).
 */
long vfiosim_vfio_ioctl(struct vfiosim_vfio *v, int pid, int fd,
			unsigned long cmd, void *arg);

/*
 * pread()/pwrite() of @count bytes at @off.  A trace keeps only some of the
 * bytes of an access, so @buf holds the first @have of them (@have <=
 * @count): the rest of the user's buffer is memory the simulator does not
 * see.  A read stores only the bytes vfio-pci makes up itself (0xff over
 * the MSI-X table and past nvgrace's memlength: the simulator has no
 * device memory); a write of bytes it does not see changes no emulated
 * register.  @buf NULL is an address the kernel cannot copy: -EFAULT.
 * Returns the bytes done or -errno.
 */
long vfiosim_vfio_pread(struct vfiosim_vfio *v, int pid, int fd, void *buf,
			uint64_t have, uint64_t count, uint64_t off);
long vfiosim_vfio_pwrite(struct vfiosim_vfio *v, int pid, int fd,
			 const void *buf, uint64_t have, uint64_t count,
			 uint64_t off);

/*
 * mmap() of the device fd, @prot and @flags those of <sys/mman.h>.  With
 * MAP_FIXED the mapping goes at @addr; without it a non-zero @addr is where
 * the recorded run got its mapping, and it goes there too; else at the
 * next free address.  Either way it replaces what was mapped there.
 * 0 and *@va, or -errno.
 */
int vfiosim_vfio_mmap(struct vfiosim_vfio *v, int pid, int fd, uint64_t addr,
		      uint64_t len, int prot, int flags, uint64_t off,
		      uint64_t *va);
/* munmap(): 0 or -errno; VMAs that straddle the range are split. */
int vfiosim_vfio_munmap(struct vfiosim_vfio *v, int pid, uint64_t va,
			uint64_t len);

/* Why the last call answered as it did; "" when there is nothing to say. */
const char *vfiosim_vfio_note(const struct vfiosim_vfio *v);
/*
 * 0, or -ENOMEM once the simulator itself failed (its process table, or
 * memory for a VMA): from then on its answers are not vfio-pci's.
 */
int vfiosim_vfio_error(const struct vfiosim_vfio *v);
/* Every invariant of every file, fd table and VMA; false and *@why if not. */
bool vfiosim_vfio_validate(struct vfiosim_vfio *v, const char **why);

/* ---- looking inside, for replayers, reports and tests ---- */

/* One range of a file's offset space: a cookie of the core. */
struct vfiosim_vfio_range {
	uint64_t first, last;		/* bytes of the fd, inclusive */
	uint64_t size;			/* bytes of its region */
	uint32_t index;			/* the index userspace uses */
	uint32_t target;		/* the region it maps */
	uint32_t flags;			/* VFIOSIM_REG_R|W|MMAP */
	uint32_t attrs;			/* VFIOSIM_VFIO_ATTR_* */
	uint32_t set_attrs;		/* setattr design: attributes set */
	unsigned int users;		/* the space, VMAs, accesses */
	bool alias, dead;
};

#define VFIOSIM_VFIO_ATTR_WC	(1u << 0)

/* An open file: fds and VMAs hold it. */
struct vfiosim_vfio_file_info {
	unsigned int id;		/* in order of open, never reused */
	unsigned int dev;		/* index into the devices */
	const char *device;		/* the device's name */
	int pid, fd;			/* who opened it */
	unsigned int refs;		/* fds and VMAs that hold it */
	unsigned int cookies;		/* live cookies */
	unsigned int tombstones;	/* ranges of dropped aliases */
	uint64_t span_bytes;		/* highest offset in use + 1 */
	uint64_t region_bytes;		/* sizes of the live cookies */
	uint64_t reserved_bytes;	/* spans of every entry */
};

struct vfiosim_vfio_vma {
	int pid;
	uint64_t va, len;
	unsigned int file;		/* the file it holds */
	uint64_t fd_off;		/* fd offset it starts at */
	uint32_t attrs;			/* VFIOSIM_VFIO_ATTR_* */
	struct vfiosim_vfio_range cookie;	/* the cookie it maps */
};

/* Where the last call's offset landed in the core's lookup. */
struct vfiosim_vfio_lookup {
	uint64_t off;
	bool found;			/* a live cookie holds @off */
	struct vfiosim_vfio_range range;	/* that cookie */
};

typedef int (*vfiosim_vfio_file_fn)(void *priv,
				    const struct vfiosim_vfio_file_info *f);
typedef int (*vfiosim_vfio_range_fn)(void *priv,
				     const struct vfiosim_vfio_range *r);
typedef void (*vfiosim_vfio_release_fn)(void *priv,
					const struct vfiosim_vfio_file_info *f);

/* The id of the file @fd of @pid names, or -EBADF. */
int vfiosim_vfio_fd_file(const struct vfiosim_vfio *v, int pid, int fd);
/* What file @id is: 0, or -ENOENT once it is gone. */
int vfiosim_vfio_file(struct vfiosim_vfio *v, unsigned int id,
		      struct vfiosim_vfio_file_info *info);
/* Each file, the newest first; a non-zero return of @fn stops the walk. */
int vfiosim_vfio_for_each_file(struct vfiosim_vfio *v,
			       vfiosim_vfio_file_fn fn, void *priv);
/* Each range of file @id, lowest first (vfio_cookie_for_each()). */
int vfiosim_vfio_for_each_range(struct vfiosim_vfio *v, unsigned int id,
				vfiosim_vfio_range_fn fn, void *priv);
/* The VMA of @pid that holds @va: 0, or -ENOENT. */
int vfiosim_vfio_vma_at(const struct vfiosim_vfio *v, int pid, uint64_t va,
			struct vfiosim_vfio_vma *vma);
/*
 * Did the last call look its offset up?  True and *@out when it got that
 * far (rw, mmap), false when it failed before or takes no offset.
 */
bool vfiosim_vfio_last_lookup(const struct vfiosim_vfio *v,
			      struct vfiosim_vfio_lookup *out);
/* BAR VMAs that resets and memory disables have left mapped, so far. */
unsigned int vfiosim_vfio_zap_missed(const struct vfiosim_vfio *v);
/*
 * Call @fn with each file as it is released (its last fd or VMA gone),
 * before its cookie space is destroyed; vfiosim_vfio_for_each_range() on
 * it still works from @fn.  NULL stops it.
 */
void vfiosim_vfio_on_release(struct vfiosim_vfio *v,
			     vfiosim_vfio_release_fn fn, void *priv);
/*
 * The whole state, one line per device, process, fd, file, cookie and VMA,
 * in a fixed order: two dumps are equal iff nothing changed.  0 or -EIO.
 */
int vfiosim_vfio_dump(struct vfiosim_vfio *v, FILE *out);

#endif /* _VFIOSIM_VFIO_H */
