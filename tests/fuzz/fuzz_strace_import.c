// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the bytes are an strace log for the importer
 * (sim/trace/strace_import.c, docs/capture.md), with its options in a
 * header and an optional sidecar after it.  The importer must either refuse
 * the log with a message that names it (or the sidecar) and leave nothing
 * behind, or give a vfiotrace that:
 *   - parses back to the trace it returned, and whose canonical form is a
 *     fixed point of write -> parse -> write (as in fuzz_trace_parse);
 *   - agrees with its own counts: events, lines imported, notes (none at
 *     all under --strict), each note on a line of the log;
 *   - is the same, byte for byte, when the same log is imported again
 *     (checked by the replay driver, which runs every check).
 * An "internal error" (the importer's own check that what it wrote parses)
 * is a finding too.  Never a crash, never a hang, never a leak: the
 * importer uses plain malloc, so the engine's LSan pass is exact.
 *
 * Input: lines at the very start that begin "#--- " are options, one per
 * line; the rest is the log.
 *
 *   #--- strict             --strict: a line not imported is an error
 *   #--- device-path PATH   --device-path PATH (at most FZ_MAX_PATHS)
 *
 * A line "#--- sidecar" anywhere in the log ends it: the bytes after that
 * line are the sidecar (--sidecar).  Seed inputs are text files in this
 * form; tests/fuzz/README.md shows how to turn a log and its sidecar into
 * one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vfiosim/strace.h>

#include "fuzz.h"

#define FZ_MAX_PATHS	4
#define FZ_OPT		"#--- "
#define FZ_SIDECAR	"#--- sidecar\n"

FILE *vfiosim_fuzz_dump;
bool vfiosim_fuzz_exact;

struct fz_input {
	struct vfiosim_strace_opts opts;
	const char *paths[FZ_MAX_PATHS];
	char *path_buf[FZ_MAX_PATHS];
	const char *log;
	size_t len;
};

/* The first line of @p's @n bytes that starts with @needle, or NULL. */
static const char *fz_find(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; n >= k && i <= n - k; i++)
		if ((i == 0 || p[i - 1] == '\n') && !memcmp(p + i, needle, k))
			return p + i;
	return NULL;
}

/* Do the bytes from @p to @end start with @word? */
static bool fz_starts(const char *p, const char *end, const char *word)
{
	size_t k = strlen(word);

	return (size_t)(end - p) >= k && !memcmp(p, word, k);
}

/* Split @data into options, log and sidecar; the log points into @data. */
static void fz_split(struct fz_input *in, const char *data, size_t size)
{
	const char *p = data, *end = data + size, *side;
	unsigned int np = 0;

	memset(in, 0, sizeof(*in));
	in->opts.device_paths = in->paths;
	while (fz_starts(p, end, FZ_OPT) && !fz_starts(p, end, FZ_SIDECAR)) {
		const char *nl = memchr(p, '\n', end - p);
		const char *arg = p + strlen(FZ_OPT);
		size_t n = (nl ? nl : end) - arg;

		if (n == 6 && !memcmp(arg, "strict", 6)) {
			in->opts.strict = true;
		} else if (n > 12 && !memcmp(arg, "device-path ", 12) &&
			   np < FZ_MAX_PATHS) {
			/* strndup: a path is a C string, NULs end it early. */
			in->path_buf[np] = strndup(arg + 12, n - 12);
			if (!in->path_buf[np])
				abort();
			in->paths[np] = in->path_buf[np];
			np++;
		}
		p = nl ? nl + 1 : end;
	}
	in->opts.nr_device_paths = np;
	in->log = p;
	in->len = end - p;
	side = fz_find(p, end - p, FZ_SIDECAR);
	if (side) {
		in->len = side - p;
		in->opts.sidecar = side + strlen(FZ_SIDECAR);
		in->opts.sidecar_len = end - in->opts.sidecar;
		in->opts.sidecar_path = "fuzz.sidecar";
	}
}

static void fz_input_free(struct fz_input *in)
{
	unsigned int i;

	for (i = 0; i < FZ_MAX_PATHS; i++)
		free(in->path_buf[i]);
}

static void fz_refused(const struct fz_input *in,
		       const struct vfiosim_strace_import *imp,
		       const struct vfiosim_error *err)
{
	if (imp->trace || imp->text || imp->notes)
		vfiosim_fuzz_fail("import",
				  "an error, and something left in the result",
				  NULL, 0);
	if (!err->msg[0])
		vfiosim_fuzz_fail("import", "an error without a message", NULL,
				  0);
	if (!strncmp(err->msg, "internal error", 14))
		vfiosim_fuzz_fail("import", err->msg, NULL, 0);
	if (strcmp(err->file, "fuzz.strace") &&
	    !(in->opts.sidecar && !strcmp(err->file, "fuzz.sidecar")))
		vfiosim_fuzz_fail("import",
				  "the error names neither log nor sidecar",
				  err->file, strlen(err->file));
	if (vfiosim_fuzz_dump)
		vfiosim_error_print(err, vfiosim_fuzz_dump);
}

static void fz_imported(const struct fz_input *in,
			const struct vfiosim_strace_import *imp)
{
	const struct vfiosim_parse_opts popts = { 0 };
	char why[256];
	unsigned int i;

	if (!imp->trace || !imp->text || !imp->len)
		vfiosim_fuzz_fail("import", "success without a trace", NULL, 0);
	if (imp->events != imp->trace->nr_events) {
		snprintf(why, sizeof(why), "%u events counted, %u in the trace",
			 imp->events, imp->trace->nr_events);
		vfiosim_fuzz_fail("counts", why, imp->text, imp->len);
	}
	if (imp->imported > imp->lines) {
		snprintf(why, sizeof(why), "%u of %u lines imported",
			 imp->imported, imp->lines);
		vfiosim_fuzz_fail("counts", why, imp->text, imp->len);
	}
	if (in->opts.strict && imp->nr_notes)
		vfiosim_fuzz_fail("strict", "a line not imported, and no error",
				  imp->text, imp->len);
	for (i = 0; i < imp->nr_notes; i++) {
		if (imp->notes[i].line < 1 || imp->notes[i].line > imp->lines) {
			snprintf(why, sizeof(why), "note on line %u of %u",
				 imp->notes[i].line, imp->lines);
			vfiosim_fuzz_fail("notes", why, imp->text, imp->len);
		}
		if (!imp->notes[i].msg[0])
			vfiosim_fuzz_fail("notes", "a note without a message",
					  imp->text, imp->len);
	}
	if (vfiosim_fuzz_dump)
		fwrite(imp->text, 1, imp->len, vfiosim_fuzz_dump);
	vfiosim_fuzz_canonical(imp->trace, &popts);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfiosim_strace_import imp, imp2;
	struct vfiosim_error err, err2;
	struct fz_input in;
	int ret, ret2;

	fz_split(&in, (const char *)data, size);
	ret = vfiosim_strace_import("fuzz.strace", in.log, in.len, &in.opts,
				    &imp, &err);
	if (ret)
		fz_refused(&in, &imp, &err);
	else
		fz_imported(&in, &imp);

	/*
	 * The same log again: the same answer, byte for byte.  The replay
	 * driver checks it on every input; an engine, which sees the
	 * coverage of each run, would flag an unstable input itself.
	 */
	if (!vfiosim_fuzz_exact)
		goto out;
	ret2 = vfiosim_strace_import("fuzz.strace", in.log, in.len, &in.opts,
				     &imp2, &err2);
	if (ret2 != ret)
		vfiosim_fuzz_fail("again", "imported once, refused once", NULL,
				  0);
	if (ret && memcmp(&err, &err2, sizeof(err)))
		vfiosim_fuzz_fail("again", "another error", err2.msg,
				  strlen(err2.msg));
	if (!ret && (imp.len != imp2.len || memcmp(imp.text, imp2.text,
						   imp.len)))
		vfiosim_fuzz_fail("again", "another trace", imp2.text,
				  imp2.len);

	vfiosim_strace_import_free(&imp2);
out:
	vfiosim_strace_import_free(&imp);
	fz_input_free(&in);
	return 0;
}

const struct vfiosim_fuzz_target vfiosim_fuzz_target = {
	.name = "fuzz_strace_import",
};
