/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reports of replays: text, JSON and CSV, the map of an fd's offset space as
 * a table, and an SVG drawing of it.  Everything here works on struct
 * vfiosim_replay_result alone and never calls the replayer.
 */
#ifndef _VFIOSIM_REPORT_H
#define _VFIOSIM_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vfiosim/replay.h"
#include "vfiosim/trace.h"

enum vfiosim_format {
	VFIOSIM_FORMAT_TEXT,
	VFIOSIM_FORMAT_JSON,
	VFIOSIM_FORMAT_CSV,
	VFIOSIM_FORMAT_NR,
};

/*
 * What a report shows beside each result's figures.
 * EVENTS: each event that was a mismatch, unsupported or skipped (text and
 * JSON).  TABLE: text only, one table of all results instead of a summary
 * line each.  MAP: JSON only, the map of the largest space.
 */
#define VFIOSIM_REPORT_EVENTS	(1u << 0)
#define VFIOSIM_REPORT_TABLE	(1u << 1)
#define VFIOSIM_REPORT_MAP	(1u << 2)

struct vfiosim_report;

/*
 * Start a report on @out.  The header (CSV) or the opening of the JSON
 * object is written here; results follow with vfiosim_report_add() as they
 * come, and vfiosim_report_end() closes the report.  Returns NULL when out of
 * memory.
 */
struct vfiosim_report *vfiosim_report_begin(FILE *out,
					    enum vfiosim_format format,
					    unsigned int flags);
/* Add one result; @res is not kept.  0, or -EIO when @out failed. */
int vfiosim_report_add(struct vfiosim_report *rep,
		       const struct vfiosim_replay_result *res);
/* Write the trailer, flush and free @rep.  0, or -EIO when @out failed. */
int vfiosim_report_end(struct vfiosim_report *rep);

/* Does @res count against the exit status: a mismatch or a broken invariant. */
bool vfiosim_report_failed(const struct vfiosim_replay_result *res);

/* The map of the largest space of @res as a text table (@trace may be NULL). */
int vfiosim_report_map(FILE *out, const struct vfiosim_trace *trace,
		       const struct vfiosim_replay_result *res);

/*
 * The offset spaces of @nr results of one trace drawn to scale as SVG, one
 * band per result; @trace (may be NULL) names the regions.
 */
int vfiosim_report_svg(FILE *out, const struct vfiosim_trace *trace,
		       const struct vfiosim_replay_result *res,
		       unsigned int nr);

/*
 * The device catalog: one entry per device, @what[i] a line about it (@what
 * and its entries may be NULL).  Text or JSON; -EINVAL for CSV.
 */
int vfiosim_report_devices(FILE *out, enum vfiosim_format format,
			   const struct vfiosim_device *const *devs,
			   const char *const *what, unsigned int nr);

/* Names, as the report writes them, and back (-1 when unknown). */
const char *vfiosim_format_name(enum vfiosim_format format);
int vfiosim_format_from_name(const char *name);
const char *vfiosim_report_design_name(enum vfiosim_design design);
const char *vfiosim_report_layout_name(enum vfiosim_layout layout);
const char *vfiosim_report_outcome_name(enum vfiosim_outcome outcome);

/*
 * The name of region @index of device @device in @trace ("BAR2" by default
 * for indices 0..8, "R9" above); @buf holds at least 16 bytes.
 */
const char *vfiosim_report_region_name(const struct vfiosim_trace *trace,
				       const char *device, uint32_t index,
				       char *buf, size_t len);

/*
 * Escapes.  JSON: a quoted string; control characters and bytes that are not
 * UTF-8 are escaped.  CSV: a field, quoted when it must be.  XML: character
 * data or an attribute value (without the quotes).
 */
void vfiosim_json_string(FILE *out, const char *s);
void vfiosim_csv_field(FILE *out, const char *s);
void vfiosim_xml_text(FILE *out, const char *s);

/* "16M", "4K", "1T" when exact, else hex; @buf holds at least 24 bytes. */
const char *vfiosim_size_str(uint64_t size, char *buf, size_t len);

#endif /* _VFIOSIM_REPORT_H */
