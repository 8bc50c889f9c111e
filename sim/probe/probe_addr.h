/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How an fd offset is written in a trace, shared by vfiosim-probe and
 * libvfiosim-record.so so that both write the same event for the same
 * access: @I+OFF when the fd has learned region I's offset (a
 * GET_REGION_INFO answer) and the offset lies in I's legacy 1 TiB window
 * above it, else the literal !OFF the client computed itself.
 */
#ifndef _VFIOSIM_PROBE_ADDR_H
#define _VFIOSIM_PROBE_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "vfiosim/trace.h"

#define PROBE_WINDOW	(1ULL << 40)	/* VFIO_PCI_OFFSET_SHIFT */

/* What one device fd has learned from GET_REGION_INFO. */
struct probe_offsets {
	bool known[VFIOSIM_MAX_REGIONS];
	uint64_t off[VFIOSIM_MAX_REGIONS];
};

static inline void probe_addr_canon(const struct probe_offsets *o,
				    uint64_t x, struct vfiosim_addr *a)
{
	unsigned int i, best = VFIOSIM_MAX_REGIONS;

	for (i = 0; i < VFIOSIM_MAX_REGIONS; i++) {
		if (!o->known[i] || o->off[i] > x ||
		    x - o->off[i] >= PROBE_WINDOW)
			continue;
		if (best == VFIOSIM_MAX_REGIONS || o->off[i] > o->off[best])
			best = i;
	}
	a->kind = VFIOSIM_ADDR_LITERAL;
	a->index = 0;
	a->wc = false;
	a->off = x;
	a->has_from = false;
	a->from_pid = 0;
	a->from_fd = -1;
	if (best < VFIOSIM_MAX_REGIONS) {
		a->kind = VFIOSIM_ADDR_REGION;
		a->index = best;
		a->off = x - o->off[best];
	}
}

#endif /* _VFIOSIM_PROBE_ADDR_H */
