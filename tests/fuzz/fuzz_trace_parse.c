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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct vfiosim_parse_opts opts = { .catalog_dir = fz_catalog() };
	struct vfiosim_trace *a = NULL;
	struct vfiosim_error err;
	char *text;
	size_t len;

	if (vfiosim_trace_parse("fuzz", (const char *)data, size, &opts, &a,
				&err)) {
		if (a)
			vfiosim_fuzz_fail("parse", "an error, and a trace",
					  NULL, 0);
		if (!err.msg[0])
			vfiosim_fuzz_fail("parse", "an error without a message",
					  NULL, 0);
		if (vfiosim_fuzz_dump)
			vfiosim_error_print(&err, vfiosim_fuzz_dump);
		return 0;
	}
	if (!a)
		vfiosim_fuzz_fail("parse", "success without a trace", NULL, 0);
	if (vfiosim_fuzz_dump) {
		text = vfiosim_fuzz_write(a, &len);
		fwrite(text, 1, len, vfiosim_fuzz_dump);
		free(text);
	}
	vfiosim_fuzz_canonical(a, &opts);
	vfiosim_trace_free(a);
	return 0;
}

const struct vfiosim_fuzz_target vfiosim_fuzz_target = {
	.name = "fuzz_trace_parse",
};
