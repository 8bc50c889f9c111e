// SPDX-License-Identifier: GPL-2.0-only
/*
 * The offset space of a device fd drawn to scale as SVG: one band per
 * result (layout), one rectangle per range of the fd.  Offsets run from 0 to
 * beyond 2^40, so when the largest offset is more than ~1000 times the
 * smallest range the x axis is logarithmic: x = log2(1 + offset / lo), with
 * lo the smallest range (a power of two), which keeps offset 0 on the axis.
 */
#include "vfiosim/report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "report_internal.h"

#define SVG_WIDTH	1000.0
#define SVG_LEFT	150.0		/* band labels */
#define SVG_RIGHT	40.0
#define SVG_PLOT	(SVG_WIDTH - SVG_LEFT - SVG_RIGHT)
#define SVG_TOP		96.0		/* title and legend */
#define SVG_BAND	28.0		/* height of a band */
#define SVG_ROW		12.0		/* a row of labels below a band */
#define SVG_ROWS	4
#define SVG_GAP		14.0
#define SVG_PITCH	(SVG_BAND + SVG_ROWS * SVG_ROW + SVG_GAP)
#define SVG_AXIS	44.0		/* axis ticks and labels */
#define SVG_CHAR	6.0		/* a character of 10px monospace */
#define SVG_LOG_SPREAD	1000.0		/* above it, a log axis */
#define SVG_MAX_TICKS	72

#define MMAP2_REACH	(1ULL << 44)

#define COLOUR_REGION	"#4e79a7"
#define COLOUR_WC	"#f28e2b"
#define COLOUR_ALIAS	"#59a14f"
#define COLOUR_DEAD	"#bab0ac"
#define COLOUR_REACH	"#e15759"
#define COLOUR_GRID	"#dddddd"

struct sim_scale {
	bool log;
	double lo;		/* log: the offset at t = 1 */
	uint64_t hi;		/* the end of the axis */
	double t_hi;
	unsigned int lo_shift;	/* log: lo = 2^lo_shift */
	unsigned int hi_shift;	/* log: hi = 2^hi_shift */
	uint64_t step;		/* linear: between ticks */
};

static double scale_t(const struct sim_scale *s, double off)
{
	return s->log ? log2(1.0 + off / s->lo) : off;
}

static double xpos(const struct sim_scale *s, double off)
{
	return SVG_LEFT + SVG_PLOT * scale_t(s, off) / s->t_hi;
}

static unsigned int floor_log2(uint64_t v)
{
	return v ? 63 - __builtin_clzll(v) : 0;
}

static unsigned int ceil_log2(uint64_t v)
{
	return v > 1 ? 64 - __builtin_clzll(v - 1) : 0;
}

static void scale_init(struct sim_scale *s,
		       const struct vfiosim_replay_result *res,
		       unsigned int nr)
{
	uint64_t hi = 0, small = UINT64_MAX;
	unsigned int r, i;

	memset(s, 0, sizeof(*s));
	for (r = 0; r < nr; r++) {
		for (i = 0; i < res[r].nr_map && res[r].map; i++) {
			const struct vfiosim_map_entry *m = &res[r].map[i];
			uint64_t span = m->last - m->first + 1;
			uint64_t end = m->last == UINT64_MAX ? m->last :
							       m->last + 1;

			if (end > hi)
				hi = end;
			if (span && span < small)
				small = span;
			if (m->first && m->first < small)
				small = m->first;
		}
	}
	if (!hi) {
		hi = 4096;
		small = 4096;
	}
	if ((double)hi / (double)small > SVG_LOG_SPREAD) {
		s->log = true;
		s->lo_shift = floor_log2(small);
		s->hi_shift = ceil_log2(hi);
		if (s->hi_shift < 44)
			s->hi_shift = 44;	/* show mmap2's reach */
		if (s->hi_shift > 63)
			s->hi_shift = 63;
		s->lo = ldexp(1.0, s->lo_shift);
		s->hi = 1ULL << s->hi_shift;
		/* a 2^63 axis still ends at the last offset */
		if (hi > s->hi)
			s->hi = hi;
	} else {
		s->step = 1ULL << ceil_log2(hi / 8 ? hi / 8 : 1);
		s->hi = (hi + s->step - 1) / s->step * s->step;
	}
	s->t_hi = scale_t(s, (double)s->hi);
}

static void svg_tick(FILE *out, double x, double y, bool label,
		     const char *text, double grid_top)
{
	if (label)
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"" COLOUR_GRID "\"/>\n", x,
			grid_top, x, y);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"black\"/>\n", x, y, x, y + (label ? 6.0 : 3.0));
	if (label) {
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"middle\">", x, y + 18.0);
		vfiosim_xml_text(out, text);
		fputs("</text>\n", out);
	}
}

static bool forced_label(unsigned int shift)
{
	return shift == 20 || shift == 30 || shift == 40 || shift == 44;
}

/* The axis under the bands, and grid lines at the labelled ticks. */
static void svg_axis(FILE *out, const struct sim_scale *s, double y,
		     double grid_top)
{
	double placed[SVG_MAX_TICKS + 1];
	unsigned int nr_placed = 0, e, every, p;
	char buf[32];
	bool pass;

	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"black\"/>\n", SVG_LEFT, y, SVG_LEFT + SVG_PLOT, y);
	if (!s->log) {
		uint64_t v;

		for (v = 0; v <= s->hi; v += s->step) {
			svg_tick(out, xpos(s, (double)v), y, true,
				 vfiosim_size_str(v, buf, sizeof(buf)),
				 grid_top);
			if (s->hi - v < s->step)
				break;
		}
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
			"offset in the device fd (linear)</text>\n",
			SVG_LEFT + SVG_PLOT, y + 36.0);
		return;
	}

	/* 0, then powers of two: 1M, 1G, 1T and 2^44 always labelled. */
	svg_tick(out, SVG_LEFT, y, true, "0", grid_top);
	placed[nr_placed++] = SVG_LEFT;
	every = s->hi_shift - s->lo_shift <= 20 ? 1 :
		s->hi_shift - s->lo_shift <= 40 ? 2 : 4;
	for (pass = true;; pass = false) {
		for (e = s->lo_shift; e <= s->hi_shift; e++) {
			double x = xpos(s, ldexp(1.0, e));
			bool label = pass ? forced_label(e) :
				     !forced_label(e) && !(e % every);

			if (!label) {
				if (!pass && !forced_label(e))
					svg_tick(out, x, y, false, NULL, 0);
				continue;
			}
			for (p = 0; p < nr_placed; p++)
				if (fabs(placed[p] - x) < 34.0)
					break;
			if (!pass && p < nr_placed) {
				svg_tick(out, x, y, false, NULL, 0);
				continue;
			}
			if (nr_placed <= SVG_MAX_TICKS)
				placed[nr_placed++] = x;
			svg_tick(out, x, y, true,
				 vfiosim_size_str(1ULL << e, buf, sizeof(buf)),
				 grid_top);
		}
		if (!pass)
			break;
	}
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
		"offset in the device fd (log2 axis: x = log2(1 + offset / %s))"
		"</text>\n", SVG_LEFT + SVG_PLOT, y + 36.0,
		vfiosim_size_str(1ULL << s->lo_shift, buf, sizeof(buf)));
}

static const char *entry_colour(const struct vfiosim_map_entry *m)
{
	if (m->dead)
		return COLOUR_DEAD;
	if (m->alias)
		return m->wc ? COLOUR_WC : COLOUR_ALIAS;
	return m->wc ? COLOUR_WC : COLOUR_REGION;
}

/* "BAR2", "9:resmem", "10:BAR2 wc" */
static void entry_label(char *buf, size_t len,
			const struct vfiosim_trace *trace,
			const struct vfiosim_replay_result *res,
			const struct vfiosim_map_entry *m)
{
	char name[VFIOSIM_NAME_LEN + 16], dflt[16];

	vfiosim_report_region_name(trace, res->map_device, m->target, name,
				   sizeof(name));
	vfiosim_report_region_name(NULL, NULL, m->target, dflt, sizeof(dflt));
	if (!m->alias && m->index == m->target && !strcmp(name, dflt))
		snprintf(buf, len, "%s%s%s", name, m->wc ? " wc" : "",
			 m->dead ? " dead" : "");
	else
		snprintf(buf, len, "%" PRIu32 ":%s%s%s", m->index, name,
			 m->wc ? " wc" : "", m->dead ? " dead" : "");
}

static void entry_title(FILE *out, const struct vfiosim_trace *trace,
			const struct vfiosim_replay_result *res,
			const struct vfiosim_map_entry *m)
{
	char name[VFIOSIM_NAME_LEN + 16], size[32], buf[192];

	vfiosim_report_region_name(trace, res->map_device, m->target, name,
				   sizeof(name));
	snprintf(buf, sizeof(buf), "index %" PRIu32 " -> region %" PRIu32
		 " %s: 0x%" PRIx64 "-0x%" PRIx64 ", size %s%s%s%s", m->index,
		 m->target, name, m->first, m->last,
		 vfiosim_size_str(m->size, size, sizeof(size)),
		 m->alias ? ", alias" : "", m->wc ? ", write-combining" : "",
		 m->dead ? ", dead" : "");
	fputs("<title>", out);
	vfiosim_xml_text(out, buf);
	fputs("</title>", out);
}

static void svg_band(FILE *out, const struct sim_scale *s,
		     const struct vfiosim_trace *trace,
		     const struct vfiosim_replay_result *res, double y)
{
	double row_end[SVG_ROWS];
	char label[VFIOSIM_NAME_LEN + 64];
	unsigned int i, r;

	/* the band's name, the design under it and its figures */
	fputs("<g class=\"band\">\n", out);
	fprintf(out, "<text x=\"8\" y=\"%.1f\" font-weight=\"bold\" "
		"font-size=\"12\">", y + 12.0);
	vfiosim_xml_text(out, vfiosim_report_layout_name(res->layout));
	fprintf(out, "</text>\n<text x=\"8\" y=\"%.1f\">design ", y + 25.0);
	vfiosim_xml_text(out, vfiosim_report_design_name(res->design));
	fprintf(out, "</text>\n<text x=\"8\" y=\"%.1f\">%u cookies</text>\n",
		y + 38.0, res->cookies);
	fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		"height=\"%.1f\" fill=\"#f7f7f7\" stroke=\"#999999\"/>\n",
		SVG_LEFT, y, SVG_PLOT, SVG_BAND);
	if (!res->nr_map || !res->map)
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">no device fd was "
			"opened</text>\n", SVG_LEFT + 6.0, y + 18.0);

	for (r = 0; r < SVG_ROWS; r++)
		row_end[r] = 0.0;
	for (i = 0; i < res->nr_map && res->map; i++) {
		const struct vfiosim_map_entry *m = &res->map[i];
		double x0 = xpos(s, (double)m->first);
		double x1 = xpos(s, (double)m->last + 1.0);
		double w = x1 - x0 < 1.0 ? 1.0 : x1 - x0;
		double tw, lx, mid;

		entry_label(label, sizeof(label), trace, res, m);
		fprintf(out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
			"height=\"%.1f\" fill=\"%s\"%s>", x0, y, w, SVG_BAND,
			entry_colour(m),
			m->dead ? " fill-opacity=\"0.6\"" : "");
		entry_title(out, trace, res, m);
		fputs("</rect>\n", out);

		tw = strlen(label) * SVG_CHAR;
		mid = x0 + w / 2.0;
		if (tw + 4.0 <= w) {
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"middle\" fill=\"white\">", mid,
				y + SVG_BAND / 2.0 + 3.5);
			vfiosim_xml_text(out, label);
			fputs("</text>\n", out);
			continue;
		}
		/* too narrow: a label in the first row below with room */
		lx = mid - tw / 2.0;
		if (lx < SVG_LEFT)
			lx = SVG_LEFT;
		if (lx + tw > SVG_WIDTH - 2.0)
			lx = SVG_WIDTH - 2.0 - tw;
		for (r = 0; r < SVG_ROWS; r++) {
			if (lx >= row_end[r] + 4.0)
				break;
			if (row_end[r] + 4.0 - lx < 60.0 &&
			    row_end[r] + 4.0 + tw <= SVG_WIDTH - 2.0) {
				lx = row_end[r] + 4.0;
				break;
			}
		}
		if (r == SVG_ROWS)
			continue;	/* the rectangle's title names it */
		row_end[r] = lx + tw;
		fprintf(out, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" "
			"y2=\"%.1f\" stroke=\"%s\"/>\n", mid, y + SVG_BAND,
			lx + tw / 2.0, y + SVG_BAND + SVG_ROW * r + 2.0,
			entry_colour(m));
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">", lx,
			y + SVG_BAND + SVG_ROW * (r + 1), m->alias && m->wc ?
			"#b35806" : "black");
		vfiosim_xml_text(out, label);
		fputs("</text>\n", out);
	}
	fputs("</g>\n", out);
}

static void svg_legend(FILE *out, double y)
{
	static const struct {
		const char *colour, *text;
	} keys[] = {
		{ COLOUR_REGION, "region" },
		{ COLOUR_WC, "write-combining alias" },
		{ COLOUR_ALIAS, "other alias" },
		{ COLOUR_DEAD, "dead (dropped, still mapped)" },
	};
	double x = SVG_LEFT;
	unsigned int i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" "
			"height=\"10\" fill=\"%s\"/>\n<text x=\"%.1f\" "
			"y=\"%.1f\">%s</text>\n", x, y - 9.0, keys[i].colour,
			x + 16.0, y, keys[i].text);
		x += 16.0 + strlen(keys[i].text) * SVG_CHAR + 18.0;
	}
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"" COLOUR_REACH "\" stroke-width=\"2\" "
		"stroke-dasharray=\"4,3\"/>\n<text x=\"%.1f\" y=\"%.1f\">"
		"mmap2 reach (2^44 = 16T)</text>\n", x, y - 9.0, x, y + 1.0,
		x + 6.0, y);
}

int vfiosim_report_svg(FILE *out, const struct vfiosim_trace *trace,
		       const struct vfiosim_replay_result *res,
		       unsigned int nr)
{
	struct sim_scale s;
	double height, axis_y, y;
	unsigned int r;

	scale_init(&s, res, nr);
	axis_y = SVG_TOP + nr * SVG_PITCH;
	height = axis_y + SVG_AXIS;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"monospace\" font-size=\"10\">\n",
		SVG_WIDTH, height, SVG_WIDTH, height);
	fputs("<title>vfiosim layout: ", out);
	vfiosim_xml_text(out, nr && res[0].trace ? res[0].trace : "");
	fputs("</title>\n", out);
	fprintf(out, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n",
		SVG_WIDTH, height);
	fputs("<text x=\"8\" y=\"22\" font-size=\"14\" font-weight=\"bold\">"
	      "offset space of ", out);
	vfiosim_xml_text(out, nr && res[0].trace ? res[0].trace : "(none)");
	fputs("</text>\n", out);
	fputs("<text x=\"8\" y=\"42\">the largest device fd of the trace at "
	      "its fullest, one band per layout; hover a range for its "
	      "details</text>\n", out);
	svg_legend(out, 66.0);

	svg_axis(out, &s, axis_y, SVG_TOP - 8.0);
	for (r = 0, y = SVG_TOP; r < nr; r++, y += SVG_PITCH)
		svg_band(out, &s, trace, &res[r], y);

	if (s.hi >= MMAP2_REACH) {
		double x = xpos(&s, (double)MMAP2_REACH);

		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"" COLOUR_REACH "\" "
			"stroke-width=\"2\" stroke-dasharray=\"4,3\"/>\n",
			x, SVG_TOP - 12.0, x, axis_y);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
			"fill=\"" COLOUR_REACH "\">mmap2 reach 2^44</text>\n",
			x - 3.0, SVG_TOP - 4.0);
	}
	fputs("</svg>\n", out);
	return ferror(out) ? -EIO : 0;
}
