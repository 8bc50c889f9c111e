// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the bytes are a vfiotrace (traces/README.md).  The reader
 * must either refuse them with a message and no trace, or give a trace
 * that the writer puts in canonical form, that parses back to an equal
 * trace, and whose canonical form is a fixed point (writing the re-parsed
 * trace gives the same bytes).  Never a crash, never a leak: nothing here
 * goes through RCU, so the engine's own leak detection (LSan after every
 * input) is exact.
 *
 * dev from=NAME reads NAME.dev from the device catalog: VFIOSIM_CATALOG, or
 * the source tree's traces/devices (names are letters, digits, '_' and
 * '-', so the input cannot leave that directory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vfiosim/trace.h>

#include "fuzz.h"

#ifndef VFIOSIM_FUZZ_CATALOG
#define VFIOSIM_FUZZ_CATALOG	NULL
#endif

FILE *vfiosim_fuzz_dump;
bool vfiosim_fuzz_exact;

static const char *fz_catalog(void)
{
	const char *env = getenv("VFIOSIM_CATALOG");

	return env && *env ? env : VFIOSIM_FUZZ_CATALOG;
}

__attribute__((noreturn))
static void fz_fail(const char *what, const char *why, const char *text,
		    size_t len)
{
	fflush(stdout);
	fprintf(stderr, "fuzz_trace_parse: %s: %s\n", what, why);
	if (text) {
		fprintf(stderr, "--- canonical form (%zu bytes) ---\n", len);
		fwrite(text, 1, len, stderr);
		fprintf(stderr, "--- end ---\n");
	}
	__builtin_trap();
}

/* Write @t in canonical form into a new buffer (*@len bytes, NUL ended). */
static char *fz_write(const struct vfiosim_trace *t, size_t *len)
{
	char *buf = NULL;
	FILE *f;

	*len = 0;
	f = open_memstream(&buf, len);
	if (!f)
		abort();
	if (vfiosim_trace_write(t, f))
		fz_fail("write", "vfiosim_trace_write() failed", NULL, 0);
	if (fclose(f))
		abort();
	return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct vfiosim_parse_opts opts = { .catalog_dir = fz_catalog() };
	struct vfiosim_trace *a = NULL, *b = NULL;
	struct vfiosim_error err;
	char *text, *again, why[1024];
	size_t len, len2;

	if (vfiosim_trace_parse("fuzz", (const char *)data, size, &opts, &a,
				&err)) {
		if (a)
			fz_fail("parse", "an error, and a trace", NULL, 0);
		if (!err.msg[0])
			fz_fail("parse", "an error without a message", NULL, 0);
		if (vfiosim_fuzz_dump)
			vfiosim_error_print(&err, vfiosim_fuzz_dump);
		return 0;
	}
	if (!a)
		fz_fail("parse", "success without a trace", NULL, 0);

	text = fz_write(a, &len);
	if (vfiosim_fuzz_dump)
		fwrite(text, 1, len, vfiosim_fuzz_dump);
	if (vfiosim_trace_parse("canonical", text, len, &opts, &b, &err)) {
		snprintf(why, sizeof(why), "%s:%u:%u: %s", err.file, err.line,
			 err.column, err.msg);
		fz_fail("the canonical form does not parse", why, text, len);
	}
	if (!vfiosim_trace_equal(a, b, why, sizeof(why)))
		fz_fail("the canonical form parses to another trace", why,
			text, len);
	again = fz_write(b, &len2);
	if (len2 != len || memcmp(again, text, len))
		fz_fail("the canonical form is not a fixed point",
			"writing it again gives other bytes", again, len2);

	free(again);
	free(text);
	vfiosim_trace_free(b);
	vfiosim_trace_free(a);
	return 0;
}

const struct vfiosim_fuzz_target vfiosim_fuzz_target = {
	.name = "fuzz_trace_parse",
};
