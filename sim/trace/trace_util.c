// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiotrace 1: errno and op names, list words, equality and freeing.
 *
 * vfiosim_trace_equal() compares every field a trace file carries: the meta
 * texts, the devices (catalog name, keys, every region and IRQ slot, named
 * or not) and the events, trailing comments included.  It does not compare
 * trace->path or an event's line number: a trace written and read back has
 * the same content on other lines.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vfiosim/trace.h"

struct errno_name {
	int err;
	const char *name;
};

#define E(x)	{ x, #x }

/*
 * The errno values Linux returns to userspace, EPERM to EHWPOISON, then
 * the aliases: a value's name is the first entry that has it.
 */
static const struct errno_name errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
	E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
	E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK),
	E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG),
	E(ENOLCK), E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM),
	E(ECHRNG), E(EL2NSYNC), E(EL3HLT), E(EL3RST), E(ELNRNG), E(EUNATCH),
	E(ENOCSI), E(EL2HLT), E(EBADE), E(EBADR), E(EXFULL), E(ENOANO),
	E(EBADRQC), E(EBADSLT), E(EBFONT), E(ENOSTR), E(ENODATA), E(ETIME),
	E(ENOSR), E(ENONET), E(ENOPKG), E(EREMOTE), E(ENOLINK), E(EADV),
	E(ESRMNT), E(ECOMM), E(EPROTO), E(EMULTIHOP), E(EDOTDOT),
	E(EBADMSG), E(EOVERFLOW), E(ENOTUNIQ), E(EBADFD), E(EREMCHG),
	E(ELIBACC), E(ELIBBAD), E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC),
	E(EILSEQ), E(ERESTART), E(ESTRPIPE), E(EUSERS), E(ENOTSOCK),
	E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT),
	E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EOPNOTSUPP),
	E(EPFNOSUPPORT), E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL),
	E(ENETDOWN), E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED),
	E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ESHUTDOWN),
	E(ETOOMANYREFS), E(ETIMEDOUT), E(ECONNREFUSED), E(EHOSTDOWN),
	E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(ESTALE), E(EUCLEAN),
	E(ENOTNAM), E(ENAVAIL), E(EISNAM), E(EREMOTEIO), E(EDQUOT),
	E(ENOMEDIUM), E(EMEDIUMTYPE), E(ECANCELED), E(ENOKEY),
	E(EKEYEXPIRED), E(EKEYREVOKED), E(EKEYREJECTED), E(EOWNERDEAD),
	E(ENOTRECOVERABLE), E(ERFKILL), E(EHWPOISON),
	/* aliases */
	E(EWOULDBLOCK), E(EDEADLOCK), E(ENOTSUP),
};

#undef E

const char *vfiosim_errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return NULL;
}

int vfiosim_errno_from_name(const char *name)
{
	size_t i;

	if (!name)
		return 0;
	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (!strcmp(errno_names[i].name, name))
			return errno_names[i].err;
	return 0;
}

static const char *const op_names[VFIOSIM_OP_NR] = {
	[VFIOSIM_OP_OPEN] = "open",
	[VFIOSIM_OP_CLOSE] = "close",
	[VFIOSIM_OP_DUP] = "dup",
	[VFIOSIM_OP_FORK] = "fork",
	[VFIOSIM_OP_INFO] = "info",
	[VFIOSIM_OP_RINFO] = "rinfo",
	[VFIOSIM_OP_IRQINFO] = "irqinfo",
	[VFIOSIM_OP_IRQSET] = "irqset",
	[VFIOSIM_OP_RD] = "rd",
	[VFIOSIM_OP_WR] = "wr",
	[VFIOSIM_OP_MMAP] = "mmap",
	[VFIOSIM_OP_MUNMAP] = "munmap",
	[VFIOSIM_OP_RESET] = "reset",
	[VFIOSIM_OP_IOEVENTFD] = "ioeventfd",
	[VFIOSIM_OP_WC] = "wc",
	[VFIOSIM_OP_IOCTL] = "ioctl",
};

const char *vfiosim_op_name(enum vfiosim_op op)
{
	if ((unsigned int)op >= VFIOSIM_OP_NR)
		return NULL;
	return op_names[op];
}

struct list_word {
	const char *name;
	uint32_t bit;
};

struct list_desc {
	const char *empty;		/* the word for no bit */
	struct list_word words[6];	/* canonical order, NULL-ended */
};

static const struct list_desc lists[VFIOSIM_LIST_NR] = {
	[VFIOSIM_LIST_REGION] = { "none", {
		{ "R", VFIOSIM_REG_R }, { "W", VFIOSIM_REG_W },
		{ "MMAP", VFIOSIM_REG_MMAP }, { "CAPS", VFIOSIM_REG_CAPS } } },
	[VFIOSIM_LIST_DEVICE] = { "none", {
		{ "PCI", VFIOSIM_DEV_PCI }, { "RESET", VFIOSIM_DEV_RESET },
		{ "CAPS", VFIOSIM_DEV_CAPS } } },
	[VFIOSIM_LIST_IRQ] = { "none", {
		{ "EVENTFD", VFIOSIM_IRQ_EVENTFD },
		{ "MASKABLE", VFIOSIM_IRQ_MASKABLE },
		{ "AUTOMASKED", VFIOSIM_IRQ_AUTOMASKED },
		{ "NORESIZE", VFIOSIM_IRQ_NORESIZE } } },
	[VFIOSIM_LIST_PROT] = { "NONE", {
		{ "R", VFIOSIM_PROT_R }, { "W", VFIOSIM_PROT_W },
		{ "X", VFIOSIM_PROT_X } } },
	[VFIOSIM_LIST_MAP] = { "none", {
		{ "SHARED", VFIOSIM_MAP_SHARED },
		{ "PRIVATE", VFIOSIM_MAP_PRIVATE },
		{ "FIXED", VFIOSIM_MAP_FIXED } } },
	[VFIOSIM_LIST_CAPS] = { "none", {
		{ "sparse", VFIOSIM_CAP_SPARSE }, { "type", VFIOSIM_CAP_TYPE },
		{ "msix_mappable", VFIOSIM_CAP_MSIX } } },
};

uint32_t vfiosim_list_bit(enum vfiosim_list list, const char *name,
			  size_t len)
{
	const struct list_word *w;

	if ((unsigned int)list >= VFIOSIM_LIST_NR || !name)
		return 0;
	for (w = lists[list].words; w->name; w++)
		if (strlen(w->name) == len && !memcmp(w->name, name, len))
			return w->bit;
	return 0;
}

bool vfiosim_list_format(enum vfiosim_list list, uint32_t bits, char *buf,
			 size_t len)
{
	const struct list_word *w;
	uint32_t left = bits;
	size_t used = 0, n;

	if ((unsigned int)list >= VFIOSIM_LIST_NR || !buf || !len)
		return false;
	buf[0] = '\0';
	if (!bits) {
		n = strlen(lists[list].empty);
		if (n + 1 > len)
			return false;
		memcpy(buf, lists[list].empty, n + 1);
		return true;
	}
	for (w = lists[list].words; w->name; w++) {
		if (!(bits & w->bit))
			continue;
		n = strlen(w->name);
		if (used + !!used + n + 1 > len)
			return false;
		if (used)
			buf[used++] = ',';
		memcpy(buf + used, w->name, n + 1);
		used += n;
		left &= ~w->bit;
	}
	return !left;
}

void vfiosim_error_print(const struct vfiosim_error *err, FILE *out)
{
	fprintf(out, "%s:%u:%u: %s\n", err->file, err->line, err->column,
		err->msg);
}

void vfiosim_trace_free(struct vfiosim_trace *trace)
{
	unsigned int i;

	if (!trace)
		return;
	for (i = 0; trace->events && i < trace->nr_events; i++)
		free(trace->events[i].comment);
	free(trace->events);
	free(trace->meta.client);
	free(trace->meta.source);
	free(trace->meta.capture);
	free(trace->meta.note);
	free(trace->path);
	free(trace);
}

/* Equality: the first difference, in words, goes to @why. */
struct differ {
	char *why;
	size_t len;
	bool differs;
};

static void __attribute__((format(printf, 2, 3)))
note_diff(struct differ *d, const char *fmt, ...)
{
	va_list ap;

	if (d->differs)
		return;
	d->differs = true;
	if (!d->why || !d->len)
		return;
	va_start(ap, fmt);
	vsnprintf(d->why, d->len, fmt, ap);
	va_end(ap);
}

#define CMP(d, what, a, b, ...) do {					\
	if ((a) != (b))							\
		note_diff(d, what " differs: %llu != %llu",		\
			  ##__VA_ARGS__, (unsigned long long)(a),	\
			  (unsigned long long)(b));			\
} while (0)

#define CMPS(d, what, a, b, ...) do {					\
	if (strcmp((a), (b)))						\
		note_diff(d, what " differs: \"%s\" != \"%s\"",	\
			  ##__VA_ARGS__, (a), (b));			\
} while (0)

/* Compare two C strings, either of which may be NULL (absent). */
static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static void cmp_meta(struct differ *d, const char *what, const char *a,
		     const char *b)
{
	if (!str_eq(a, b))
		note_diff(d, "meta %s differs: %s%s%s != %s%s%s", what,
			  a ? "\"" : "", a ? a : "(none)", a ? "\"" : "",
			  b ? "\"" : "", b ? b : "(none)", b ? "\"" : "");
}

static void cmp_range(struct differ *d, const char *what, unsigned int dev,
		      unsigned int idx, const struct vfiosim_range *a,
		      const struct vfiosim_range *b)
{
	CMP(d, "device %u region %u %s offset", a->off, b->off, dev, idx,
	    what);
	CMP(d, "device %u region %u %s length", a->len, b->len, dev, idx,
	    what);
}

static void cmp_region(struct differ *d, unsigned int dev, unsigned int i,
		       const struct vfiosim_region *a,
		       const struct vfiosim_region *b)
{
	unsigned int s;

	CMP(d, "device %u region %u described", a->described, b->described,
	    dev, i);
	CMPS(d, "device %u region %u name", a->name, b->name, dev, i);
	CMP(d, "device %u region %u size", a->size, b->size, dev, i);
	CMP(d, "device %u region %u flags", a->flags, b->flags, dev, i);
	CMP(d, "device %u region %u absent", a->absent, b->absent, dev, i);
	CMP(d, "device %u region %u io", a->io, b->io, dev, i);
	CMP(d, "device %u region %u msix_mappable", a->msix_mappable,
	    b->msix_mappable, dev, i);
	CMP(d, "device %u region %u wc", a->wc, b->wc, dev, i);
	CMP(d, "device %u region %u has msix", a->has_msix, b->has_msix,
	    dev, i);
	CMP(d, "device %u region %u has pba", a->has_pba, b->has_pba, dev, i);
	CMP(d, "device %u region %u has type", a->has_type, b->has_type,
	    dev, i);
	CMP(d, "device %u region %u has fill", a->has_fill, b->has_fill,
	    dev, i);
	cmp_range(d, "msix", dev, i, &a->msix, &b->msix);
	cmp_range(d, "pba", dev, i, &a->pba, &b->pba);
	CMP(d, "device %u region %u type", a->type, b->type, dev, i);
	CMP(d, "device %u region %u subtype", a->subtype, b->subtype, dev, i);
	CMP(d, "device %u region %u fill", a->fill, b->fill, dev, i);
	CMP(d, "device %u region %u sparse areas", a->nr_sparse, b->nr_sparse,
	    dev, i);
	for (s = 0; s < VFIOSIM_MAX_SPARSE; s++)
		cmp_range(d, "sparse area", dev, i, &a->sparse[s],
			  &b->sparse[s]);
}

static void cmp_device(struct differ *d, unsigned int i,
		       const struct vfiosim_device *a,
		       const struct vfiosim_device *b)
{
	unsigned int r;

	CMPS(d, "device %u name", a->name, b->name, i);
	CMPS(d, "device %u from", a->from, b->from, i);
	CMPS(d, "device %u bdf", a->bdf, b->bdf, i);
	CMP(d, "device %u vendor", a->vendor, b->vendor, i);
	CMP(d, "device %u device", a->device, b->device, i);
	CMP(d, "device %u class", a->class_code, b->class_code, i);
	CMP(d, "device %u cfgsize", a->cfgsize, b->cfgsize, i);
	CMP(d, "device %u flags", a->flags, b->flags, i);
	CMP(d, "device %u regions", a->nr_regions, b->nr_regions, i);
	CMP(d, "device %u irqs", a->nr_irqs, b->nr_irqs, i);
	CMP(d, "device %u ioeventfd ENOTTY", a->ioeventfd_enotty,
	    b->ioeventfd_enotty, i);
	for (r = 0; r < VFIOSIM_MAX_REGIONS; r++)
		cmp_region(d, i, r, &a->regions[r], &b->regions[r]);
	for (r = 0; r < VFIOSIM_MAX_IRQS; r++) {
		CMP(d, "device %u irq %u described", a->irqs[r].described,
		    b->irqs[r].described, i, r);
		CMPS(d, "device %u irq %u name", a->irqs[r].name,
		     b->irqs[r].name, i, r);
		CMP(d, "device %u irq %u count", a->irqs[r].count,
		    b->irqs[r].count, i, r);
		CMP(d, "device %u irq %u flags", a->irqs[r].flags,
		    b->irqs[r].flags, i, r);
	}
}

static void cmp_addr(struct differ *d, unsigned int i, const char *what,
		     const struct vfiosim_addr *a,
		     const struct vfiosim_addr *b)
{
	CMP(d, "event %u %s kind", a->kind, b->kind, i, what);
	CMP(d, "event %u %s region", a->index, b->index, i, what);
	CMP(d, "event %u %s wc", a->wc, b->wc, i, what);
	CMP(d, "event %u %s offset", a->off, b->off, i, what);
	CMP(d, "event %u %s has from", a->has_from, b->has_from, i, what);
	CMP(d, "event %u %s from pid", (unsigned int)a->from_pid,
	    (unsigned int)b->from_pid, i, what);
	CMP(d, "event %u %s from fd", (unsigned int)a->from_fd,
	    (unsigned int)b->from_fd, i, what);
}

static void cmp_result(struct differ *d, unsigned int i,
		       const struct vfiosim_result *a,
		       const struct vfiosim_result *b)
{
	CMP(d, "event %u result present", a->present, b->present, i);
	CMP(d, "event %u result errno", (unsigned int)a->err,
	    (unsigned int)b->err, i);
	CMP(d, "event %u result has value", a->has_value, b->has_value, i);
	CMP(d, "event %u result value", (uint64_t)a->value,
	    (uint64_t)b->value, i);
	CMP(d, "event %u result has argsz", a->has_argsz, b->has_argsz, i);
	CMP(d, "event %u result has flags", a->has_flags, b->has_flags, i);
	CMP(d, "event %u result has size", a->has_size, b->has_size, i);
	CMP(d, "event %u result has off", a->has_off, b->has_off, i);
	CMP(d, "event %u result has caps", a->has_caps, b->has_caps, i);
	CMP(d, "event %u result has va", a->has_va, b->has_va, i);
	CMP(d, "event %u result has regions", a->has_regions, b->has_regions,
	    i);
	CMP(d, "event %u result has irqs", a->has_irqs, b->has_irqs, i);
	CMP(d, "event %u result has count", a->has_count, b->has_count, i);
	CMP(d, "event %u result argsz", a->argsz, b->argsz, i);
	CMP(d, "event %u result flags", a->flags, b->flags, i);
	CMP(d, "event %u result size", a->size, b->size, i);
	cmp_addr(d, i, "result off", &a->off, &b->off);
	CMP(d, "event %u result caps", a->caps, b->caps, i);
	CMP(d, "event %u result va", a->va, b->va, i);
	CMP(d, "event %u result regions", a->regions, b->regions, i);
	CMP(d, "event %u result irqs", a->irqs, b->irqs, i);
	CMP(d, "event %u result count", a->count, b->count, i);
}

static void cmp_event(struct differ *d, unsigned int i,
		      const struct vfiosim_event *a,
		      const struct vfiosim_event *b)
{
	CMP(d, "event %u op", a->op, b->op, i);
	CMP(d, "event %u pid", (unsigned int)a->pid, (unsigned int)b->pid, i);
	CMP(d, "event %u has t", a->has_t, b->has_t, i);
	CMPS(d, "event %u t", a->t, b->t, i);
	CMP(d, "event %u fd", (unsigned int)a->fd, (unsigned int)b->fd, i);
	CMP(d, "event %u new", (unsigned int)a->new_fd,
	    (unsigned int)b->new_fd, i);
	CMP(d, "event %u child", (unsigned int)a->child,
	    (unsigned int)b->child, i);
	CMP(d, "event %u dev", (unsigned int)a->dev, (unsigned int)b->dev, i);
	CMPS(d, "event %u via", a->via, b->via, i);
	CMP(d, "event %u idx", a->idx, b->idx, i);
	CMP(d, "event %u has argsz", a->has_argsz, b->has_argsz, i);
	CMP(d, "event %u argsz", a->argsz, b->argsz, i);
	cmp_addr(d, i, "at", &a->at, &b->at);
	CMP(d, "event %u len", a->len, b->len, i);
	CMP(d, "event %u prot", a->prot, b->prot, i);
	CMP(d, "event %u mmap flags", a->mflags, b->mflags, i);
	CMP(d, "event %u has addr", a->has_addr, b->has_addr, i);
	CMP(d, "event %u va", a->va, b->va, i);
	CMP(d, "event %u start", a->start, b->start, i);
	CMP(d, "event %u count", a->count, b->count, i);
	CMP(d, "event %u action", a->action, b->action, i);
	CMP(d, "event %u irqset data", a->data_kind, b->data_kind, i);
	CMP(d, "event %u ioeventfd data", a->ioev_data, b->ioev_data, i);
	CMP(d, "event %u efd", (unsigned int)a->efd, (unsigned int)b->efd, i);
	CMP(d, "event %u cmd", a->cmd, b->cmd, i);
	CMP(d, "event %u data length", a->data_len, b->data_len, i);
	if (!d->differs && a->data_len <= VFIOSIM_MAX_DATA &&
	    memcmp(a->data, b->data, a->data_len))
		note_diff(d, "event %u data differs", i);
	if (!str_eq(a->comment, b->comment))
		note_diff(d, "event %u comment differs: %s%s != %s%s", i,
			  a->comment ? "#" : "",
			  a->comment ? a->comment : "(none)",
			  b->comment ? "#" : "",
			  b->comment ? b->comment : "(none)");
	cmp_result(d, i, &a->expect, &b->expect);
}

bool vfiosim_trace_equal(const struct vfiosim_trace *a,
			 const struct vfiosim_trace *b, char *why, size_t len)
{
	struct differ d = { .why = why, .len = len };
	unsigned int i;

	if (why && len)
		why[0] = '\0';
	if (!a || !b) {
		if (a != b)
			note_diff(&d, "one trace is NULL");
		return !d.differs;
	}
	cmp_meta(&d, "client", a->meta.client, b->meta.client);
	cmp_meta(&d, "source", a->meta.source, b->meta.source);
	cmp_meta(&d, "capture", a->meta.capture, b->meta.capture);
	cmp_meta(&d, "note", a->meta.note, b->meta.note);
	CMP(&d, "number of devices", a->nr_devices, b->nr_devices);
	for (i = 0; !d.differs && i < a->nr_devices &&
	     i < VFIOSIM_MAX_DEVICES; i++)
		cmp_device(&d, i, &a->devices[i], &b->devices[i]);
	CMP(&d, "number of events", a->nr_events, b->nr_events);
	for (i = 0; !d.differs && i < a->nr_events; i++)
		cmp_event(&d, i, &a->events[i], &b->events[i]);
	return !d.differs;
}

unsigned int vfiosim_default_regions(const struct vfiosim_device *d)
{
	unsigned int i, n = 9;

	for (i = 0; i < VFIOSIM_MAX_REGIONS; i++)
		if (d->regions[i].described && i + 1 > n)
			n = i + 1;
	return n;
}

struct host_bit {
	uint32_t trace;
	int host;
};

static const struct host_bit prot_bits[] = {
	{ VFIOSIM_PROT_R, PROT_READ },
	{ VFIOSIM_PROT_W, PROT_WRITE },
	{ VFIOSIM_PROT_X, PROT_EXEC },
};

static const struct host_bit map_bits[] = {
	{ VFIOSIM_MAP_SHARED, MAP_SHARED },
	{ VFIOSIM_MAP_PRIVATE, MAP_PRIVATE },
	{ VFIOSIM_MAP_FIXED, MAP_FIXED },
};

static int to_host(const struct host_bit *t, size_t n, uint32_t bits)
{
	int host = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (bits & t[i].trace)
			host |= t[i].host;
	return host;
}

static uint32_t from_host(const struct host_bit *t, size_t n, int host)
{
	uint32_t bits = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (host & t[i].host)
			bits |= t[i].trace;
	return bits;
}

#define NBITS(t)	(sizeof(t) / sizeof((t)[0]))

int vfiosim_prot_to_host(uint32_t prot)
{
	return to_host(prot_bits, NBITS(prot_bits), prot);
}

uint32_t vfiosim_prot_from_host(int prot)
{
	return from_host(prot_bits, NBITS(prot_bits), prot);
}

int vfiosim_mflags_to_host(uint32_t mflags)
{
	return to_host(map_bits, NBITS(map_bits), mflags);
}

uint32_t vfiosim_mflags_from_host(int flags)
{
	return from_host(map_bits, NBITS(map_bits), flags);
}
