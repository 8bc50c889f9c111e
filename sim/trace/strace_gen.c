// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiosim gen strace: the strace log a trace's client would give on a
 * legacy kernel (offset = index << 40), in the format of strace 6.1
 * (Debian 12), and a sidecar that describes its devices.
 *
 * Each event becomes the call the client made: open -> the container and
 * group set-up then VFIO_GROUP_GET_DEVICE_FD (or an openat of the cdev),
 * info/rinfo/irqinfo/irqset/reset/ioeventfd/ioctl -> ioctl with the
 * pointer strace prints for it, rd/wr -> pread64/pwrite64 with a decimal
 * offset and the bytes as strace quotes them (-x, cut at -s), mmap -> mmap
 * with a hex offset, munmap, close, dup -> dup2, fork -> clone.  wc and what
 * uses a WC cookie cannot happen on a legacy kernel and are left out.
 *
 * Bytes strace would show that the trace does not record are made up:
 * 0xff where vfio-pci returns 0xff (the MSI-X table, past fill=), the
 * PCI_COMMAND memory bit as it stands for a config write, 0 elsewhere.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "strace_internal.h"

#define GEN_MAX_PROCS	64
#define GEN_MAX_FDS	256
#define GEN_GROUP_BASE	10
#define GEN_MAX_MAPS	256

struct gfd {
	int fd;
	char path[48];
	int dev;		/* device fds: the trace device, else -1 */
};

struct gproc {
	int pid;
	bool seen;
	int container;		/* fd, or -1 */
	int group[VFIOSIM_MAX_DEVICES];
	bool iommu_set;
	struct gfd fds[GEN_MAX_FDS];
	unsigned int nfds;
	/* what the legacy kernel mapped: a munmap elsewhere is left out */
	uint64_t maps[GEN_MAX_MAPS][2];
	unsigned int nmaps;
};

/* One call as strace prints it: entry part, exit part, result. */
struct rec {
	int pid;
	char name[16];
	char *entry;		/* "ioctl(3, ..., 0x7ffd" */
	char *exit;		/* ")" or "buf, 4, 0)" */
	char result[160];	/* "0", "-1 EINVAL (Invalid argument)" */
	bool splittable;
	char attach_before[64];	/* a "strace: Process N attached" line */
};

struct gen {
	const struct vfiosim_trace *t;
	const struct vfiosim_strace_gen_opts *o;
	FILE *out;
	struct gproc procs[GEN_MAX_PROCS];
	unsigned int nprocs, nlive;
	uint64_t usec;
	uint64_t ptr;
	unsigned int dur;
	bool mem_disabled[VFIOSIM_MAX_DEVICES];
	uint32_t used_fds[GEN_MAX_FDS / 32];	/* fd numbers events use */
	struct rec recs[16];
	unsigned int nrecs;
	bool failed;
};

/* ---- small text buffers ---- */

struct buf {
	char *s;
	size_t len;
	FILE *f;
};

static bool buf_open(struct buf *b)
{
	b->s = NULL;
	b->len = 0;
	b->f = open_memstream(&b->s, &b->len);
	return b->f != NULL;
}

static char *buf_close(struct buf *b)
{
	if (fclose(b->f)) {
		free(b->s);
		return NULL;
	}
	return b->s;
}

/* ---- processes and fds ---- */

static struct gproc *gproc(struct gen *g, int pid)
{
	struct gproc *p;
	unsigned int i;

	for (i = 0; i < g->nprocs; i++)
		if (g->procs[i].pid == pid)
			return &g->procs[i];
	if (g->nprocs == GEN_MAX_PROCS)
		return NULL;
	p = &g->procs[g->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->container = -1;
	for (i = 0; i < VFIOSIM_MAX_DEVICES; i++)
		p->group[i] = -1;
	return p;
}

static struct gfd *gfd_find(struct gproc *p, int fd)
{
	unsigned int i;

	for (i = 0; i < p->nfds; i++)
		if (p->fds[i].fd == fd)
			return &p->fds[i];
	return NULL;
}

static void gfd_set(struct gproc *p, int fd, const char *path, int dev)
{
	struct gfd *e = gfd_find(p, fd);

	if (!e) {
		if (p->nfds == GEN_MAX_FDS)
			return;
		e = &p->fds[p->nfds++];
	}
	e->fd = fd;
	e->dev = dev;
	snprintf(e->path, sizeof(e->path), "%s", path);
}

static void gfd_del(struct gproc *p, int fd)
{
	struct gfd *e = gfd_find(p, fd);

	if (e)
		*e = p->fds[--p->nfds];
}

/* The lowest fd the process has free and no event of the trace uses. */
static int free_fd(struct gen *g, struct gproc *p)
{
	int fd;

	for (fd = 3; fd < GEN_MAX_FDS; fd++)
		if (!(g->used_fds[fd / 32] & (1u << (fd % 32))) &&
		    !gfd_find(p, fd))
			return fd;
	return GEN_MAX_FDS + 1000;
}

/* ---- how strace prints things ---- */

static void put_fd(struct gen *g, FILE *f, struct gproc *p, int fd)
{
	struct gfd *e = gfd_find(p, fd);

	fprintf(f, "%d", fd);
	if (g->o->annotate && e && e->path[0])
		fprintf(f, "<%s>", e->path);
}

static const char *dev_path(const struct vfiosim_event *ev, unsigned int d,
			    char *buf, size_t len)
{
	if (!strcmp(ev->via, "cdev"))
		snprintf(buf, len, "/dev/vfio/devices/vfio%u", d);
	else
		snprintf(buf, len, "anon_inode:[vfio-device]");
	return buf;
}

/* An ioctl request: 0x3b6c, its name, or both (-X verbose). */
static void put_request(struct gen *g, FILE *f, uint64_t cmd)
{
	static const char *const dirs[] = {
		"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE",
	};
	const char *name = sim_ioctl_name61(cmd);
	char ioc[96];

	if (cmd > 0xffffffffULL) {
		fprintf(f, "%#" PRIx64, cmd);
		return;
	}
	snprintf(ioc, sizeof(ioc), "_IOC(%s, %#x, %#x, %#x)",
		 dirs[(cmd >> 30) & 3], (unsigned int)(cmd >> 8) & 0xff,
		 (unsigned int)cmd & 0xff, (unsigned int)(cmd >> 16) & 0x3fff);
	switch (g->o->xlat) {
	case VFIOSIM_STRACE_XLAT_RAW:
		fprintf(f, "%#" PRIx64, cmd);
		break;
	case VFIOSIM_STRACE_XLAT_ABBREV:
		fputs(name ? name : ioc, f);
		break;
	default:
		fprintf(f, "%#" PRIx64 " /* %s */", cmd, name ? name : ioc);
		break;
	}
}

/* Flags: names, a number, or both, as -X asks. */
static void put_flags(struct gen *g, FILE *f, uint64_t v, const char *names)
{
	switch (g->o->xlat) {
	case VFIOSIM_STRACE_XLAT_RAW:
		fprintf(f, "%#" PRIx64, v);
		break;
	case VFIOSIM_STRACE_XLAT_ABBREV:
		fputs(names, f);
		break;
	default:
		fprintf(f, "%#" PRIx64 " /* %s */", v, names);
		break;
	}
}

static void put_prot(struct gen *g, FILE *f, uint32_t prot)
{
	char names[64] = "";

	if (!prot)
		snprintf(names, sizeof(names), "PROT_NONE");
	if (prot & VFIOSIM_PROT_R)
		strcat(names, "PROT_READ");
	if (prot & VFIOSIM_PROT_W)
		strcat(strcat(names, names[0] ? "|" : ""), "PROT_WRITE");
	if (prot & VFIOSIM_PROT_X)
		strcat(strcat(names, names[0] ? "|" : ""), "PROT_EXEC");
	put_flags(g, f, (prot & VFIOSIM_PROT_R ? 1 : 0) |
			(prot & VFIOSIM_PROT_W ? 2 : 0) |
			(prot & VFIOSIM_PROT_X ? 4 : 0), names);
}

static void put_mapflags(struct gen *g, FILE *f, uint32_t fl)
{
	uint64_t v = (fl & VFIOSIM_MAP_SHARED ? 1 : 0) |
		     (fl & VFIOSIM_MAP_PRIVATE ? 2 : 0) |
		     (fl & VFIOSIM_MAP_FIXED ? 0x10 : 0);
	char names[64] = "";

	if ((v & 3) == 0 || (v & 3) == 3) {
		/* no single map type: strace shows a number */
		fprintf(f, "%#" PRIx64, v);
		return;
	}
	strcat(names, v & 1 ? "MAP_SHARED" : "MAP_PRIVATE");
	if (v & 0x10)
		strcat(names, "|MAP_FIXED");
	put_flags(g, f, v, names);
}

static bool printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/*
 * strace 6.1 string_quote(): -x hex-quotes a whole string that holds a
 * byte it cannot print; otherwise C escapes (octal without -x).
 */
static void put_bytes(struct gen *g, FILE *f, const uint8_t *b, size_t n,
		      bool cut)
{
	bool hex = false;
	size_t i;

	if (g->o->hex) {
		for (i = 0; i < n; i++)
			if (b[i] > 0x7e || (b[i] < 0x20 && (b[i] < 9 || b[i] > 13)))
				hex = true;
	}
	fputc('"', f);
	for (i = 0; i < n; i++) {
		uint8_t c = b[i];

		if (hex) {
			fprintf(f, "\\x%02x", c);
			continue;
		}
		switch (c) {
		case '"':
		case '\\':
			fprintf(f, "\\%c", c);
			continue;
		case '\f':
			fputs("\\f", f);
			continue;
		case '\n':
			fputs("\\n", f);
			continue;
		case '\r':
			fputs("\\r", f);
			continue;
		case '\t':
			fputs("\\t", f);
			continue;
		case '\v':
			fputs("\\v", f);
			continue;
		default:
			break;
		}
		if (printable(c)) {
			fputc(c, f);
		} else if (g->o->hex) {
			fprintf(f, "\\x%02x", c);
		} else if (i + 1 < n && b[i + 1] >= '0' && b[i + 1] <= '7') {
			fprintf(f, "\\%c%c%c", '0' + (c >> 6),
				'0' + ((c >> 3) & 7), '0' + (c & 7));
		} else {
			fputc('\\', f);
			if (c >> 3) {
				if (c >> 6)
					fputc('0' + (c >> 6), f);
				fputc('0' + ((c >> 3) & 7), f);
			}
			fputc('0' + (c & 7), f);
		}
	}
	fputc('"', f);
	if (cut)
		fputs("...", f);
}

static void put_ptr(struct gen *g, FILE *f)
{
	g->ptr += 0x40;
	fprintf(f, "0x7ffd%08" PRIx64, 0x5e6a3b00 + (g->ptr & 0xfffff));
}

static void result_err(struct rec *r, int err)
{
	const char *name = vfiosim_errno_name(err);

	snprintf(r->result, sizeof(r->result), "-1 %s (%s)",
		 name ? name : "EINVAL", strerror(err));
}

/* ---- records ---- */

static struct rec *rec_new(struct gen *g, int pid, const char *name)
{
	struct rec *r;

	if (g->nrecs == sizeof(g->recs) / sizeof(g->recs[0])) {
		g->failed = true;
		return NULL;
	}
	r = &g->recs[g->nrecs++];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

/*
 * A new record of @name, with its entry (@a) and exit (@b) texts open;
 * NULL when one of the three cannot be had.
 */
static struct rec *rec_open(struct gen *g, int pid, const char *name,
			    struct buf *a, struct buf *b)
{
	struct rec *r = rec_new(g, pid, name);

	if (!r || !buf_open(a))
		return NULL;
	if (!buf_open(b)) {
		free(buf_close(a));
		return NULL;
	}
	return r;
}

static void rec_free(struct rec *r)
{
	free(r->entry);
	free(r->exit);
	r->entry = r->exit = NULL;
}

static void put_prefix(struct gen *g, FILE *f, int pid, size_t *col)
{
	long start = ftell(f);
	uint64_t us = g->usec;

	switch (g->o->pids) {
	case VFIOSIM_STRACE_PIDS_PLAIN:
		fprintf(f, "%-5d ", pid);
		break;
	case VFIOSIM_STRACE_PIDS_BRACKET:
		if (g->nlive > 1)
			fprintf(f, "[pid %5d] ", pid);
		break;
	default:
		break;
	}
	switch (g->o->time) {
	case VFIOSIM_STRACE_TIME_T:
	case VFIOSIM_STRACE_TIME_TT: {
		uint64_t s = 36000 + us / 1000000;

		fprintf(f, "%02u:%02u:%02u", (unsigned int)(s / 3600 % 24),
			(unsigned int)(s / 60 % 60), (unsigned int)(s % 60));
		if (g->o->time == VFIOSIM_STRACE_TIME_TT)
			fprintf(f, ".%06u", (unsigned int)(us % 1000000));
		fputc(' ', f);
		break;
	}
	case VFIOSIM_STRACE_TIME_TTT:
		fprintf(f, "%" PRIu64 ".%06u ", 1700000000 + us / 1000000,
			(unsigned int)(us % 1000000));
		break;
	default:
		break;
	}
	g->usec += 137;
	*col = start >= 0 ? (size_t)(ftell(f) - start) : 0;
}

/* Print a line: [pfx] text [pad] "= " result [<duration>] */
static void put_line(struct gen *g, int pid, const char *a, const char *b,
		     const char *result)
{
	FILE *f = g->out;
	size_t col, n;

	put_prefix(g, f, pid, &col);
	fputs(a, f);
	fputs(b, f);
	n = col + strlen(a) + strlen(b);
	fputc(' ', f);
	for (n++; n < 40; n++)
		fputc(' ', f);
	fprintf(f, "= %s", result);
	if (g->o->durations)
		fprintf(f, " <0.0000%02u>", 10 + (g->dur++ % 80));
	fputc('\n', f);
}

/* "strace: Process N attached": from here on, one more process. */
static void put_attach(struct gen *g, struct rec *r)
{
	if (!r->attach_before[0])
		return;
	fprintf(g->out, "%s\n", r->attach_before);
	g->nlive++;
}

static void put_rec(struct gen *g, struct rec *r)
{
	put_attach(g, r);
	put_line(g, r->pid, r->entry, r->exit, r->result);
}

static void put_unfinished(struct gen *g, struct rec *r)
{
	size_t col;

	put_attach(g, r);
	put_prefix(g, g->out, r->pid, &col);
	fprintf(g->out, "%s <unfinished ...>\n", r->entry);
}

static void put_resumed(struct gen *g, struct rec *r)
{
	char head[48];

	snprintf(head, sizeof(head), "<... %s resumed>", r->name);
	put_line(g, r->pid, head, r->exit, r->result);
}

/* Set a record's two halves from two printf'd buffers. */
static bool rec_text(struct rec *r, struct buf *a, struct buf *b)
{
	r->entry = buf_close(a);
	r->exit = buf_close(b);
	return r->entry && r->exit;
}

/* ---- the events ---- */

/* The result of event @i: the expectation, else the replay, else success. */
static void result_of(struct gen *g, unsigned int i, int *err, int64_t *val,
		      int64_t dflt)
{
	const struct vfiosim_event *ev = &g->t->events[i];
	const struct vfiosim_result *x = &ev->expect;

	*err = 0;
	*val = dflt;
	if (x->present) {
		*err = x->err;
		if (x->has_value)
			*val = x->value;
		else if (x->has_va)
			*val = (int64_t)x->va;
		return;
	}
	if (g->o->results) {
		const struct vfiosim_event_result *r = &g->o->results[i];

		if (r->outcome == VFIOSIM_MATCH ||
		    r->outcome == VFIOSIM_UNCHECKED ||
		    r->outcome == VFIOSIM_MISMATCH) {
			*err = r->err;
			if (!r->err && ev->op != VFIOSIM_OP_RINFO &&
			    ev->op != VFIOSIM_OP_INFO &&
			    ev->op != VFIOSIM_OP_IRQINFO)
				*val = r->value;
		}
	}
}

static void set_result(struct rec *r, int err, int64_t val, bool hex)
{
	if (err)
		result_err(r, -err);
	else if (hex)
		snprintf(r->result, sizeof(r->result), "%#" PRIx64,
			 (uint64_t)val);
	else
		snprintf(r->result, sizeof(r->result), "%" PRId64, val);
}

/* ioctl(fd, request, pointer) */
static bool rec_ioctl(struct gen *g, struct gproc *p, int fd, uint64_t cmd,
		      const char *arg, int err, int64_t val)
{
	struct rec *r;
	struct buf a, b;

	r = rec_open(g, p->pid, "ioctl", &a, &b);
	if (!r)
		return false;
	fputs("ioctl(", a.f);
	put_fd(g, a.f, p, fd);
	fputs(", ", a.f);
	put_request(g, a.f, cmd);
	fputs(", ", a.f);
	if (arg)
		fputs(arg, a.f);
	else
		put_ptr(g, a.f);
	fputs(")", b.f);
	r->splittable = true;
	set_result(r, err, val, false);
	return rec_text(r, &a, &b);
}

static bool rec_openat(struct gen *g, struct gproc *p, const char *path,
		       int fd, int err)
{
	struct rec *r;
	struct buf a, b;

	r = rec_open(g, p->pid, "openat", &a, &b);
	if (!r)
		return false;
	switch (g->o->xlat) {
	case VFIOSIM_STRACE_XLAT_RAW:
		fputs("openat(-100", a.f);
		break;
	case VFIOSIM_STRACE_XLAT_ABBREV:
		fputs("openat(AT_FDCWD", a.f);
		break;
	default:
		fputs("openat(-100 /* AT_FDCWD */", a.f);
		break;
	}
	if (g->o->annotate)
		fputs("</>", a.f);
	fprintf(a.f, ", \"%s\", ", path);
	put_flags(g, a.f, 0x80002, "O_RDWR|O_CLOEXEC");
	fputs(")", b.f);
	if (err) {
		result_err(r, -err);
	} else {
		snprintf(r->result, sizeof(r->result), "%d%s%s%s", fd,
			 g->o->annotate ? "<" : "", g->o->annotate ? path : "",
			 g->o->annotate ? ">" : "");
		gfd_set(p, fd, path, -1);
	}
	return rec_text(r, &a, &b);
}

static bool ev_open(struct gen *g, unsigned int i, struct gproc *p)
{
	const struct vfiosim_event *ev = &g->t->events[i];
	unsigned int d = (unsigned int)ev->dev;
	char path[64], gpath[48];
	int err;
	int64_t val;

	result_of(g, i, &err, &val, ev->fd);
	if (!strcmp(ev->via, "cdev")) {
		snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%u", d);
		if (!rec_openat(g, p, path, ev->fd, err))
			return false;
		if (!err)
			gfd_set(p, ev->fd, path, (int)d);
		return true;
	}
	if (p->container < 0) {
		p->container = free_fd(g, p);
		if (!rec_openat(g, p, "/dev/vfio/vfio", p->container, 0) ||
		    !rec_ioctl(g, p, p->container, SIM_VFIO_GET_API_VERSION,
			       "0", 0, 0) ||
		    !rec_ioctl(g, p, p->container, SIM_VFIO_CHECK_EXTENSION,
			       "0x3", 0, 1))
			return false;
	}
	if (p->group[d] < 0) {
		p->group[d] = free_fd(g, p);
		if (!strcmp(ev->via, "noiommu"))
			snprintf(gpath, sizeof(gpath), "/dev/vfio/noiommu-%u", d);
		else
			snprintf(gpath, sizeof(gpath), "/dev/vfio/%u",
				 GEN_GROUP_BASE + d);
		if (!rec_openat(g, p, gpath, p->group[d], 0) ||
		    !rec_ioctl(g, p, p->group[d], SIM_VFIO_GROUP_GET_STATUS,
			       NULL, 0, 0) ||
		    !rec_ioctl(g, p, p->group[d], SIM_VFIO_GROUP_SET_CONTAINER,
			       NULL, 0, 0))
			return false;
		if (!p->iommu_set) {
			p->iommu_set = true;
			if (!rec_ioctl(g, p, p->container, SIM_VFIO_SET_IOMMU,
				       "0x3", 0, 0))
				return false;
		}
	}
	/* the bdf string pointer: strace does not decode it */
	if (!rec_ioctl(g, p, p->group[d], SIM_VFIO_GROUP_GET_DEVICE_FD,
		       "0x55d4c2a1e2a0", err, ev->fd))
		return false;
	if (!err)
		gfd_set(p, ev->fd, dev_path(ev, d, path, sizeof(path)),
			(int)d);
	return true;
}

static int fd_dev(struct gproc *p, int fd)
{
	struct gfd *e = gfd_find(p, fd);

	return e ? e->dev : -1;
}

/* Region and offset in it of an address, under the legacy layout. */
static uint64_t legacy_off(const struct vfiosim_addr *a)
{
	if (a->kind == VFIOSIM_ADDR_LITERAL)
		return a->off;
	return ((uint64_t)a->index << SIM_LEGACY_SHIFT) + a->off;
}

static bool in_range(bool has, const struct vfiosim_range *r, uint64_t pos)
{
	return has && pos >= r->off && pos - r->off < r->len;
}

/* A byte strace would show that the trace does not record. */
static uint8_t made_up(struct gen *g, int dev, uint64_t off, bool write)
{
	unsigned int idx = sim_legacy_index(off);
	uint64_t pos = off & SIM_LEGACY_MASK;
	const struct vfiosim_region *r;

	if (dev < 0 || idx >= VFIOSIM_MAX_REGIONS)
		return 0;
	r = &g->t->devices[dev].regions[idx];
	if (write) {
		/* PCI_COMMAND: keep memory decode as it is */
		if (idx == 7 && pos == 4)
			return g->mem_disabled[dev] ? 0x00 : 0x06;
		return 0;
	}
	if (in_range(r->has_msix, &r->msix, pos) ||
	    (r->has_fill && pos >= r->fill))
		return 0xff;
	return 0;
}

static bool ev_rw(struct gen *g, unsigned int i, struct gproc *p, bool write)
{
	const struct vfiosim_event *ev = &g->t->events[i];
	uint64_t off = legacy_off(&ev->at), n, k;
	int dev = fd_dev(p, ev->fd), err;
	struct rec *r;
	uint8_t bytes[4096];
	struct buf a, b;
	int64_t val;

	r = rec_open(g, p->pid, write ? "pwrite64" : "pread64", &a, &b);
	if (!r)
		return false;
	result_of(g, i, &err, &val, (int64_t)ev->len);
	n = write ? ev->len : (!err && val > 0 ? (uint64_t)val : 0);
	if (n > g->o->strsize)
		n = g->o->strsize;
	if (n > sizeof(bytes))
		n = sizeof(bytes);
	for (k = 0; k < n; k++)
		bytes[k] = k < ev->data_len ? ev->data[k] :
			   made_up(g, dev, off + k, write);
	fprintf(a.f, "%s(", r->name);
	put_fd(g, a.f, p, ev->fd);
	fputs(", ", a.f);
	if (write || (!err && val > 0))
		put_bytes(g, write ? a.f : b.f, bytes, n,
			  (write ? ev->len : (uint64_t)val) > g->o->strsize);
	else if (!err)
		fputs("\"\"", b.f);
	else
		put_ptr(g, b.f);
	if (write)
		fprintf(a.f, ", %" PRIu64 ", %" PRId64, ev->len, (int64_t)off);
	else
		fprintf(b.f, ", %" PRIu64 ", %" PRId64, ev->len, (int64_t)off);
	fputs(")", b.f);
	r->splittable = true;
	set_result(r, err, val, false);
	/* what the replayer's config_write() makes of PCI_COMMAND */
	if (write && dev >= 0 && sim_legacy_index(off) == 7) {
		uint64_t pos = off & SIM_LEGACY_MASK;

		if (pos <= 4 && pos + ev->len > 4 && 4 - pos < ev->data_len)
			g->mem_disabled[dev] = !(ev->data[4 - pos] & 2);
	}
	return rec_text(r, &a, &b);
}

static bool ev_mmap(struct gen *g, unsigned int i, struct gproc *p)
{
	const struct vfiosim_event *ev = &g->t->events[i];
	uint64_t off = legacy_off(&ev->at);
	struct rec *r;
	struct buf a, b;
	int64_t val;
	int err;

	r = rec_open(g, p->pid, "mmap", &a, &b);
	if (!r)
		return false;
	result_of(g, i, &err, &val,
		  (int64_t)(ev->has_addr ? ev->va : 0x7f0000000000ULL));
	fputs("mmap(", a.f);
	if (ev->has_addr)
		fprintf(a.f, "%#" PRIx64, ev->va);
	else
		fputs("NULL", a.f);
	fprintf(a.f, ", %" PRIu64 ", ", ev->len);
	put_prot(g, a.f, ev->prot);
	fputs(", ", a.f);
	put_mapflags(g, a.f, ev->mflags);
	fputs(", ", a.f);
	put_fd(g, a.f, p, ev->fd);
	fprintf(a.f, ", %#" PRIx64, off);
	fputs(")", b.f);
	r->splittable = true;
	set_result(r, err, val, true);
	if (!err && p->nmaps < GEN_MAX_MAPS) {
		p->maps[p->nmaps][0] = (uint64_t)val;
		p->maps[p->nmaps][1] = ev->len;
		p->nmaps++;
	}
	return rec_text(r, &a, &b);
}

/* Did the legacy kernel map anything in [va, va + len)? */
static bool mapped(const struct gproc *p, uint64_t va, uint64_t len)
{
	unsigned int i;

	if (p->nmaps == GEN_MAX_MAPS)
		return true;
	for (i = 0; i < p->nmaps; i++)
		if (va < p->maps[i][0] + p->maps[i][1] &&
		    p->maps[i][0] < va + (len ? len : 1))
			return true;
	return false;
}

static bool ev_munmap(struct gen *g, struct gproc *p, uint64_t va,
		      uint64_t len, int err, int64_t val)
{
	struct rec *r;
	struct buf a, b;

	r = rec_open(g, p->pid, "munmap", &a, &b);
	if (!r)
		return false;
	fprintf(a.f, "munmap(%#" PRIx64 ", %" PRIu64, va, len);
	fputs(")", b.f);
	r->splittable = true;
	set_result(r, err, val, false);
	return rec_text(r, &a, &b);
}

static bool ev_close(struct gen *g, unsigned int i, struct gproc *p)
{
	const struct vfiosim_event *ev = &g->t->events[i];
	struct rec *r;
	struct buf a, b;
	int64_t val;
	int err;

	r = rec_open(g, p->pid, "close", &a, &b);
	if (!r)
		return false;
	result_of(g, i, &err, &val, 0);
	fputs("close(", a.f);
	put_fd(g, a.f, p, ev->fd);
	fputs(")", b.f);
	r->splittable = true;
	set_result(r, err, val, false);
	if (!err)
		gfd_del(p, ev->fd);
	return rec_text(r, &a, &b);
}

static bool ev_dup(struct gen *g, unsigned int i, struct gproc *p)
{
	const struct vfiosim_event *ev = &g->t->events[i];
	struct rec *r;
	struct gfd *src = gfd_find(p, ev->fd);
	char path[48] = "";
	struct buf a, b;
	int dev = -1;

	r = rec_open(g, p->pid, "dup2", &a, &b);
	if (!r)
		return false;
	if (src) {
		snprintf(path, sizeof(path), "%s", src->path);
		dev = src->dev;
	}
	fputs("dup2(", a.f);
	put_fd(g, a.f, p, ev->fd);
	fputs(", ", a.f);
	put_fd(g, a.f, p, ev->new_fd);
	fputs(")", b.f);
	snprintf(r->result, sizeof(r->result), "%d%s%s%s", ev->new_fd,
		 g->o->annotate && path[0] ? "<" : "",
		 g->o->annotate ? path : "",
		 g->o->annotate && path[0] ? ">" : "");
	gfd_set(p, ev->new_fd, path, dev);
	return rec_text(r, &a, &b);
}

static bool ev_fork(struct gen *g, unsigned int i, struct gproc *p)
{
	const struct vfiosim_event *ev = &g->t->events[i];
	struct rec *r;
	struct gproc *c;
	struct buf a, b;
	unsigned int pi = (unsigned int)(p - g->procs);

	r = rec_open(g, p->pid, "clone", &a, &b);
	if (!r)
		return false;
	fputs("clone(child_stack=NULL, flags=", a.f);
	switch (g->o->xlat) {
	case VFIOSIM_STRACE_XLAT_RAW:
		fputs("0x1200000|17", a.f);
		break;
	case VFIOSIM_STRACE_XLAT_ABBREV:
		fputs("CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD", a.f);
		break;
	default:
		fputs("0x1200000 /* CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID "
		      "*/|17 /* SIGCHLD */", a.f);
		break;
	}
	fputs(", child_tidptr=0x7f5e1c2a1a10", a.f);
	fputs(")", b.f);
	snprintf(r->result, sizeof(r->result), "%d", ev->child);
	if (!rec_text(r, &a, &b))
		return false;
	c = gproc(g, ev->child);
	if (!c)
		return false;
	p = &g->procs[pi];
	if (!c->seen) {
		struct gproc copy = *p;

		copy.pid = ev->child;
		copy.seen = true;
		*c = copy;
		if (g->o->pids == VFIOSIM_STRACE_PIDS_BRACKET) {
			/* strace announces it after the clone returns */
			struct rec *n = rec_new(g, ev->child, "");

			if (!n)
				return false;
			n->entry = NULL;
			snprintf(n->attach_before, sizeof(n->attach_before),
				 "strace: Process %d attached", ev->child);
		}
	}
	return true;
}

/* The events of one trace event, as records (none for wc). */
static bool event_recs(struct gen *g, unsigned int i)
{
	const struct vfiosim_event *ev = &g->t->events[i];
	struct gproc *p = gproc(g, ev->pid);
	int err;
	int64_t val;

	if (!p)
		return false;
	if (!p->seen) {
		p->seen = true;
		if (!g->nlive)
			g->nlive = 1;	/* the process strace started */
		else if (g->o->pids == VFIOSIM_STRACE_PIDS_BRACKET) {
			struct rec *n = rec_new(g, ev->pid, "");

			if (!n)
				return false;
			snprintf(n->attach_before, sizeof(n->attach_before),
				 "strace: Process %d attached", ev->pid);
		}
	}
	switch (ev->op) {
	case VFIOSIM_OP_OPEN:
		return ev_open(g, i, p);
	case VFIOSIM_OP_CLOSE:
		return ev_close(g, i, p);
	case VFIOSIM_OP_DUP:
		return ev_dup(g, i, p);
	case VFIOSIM_OP_FORK:
		return ev_fork(g, i, p);
	case VFIOSIM_OP_RD:
	case VFIOSIM_OP_WR:
		if (ev->at.wc)
			return true;
		return ev_rw(g, i, p, ev->op == VFIOSIM_OP_WR);
	case VFIOSIM_OP_MMAP:
		if (ev->at.wc)
			return true;
		return ev_mmap(g, i, p);
	case VFIOSIM_OP_MUNMAP:
		/* of a WC mapping a legacy kernel could not make */
		if (!mapped(p, ev->va, ev->len))
			return true;
		result_of(g, i, &err, &val, 0);
		return ev_munmap(g, p, ev->va, ev->len, err, val);
	case VFIOSIM_OP_WC:
		return true;
	case VFIOSIM_OP_IOEVENTFD:
		if (ev->at.wc)
			return true;
		result_of(g, i, &err, &val, 0);
		return rec_ioctl(g, p, ev->fd, SIM_VFIO_DEVICE_IOEVENTFD, NULL,
				 err, val);
	case VFIOSIM_OP_RESET:
		result_of(g, i, &err, &val, 0);
		return rec_ioctl(g, p, ev->fd, SIM_VFIO_DEVICE_RESET, "0", err,
				 val);
	case VFIOSIM_OP_IOCTL:
		result_of(g, i, &err, &val, 0);
		return rec_ioctl(g, p, ev->fd, ev->cmd, NULL, err, val);
	default: {
		static const uint64_t cmds[VFIOSIM_OP_NR] = {
			[VFIOSIM_OP_INFO] = SIM_VFIO_DEVICE_GET_INFO,
			[VFIOSIM_OP_RINFO] = SIM_VFIO_DEVICE_GET_REGION_INFO,
			[VFIOSIM_OP_IRQINFO] = SIM_VFIO_DEVICE_GET_IRQ_INFO,
			[VFIOSIM_OP_IRQSET] = SIM_VFIO_DEVICE_SET_IRQS,
		};

		result_of(g, i, &err, &val, 0);
		return rec_ioctl(g, p, ev->fd, cmds[ev->op], NULL, err, 0);
	}
	}
}

static void flush_recs(struct gen *g, unsigned int from)
{
	unsigned int k;

	for (k = from; k < g->nrecs; k++) {
		struct rec *r = &g->recs[k];

		if (r->entry)
			put_rec(g, r);
		else
			put_attach(g, r);
		rec_free(r);
	}
	g->nrecs = from;
}

void vfiosim_strace_gen_defaults(struct vfiosim_strace_gen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->pids = VFIOSIM_STRACE_PIDS_PLAIN;
	o->xlat = VFIOSIM_STRACE_XLAT_VERBOSE;
	o->time = VFIOSIM_STRACE_TIME_TT;
	o->durations = true;
	o->annotate = true;
	o->hex = true;
	o->strsize = 64;
}

int vfiosim_strace_gen(const struct vfiosim_trace *trace,
		       const struct vfiosim_strace_gen_opts *opts, FILE *out)
{
	struct gen *g = calloc(1, sizeof(*g));
	struct rec held;
	bool holding = false;
	unsigned int i, k;
	int ret;

	if (!g)
		return -1;
	g->t = trace;
	g->o = opts;
	g->out = out;
	memset(&held, 0, sizeof(held));
	for (i = 0; i < trace->nr_events; i++) {
		const struct vfiosim_event *ev = &trace->events[i];
		int fds[2] = { ev->fd, ev->new_fd };

		for (k = 0; k < 2; k++)
			if (fds[k] >= 0 && fds[k] < GEN_MAX_FDS)
				g->used_fds[fds[k] / 32] |= 1u << (fds[k] % 32);
	}
	for (i = 0; i < trace->nr_events && !g->failed; i++) {
		bool next_other = i + 1 < trace->nr_events &&
				  trace->events[i + 1].pid != trace->events[i].pid;

		g->nrecs = 0;
		if (!event_recs(g, i)) {
			g->failed = true;
			break;
		}
		/* the last call of this event waits for the next event */
		if (opts->interleave && next_other && !holding && g->nrecs &&
		    g->recs[g->nrecs - 1].splittable &&
		    g->recs[g->nrecs - 1].entry) {
			held = g->recs[g->nrecs - 1];
			g->nrecs--;
			flush_recs(g, 0);
			put_unfinished(g, &held);
			holding = true;
			continue;
		}
		flush_recs(g, 0);
		if (holding) {
			put_resumed(g, &held);
			rec_free(&held);
			holding = false;
		}
	}
	if (holding) {
		put_resumed(g, &held);
		rec_free(&held);
	}
	for (k = 0; k < g->nrecs; k++)
		rec_free(&g->recs[k]);
	/* the processes end, the last seen first */
	for (i = g->nprocs; i-- > 0;) {
		size_t col;

		if (!g->procs[i].seen)
			continue;
		put_prefix(g, out, g->procs[i].pid, &col);
		fputs("+++ exited with 0 +++\n", out);
		if (g->nlive)
			g->nlive--;
	}
	ret = g->failed || ferror(out) ? -1 : 0;
	free(g);
	return ret;
}

/* ---- the sidecar ---- */

#define RES_MEM64_PREF	0x14220cULL	/* MEM, PREFETCH, MEM_64, SIZEALIGN */
#define RES_MEM32	0x40200ULL
#define RES_IO		0x40101ULL
#define RES_ROM		0x46200ULL

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint64_t pow2(uint64_t v)
{
	uint64_t p = 1;

	while (p < v && p < (1ULL << 62))
		p <<= 1;
	return p;
}

/* A config space with the capabilities vfio-pci reads the IRQs from. */
static void make_config(const struct vfiosim_device *d, uint8_t *cfg,
			unsigned int *len)
{
	unsigned int pos = 0x40, prev = 0x34, i, tbl = 8, pba = 8;
	uint32_t nvec = d->irqs[2].count, msi = d->irqs[1].count;

	memset(cfg, 0, SIM_CFG_MAX);
	cfg[0] = d->vendor & 0xff;
	cfg[1] = d->vendor >> 8;
	cfg[2] = d->device & 0xff;
	cfg[3] = d->device >> 8;
	cfg[6] = 0x10;			/* PCI_STATUS_CAP_LIST */
	cfg[9] = d->class_code & 0xff;
	cfg[10] = (d->class_code >> 8) & 0xff;
	cfg[11] = (d->class_code >> 16) & 0xff;
	cfg[0x3d] = d->irqs[0].count ? 1 : 0;
	for (i = 0; i <= 5; i++) {
		if (d->regions[i].has_msix && tbl == 8)
			tbl = i;
		if (d->regions[i].has_pba && pba == 8)
			pba = i;
	}
	if (msi && !(msi & (msi - 1)) && msi <= 32) {
		unsigned int mmc = 0;

		while ((1u << mmc) < msi)
			mmc++;
		cfg[prev] = (uint8_t)pos;
		cfg[pos] = 0x05;
		cfg[pos + 2] = (uint8_t)(mmc << 1 | 0x80);
		prev = pos + 1;
		pos += 0x10;
	}
	if (d->irqs[3].count) {
		cfg[prev] = (uint8_t)pos;
		cfg[pos] = 0x10;
		cfg[pos + 2] = 0x02;
		prev = pos + 1;
		pos += 0x40;
	}
	if (tbl < 8 && !nvec)
		nvec = (uint32_t)(d->regions[tbl].msix.len / 16);
	if (tbl < 8 && nvec && nvec <= 0x800) {
		uint32_t t = (uint32_t)d->regions[tbl].msix.off | tbl;
		uint32_t pb = pba < 8 ? (uint32_t)d->regions[pba].pba.off | pba :
				(uint32_t)align_up(d->regions[tbl].msix.off +
						   nvec * 16, 8) | tbl;

		cfg[prev] = (uint8_t)pos;
		cfg[pos] = 0x11;
		cfg[pos + 2] = (nvec - 1) & 0xff;
		cfg[pos + 3] = (uint8_t)((nvec - 1) >> 8);
		memcpy(&cfg[pos + 4], &t, 4);
		memcpy(&cfg[pos + 8], &pb, 4);
		pos += 0x10;
	}
	*len = d->cfgsize == 256 ? 256 : SIM_CFG_MAX;
}

static void write_block(const struct vfiosim_device *d, unsigned int di,
			const char *bdf, FILE *f)
{
	uint64_t mem = 0x100000000000ULL, io = 0x1000, rom = 0xf0000000;
	uint8_t cfg[SIM_CFG_MAX];
	unsigned int i, j, len;

	fprintf(f, "device %s group=%u cdev=vfio%u vendor=%#06x device=%#06x "
		"class=%#08x config=%u reset=%s ioeventfd=%s regions=%u "
		"irqs=%u\n", bdf, GEN_GROUP_BASE + di, di, d->vendor,
		d->device, d->class_code, d->cfgsize == 256 ? 256 : 4096,
		d->flags & VFIOSIM_DEV_RESET ? "yes" : "no",
		d->ioeventfd_enotty ? "ENOTTY" : "yes", d->nr_regions,
		d->nr_irqs);
	for (i = 0; i < SIM_NR_RES; i++) {
		const struct vfiosim_region *r = &d->regions[i];
		uint64_t start = 0, end = 0, flags = 0, size = r->size;

		if (r->described && !r->absent && size && i < 6) {
			if (r->io) {
				start = io = align_up(io, pow2(size));
				io += size;
				flags = RES_IO;
			} else if (r->flags & VFIOSIM_REG_MMAP || size > 0x800) {
				start = mem = align_up(mem, pow2(size) > SIM_PAGE ?
						       pow2(size) : SIM_PAGE);
				mem += align_up(size, SIM_PAGE);
				flags = RES_MEM64_PREF;
			} else {
				/* a sub-page BAR not at a page start: no mmap */
				start = mem = align_up(mem, SIM_PAGE) + 0x800;
				mem += SIM_PAGE;
				flags = RES_MEM32;
			}
			end = start + size - 1;
		} else if (i == 6 && r->described && size) {
			start = rom;
			end = rom + size - 1;
			flags = RES_ROM;
		}
		fprintf(f, "0x%016" PRIx64 " 0x%016" PRIx64 " 0x%016" PRIx64
			"\n", start, end, flags);
	}
	make_config(d, cfg, &len);
	for (i = 0; i < len; i += 16) {
		for (j = 0; j < 16 && !cfg[i + j]; j++)
			;
		if (j == 16)
			continue;
		fprintf(f, "%03x:", i);
		for (j = 0; j < 16; j++)
			fprintf(f, " %02x", cfg[i + j]);
		fputc('\n', f);
	}
}

/* What the sidecar block @text gives, as a device. */
static int derive(const char *text, size_t len, struct vfiosim_device *out)
{
	struct sim_sidecar sc;
	struct vfiosim_error e;
	char *hdr = NULL;
	size_t hlen = 0;
	FILE *f;
	int ret = -1;

	memset(&e, 0, sizeof(e));
	if (sim_sidecar_parse("gen", text, len, &sc, &e))
		return -1;
	f = open_memstream(&hdr, &hlen);
	if (f) {
		sim_sidecar_header(&sc.devs[0], "x", f);
		if (!fclose(f))
			ret = sim_header_device(hdr, hlen, out, &e);
	}
	free(hdr);
	sim_sidecar_free(&sc);
	return ret;
}

int vfiosim_strace_gen_sidecar(const struct vfiosim_trace *trace, FILE *out)
{
	struct vfiosim_device *dv;
	unsigned int di, i;
	int ret = 0;

	dv = malloc(sizeof(*dv));
	if (!dv)
		return -1;
	fputs("# vfiosim sidecar (docs/capture.md), written by vfiosim gen "
	      "strace\n", out);
	for (di = 0; di < trace->nr_devices && !ret; di++) {
		const struct vfiosim_device *d = &trace->devices[di];
		char bdf[16], slot[512];
		struct buf b;

		if (d->bdf[0])
			snprintf(bdf, sizeof(bdf), "%s", d->bdf);
		else
			snprintf(bdf, sizeof(bdf), "0000:%02x:00.0", 0x10 + di);
		if (!buf_open(&b)) {
			ret = -1;
			break;
		}
		write_block(d, di, bdf, b.f);
		if (!buf_close(&b)) {
			ret = -1;
			break;
		}
		if (derive(b.s, b.len, dv)) {
			free(b.s);
			ret = -1;
			break;
		}
		fprintf(out, "# %s\n", d->name);
		fwrite(b.s, 1, b.len, out);
		free(b.s);
		/* what sysfs cannot say */
		for (i = 0; i < VFIOSIM_MAX_REGIONS; i++) {
			if (sim_region_same(d, dv, i))
				continue;
			if (!d->regions[i].described && i == 8)
				snprintf(slot, sizeof(slot), "8 absent");
			else if (!sim_format_slot(d, false, i, slot,
						  sizeof(slot))) {
				ret = -1;
				break;
			}
			fprintf(out, "reg %s\n", slot);
		}
		for (i = 0; i < VFIOSIM_MAX_IRQS && !ret; i++) {
			if (sim_irq_same(d, dv, i))
				continue;
			if (!sim_format_slot(d, true, i, slot, sizeof(slot))) {
				ret = -1;
				break;
			}
			fprintf(out, "irq %s\n", slot);
		}
	}
	free(dv);
	if (ferror(out))
		ret = -1;
	return ret;
}
