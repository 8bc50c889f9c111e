// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiotrace 1 writer: the canonical form of a trace.
 *
 * - "vfiotrace 1", the meta records (client, source, capture, note), then
 *   each device: its dev line, its described regions and IRQs by index,
 *   then the events.  No blank or comment-only lines; an event's trailing
 *   comment is written back after " #".
 * - Sizes, offsets, addresses, ioctl numbers and ioeventfd data are
 *   lowercase hex with "0x"; fds, pids, indexes, counts, argsz, rd/wr
 *   len= and byte counts are decimal; PCI IDs and class codes are bare hex
 *   ("10de", "030200"); region types are bare hex ("type=1/3").
 * - Keys come in the order of the format's tables, lists in the order of
 *   their words there.
 * - A dev line leaves out keys at their default; a device copied from a
 *   catalog entry (from=NAME) instead gives every key and every described
 *   region and IRQ, so that reading it back against the same catalog gives
 *   the same device whatever the entry says.
 *
 * Parsing what vfiosim_trace_write() wrote gives a trace that
 * vfiosim_trace_equal() finds equal to the one written.
 */
#include <inttypes.h>
#include <string.h>

#include "vfiosim/trace.h"

static void put_string(FILE *out, const char *s)
{
	unsigned char c;

	fputc('"', out);
	for (; *s; s++) {
		c = *s;
		if (c == '\\' || c == '"')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
	fputc('"', out);
}

static bool put_list(FILE *out, const char *key, enum vfiosim_list list,
		     uint32_t bits)
{
	char buf[64];
	bool ok = vfiosim_list_format(list, bits, buf, sizeof(buf));

	fprintf(out, " %s=%s", key, ok ? buf : "?");
	return ok;
}

static void put_range(FILE *out, const struct vfiosim_range *r)
{
	fprintf(out, "0x%" PRIx64 "+0x%" PRIx64, r->off, r->len);
}

/* @I+OFF, @I/wc+OFF or !OFF; @I alone in an rinfo result (@result). */
static bool put_addr(FILE *out, const char *key,
		     const struct vfiosim_addr *a, bool result)
{
	fprintf(out, " %s=", key);
	switch (a->kind) {
	case VFIOSIM_ADDR_REGION:
		fprintf(out, "@%" PRIu32, a->index);
		if (result)
			return !a->wc;
		fprintf(out, "%s+0x%" PRIx64, a->wc ? "/wc" : "", a->off);
		return true;
	case VFIOSIM_ADDR_LITERAL:
		fprintf(out, "!0x%" PRIx64, a->off);
		return true;
	default:
		fputc('?', out);
		return false;
	}
}

static bool put_at(FILE *out, const struct vfiosim_event *ev)
{
	bool ok = put_addr(out, "at", &ev->at, false);

	if (!ev->at.has_from)
		return ok;
	if (ev->at.from_pid == ev->pid)
		fprintf(out, " from=fd%d", ev->at.from_fd);
	else
		fprintf(out, " from=p%d.fd%d", ev->at.from_pid, ev->at.from_fd);
	return ok && ev->at.kind == VFIOSIM_ADDR_REGION;
}

static bool write_region(FILE *out, const struct vfiosim_device *d,
			 unsigned int idx)
{
	const struct vfiosim_region *r = &d->regions[idx];
	bool ok = true;
	unsigned int i;

	fprintf(out, "reg %s %u", d->name, idx);
	if (r->name[0])
		fprintf(out, " %s", r->name);
	if (r->absent)
		fputs(" absent", out);
	if (r->io)
		fputs(" io", out);
	if (r->msix_mappable)
		fputs(" msix_mappable", out);
	if (r->wc)
		fputs(" wc", out);
	if (r->size)
		fprintf(out, " size=0x%" PRIx64, r->size);
	if (r->flags)
		ok &= put_list(out, "flags", VFIOSIM_LIST_REGION, r->flags);
	if (r->has_msix) {
		fputs(" msix=", out);
		put_range(out, &r->msix);
	}
	if (r->has_pba) {
		fputs(" pba=", out);
		put_range(out, &r->pba);
	}
	if (r->nr_sparse > VFIOSIM_MAX_SPARSE)
		ok = false;
	for (i = 0; i < r->nr_sparse && i < VFIOSIM_MAX_SPARSE; i++) {
		fputs(i ? "," : " sparse=", out);
		put_range(out, &r->sparse[i]);
	}
	if (r->has_type)
		fprintf(out, " type=%" PRIx32 "/%" PRIx32, r->type,
			r->subtype);
	if (r->has_fill)
		fprintf(out, " fill=0x%" PRIx64, r->fill);
	fputc('\n', out);
	return ok;
}

static bool write_device(FILE *out, const struct vfiosim_device *d)
{
	bool all = d->from[0] != '\0', ok = true;
	unsigned int i;

	fprintf(out, "dev %s", d->name);
	if (all)
		fprintf(out, " from=%s", d->from);
	if (d->bdf[0])
		fprintf(out, " bdf=%s", d->bdf);
	if (all || d->vendor)
		fprintf(out, " vendor=%04x", d->vendor);
	if (all || d->device)
		fprintf(out, " device=%04x", d->device);
	if (all || d->class_code)
		fprintf(out, " class=%06" PRIx32, d->class_code);
	if (all || d->cfgsize != 4096)
		fprintf(out, " cfgsize=%" PRIu32, d->cfgsize);
	if (all || d->flags != (VFIOSIM_DEV_PCI | VFIOSIM_DEV_RESET))
		ok &= put_list(out, "flags", VFIOSIM_LIST_DEVICE, d->flags);
	if (all || d->nr_regions != vfiosim_default_regions(d))
		fprintf(out, " regions=%" PRIu32, d->nr_regions);
	if (all || d->nr_irqs != 5)
		fprintf(out, " irqs=%" PRIu32, d->nr_irqs);
	if (all || d->ioeventfd_enotty)
		fprintf(out, " ioeventfd=%s",
			d->ioeventfd_enotty ? "ENOTTY" : "yes");
	fputc('\n', out);
	for (i = 0; i < VFIOSIM_MAX_REGIONS; i++)
		if (d->regions[i].described)
			ok &= write_region(out, d, i);
	for (i = 0; i < VFIOSIM_MAX_IRQS; i++) {
		if (!d->irqs[i].described)
			continue;
		fprintf(out, "irq %s %u", d->name, i);
		if (d->irqs[i].name[0])
			fprintf(out, " %s", d->irqs[i].name);
		fprintf(out, " count=%" PRIu32, d->irqs[i].count);
		if (d->irqs[i].flags)
			ok &= put_list(out, "flags", VFIOSIM_LIST_IRQ,
				       d->irqs[i].flags);
		fputc('\n', out);
	}
	return ok;
}

static bool write_result(FILE *out, const struct vfiosim_event *ev)
{
	const struct vfiosim_result *r = &ev->expect;
	enum vfiosim_list list;
	const char *name;
	bool ok = true;

	if (!r->present)
		return true;
	fputs(" =", out);
	if (r->err) {
		name = vfiosim_errno_name(-r->err);
		if (name)
			fprintf(out, " -%s", name);
		else
			fprintf(out, " -%d", -r->err);
		return r->err < 0 && r->err >= -4095;
	}
	if (r->has_value) {
		fprintf(out, " %" PRId64, r->value);
		return r->value >= 0;
	}
	switch (ev->op) {
	case VFIOSIM_OP_INFO:
		list = VFIOSIM_LIST_DEVICE;
		break;
	case VFIOSIM_OP_IRQINFO:
		list = VFIOSIM_LIST_IRQ;
		break;
	default:
		list = VFIOSIM_LIST_REGION;
		break;
	}
	if (r->has_argsz)
		fprintf(out, " argsz=%" PRIu32, r->argsz);
	if (r->has_regions)
		fprintf(out, " regions=%" PRIu32, r->regions);
	if (r->has_irqs)
		fprintf(out, " irqs=%" PRIu32, r->irqs);
	if (r->has_count)
		fprintf(out, " count=%" PRIu32, r->count);
	if (r->has_flags)
		ok &= put_list(out, "flags", list, r->flags);
	if (r->has_size)
		fprintf(out, " size=0x%" PRIx64, r->size);
	if (r->has_off)
		ok &= put_addr(out, "off", &r->off, true);
	if (r->has_caps)
		ok &= put_list(out, "caps", VFIOSIM_LIST_CAPS, r->caps);
	if (r->has_va)
		fprintf(out, " va=0x%" PRIx64, r->va);
	return ok;
}

static const char *const irq_actions[] = {
	[VFIOSIM_IRQ_TRIGGER] = "TRIGGER",
	[VFIOSIM_IRQ_MASK] = "MASK",
	[VFIOSIM_IRQ_UNMASK] = "UNMASK",
};

static const char *const irq_data[] = {
	[VFIOSIM_IRQ_DATA_NONE] = "NONE",
	[VFIOSIM_IRQ_DATA_BOOL] = "BOOL",
	[VFIOSIM_IRQ_DATA_EVENTFD] = "EVENTFD",
};

int vfiosim_event_write(const struct vfiosim_trace *trace,
			const struct vfiosim_event *ev, FILE *out)
{
	const char *name = vfiosim_op_name(ev->op);
	bool ok = name;
	unsigned int i;

	if (ev->has_t)
		fprintf(out, "t=%s ", ev->t);
	fprintf(out, "p=%d %s", ev->pid, name ? name : "?");
	switch (ev->op) {
	case VFIOSIM_OP_OPEN:
		ok &= ev->dev >= 0 && trace &&
		      (unsigned int)ev->dev < trace->nr_devices &&
		      ev->dev < VFIOSIM_MAX_DEVICES;
		fprintf(out, " fd=%d dev=%s", ev->fd,
			ok ? trace->devices[ev->dev].name : "?");
		if (ev->via[0])
			fprintf(out, " via=%s", ev->via);
		break;
	case VFIOSIM_OP_DUP:
		fprintf(out, " fd=%d new=%d", ev->fd, ev->new_fd);
		break;
	case VFIOSIM_OP_FORK:
		fprintf(out, " child=%d", ev->child);
		break;
	case VFIOSIM_OP_INFO:
		fprintf(out, " fd=%d", ev->fd);
		if (ev->has_argsz)
			fprintf(out, " argsz=%" PRIu32, ev->argsz);
		break;
	case VFIOSIM_OP_RINFO:
		fprintf(out, " fd=%d idx=%" PRIu32, ev->fd, ev->idx);
		if (ev->has_argsz)
			fprintf(out, " argsz=%" PRIu32, ev->argsz);
		break;
	case VFIOSIM_OP_IRQSET:
		ok &= (unsigned int)ev->action <= VFIOSIM_IRQ_UNMASK &&
		      (unsigned int)ev->data_kind <= VFIOSIM_IRQ_DATA_EVENTFD;
		fprintf(out, " fd=%d idx=%" PRIu32 " start=%" PRIu32,
			ev->fd, ev->idx, ev->start);
		fprintf(out, " count=%" PRIu32 " action=%s data=%s", ev->count,
			ok ? irq_actions[ev->action] : "?",
			ok ? irq_data[ev->data_kind] : "?");
		break;
	case VFIOSIM_OP_RD:
	case VFIOSIM_OP_WR:
		fprintf(out, " fd=%d", ev->fd);
		ok &= put_at(out, ev);
		fprintf(out, " len=%" PRIu64, ev->len);
		ok &= ev->data_len <= VFIOSIM_MAX_DATA;
		for (i = 0; i < ev->data_len && i < VFIOSIM_MAX_DATA; i++)
			fprintf(out, "%s%02x", i ? "" : " data=", ev->data[i]);
		break;
	case VFIOSIM_OP_MMAP:
		fprintf(out, " fd=%d", ev->fd);
		ok &= put_at(out, ev);
		fprintf(out, " len=0x%" PRIx64, ev->len);
		ok &= put_list(out, "prot", VFIOSIM_LIST_PROT, ev->prot);
		ok &= put_list(out, "flags", VFIOSIM_LIST_MAP, ev->mflags);
		if (ev->has_addr)
			fprintf(out, " addr=0x%" PRIx64, ev->va);
		break;
	case VFIOSIM_OP_MUNMAP:
		fprintf(out, " va=0x%" PRIx64 " len=0x%" PRIx64, ev->va,
			ev->len);
		break;
	case VFIOSIM_OP_IOEVENTFD:
		fprintf(out, " fd=%d", ev->fd);
		ok &= put_at(out, ev);
		fprintf(out, " size=%" PRIu64 " data=0x%" PRIx64 " efd=%d",
			ev->len, ev->ioev_data, ev->efd);
		break;
	case VFIOSIM_OP_IRQINFO:
	case VFIOSIM_OP_WC:
		fprintf(out, " fd=%d idx=%" PRIu32, ev->fd, ev->idx);
		break;
	case VFIOSIM_OP_IOCTL:
		fprintf(out, " fd=%d cmd=0x%" PRIx64, ev->fd, ev->cmd);
		break;
	default:	/* close, reset */
		fprintf(out, " fd=%d", ev->fd);
		break;
	}
	ok &= write_result(out, ev);
	if (ev->comment)
		fprintf(out, " #%s", ev->comment);
	fputc('\n', out);
	return ok && !ferror(out) ? 0 : -1;
}

int vfiosim_trace_write(const struct vfiosim_trace *trace, FILE *out)
{
	static const char *const keys[] = {
		"client", "source", "capture", "note",
	};
	const char *meta[4];
	bool ok = true;
	unsigned int i;

	if (!trace || !out)
		return -1;
	meta[0] = trace->meta.client;
	meta[1] = trace->meta.source;
	meta[2] = trace->meta.capture;
	meta[3] = trace->meta.note;
	fputs("vfiotrace 1\n", out);
	for (i = 0; i < 4; i++) {
		if (!meta[i])
			continue;
		fprintf(out, "meta %s ", keys[i]);
		put_string(out, meta[i]);
		fputc('\n', out);
	}
	ok &= trace->nr_devices <= VFIOSIM_MAX_DEVICES;
	for (i = 0; i < trace->nr_devices && i < VFIOSIM_MAX_DEVICES; i++)
		ok &= write_device(out, &trace->devices[i]);
	for (i = 0; i < trace->nr_events; i++)
		ok &= !vfiosim_event_write(trace, &trace->events[i], out);
	return ok && !ferror(out) ? 0 : -1;
}
