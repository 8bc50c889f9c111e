/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Replay of a vfiotrace against the simulated VFIO device fd
 * (vfiosim/vfio.h), under one uAPI design and one offset layout: each event
 * becomes the system call a client makes, and its result is compared with
 * the one the trace recorded.
 */
#ifndef _VFIOSIM_REPLAY_H
#define _VFIOSIM_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "vfiosim/trace.h"
#include "vfiosim/vfio.h"

enum vfiosim_outcome {
	VFIOSIM_MATCH,		/* the recorded result came back */
	VFIOSIM_UNCHECKED,	/* nothing was recorded: not checked */
	VFIOSIM_MISMATCH,	/* something else came back */
	VFIOSIM_UNSUPPORTED,	/* the design cannot express the request */
	VFIOSIM_SKIPPED,	/* depends on an unsupported event */
	VFIOSIM_OUTCOME_NR,
};

#define VFIOSIM_REASON_LEN	240
#define VFIOSIM_ERRNO_MAX	134	/* errno values counted: 1..133 */

struct vfiosim_event_result {
	unsigned int line;
	enum vfiosim_outcome outcome;
	int err;			/* 0 or the negative errno returned */
	int64_t value;			/* the value returned when err == 0 */
	char reason[VFIOSIM_REASON_LEN];
};

/* One range of an fd's offset space, as the largest space held it. */
struct vfiosim_map_entry {
	uint64_t first, last;		/* bytes of the fd, inclusive */
	uint64_t size;			/* bytes of the region behind it */
	uint32_t index;			/* index userspace knows it by */
	uint32_t target;		/* region it maps */
	bool alias, wc, dead;
};

struct vfiosim_replay_result {
	const char *trace;		/* the trace's path (borrowed) */
	enum vfiosim_design design;
	enum vfiosim_layout layout;
	unsigned int events;
	unsigned int outcomes[VFIOSIM_OUTCOME_NR];
	/* errno -> how many events returned it */
	unsigned int errors[VFIOSIM_ERRNO_MAX];
	/* VMAs of a BAR that a reset or memory disable did not zap */
	unsigned int zap_missed;
	/* figures of the largest space (by span) any fd of the trace had */
	unsigned int cookies;
	uint64_t span_bytes;
	uint64_t region_bytes;
	/* all spaces at their fullest: live maple nodes and their bytes */
	long maple_nodes;
	uint64_t maple_bytes;
	bool fits_mmap2_32bit;		/* every space ends below 2^44 */
	/* a broken invariant of the core (validate after every event) */
	bool invalid;
	char invalid_reason[VFIOSIM_REASON_LEN];
	struct vfiosim_event_result *per_event;	/* nr = events */
	/* the largest space, at its fullest: which fd, and its ranges */
	char map_device[VFIOSIM_NAME_LEN];
	int map_pid, map_fd;
	unsigned int nr_map;
	struct vfiosim_map_entry *map;
};

/*
 * Replay @trace under @design and @layout.  Returns 0 and fills @res (free
 * with vfiosim_replay_result_free()), or a negative errno when the replay
 * could not run at all (no memory).  Mismatches are results, not errors.
 */
int vfiosim_replay(const struct vfiosim_trace *trace,
		   enum vfiosim_design design, enum vfiosim_layout layout,
		   struct vfiosim_replay_result *res);
void vfiosim_replay_result_free(struct vfiosim_replay_result *res);

const char *vfiosim_outcome_name(enum vfiosim_outcome outcome);

#endif /* _VFIOSIM_REPLAY_H */
