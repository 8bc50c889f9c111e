// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replay of a vfiotrace against the simulated device fd (vfiosim/vfio.h).
 *
 * The replayer is a client of the device fd: each event becomes the system
 * call a client makes, with the structs of <linux/vfio.h>, and a request
 * for a write-combining mapping becomes the design's own ioctls
 * (vfiosim/proposed_uapi.h).  The answer is compared with the result the
 * trace recorded; the reasons say where an offset landed against where the
 * client meant it to go.  The replayer remembers, as the client would,
 * what each process learned of each fd: the offsets GET_REGION_INFO gave,
 * and the WC cookies it obtained.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vfiosim/irqset.h"
#include "vfiosim/proposed_uapi.h"
#include "vfiosim/replay.h"
#include "vfiosim/vfio.h"
#include "sim.h"
#include "uapi.h"

#define SIM_LEGACY_SHIFT	40	/* VFIO_PCI_OFFSET_SHIFT */
#define SIM_LEGACY_MASK	((1ULL << SIM_LEGACY_SHIFT) - 1)
#define SIM_MMAP2_REACH	(1ULL << 44)
#define SIM_MAX_MEM	(VFIOSIM_VFIO_MAX_PROCS * VFIOSIM_VFIO_MAX_FDS)

static const char *const outcome_names[] = {
	[VFIOSIM_MATCH] = "match",
	[VFIOSIM_UNCHECKED] = "unchecked",
	[VFIOSIM_MISMATCH] = "mismatch",
	[VFIOSIM_UNSUPPORTED] = "unsupported",
	[VFIOSIM_SKIPPED] = "skipped",
};

const char *vfiosim_outcome_name(enum vfiosim_outcome outcome)
{
	return outcome < VFIOSIM_OUTCOME_NR ? outcome_names[outcome] : "?";
}

/* What a process remembers of an fd: offsets it learned, even after close. */
enum sim_wc_state { SIM_WC_NONE, SIM_WC_OK, SIM_WC_UNSUPPORTED, SIM_WC_FAILED };

struct sim_fdmem {
	int pid, fd;
	int file;			/* the file the fd named */
	bool has_off[VFIOSIM_MAX_REGIONS];
	uint64_t off[VFIOSIM_MAX_REGIONS];
	enum sim_wc_state wc[VFIOSIM_MAX_REGIONS];
	uint64_t wc_off[VFIOSIM_MAX_REGIONS];
};

struct sim_replay {
	const struct vfiosim_trace *trace;
	enum vfiosim_design design;
	enum vfiosim_layout layout;
	struct vfiosim_replay_result *res;
	struct vfiosim_vfio *v;
	unsigned int nr_mem;
	struct sim_fdmem mem[SIM_MAX_MEM];
	long nodes_base;
	/* the event being replayed, for reasons */
	const struct vfiosim_event *ev;
	struct vfiosim_event_result *out;
};

static __attribute__((format(printf, 2, 3)))
void say(struct sim_replay *r, const char *fmt, ...)
{
	char *buf = r->out->reason;
	size_t used = strlen(buf);
	va_list ap;

	/* Room for "; " and the terminator, or nothing more is said. */
	if (used + 2 >= VFIOSIM_REASON_LEN)
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

/* What the device fd had to say about the last call. */
static void say_note(struct sim_replay *r)
{
	const char *note = vfiosim_vfio_note(r->v);

	if (*note)
		say(r, "%s", note);
}

static const char *errname(int err)
{
	const char *name = vfiosim_errno_name(err < 0 ? -err : err);

	return name ? name : "E?";
}

static long sys_ioctl(struct sim_replay *r, unsigned long cmd, void *arg)
{
	return vfiosim_vfio_ioctl(r->v, r->ev->pid, r->ev->fd, cmd, arg);
}

/* ---- what the client remembers ---- */

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
				   int file)
{
	struct sim_fdmem *m = fdmem(r, pid, fd);

	if (!m) {
		if (r->nr_mem == SIM_MAX_MEM)
			return NULL;
		m = &r->mem[r->nr_mem++];
	}
	memset(m, 0, sizeof(*m));
	m->pid = pid;
	m->fd = fd;
	m->file = file;
	return m;
}

/* The device the fd names, as the trace describes it. */
static const struct vfiosim_device *fd_device(struct sim_replay *r, int pid,
					      int fd)
{
	struct vfiosim_vfio_file_info info;
	int id = vfiosim_vfio_fd_file(r->v, pid, fd);

	if (id < 0 || vfiosim_vfio_file(r->v, id, &info))
		return NULL;
	return &r->trace->devices[info.dev];
}

/* ---- the figures of a replay ---- */

static int map_entry(void *priv, const struct vfiosim_vfio_range *c)
{
	struct vfiosim_replay_result *res = priv;
	struct vfiosim_map_entry *e;

	if (res->nr_map == VFIOSIM_VFIO_MAX_COOKIES)
		return 0;
	e = &res->map[res->nr_map++];
	e->first = c->first;
	e->last = c->last;
	e->size = c->size;
	e->index = c->index;
	e->target = c->target;
	e->alias = c->alias;
	e->wc = c->attrs & VFIOSIM_VFIO_ATTR_WC;
	e->dead = c->dead;
	return 0;
}

/* Keep the figures of the largest space and the fullest maple tree. */
static void note_space(struct sim_replay *r,
		       const struct vfiosim_vfio_file_info *f)
{
	struct vfiosim_replay_result *res = r->res;
	long nodes;

	if (f->span_bytes > SIM_MMAP2_REACH)
		res->fits_mmap2_32bit = false;
	nodes = sim_live_allocs() - r->nodes_base;
	if (nodes > res->maple_nodes) {
		res->maple_nodes = nodes;
		res->maple_bytes = (uint64_t)nodes * 256;
	}
	if (f->span_bytes < res->span_bytes ||
	    (f->span_bytes == res->span_bytes && res->map))
		return;
	res->cookies = f->cookies;
	res->span_bytes = f->span_bytes;
	res->region_bytes = f->region_bytes;
	free(res->map);
	res->nr_map = 0;
	res->map = calloc(VFIOSIM_VFIO_MAX_COOKIES, sizeof(*res->map));
	if (!res->map)
		return;
	snprintf(res->map_device, sizeof(res->map_device), "%s", f->device);
	res->map_pid = f->pid;
	res->map_fd = f->fd;
	vfiosim_vfio_for_each_range(r->v, f->id, map_entry, res);
}

static void on_release(void *priv, const struct vfiosim_vfio_file_info *f)
{
	note_space(priv, f);
}

static int note_file(void *priv, const struct vfiosim_vfio_file_info *f)
{
	note_space(priv, f);
	return 0;
}

/* ---- offsets ---- */

/* GET_REGION_INFO of region @idx on @fd of @pid: its offset. */
static int ask_offset(struct sim_replay *r, int pid, int fd, uint32_t idx,
		      uint64_t *off)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = idx };
	long ret;

	ret = vfiosim_vfio_ioctl(r->v, pid, fd, VFIO_DEVICE_GET_REGION_INFO,
				 &info);
	if (!ret)
		*off = info.offset;
	return ret;
}

/*
 * Resolve an address of the trace to an fd offset.  Returns 0, or
 * VFIOSIM_SKIPPED when it names a WC cookie the design could not give.
 */
static int resolve(struct sim_replay *r, int pid, int fd,
		   const struct vfiosim_addr *a, uint64_t *off)
{
	int from_pid = a->has_from ? a->from_pid : pid;
	int from_fd = a->has_from ? a->from_fd : fd;
	struct sim_fdmem *m = fdmem(r, from_pid, from_fd);
	uint64_t base = 0;

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
	if (m && !m->has_off[a->index] &&
	    vfiosim_vfio_fd_file(r->v, from_pid, from_fd) == m->file &&
	    !ask_offset(r, from_pid, from_fd, a->index, &base)) {
		/* The client must have asked; ask for it now. */
		m->off[a->index] = base;
		m->has_off[a->index] = true;
	}
	if (m && m->has_off[a->index]) {
		*off = m->off[a->index] + a->off;
		return 0;
	}
	/* No offset to be had: the client computed index << 40. */
	*off = ((uint64_t)a->index << SIM_LEGACY_SHIFT) + a->off;
	return 0;
}

/* The event's at= as an fd offset; false (and skipped) without one. */
static bool resolve_at(struct sim_replay *r, uint64_t *off)
{
	if (resolve(r, r->ev->pid, r->ev->fd, &r->ev->at, off) !=
	    VFIOSIM_SKIPPED)
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
static void check_plain(struct sim_replay *r, int err, int64_t value)
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

/* A call that returns bytes or an fd: its value, or its errno. */
static void check_long(struct sim_replay *r, long ret)
{
	check_plain(r, ret < 0 ? (int)ret : 0, ret < 0 ? 0 : ret);
}

static void mismatch(struct sim_replay *r)
{
	outcome(r, VFIOSIM_MISMATCH);
}

/* ---- where an address lands ---- */

static void explain_miss(struct sim_replay *r, const struct vfiosim_addr *a,
			 uint64_t off)
{
	if (a->kind == VFIOSIM_ADDR_LITERAL)
		say(r, "hard-coded offset %#llx (region %llu << 40 + %#llx) "
		       "is in no cookie under layout %s",
		    (unsigned long long)off,
		    (unsigned long long)(off >> SIM_LEGACY_SHIFT),
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
static bool wrong_target(struct sim_replay *r, const struct vfiosim_addr *a,
			 uint64_t off, const struct vfiosim_vfio_range *c)
{
	uint64_t pos = off - c->first;
	uint64_t want_pos;
	uint32_t want;

	if (a->kind == VFIOSIM_ADDR_LITERAL) {
		want = off >> SIM_LEGACY_SHIFT;
		want_pos = off & SIM_LEGACY_MASK;
	} else if (a->kind == VFIOSIM_ADDR_REGION && !a->wc) {
		want = a->index;
		want_pos = a->off;
	} else {
		return false;
	}
	if (!c->alias && c->target == want && pos == want_pos)
		return false;
	if (a->kind == VFIOSIM_ADDR_LITERAL)
		say(r, "hard-coded offset %#llx meant region %u + %#llx, "
		       "reaches %s %u + %#llx under layout %s",
		    (unsigned long long)off, want,
		    (unsigned long long)want_pos,
		    c->alias ? "an alias of region" : "region",
		    c->target, (unsigned long long)pos,
		    vfiosim_layout_name(r->layout));
	else if (a->has_from)
		say(r, "offset learned on p%d.fd%d for region %u reaches %s %u "
		       "+ %#llx on this fd", a->from_pid, a->from_fd, want,
		    c->alias ? "an alias of region" : "region",
		    c->target, (unsigned long long)pos);
	else
		say(r, "region %u + %#llx lies past its cookie and reaches "
		       "region %u + %#llx (%s packs cookies together)", want,
		    (unsigned long long)want_pos, c->target,
		    (unsigned long long)pos, vfiosim_layout_name(r->layout));
	return true;
}

/*
 * Say where the last call's offset landed, if it got that far: in a cookie
 * the client did not mean (true), or in none.
 */
static bool explain_lookup(struct sim_replay *r, uint64_t off, long ret)
{
	struct vfiosim_vfio_lookup lk;

	if (!vfiosim_vfio_last_lookup(r->v, &lk))
		return false;
	if (lk.found)
		return wrong_target(r, &r->ev->at, off, &lk.range);
	/* A miss that vfio-pci's index decode still takes (-EFAULT). */
	if (ret == -EINVAL || r->ev->op == VFIOSIM_OP_MMAP)
		explain_miss(r, &r->ev->at, off);
	return false;
}

/* A success that touched the wrong region is still a mismatch. */
static void flag_wrong(struct sim_replay *r, bool wrong)
{
	if (wrong && r->out->outcome == VFIOSIM_MATCH)
		mismatch(r);
}

/* ---- the events ---- */

static int ev_open(struct sim_replay *r)
{
	const struct vfiosim_event *ev = r->ev;
	int ret;

	ret = vfiosim_vfio_open(r->v, ev->pid, ev->fd, ev->dev);
	if (ret) {
		say_note(r);
		check_plain(r, ret, 0);
		return 0;
	}
	if (!fdmem_new(r, ev->pid, ev->fd,
		       vfiosim_vfio_fd_file(r->v, ev->pid, ev->fd)))
		return -ENOMEM;
	check_plain(r, 0, ev->fd);
	return 0;
}

static void ev_close(struct sim_replay *r)
{
	check_plain(r, vfiosim_vfio_close(r->v, r->ev->pid, r->ev->fd), 0);
}

static int ev_dup(struct sim_replay *r)
{
	const struct vfiosim_event *ev = r->ev;
	struct sim_fdmem *m, *old;
	int ret;

	ret = vfiosim_vfio_dup2(r->v, ev->pid, ev->fd, ev->new_fd);
	if (ret < 0) {
		check_plain(r, ret, 0);
		return 0;
	}
	/* dup2() onto itself changes nothing, nor what the client knows. */
	if (ev->new_fd != ev->fd) {
		old = fdmem(r, ev->pid, ev->fd);
		m = fdmem_new(r, ev->pid, ev->new_fd,
			      vfiosim_vfio_fd_file(r->v, ev->pid, ev->new_fd));
		if (!m)
			return -ENOMEM;
		if (old) {
			*m = *old;
			m->fd = ev->new_fd;
		}
	}
	check_plain(r, 0, ev->new_fd);
	return 0;
}

static int ev_fork(struct sim_replay *r)
{
	const struct vfiosim_event *ev = r->ev;
	unsigned int i, n = r->nr_mem;
	int ret;

	ret = vfiosim_vfio_fork(r->v, ev->pid, ev->child);
	if (ret == -EEXIST) {
		say_note(r);
		mismatch(r);
		return 0;
	}
	if (ret)
		return ret;
	/* The child knows what the parent knew. */
	for (i = 0; i < n; i++) {
		struct sim_fdmem *m;

		if (r->mem[i].pid != ev->pid)
			continue;
		m = fdmem_new(r, ev->child, r->mem[i].fd, r->mem[i].file);
		if (!m)
			return -ENOMEM;
		*m = r->mem[i];
		m->pid = ev->child;
	}
	outcome(r, VFIOSIM_UNCHECKED);
	return 0;
}

/* VFIO_DEVICE_GET_INFO */
static void ev_info(struct sim_replay *r)
{
	const struct vfiosim_result *x = &r->ev->expect;
	const struct vfiosim_device *desc = fd_device(r, r->ev->pid, r->ev->fd);
	struct vfio_device_info info;
	int err;

	memset(&info, 0, sizeof(info));
	info.argsz = r->ev->has_argsz ? r->ev->argsz : 24;
	err = sys_ioctl(r, VFIO_DEVICE_GET_INFO, &info);
	if (!x->present || x->err || err) {
		check_plain(r, err, 0);
		return;
	}
	outcome(r, VFIOSIM_MATCH);
	if (x->has_regions && x->regions != info.num_regions) {
		say(r, "num_regions %u, expected %u", info.num_regions,
		    x->regions);
		if (info.num_regions > desc->nr_regions)
			say(r, "the alias design adds a region per alias "
			       "(20250811160710.174ca708.alex.williamson@redhat.com)");
		mismatch(r);
	}
	if (x->has_irqs && x->irqs != info.num_irqs) {
		say(r, "num_irqs %u, expected %u", info.num_irqs, x->irqs);
		mismatch(r);
	}
	if (x->has_flags && x->flags != info.flags) {
		say(r, "flags %#x, expected %#x", info.flags, x->flags);
		mismatch(r);
	}
	if (x->has_argsz && x->argsz != info.argsz) {
		say(r, "argsz %u, expected %u", info.argsz, x->argsz);
		mismatch(r);
	}
}

/* VFIO_DEVICE_GET_REGION_INFO, the reply decoded as a client does */
static void ev_rinfo(struct sim_replay *r)
{
	const struct vfiosim_event *ev = r->ev;
	const struct vfiosim_result *x = &ev->expect;
	struct vfio_region_info info;
	struct sim_region_seen seen;
	uint8_t buf[SIM_UAPI_BUF];
	struct sim_fdmem *m;
	int err;

	memset(buf, 0, sizeof(buf));
	memset(&info, 0, sizeof(info));
	info.argsz = ev->has_argsz ? ev->argsz : 32;
	info.index = ev->idx;
	memcpy(buf, &info, sizeof(info));
	err = sys_ioctl(r, VFIO_DEVICE_GET_REGION_INFO, buf);
	if (!err)
		err = sim_uapi_region_seen(buf, &seen);
	r->out->err = err;
	r->out->value = err ? 0 : (int64_t)seen.offset;
	if (err) {
		check_plain(r, err, 0);
		return;
	}
	m = fdmem(r, ev->pid, ev->fd);
	if (m && ev->idx < VFIOSIM_MAX_REGIONS) {
		m->off[ev->idx] = seen.offset;
		m->has_off[ev->idx] = true;
	}
	if (!x->present) {
		outcome(r, VFIOSIM_UNCHECKED);
		return;
	}
	if (x->err) {
		check_plain(r, 0, (int64_t)seen.offset);
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

/* VFIO_DEVICE_GET_IRQ_INFO */
static void ev_irqinfo(struct sim_replay *r)
{
	const struct vfiosim_result *x = &r->ev->expect;
	struct vfio_irq_info info;
	int err;

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.index = r->ev->idx;
	err = sys_ioctl(r, VFIO_DEVICE_GET_IRQ_INFO, &info);
	if (err || !x->present || x->err) {
		check_plain(r, err, 0);
		return;
	}
	check_plain(r, 0, 0);
	if (x->has_count && x->count != info.count) {
		say(r, "count %u, expected %u", info.count, x->count);
		mismatch(r);
	}
	if (x->has_flags && x->flags != info.flags) {
		say(r, "flags %#x, expected %#x", info.flags, x->flags);
		mismatch(r);
	}
}

/*
 * VFIO_DEVICE_SET_IRQS.  argsz claims the data the action carries; the
 * device checks it but never reads the eventfds or bools, which the trace
 * does not keep.
 */
static void ev_irqset(struct sim_replay *r)
{
	const struct vfiosim_event *ev = r->ev;
	struct vfio_irq_set set;
	uint64_t argsz;

	argsz = sizeof(set) + (uint64_t)ev->count * vfiosim_irqset_data_size(ev);
	memset(&set, 0, sizeof(set));
	set.argsz = argsz > UINT32_MAX ? UINT32_MAX : argsz;
	set.flags = vfiosim_irqset_flags(ev);
	set.index = ev->idx;
	set.start = ev->start;
	set.count = ev->count;
	check_plain(r, sys_ioctl(r, VFIO_DEVICE_SET_IRQS, &set), 0);
}

/* pread()/pwrite() */
static void ev_rw(struct sim_replay *r, bool write)
{
	const struct vfiosim_event *ev = r->ev;
	uint8_t buf[VFIOSIM_MAX_DATA];
	uint64_t off, have, before;
	unsigned int i;
	bool wrong;
	long ret;

	/*
	 * A zero count is answered before the offset is decoded
	 * (vfio_pci_core_read()): a region address need not be resolved.
	 */
	if (!ev->len)
		off = ev->at.kind == VFIOSIM_ADDR_LITERAL ? ev->at.off : 0;
	else if (!resolve_at(r, &off))
		return;
	have = ev->data_len < ev->len ? ev->data_len : ev->len;
	memcpy(buf, ev->data, have);
	before = vfiosim_vfio_zap_missed(r->v);
	if (write)
		ret = vfiosim_vfio_pwrite(r->v, ev->pid, ev->fd, buf, have,
					  ev->len, off);
	else
		ret = vfiosim_vfio_pread(r->v, ev->pid, ev->fd, buf, have,
					 ev->len, off);
	wrong = explain_lookup(r, off, ret);
	say_note(r);
	check_long(r, ret);
	if (ret < 0)
		return;
	/* Clearing memory decode zaps; a mapping left live differs. */
	flag_wrong(r, wrong || vfiosim_vfio_zap_missed(r->v) != before);
	/* Where the simulator knows the bytes (0xff fill), check data=. */
	if (write || !ret || r->out->outcome != VFIOSIM_MATCH)
		return;
	for (i = 0; i < have && i < (uint64_t)ret; i++) {
		if (buf[i] != ev->data[i]) {
			say(r, "byte %u reads 0xff, recorded %#x", i,
			    ev->data[i]);
			mismatch(r);
			break;
		}
	}
}

/* What the client meant a mapping to be: WC if it asked, or the driver's. */
static uint32_t vma_intent(const struct vfiosim_event *ev,
			   const struct vfiosim_device *desc, uint32_t target)
{
	if (ev->at.kind == VFIOSIM_ADDR_REGION && ev->at.wc)
		return VFIOSIM_VFIO_ATTR_WC;
	if (target < desc->nr_regions && target < VFIOSIM_MAX_REGIONS &&
	    desc->regions[target].wc)
		return VFIOSIM_VFIO_ATTR_WC;
	return 0;
}

/* mmap() */
static void ev_mmap(struct sim_replay *r)
{
	const struct vfiosim_event *ev = r->ev;
	int prot, flags, ret;
	struct vfiosim_vfio_vma vma;
	uint64_t off, addr = 0, va = 0;
	uint32_t want;
	bool wrong;

	if (!resolve_at(r, &off))
		return;
	prot = vfiosim_prot_to_host(ev->prot);
	flags = vfiosim_mflags_to_host(ev->mflags & ~VFIOSIM_MAP_FIXED);
	/* Where the recorded run's mapping went. */
	if (ev->has_addr && (ev->mflags & VFIOSIM_MAP_FIXED)) {
		flags |= MAP_FIXED;
		addr = ev->va;
	} else if (ev->expect.has_va) {
		addr = ev->expect.va;
	}
	ret = vfiosim_vfio_mmap(r->v, ev->pid, ev->fd, addr, ev->len, prot,
				flags, off, &va);
	wrong = explain_lookup(r, off, ret);
	say_note(r);
	check_plain(r, ret, ret ? 0 : (int64_t)va);
	if (ret)
		return;
	flag_wrong(r, wrong);
	if (r->out->outcome != VFIOSIM_MATCH ||
	    vfiosim_vfio_vma_at(r->v, ev->pid, va, &vma))
		return;
	want = vma_intent(ev, fd_device(r, ev->pid, ev->fd),
			  vma.cookie.target);
	if (vma.attrs != want) {
		say(r, "the mapping is %s, the client asked for %s",
		    vma.attrs ? "WC" : "UC", want ? "WC" : "UC");
		if (r->design == VFIOSIM_DESIGN_SETATTR)
			say(r, "setattr attributes belong to the offset and "
			       "change later mmaps (20250805143134.GP26511@ziepe.ca)");
		mismatch(r);
	}
}

static void ev_munmap(struct sim_replay *r)
{
	check_plain(r, vfiosim_vfio_munmap(r->v, r->ev->pid, r->ev->va,
					   r->ev->len), 0);
}

/* VFIO_DEVICE_RESET: vfio-pci zaps every BAR mapping first. */
static void ev_reset(struct sim_replay *r)
{
	unsigned int before = vfiosim_vfio_zap_missed(r->v);
	int err;

	err = sys_ioctl(r, VFIO_DEVICE_RESET, NULL);
	say_note(r);
	check_plain(r, err, 0);
	/* One left live is a difference. */
	if (vfiosim_vfio_zap_missed(r->v) != before &&
	    r->out->outcome == VFIOSIM_MATCH)
		mismatch(r);
}

/* VFIO_DEVICE_IOEVENTFD */
static void ev_ioeventfd(struct sim_replay *r)
{
	const struct vfiosim_event *ev = r->ev;
	struct vfio_device_ioeventfd ioev;
	uint64_t off = 0;
	long err;

	memset(&ioev, 0, sizeof(ioev));
	ioev.argsz = sizeof(ioev);
	/* size= is the VFIO_DEVICE_IOEVENTFD_{8,16,32,64} bit itself. */
	ioev.flags = ev->len > UINT32_MAX ? UINT32_MAX : (uint32_t)ev->len;
	ioev.data = ev->ioev_data;
	ioev.fd = ev->efd;
	/*
	 * Whether the driver has it at all (-ENOTTY before it reads the
	 * argument), and a size no single bit encodes, do not depend on
	 * the address: the client learns them without resolving it.
	 */
	err = sys_ioctl(r, VFIO_DEVICE_IOEVENTFD, NULL);
	if (err == -ENOTTY) {
		check_plain(r, err, 0);
		return;
	}
	if (ev->len != 1 && ev->len != 2 && ev->len != 4 && ev->len != 8) {
		check_plain(r, sys_ioctl(r, VFIO_DEVICE_IOEVENTFD, &ioev), 0);
		return;
	}
	if (!resolve_at(r, &off))
		return;
	ioev.offset = off;
	err = sys_ioctl(r, VFIO_DEVICE_IOEVENTFD, &ioev);
	say_note(r);
	check_plain(r, err, 0);
}

/* ---- the four designs' way of asking for a WC mapping ---- */

/*
 * setattr: the offset from GET_REGION_INFO, then SET_MMAP_ATTRS on it
 * (RFC v1 patches 8-9).
 */
static int wc_setattr(struct sim_replay *r, uint32_t idx, uint64_t *off)
{
	const struct vfiosim_event *ev = r->ev;
	const struct vfiosim_device *desc = fd_device(r, ev->pid, ev->fd);
	struct vfio_mmap_attrs attrs = {
		.attrs = VFIO_MMAP_ATTR_WRITE_COMBINE,
	};
	int ret;

	/* The client asks only for a region REGION_INFO said can mmap. */
	if (idx >= desc->nr_regions || desc->regions[idx].absent ||
	    !(desc->regions[idx].flags & VFIOSIM_REG_MMAP) ||
	    !desc->regions[idx].size)
		return -EINVAL;
	ret = ask_offset(r, ev->pid, ev->fd, idx, off);
	if (ret)
		return ret;
	attrs.offset = *off;
	ret = sys_ioctl(r, VFIO_DEVICE_SET_MMAP_ATTRS, &attrs);
	if (ret)
		return ret;
	say(r, "setattr: every later mmap of region %u's offset is WC", idx);
	return 0;
}

/*
 * alias: VFIO_DEVICE_FEATURE_SET of the alias region, then GET_REGION_INFO
 * of the index it returns (alias RFC, patches 4 and 7).
 */
static int wc_alias(struct sim_replay *r, uint32_t idx, uint64_t *off)
{
	struct vfio_device_feature_alias_region alias = {
		.flags = VFIOSIM_ALIAS_REGION_FLAG_WC,
		.index = idx,
	};
	struct vfio_device_feature hdr = {
		.argsz = sizeof(hdr) + sizeof(alias),
		.flags = VFIO_DEVICE_FEATURE_SET |
			 VFIOSIM_DEVICE_FEATURE_ALIAS_REGION,
	};
	uint8_t buf[sizeof(hdr) + sizeof(alias)];
	int ret;

	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), &alias, sizeof(alias));
	ret = sys_ioctl(r, VFIO_DEVICE_FEATURE, buf);
	say_note(r);
	if (ret)
		return ret;
	memcpy(&alias, buf + sizeof(hdr), sizeof(alias));
	ret = ask_offset(r, r->ev->pid, r->ev->fd, alias.alias_index, off);
	if (!ret)
		say(r, "alias region %u of region %u", alias.alias_index, idx);
	return ret;
}

/* getmmap: GET_REGION_MMAP {region_index, mmap_flags = WC} */
static int wc_getmmap(struct sim_replay *r, uint32_t idx, uint64_t *off)
{
	struct vfio_region_get_mmap req = {
		.argsz = sizeof(req),
		.region_index = idx,
		.mmap_flags = VFIOSIM_REGION_MMAP_FLAG_WC,
	};
	int ret;

	ret = sys_ioctl(r, VFIOSIM_DEVICE_GET_REGION_MMAP, &req);
	if (!ret)
		*off = req.fd_offset;
	return ret;
}

static void ev_wc(struct sim_replay *r)
{
	const struct vfiosim_event *ev = r->ev;
	struct sim_fdmem *m = fdmem(r, ev->pid, ev->fd);
	uint64_t off = 0;
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
		ret = wc_setattr(r, ev->idx, &off);
		break;
	case VFIOSIM_DESIGN_ALIAS:
		ret = wc_alias(r, ev->idx, &off);
		break;
	default:
		ret = wc_getmmap(r, ev->idx, &off);
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

	if (vfiosim_vfio_spawn(r->v, ev->pid))
		return -ENOMEM;
	switch (ev->op) {
	case VFIOSIM_OP_OPEN:
		return ev_open(r);
	case VFIOSIM_OP_FORK:
		return ev_fork(r);
	case VFIOSIM_OP_MUNMAP:
		ev_munmap(r);
		return 0;
	case VFIOSIM_OP_CLOSE:
		ev_close(r);
		return 0;
	case VFIOSIM_OP_DUP:
		return ev_dup(r);
	default:
		break;
	}

	if (vfiosim_vfio_fd_file(r->v, ev->pid, ev->fd) < 0) {
		check_plain(r, -EBADF, 0);
		return 0;
	}
	switch (ev->op) {
	case VFIOSIM_OP_INFO:
		ev_info(r);
		break;
	case VFIOSIM_OP_RINFO:
		ev_rinfo(r);
		break;
	case VFIOSIM_OP_IRQINFO:
		ev_irqinfo(r);
		break;
	case VFIOSIM_OP_IRQSET:
		ev_irqset(r);
		break;
	case VFIOSIM_OP_RD:
		ev_rw(r, false);
		break;
	case VFIOSIM_OP_WR:
		ev_rw(r, true);
		break;
	case VFIOSIM_OP_MMAP:
		ev_mmap(r);
		break;
	case VFIOSIM_OP_RESET:
		ev_reset(r);
		break;
	case VFIOSIM_OP_IOEVENTFD:
		ev_ioeventfd(r);
		break;
	case VFIOSIM_OP_WC:
		ev_wc(r);
		break;
	default:
		/*
		 * An ioctl the trace format has no event for: its argument
		 * was not kept, so it is answered as one the simulator does
		 * not know (vfio_pci_core_ioctl(): -ENOTTY).
		 */
		check_plain(r, -ENOTTY, 0);
		break;
	}
	return 0;
}

static void validate_all(struct sim_replay *r)
{
	const char *why;

	if (r->res->invalid || vfiosim_vfio_validate(r->v, &why))
		return;
	r->res->invalid = true;
	snprintf(r->res->invalid_reason, VFIOSIM_REASON_LEN, "line %u: %s",
		 r->ev->line, why);
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
	r->nodes_base = sim_live_allocs();
	r->v = vfiosim_vfio_new(trace->devices, trace->nr_devices, design,
				layout);
	if (!r->v) {
		free(r);
		vfiosim_replay_result_free(res);
		return -ENOMEM;
	}
	vfiosim_vfio_on_release(r->v, on_release, r);

	for (i = 0; i < trace->nr_events && !ret; i++) {
		r->ev = &trace->events[i];
		r->out = &res->per_event[i];
		r->out->line = r->ev->line;
		ret = replay_event(r);
		if (!ret)
			ret = vfiosim_vfio_error(r->v);
		res->zap_missed = vfiosim_vfio_zap_missed(r->v);
		res->outcomes[r->out->outcome]++;
		res->events++;
		validate_all(r);
	}
	/* Unmap and close everything the trace left open. */
	vfiosim_vfio_for_each_file(r->v, note_file, r);
	vfiosim_vfio_free(r->v);
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
