/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * strace logs of VFIO clients: the importer (an strace log becomes a
 * vfiotrace) and the generator (a vfiotrace becomes the strace log its
 * client would give on a legacy kernel, and a sidecar describing its
 * devices).  docs/capture.md says how to capture a log, what the sidecar
 * holds and what the importer can and cannot infer.
 */
#ifndef _VFIOSIM_STRACE_H
#define _VFIOSIM_STRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vfiosim/replay.h"
#include "vfiosim/trace.h"

struct vfiosim_strace_opts {
	/* the sidecar (docs/capture.md): text, length, name in messages */
	const char *sidecar;
	size_t sidecar_len;
	const char *sidecar_path;
	/* files whose fds are VFIO device fds (--device-path) */
	const char *const *device_paths;
	unsigned int nr_device_paths;
	/* a line that cannot be imported is an error, not a note */
	bool strict;
};

/* A line of the log that was not imported, and why. */
struct vfiosim_strace_note {
	unsigned int line;
	char msg[160];
};

struct vfiosim_strace_import {
	char *text;			/* the vfiotrace, comments included */
	size_t len;
	struct vfiosim_trace *trace;	/* the same, parsed */
	unsigned int lines;		/* lines of the log */
	unsigned int imported;		/* lines that gave events or state */
	unsigned int ignored;		/* not about VFIO: signals, exits, ... */
	unsigned int events;
	unsigned int rinfo_inferred;	/* GET_REGION_INFO indexes inferred */
	unsigned int placeholders;	/* events with placeholder arguments */
	unsigned int nr_notes;		/* lines not imported */
	struct vfiosim_strace_note *notes;
};

/*
 * Import @len bytes of @log, named @path in messages and in the trace.
 * Returns 0 and fills @out (free with vfiosim_strace_import_free()), or -1
 * with @err naming the log (or the sidecar), its line and column: a line
 * that is not strace output, or with @opts->strict a line that cannot be
 * imported.  Never reads past @len; any bytes are accepted as input.
 */
int vfiosim_strace_import(const char *path, const char *log, size_t len,
			  const struct vfiosim_strace_opts *opts,
			  struct vfiosim_strace_import *out,
			  struct vfiosim_error *err);
void vfiosim_strace_import_free(struct vfiosim_strace_import *imp);

/* How the generated log looks: the strace options it imitates. */
enum vfiosim_strace_pids {
	VFIOSIM_STRACE_PIDS_NONE,	/* no -f */
	VFIOSIM_STRACE_PIDS_PLAIN,	/* -f -o FILE: "1234  " */
	VFIOSIM_STRACE_PIDS_BRACKET,	/* -f to stderr: "[pid  1234] " */
};

enum vfiosim_strace_xlat {
	VFIOSIM_STRACE_XLAT_VERBOSE,	/* -X verbose: 0x3b6c comments */
	VFIOSIM_STRACE_XLAT_ABBREV,	/* the default: names */
	VFIOSIM_STRACE_XLAT_RAW,	/* -X raw: numbers */
};

enum vfiosim_strace_time {
	VFIOSIM_STRACE_TIME_NONE,
	VFIOSIM_STRACE_TIME_T,		/* -t: 10:00:00 */
	VFIOSIM_STRACE_TIME_TT,		/* -tt: 10:00:00.000000 */
	VFIOSIM_STRACE_TIME_TTT,	/* -ttt: seconds since the epoch */
};

struct vfiosim_strace_gen_opts {
	enum vfiosim_strace_pids pids;
	enum vfiosim_strace_xlat xlat;
	enum vfiosim_strace_time time;
	bool durations;			/* -T */
	bool annotate;			/* -y */
	bool hex;			/* -x */
	unsigned int strsize;		/* -s */
	/* split a call around the next one of another process */
	bool interleave;
	/*
	 * The legacy/legacy replay of the trace (one per event), for the
	 * results of events that record none; NULL: success is assumed.
	 */
	const struct vfiosim_event_result *results;
};

/*
 * The recommended capture of docs/capture.md:
 * -f -o -y -tt -T -X verbose -x -s 64.
 */
void vfiosim_strace_gen_defaults(struct vfiosim_strace_gen_opts *opts);

/*
 * Write the strace log the client of @trace would give on a legacy kernel
 * (strace 6.1's format).  Events a legacy kernel cannot perform (wc, and
 * what uses a WC cookie) are left out.  0, or -1 on a write error.
 */
int vfiosim_strace_gen(const struct vfiosim_trace *trace,
		       const struct vfiosim_strace_gen_opts *opts, FILE *out);

/*
 * Write a sidecar for the devices of @trace: sysfs resource lines and a
 * config space that give back each device, and reg/irq/device keys for
 * what they cannot say.  0, or -1 on a write error.
 */
int vfiosim_strace_gen_sidecar(const struct vfiosim_trace *trace, FILE *out);

#endif /* _VFIOSIM_STRACE_H */
