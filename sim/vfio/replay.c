// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replay of a vfiotrace against the simulated device fd.
 *
 * Every open of a device creates a file with its own cookie space (the
 * core, sim/core/vfio_cookie.c) in the layout under test; fds and VMAs hold
 * the file, so the space lives until the last of them goes, as a VMA's
 * vm_file keeps a vfio_device_file alive.  Each event is performed the way
 * vfio-pci performs it (drivers/vfio/pci/vfio_pci_core.c, v6.12 to v6.19;
 * the checks and their order are cited where they are made) and its result
 * is compared with the one recorded in the trace.
 */
#include "sim_vfio.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "uapi.h"

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

static const char *const outcome_names[] = {
	[VFIOSIM_MATCH] = "match",
	[VFIOSIM_UNCHECKED] = "unchecked",
	[VFIOSIM_MISMATCH] = "mismatch",
	[VFIOSIM_UNSUPPORTED] = "unsupported",
	[VFIOSIM_SKIPPED] = "skipped",
};

const char *vfiosim_design_name(enum vfiosim_design design)
{
	return design < VFIOSIM_DESIGN_NR ? design_names[design] : "?";
}

const char *vfiosim_layout_name(enum vfiosim_layout layout)
{
	return layout < VFIOSIM_LAYOUT_NR ? layout_names[layout] : "?";
}

const char *vfiosim_outcome_name(enum vfiosim_outcome outcome)
{
	return outcome < VFIOSIM_OUTCOME_NR ? outcome_names[outcome] : "?";
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

static __attribute__((format(printf, 2, 3)))
void say(struct sim_replay *r, const char *fmt, ...)
{
	char *buf = r->out->reason;
	size_t used = strlen(buf);
	va_list ap;

	if (used >= VFIOSIM_REASON_LEN - 1)
		return;
	if (used) {
		buf[used++] = ';';
		buf[used++] = ' ';
		buf[used] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, VFIOSIM_REASON_LEN - used, fmt, ap);
	va_end(ap);
}

static const char *errname(int err)
{
	const char *name = vfiosim_errno_name(err < 0 ? -err : err);

	return name ? name : "E?";
}

/* ---- processes, fds, files ---- */

static struct sim_proc *proc_get(struct sim_replay *r, int pid, bool create)
{
	unsigned int i;

	for (i = 0; i < r->nr_procs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	if (!create || r->nr_procs == SIM_MAX_PROCS)
		return NULL;
	memset(&r->procs[r->nr_procs], 0, sizeof(r->procs[0]));
	r->procs[r->nr_procs].pid = pid;
	return &r->procs[r->nr_procs++];
}

static struct sim_fdmem *fdmem(struct sim_replay *r, int pid, int fd)
{
	unsigned int i;

	for (i = 0; i < r->nr_mem; i++)
		if (r->mem[i].pid == pid && r->mem[i].fd == fd)
			return &r->mem[i];
	return NULL;
}

/* A new fd number: forget what the process remembered of the old one. */
static struct sim_fdmem *fdmem_new(struct sim_replay *r, int pid, int fd,
				   struct sim_file *file)
{
	struct sim_fdmem *m = fdmem(r, pid, fd);

	if (!m) {
		if (r->nr_mem == SIM_MAX_PROCS * SIM_MAX_FDS)
			return NULL;
		m = &r->mem[r->nr_mem++];
	}
	memset(m, 0, sizeof(*m));
	m->pid = pid;
	m->fd = fd;
	m->file = file;
	return m;
}

static struct sim_file *fd_file(struct sim_proc *p, int fd)
{
	if (!p || fd < 0 || fd >= SIM_MAX_FDS)
		return NULL;
	return p->fds[fd];
}

static bool is_alias_design(const struct sim_replay *r)
{
	return r->design == VFIOSIM_DESIGN_ALIAS;
}

/* Device regions as DEVICE_GET_INFO counts them, aliases included. */
static u32 dev_nr_regions(const struct sim_replay *r, const struct sim_dev *d)
{
	return d->desc->nr_regions + (is_alias_design(r) ? d->nr_aliases : 0);
}

static void note_space(struct sim_replay *r, struct sim_file *f);

static int map_entry(void *priv, const struct vfio_cookie *c, u64 first,
		     u64 last)
{
	struct vfiosim_replay_result *res = priv;
	struct vfiosim_map_entry *e = &res->map[res->nr_map++];

	e->first = first;
	e->last = last;
	e->size = c->size;
	e->index = c->index;
	e->target = c->target;
	e->alias = c->kind == VFIO_COOKIE_ALIAS;
	e->wc = c->attrs & VFIO_COOKIE_ATTR_WC;
	e->dead = c->dead;
	return 0;
}

/* Keep the figures of the largest space and the fullest maple tree. */
static void note_space(struct sim_replay *r, struct sim_file *f)
{
	struct vfiosim_replay_result *res = r->res;
	struct vfio_cookie_stats st;
	long nodes;

	vfio_cookie_space_stats(&f->space, &st);
	if (st.span_bytes > SIM_MMAP2_REACH)
		res->fits_mmap2_32bit = false;
	nodes = sim_live_allocs() - r->nodes_base;
	if (nodes > res->maple_nodes) {
		res->maple_nodes = nodes;
		res->maple_bytes = (u64)nodes * 256;
	}
	if (st.span_bytes < res->span_bytes ||
	    (st.span_bytes == res->span_bytes && res->map))
		return;
	res->cookies = st.nr_cookies;
	res->span_bytes = st.span_bytes;
	res->region_bytes = st.region_bytes;
	free(res->map);
	res->nr_map = 0;
	res->map = calloc(SIM_MAX_COOKIES, sizeof(*res->map));
	if (!res->map)
		return;
	snprintf(res->map_device, sizeof(res->map_device), "%s",
		 f->dev->desc->name);
	res->map_pid = f->pid;
	res->map_fd = f->fd;
	vfio_cookie_for_each(&f->space, map_entry, res);
}

static void file_put(struct sim_replay *r, struct sim_file *f)
{
	struct sim_file **pp;

	if (--f->refs)
		return;
	note_space(r, f);
	vfio_cookie_space_destroy(&f->space);
	for (pp = &r->files; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	free(f);
}

/* The alias design creates each device alias on every fd, in order. */
static int file_add_alias(struct sim_replay *r, struct sim_file *f,
			  unsigned int i)
{
	u32 want = f->dev->desc->nr_regions + i, index;
	u64 off;
	int ret;

	ret = vfio_cookie_alias(&f->space, f->dev->alias_target[i],
				VFIO_COOKIE_ATTR_WC, &off, &index);
	if (!ret && index != want) {
		say(r, "alias index %u on this fd, %u on the device", index,
		    want);
		ret = -EIO;
	}
	return ret;
}

static int file_open(struct sim_replay *r, struct sim_dev *d,
		     struct sim_file **out)
{
	struct sim_file *f = calloc(1, sizeof(*f));
	unsigned int i;
	int ret;

	if (!f)
		return -ENOMEM;
	f->dev = d;
	ret = vfio_cookie_space_init(&f->space, (enum vfio_cookie_layout)r->layout,
				     d->regions, d->desc->nr_regions,
				     SIM_MAX_COOKIES);
	if (ret) {
		free(f);
		return ret;
	}
	f->refs = 1;
	f->next = r->files;
	r->files = f;
	for (i = 0; is_alias_design(r) && i < d->nr_aliases; i++) {
		ret = file_add_alias(r, f, i);
		if (ret) {
			file_put(r, f);
			return ret;
		}
	}
	*out = f;
	return 0;
}

/* ---- offsets ---- */

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
	return idx < d->desc->nr_regions && !region_absent(d->desc, idx);
}

/*
 * The offset this fd gives region @idx, the way the design answers
 * GET_REGION_INFO: the region's cookie, or in the alias design an alias
 * region's cookie.
 */
static int region_offset(struct sim_replay *r, struct sim_file *f, u32 idx,
			 u64 *off)
{
	struct sim_dev *d = f->dev;
	u32 base = d->desc->nr_regions, index;

	if (region_present(d, idx))
		return vfio_cookie_region_offset(&f->space, idx, off);
	if (is_alias_design(r) && idx >= base && idx - base < d->nr_aliases)
		return vfio_cookie_alias(&f->space, d->alias_target[idx - base],
					 VFIO_COOKIE_ATTR_WC, off, &index);
	return -EINVAL;
}

/*
 * Resolve an address of the trace to an fd offset.  Returns 0, or
 * VFIOSIM_SKIPPED when it names a WC cookie the design could not give.
 */
static int resolve(struct sim_replay *r, int pid, int fd,
		   const struct vfiosim_addr *a, u64 *off)
{
	int from_pid = a->has_from ? a->from_pid : pid;
	int from_fd = a->has_from ? a->from_fd : fd;
	struct sim_fdmem *m = fdmem(r, from_pid, from_fd);
	u64 base;

	if (a->kind == VFIOSIM_ADDR_LITERAL) {
		*off = a->off;
		return 0;
	}
	if (a->index >= VFIOSIM_MAX_REGIONS) {
		*off = a->off;
		return 0;
	}
	if (a->wc) {
		if (!m || m->wc[a->index] != SIM_WC_OK) {
			say(r, "no WC cookie of region %u on fd %d", a->index,
			    from_fd);
			return VFIOSIM_SKIPPED;
		}
		*off = m->wc_off[a->index] + a->off;
		return 0;
	}
	if (m && !m->has_off[a->index] && m->file &&
	    fd_file(proc_get(r, from_pid, false), from_fd) == m->file &&
	    !region_offset(r, m->file, a->index, &base)) {
		/* The client must have asked; ask for it now. */
		m->off[a->index] = base;
		m->has_off[a->index] = true;
	}
	if (m && m->has_off[a->index]) {
		*off = m->off[a->index] + a->off;
		return 0;
	}
	/* No offset to be had: the client computed index << 40. */
	*off = ((u64)a->index << VFIO_COOKIE_LEGACY_SHIFT) + a->off;
	return 0;
}

/* The event's at= as an fd offset; false (and skipped) without one. */
static bool resolve_at(struct sim_replay *r, struct sim_proc *p, u64 *off)
{
	if (resolve(r, p->pid, r->ev->fd, &r->ev->at, off) != VFIOSIM_SKIPPED)
		return true;
	r->out->outcome = VFIOSIM_SKIPPED;
	return false;
}

/* ---- checking ---- */

static void count_err(struct sim_replay *r, int err)
{
	if (err < 0 && -err < VFIOSIM_ERRNO_MAX)
		r->res->errors[-err]++;
}

static void outcome(struct sim_replay *r, enum vfiosim_outcome o)
{
	r->out->outcome = o;
}

/* Plain results: a value, or an errno. */
static void check_plain(struct sim_replay *r, int err, s64 value)
{
	const struct vfiosim_result *x = &r->ev->expect;

	r->out->err = err;
	r->out->value = value;
	count_err(r, err);
	if (!x->present) {
		outcome(r, VFIOSIM_UNCHECKED);
		return;
	}
	if (x->err) {
		if (err == x->err) {
			outcome(r, VFIOSIM_MATCH);
			return;
		}
		if (err)
			say(r, "expected -%s, got -%s", errname(x->err),
			    errname(err));
		else
			say(r, "expected -%s, got %lld", errname(x->err),
			    (long long)value);
		outcome(r, VFIOSIM_MISMATCH);
		return;
	}
	if (err) {
		say(r, "expected success, got -%s", errname(err));
		outcome(r, VFIOSIM_MISMATCH);
		return;
	}
	if (x->has_value && x->value != value) {
		say(r, "expected %lld, got %lld", (long long)x->value,
		    (long long)value);
		outcome(r, VFIOSIM_MISMATCH);
		return;
	}
	outcome(r, VFIOSIM_MATCH);
}

static void mismatch(struct sim_replay *r)
{
	outcome(r, VFIOSIM_MISMATCH);
}

/* ---- the events ---- */

static int ev_open(struct sim_replay *r, struct sim_proc *p)
{
	const struct vfiosim_event *ev = r->ev;
	struct sim_file *f;
	int ret;

	if (ev->fd < 0 || ev->fd >= SIM_MAX_FDS || p->fds[ev->fd]) {
		say(r, "fd %d is in use or out of range", ev->fd);
		check_plain(r, -EMFILE, 0);
		return 0;
	}
	ret = file_open(r, &r->devs[ev->dev], &f);
	if (ret) {
		check_plain(r, ret, 0);
		return 0;
	}
	f->pid = p->pid;
	f->fd = ev->fd;
	p->fds[ev->fd] = f;
	if (!fdmem_new(r, p->pid, ev->fd, f))
		return -ENOMEM;
	check_plain(r, 0, ev->fd);
	return 0;
}

static void ev_close(struct sim_replay *r, struct sim_proc *p)
{
	struct sim_file *f = fd_file(p, r->ev->fd);

	if (!f) {
		check_plain(r, -EBADF, 0);
		return;
	}
	p->fds[r->ev->fd] = NULL;
	file_put(r, f);
	check_plain(r, 0, 0);
}

static int ev_dup(struct sim_replay *r, struct sim_proc *p)
{
	const struct vfiosim_event *ev = r->ev;
	struct sim_file *f = fd_file(p, ev->fd);
	struct sim_fdmem *m, *old;

	if (!f) {
		check_plain(r, -EBADF, 0);
		return 0;
	}
	if (ev->new_fd < 0 || ev->new_fd >= SIM_MAX_FDS) {
		check_plain(r, -EBADF, 0);
		return 0;
	}
	if (p->fds[ev->new_fd])
		file_put(r, p->fds[ev->new_fd]);
	p->fds[ev->new_fd] = f;
	f->refs++;
	old = fdmem(r, p->pid, ev->fd);
	m = fdmem_new(r, p->pid, ev->new_fd, f);
	if (!m)
		return -ENOMEM;
	if (old) {
		*m = *old;
		m->fd = ev->new_fd;
	}
	check_plain(r, 0, ev->new_fd);
	return 0;
}

static int ev_fork(struct sim_replay *r, struct sim_proc *p)
{
	const struct vfiosim_event *ev = r->ev;
	struct sim_proc *c;
	struct sim_vma *v, **tail;
	int pid = p->pid, fd;
	unsigned int i, n = r->nr_mem;

	if (proc_get(r, ev->child, false)) {
		say(r, "process %d exists already", ev->child);
		mismatch(r);
		return 0;
	}
	c = proc_get(r, ev->child, true);
	if (!c)
		return -ENOMEM;
	p = proc_get(r, pid, false);	/* procs[] may not move, but be safe */
	for (fd = 0; fd < SIM_MAX_FDS; fd++) {
		c->fds[fd] = p->fds[fd];
		if (c->fds[fd])
			c->fds[fd]->refs++;
	}
	for (i = 0; i < n; i++) {
		struct sim_fdmem *m;

		if (r->mem[i].pid != pid)
			continue;
		m = fdmem_new(r, c->pid, r->mem[i].fd, r->mem[i].file);
		if (!m)
			return -ENOMEM;
		*m = r->mem[i];
		m->pid = c->pid;
	}
	tail = &c->vmas;
	for (v = p->vmas; v; v = v->next) {
		struct sim_vma *nv = malloc(sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*nv = *v;
		nv->next = NULL;
		vfio_cookie_get(nv->cookie);
		nv->file->refs++;
		*tail = nv;
		tail = &nv->next;
	}
	outcome(r, VFIOSIM_UNCHECKED);
	return 0;
}

/* vfio_pci_ioctl_get_info() */
static void ev_info(struct sim_replay *r, struct sim_file *f)
{
	const struct vfiosim_result *x = &r->ev->expect;
	const struct vfiosim_device *desc = f->dev->desc;
	u32 argsz = r->ev->has_argsz ? r->ev->argsz : 24, out_argsz;
	u32 regions = dev_nr_regions(r, f->dev);
	int err;

	err = sim_uapi_device_info(argsz, desc->flags, regions, desc->nr_irqs,
				   &out_argsz);
	if (!x->present || x->err || err) {
		check_plain(r, err, 0);
		return;
	}
	outcome(r, VFIOSIM_MATCH);
	if (x->has_regions && x->regions != regions) {
		say(r, "num_regions %u, expected %u", regions, x->regions);
		if (regions > desc->nr_regions)
			say(r, "the alias design adds a region per alias "
			       "(20250811160710.174ca708.alex.williamson@redhat.com)");
		mismatch(r);
	}
	if (x->has_irqs && x->irqs != desc->nr_irqs) {
		say(r, "num_irqs %u, expected %u", desc->nr_irqs, x->irqs);
		mismatch(r);
	}
	if (x->has_flags && x->flags != desc->flags) {
		say(r, "flags %#x, expected %#x", desc->flags, x->flags);
		mismatch(r);
	}
	if (x->has_argsz && x->argsz != out_argsz) {
		say(r, "argsz %u, expected %u", out_argsz, x->argsz);
		mismatch(r);
	}
}

static void fill_reply(struct sim_replay *r, struct sim_file *f, u32 idx,
		       struct sim_region_reply *rep, u64 *sparse)
{
	const struct vfiosim_device *desc = f->dev->desc;
	u32 base = desc->nr_regions;
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
	(void)r;
}

/* vfio_get_region_info() + vfio_pci_ioctl_get_region_info() */
static void ev_rinfo(struct sim_replay *r, struct sim_proc *p,
		     struct sim_file *f)
{
	const struct vfiosim_event *ev = r->ev;
	const struct vfiosim_result *x = &ev->expect;
	u64 sparse[2 * VFIOSIM_MAX_SPARSE];
	struct sim_region_reply rep = { 0 };
	struct sim_region_seen seen;
	uint8_t buf[SIM_UAPI_BUF];
	struct sim_fdmem *m;
	u64 off = 0;
	int err = 0;

	rep.argsz = ev->has_argsz ? ev->argsz : 32;
	if (rep.argsz < 32)
		err = -EINVAL;
	else if (ev->idx >= dev_nr_regions(r, f->dev) ||
		 (ev->idx < f->dev->desc->nr_regions &&
		  region_absent(f->dev->desc, ev->idx)))
		err = -EINVAL;
	else
		err = region_offset(r, f, ev->idx, &off);
	if (!err) {
		fill_reply(r, f, ev->idx, &rep, sparse);
		rep.offset = off;
		err = sim_uapi_region_info(&rep, buf);
	}
	if (!err)
		err = sim_uapi_region_seen(buf, &seen);
	r->out->err = err;
	r->out->value = err ? 0 : (s64)seen.offset;
	if (err) {
		check_plain(r, err, 0);
		return;
	}
	m = fdmem(r, p->pid, ev->fd);
	if (m && ev->idx < VFIOSIM_MAX_REGIONS) {
		m->off[ev->idx] = seen.offset;
		m->has_off[ev->idx] = true;
	}
	if (!x->present) {
		outcome(r, VFIOSIM_UNCHECKED);
		return;
	}
	if (x->err) {
		check_plain(r, 0, (s64)seen.offset);
		return;
	}
	outcome(r, VFIOSIM_MATCH);
	if (x->has_argsz && x->argsz != seen.argsz) {
		say(r, "argsz %u, expected %u", seen.argsz, x->argsz);
		mismatch(r);
	}
	if (x->has_flags && x->flags != seen.flags) {
		say(r, "flags %#x, expected %#x", seen.flags, x->flags);
		mismatch(r);
	}
	if (x->has_size && x->size != seen.size) {
		say(r, "size %#llx, expected %#llx",
		    (unsigned long long)seen.size,
		    (unsigned long long)x->size);
		mismatch(r);
	}
	if (x->has_caps && x->caps != (seen.caps & ~(1u << 0))) {
		say(r, "caps %#x, expected %#x", seen.caps, x->caps);
		mismatch(r);
	}
	if (x->has_off && x->off.kind == VFIOSIM_ADDR_LITERAL &&
	    x->off.off != seen.offset) {
		say(r, "offset %#llx, expected %#llx under layout %s",
		    (unsigned long long)seen.offset,
		    (unsigned long long)x->off.off,
		    vfiosim_layout_name(r->layout));
		mismatch(r);
	}
	if (x->has_off && x->off.kind == VFIOSIM_ADDR_REGION &&
	    x->off.index != ev->idx) {
		say(r, "offset expected for region %u, asked for %u",
		    x->off.index, ev->idx);
		mismatch(r);
	}
}

/* vfio_pci_ioctl_get_irq_info() */
static void ev_irqinfo(struct sim_replay *r, struct sim_file *f)
{
	const struct vfiosim_device *desc = f->dev->desc;
	const struct vfiosim_result *x = &r->ev->expect;
	u32 idx = r->ev->idx;
	int err = 0;

	if (idx >= desc->nr_irqs || idx >= VFIOSIM_MAX_IRQS)
		err = -EINVAL;
	else if (idx == 3 && !desc->irqs[idx].count)
		err = -EINVAL;	/* ERR IRQ only on PCIe */
	if (err || !x->present || x->err) {
		check_plain(r, err, 0);
		return;
	}
	check_plain(r, 0, 0);
	if (x->has_count && x->count != desc->irqs[idx].count) {
		say(r, "count %u, expected %u", desc->irqs[idx].count,
		    x->count);
		mismatch(r);
	}
	if (x->has_flags && x->flags != desc->irqs[idx].flags) {
		say(r, "flags %#x, expected %#x", desc->irqs[idx].flags,
		    x->flags);
		mismatch(r);
	}
}

/* vfio_pci_set_irqs_ioctl(), argument checks only */
static void ev_irqset(struct sim_replay *r, struct sim_file *f)
{
	const struct vfiosim_event *ev = r->ev;
	const struct vfiosim_device *desc = f->dev->desc;
	int err = 0;

	if (ev->idx >= desc->nr_irqs || ev->idx >= VFIOSIM_MAX_IRQS)
		err = -EINVAL;
	else if (!(ev->count == 0 && ev->data_kind == VFIOSIM_IRQ_DATA_NONE) &&
		 ((u64)ev->start + ev->count > desc->irqs[ev->idx].count))
		err = -EINVAL;
	check_plain(r, err, 0);
}

/* ---- where an address lands ---- */

#define SIM_LEGACY_MASK	((1ULL << VFIO_COOKIE_LEGACY_SHIFT) - 1)

static void explain_miss(struct sim_replay *r, const struct vfiosim_addr *a,
			 u64 off)
{
	if (a->kind == VFIOSIM_ADDR_LITERAL)
		say(r, "hard-coded offset %#llx (region %llu << 40 + %#llx) "
		       "is in no cookie under layout %s",
		    (unsigned long long)off,
		    (unsigned long long)(off >> VFIO_COOKIE_LEGACY_SHIFT),
		    (unsigned long long)(off & SIM_LEGACY_MASK),
		    vfiosim_layout_name(r->layout));
	else if (a->has_from)
		say(r, "offset %#llx learned on p%d.fd%d is in no cookie of "
		       "this fd", (unsigned long long)off, a->from_pid,
		    a->from_fd);
	else
		say(r, "offset %#llx is in no cookie", (unsigned long long)off);
}

/*
 * Did the access reach the region the client meant?  A hard-coded offset
 * means region off >> 40; a region address means its own region; an offset
 * learned on another fd means the region it named there.  Returns true
 * (and says why) when it reached another one: a silent wrong access.
 */
static bool wrong_target(struct sim_replay *r, struct sim_file *f,
			 const struct vfiosim_addr *a, u64 off,
			 const struct vfio_cookie *c)
{
	u64 pos = off - c->offset;
	u32 want;
	u64 want_pos;

	if (a->kind == VFIOSIM_ADDR_LITERAL) {
		want = off >> VFIO_COOKIE_LEGACY_SHIFT;
		want_pos = off & SIM_LEGACY_MASK;
	} else if (a->kind == VFIOSIM_ADDR_REGION && !a->wc) {
		want = a->index;
		want_pos = a->off;
	} else {
		return false;
	}
	if (c->kind == VFIO_COOKIE_REGION && c->target == want && pos == want_pos)
		return false;
	if (a->kind == VFIOSIM_ADDR_LITERAL)
		say(r, "hard-coded offset %#llx meant region %u + %#llx, "
		       "reaches %s %u + %#llx under layout %s",
		    (unsigned long long)off, want,
		    (unsigned long long)want_pos,
		    c->kind == VFIO_COOKIE_ALIAS ? "an alias of region" :
						   "region",
		    c->target, (unsigned long long)pos,
		    vfiosim_layout_name(r->layout));
	else if (a->has_from)
		say(r, "offset learned on p%d.fd%d for region %u reaches %s %u "
		       "+ %#llx on this fd", a->from_pid, a->from_fd, want,
		    c->kind == VFIO_COOKIE_ALIAS ? "an alias of region" :
						   "region",
		    c->target, (unsigned long long)pos);
	else
		say(r, "region %u + %#llx lies past its cookie and reaches "
		       "region %u + %#llx (%s packs cookies together)", want,
		    (unsigned long long)want_pos, c->target,
		    (unsigned long long)pos, vfiosim_layout_name(r->layout));
	(void)f;
	return true;
}

/* A success that touched the wrong region is still a mismatch. */
static void flag_wrong(struct sim_replay *r, bool wrong)
{
	if (wrong && r->out->outcome == VFIOSIM_MATCH)
		mismatch(r);
}

/* ---- read/write: vfio_pci_rw() ---- */

static bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

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

static unsigned int config_write(struct sim_replay *r, struct sim_dev *d,
				 u64 pos, u64 len);

static void ev_rw(struct sim_replay *r, struct sim_proc *p, struct sim_file *f,
		  bool write)
{
	const struct vfiosim_event *ev = r->ev;
	const struct vfiosim_region *reg;
	struct vfio_cookie *c;
	u64 off, pos, done, fill_from = ~0ULL;
	bool config = false, fills = false, wrong = false;
	u32 target = 0;
	int ret;

	/* vfs_read()/vfs_write(): a zero count returns 0 before the driver. */
	if (!ev->len) {
		check_plain(r, 0, 0);
		return;
	}
	if (!resolve_at(r, p, &off))
		return;

	rcu_read_lock();
	c = vfio_cookie_lookup(&f->space, off);
	if (c) {
		target = c->target;
		config = c->kind == VFIO_COOKIE_REGION && target == SIM_CONFIG;
		pos = off - c->offset;
		wrong = wrong_target(r, f, &ev->at, off, c);
	}
	rcu_read_unlock();
	if (!c) {
		/*
		 * The legacy layout is vfio-pci's index decode: past a
		 * region's end inside its 1 TiB window, CONFIG answers
		 * -EFAULT (vfio_pci_config_rw()), everything else -EINVAL.
		 */
		if (r->layout == VFIOSIM_LAYOUT_LEGACY &&
		    off >> VFIO_COOKIE_LEGACY_SHIFT == SIM_CONFIG &&
		    region_present(f->dev, SIM_CONFIG)) {
			check_plain(r, -EFAULT, 0);
			return;
		}
		explain_miss(r, &ev->at, off);
		check_plain(r, -EINVAL, 0);
		return;
	}
	reg = &f->dev->desc->regions[target];

	/* vfio_pci_config_rw(): out of range is EFAULT, not a short count. */
	if (config) {
		if (pos >= reg->size || ev->len > reg->size - pos) {
			check_plain(r, -EFAULT, 0);
			return;
		}
		/* Clearing memory decode zaps; a mapping left live differs. */
		if (write && config_write(r, f->dev, pos, ev->len))
			wrong = true;
		check_plain(r, 0, (s64)ev->len);
		flag_wrong(r, wrong);
		return;
	}
	/* Alias regions are mmap-only in the alias design. */
	if (is_alias_design(r) && c->kind == VFIO_COOKIE_ALIAS) {
		say(r, "alias regions have no read/write "
		       "(20250814115247.4458764a.alex.williamson@redhat.com)");
		check_plain(r, -EINVAL, 0);
		return;
	}

	c = vfio_cookie_rw_get(&f->space, off, ev->len, write, &pos, &done);
	if (IS_ERR(c)) {
		check_plain(r, (int)PTR_ERR(c), 0);
		return;
	}
	ret = 0;
	if (target == SIM_VGA) {
		ret = vga_clip(pos, ev->len, &done);
	} else if (target <= SIM_BAR5 && !reg->io && f->dev->mem_disabled) {
		/* Memory decode off: -EIO since CVE-2020-12888. */
		ret = -EIO;
	}
	/* vfio_pci_bar_rw() masks the MSI-X table, mappable or not. */
	if (reg->has_msix &&
	    ranges_overlap(pos, done, reg->msix.off, reg->msix.len))
		fills = true;
	if (reg->has_fill) {
		fill_from = reg->fill;
		if (pos + done > fill_from)
			fills = true;
	}
	vfio_cookie_put(c);
	if (ret) {
		check_plain(r, ret, 0);
		return;
	}
	check_plain(r, 0, (s64)done);
	flag_wrong(r, wrong);
	/* Where the simulator knows the bytes (0xff fill), check data=. */
	if (!write && fills && ev->data_len && r->out->outcome == VFIOSIM_MATCH) {
		unsigned int i;

		for (i = 0; i < ev->data_len && i < done; i++) {
			bool ff = pos + i >= fill_from ||
				  (reg->has_msix &&
				   ranges_overlap(pos + i, 1, reg->msix.off,
						  reg->msix.len));

			if (ff && ev->data[i] != 0xff) {
				say(r, "byte %u reads 0xff, recorded %#x", i,
				    ev->data[i]);
				mismatch(r);
				break;
			}
		}
	}
}

/* ---- mmap: do_mmap() then vfio_pci_core_mmap() ---- */

static u32 vma_intent(const struct vfiosim_event *ev, const struct sim_dev *d,
		      u32 target)
{
	if (ev->at.kind == VFIOSIM_ADDR_REGION && ev->at.wc)
		return VFIO_COOKIE_ATTR_WC;
	if (target < d->desc->nr_regions && d->desc->regions[target].wc)
		return VFIO_COOKIE_ATTR_WC;
	return 0;
}

static u32 setattr_of(const struct sim_file *f, u64 cookie_off)
{
	unsigned int i;

	for (i = 0; i < f->nr_setattr; i++)
		if (f->setattr[i].off == cookie_off)
			return f->setattr[i].attrs;
	return 0;
}

static void vma_free(struct sim_replay *r, struct sim_vma *v)
{
	vfio_cookie_put(v->cookie);
	file_put(r, v->file);
	free(v);
}

/* Unmap [va, va + len) of @p, splitting VMAs that straddle it. */
static int unmap_range(struct sim_replay *r, struct sim_proc *p, u64 va,
		       u64 len)
{
	struct sim_vma **pp = &p->vmas, *v;
	u64 end = va + len;

	while ((v = *pp)) {
		u64 vend = v->va + v->len;

		if (!ranges_overlap(v->va, v->len, va, len)) {
			pp = &v->next;
			continue;
		}
		if (v->va < va && vend > end) {
			/* A hole in the middle: the tail is a new VMA. */
			struct sim_vma *tail = malloc(sizeof(*tail));

			if (!tail)
				return -ENOMEM;
			*tail = *v;
			tail->va = end;
			tail->len = vend - end;
			tail->fd_off = v->fd_off + (end - v->va);
			vfio_cookie_get(tail->cookie);
			tail->file->refs++;
			v->len = va - v->va;
			tail->next = v->next;
			v->next = tail;
			pp = &tail->next;
			continue;
		}
		if (v->va < va) {
			v->len = va - v->va;
			pp = &v->next;
			continue;
		}
		if (vend > end) {
			v->fd_off += end - v->va;
			v->len = vend - end;
			v->va = end;
			pp = &v->next;
			continue;
		}
		*pp = v->next;
		vma_free(r, v);
	}
	return 0;
}

static int ev_mmap(struct sim_replay *r, struct sim_proc *p, struct sim_file *f)
{
	const struct vfiosim_event *ev = r->ev;
	bool jason = r->design == VFIOSIM_DESIGN_GETMMAP;
	const struct vfiosim_region *reg;
	struct vfio_cookie *c;
	struct sim_vma *v;
	u64 off, len, pos, va;
	bool wrong = false;
	u32 want, got;
	int ret;

	if (!resolve_at(r, p, &off))
		return 0;
	/* do_mmap(): length, offset alignment, pgoff overflow. */
	len = PAGE_ALIGN(ev->len);
	if (!ev->len || !len) {
		check_plain(r, -EINVAL, 0);
		return 0;
	}
	if (!PAGE_ALIGNED(off)) {
		check_plain(r, -EINVAL, 0);
		return 0;
	}
	if (off + len - 1 < off) {
		check_plain(r, -EOVERFLOW, 0);
		return 0;
	}
	/* iommufd_fops_mmap() checks VM_SHARED before the lookup. */
	if (jason && !(ev->mflags & VFIOSIM_MAP_SHARED)) {
		check_plain(r, -EINVAL, 0);
		return 0;
	}

	/* Say first where the offset lands, right or wrong. */
	rcu_read_lock();
	c = vfio_cookie_lookup(&f->space, off);
	if (c)
		wrong = wrong_target(r, f, &ev->at, off, c);
	else
		explain_miss(r, &ev->at, off);
	rcu_read_unlock();

	c = vfio_cookie_mmap_get(&f->space, off, len, &pos);
	if (IS_ERR(c)) {
		ret = (int)PTR_ERR(c);
		if (ret == -ENXIO && !jason) {
			/* vfio_pci_core_mmap(): bad index or past the end. */
			ret = -EINVAL;
		} else if (ret == -ENXIO) {
			say(r, "no single cookie holds [%#llx, +%#llx): -ENXIO "
			       "(20250716184028.GA2177603@ziepe.ca)",
			    (unsigned long long)off, (unsigned long long)len);
		}
		check_plain(r, ret, 0);
		return 0;
	}
	reg = &f->dev->desc->regions[c->target];
	ret = 0;
	if (!(ev->mflags & VFIOSIM_MAP_SHARED))
		ret = -EINVAL;		/* MAP_PRIVATE: VM_SHARED required */
	else if (c->target > SIM_BAR5 && c->kind == VFIO_COOKIE_REGION)
		ret = -EINVAL;		/* ROM, CONFIG, VGA */
	else if (reg->io)
		ret = -EINVAL;
	else if (reg->has_fill && pos + len > PAGE_ALIGN(reg->fill))
		ret = -EINVAL;		/* nvgrace: past memlength */
	if (ret) {
		vfio_cookie_put(c);
		check_plain(r, ret, 0);
		return 0;
	}

	if (ev->has_addr && (ev->mflags & VFIOSIM_MAP_FIXED))
		va = ev->va;
	else if (ev->expect.has_va)
		va = ev->expect.va;
	else
		va = r->next_va;
	if (va + len > r->next_va)
		r->next_va = PAGE_ALIGN(va + len) + PAGE_SIZE;
	/* MAP_FIXED replaces what was there. */
	ret = unmap_range(r, p, va, len);
	if (ret) {
		vfio_cookie_put(c);
		return ret;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		vfio_cookie_put(c);
		return -ENOMEM;
	}
	v->va = va;
	v->len = len;
	v->file = f;
	f->refs++;
	v->cookie = c;
	v->fd_off = off;
	got = c->attrs;
	if (r->design == VFIOSIM_DESIGN_SETATTR)
		got |= setattr_of(f, c->offset);
	if (c->target < f->dev->desc->nr_regions && reg->wc)
		got |= VFIO_COOKIE_ATTR_WC;
	v->attrs = got;
	v->next = p->vmas;
	p->vmas = v;

	check_plain(r, 0, (s64)va);
	flag_wrong(r, wrong);
	want = vma_intent(ev, f->dev, c->target);
	if (r->out->outcome == VFIOSIM_MATCH && got != want) {
		say(r, "the mapping is %s, the client asked for %s",
		    got ? "WC" : "UC", want ? "WC" : "UC");
		if (r->design == VFIOSIM_DESIGN_SETATTR)
			say(r, "setattr attributes belong to the offset and "
			       "change later mmaps (20250805143134.GP26511@ziepe.ca)");
		mismatch(r);
	}
	return 0;
}

static int ev_munmap(struct sim_replay *r, struct sim_proc *p)
{
	const struct vfiosim_event *ev = r->ev;
	int ret;

	if (!PAGE_ALIGNED(ev->va) || !ev->len) {
		check_plain(r, -EINVAL, 0);
		return 0;
	}
	ret = unmap_range(r, p, ev->va, PAGE_ALIGN(ev->len));
	if (ret)
		return ret;
	check_plain(r, 0, 0);
	return 0;
}

/* ---- zap: reset and memory disable ---- */

struct zap_ctx {
	struct sim_file *file;
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

/* Does the design's zap reach @v? */
static bool zap_reaches(struct sim_replay *r, const struct sim_vma *v)
{
	struct zap_ctx z = { .file = v->file };
	unsigned int i;
	u32 bar;

	if (r->design != VFIOSIM_DESIGN_GETMMAP)
		/* unmap_mapping_range(0, 6 << 40): vfio_pci_zap_bars() */
		return v->fd_off < SIM_LEGACY_ZAP_END;

	/* Every cookie of every BAR, through the core. */
	for (bar = 0; bar <= SIM_BAR5; bar++)
		vfio_cookie_zap(&v->file->space, bar, zap_collect, &z);
	for (i = 0; i < z.nr; i++)
		if (ranges_overlap(v->fd_off, v->len, z.off[i], z.len[i]))
			return true;
	return false;
}

static unsigned int zap_device(struct sim_replay *r, struct sim_dev *d)
{
	unsigned int i, missed = 0;
	struct sim_vma *v;

	for (i = 0; i < r->nr_procs; i++) {
		for (v = r->procs[i].vmas; v; v = v->next) {
			if (v->file->dev != d || v->cookie->target > SIM_BAR5)
				continue;
			if (zap_reaches(r, v))
				continue;
			missed++;
			say(r, "VMA of %s %u at fd offset %#llx missed by the zap",
			    v->cookie->kind == VFIO_COOKIE_ALIAS ? "alias of BAR" :
								   "BAR",
			    v->cookie->target,
			    (unsigned long long)v->fd_off);
		}
	}
	if (missed)
		say(r, "the zap covers only [0, 6 << 40) "
		       "(20250811160710.174ca708.alex.williamson@redhat.com)");
	r->res->zap_missed += missed;
	return missed;
}

/* PCI_COMMAND writes that clear or set memory decode zap or re-enable. */
static unsigned int config_write(struct sim_replay *r, struct sim_dev *d,
				 u64 pos, u64 len)
{
	const struct vfiosim_event *ev = r->ev;
	unsigned int missed = 0;
	u64 i = 4 - pos;

	if (!(pos <= 4 && pos + len > 4) || i >= ev->data_len)
		return 0;
	if (ev->data[i] & 0x2) {
		d->mem_disabled = false;
		return 0;
	}
	if (!d->mem_disabled)
		missed = zap_device(r, d);
	d->mem_disabled = true;
	return missed;
}

static void ev_reset(struct sim_replay *r, struct sim_file *f)
{
	unsigned int missed;

	if (!(f->dev->desc->flags & VFIOSIM_DEV_RESET)) {
		check_plain(r, -EINVAL, 0);
		return;
	}
	missed = zap_device(r, f->dev);
	check_plain(r, 0, 0);
	/* vfio-pci zaps every BAR mapping; one left live is a difference. */
	if (missed && r->out->outcome == VFIOSIM_MATCH)
		mismatch(r);
}

/* vfio_pci_ioeventfd() */
static void ev_ioeventfd(struct sim_replay *r, struct sim_proc *p,
			 struct sim_file *f)
{
	const struct vfiosim_event *ev = r->ev;
	struct sim_dev *d = f->dev;
	struct vfio_cookie *c;
	u64 off, pos = 0;
	u32 bar = ~0U;
	unsigned int i;

	if (d->desc->ioeventfd_enotty) {
		check_plain(r, -ENOTTY, 0);
		return;
	}
	if (ev->len != 1 && ev->len != 2 && ev->len != 4 && ev->len != 8) {
		check_plain(r, -EINVAL, 0);
		return;
	}
	if (!resolve_at(r, p, &off))
		return;
	rcu_read_lock();
	c = vfio_cookie_lookup(&f->space, off);
	if (c && c->kind == VFIO_COOKIE_REGION && c->target <= SIM_BAR5) {
		bar = c->target;
		pos = off - c->offset;
	}
	rcu_read_unlock();
	if (bar == ~0U || pos + ev->len > d->desc->regions[bar].size) {
		check_plain(r, -EINVAL, 0);
		return;
	}
	for (i = 0; i < d->nr_ioev; i++)
		if (d->ioev[i].pos == pos && d->ioev[i].bar == bar &&
		    d->ioev[i].size == ev->len && d->ioev[i].data == ev->ioev_data)
			break;
	if (ev->efd < 0) {
		if (i == d->nr_ioev) {
			check_plain(r, -ENODEV, 0);
			return;
		}
		d->ioev[i] = d->ioev[--d->nr_ioev];
		check_plain(r, 0, 0);
		return;
	}
	if (i < d->nr_ioev) {
		check_plain(r, -EEXIST, 0);
		return;
	}
	if (d->nr_ioev == SIM_MAX_IOEVENTFDS) {
		check_plain(r, -ENOSPC, 0);
		return;
	}
	d->ioev[d->nr_ioev].pos = pos;
	d->ioev[d->nr_ioev].bar = bar;
	d->ioev[d->nr_ioev].size = ev->len;
	d->ioev[d->nr_ioev].data = ev->ioev_data;
	d->nr_ioev++;
	check_plain(r, 0, 0);
}

/* ---- the four designs' way of asking for a WC mapping ---- */

static int wc_setattr(struct sim_replay *r, struct sim_file *f, u32 idx,
		      u64 *off)
{
	unsigned int i;
	int ret;

	/* RFC v1 patch 9: lookup miss or no MMAP flag -> -EINVAL */
	if (!region_present(f->dev, idx) ||
	    !(f->dev->regions[idx].flags & VFIO_COOKIE_FLAG_MMAP))
		return -EINVAL;
	ret = vfio_cookie_region_offset(&f->space, idx, off);
	if (ret)
		return ret;
	for (i = 0; i < f->nr_setattr; i++)
		if (f->setattr[i].off == *off)
			break;
	if (i == SIM_MAX_COOKIES)
		return -ENOSPC;
	f->setattr[i].off = *off;
	f->setattr[i].attrs = VFIO_COOKIE_ATTR_WC;
	if (i == f->nr_setattr)
		f->nr_setattr++;
	say(r, "setattr: every later mmap of region %u's offset is WC", idx);
	return 0;
}

static int wc_alias(struct sim_replay *r, struct sim_file *f, u32 idx,
		    u64 *off)
{
	struct sim_dev *d = f->dev;
	struct sim_file *g;
	unsigned int i;
	int ret;

	/* alias RFC patch 7: an alias of an alias, or unmappable: -EINVAL */
	if (!region_present(d, idx) ||
	    !(d->regions[idx].flags & VFIO_COOKIE_FLAG_MMAP))
		return -EINVAL;
	for (i = 0; i < d->nr_aliases; i++)
		if (d->alias_target[i] == idx)
			break;
	if (i == d->nr_aliases) {
		if (i == SIM_MAX_ALIASES)
			return -ENOSPC;
		d->alias_target[i] = idx;
		d->nr_aliases++;
		/* A device region: every open fd gets it, in order. */
		for (g = r->files; g; g = g->next) {
			if (g->dev != d)
				continue;
			ret = file_add_alias(r, g, i);
			if (ret)
				return ret;
		}
	}
	/* Then REGION_INFO(alias index) gives the offset. */
	ret = region_offset(r, f, d->desc->nr_regions + i, off);
	if (!ret)
		say(r, "alias region %u of region %u",
		    d->desc->nr_regions + i, idx);
	return ret;
}

static void ev_wc(struct sim_replay *r, struct sim_proc *p, struct sim_file *f)
{
	const struct vfiosim_event *ev = r->ev;
	struct sim_fdmem *m = fdmem(r, p->pid, ev->fd);
	u64 off = 0;
	u32 index;
	int ret;

	if (!m || ev->idx >= VFIOSIM_MAX_REGIONS) {
		check_plain(r, -EINVAL, 0);
		return;
	}
	switch (r->design) {
	case VFIOSIM_DESIGN_LEGACY:
		m->wc[ev->idx] = SIM_WC_UNSUPPORTED;
		say(r, "upstream vfio-pci has no way to ask for a "
		       "write-combining mapping");
		outcome(r, VFIOSIM_UNSUPPORTED);
		return;
	case VFIOSIM_DESIGN_SETATTR:
		ret = wc_setattr(r, f, ev->idx, &off);
		break;
	case VFIOSIM_DESIGN_ALIAS:
		ret = wc_alias(r, f, ev->idx, &off);
		break;
	default:
		/* GET_REGION_MMAP {region_index, mmap_flags = WC} */
		if (!region_present(f->dev, ev->idx)) {
			ret = -EINVAL;
			break;
		}
		ret = vfio_cookie_alias(&f->space, ev->idx, VFIO_COOKIE_ATTR_WC,
					&off, &index);
		break;
	}
	m->wc[ev->idx] = ret ? SIM_WC_FAILED : SIM_WC_OK;
	m->wc_off[ev->idx] = off;
	check_plain(r, ret, 0);
}

/* ---- the loop ---- */

static int replay_event(struct sim_replay *r)
{
	const struct vfiosim_event *ev = r->ev;
	struct sim_proc *p = proc_get(r, ev->pid, true);
	struct sim_file *f = NULL;

	if (!p)
		return -ENOMEM;
	switch (ev->op) {
	case VFIOSIM_OP_OPEN:
		return ev_open(r, p);
	case VFIOSIM_OP_FORK:
		return ev_fork(r, p);
	case VFIOSIM_OP_MUNMAP:
		return ev_munmap(r, p);
	case VFIOSIM_OP_CLOSE:
		ev_close(r, p);
		return 0;
	case VFIOSIM_OP_DUP:
		return ev_dup(r, p);
	default:
		break;
	}

	f = fd_file(p, ev->fd);
	if (!f) {
		check_plain(r, -EBADF, 0);
		return 0;
	}
	switch (ev->op) {
	case VFIOSIM_OP_INFO:
		ev_info(r, f);
		break;
	case VFIOSIM_OP_RINFO:
		ev_rinfo(r, p, f);
		break;
	case VFIOSIM_OP_IRQINFO:
		ev_irqinfo(r, f);
		break;
	case VFIOSIM_OP_IRQSET:
		ev_irqset(r, f);
		break;
	case VFIOSIM_OP_RD:
		ev_rw(r, p, f, false);
		break;
	case VFIOSIM_OP_WR:
		ev_rw(r, p, f, true);
		break;
	case VFIOSIM_OP_MMAP:
		return ev_mmap(r, p, f);
	case VFIOSIM_OP_RESET:
		ev_reset(r, f);
		break;
	case VFIOSIM_OP_IOEVENTFD:
		ev_ioeventfd(r, p, f);
		break;
	case VFIOSIM_OP_WC:
		ev_wc(r, p, f);
		break;
	default:
		/* vfio_device_fops_unl_ioctl(): unknown -> -ENOTTY */
		check_plain(r, -ENOTTY, 0);
		break;
	}
	return 0;
}

static void validate_all(struct sim_replay *r)
{
	struct sim_file *f;
	const char *why;

	if (r->res->invalid)
		return;
	for (f = r->files; f; f = f->next) {
		if (vfio_cookie_space_validate(&f->space, &why))
			continue;
		r->res->invalid = true;
		snprintf(r->res->invalid_reason, VFIOSIM_REASON_LEN,
			 "line %u: %s", r->ev->line, why);
		return;
	}
}

static void dev_setup(struct sim_dev *d, const struct vfiosim_device *desc)
{
	u32 i;

	memset(d, 0, sizeof(*d));
	d->desc = desc;
	for (i = 0; i < desc->nr_regions && i < VFIOSIM_MAX_REGIONS; i++) {
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

/* Unmap and close everything the trace left open. */
static void teardown(struct sim_replay *r)
{
	struct sim_file *f;
	unsigned int i;
	int fd;

	for (f = r->files; f; f = f->next)
		note_space(r, f);
	for (i = 0; i < r->nr_procs; i++) {
		struct sim_proc *p = &r->procs[i];

		while (p->vmas) {
			struct sim_vma *v = p->vmas;

			p->vmas = v->next;
			vma_free(r, v);
		}
		for (fd = 0; fd < SIM_MAX_FDS; fd++) {
			if (p->fds[fd])
				file_put(r, p->fds[fd]);
			p->fds[fd] = NULL;
		}
	}
}

int vfiosim_replay(const struct vfiosim_trace *trace,
		   enum vfiosim_design design, enum vfiosim_layout layout,
		   struct vfiosim_replay_result *res)
{
	struct sim_replay *r;
	unsigned int i;
	int ret = 0;

	if (design >= VFIOSIM_DESIGN_NR || layout >= VFIOSIM_LAYOUT_NR)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	res->trace = trace->path;
	res->design = design;
	res->layout = layout;
	res->fits_mmap2_32bit = true;
	res->per_event = calloc(trace->nr_events ? trace->nr_events : 1,
				sizeof(*res->per_event));
	r = calloc(1, sizeof(*r));
	if (!res->per_event || !r) {
		free(r);
		vfiosim_replay_result_free(res);
		return -ENOMEM;
	}
	r->trace = trace;
	r->design = design;
	r->layout = layout;
	r->res = res;
	r->next_va = SIM_VA_BASE;
	r->nodes_base = sim_live_allocs();
	for (i = 0; i < trace->nr_devices; i++)
		dev_setup(&r->devs[i], &trace->devices[i]);

	for (i = 0; i < trace->nr_events && !ret; i++) {
		r->ev = &trace->events[i];
		r->out = &res->per_event[i];
		r->out->line = r->ev->line;
		ret = replay_event(r);
		res->outcomes[r->out->outcome]++;
		res->events++;
		validate_all(r);
	}
	teardown(r);
	free(r);
	if (ret)
		vfiosim_replay_result_free(res);
	return ret;
}

void vfiosim_replay_result_free(struct vfiosim_replay_result *res)
{
	free(res->per_event);
	free(res->map);
	res->per_event = NULL;
	res->map = NULL;
	res->nr_map = 0;
}
