/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the report's units; not part of the public API. */
#ifndef _VFIOSIM_REPORT_INTERNAL_H
#define _VFIOSIM_REPORT_INTERNAL_H

#include <stdio.h>

/* Length of the UTF-8 sequence at @s, or 0 when it is not valid UTF-8. */
unsigned int sim_utf8_len(const unsigned char *s);
/* @s for a terminal: control characters and stray bytes as \xHH. */
void sim_text_string(FILE *out, const char *s);

#endif /* _VFIOSIM_REPORT_INTERNAL_H */
