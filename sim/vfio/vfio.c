// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated VFIO device fd: the system object of include/vfiosim/vfio.h.
 *
 * Every open of a device creates a file with its own cookie space (the
 * core, sim/core/vfio_cookie.c) in the layout under test; fds and VMAs hold
 * the file, so the space lives until the last of them goes, as a VMA's
 * vm_file keeps a vfio_device_file alive.  Each call is performed the way
 * the kernel and vfio-pci perform it (drivers/vfio/pci/vfio_pci_core.c,
 * v6.12 to v6.19; the checks and their order are cited where they are
 * made).  The ioctls' argument handling is in ioctl.c, which sees the
 * uAPI; what they do to the device is here, behind model.h.
 */
#include "sim_vfio.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim.h"
#include "model.h"

static_assert(SIM_ATTR_WC == VFIO_COOKIE_ATTR_WC, "one WC bit");
static_assert(VFIOSIM_REG_MMAP == VFIO_COOKIE_FLAG_MMAP, "one MMAP bit");

static const char *const design_names[] = {
	[VFIOSIM_DESIGN_LEGACY] = "legacy",
	[VFIOSIM_DESIGN_SETATTR] = "setattr",
	[VFIOSIM_DESIGN_ALIAS] = "alias",
	[VFIOSIM_DESIGN_GETMMAP] = "getmmap",
};

static const char *const layout_names[] = {
	[VFIOSIM_LAYOUT_LEGACY] = "legacy",
	[VFIOSIM_LAYOUT_COMPAT] = "compat",
	[VFIOSIM_LAYOUT_COMPACT] = "compact",
};

const char *vfiosim_design_name(enum vfiosim_design design)
{
	return design < VFIOSIM_DESIGN_NR ? design_names[design] : "?";
}

const char *vfiosim_layout_name(enum vfiosim_layout layout)
{
	return layout < VFIOSIM_LAYOUT_NR ? layout_names[layout] : "?";
}

int vfiosim_design_from_name(const char *name)
{
	int i;

	for (i = 0; i < VFIOSIM_DESIGN_NR; i++)
		if (!strcmp(name, design_names[i]))
			return i;
	return -1;
}

int vfiosim_layout_from_name(const char *name)
{
	int i;

	for (i = 0; i < VFIOSIM_LAYOUT_NR; i++)
		if (!strcmp(name, layout_names[i]))
			return i;
	return -1;
}

void vfiosim_init_thread(void)
{
	sim_thread_init();
}

void vfiosim_exit_thread(void)
{
	sim_thread_exit();
}

/* ---- the last call: its note and its lookup ---- */

void sim_vfio_say(struct vfiosim_vfio *v, const char *fmt, ...)
{
	size_t used = strlen(v->note);
	va_list ap;

	if (used + 2 >= SIM_NOTE_LEN)
		return;
	if (used) {
		v->note[used++] = ';';
		v->note[used++] = ' ';
		v->note[used] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(v->note + used, SIM_NOTE_LEN - used, fmt, ap);
	va_end(ap);
}

#define say sim_vfio_say

static void begin(struct vfiosim_vfio *v)
{
	v->note[0] = '\0';
	v->looked = false;
}

/* The simulator's own failure: sticky, and the call's answer. */
static int fail(struct vfiosim_vfio *v)
{
	v->error = -ENOMEM;
	return -ENOMEM;
}

static bool is_alias_design(const struct vfiosim_vfio *v)
{
	return v->design == VFIOSIM_DESIGN_ALIAS;
}

enum vfiosim_design sim_vfio_design(const struct vfiosim_vfio *v)
{
	return v->design;
}

/* ---- processes, fds, files ---- */

static struct sim_proc *proc_find(const struct vfiosim_vfio *v, int pid)
{
	unsigned int i;

	for (i = 0; i < v->nr_procs; i++)
		if (v->procs[i].pid == pid)
			return (struct sim_proc *)&v->procs[i];
	return NULL;
}

static struct sim_proc *proc_get(struct vfiosim_vfio *v, int pid)
{
	struct sim_proc *p = proc_find(v, pid);

	if (p || v->nr_procs == SIM_MAX_PROCS)
		return p;
	p = &v->procs[v->nr_procs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	return p;
}

static struct sim_file *fd_file(const struct sim_proc *p, int fd)
{
	if (!p || fd < 0 || fd >= SIM_MAX_FDS)
		return NULL;
	return p->fds[fd];
}

struct sim_file *sim_vfio_begin(struct vfiosim_vfio *v, int pid, int fd)
{
	begin(v);
	return fd_file(proc_find(v, pid), fd);
}

static void file_info(struct sim_file *f, struct vfiosim_vfio_file_info *info)
{
	struct vfio_cookie_stats st;

	vfio_cookie_space_stats(&f->space, &st);
	memset(info, 0, sizeof(*info));
	info->id = f->id;
	info->dev = f->dev->index;
	info->device = f->dev->desc->name;
	info->pid = f->pid;
	info->fd = f->fd;
	info->refs = f->refs;
	info->cookies = st.nr_cookies;
	info->tombstones = st.nr_tombstones;
	info->span_bytes = st.span_bytes;
	info->region_bytes = st.region_bytes;
	info->reserved_bytes = st.reserved_bytes;
}

static void file_put(struct vfiosim_vfio *v, struct sim_file *f)
{
	struct vfiosim_vfio_file_info info;
	struct sim_file **pp;

	if (--f->refs)
		return;
	if (v->release) {
		file_info(f, &info);
		v->release(v->release_priv, &info);
	}
	vfio_cookie_space_destroy(&f->space);
	for (pp = &v->files; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	/* vfio_pci_core_close_device() disables interrupts at last close. */
	for (pp = &v->files; *pp; pp = &(*pp)->next)
		if ((*pp)->dev == f->dev)
			break;
	if (!*pp)
		f->dev->irq_type = 0;
	free(f);
}

/* The alias design creates each device alias on every fd, in order. */
static int file_add_alias(struct vfiosim_vfio *v, struct sim_file *f,
			  unsigned int i)
{
	u32 want = f->dev->nr_regions + i, index;
	u64 off;
	int ret;

	ret = vfio_cookie_alias(&f->space, f->dev->alias_target[i],
				VFIO_COOKIE_ATTR_WC, &off, &index);
	if (!ret && index != want) {
		say(v, "alias index %u on this fd, %u on the device", index,
		    want);
		ret = -EIO;
	}
	return ret;
}

static int file_open(struct vfiosim_vfio *v, struct sim_dev *d,
		     struct sim_file **out)
{
	struct sim_file *f = calloc(1, sizeof(*f));
	unsigned int i;
	int ret;

	if (!f)
		return -ENOMEM;
	f->dev = d;
	f->id = v->next_file_id++;
	ret = vfio_cookie_space_init(&f->space,
				     (enum vfio_cookie_layout)v->layout,
				     d->regions, d->nr_regions, v->max_cookies);
	if (ret) {
		free(f);
		return ret;
	}
	f->refs = 1;
	f->next = v->files;
	v->files = f;
	for (i = 0; is_alias_design(v) && i < d->nr_aliases; i++) {
		ret = file_add_alias(v, f, i);
		if (ret) {
			file_put(v, f);
			return ret;
		}
	}
	*out = f;
	return 0;
}

/* ---- regions and their offsets ---- */

/*
 * GET_REGION_INFO answers -EINVAL for a region marked absent, and for VGA
 * unless it is described: vfio-pci has VGA only on VGA-class devices
 * (traces/README.md, reg).
 */
static bool region_absent(const struct vfiosim_device *desc, u32 idx)
{
	const struct vfiosim_region *reg = &desc->regions[idx];

	return reg->absent || (idx == SIM_VGA && !reg->described);
}

static bool region_present(const struct sim_dev *d, u32 idx)
{
	return idx < d->nr_regions && !region_absent(d->desc, idx);
}

/* Device regions as DEVICE_GET_INFO counts them, aliases included. */
static u32 dev_nr_regions(const struct vfiosim_vfio *v, const struct sim_dev *d)
{
	return d->nr_regions + (is_alias_design(v) ? d->nr_aliases : 0);
}

/*
 * The offset this fd gives region @idx, the way the design answers
 * GET_REGION_INFO: the region's cookie, or in the alias design an alias
 * region's cookie.
 */
static int region_offset(struct vfiosim_vfio *v, struct sim_file *f, u32 idx,
			 u64 *off)
{
	struct sim_dev *d = f->dev;
	u32 base = d->nr_regions, index;

	if (region_present(d, idx))
		return vfio_cookie_region_offset(&f->space, idx, off);
	if (is_alias_design(v) && idx >= base && idx - base < d->nr_aliases)
		return vfio_cookie_alias(&f->space, d->alias_target[idx - base],
					 VFIO_COOKIE_ATTR_WC, off, &index);
	return -EINVAL;
}

static u32 setattr_of(const struct sim_file *f, u64 cookie_off)
{
	unsigned int i;

	for (i = 0; i < f->nr_setattr; i++)
		if (f->setattr[i].off == cookie_off)
			return f->setattr[i].attrs;
	return 0;
}

static void range_of(const struct sim_file *f, const struct vfio_cookie *c,
		     u64 first, u64 last, struct vfiosim_vfio_range *r)
{
	memset(r, 0, sizeof(*r));
	r->first = first;
	r->last = last;
	r->size = c->size;
	r->index = c->index;
	r->target = c->target;
	r->flags = c->flags;
	r->attrs = c->attrs;
	r->set_attrs = setattr_of(f, c->offset);
	r->users = refcount_read(&c->users);
	r->alias = c->kind == VFIO_COOKIE_ALIAS;
	r->dead = READ_ONCE(c->dead);
}

/* Remember where the call's offset landed (rcu_read_lock() held). */
static void note_lookup(struct vfiosim_vfio *v, const struct sim_file *f,
			u64 off, const struct vfio_cookie *c)
{
	memset(&v->lookup, 0, sizeof(v->lookup));
	v->looked = true;
	v->lookup.off = off;
	v->lookup.found = c;
	if (c)
		range_of(f, c, c->offset, c->offset + c->span - 1,
			 &v->lookup.range);
}

/* ---- the system ---- */

static void dev_setup(struct sim_dev *d, const struct vfiosim_device *desc,
		      unsigned int index)
{
	u32 i;

	memset(d, 0, sizeof(*d));
	d->desc = desc;
	d->index = index;
	/* A trace may say regions=N for any N; it describes at most 32. */
	d->nr_regions = min_t(u32, desc->nr_regions, VFIOSIM_MAX_REGIONS);
	for (i = 0; i < d->nr_regions; i++) {
		const struct vfiosim_region *reg = &desc->regions[i];

		if (region_absent(desc, i) || !reg->size)
			continue;
		d->regions[i].size = reg->size;
		d->regions[i].flags = reg->flags &
				      (VFIO_COOKIE_FLAG_READ |
				       VFIO_COOKIE_FLAG_WRITE |
				       VFIO_COOKIE_FLAG_MMAP);
	}
}

struct vfiosim_vfio *vfiosim_vfio_new(const struct vfiosim_device *devs,
				      unsigned int nr_devs,
				      enum vfiosim_design design,
				      enum vfiosim_layout layout)
{
	struct vfiosim_vfio *v;
	unsigned int i;

	if (design >= VFIOSIM_DESIGN_NR || layout >= VFIOSIM_LAYOUT_NR ||
	    nr_devs > VFIOSIM_MAX_DEVICES || (nr_devs && !devs))
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->design = design;
	v->layout = layout;
	v->nr_devs = nr_devs;
	v->next_va = SIM_VA_BASE;
	v->next_file_id = 1;
	v->max_cookies = SIM_MAX_COOKIES;
	for (i = 0; i < nr_devs; i++)
		dev_setup(&v->devs[i], &devs[i], i);
	return v;
}

int vfiosim_vfio_set_max_cookies(struct vfiosim_vfio *v, unsigned int max)
{
	if (!max)
		return -EINVAL;
	v->max_cookies = max;
	return 0;
}

static void vma_free(struct vfiosim_vfio *v, struct sim_vma *vma)
{
	vfio_cookie_put(vma->cookie);
	file_put(v, vma->file);
	free(vma);
}

/* A process exits: its VMAs go, then its fds. */
static void proc_exit(struct vfiosim_vfio *v, struct sim_proc *p)
{
	int fd;

	while (p->vmas) {
		struct sim_vma *vma = p->vmas;

		p->vmas = vma->next;
		vma_free(v, vma);
	}
	for (fd = 0; fd < SIM_MAX_FDS; fd++) {
		if (p->fds[fd])
			file_put(v, p->fds[fd]);
		p->fds[fd] = NULL;
	}
}

void vfiosim_vfio_free(struct vfiosim_vfio *v)
{
	unsigned int i;

	if (!v)
		return;
	for (i = 0; i < v->nr_procs; i++)
		proc_exit(v, &v->procs[i]);
	free(v);
}

int vfiosim_vfio_spawn(struct vfiosim_vfio *v, int pid)
{
	begin(v);
	return proc_get(v, pid) ? 0 : fail(v);
}

int vfiosim_vfio_fork(struct vfiosim_vfio *v, int pid, int child)
{
	struct sim_vma *vma, **tail;
	struct sim_proc *p, *c;
	int fd;

	begin(v);
	if (proc_find(v, child)) {
		say(v, "process %d exists already", child);
		return -EEXIST;
	}
	if (!proc_get(v, pid))
		return fail(v);
	c = proc_get(v, child);
	if (!c)
		return fail(v);
	p = proc_find(v, pid);
	for (fd = 0; fd < SIM_MAX_FDS; fd++) {
		c->fds[fd] = p->fds[fd];
		if (c->fds[fd])
			c->fds[fd]->refs++;
	}
	/* dup_mmap(): each VMA is copied and opened again */
	tail = &c->vmas;
	for (vma = p->vmas; vma; vma = vma->next) {
		struct sim_vma *nv = malloc(sizeof(*nv));

		if (!nv)
			return fail(v);
		*nv = *vma;
		nv->next = NULL;
		vfio_cookie_get(nv->cookie);
		nv->file->refs++;
		*tail = nv;
		tail = &nv->next;
	}
	return 0;
}

int vfiosim_vfio_open(struct vfiosim_vfio *v, int pid, int fd,
		      unsigned int dev)
{
	struct sim_proc *p;
	struct sim_file *f;
	int ret;

	begin(v);
	p = proc_get(v, pid);
	if (!p)
		return fail(v);
	if (fd < 0 || fd >= SIM_MAX_FDS || p->fds[fd]) {
		say(v, "fd %d is in use or out of range", fd);
		return -EMFILE;
	}
	if (dev >= v->nr_devs)
		return -ENODEV;
	ret = file_open(v, &v->devs[dev], &f);
	if (ret)
		return ret;
	f->pid = pid;
	f->fd = fd;
	p->fds[fd] = f;
	return 0;
}

int vfiosim_vfio_close(struct vfiosim_vfio *v, int pid, int fd)
{
	struct sim_proc *p;
	struct sim_file *f;

	begin(v);
	p = proc_find(v, pid);
	f = fd_file(p, fd);
	if (!f)
		return -EBADF;
	p->fds[fd] = NULL;
	file_put(v, f);
	return 0;
}

int vfiosim_vfio_dup2(struct vfiosim_vfio *v, int pid, int fd, int newfd)
{
	struct sim_proc *p;
	struct sim_file *f;

	begin(v);
	p = proc_find(v, pid);
	f = fd_file(p, fd);
	if (!f || newfd < 0 || newfd >= SIM_MAX_FDS)
		return -EBADF;
	/* ksys_dup3() via dup2(): the same fd is left alone */
	if (newfd == fd)
		return newfd;
	f->refs++;
	if (p->fds[newfd])
		file_put(v, p->fds[newfd]);
	p->fds[newfd] = f;
	return newfd;
}

/* ---- zap: reset and memory disable ---- */

static bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

struct zap_ctx {
	u64 off[SIM_MAX_COOKIES];
	u64 len[SIM_MAX_COOKIES];
	unsigned int nr;
};

static void zap_collect(void *priv, u64 offset, u64 len)
{
	struct zap_ctx *z = priv;

	if (z->nr < SIM_MAX_COOKIES) {
		z->off[z->nr] = offset;
		z->len[z->nr] = len;
		z->nr++;
	}
}

/* Does the design's zap reach @vma? */
static bool zap_reaches(struct vfiosim_vfio *v, const struct sim_vma *vma)
{
	struct zap_ctx z = { .nr = 0 };
	unsigned int i;
	u32 bar;

	if (v->design != VFIOSIM_DESIGN_GETMMAP)
		/* unmap_mapping_range(0, 6 << 40): vfio_pci_zap_bars() */
		return vma->fd_off < SIM_LEGACY_ZAP_END;

	/* Every cookie of every BAR, through the core. */
	for (bar = 0; bar <= SIM_BAR5; bar++)
		vfio_cookie_zap(&vma->file->space, bar, zap_collect, &z);
	for (i = 0; i < z.nr; i++)
		if (ranges_overlap(vma->fd_off, vma->len, z.off[i], z.len[i]))
			return true;
	return false;
}

static unsigned int zap_device(struct vfiosim_vfio *v, struct sim_dev *d)
{
	unsigned int i, missed = 0;
	struct sim_vma *vma;

	for (i = 0; i < v->nr_procs; i++) {
		for (vma = v->procs[i].vmas; vma; vma = vma->next) {
			if (vma->file->dev != d ||
			    vma->cookie->target > SIM_BAR5)
				continue;
			if (zap_reaches(v, vma))
				continue;
			missed++;
			say(v, "VMA of %s %u at fd offset %#llx missed by "
			       "the zap",
			    vma->cookie->kind == VFIO_COOKIE_ALIAS ?
			    "alias of BAR" : "BAR",
			    vma->cookie->target,
			    (unsigned long long)vma->fd_off);
		}
	}
	if (missed)
		say(v, "the zap covers only [0, 6 << 40) "
		       "(20250811160710.174ca708.alex.williamson@redhat.com)");
	v->zap_missed += missed;
	return missed;
}

/*
 * A write to PCI_COMMAND that clears memory decode zaps the BAR mappings
 * (vfio_basic_config_write() -> vfio_pci_zap_and_down_write_memory_lock());
 * one that sets it enables them again.  Only the low byte matters, and only
 * when the caller gave it.
 */
static void config_write(struct vfiosim_vfio *v, struct sim_dev *d, u64 pos,
			 u64 len, const u8 *data, u64 have)
{
	u64 i = 4 - pos;

	if (!(pos <= 4 && pos + len > 4) || i >= have)
		return;
	if (data[i] & 0x2) {
		d->mem_disabled = false;
		return;
	}
	if (!d->mem_disabled)
		zap_device(v, d);
	d->mem_disabled = true;
}

/* ---- read/write: vfio_pci_rw() ---- */

/* VGA accesses: vfio_pci_vga_rw() accepts three windows and clamps. */
static int vga_clip(u64 pos, u64 count, u64 *done)
{
	static const u64 win[][2] = {
		{ 0xa0000, 0xc0000 }, { 0x3b0, 0x3bc }, { 0x3c0, 0x3e0 },
	};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (pos >= win[i][0] && pos < win[i][1]) {
			*done = min(count, win[i][1] - pos);
			return 0;
		}
	}
	return -EINVAL;
}

/* Bytes vfio-pci makes up: the MSI-X table, and past nvgrace's memlength. */
static bool reads_ff(const struct vfiosim_region *reg, u64 pos)
{
	return (reg->has_fill && pos >= reg->fill) ||
	       (reg->has_msix &&
		ranges_overlap(pos, 1, reg->msix.off, reg->msix.len));
}

static long sim_rw(struct vfiosim_vfio *v, int pid, int fd, u8 *rbuf,
		   const u8 *wbuf, bool write, u64 have, u64 count, u64 off)
{
	struct sim_file *f = sim_vfio_begin(v, pid, fd);
	bool buf = write ? !!wbuf : !!rbuf, config = false, alias = false;
	const struct vfiosim_region *reg;
	struct vfio_cookie *c;
	u64 pos = 0, done, i;
	u32 target = 0;
	int ret;

	if (!f)
		return -EBADF;
	/* ksys_pread64(), ksys_pwrite64(): loff_t is signed */
	if ((s64)off < 0)
		return -EINVAL;
	/* rw_verify_area(): nor may the count or the end be negative */
	if ((s64)count < 0 || (s64)(off + count) < 0)
		return -EINVAL;
	/* vfs_read(), vfs_write() */
	count = min_t(u64, count, SIM_MAX_RW_COUNT);
	have = min(have, count);
	/* vfio_pci_core_read(), vfio_pci_core_write() */
	if (!count)
		return 0;

	rcu_read_lock();
	c = vfio_cookie_lookup(&f->space, off);
	note_lookup(v, f, off, c);
	if (c) {
		target = c->target;
		config = c->kind == VFIO_COOKIE_REGION && target == SIM_CONFIG;
		alias = c->kind == VFIO_COOKIE_ALIAS;
		pos = off - c->offset;
	}
	rcu_read_unlock();
	if (!c) {
		/*
		 * The legacy layout is vfio-pci's index decode: past a
		 * region's end inside its 1 TiB window, CONFIG answers
		 * -EFAULT (vfio_pci_config_rw()), everything else -EINVAL.
		 */
		if (v->layout == VFIOSIM_LAYOUT_LEGACY &&
		    off >> VFIO_COOKIE_LEGACY_SHIFT == SIM_CONFIG &&
		    region_present(f->dev, SIM_CONFIG))
			return -EFAULT;
		return -EINVAL;
	}
	reg = &f->dev->desc->regions[target];

	/* vfio_config_do_rw(): out of range is EFAULT, not a short count. */
	if (config) {
		if (pos >= reg->size || count > reg->size - pos)
			return -EFAULT;
		if (!buf)
			return -EFAULT;
		/* Clearing memory decode zaps. */
		if (write)
			config_write(v, f->dev, pos, count, wbuf, have);
		return count;
	}
	/* Alias regions are mmap-only in the alias design. */
	if (is_alias_design(v) && alias) {
		say(v, "alias regions have no read/write "
		       "(20250814115247.4458764a.alex.williamson@redhat.com)");
		return -EINVAL;
	}

	c = vfio_cookie_rw_get(&f->space, off, count, write, &pos, &done);
	if (IS_ERR(c))
		return PTR_ERR(c);
	ret = 0;
	if (target == SIM_VGA) {
		ret = vga_clip(pos, count, &done);
	} else if (target <= SIM_BAR5 && !reg->io && f->dev->mem_disabled) {
		/* Memory decode off: -EIO since CVE-2020-12888. */
		ret = -EIO;
	}
	vfio_cookie_put(c);
	if (ret)
		return ret;
	/* vfio_pci_core_do_io_rw(): copy_to_user(), copy_from_user() */
	if (!buf)
		return -EFAULT;
	/* vfio_pci_bar_rw() fills the MSI-X table with 0xff; so nvgrace. */
	for (i = 0; !write && i < have && i < done; i++)
		if (reads_ff(reg, pos + i))
			rbuf[i] = 0xff;
	return done;
}

long vfiosim_vfio_pread(struct vfiosim_vfio *v, int pid, int fd, void *buf,
			uint64_t have, uint64_t count, uint64_t off)
{
	return sim_rw(v, pid, fd, buf, NULL, false, have, count, off);
}

long vfiosim_vfio_pwrite(struct vfiosim_vfio *v, int pid, int fd,
			 const void *buf, uint64_t have, uint64_t count,
			 uint64_t off)
{
	return sim_rw(v, pid, fd, NULL, buf, true, have, count, off);
}

/* ---- mmap: do_mmap() then vfio_pci_core_mmap() ---- */

/* Unmap [va, va + len) of @p, splitting VMAs that straddle it. */
static int unmap_range(struct vfiosim_vfio *v, struct sim_proc *p, u64 va,
		       u64 len)
{
	struct sim_vma **pp = &p->vmas, *vma;
	u64 end = va + len;

	while ((vma = *pp)) {
		u64 vend = vma->va + vma->len;

		if (!ranges_overlap(vma->va, vma->len, va, len)) {
			pp = &vma->next;
			continue;
		}
		if (vma->va < va && vend > end) {
			/* A hole in the middle: the tail is a new VMA. */
			struct sim_vma *tail = malloc(sizeof(*tail));

			if (!tail)
				return fail(v);
			*tail = *vma;
			tail->va = end;
			tail->len = vend - end;
			tail->fd_off = vma->fd_off + (end - vma->va);
			vfio_cookie_get(tail->cookie);
			tail->file->refs++;
			vma->len = va - vma->va;
			tail->next = vma->next;
			vma->next = tail;
			pp = &tail->next;
			continue;
		}
		if (vma->va < va) {
			vma->len = va - vma->va;
			pp = &vma->next;
			continue;
		}
		if (vend > end) {
			vma->fd_off += end - vma->va;
			vma->len = vend - end;
			vma->va = end;
			pp = &vma->next;
			continue;
		}
		*pp = vma->next;
		vma_free(v, vma);
	}
	return 0;
}

/* LEGACY_MAP_MASK of include/linux/mman.h, with the values of x86-64. */
#define SIM_MAP_UNINITIALIZED	0x4000000
#define SIM_MAP_ABOVE4G		0x80
#define SIM_MAP_HUGE_2MB	(21U << 26)
#define SIM_MAP_HUGE_1GB	(30U << 26)
#define SIM_LEGACY_MAP_MASK	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | \
				 MAP_ANONYMOUS | MAP_DENYWRITE | \
				 MAP_EXECUTABLE | SIM_MAP_UNINITIALIZED | \
				 MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | \
				 MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | \
				 MAP_HUGETLB | MAP_32BIT | SIM_MAP_ABOVE4G | \
				 SIM_MAP_HUGE_2MB | SIM_MAP_HUGE_1GB)

static bool proc_overlaps(const struct sim_proc *p, u64 va, u64 len)
{
	const struct sim_vma *vma;

	for (vma = p->vmas; vma; vma = vma->next)
		if (ranges_overlap(vma->va, vma->len, va, len))
			return true;
	return false;
}

/*
 * The generic part of mmap() of a file: sys_mmap(), ksys_mmap_pgoff(),
 * do_mmap(), __get_unmapped_area(), in their order.  0 and *@shared, or
 * -errno.
 */
static int mmap_generic(struct vfiosim_vfio *v, struct sim_proc *p, u64 addr,
			u64 len, int flags, u64 off, bool *shared)
{
	u64 plen, fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);

	/* sys_mmap(): the offset must be page aligned */
	if (!PAGE_ALIGNED(off))
		return -EINVAL;
	/* ksys_mmap_pgoff(): a file that is not hugetlbfs */
	if (flags & MAP_HUGETLB)
		return -EINVAL;
	/* not modelled: an anonymous mapping is not the device's */
	if (flags & MAP_ANONYMOUS) {
		say(v, "MAP_ANONYMOUS maps no file: not simulated");
		return -EINVAL;
	}
	/* do_mmap() */
	if (!len)
		return -EINVAL;
	plen = PAGE_ALIGN(len);
	if (!plen)
		return -ENOMEM;
	/* __get_unmapped_area() */
	if (plen > SIM_TASK_SIZE)
		return -ENOMEM;
	if (fixed && addr > SIM_TASK_SIZE - plen)
		return -ENOMEM;
	if (fixed && !PAGE_ALIGNED(addr))
		return -EINVAL;
	/* do_mmap(): MAP_FIXED_NOREPLACE */
	if ((flags & MAP_FIXED_NOREPLACE) && proc_overlaps(p, addr, plen))
		return -EEXIST;
	/* file_mmap_ok(): the last page of the mapping must be an offset */
	if ((off >> PAGE_SHIFT) > (~0ULL - plen) >> PAGE_SHIFT)
		return -EOVERFLOW;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		/* unknown flags are ignored with MAP_SHARED */
		flags &= SIM_LEGACY_MAP_MASK;
		fallthrough;
	case MAP_SHARED_VALIDATE:
		if (flags & ~SIM_LEGACY_MAP_MASK)
			return -EOPNOTSUPP;
		*shared = true;
		break;
	case MAP_PRIVATE:
		*shared = false;
		break;
	default:
		return -EINVAL;
	}
	if (flags & MAP_GROWSDOWN)
		return -EINVAL;
	return 0;
}

int vfiosim_vfio_mmap(struct vfiosim_vfio *v, int pid, int fd, uint64_t addr,
		      uint64_t len, int prot, int flags, uint64_t off,
		      uint64_t *va_out)
{
	struct sim_file *f = sim_vfio_begin(v, pid, fd);
	bool jason = v->design == VFIOSIM_DESIGN_GETMMAP, shared = false;
	const struct vfiosim_region *reg;
	struct vfio_cookie *c;
	struct sim_proc *p;
	struct sim_vma *vma;
	u64 pos, va;
	int ret;

	/* vfio-pci checks no protection: PROT_EXEC maps (qemu-vfio.md) */
	(void)prot;
	if (!f)
		return -EBADF;
	p = proc_find(v, pid);
	ret = mmap_generic(v, p, addr, len, flags, off, &shared);
	if (ret)
		return ret;
	len = PAGE_ALIGN(len);

	/* iommufd_fops_mmap() checks VM_SHARED before the lookup. */
	if (jason && !shared)
		return -EINVAL;

	rcu_read_lock();
	note_lookup(v, f, off, vfio_cookie_lookup(&f->space, off));
	rcu_read_unlock();

	c = vfio_cookie_mmap_get(&f->space, off, len, &pos);
	if (IS_ERR(c)) {
		ret = PTR_ERR(c);
		if (ret == -ENXIO && !jason) {
			/* vfio_pci_core_mmap(): bad index or past the end. */
			ret = -EINVAL;
		} else if (ret == -ENXIO) {
			say(v, "no single cookie holds [%#llx, +%#llx): -ENXIO "
			       "(20250716184028.GA2177603@ziepe.ca)",
			    (unsigned long long)off, (unsigned long long)len);
		}
		return ret;
	}
	reg = &f->dev->desc->regions[c->target];
	ret = 0;
	if (!shared)
		ret = -EINVAL;		/* MAP_PRIVATE: no VM_SHARED */
	else if (c->target > SIM_BAR5 && c->kind == VFIO_COOKIE_REGION)
		ret = -EINVAL;		/* ROM, CONFIG, VGA */
	else if (reg->io)
		ret = -EINVAL;
	else if (reg->has_fill && pos + len > PAGE_ALIGN(reg->fill))
		ret = -EINVAL;		/* nvgrace: past memlength */
	if (ret) {
		vfio_cookie_put(c);
		return ret;
	}

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) || addr)
		va = addr;
	else
		va = v->next_va;
	/* What was mapped there goes. */
	ret = unmap_range(v, p, va, len);
	if (ret) {
		vfio_cookie_put(c);
		return ret;
	}
	vma = calloc(1, sizeof(*vma));
	if (!vma) {
		vfio_cookie_put(c);
		return fail(v);
	}
	if (va + len > v->next_va)
		v->next_va = PAGE_ALIGN(va + len) + PAGE_SIZE;
	vma->va = va;
	vma->len = len;
	vma->file = f;
	f->refs++;
	vma->cookie = c;
	vma->fd_off = off;
	vma->attrs = c->attrs;
	if (v->design == VFIOSIM_DESIGN_SETATTR)
		vma->attrs |= setattr_of(f, c->offset);
	if (c->target < f->dev->nr_regions && reg->wc)
		vma->attrs |= VFIO_COOKIE_ATTR_WC;
	vma->next = p->vmas;
	p->vmas = vma;
	*va_out = va;
	return 0;
}

int vfiosim_vfio_munmap(struct vfiosim_vfio *v, int pid, uint64_t va,
			uint64_t len)
{
	struct sim_proc *p;

	begin(v);
	/* do_vmi_munmap() */
	if (!PAGE_ALIGNED(va) || va > SIM_TASK_SIZE ||
	    len > SIM_TASK_SIZE - va)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	p = proc_find(v, pid);
	return p ? unmap_range(v, p, va, len) : 0;
}

/* ---- what the ioctls do to the device (model.h) ---- */

void sim_vfio_device_info(struct vfiosim_vfio *v, struct sim_file *f,
			  uint32_t *flags, uint32_t *num_regions,
			  uint32_t *num_irqs)
{
	*flags = f->dev->desc->flags;
	*num_regions = dev_nr_regions(v, f->dev);
	*num_irqs = f->dev->desc->nr_irqs;
}

static void fill_reply(struct sim_file *f, u32 idx,
		       struct sim_region_reply *rep, u64 *sparse)
{
	const struct vfiosim_device *desc = f->dev->desc;
	u32 base = f->dev->nr_regions;
	const struct vfiosim_region *reg;
	unsigned int i;

	if (idx >= base) {
		/* An alias region: mmap only (20250814115247...redhat.com). */
		reg = &desc->regions[f->dev->alias_target[idx - base]];
		rep->flags = VFIOSIM_REG_MMAP;
		rep->size = reg->size;
		rep->is_alias = true;
		rep->alias_target = f->dev->alias_target[idx - base];
		rep->alias_flags = VFIO_COOKIE_ATTR_WC;
		return;
	}
	reg = &desc->regions[idx];
	rep->flags = reg->flags;
	rep->size = reg->size;
	rep->msix_mappable = reg->msix_mappable;
	rep->has_type = reg->has_type;
	rep->type = reg->type;
	rep->subtype = reg->subtype;
	rep->nr_sparse = reg->nr_sparse;
	for (i = 0; i < reg->nr_sparse; i++) {
		sparse[2 * i] = reg->sparse[i].off;
		sparse[2 * i + 1] = reg->sparse[i].len;
	}
	rep->sparse = sparse;
}

/* vfio_pci_ioctl_get_region_info(), past its argsz check */
int sim_vfio_region_info(struct vfiosim_vfio *v, struct sim_file *f,
			 uint32_t index, struct sim_region_reply *rep,
			 uint64_t *sparse)
{
	u64 off = 0;
	int ret;

	if (index >= dev_nr_regions(v, f->dev) ||
	    (index < f->dev->nr_regions &&
	     region_absent(f->dev->desc, index)))
		return -EINVAL;
	ret = region_offset(v, f, index, &off);
	if (ret)
		return ret;
	fill_reply(f, index, rep, sparse);
	rep->offset = off;
	return 0;
}

/* vfio_pci_ioctl_get_irq_info(), past its argsz check */
int sim_vfio_irq_info(struct vfiosim_vfio *v, struct sim_file *f,
		      uint32_t index, uint32_t *count, uint32_t *flags)
{
	const struct vfiosim_device *desc = f->dev->desc;

	(void)v;
	if (index >= desc->nr_irqs || index >= VFIOSIM_MAX_IRQS)
		return -EINVAL;
	if (index == SIM_IRQ_ERR && !desc->irqs[index].count)
		return -EINVAL;	/* ERR IRQ only on PCIe */
	*count = desc->irqs[index].count;
	*flags = desc->irqs[index].flags;
	return 0;
}

uint32_t sim_vfio_nr_irq_types(struct vfiosim_vfio *v, struct sim_file *f)
{
	(void)v;
	return min_t(u32, f->dev->desc->nr_irqs, VFIOSIM_MAX_IRQS);
}

uint32_t sim_vfio_irq_type(struct vfiosim_vfio *v, struct sim_file *f)
{
	(void)v;
	return f->dev->irq_type;
}

void sim_vfio_set_irq_type(struct vfiosim_vfio *v, struct sim_file *f,
			   uint32_t type)
{
	(void)v;
	f->dev->irq_type = type;
}

/* vfio_pci_get_irq_count() */
uint32_t sim_vfio_irq_count(struct vfiosim_vfio *v, struct sim_file *f,
			    uint32_t index)
{
	if (index >= sim_vfio_nr_irq_types(v, f))
		return 0;
	return f->dev->desc->irqs[index].count;
}

/* vfio_pci_ioctl_reset() */
int sim_vfio_reset(struct vfiosim_vfio *v, struct sim_file *f)
{
	if (!(f->dev->desc->flags & VFIOSIM_DEV_RESET))
		return -EINVAL;
	/* vfio-pci zaps every BAR mapping; one left live is counted. */
	zap_device(v, f->dev);
	return 0;
}

bool sim_vfio_has_ioeventfd(struct vfiosim_vfio *v, struct sim_file *f)
{
	(void)v;
	return !f->dev->desc->ioeventfd_enotty;
}

/* vfio_pci_ioeventfd() */
int sim_vfio_ioeventfd(struct vfiosim_vfio *v, struct sim_file *f,
		       uint64_t offset, uint64_t data, uint32_t count,
		       int32_t fd)
{
	struct sim_dev *d = f->dev;
	const struct vfiosim_region *reg;
	struct vfio_cookie *c;
	u32 bar = ~0U;
	u64 pos = 0;
	unsigned int i;

	(void)v;
	rcu_read_lock();
	c = vfio_cookie_lookup(&f->space, offset);
	if (c && c->kind == VFIO_COOKIE_REGION && c->target <= SIM_BAR5) {
		bar = c->target;
		pos = offset - c->offset;
	}
	rcu_read_unlock();
	/* Only support ioeventfds into BARs */
	if (bar == ~0U)
		return -EINVAL;
	reg = &d->desc->regions[bar];
	if (pos + count > reg->size)
		return -EINVAL;
	/* Disallow ioeventfds working around MSI-X table writes */
	if (reg->has_msix &&
	    ranges_overlap(pos, count, reg->msix.off, reg->msix.len))
		return -EINVAL;
	for (i = 0; i < d->nr_ioev; i++)
		if (d->ioev[i].pos == pos && d->ioev[i].bar == bar &&
		    d->ioev[i].size == count && d->ioev[i].data == data)
			break;
	if (fd == -1) {
		if (i == d->nr_ioev)
			return -ENODEV;
		d->ioev[i] = d->ioev[--d->nr_ioev];
		return 0;
	}
	if (i < d->nr_ioev)
		return -EEXIST;
	if (d->nr_ioev == SIM_MAX_IOEVENTFDS)
		return -ENOSPC;
	d->ioev[d->nr_ioev].pos = pos;
	d->ioev[d->nr_ioev].bar = bar;
	d->ioev[d->nr_ioev].size = count;
	d->ioev[d->nr_ioev].data = data;
	d->nr_ioev++;
	return 0;
}

/*
 * Can @f take one more alias?  The core's own rule, asked before any fd of
 * the device gets one, so that a refusal changes nothing
 * (vfio_cookie_new_alias()).
 */
static bool alias_fits(struct sim_file *f)
{
	struct vfio_cookie_space *s = &f->space;
	bool fits;

	mutex_lock(&s->lock);
	fits = s->next_index <= VFIO_COOKIE_INDEX_MAX &&
	       s->nr_cookies + (s->nr_regions - s->nr_region_cookies) <
	       s->max_cookies;
	mutex_unlock(&s->lock);
	return fits;
}

/* The alias RFC's feature handler (20250924141018.80202-8), past its checks */
int sim_vfio_alias_region(struct vfiosim_vfio *v, struct sim_file *f,
			  uint32_t index, uint32_t attrs,
			  uint32_t *alias_index)
{
	struct sim_dev *d = f->dev;
	struct sim_file *g;
	unsigned int i;
	int ret;

	/* An alias of an alias, or a region that cannot be mmapped. */
	if (!region_present(d, index) ||
	    !(d->regions[index].flags & VFIO_COOKIE_FLAG_MMAP) ||
	    attrs != VFIO_COOKIE_ATTR_WC)
		return -EINVAL;
	/* De-duplication: the same region and flags, the same alias. */
	for (i = 0; i < d->nr_aliases; i++)
		if (d->alias_target[i] == index)
			break;
	if (i == d->nr_aliases) {
		if (i == SIM_MAX_ALIASES)
			return -ENOSPC;
		for (g = v->files; g; g = g->next)
			if (g->dev == d && !alias_fits(g))
				return -ENOSPC;
		d->alias_target[i] = index;
		d->nr_aliases++;
		/* A device region: every open fd gets it, in order. */
		for (g = v->files; g; g = g->next) {
			if (g->dev != d)
				continue;
			ret = file_add_alias(v, g, i);
			if (ret)
				return ret;
		}
	}
	*alias_index = d->nr_regions + i;
	return 0;
}

/* RFC v1 patch 9/9: the handler of VFIO_DEVICE_SET_MMAP_ATTRS */
int sim_vfio_set_mmap_attrs(struct vfiosim_vfio *v, struct sim_file *f,
			    uint64_t offset, uint32_t attrs)
{
	struct vfio_cookie *c;
	bool mmap = false;
	u64 key = 0;
	unsigned int i;

	(void)v;
	rcu_read_lock();
	c = vfio_cookie_lookup(&f->space, offset);
	if (c) {
		key = c->offset;
		mmap = c->flags & VFIO_COOKIE_FLAG_MMAP;
	}
	rcu_read_unlock();
	/* mtree_load() miss, or no VFIO_REGION_INFO_FLAG_MMAP */
	if (!c || !mmap)
		return -EINVAL;
	for (i = 0; i < f->nr_setattr; i++)
		if (f->setattr[i].off == key)
			break;
	if (i == SIM_MAX_COOKIES)
		return -ENOSPC;
	f->setattr[i].off = key;
	f->setattr[i].attrs = attrs;
	if (i == f->nr_setattr)
		f->nr_setattr++;
	return 0;
}

/* Jason's GET_REGION_MMAP, past its argument checks: a cookie of the core */
int sim_vfio_get_region_mmap(struct vfiosim_vfio *v, struct sim_file *f,
			     uint32_t index, uint32_t attrs, uint64_t *size,
			     uint64_t *offset)
{
	u64 off;
	u32 alias_index;
	int ret;

	(void)v;
	if (!region_present(f->dev, index))
		return -EINVAL;
	ret = vfio_cookie_alias(&f->space, index, attrs, &off, &alias_index);
	if (ret)
		return ret;
	*size = f->dev->desc->regions[index].size;
	*offset = off;
	return 0;
}

/* ---- looking inside ---- */

const char *vfiosim_vfio_note(const struct vfiosim_vfio *v)
{
	return v->note;
}

int vfiosim_vfio_error(const struct vfiosim_vfio *v)
{
	return v->error;
}

unsigned int vfiosim_vfio_zap_missed(const struct vfiosim_vfio *v)
{
	return v->zap_missed;
}

bool vfiosim_vfio_last_lookup(const struct vfiosim_vfio *v,
			      struct vfiosim_vfio_lookup *out)
{
	if (!v->looked)
		return false;
	*out = v->lookup;
	return true;
}

void vfiosim_vfio_on_release(struct vfiosim_vfio *v,
			     vfiosim_vfio_release_fn fn, void *priv)
{
	v->release = fn;
	v->release_priv = priv;
}

int vfiosim_vfio_fd_file(const struct vfiosim_vfio *v, int pid, int fd)
{
	const struct sim_file *f = fd_file(proc_find(v, pid), fd);

	return f ? (int)f->id : -EBADF;
}

static struct sim_file *file_by_id(struct vfiosim_vfio *v, unsigned int id)
{
	struct sim_file *f;

	for (f = v->files; f; f = f->next)
		if (f->id == id)
			return f;
	return NULL;
}

int vfiosim_vfio_file(struct vfiosim_vfio *v, unsigned int id,
		      struct vfiosim_vfio_file_info *info)
{
	struct sim_file *f = file_by_id(v, id);

	if (!f)
		return -ENOENT;
	file_info(f, info);
	return 0;
}

int vfiosim_vfio_for_each_file(struct vfiosim_vfio *v,
			       vfiosim_vfio_file_fn fn, void *priv)
{
	struct vfiosim_vfio_file_info info;
	struct sim_file *f, *next;
	int ret;

	for (f = v->files; f; f = next) {
		next = f->next;
		file_info(f, &info);
		ret = fn(priv, &info);
		if (ret)
			return ret;
	}
	return 0;
}

struct range_ctx {
	const struct sim_file *f;
	vfiosim_vfio_range_fn fn;
	void *priv;
};

static int range_one(void *priv, const struct vfio_cookie *c, u64 first,
		     u64 last)
{
	struct range_ctx *ctx = priv;
	struct vfiosim_vfio_range r;

	range_of(ctx->f, c, first, last, &r);
	return ctx->fn(ctx->priv, &r);
}

int vfiosim_vfio_for_each_range(struct vfiosim_vfio *v, unsigned int id,
				vfiosim_vfio_range_fn fn, void *priv)
{
	struct sim_file *f = file_by_id(v, id);
	struct range_ctx ctx = { .f = f, .fn = fn, .priv = priv };

	if (!f)
		return -ENOENT;
	return vfio_cookie_for_each(&f->space, range_one, &ctx);
}

int vfiosim_vfio_vma_at(const struct vfiosim_vfio *v, int pid, uint64_t va,
			struct vfiosim_vfio_vma *out)
{
	const struct sim_proc *p = proc_find(v, pid);
	const struct sim_vma *vma;

	for (vma = p ? p->vmas : NULL; vma; vma = vma->next) {
		if (va < vma->va || va - vma->va >= vma->len)
			continue;
		memset(out, 0, sizeof(*out));
		out->pid = pid;
		out->va = vma->va;
		out->len = vma->len;
		out->file = vma->file->id;
		out->fd_off = vma->fd_off;
		out->attrs = vma->attrs;
		range_of(vma->file, vma->cookie, vma->cookie->offset,
			 vma->cookie->offset + vma->cookie->span - 1,
			 &out->cookie);
		return 0;
	}
	return -ENOENT;
}

static int dump_range(void *priv, const struct vfiosim_vfio_range *r)
{
	FILE *out = priv;

	fprintf(out, "  cookie [%#llx, %#llx] size %#llx index %u target %u "
		"flags %#x attrs %#x set %#x %s%s users %u\n",
		(unsigned long long)r->first, (unsigned long long)r->last,
		(unsigned long long)r->size, r->index, r->target, r->flags,
		r->attrs, r->set_attrs, r->alias ? "alias" : "region",
		r->dead ? " dead" : "", r->users);
	return 0;
}

int vfiosim_vfio_dump(struct vfiosim_vfio *v, FILE *out)
{
	const struct sim_vma *vma;
	struct sim_file *f;
	unsigned int i, j;
	int fd;

	fprintf(out, "vfio %s/%s next_va %#llx zap_missed %u error %d\n",
		vfiosim_design_name(v->design), vfiosim_layout_name(v->layout),
		(unsigned long long)v->next_va, v->zap_missed, v->error);
	for (i = 0; i < v->nr_devs; i++) {
		const struct sim_dev *d = &v->devs[i];

		fprintf(out, "dev %u %s mem_disabled %d aliases", i,
			d->desc->name, d->mem_disabled);
		for (j = 0; j < d->nr_aliases; j++)
			fprintf(out, " %u", d->alias_target[j]);
		fputc('\n', out);
		for (j = 0; j < d->nr_ioev; j++)
			fprintf(out, " ioeventfd bar %u pos %#llx size %u "
				"data %#llx\n", d->ioev[j].bar,
				(unsigned long long)d->ioev[j].pos,
				d->ioev[j].size,
				(unsigned long long)d->ioev[j].data);
	}
	for (i = 0; i < v->nr_procs; i++) {
		const struct sim_proc *p = &v->procs[i];

		fprintf(out, "proc %d\n", p->pid);
		for (fd = 0; fd < SIM_MAX_FDS; fd++)
			if (p->fds[fd])
				fprintf(out, " fd %d file %u\n", fd,
					p->fds[fd]->id);
		for (vma = p->vmas; vma; vma = vma->next)
			fprintf(out, " vma [%#llx, +%#llx) file %u fd_off "
				"%#llx attrs %#x cookie %#llx\n",
				(unsigned long long)vma->va,
				(unsigned long long)vma->len, vma->file->id,
				(unsigned long long)vma->fd_off, vma->attrs,
				(unsigned long long)vma->cookie->offset);
	}
	for (f = v->files; f; f = f->next) {
		fprintf(out, "file %u dev %u opener p%d.fd%d refs %u\n", f->id,
			f->dev->index, f->pid, f->fd, f->refs);
		for (i = 0; i < f->nr_setattr; i++)
			fprintf(out, "  setattr %#llx attrs %#x\n",
				(unsigned long long)f->setattr[i].off,
				f->setattr[i].attrs);
		vfio_cookie_for_each(&f->space, range_one,
				     &(struct range_ctx){ .f = f,
							  .fn = dump_range,
							  .priv = out });
	}
	return ferror(out) ? -EIO : 0;
}

/* ---- invariants ---- */

static bool file_listed(const struct vfiosim_vfio *v, const struct sim_file *f)
{
	const struct sim_file *g;

	for (g = v->files; g; g = g->next)
		if (g == f)
			return true;
	return false;
}

/* Every reference a file has: the fds that name it, the VMAs that map it. */
static unsigned int file_holders(const struct vfiosim_vfio *v,
				 const struct sim_file *f)
{
	const struct sim_vma *vma;
	unsigned int i, n = 0;
	int fd;

	for (i = 0; i < v->nr_procs; i++) {
		for (fd = 0; fd < SIM_MAX_FDS; fd++)
			n += v->procs[i].fds[fd] == f;
		for (vma = v->procs[i].vmas; vma; vma = vma->next)
			n += vma->file == f;
	}
	return n;
}

static bool vma_valid(struct vfiosim_vfio *v, const struct sim_proc *p,
		      const struct sim_vma *vma, const char **why)
{
	const struct vfio_cookie *c = vma->cookie;
	const struct sim_vma *w;

	*why = v->why;
	if (!file_listed(v, vma->file)) {
		snprintf(v->why, sizeof(v->why),
			 "p%d: VMA at %#llx holds a freed file", p->pid,
			 (unsigned long long)vma->va);
		return false;
	}
	if (!vma->len || !PAGE_ALIGNED(vma->va) || !PAGE_ALIGNED(vma->len) ||
	    vma->fd_off < c->offset ||
	    vma->fd_off - c->offset > c->span ||
	    vma->len > c->span - (vma->fd_off - c->offset) ||
	    !refcount_read(&c->users)) {
		snprintf(v->why, sizeof(v->why),
			 "p%d: VMA [%#llx, +%#llx) at fd offset %#llx is "
			 "not inside its cookie", p->pid,
			 (unsigned long long)vma->va,
			 (unsigned long long)vma->len,
			 (unsigned long long)vma->fd_off);
		return false;
	}
	for (w = vma->next; w; w = w->next) {
		if (ranges_overlap(vma->va, vma->len, w->va, w->len)) {
			snprintf(v->why, sizeof(v->why),
				 "p%d: VMAs at %#llx and %#llx overlap",
				 p->pid, (unsigned long long)vma->va,
				 (unsigned long long)w->va);
			return false;
		}
	}
	return true;
}

bool vfiosim_vfio_validate(struct vfiosim_vfio *v, const char **why)
{
	struct sim_file *f;
	const struct sim_vma *vma;
	unsigned int i;
	int fd;

	for (f = v->files; f; f = f->next)
		if (!vfio_cookie_space_validate(&f->space, why))
			return false;
	*why = v->why;
	for (f = v->files; f; f = f->next) {
		unsigned int n = file_holders(v, f);

		if (n != f->refs) {
			snprintf(v->why, sizeof(v->why),
				 "file %u has %u references, %u holders",
				 f->id, f->refs, n);
			return false;
		}
	}
	for (i = 0; i < v->nr_procs; i++) {
		const struct sim_proc *p = &v->procs[i];

		for (fd = 0; fd < SIM_MAX_FDS; fd++) {
			if (p->fds[fd] && !file_listed(v, p->fds[fd])) {
				snprintf(v->why, sizeof(v->why),
					 "p%d: fd %d names a freed file",
					 p->pid, fd);
				return false;
			}
		}
		for (vma = p->vmas; vma; vma = vma->next)
			if (!vma_valid(v, p, vma, why))
				return false;
	}
	return true;
}
