// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the two parser targets check alike: a failure that names the target
 * and shows the text at fault, and the canonical form of a trace (write ->
 * parse -> equal -> write gives the same bytes).
 */
#include <stdlib.h>
#include <string.h>

#include <vfiosim/trace.h>

#include "fuzz.h"

void vfiosim_fuzz_fail(const char *what, const char *why, const char *text,
		       size_t len)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: %s\n", vfiosim_fuzz_target.name, what, why);
	if (text) {
		fprintf(stderr, "--- text (%zu bytes) ---\n", len);
		fwrite(text, 1, len, stderr);
		fprintf(stderr, "--- end ---\n");
	}
	__builtin_trap();
}

char *vfiosim_fuzz_write(const struct vfiosim_trace *t, size_t *len)
{
	char *buf = NULL;
	FILE *f;

	*len = 0;
	f = open_memstream(&buf, len);
	if (!f)
		abort();
	if (vfiosim_trace_write(t, f))
		vfiosim_fuzz_fail("write", "vfiosim_trace_write() failed", NULL,
				  0);
	if (fclose(f))
		abort();
	return buf;
}

void vfiosim_fuzz_canonical(const struct vfiosim_trace *t,
			    const struct vfiosim_parse_opts *opts)
{
	struct vfiosim_trace *b = NULL;
	struct vfiosim_error err;
	char *text, *again, why[1024];
	size_t len, len2;

	text = vfiosim_fuzz_write(t, &len);
	if (vfiosim_trace_parse("canonical", text, len, opts, &b, &err)) {
		snprintf(why, sizeof(why), "%s:%u:%u: %s", err.file, err.line,
			 err.column, err.msg);
		vfiosim_fuzz_fail("the canonical form does not parse", why,
				  text, len);
	}
	if (!vfiosim_trace_equal(t, b, why, sizeof(why)))
		vfiosim_fuzz_fail("the canonical form parses to another trace",
				  why, text, len);
	again = vfiosim_fuzz_write(b, &len2);
	if (len2 != len || memcmp(again, text, len))
		vfiosim_fuzz_fail("the canonical form is not a fixed point",
				  "writing it again gives other bytes", again,
				  len2);
	free(again);
	free(text);
	vfiosim_trace_free(b);
}
