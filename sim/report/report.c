// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reports of replays in text, JSON and CSV; the map of an fd's offset space
 * as a table; the device catalog.  The formats are the contract of
 * docs/vfiosim.1.
 */
#include "vfiosim/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define MMAP2_REACH	(1ULL << 44)

static const char *const format_names[VFIOSIM_FORMAT_NR] = {
	[VFIOSIM_FORMAT_TEXT] = "text",
	[VFIOSIM_FORMAT_JSON] = "json",
	[VFIOSIM_FORMAT_CSV] = "csv",
};

/*
 * The report's own copies of the names of replay.h, so that it never needs
 * the replayer; the CLI's tests check that they agree.
 */
static const char *const design_names[VFIOSIM_DESIGN_NR] = {
	[VFIOSIM_DESIGN_LEGACY] = "legacy",
	[VFIOSIM_DESIGN_SETATTR] = "setattr",
	[VFIOSIM_DESIGN_ALIAS] = "alias",
	[VFIOSIM_DESIGN_GETMMAP] = "getmmap",
};

static const char *const layout_names[VFIOSIM_LAYOUT_NR] = {
	[VFIOSIM_LAYOUT_LEGACY] = "legacy",
	[VFIOSIM_LAYOUT_COMPAT] = "compat",
	[VFIOSIM_LAYOUT_COMPACT] = "compact",
};

static const char *const outcome_names[VFIOSIM_OUTCOME_NR] = {
	[VFIOSIM_MATCH] = "match",
	[VFIOSIM_UNCHECKED] = "unchecked",
	[VFIOSIM_MISMATCH] = "mismatch",
	[VFIOSIM_UNSUPPORTED] = "unsupported",
	[VFIOSIM_SKIPPED] = "skipped",
};

/* vfio-pci's fixed region indices (include/uapi/linux/vfio.h). */
static const char *const pci_region_names[] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "CONFIG", "VGA",
};

const char *vfiosim_format_name(enum vfiosim_format format)
{
	if ((unsigned int)format >= VFIOSIM_FORMAT_NR)
		return "?";
	return format_names[format];
}

int vfiosim_format_from_name(const char *name)
{
	int i;

	for (i = 0; i < VFIOSIM_FORMAT_NR; i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return -1;
}

const char *vfiosim_report_design_name(enum vfiosim_design design)
{
	if ((unsigned int)design >= VFIOSIM_DESIGN_NR)
		return "?";
	return design_names[design];
}

const char *vfiosim_report_layout_name(enum vfiosim_layout layout)
{
	if ((unsigned int)layout >= VFIOSIM_LAYOUT_NR)
		return "?";
	return layout_names[layout];
}

const char *vfiosim_report_outcome_name(enum vfiosim_outcome outcome)
{
	if ((unsigned int)outcome >= VFIOSIM_OUTCOME_NR)
		return "?";
	return outcome_names[outcome];
}

const char *vfiosim_report_region_name(const struct vfiosim_trace *trace,
				       const char *device, uint32_t index,
				       char *buf, size_t len)
{
	unsigned int d;

	if (trace && index < VFIOSIM_MAX_REGIONS) {
		for (d = 0; d < trace->nr_devices; d++) {
			const struct vfiosim_device *dev = &trace->devices[d];

			if (device && device[0] && strcmp(dev->name, device))
				continue;
			if (dev->regions[index].name[0]) {
				snprintf(buf, len, "%s",
					 dev->regions[index].name);
				return buf;
			}
			break;
		}
	}
	if (index < sizeof(pci_region_names) / sizeof(pci_region_names[0]))
		snprintf(buf, len, "%s", pci_region_names[index]);
	else
		snprintf(buf, len, "R%" PRIu32, index);
	return buf;
}

/* In the largest unit it is a whole number of, below 65536 of them. */
const char *vfiosim_size_str(uint64_t size, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	int i;

	for (i = 5; i >= 0; i--) {
		unsigned int shift = 10 * (i + 1);

		if (size >= 1ULL << shift && !(size & ((1ULL << shift) - 1)) &&
		    size >> shift < 65536) {
			snprintf(buf, len, "%" PRIu64 "%c", size >> shift,
				 units[i]);
			return buf;
		}
	}
	if (size < 1024)
		snprintf(buf, len, "%" PRIu64, size);
	else
		snprintf(buf, len, "%#" PRIx64, size);
	return buf;
}

/*
 * The length of the UTF-8 sequence at @s, or 0 when it is not one (an
 * overlong form, a surrogate, past U+10FFFF, U+FFFE or U+FFFF, or cut short
 * by the terminating NUL).
 */
unsigned int sim_utf8_len(const unsigned char *s)
{
	unsigned int n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) ||
		       cp >= 0xfffe))
		return 0;
	if (n == 4 && (cp < 0x10000 || cp > 0x10ffff))
		return 0;
	return n;
}

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD in UTF-8 */

void vfiosim_json_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int n;

	if (!s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	while (*s) {
		switch (*s) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(out, "\\u%04x", *s);
				break;
			}
			n = sim_utf8_len(s);
			if (!n) {
				fputs("\\ufffd", out);
				break;
			}
			fwrite(s, 1, n, out);
			s += n;
			continue;
		}
		s++;
	}
	putc('"', out);
}

void vfiosim_csv_field(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	bool quote = false;
	unsigned int n;

	if (!s)
		return;
	if (s[0] == ' ' || (s[0] && s[strlen(str) - 1] == ' '))
		quote = true;
	for (; *s; s++)
		if (*s == ',' || *s == '"' || *s == '\n' || *s == '\r')
			quote = true;
	s = (const unsigned char *)str;
	if (quote)
		putc('"', out);
	while (*s) {
		if (*s == '"') {
			fputs("\"\"", out);
			s++;
			continue;
		}
		n = sim_utf8_len(s);
		if (!n) {
			fputs(REPLACEMENT, out);
			s++;
			continue;
		}
		fwrite(s, 1, n, out);
		s += n;
	}
	if (quote)
		putc('"', out);
}

void vfiosim_xml_text(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int n;

	if (!s)
		return;
	while (*s) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		case '\t':
		case '\n':
		case '\r':
			fprintf(out, "&#%u;", *s);
			break;
		default:
			/* XML 1.0 cannot carry other control characters. */
			if (*s < 0x20) {
				fputs(REPLACEMENT, out);
				break;
			}
			n = sim_utf8_len(s);
			if (!n) {
				fputs(REPLACEMENT, out);
				break;
			}
			fwrite(s, 1, n, out);
			s += n;
			continue;
		}
		s++;
	}
}

/* Text for a terminal: control characters and stray bytes as \xHH. */
void sim_text_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int n;

	if (!s) {
		fputs("(none)", out);
		return;
	}
	while (*s) {
		n = *s < 0x20 || *s == 0x7f ? 0 : sim_utf8_len(s);
		if (!n) {
			fprintf(out, "\\x%02x", *s++);
			continue;
		}
		fwrite(s, 1, n, out);
		s += n;
	}
}

bool vfiosim_report_failed(const struct vfiosim_replay_result *res)
{
	return res->outcomes[VFIOSIM_MISMATCH] || res->invalid;
}

static const char *errno_str(unsigned int err, char *buf, size_t len)
{
	const char *name = vfiosim_errno_name(err);

	if (name)
		return name;
	snprintf(buf, len, "E%u", err);
	return buf;
}

/* One cell of the text table: what one design and layout gave one trace. */
struct sim_cell {
	bool set;
	unsigned int events;
	unsigned int mismatches, unsupported, skipped, zap_missed;
	unsigned int invalid;
};

struct vfiosim_report {
	FILE *out;
	enum vfiosim_format format;
	unsigned int flags;
	unsigned int nr_results;
	/* the text table: the trace being collected, and the sums */
	char *group_trace;
	unsigned int nr_traces;
	struct sim_cell group[VFIOSIM_DESIGN_NR][VFIOSIM_LAYOUT_NR];
	struct sim_cell total[VFIOSIM_DESIGN_NR][VFIOSIM_LAYOUT_NR];
	bool nomem;
};

static const char csv_header[] =
	"trace,design,layout,events,matches,mismatches,unchecked,unsupported,"
	"skipped,zap_missed,invalid,cookies,span_bytes,region_bytes,"
	"maple_nodes,maple_bytes,fits_mmap2_32bit,errors\n";

#define TABLE_FIRST	26	/* width of the first column of the table */
#define TABLE_CELL	16	/* width of the other columns */

static void table_legend(struct vfiosim_report *rep)
{
	FILE *out = rep->out;
	int l;

	fputs("events mismatched/unsupported/skipped under each design and "
	      "layout\n(* a broken invariant, z: VMAs a reset did not zap)\n\n",
	      out);
	fprintf(out, "%-*s", TABLE_FIRST, "trace / design");
	for (l = 0; l < VFIOSIM_LAYOUT_NR; l++)
		fprintf(out, "%-*s", l < VFIOSIM_LAYOUT_NR - 1 ? TABLE_CELL : 0,
			layout_names[l]);
	fputc('\n', out);
}

struct vfiosim_report *vfiosim_report_begin(FILE *out,
					    enum vfiosim_format format,
					    unsigned int flags)
{
	struct vfiosim_report *rep;

	if ((unsigned int)format >= VFIOSIM_FORMAT_NR)
		return NULL;
	rep = calloc(1, sizeof(*rep));
	if (!rep)
		return NULL;
	rep->out = out;
	rep->format = format;
	rep->flags = flags;
	if (format == VFIOSIM_FORMAT_JSON)
		fputs("{\"results\": [", out);
	else if (format == VFIOSIM_FORMAT_CSV)
		fputs(csv_header, out);
	else if (flags & VFIOSIM_REPORT_TABLE)
		table_legend(rep);
	return rep;
}

static void cell_print(FILE *out, const struct sim_cell *c, bool last)
{
	char buf[64];
	int n;

	if (!c->set) {
		snprintf(buf, sizeof(buf), "-");
	} else {
		n = snprintf(buf, sizeof(buf), "%u/%u/%u%s", c->mismatches,
			     c->unsupported, c->skipped,
			     c->invalid ? "*" : "");
		if (c->zap_missed)
			snprintf(buf + n, sizeof(buf) - n, " z%u",
				 c->zap_missed);
	}
	fprintf(out, "%-*s", last ? 0 : TABLE_CELL, buf);
}

static void table_rows(FILE *out, struct sim_cell cells[][VFIOSIM_LAYOUT_NR])
{
	int d, l;

	for (d = 0; d < VFIOSIM_DESIGN_NR; d++) {
		for (l = 0; l < VFIOSIM_LAYOUT_NR; l++)
			if (cells[d][l].set)
				break;
		if (l == VFIOSIM_LAYOUT_NR)
			continue;
		fprintf(out, "  %-*s", TABLE_FIRST - 2, design_names[d]);
		for (l = 0; l < VFIOSIM_LAYOUT_NR; l++)
			cell_print(out, &cells[d][l],
				   l == VFIOSIM_LAYOUT_NR - 1);
		fputc('\n', out);
	}
}

static void table_flush(struct vfiosim_report *rep)
{
	unsigned int events = 0;
	int d, l;

	if (!rep->group_trace)
		return;
	for (d = 0; d < VFIOSIM_DESIGN_NR; d++)
		for (l = 0; l < VFIOSIM_LAYOUT_NR; l++)
			if (rep->group[d][l].set)
				events = rep->group[d][l].events;
	sim_text_string(rep->out, rep->group_trace);
	fprintf(rep->out, " (%u events)\n", events);
	table_rows(rep->out, rep->group);
	free(rep->group_trace);
	rep->group_trace = NULL;
	memset(rep->group, 0, sizeof(rep->group));
	rep->nr_traces++;
}

static void cell_add(struct sim_cell *c,
		     const struct vfiosim_replay_result *res)
{
	c->set = true;
	c->events += res->events;
	c->mismatches += res->outcomes[VFIOSIM_MISMATCH];
	c->unsupported += res->outcomes[VFIOSIM_UNSUPPORTED];
	c->skipped += res->outcomes[VFIOSIM_SKIPPED];
	c->zap_missed += res->zap_missed;
	c->invalid += res->invalid;
}

static void table_add(struct vfiosim_report *rep,
		      const struct vfiosim_replay_result *res)
{
	const char *trace = res->trace ? res->trace : "";
	unsigned int d = res->design, l = res->layout;

	if (d >= VFIOSIM_DESIGN_NR || l >= VFIOSIM_LAYOUT_NR)
		return;
	/* A new trace, or the same path given twice: a new row group. */
	if (rep->group_trace &&
	    (strcmp(rep->group_trace, trace) || rep->group[d][l].set))
		table_flush(rep);
	if (!rep->group_trace) {
		rep->group_trace = strdup(trace);
		if (!rep->group_trace) {
			rep->nomem = true;
			return;
		}
	}
	cell_add(&rep->group[d][l], res);
	cell_add(&rep->total[d][l], res);
}

static void text_summary(FILE *out, const struct vfiosim_replay_result *res)
{
	char buf[32];
	unsigned int e;
	bool first = true;

	sim_text_string(out, res->trace);
	fprintf(out, ": %s/%s: %u events: %u match, %u mismatch, "
		"%u unsupported, %u skipped, %u unchecked",
		vfiosim_report_design_name(res->design),
		vfiosim_report_layout_name(res->layout), res->events,
		res->outcomes[VFIOSIM_MATCH], res->outcomes[VFIOSIM_MISMATCH],
		res->outcomes[VFIOSIM_UNSUPPORTED],
		res->outcomes[VFIOSIM_SKIPPED],
		res->outcomes[VFIOSIM_UNCHECKED]);
	for (e = 1; e < VFIOSIM_ERRNO_MAX; e++) {
		if (!res->errors[e])
			continue;
		fprintf(out, "%s%s %u", first ? "; errors " : ", ",
			errno_str(e, buf, sizeof(buf)), res->errors[e]);
		first = false;
	}
	if (res->zap_missed)
		fprintf(out, "; %u VMAs not zapped", res->zap_missed);
	fprintf(out, "; %u cookies, span %s", res->cookies,
		vfiosim_size_str(res->span_bytes, buf, sizeof(buf)));
	fprintf(out, ", regions %s, %ld maple nodes (%" PRIu64 " bytes), %s\n",
		vfiosim_size_str(res->region_bytes, buf, sizeof(buf)),
		res->maple_nodes, res->maple_bytes,
		res->fits_mmap2_32bit ? "within 32-bit mmap2 reach" :
					"beyond 32-bit mmap2 reach");
}

static bool event_listed(const struct vfiosim_event_result *ev)
{
	return ev->outcome != VFIOSIM_MATCH && ev->outcome != VFIOSIM_UNCHECKED;
}

static void text_add(struct vfiosim_report *rep,
		     const struct vfiosim_replay_result *res)
{
	FILE *out = rep->out;
	unsigned int i;

	if ((rep->flags & VFIOSIM_REPORT_EVENTS) && res->per_event) {
		for (i = 0; i < res->events; i++) {
			const struct vfiosim_event_result *ev =
				&res->per_event[i];

			if (!event_listed(ev))
				continue;
			sim_text_string(out, res->trace);
			fprintf(out, ":%u: %s: ", ev->line,
				vfiosim_report_outcome_name(ev->outcome));
			sim_text_string(out, ev->reason);
			fputc('\n', out);
		}
	}
	if (res->invalid) {
		sim_text_string(out, res->trace);
		fputs(": invalid: ", out);
		sim_text_string(out, res->invalid_reason);
		fputc('\n', out);
	}
	text_summary(out, res);
}

static void json_errors(FILE *out, const struct vfiosim_replay_result *res)
{
	char buf[32];
	unsigned int e;
	bool first = true;

	putc('{', out);
	for (e = 1; e < VFIOSIM_ERRNO_MAX; e++) {
		if (!res->errors[e])
			continue;
		fputs(first ? "" : ", ", out);
		vfiosim_json_string(out, errno_str(e, buf, sizeof(buf)));
		fprintf(out, ": %u", res->errors[e]);
		first = false;
	}
	putc('}', out);
}

static void json_map(FILE *out, const struct vfiosim_replay_result *res)
{
	unsigned int i;

	fputs(", \"map\": [", out);
	for (i = 0; i < res->nr_map && res->map; i++) {
		const struct vfiosim_map_entry *m = &res->map[i];

		fprintf(out, "%s\n    {\"first\": %" PRIu64 ", \"last\": %"
			PRIu64 ", \"size\": %" PRIu64 ", \"index\": %" PRIu32
			", \"target\": %" PRIu32 ", \"alias\": %s, \"wc\": %s, "
			"\"dead\": %s}", i ? "," : "", m->first, m->last,
			m->size, m->index, m->target,
			m->alias ? "true" : "false", m->wc ? "true" : "false",
			m->dead ? "true" : "false");
	}
	fputs(res->nr_map ? "\n  ]" : "]", out);
}

static void json_events(FILE *out, const struct vfiosim_replay_result *res)
{
	char buf[32];
	unsigned int i;
	bool first = true;

	fputs(", \"events_detail\": [", out);
	for (i = 0; i < res->events && res->per_event; i++) {
		const struct vfiosim_event_result *ev = &res->per_event[i];

		if (!event_listed(ev))
			continue;
		fprintf(out, "%s\n    {\"line\": %u, \"outcome\": ",
			first ? "" : ",", ev->line);
		vfiosim_json_string(out,
				    vfiosim_report_outcome_name(ev->outcome));
		fputs(", \"reason\": ", out);
		vfiosim_json_string(out, ev->reason);
		fputs(", \"err\": ", out);
		if (ev->err < 0)
			vfiosim_json_string(out, errno_str(-ev->err, buf,
							   sizeof(buf)));
		else
			fputs("null", out);
		fprintf(out, ", \"value\": %" PRId64 "}", ev->value);
		first = false;
	}
	fputs(first ? "]" : "\n  ]", out);
}

static void json_add(struct vfiosim_report *rep,
		     const struct vfiosim_replay_result *res)
{
	FILE *out = rep->out;

	fputs(rep->nr_results ? ",\n  {\"trace\": " : "\n  {\"trace\": ", out);
	vfiosim_json_string(out, res->trace);
	fputs(", \"design\": ", out);
	vfiosim_json_string(out, vfiosim_report_design_name(res->design));
	fputs(", \"layout\": ", out);
	vfiosim_json_string(out, vfiosim_report_layout_name(res->layout));
	fprintf(out, ",\n   \"events\": %u, \"matches\": %u, \"mismatches\": %u"
		", \"unchecked\": %u, \"unsupported\": %u, \"skipped\": %u"
		", \"zap_missed\": %u,\n   \"invalid\": %s"
		", \"invalid_reason\": ",
		res->events, res->outcomes[VFIOSIM_MATCH],
		res->outcomes[VFIOSIM_MISMATCH],
		res->outcomes[VFIOSIM_UNCHECKED],
		res->outcomes[VFIOSIM_UNSUPPORTED],
		res->outcomes[VFIOSIM_SKIPPED], res->zap_missed,
		res->invalid ? "true" : "false");
	vfiosim_json_string(out, res->invalid ? res->invalid_reason : NULL);
	fputs(", \"errors\": ", out);
	json_errors(out, res);
	fprintf(out, ",\n   \"cookies\": %u, \"span_bytes\": %" PRIu64
		", \"region_bytes\": %" PRIu64 ", \"maple_nodes\": %ld"
		", \"maple_bytes\": %" PRIu64 ", \"fits_mmap2_32bit\": %s"
		",\n   \"map_device\": ", res->cookies, res->span_bytes,
		res->region_bytes, res->maple_nodes, res->maple_bytes,
		res->fits_mmap2_32bit ? "true" : "false");
	vfiosim_json_string(out, res->map_device);
	fprintf(out, ", \"map_pid\": %d, \"map_fd\": %d", res->map_pid,
		res->map_fd);
	if (rep->flags & VFIOSIM_REPORT_MAP)
		json_map(out, res);
	if (rep->flags & VFIOSIM_REPORT_EVENTS)
		json_events(out, res);
	putc('}', out);
}

static void csv_add(struct vfiosim_report *rep,
		    const struct vfiosim_replay_result *res)
{
	FILE *out = rep->out;
	char buf[32];
	unsigned int e;
	bool first = true;

	vfiosim_csv_field(out, res->trace);
	fprintf(out, ",%s,%s,%u,%u,%u,%u,%u,%u,%u,%s,%u,%" PRIu64 ",%" PRIu64
		",%ld,%" PRIu64 ",%s,",
		vfiosim_report_design_name(res->design),
		vfiosim_report_layout_name(res->layout), res->events,
		res->outcomes[VFIOSIM_MATCH], res->outcomes[VFIOSIM_MISMATCH],
		res->outcomes[VFIOSIM_UNCHECKED],
		res->outcomes[VFIOSIM_UNSUPPORTED],
		res->outcomes[VFIOSIM_SKIPPED], res->zap_missed,
		res->invalid ? "true" : "false", res->cookies, res->span_bytes,
		res->region_bytes, res->maple_nodes, res->maple_bytes,
		res->fits_mmap2_32bit ? "true" : "false");
	/* errno names have neither commas nor quotes: no quoting needed */
	for (e = 1; e < VFIOSIM_ERRNO_MAX; e++) {
		if (!res->errors[e])
			continue;
		fprintf(out, "%s%s=%u", first ? "" : " ",
			errno_str(e, buf, sizeof(buf)), res->errors[e]);
		first = false;
	}
	putc('\n', out);
}

int vfiosim_report_add(struct vfiosim_report *rep,
		       const struct vfiosim_replay_result *res)
{
	switch (rep->format) {
	case VFIOSIM_FORMAT_JSON:
		json_add(rep, res);
		break;
	case VFIOSIM_FORMAT_CSV:
		csv_add(rep, res);
		break;
	default:
		if (rep->flags & VFIOSIM_REPORT_TABLE)
			table_add(rep, res);
		else
			text_add(rep, res);
		break;
	}
	rep->nr_results++;
	if (rep->nomem)
		return -ENOMEM;
	return ferror(rep->out) ? -EIO : 0;
}

int vfiosim_report_end(struct vfiosim_report *rep)
{
	FILE *out = rep->out;
	int ret;

	if (rep->format == VFIOSIM_FORMAT_JSON) {
		fputs(rep->nr_results ? "\n]}\n" : "]}\n", out);
	} else if (rep->format == VFIOSIM_FORMAT_TEXT &&
		   (rep->flags & VFIOSIM_REPORT_TABLE)) {
		table_flush(rep);
		if (rep->nr_traces > 1) {
			fprintf(out, "total over %u traces\n", rep->nr_traces);
			table_rows(out, rep->total);
		}
	}
	ret = rep->nomem ? -ENOMEM : 0;
	if (fflush(out) || ferror(out))
		ret = -EIO;
	free(rep->group_trace);
	free(rep);
	return ret;
}

static const char *map_kind(const struct vfiosim_map_entry *m, char *buf,
			    size_t len)
{
	snprintf(buf, len, "%s%s%s", m->alias ? "alias" : "region",
		 m->wc ? " wc" : "", m->dead ? " dead" : "");
	return buf;
}

int vfiosim_report_map(FILE *out, const struct vfiosim_trace *trace,
		       const struct vfiosim_replay_result *res)
{
	char size[32], name[VFIOSIM_NAME_LEN + 16], kind[32], target[64];
	unsigned int i;

	sim_text_string(out, res->trace);
	fprintf(out, ": %s/%s: ", vfiosim_report_design_name(res->design),
		vfiosim_report_layout_name(res->layout));
	if (!res->nr_map || !res->map) {
		fputs("no offset space (no device fd was opened)\n", out);
		return ferror(out) ? -EIO : 0;
	}
	fputs("device ", out);
	sim_text_string(out, res->map_device);
	fprintf(out, " p%d fd %d: %u cookies, span %s", res->map_pid,
		res->map_fd, res->cookies,
		vfiosim_size_str(res->span_bytes, size, sizeof(size)));
	fprintf(out, ", %s 2^44\n",
		res->span_bytes <= MMAP2_REACH ? "within" : "beyond");
	fprintf(out, "  %-18s  %-18s  %-8s %5s  %-14s %s\n", "first", "last",
		"size", "index", "region", "kind");
	for (i = 0; i < res->nr_map; i++) {
		const struct vfiosim_map_entry *m = &res->map[i];

		vfiosim_report_region_name(trace, res->map_device, m->target,
					   name, sizeof(name));
		snprintf(target, sizeof(target), "%" PRIu32 " %s", m->target,
			 name);
		fprintf(out, "  0x%016" PRIx64 "  0x%016" PRIx64
			"  %-8s %5" PRIu32 "  ", m->first, m->last,
			vfiosim_size_str(m->size, size, sizeof(size)),
			m->index);
		sim_text_string(out, target);
		fprintf(out, "%*s %s\n",
			(int)(strlen(target) < 14 ? 14 - strlen(target) : 0),
			"", map_kind(m, kind, sizeof(kind)));
	}
	return ferror(out) ? -EIO : 0;
}

/* Device catalog */

static void list_str(char *buf, size_t len, uint32_t flags,
		     const char *const *names, unsigned int nr)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < nr && n < len; i++) {
		if (!(flags & (1u << i)) || !names[i])
			continue;
		n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", names[i]);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

static const char *const reg_flag_names[] = { "R", "W", "MMAP", "CAPS" };
static const char *const dev_flag_names[] = {
	"RESET", "PCI", NULL, NULL, NULL, NULL, NULL, "CAPS",
};
static const char *const irq_flag_names[] = {
	"EVENTFD", "MASKABLE", "AUTOMASKED", "NORESIZE",
};
static const char *const irq_names[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static bool region_listed(const struct vfiosim_region *r)
{
	return r->described || r->size || r->flags;
}

static void devices_text_region(FILE *out, unsigned int i,
				const struct vfiosim_region *r)
{
	char flags[64], size[32], name[VFIOSIM_NAME_LEN + 16];
	unsigned int s;
	bool extras;

	list_str(flags, sizeof(flags), r->flags, reg_flag_names,
		 ARRAY_LEN(reg_flag_names));
	if (r->name[0])
		snprintf(name, sizeof(name), "%s", r->name);
	else
		vfiosim_report_region_name(NULL, NULL, i, name, sizeof(name));
	fprintf(out, "  %2u ", i);
	sim_text_string(out, name);
	extras = r->absent || r->io || r->wc || r->msix_mappable ||
		 r->has_msix || r->has_pba || r->nr_sparse || r->has_type ||
		 r->has_fill;
	fprintf(out, "%*s %-8s %-*s",
		(int)(strlen(name) < 8 ? 8 - strlen(name) : 0), "",
		vfiosim_size_str(r->size, size, sizeof(size)),
		extras ? 12 : 0, flags);
	if (r->absent)
		fputs(" absent", out);
	if (r->io)
		fputs(" io", out);
	if (r->wc)
		fputs(" wc", out);
	if (r->msix_mappable)
		fputs(" msix_mappable", out);
	if (r->has_msix)
		fprintf(out, " msix=%#" PRIx64 "+%#" PRIx64, r->msix.off,
			r->msix.len);
	if (r->has_pba)
		fprintf(out, " pba=%#" PRIx64 "+%#" PRIx64, r->pba.off,
			r->pba.len);
	for (s = 0; s < r->nr_sparse; s++)
		fprintf(out, "%s%#" PRIx64 "+%#" PRIx64,
			s ? "," : " sparse=", r->sparse[s].off,
			r->sparse[s].len);
	if (r->has_type)
		fprintf(out, " type=%" PRIx32 "/%" PRIx32, r->type, r->subtype);
	if (r->has_fill)
		fprintf(out, " fill=%#" PRIx64, r->fill);
	fputc('\n', out);
}

static void devices_text(FILE *out, const struct vfiosim_device *dev,
			 const char *what)
{
	char flags[64];
	unsigned int i;

	list_str(flags, sizeof(flags), dev->flags, dev_flag_names,
		 ARRAY_LEN(dev_flag_names));
	sim_text_string(out, dev->name);
	fprintf(out, "  %04x:%04x class %06x", dev->vendor, dev->device,
		dev->class_code);
	if (dev->bdf[0]) {
		fputs(" at ", out);
		sim_text_string(out, dev->bdf);
	}
	fprintf(out, ", flags %s, %u regions, %u irqs, cfgsize %u%s\n",
		flags, dev->nr_regions, dev->nr_irqs, dev->cfgsize,
		dev->ioeventfd_enotty ? ", ioeventfd ENOTTY" : "");
	if (what) {
		fputs("  ", out);
		sim_text_string(out, what);
		fputc('\n', out);
	}
	for (i = 0; i < VFIOSIM_MAX_REGIONS; i++)
		if (region_listed(&dev->regions[i]))
			devices_text_region(out, i, &dev->regions[i]);
	for (i = 0; i < VFIOSIM_MAX_IRQS; i++) {
		if (!dev->irqs[i].count)
			continue;
		list_str(flags, sizeof(flags), dev->irqs[i].flags,
			 irq_flag_names, ARRAY_LEN(irq_flag_names));
		fprintf(out, "  irq %u %-6s count %u, flags %s\n", i,
			i < ARRAY_LEN(irq_names) ? irq_names[i] : "",
			dev->irqs[i].count, flags);
	}
}

static void json_flags(FILE *out, uint32_t flags, const char *const *names,
		       unsigned int nr)
{
	unsigned int i;
	bool first = true;

	putc('[', out);
	for (i = 0; i < nr; i++) {
		if (!(flags & (1u << i)) || !names[i])
			continue;
		fputs(first ? "" : ", ", out);
		vfiosim_json_string(out, names[i]);
		first = false;
	}
	putc(']', out);
}

static void json_range(FILE *out, const char *key, bool has,
		       const struct vfiosim_range *r)
{
	fprintf(out, ", \"%s\": ", key);
	if (has)
		fprintf(out, "{\"off\": %" PRIu64 ", \"len\": %" PRIu64 "}",
			r->off, r->len);
	else
		fputs("null", out);
}

static void devices_json_region(FILE *out, unsigned int i,
				const struct vfiosim_region *r, bool first)
{
	unsigned int s;

	fprintf(out, "%s\n     {\"index\": %u, \"name\": ", first ? "" : ",",
		i);
	vfiosim_json_string(out, r->name);
	fprintf(out, ", \"size\": %" PRIu64 ", \"flags\": ", r->size);
	json_flags(out, r->flags, reg_flag_names, ARRAY_LEN(reg_flag_names));
	fprintf(out, ", \"absent\": %s, \"io\": %s, \"wc\": %s"
		", \"msix_mappable\": %s", r->absent ? "true" : "false",
		r->io ? "true" : "false", r->wc ? "true" : "false",
		r->msix_mappable ? "true" : "false");
	json_range(out, "msix", r->has_msix, &r->msix);
	json_range(out, "pba", r->has_pba, &r->pba);
	fputs(", \"sparse\": [", out);
	for (s = 0; s < r->nr_sparse; s++)
		fprintf(out, "%s{\"off\": %" PRIu64 ", \"len\": %" PRIu64 "}",
			s ? ", " : "", r->sparse[s].off, r->sparse[s].len);
	fputs("], \"type\": ", out);
	if (r->has_type)
		fprintf(out, "{\"type\": %" PRIu32 ", \"subtype\": %" PRIu32
			"}", r->type, r->subtype);
	else
		fputs("null", out);
	fputs(", \"fill\": ", out);
	if (r->has_fill)
		fprintf(out, "%" PRIu64, r->fill);
	else
		fputs("null", out);
	putc('}', out);
}

static void devices_json(FILE *out, const struct vfiosim_device *dev,
			 const char *what, bool first)
{
	unsigned int i;
	bool none = true;

	fputs(first ? "\n  {\"name\": " : ",\n  {\"name\": ", out);
	vfiosim_json_string(out, dev->name);
	fputs(", \"what\": ", out);
	vfiosim_json_string(out, what);
	fputs(", \"bdf\": ", out);
	vfiosim_json_string(out, dev->bdf[0] ? dev->bdf : NULL);
	fprintf(out, ", \"vendor\": \"%04x\", \"device\": \"%04x\""
		", \"class\": \"%06x\", \"cfgsize\": %u,\n   \"flags\": ",
		dev->vendor, dev->device, dev->class_code, dev->cfgsize);
	json_flags(out, dev->flags, dev_flag_names, ARRAY_LEN(dev_flag_names));
	fprintf(out, ", \"num_regions\": %u, \"num_irqs\": %u"
		", \"ioeventfd\": \"%s\",\n   \"regions\": [", dev->nr_regions,
		dev->nr_irqs, dev->ioeventfd_enotty ? "ENOTTY" : "yes");
	for (i = 0; i < VFIOSIM_MAX_REGIONS; i++) {
		if (!region_listed(&dev->regions[i]))
			continue;
		devices_json_region(out, i, &dev->regions[i], none);
		none = false;
	}
	fputs(none ? "],\n   \"irqs\": [" : "\n   ],\n   \"irqs\": [", out);
	none = true;
	for (i = 0; i < VFIOSIM_MAX_IRQS; i++) {
		if (!dev->irqs[i].count)
			continue;
		fprintf(out, "%s{\"index\": %u, \"count\": %u, \"flags\": ",
			none ? "" : ", ", i, dev->irqs[i].count);
		json_flags(out, dev->irqs[i].flags, irq_flag_names,
			   ARRAY_LEN(irq_flag_names));
		putc('}', out);
		none = false;
	}
	fputs("]}", out);
}

int vfiosim_report_devices(FILE *out, enum vfiosim_format format,
			   const struct vfiosim_device *const *devs,
			   const char *const *what, unsigned int nr)
{
	unsigned int i;

	if (format == VFIOSIM_FORMAT_CSV)
		return -EINVAL;
	if (format == VFIOSIM_FORMAT_JSON)
		fputs("{\"devices\": [", out);
	for (i = 0; i < nr; i++) {
		if (format == VFIOSIM_FORMAT_JSON) {
			devices_json(out, devs[i], what ? what[i] : NULL,
				     !i);
		} else {
			if (i)
				fputc('\n', out);
			devices_text(out, devs[i], what ? what[i] : NULL);
		}
	}
	if (format == VFIOSIM_FORMAT_JSON)
		fputs(nr ? "\n]}\n" : "]}\n", out);
	return ferror(out) ? -EIO : 0;
}
