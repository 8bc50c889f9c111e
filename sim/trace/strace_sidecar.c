// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sidecar of an strace capture (docs/capture.md): per device a
 * "device BDF [key=value]..." line, then what sysfs shows of it (the lines
 * of /sys/bus/pci/devices/BDF/resource and a dump of its config space, as
 * lspci -xxxx or od -Ax -tx1 -v prints it), then optional "reg"/"irq"
 * records for what sysfs cannot say.  From it, the device vfio-pci shows
 * (drivers/vfio/pci/vfio_pci_core.c, vfio_pci_ioctl_get_region_info() and
 * vfio_pci_ioctl_get_irq_info(), the rules of traces/devices/README.md).
 *
 * Also the VFIO ioctl numbers and the names strace gives them.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strace_internal.h"

/* ---- ioctl names ---- */

/* What strace 6.1 (Debian 12) prints, measured with its binary. */
static const char *const names61[] = {
	[0x64] = "VFIO_GET_API_VERSION",
	[0x65] = "VFIO_CHECK_EXTENSION",
	[0x66] = "VFIO_SET_IOMMU",
	[0x67] = "VFIO_GROUP_GET_STATUS",
	[0x68] = "VFIO_GROUP_SET_CONTAINER",
	[0x69] = "VFIO_GROUP_UNSET_CONTAINER",
	[0x6a] = "VFIO_GROUP_GET_DEVICE_FD",
	[0x6b] = "VFIO_DEVICE_GET_INFO",
	[0x6c] = "VFIO_DEVICE_GET_REGION_INFO",
	[0x6d] = "VFIO_DEVICE_GET_IRQ_INFO",
	[0x6e] = "VFIO_DEVICE_SET_IRQS",
	[0x6f] = "VFIO_DEVICE_RESET",
	[0x70] = "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO or VFIO_IOMMU_GET_INFO "
		 "or VFIO_IOMMU_SPAPR_TCE_GET_INFO",
	[0x71] = "VFIO_DEVICE_PCI_HOT_RESET or VFIO_IOMMU_MAP_DMA",
	[0x72] = "VFIO_DEVICE_QUERY_GFX_PLANE or VFIO_IOMMU_UNMAP_DMA",
	[0x73] = "VFIO_DEVICE_GET_GFX_DMABUF or VFIO_IOMMU_ENABLE",
	[0x74] = "VFIO_DEVICE_IOEVENTFD or VFIO_IOMMU_DISABLE",
	[0x75] = "VFIO_DEVICE_FEATURE or VFIO_IOMMU_DIRTY_PAGES or "
		 "VFIO_IOMMU_SPAPR_REGISTER_MEMORY",
	[0x76] = "VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY",
	[0x77] = "VFIO_IOMMU_SPAPR_TCE_CREATE",
	[0x78] = "VFIO_IOMMU_SPAPR_TCE_REMOVE",
	[0x79] = "VFIO_EEH_PE_OP",
};

const char *sim_ioctl_name61(uint64_t cmd)
{
	if ((cmd >> 8) != SIM_VFIO_TYPE || (cmd & 0xff) >= 0x7a)
		return NULL;
	return names61[cmd & 0xff];
}

/* Every name a strace build may print for a ';' ioctl (include/uapi). */
static const struct {
	const char *name;
	uint16_t nr;
} all_names[] = {
	{ "VFIO_GET_API_VERSION", 0x64 },
	{ "VFIO_CHECK_EXTENSION", 0x65 },
	{ "VFIO_SET_IOMMU", 0x66 },
	{ "VFIO_GROUP_GET_STATUS", 0x67 },
	{ "VFIO_GROUP_SET_CONTAINER", 0x68 },
	{ "VFIO_GROUP_UNSET_CONTAINER", 0x69 },
	{ "VFIO_GROUP_GET_DEVICE_FD", 0x6a },
	{ "VFIO_DEVICE_GET_INFO", 0x6b },
	{ "VFIO_DEVICE_GET_REGION_INFO", 0x6c },
	{ "VFIO_DEVICE_GET_IRQ_INFO", 0x6d },
	{ "VFIO_DEVICE_SET_IRQS", 0x6e },
	{ "VFIO_DEVICE_RESET", 0x6f },
	{ "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO", 0x70 },
	{ "VFIO_IOMMU_GET_INFO", 0x70 },
	{ "VFIO_IOMMU_SPAPR_TCE_GET_INFO", 0x70 },
	{ "VFIO_DEVICE_PCI_HOT_RESET", 0x71 },
	{ "VFIO_IOMMU_MAP_DMA", 0x71 },
	{ "VFIO_DEVICE_QUERY_GFX_PLANE", 0x72 },
	{ "VFIO_IOMMU_UNMAP_DMA", 0x72 },
	{ "VFIO_DEVICE_GET_GFX_DMABUF", 0x73 },
	{ "VFIO_IOMMU_ENABLE", 0x73 },
	{ "VFIO_DEVICE_IOEVENTFD", 0x74 },
	{ "VFIO_IOMMU_DISABLE", 0x74 },
	{ "VFIO_DEVICE_FEATURE", 0x75 },
	{ "VFIO_IOMMU_DIRTY_PAGES", 0x75 },
	{ "VFIO_IOMMU_SPAPR_REGISTER_MEMORY", 0x75 },
	{ "VFIO_DEVICE_BIND_IOMMUFD", 0x76 },
	{ "VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY", 0x76 },
	{ "VFIO_DEVICE_ATTACH_IOMMUFD_PT", 0x77 },
	{ "VFIO_IOMMU_SPAPR_TCE_CREATE", 0x77 },
	{ "VFIO_DEVICE_DETACH_IOMMUFD_PT", 0x78 },
	{ "VFIO_IOMMU_SPAPR_TCE_REMOVE", 0x78 },
	{ "VFIO_EEH_PE_OP", 0x79 },
	{ "VFIO_MIG_GET_PRECOPY_INFO", 0x79 },
	{ "IOMMU_DESTROY", 0x80 },
	{ "IOMMU_IOAS_ALLOC", 0x81 },
	{ "IOMMU_IOAS_ALLOW_IOVAS", 0x82 },
	{ "IOMMU_IOAS_COPY", 0x83 },
	{ "IOMMU_IOAS_IOVA_RANGES", 0x84 },
	{ "IOMMU_IOAS_MAP", 0x85 },
	{ "IOMMU_IOAS_UNMAP", 0x86 },
	{ "IOMMU_OPTION", 0x87 },
	{ "IOMMU_VFIO_IOAS", 0x88 },
	{ "IOMMU_HWPT_ALLOC", 0x89 },
	{ "IOMMU_GET_HW_INFO", 0x8a },
};

int64_t sim_ioctl_number(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(all_names) / sizeof(all_names[0]); i++)
		if (strlen(all_names[i].name) == len &&
		    !memcmp(all_names[i].name, name, len))
			return SIM_VFIO_TYPE << 8 | all_names[i].nr;
	return -1;
}

/* ---- the sidecar reader ---- */

#define MAX_SIDECAR_LINE	4096
#define MAX_SIDECAR_DEVS	64

struct sc_parser {
	const char *path;
	struct vfiosim_error *err;
	unsigned int lineno;
	struct sim_sidecar *sc;
};

static __attribute__((format(printf, 3, 4)))
int sc_fail(struct sc_parser *p, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	snprintf(p->err->file, sizeof(p->err->file), "%s", p->path);
	p->err->line = p->lineno;
	p->err->column = col;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

struct sc_tok {
	const char *s;
	size_t n;
	unsigned int col;
};

static bool is_hex(int c)
{
	return isxdigit((unsigned char)c);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return (tolower((unsigned char)c) - 'a') + 10;
}

/* Hex digits (maybe "0x" first) into @v; at most 16 digits. */
static bool tok_hex(const char *s, size_t n, bool need_0x, uint64_t *v)
{
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	else if (need_0x)
		return false;
	if (i == n || n - i > 16)
		return false;
	*v = 0;
	for (; i < n; i++) {
		if (!is_hex(s[i]))
			return false;
		*v = *v << 4 | (uint64_t)hexval(s[i]);
	}
	return true;
}

static bool tok_dec(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	size_t i;

	if (!n || n > 20)
		return false;
	*v = 0;
	for (i = 0; i < n; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9')
			return false;
		/* d > max first: (max - d) must not wrap (irq 8 of 0..7) */
		if (d > max || *v > (max - d) / 10)
			return false;
		*v = *v * 10 + d;
	}
	return true;
}

static bool span_eq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(s, word, n);
}

/* Hex digits @s[@from..@to) as a number (all of them hex: checked). */
static unsigned int hex_at(const char *s, size_t from, size_t to)
{
	unsigned int v = 0;

	for (; from < to; from++)
		v = v << 4 | (unsigned int)hexval(s[from]);
	return v;
}

/* "DDDD:BB:DD.F" or "BB:DD.F" into canonical "dddd:bb:dd.f". */
static bool parse_bdf(const char *s, size_t n, char *out, size_t outlen)
{
	static const char full[] = "hhhh:hh:hh.h", brief[] = "hh:hh.h";
	const char *form = n == 12 ? full : n == 7 ? brief : NULL;
	unsigned int dom = 0, bus, dev, fn;
	size_t i, o;

	if (!form)
		return false;
	for (i = 0; i < n; i++)
		if (form[i] == 'h' ? !is_hex(s[i]) : s[i] != form[i])
			return false;
	o = n == 12 ? 5 : 0;
	if (n == 12)
		dom = hex_at(s, 0, 4);
	bus = hex_at(s, o, o + 2);
	dev = hex_at(s, o + 3, o + 5);
	fn = hex_at(s, o + 6, o + 7);
	if (dev > 0x1f || fn > 7)
		return false;
	snprintf(out, outlen, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return true;
}

static bool word_char(int c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' ||
	       c == '.' || c == ':';
}

static int split(struct sc_parser *p, const char *line, size_t len,
		 struct sc_tok *tok, unsigned int max, unsigned int *ntok)
{
	size_t i = 0;

	*ntok = 0;
	while (i < len) {
		size_t start;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len || line[i] == '#')
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t' &&
		       line[i] != '#')
			i++;
		if (*ntok == max)
			return sc_fail(p, (unsigned int)start + 1,
				       "expected at most %u words on a line",
				       max);
		tok[*ntok].s = line + start;
		tok[*ntok].n = i - start;
		tok[*ntok].col = (unsigned int)start + 1;
		(*ntok)++;
	}
	return 0;
}

static int parse_device_line(struct sc_parser *p, const struct sc_tok *t,
			     unsigned int n)
{
	struct sim_sidecar *sc = p->sc;
	struct sim_sidecar_dev *d, *grown;
	unsigned int i;
	uint64_t v;

	if (sc->nr == MAX_SIDECAR_DEVS)
		return sc_fail(p, t[0].col, "expected at most %d devices",
			       MAX_SIDECAR_DEVS);
	if (n < 2)
		return sc_fail(p, t[0].col + (unsigned int)t[0].n,
			       "expected a PCI address after 'device'");
	grown = realloc(sc->devs, (sc->nr + 1) * sizeof(*grown));
	if (!grown)
		return sc_fail(p, 1, "expected memory for a device");
	sc->devs = grown;
	d = &sc->devs[sc->nr];
	memset(d, 0, sizeof(*d));
	d->line = p->lineno;
	d->reset = -1;
	d->ioeventfd_enotty = -1;
	d->regions = -1;
	d->irqs = -1;
	sc->nr++;
	if (!parse_bdf(t[1].s, t[1].n, d->bdf, sizeof(d->bdf)))
		return sc_fail(p, t[1].col,
			       "expected a PCI address like 0000:3b:00.0");
	for (i = 2; i < n; i++) {
		const char *eq = memchr(t[i].s, '=', t[i].n);
		const char *k = t[i].s, *val;
		size_t kn, vn;

		if (!eq || eq == k || eq + 1 == t[i].s + t[i].n)
			return sc_fail(p, t[i].col, "expected key=value");
		kn = (size_t)(eq - k);
		val = eq + 1;
		vn = t[i].n - kn - 1;
		if (span_eq(k, kn, "group") || span_eq(k, kn, "cdev")) {
			char *dst = span_eq(k, kn, "group") ? d->group :
							       d->cdev;
			size_t j;

			if (vn >= sizeof(d->group))
				return sc_fail(p, t[i].col, "expected a shorter name");
			for (j = 0; j < vn; j++)
				if (!word_char(val[j]))
					return sc_fail(p, t[i].col + (unsigned int)kn + 1,
						       "expected letters, digits and '-'");
			memcpy(dst, val, vn);
			dst[vn] = '\0';
		} else if (span_eq(k, kn, "vendor") ||
			   span_eq(k, kn, "device")) {
			if (!tok_hex(val, vn, false, &v) || v > 0xffff)
				return sc_fail(p, t[i].col + (unsigned int)kn + 1,
					       "expected a 16-bit hex ID like 0x10de");
			if (*k == 'v') {
				d->has_vendor = true;
				d->vendor = (uint32_t)v;
			} else {
				d->has_device = true;
				d->device = (uint32_t)v;
			}
		} else if (span_eq(k, kn, "class")) {
			if (!tok_hex(val, vn, false, &v) || v > 0xffffff)
				return sc_fail(p, t[i].col + (unsigned int)kn + 1,
					       "expected a class code like 0x030200");
			d->has_class = true;
			d->class_code = (uint32_t)v;
		} else if (span_eq(k, kn, "config")) {
			if (!tok_dec(val, vn, 4096, &v) ||
			    (v != 256 && v != 4096))
				return sc_fail(p, t[i].col + (unsigned int)kn + 1,
					       "expected config=256 or config=4096");
			d->cfgsize = (unsigned int)v;
		} else if (span_eq(k, kn, "reset")) {
			if (span_eq(val, vn, "yes"))
				d->reset = 1;
			else if (span_eq(val, vn, "no"))
				d->reset = 0;
			else
				return sc_fail(p, t[i].col + (unsigned int)kn + 1,
					       "expected reset=yes or reset=no");
		} else if (span_eq(k, kn, "ioeventfd")) {
			if (span_eq(val, vn, "yes"))
				d->ioeventfd_enotty = 0;
			else if (span_eq(val, vn, "ENOTTY"))
				d->ioeventfd_enotty = 1;
			else
				return sc_fail(p, t[i].col + (unsigned int)kn + 1,
					       "expected ioeventfd=yes or ioeventfd=ENOTTY");
		} else if (span_eq(k, kn, "regions") || span_eq(k, kn, "irqs")) {
			bool reg = *k == 'r';
			uint64_t max = reg ? VFIOSIM_MAX_REGIONS :
					     VFIOSIM_MAX_IRQS;

			if (!tok_dec(val, vn, max, &v))
				return sc_fail(p, t[i].col + (unsigned int)kn + 1,
					       "expected a number up to %" PRIu64,
					       max);
			if (reg)
				d->regions = (int)v;
			else
				d->irqs = (int)v;
		} else {
			return sc_fail(p, t[i].col,
				       "expected group=, cdev=, vendor=, device=, class=, config=, reset=, ioeventfd=, regions= or irqs=");
		}
	}
	return 0;
}

/* Check a reg/irq override by parsing it as a trace record. */
static int check_override(struct sc_parser *p, const char *kind,
			  const char *rest, unsigned int rest_col)
{
	struct vfiosim_device dev;
	struct vfiosim_error e;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	f = open_memstream(&text, &len);
	if (!f)
		return sc_fail(p, 1, "expected memory");
	fprintf(f, "dev x\n%s x %s\n", kind, rest);
	if (fclose(f)) {
		free(text);
		return sc_fail(p, 1, "expected memory");
	}
	memset(&e, 0, sizeof(e));
	ret = sim_header_device(text, len, &dev, &e);
	free(text);
	if (ret) {
		/* line 3 of the text is the record: "kind x " precedes rest */
		unsigned int skip = (unsigned int)strlen(kind) + 3;

		return sc_fail(p, e.column > skip ? rest_col + e.column - skip - 1 :
			       rest_col, "%s", e.msg);
	}
	return 0;
}

static int parse_override(struct sc_parser *p, const char *line, size_t len,
			  const struct sc_tok *t, unsigned int n)
{
	struct sim_sidecar_dev *d = &p->sc->devs[p->sc->nr - 1];
	bool irq = t[0].s[0] == 'i';
	unsigned int max = irq ? VFIOSIM_MAX_IRQS : VFIOSIM_MAX_REGIONS;
	const char *kind = irq ? "irq" : "reg";
	size_t rest, end;
	char *copy;
	uint64_t idx;

	if (n < 2 || !tok_dec(t[1].s, t[1].n, max - 1, &idx))
		return sc_fail(p, n < 2 ? t[0].col + 3 : t[1].col,
			       "expected an index 0 to %u after '%s'", max - 1,
			       kind);
	if ((irq ? d->irq_line[idx] : d->reg_line[idx]))
		return sc_fail(p, t[0].col, "expected %s %u once per device",
			       kind, (unsigned int)idx);
	rest = (size_t)(t[1].s - line);
	end = len;
	{
		const char *hash = memchr(line, '#', len);

		if (hash)
			end = (size_t)(hash - line);
	}
	copy = strndup(line + rest, end - rest);
	if (!copy)
		return sc_fail(p, 1, "expected memory");
	if (check_override(p, kind, copy, t[1].col)) {
		free(copy);
		return -1;
	}
	if (irq) {
		d->irq[idx] = copy;
		d->irq_line[idx] = p->lineno;
	} else {
		d->reg[idx] = copy;
		d->reg_line[idx] = p->lineno;
	}
	return 0;
}

/* "0xSTART 0xEND 0xFLAGS" of sysfs resource */
static int parse_resource(struct sc_parser *p, const struct sc_tok *t,
			  unsigned int n)
{
	struct sim_sidecar_dev *d = &p->sc->devs[p->sc->nr - 1];
	uint64_t v[3];
	unsigned int i;

	if (n != 3)
		return sc_fail(p, t[0].col,
			       "expected a resource line: three 0x numbers (start end flags)");
	for (i = 0; i < 3; i++)
		if (!tok_hex(t[i].s, t[i].n, true, &v[i]))
			return sc_fail(p, t[i].col,
				       "expected a 0x number of at most 16 hex digits");
	if ((v[0] || v[1]) && v[1] < v[0])
		return sc_fail(p, t[1].col, "expected the end at or after the start");
	if (d->nr_res < SIM_NR_RES)
		memcpy(d->res[d->nr_res], v, sizeof(v));
	/* lines past the ROM (SR-IOV, bridge windows) are not vfio regions */
	if (d->nr_res < 64)
		d->nr_res++;
	return 0;
}

/* "OFF: BYTES" (lspci -x) or "OFFSET BYTES" (od -Ax -tx1 -v) */
static int parse_config(struct sc_parser *p, const struct sc_tok *t,
			unsigned int n)
{
	struct sim_sidecar_dev *d = &p->sc->devs[p->sc->nr - 1];
	size_t on = t[0].n;
	uint64_t off, b;
	unsigned int i;

	if (t[0].s[on - 1] == ':')
		on--;
	if (!tok_hex(t[0].s, on, false, &off) || off > SIM_CFG_MAX ||
	    (off == SIM_CFG_MAX && n > 1))
		return sc_fail(p, t[0].col,
			       "expected a config space offset below 0x1000");
	if (n == 1)
		return 0;	/* od's closing offset */
	if (n - 1 > 16 || off + n - 1 > SIM_CFG_MAX)
		return sc_fail(p, t[n - 1].col,
			       "expected at most 16 bytes, inside 4096");
	for (i = 1; i < n; i++) {
		if (t[i].n != 2 || !tok_hex(t[i].s, 2, false, &b))
			return sc_fail(p, t[i].col,
				       "expected a byte as two hex digits");
		d->config[off + i - 1] = (uint8_t)b;
	}
	d->has_config = true;
	if (off + n - 1 > d->config_len)
		d->config_len = (unsigned int)(off + n - 1);
	return 0;
}

static int parse_sidecar_line(struct sc_parser *p, const char *line,
			      size_t len)
{
	struct sc_tok t[24];
	unsigned int n;
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			return sc_fail(p, (unsigned int)i + 1,
				       "expected text, not the byte 0x%02x",
				       (unsigned char)line[i]);
	if (split(p, line, len, t, 24, &n))
		return -1;
	if (!n)
		return 0;
	if (span_eq(t[0].s, t[0].n, "device"))
		return parse_device_line(p, t, n);
	if (!p->sc->nr)
		return sc_fail(p, t[0].col,
			       "expected 'device BDF' before anything else");
	if (span_eq(t[0].s, t[0].n, "reg") || span_eq(t[0].s, t[0].n, "irq"))
		return parse_override(p, line, len, t, n);
	if (t[0].n > 2 && t[0].s[0] == '0' && t[0].s[1] == 'x')
		return parse_resource(p, t, n);
	/* an lspci header: "3b:00.0 3D controller: ..." */
	{
		char bdf[16];

		if (parse_bdf(t[0].s, t[0].n, bdf, sizeof(bdf)) && n > 1)
			return 0;
	}
	return parse_config(p, t, n);
}

int sim_sidecar_parse(const char *path, const char *text, size_t len,
		      struct sim_sidecar *sc, struct vfiosim_error *err)
{
	struct sc_parser p = { .path = path, .err = err, .sc = sc };
	size_t pos = 0;

	memset(sc, 0, sizeof(*sc));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		p.lineno++;
		if (n > MAX_SIDECAR_LINE) {
			sc_fail(&p, MAX_SIDECAR_LINE + 1,
				"expected a line of at most %d bytes",
				MAX_SIDECAR_LINE);
			goto fail;
		}
		if (parse_sidecar_line(&p, text + pos, n))
			goto fail;
		pos += n + (nl ? 1 : 0);
	}
	if (!sc->nr) {
		p.lineno = p.lineno ? p.lineno : 1;
		sc_fail(&p, 1, "expected at least one 'device BDF' line");
		goto fail;
	}
	return 0;
fail:
	sim_sidecar_free(sc);
	return -1;
}

void sim_sidecar_free(struct sim_sidecar *sc)
{
	unsigned int i, j;

	for (i = 0; i < sc->nr; i++) {
		for (j = 0; j < VFIOSIM_MAX_REGIONS; j++)
			free(sc->devs[i].reg[j]);
		for (j = 0; j < VFIOSIM_MAX_IRQS; j++)
			free(sc->devs[i].irq[j]);
	}
	free(sc->devs);
	sc->devs = NULL;
	sc->nr = 0;
}

/* ---- the device vfio-pci shows ---- */

#define IORESOURCE_IO		0x00000100ULL
#define IORESOURCE_MEM		0x00000200ULL

#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_EXP		0x10
#define PCI_CAP_ID_MSIX		0x11

struct caps {
	unsigned int msi, exp, msix;	/* offsets, 0 if none */
};

static uint32_t cfg_get(const struct sim_sidecar_dev *sd, unsigned int off,
			unsigned int n)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < n && off + i < SIM_CFG_MAX; i++)
		v |= (uint32_t)sd->config[off + i] << (8 * i);
	return v;
}

/* Walk the capability list (bounded: a loop in it ends the walk). */
static void find_caps(const struct sim_sidecar_dev *sd, struct caps *c)
{
	unsigned int pos, n;

	memset(c, 0, sizeof(*c));
	if (!sd->has_config || sd->config_len < 0x40)
		return;
	pos = sd->config[0x34] & 0xfc;
	for (n = 0; n < 48 && pos >= 0x40 && pos + 2 <= sd->config_len &&
		    pos < 256; n++) {
		uint8_t id = sd->config[pos];

		if (id == PCI_CAP_ID_MSI && !c->msi)
			c->msi = pos;
		else if (id == PCI_CAP_ID_EXP && !c->exp)
			c->exp = pos;
		else if (id == PCI_CAP_ID_MSIX && !c->msix)
			c->msix = pos;
		pos = sd->config[pos + 1] & 0xfc;
	}
}

static uint64_t res_size(const uint64_t *r)
{
	if (!r[0] && !r[1])
		return 0;
	return r[1] - r[0] + 1;
}

static uint32_t dev_class(const struct sim_sidecar_dev *sd)
{
	if (sd->has_class)
		return sd->class_code;
	if (sd->has_config && sd->config_len >= 12)
		return cfg_get(sd, 9, 3);
	return 0;
}

static unsigned int dev_cfgsize(const struct sim_sidecar_dev *sd,
				const struct caps *c)
{
	if (sd->cfgsize)
		return sd->cfgsize;
	if (sd->config_len > 256 || c->exp)
		return 4096;
	if (sd->has_config)
		return 256;
	return 4096;
}

int sim_sidecar_header(const struct sim_sidecar_dev *sd, const char *name,
		       FILE *out)
{
	uint32_t tbl_bir = 8, pba_bir = 8, tbl_off = 0, pba_off = 0, nvec = 0;
	uint32_t vendor = 0, device = 0, klass = dev_class(sd);
	unsigned int i, regions, cfgsize;
	const char *src;
	struct caps c;

	find_caps(sd, &c);
	cfgsize = dev_cfgsize(sd, &c);
	if (c.msix && c.msix + 12 <= sd->config_len) {
		uint32_t tbl = cfg_get(sd, c.msix + 4, 4);
		uint32_t pba = cfg_get(sd, c.msix + 8, 4);

		nvec = (cfg_get(sd, c.msix + 2, 2) & 0x7ff) + 1;
		tbl_bir = tbl & 7;
		tbl_off = tbl & ~7u;
		pba_bir = pba & 7;
		pba_off = pba & ~7u;
	}
	if (sd->has_vendor)
		vendor = sd->vendor;
	else if (sd->config_len >= 2)
		vendor = cfg_get(sd, 0, 2);
	if (sd->has_device)
		device = sd->device;
	else if (sd->config_len >= 4)
		device = cfg_get(sd, 2, 2);
	regions = 9;
	for (i = 9; i < VFIOSIM_MAX_REGIONS; i++)
		if (sd->reg[i])
			regions = i + 1;
	if (sd->regions >= 0)
		regions = (unsigned int)sd->regions;

	fprintf(out, "dev %s bdf=%s", name, sd->bdf);
	if (vendor || device)
		fprintf(out, " vendor=%04x device=%04x", vendor, device);
	if (klass)
		fprintf(out, " class=%06x", klass);
	fprintf(out, " cfgsize=%u flags=%s regions=%u irqs=%d%s",
		cfgsize, sd->reset == 0 ? "PCI" : "PCI,RESET", regions,
		sd->irqs >= 0 ? sd->irqs : 5,
		sd->ioeventfd_enotty == 1 ? " ioeventfd=ENOTTY" : "");
	fprintf(out, "  # sidecar line %u\n", sd->line);

	for (i = 0; i < VFIOSIM_MAX_REGIONS; i++) {
		const uint64_t *r = i < SIM_NR_RES && i < sd->nr_res ?
				    sd->res[i] : NULL;
		uint64_t size = r ? res_size(r) : 0;

		if (sd->reg[i]) {
			fprintf(out, "reg %s %s  # sidecar line %u\n", name,
				sd->reg[i], sd->reg_line[i]);
			continue;
		}
		if (i <= 5) {
			src = r ? "resource" : "no resource line";
			fprintf(out, "reg %s %u BAR%u", name, i, i);
			if (!size || !(r[2] & (IORESOURCE_IO | IORESOURCE_MEM))) {
				fputs(" size=0 flags=none", out);
			} else if (r[2] & IORESOURCE_IO) {
				fprintf(out, " io size=0x%" PRIx64 " flags=R,W",
					size);
			} else {
				/* vfio_pci_probe_mmaps(): a page, or page-aligned */
				bool mmap = size >= SIM_PAGE ||
					    !(r[0] & (SIM_PAGE - 1));

				fprintf(out, " size=0x%" PRIx64 " flags=%s", size,
					mmap ? "R,W,MMAP" : "R,W");
			}
			if (size && tbl_bir == i)
				fprintf(out, " msix_mappable msix=0x%x+0x%x",
					tbl_off, nvec * 16);
			if (size && pba_bir == i)
				fprintf(out, " pba=0x%x+0x%x", pba_off,
					(nvec + 63) / 64 * 8);
			fprintf(out, "  # %s\n", src);
		} else if (i == 6) {
			if (size)
				fprintf(out, "reg %s 6 ROM size=0x%" PRIx64
					" flags=R  # resource\n", name, size);
			else
				fprintf(out, "reg %s 6 ROM size=0 flags=none"
					"  # %s\n", name,
					r ? "resource" : "no resource line");
		} else if (i == 7) {
			fprintf(out, "reg %s 7 CONFIG size=0x%x flags=R,W  # %s\n",
				name, cfgsize,
				sd->cfgsize ? "config=" : c.exp ?
				"PCI Express: 4096" : sd->has_config ?
				"config dump" : "assumed PCI Express");
		} else if (i == 8) {
			if ((klass >> 8) == 0x0300)
				fprintf(out, "reg %s 8 VGA size=0xc0000 flags=R,W"
					"  # VGA class\n", name);
			else
				fprintf(out, "reg %s 8 VGA absent  # not VGA "
					"class\n", name);
		}
	}

	for (i = 0; i < VFIOSIM_MAX_IRQS; i++) {
		if (sd->irq[i]) {
			fprintf(out, "irq %s %s  # sidecar line %u\n", name,
				sd->irq[i], sd->irq_line[i]);
			continue;
		}
		if (!sd->has_config && i == 4) {
			fprintf(out, "irq %s 4 REQ count=1 flags=EVENTFD,"
				"NORESIZE  # every vfio-pci device\n", name);
			continue;
		}
		if (!sd->has_config || i > 4)
			continue;
		switch (i) {
		case 0:
			fprintf(out, "irq %s 0 INTX count=%d "
				"flags=EVENTFD,MASKABLE,AUTOMASKED  # pin\n",
				name, sd->config_len > 0x3d &&
				sd->config[0x3d] ? 1 : 0);
			break;
		case 1:
			fprintf(out, "irq %s 1 MSI count=%u flags=EVENTFD,"
				"NORESIZE  # MSI capability\n", name, c.msi ?
				1u << ((cfg_get(sd, c.msi + 2, 2) >> 1) & 7) :
				0);
			break;
		case 2:
			if (nvec)
				fprintf(out, "irq %s 2 MSIX count=%u "
					"flags=EVENTFD  # MSI-X capability\n",
					name, nvec);
			else
				fprintf(out, "irq %s 2 MSIX count=0 "
					"flags=EVENTFD,NORESIZE  # no MSI-X\n",
					name);
			break;
		case 3:
			fprintf(out, "irq %s 3 ERR count=%d flags=EVENTFD,"
				"NORESIZE  # %s\n", name, c.exp ? 1 : 0,
				c.exp ? "PCI Express" : "not PCI Express");
			break;
		default:
			fprintf(out, "irq %s 4 REQ count=1 "
				"flags=EVENTFD,NORESIZE\n", name);
			break;
		}
	}
	return ferror(out) ? -1 : 0;
}

int sim_header_device(const char *text, size_t len,
		      struct vfiosim_device *dev, struct vfiosim_error *err)
{
	struct vfiosim_trace *t = NULL;
	char *buf;
	int ret;

	buf = malloc(len + 13);
	if (!buf) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	memcpy(buf, "vfiotrace 1\n", 12);
	memcpy(buf + 12, text, len);
	ret = vfiosim_trace_parse("header", buf, len + 12, NULL, &t, err);
	free(buf);
	if (ret)
		return -1;
	if (t->nr_devices != 1) {
		snprintf(err->msg, sizeof(err->msg), "expected one device");
		vfiosim_trace_free(t);
		return -1;
	}
	*dev = t->devices[0];
	vfiosim_trace_free(t);
	return 0;
}

static bool range_same(bool ha, const struct vfiosim_range *a, bool hb,
		       const struct vfiosim_range *b)
{
	if (ha != hb)
		return false;
	return !ha || (a->off == b->off && a->len == b->len);
}

/* A region as the replayer sees it: undescribed 0..7 are empty, 8 absent. */
static bool reg_absent(const struct vfiosim_device *d, unsigned int idx)
{
	const struct vfiosim_region *r = &d->regions[idx];

	return r->absent || (idx == 8 && !r->described) ||
	       idx >= d->nr_regions;
}

bool sim_region_same(const struct vfiosim_device *a,
		     const struct vfiosim_device *b, unsigned int idx)
{
	const struct vfiosim_region *x = &a->regions[idx];
	const struct vfiosim_region *y = &b->regions[idx];
	unsigned int i;

	if (reg_absent(a, idx) || reg_absent(b, idx))
		return reg_absent(a, idx) == reg_absent(b, idx);
	if (x->size != y->size || x->flags != y->flags || x->io != y->io ||
	    x->msix_mappable != y->msix_mappable || x->wc != y->wc ||
	    !range_same(x->has_msix, &x->msix, y->has_msix, &y->msix) ||
	    !range_same(x->has_pba, &x->pba, y->has_pba, &y->pba) ||
	    x->has_type != y->has_type || x->has_fill != y->has_fill ||
	    x->nr_sparse != y->nr_sparse)
		return false;
	if (x->has_type && (x->type != y->type || x->subtype != y->subtype))
		return false;
	if (x->has_fill && x->fill != y->fill)
		return false;
	for (i = 0; i < x->nr_sparse && i < VFIOSIM_MAX_SPARSE; i++)
		if (x->sparse[i].off != y->sparse[i].off ||
		    x->sparse[i].len != y->sparse[i].len)
			return false;
	return true;
}

bool sim_irq_same(const struct vfiosim_device *a,
		  const struct vfiosim_device *b, unsigned int idx)
{
	return a->irqs[idx].count == b->irqs[idx].count &&
	       a->irqs[idx].flags == b->irqs[idx].flags;
}

bool sim_format_slot(const struct vfiosim_device *dev, bool irq,
		     unsigned int idx, char *buf, size_t len)
{
	struct vfiosim_trace *t;
	char *text = NULL, want[32], *line, *nl;
	size_t tlen = 0;
	bool ok = false;
	FILE *f;

	t = calloc(1, sizeof(*t));
	if (!t)
		return false;
	t->nr_devices = 1;
	t->devices[0] = *dev;
	snprintf(t->devices[0].name, sizeof(t->devices[0].name), "x");
	t->devices[0].from[0] = '\0';
	if (irq)
		t->devices[0].irqs[idx].described = true;
	else
		t->devices[0].regions[idx].described = true;
	f = open_memstream(&text, &tlen);
	if (f) {
		vfiosim_trace_write(t, f);
		if (fclose(f))
			goto out;
		snprintf(want, sizeof(want), "\n%s x %u", irq ? "irq" : "reg",
			 idx);
		for (line = strstr(text, want); line;
		     line = strstr(line + 1, want)) {
			char next = line[strlen(want)];

			if (next == ' ' || next == '\n')
				break;
		}
		if (!line)
			goto out;
		line += 7;	/* "\nreg x " */
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		ok = (size_t)snprintf(buf, len, "%s", line) < len;
	}
out:
	free(text);
	free(t);
	return ok;
}
