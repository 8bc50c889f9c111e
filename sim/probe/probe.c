// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiosim-probe: read a vfiotrace and perform each event on a real VFIO
 * device, then write the trace back with the kernel's answers as the
 * recorded expectations (--record), or say where the kernel differs from
 * the trace's own expectations (--check).
 *
 * The trace is a plan: fds, mmap addresses and eventfds in it are names.
 * The recorded trace has the real ones (the fd GET_DEVICE_FD gave, the
 * address mmap chose), so that libvfiosim-record.so, watching the same
 * run, writes the same events.  Addresses are written as @I+OFF only where
 * the fd has learned region I's offset from GET_REGION_INFO, else as the
 * literal !OFF the probe used (probe_addr.h).
 *
 * Legacy uAPI only: a wc event, a fork or a second process is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "probe.h"
#include "probe_addr.h"
#include "vfiosim/irqset.h"

#define PROBE_MAX_FDS		1024
#define PROBE_MAX_MAPS		256
#define PROBE_MAX_RW		(16u << 20)
#define PROBE_INFO_BUF		4096

struct probe_fd {
	bool open;
	int real;
	int dev;			/* index into trace->devices */
	struct probe_offsets offs;	/* by real fd, see fd_offsets() */
};

struct probe_map {
	uint64_t plan_va, real_va, len;
};

struct probe {
	struct vfiosim_trace *trace;
	struct probe_vfio vfio;
	char bdf[VFIOSIM_MAX_DEVICES][16];
	const char *map_bdf[VFIOSIM_MAX_DEVICES];
	struct probe_fd fds[PROBE_MAX_FDS];	/* by the plan's fd */
	struct probe_offsets real_offs[PROBE_MAX_FDS];	/* by real fd */
	struct probe_map maps[PROBE_MAX_MAPS];
	unsigned int nr_maps;
	int efds[PROBE_MAX_FDS];		/* plan efd -> eventfd */
	int pid;
	bool check;
	unsigned int differ;
};

static int fail(const struct vfiosim_event *ev, const char *why)
{
	fprintf(stderr, "vfiosim-probe: line %u: %s\n", ev->line, why);
	return -1;
}

static void set_err(struct vfiosim_result *r, int err)
{
	memset(r, 0, sizeof(*r));
	r->present = true;
	r->err = err;
}

static void set_value(struct vfiosim_result *r, int64_t v)
{
	memset(r, 0, sizeof(*r));
	r->present = true;
	if (v < 0) {
		r->err = (int)v;
		return;
	}
	r->has_value = true;
	r->value = v;
}

/* The real fd behind the plan's fd=; -1 (and -EBADF recorded) if none. */
static int real_fd(struct probe *p, struct vfiosim_event *ev)
{
	if (ev->fd < 0 || ev->fd >= PROBE_MAX_FDS || !p->fds[ev->fd].open)
		return -1;
	return p->fds[ev->fd].real;
}

static struct probe_offsets *fd_offsets(struct probe *p, int real)
{
	return &p->real_offs[real];
}

/*
 * The fd offset of @a on plan fd @ev->fd; rewrites @a to what the probe
 * used (@I+OFF only where the fd learned I's offset).
 */
static uint64_t resolve(struct probe *p, struct vfiosim_event *ev,
			struct vfiosim_addr *a, int real)
{
	const struct probe_offsets *o = fd_offsets(p, real);
	uint64_t x;

	if (a->kind == VFIOSIM_ADDR_REGION && a->has_from &&
	    a->from_fd >= 0 && a->from_fd < PROBE_MAX_FDS &&
	    p->fds[a->from_fd].open)
		o = fd_offsets(p, p->fds[a->from_fd].real);
	if (a->kind == VFIOSIM_ADDR_LITERAL)
		x = a->off;
	else if (a->index < VFIOSIM_MAX_REGIONS && o->known[a->index])
		x = o->off[a->index] + a->off;
	else
		x = ((uint64_t)a->index << 40) + a->off;
	probe_addr_canon(fd_offsets(p, real), x, a);
	(void)ev;
	return x;
}

static enum probe_via via_of(const struct vfiosim_event *ev)
{
	if (!strcmp(ev->via, "cdev"))
		return PROBE_VIA_CDEV;
	if (!strcmp(ev->via, "noiommu"))
		return PROBE_VIA_NOIOMMU;
	return PROBE_VIA_GROUP;
}

static int ev_open(struct probe *p, struct vfiosim_event *ev)
{
	int fd, plan = ev->fd;

	if (plan < 0 || plan >= PROBE_MAX_FDS || p->fds[plan].open)
		return fail(ev, "fd= out of range or already open");
	if (!p->bdf[ev->dev][0] &&
	    probe_find_bdf(&p->trace->devices[ev->dev], p->map_bdf[ev->dev],
			   p->bdf[ev->dev], sizeof(p->bdf[0])))
		return -1;
	fd = probe_open_device(&p->vfio, p->bdf[ev->dev], via_of(ev));
	if (fd < 0) {
		set_err(&ev->expect, fd);
		return 0;
	}
	if (fd >= PROBE_MAX_FDS)
		return fail(ev, "the device fd is too large");
	p->fds[plan].open = true;
	p->fds[plan].real = fd;
	p->fds[plan].dev = ev->dev;
	memset(fd_offsets(p, fd), 0, sizeof(struct probe_offsets));
	ev->fd = fd;
	set_value(&ev->expect, fd);
	return 0;
}

static int ev_close(struct probe *p, struct vfiosim_event *ev, int fd)
{
	int plan = ev->fd;

	set_value(&ev->expect, close(fd) ? -errno : 0);
	p->fds[plan].open = false;
	ev->fd = fd;
	return 0;
}

static int ev_dup(struct probe *p, struct vfiosim_event *ev, int fd)
{
	int plan_new = ev->new_fd, nfd;

	if (plan_new < 0 || plan_new >= PROBE_MAX_FDS ||
	    p->fds[plan_new].open)
		return fail(ev, "dup new= out of range or already open");
	nfd = dup(fd);
	if (nfd < 0) {
		set_err(&ev->expect, -errno);
		return 0;
	}
	if (nfd >= PROBE_MAX_FDS)
		return fail(ev, "the new fd is too large");
	p->fds[plan_new] = p->fds[ev->fd];
	p->fds[plan_new].real = nfd;
	*fd_offsets(p, nfd) = *fd_offsets(p, fd);
	ev->fd = fd;
	ev->new_fd = nfd;
	set_value(&ev->expect, nfd);
	return 0;
}

static int ev_info(struct probe *p, struct vfiosim_event *ev, int fd)
{
	uint8_t buf[PROBE_INFO_BUF] = { 0 };
	struct vfio_device_info *info = (void *)buf;
	struct vfiosim_result *r = &ev->expect;

	if (!ev->has_argsz) {
		ev->has_argsz = true;
		ev->argsz = 24;	/* sizeof(struct vfio_device_info) in 6.12 */
	}
	if (ev->argsz > sizeof(buf))
		return fail(ev, "argsz larger than the probe's buffer");
	info->argsz = ev->argsz;
	if (ioctl(fd, VFIO_DEVICE_GET_INFO, info)) {
		set_err(r, -errno);
		return 0;
	}
	memset(r, 0, sizeof(*r));
	r->present = true;
	/* vfiotrace 1 has no argsz= in an info result */
	r->has_regions = r->has_irqs = r->has_flags = true;
	r->regions = info->num_regions;
	r->irqs = info->num_irqs;
	r->flags = info->flags;
	(void)p;
	return 0;
}

static int ev_rinfo(struct probe *p, struct vfiosim_event *ev, int fd)
{
	uint8_t buf[PROBE_INFO_BUF] = { 0 };
	struct vfio_region_info *ri = (void *)buf;
	struct vfiosim_result *r = &ev->expect;
	struct probe_offsets *o = fd_offsets(p, fd);
	uint32_t unknown;

	if (!ev->has_argsz) {
		ev->has_argsz = true;
		ev->argsz = sizeof(*ri);
	}
	if (ev->argsz > sizeof(buf))
		return fail(ev, "argsz larger than the probe's buffer");
	ri->argsz = ev->argsz;
	ri->index = ev->idx;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ri)) {
		set_err(r, -errno);
		return 0;
	}
	unknown = probe_region_result(r, ri, sizeof(buf), ev->argsz, ev->idx);
	if (unknown)
		fprintf(stderr,
			"vfiosim-probe: line %u: capability %u has no word in vfiotrace 1\n",
			ev->line, unknown);
	if (ev->idx < VFIOSIM_MAX_REGIONS) {
		o->known[ev->idx] = true;
		o->off[ev->idx] = ri->offset;
	}
	return 0;
}

static int ev_irqinfo(struct vfiosim_event *ev, int fd)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = ev->idx };
	struct vfiosim_result *r = &ev->expect;

	if (ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, &irq)) {
		set_err(r, -errno);
		return 0;
	}
	memset(r, 0, sizeof(*r));
	r->present = true;
	r->has_count = r->has_flags = true;
	r->count = irq.count;
	r->flags = irq.flags;
	return 0;
}

static int ev_irqset(struct probe *p, struct vfiosim_event *ev, int fd)
{
	struct vfio_irq_set *set;
	size_t each = 0, len;
	uint32_t i;
	int ret;

	if (ev->count > 4096)
		return fail(ev, "irqset count= too large for the probe");
	each = vfiosim_irqset_data_size(ev);
	len = sizeof(*set) + each * ev->count;
	set = calloc(1, len);
	if (!set)
		return fail(ev, "out of memory");
	set->argsz = len;
	set->flags = vfiosim_irqset_flags(ev);
	set->index = ev->idx;
	set->start = ev->start;
	set->count = ev->count;
	for (i = 0; i < ev->count && each; i++) {
		if (each == 1) {
			set->data[i] = 1;
		} else {
			int32_t efd = eventfd(0, EFD_CLOEXEC);

			memcpy(set->data + i * each, &efd, each);
		}
	}
	ret = ioctl(fd, VFIO_DEVICE_SET_IRQS, set);
	set_value(&ev->expect, ret ? -errno : 0);
	/* The kernel holds its own eventfd_ctx references: close ours. */
	for (i = 0; i < ev->count && each == sizeof(int32_t); i++) {
		int32_t efd;

		memcpy(&efd, set->data + i * each, each);
		if (efd >= 0)
			close(efd);
	}
	free(set);
	(void)p;
	return 0;
}

static int ev_rw(struct probe *p, struct vfiosim_event *ev, int fd,
		 bool write)
{
	uint64_t x = resolve(p, ev, &ev->at, fd);
	ssize_t n;
	uint8_t *buf;

	if (ev->len > PROBE_MAX_RW)
		return fail(ev, "len= too large for the probe");
	buf = calloc(1, ev->len ? ev->len : 1);
	if (!buf)
		return fail(ev, "out of memory");
	if (write) {
		memcpy(buf, ev->data,
		       ev->data_len < ev->len ? ev->data_len : ev->len);
		n = pwrite(fd, buf, ev->len, (off_t)x);
	} else {
		n = pread(fd, buf, ev->len, (off_t)x);
	}
	set_value(&ev->expect, n < 0 ? -errno : n);
	/* data=: the bytes transferred (written: the bytes asked to write) */
	if (write)
		n = ev->len;
	ev->data_len = 0;
	if (n > 0) {
		ev->data_len = n < VFIOSIM_MAX_DATA ? n : VFIOSIM_MAX_DATA;
		memcpy(ev->data, buf, ev->data_len);
	}
	free(buf);
	return 0;
}

static int ev_mmap(struct probe *p, struct vfiosim_event *ev, int fd)
{
	uint64_t x = resolve(p, ev, &ev->at, fd);
	int prot = vfiosim_prot_to_host(ev->prot);
	int flags = vfiosim_mflags_to_host(ev->mflags);
	void *want = NULL, *va;

	if (ev->has_addr)
		want = (void *)(uintptr_t)ev->va;
	va = mmap(want, ev->len, prot, flags, fd, (off_t)x);
	if (va == MAP_FAILED) {
		set_err(&ev->expect, -errno);
		return 0;
	}
	if (p->nr_maps < PROBE_MAX_MAPS && ev->expect.has_va) {
		p->maps[p->nr_maps].plan_va = ev->expect.va;
		p->maps[p->nr_maps].real_va = (uintptr_t)va;
		p->maps[p->nr_maps].len = ev->len;
		p->nr_maps++;
	}
	memset(&ev->expect, 0, sizeof(ev->expect));
	ev->expect.present = true;
	ev->expect.has_va = true;
	ev->expect.va = (uintptr_t)va;
	return 0;
}

static int ev_munmap(struct probe *p, struct vfiosim_event *ev)
{
	unsigned int i;

	/* The plan names a mapping by the va= its mmap result gave. */
	for (i = 0; i < p->nr_maps; i++) {
		struct probe_map *m = &p->maps[i];

		if (ev->va >= m->plan_va && ev->va < m->plan_va + m->len) {
			ev->va = m->real_va + (ev->va - m->plan_va);
			break;
		}
	}
	set_value(&ev->expect,
		  munmap((void *)(uintptr_t)ev->va, ev->len) ? -errno : 0);
	return 0;
}

static int ev_ioeventfd(struct probe *p, struct vfiosim_event *ev, int fd)
{
	struct vfio_device_ioeventfd io = { .argsz = sizeof(io) };
	uint64_t x = resolve(p, ev, &ev->at, fd);

	if (ev->efd >= PROBE_MAX_FDS)
		return fail(ev, "efd= too large");
	if (ev->efd >= 0) {
		if (p->efds[ev->efd] < 0)
			p->efds[ev->efd] = eventfd(0, EFD_CLOEXEC);
		if (p->efds[ev->efd] < 0)
			return fail(ev, "eventfd failed");
		ev->efd = p->efds[ev->efd];
	}
	/* VFIO_DEVICE_IOEVENTFD_{8,16,32,64} are the size in bytes */
	io.flags = (uint32_t)ev->len;
	io.offset = x;
	io.data = ev->ioev_data;
	io.fd = ev->efd;
	set_value(&ev->expect,
		  ioctl(fd, VFIO_DEVICE_IOEVENTFD, &io) ? -errno : 0);
	return 0;
}

static int ev_ioctl(struct vfiosim_event *ev, int fd)
{
	static uint8_t zero[PROBE_INFO_BUF];
	int ret;

	/* An argument the kernel may read: zeroes, so argsz is 0. */
	memset(zero, 0, sizeof(zero));
	ret = ioctl(fd, (unsigned long)ev->cmd, zero);
	set_value(&ev->expect, ret < 0 ? -errno : ret);
	return 0;
}

static int perform(struct probe *p, struct vfiosim_event *ev)
{
	int fd;

	if (p->pid < 0)
		p->pid = ev->pid;
	if (ev->pid != p->pid)
		return fail(ev, "a second process: the probe runs one");
	switch (ev->op) {
	case VFIOSIM_OP_OPEN:
		return ev_open(p, ev);
	case VFIOSIM_OP_MUNMAP:
		return ev_munmap(p, ev);
	case VFIOSIM_OP_FORK:
		return fail(ev, "fork is not performed by the probe");
	case VFIOSIM_OP_WC:
		return fail(ev, "wc: the legacy uAPI has no write-combining "
			    "request (vfiosim-probe performs legacy only)");
	default:
		break;
	}
	fd = real_fd(p, ev);
	if (fd < 0) {
		set_err(&ev->expect, -EBADF);
		return 0;
	}
	switch (ev->op) {
	case VFIOSIM_OP_CLOSE:
		return ev_close(p, ev, fd);
	case VFIOSIM_OP_DUP:
		return ev_dup(p, ev, fd);
	default:
		break;
	}
	ev->fd = fd;
	switch (ev->op) {
	case VFIOSIM_OP_INFO:
		return ev_info(p, ev, fd);
	case VFIOSIM_OP_RINFO:
		return ev_rinfo(p, ev, fd);
	case VFIOSIM_OP_IRQINFO:
		return ev_irqinfo(ev, fd);
	case VFIOSIM_OP_IRQSET:
		return ev_irqset(p, ev, fd);
	case VFIOSIM_OP_RD:
		return ev_rw(p, ev, fd, false);
	case VFIOSIM_OP_WR:
		return ev_rw(p, ev, fd, true);
	case VFIOSIM_OP_MMAP:
		return ev_mmap(p, ev, fd);
	case VFIOSIM_OP_RESET:
		set_value(&ev->expect,
			  ioctl(fd, VFIO_DEVICE_RESET) ? -errno : 0);
		return 0;
	case VFIOSIM_OP_IOEVENTFD:
		return ev_ioeventfd(p, ev, fd);
	case VFIOSIM_OP_IOCTL:
		return ev_ioctl(ev, fd);
	default:
		return fail(ev, "unknown op");
	}
}

/* The " = ..." part of @ev as the writer spells it. */
static void result_text(const struct vfiosim_trace *t,
			const struct vfiosim_event *ev, char *buf, size_t len)
{
	struct vfiosim_event copy = *ev;
	char *text = NULL, *eq;
	size_t size = 0;
	FILE *f;

	copy.comment = NULL;
	buf[0] = '\0';
	f = open_memstream(&text, &size);
	if (!f)
		return;
	vfiosim_event_write(t, &copy, f);
	fclose(f);
	eq = text ? strstr(text, " = ") : NULL;
	if (eq) {
		eq[strcspn(eq, "\n")] = '\0';
		snprintf(buf, len, "%s", eq + 3);
	}
	free(text);
}

/*
 * --check: the plan's own expectation against the kernel's answer, where
 * the plan has one.  va= and open's fd are the process's, not compared.
 */
static void check_event(struct probe *p, const struct vfiosim_event *plan,
			const struct vfiosim_event *ev)
{
	char want[512], got[512];

	if (!plan->expect.present)
		return;
	if (plan->op == VFIOSIM_OP_MMAP || plan->op == VFIOSIM_OP_OPEN ||
	    plan->op == VFIOSIM_OP_DUP) {
		if (plan->expect.err == ev->expect.err)
			return;
	}
	result_text(p->trace, plan, want, sizeof(want));
	result_text(p->trace, ev, got, sizeof(got));
	if (plan->expect.err == ev->expect.err && !strcmp(want, got))
		return;
	fprintf(stderr, "%s:%u: %s: expected %s, the kernel answered %s\n",
		p->trace->path, plan->line, vfiosim_op_name(plan->op), want,
		got);
	p->differ++;
}

static void usage(FILE *out)
{
	fputs("usage: vfiosim-probe [--record OUT] [--check] [--map DEV=BDF]...\n"
	      "                     [--catalog DIR] [--capture TEXT] [-v] TRACE\n"
	      "       vfiosim-probe --describe BDF [--name NAME]\n"
	      "\n"
	      "Performs every event of TRACE on a real VFIO device (legacy uAPI:\n"
	      "a type1 or noiommu group, or the device cdev, as open via= says)\n"
	      "and writes the trace back with the kernel's answers as its\n"
	      "expectations (--record OUT, '-' for standard output).  A trace\n"
	      "device is the PCI device at its bdf= if the IDs match, else the\n"
	      "first one with its vendor= and device=, else what --map names.\n"
	      "  --catalog    where dev from=NAME finds NAME.dev (default\n"
	      "               " VFIOSIM_CATALOG_DIR ")\n"
	      "  --capture    text added to meta capture\n"
	      "  --check      report where the kernel differs from TRACE's own\n"
	      "               expectations; exit 1 if it does\n"
	      "  --describe   print the catalog entry (dev, reg, irq) of a device\n"
	      "               bound to vfio-pci, as the kernel reports it\n"
	      "Exit status: 0 done (and no difference), 1 differences, 2 error.\n",
	      out);
}

static int set_capture(struct probe *p, const char *extra)
{
	char rel[128], text[1024], via[32] = "group";
	unsigned int i;
	int n;

	probe_kernel_release(rel, sizeof(rel));
	for (i = 0; i < p->trace->nr_events; i++) {
		if (p->trace->events[i].op == VFIOSIM_OP_OPEN) {
			snprintf(via, sizeof(via), "%s",
				 p->trace->events[i].via[0] ?
				 p->trace->events[i].via : "group");
			break;
		}
	}
	n = snprintf(text, sizeof(text), "vfiosim-probe on %s, open via %s%s",
		     rel, via,
		     p->vfio.nr_groups && p->vfio.groups[0].noiommu ?
		     " (noiommu)" : p->vfio.nr_groups ? " (type1)" : "");
	for (i = 0; i < p->trace->nr_devices && n < (int)sizeof(text); i++)
		if (p->bdf[i][0])
			n += snprintf(text + n, sizeof(text) - n,
				      ", %s = %s %04x:%04x",
				      p->trace->devices[i].name, p->bdf[i],
				      p->trace->devices[i].vendor,
				      p->trace->devices[i].device);
	if (extra && n < (int)sizeof(text))
		snprintf(text + n, sizeof(text) - n, "; %s", extra);
	free(p->trace->meta.capture);
	p->trace->meta.capture = strdup(text);
	return p->trace->meta.capture ? 0 : -1;
}

enum { OPT_DESCRIBE = 256, OPT_NAME, OPT_CATALOG, OPT_CAPTURE };

static const struct option options[] = {
	{ "record", required_argument, NULL, 'o' },
	{ "check", no_argument, NULL, 'c' },
	{ "map", required_argument, NULL, 'm' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "describe", required_argument, NULL, OPT_DESCRIBE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "catalog", required_argument, NULL, OPT_CATALOG },
	{ "capture", required_argument, NULL, OPT_CAPTURE },
	{ NULL, 0, NULL, 0 },
};

#define MAX_MAPS	VFIOSIM_MAX_DEVICES

int main(int argc, char **argv)
{
	static struct probe p;
	struct vfiosim_parse_opts opts = {
		.catalog_dir = VFIOSIM_CATALOG_DIR,
	};
	const char *record = NULL, *describe = NULL, *name = "d0";
	const char *capture = NULL, *maps[MAX_MAPS];
	struct vfiosim_event *plan = NULL;
	struct vfiosim_error err;
	unsigned int nr_maps = 0, i, j;
	int c, ret = 2;

	p.vfio.iommufd = -1;
	p.pid = -1;
	for (i = 0; i < PROBE_MAX_FDS; i++)
		p.efds[i] = -1;
	while ((c = getopt_long(argc, argv, "o:cm:vh", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			record = optarg;
			break;
		case 'c':
			p.check = true;
			break;
		case 'm':
			if (nr_maps == MAX_MAPS || !strchr(optarg, '=')) {
				usage(stderr);
				return 2;
			}
			maps[nr_maps++] = optarg;
			break;
		case 'v':
			p.vfio.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_DESCRIBE:
			describe = optarg;
			break;
		case OPT_NAME:
			name = optarg;
			break;
		case OPT_CATALOG:
			opts.catalog_dir = optarg;
			break;
		case OPT_CAPTURE:
			capture = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (describe) {
		ret = probe_describe(&p.vfio, describe, name, stdout) ? 2 : 0;
		probe_vfio_release(&p.vfio);
		return ret;
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	if (vfiosim_trace_load(argv[optind], &opts, &p.trace, &err)) {
		vfiosim_error_print(&err, stderr);
		return 2;
	}
	for (i = 0; i < nr_maps; i++) {
		size_t n = strchr(maps[i], '=') - maps[i];

		for (j = 0; j < p.trace->nr_devices; j++) {
			if (strlen(p.trace->devices[j].name) == n &&
			    !strncmp(p.trace->devices[j].name, maps[i], n)) {
				p.map_bdf[j] = maps[i] + n + 1;
				break;
			}
		}
		if (j == p.trace->nr_devices) {
			fprintf(stderr, "vfiosim-probe: --map %s: no such "
				"device in the trace\n", maps[i]);
			goto out;
		}
	}
	if (p.check) {
		plan = calloc(p.trace->nr_events + 1, sizeof(*plan));
		if (!plan)
			goto out;
		memcpy(plan, p.trace->events,
		       p.trace->nr_events * sizeof(*plan));
	}
	for (i = 0; i < p.trace->nr_events; i++) {
		if (perform(&p, &p.trace->events[i]))
			goto out;
		if (plan)
			check_event(&p, &plan[i], &p.trace->events[i]);
	}
	/* What the trace left open, closed as the process exit would. */
	for (i = 0; i < PROBE_MAX_FDS; i++)
		if (p.fds[i].open)
			close(p.fds[i].real);
	probe_vfio_release(&p.vfio);
	if (set_capture(&p, capture))
		goto out;
	ret = 0;
	if (record) {
		FILE *f = strcmp(record, "-") ? fopen(record, "w") : stdout;

		if (!f || vfiosim_trace_write(p.trace, f) ||
		    (f != stdout && fclose(f))) {
			fprintf(stderr, "vfiosim-probe: %s: cannot write\n",
				record);
			ret = 2;
		}
	}
	if (!ret && p.differ) {
		fprintf(stderr, "vfiosim-probe: %u events differ from %s\n",
			p.differ, argv[optind]);
		ret = 1;
	}
out:
	free(plan);
	vfiosim_trace_free(p.trace);
	return ret;
}
