/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a fuzz target offers besides LLVMFuzzerTestOneInput(), for the plain
 * replay driver (replay_main.c).  libFuzzer and AFL++ see only the entry
 * points; the driver also uses the target's descriptor.
 */
#ifndef _VFIOSIM_TESTS_FUZZ_H
#define _VFIOSIM_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * struct vfiosim_fuzz_target - one target, as the replay driver sees it
 * @name: the target's name (fuzz_cookie_ops)
 * @text_ext: inputs whose name ends so are text, to be turned into bytes
 *	with @encode before they run; NULL when the target's input is text
 * @encode: turn @len bytes of @text into a new input in *@out (malloc'ed,
 *	*@out_len bytes); 0, or -1 with a message in @err
 */
struct vfiosim_fuzz_target {
	const char *name;
	const char *text_ext;
	int (*encode)(const char *text, size_t len, uint8_t **out,
		      size_t *out_len, char *err, size_t err_len);
};

/* Defined by each target. */
extern const struct vfiosim_fuzz_target vfiosim_fuzz_target;
/* Where to describe each input as it runs (--dump-trace), or NULL. */
extern FILE *vfiosim_fuzz_dump;
/* Set by the replay driver: do every check on every input, whatever it costs. */
extern bool vfiosim_fuzz_exact;

/* fuzz_trace.c, for the targets that link vfiosim_fuzz_trace. */
struct vfiosim_trace;
struct vfiosim_parse_opts;

/* Say what failed (and the text at fault, if any) and trap. */
__attribute__((noreturn))
void vfiosim_fuzz_fail(const char *what, const char *why, const char *text,
		       size_t len);
/* @t in canonical form, in a new buffer of *@len bytes. */
char *vfiosim_fuzz_write(const struct vfiosim_trace *t, size_t *len);
/* The canonical form of @t parses to @t and writes back the same bytes. */
void vfiosim_fuzz_canonical(const struct vfiosim_trace *t,
			    const struct vfiosim_parse_opts *opts);

#endif /* _VFIOSIM_TESTS_FUZZ_H */
