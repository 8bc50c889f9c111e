// SPDX-License-Identifier: GPL-2.0-only
/*
 * The strace importer (docs/capture.md) and its generator.
 *
 * Round trip: every bundled scenario becomes the strace log its client
 * would give on a legacy kernel and a sidecar of its devices (vfiosim gen
 * strace), the importer turns them back into a trace, and that trace
 * replays under legacy/legacy with no mismatch and the same number of
 * rd/wr/mmap events per (device, region index) as the scenario.  Beyond
 * that, event by event, what round-trips exactly is checked:
 *
 *   every event but wc and those using a WC cookie, in order, with its op,
 *   process, fd(s), open's device and via, dup's new fd, fork's child;
 *   rd/wr/mmap: the offset the legacy layout gives, len, data (as much as
 *   strace's -s shows), mmap prot, flags and addr, munmap va and len;
 *   the recorded result of open, close, dup, rd, wr, mmap, munmap, reset,
 *   ioctl, irqset, ioeventfd, and the errno of a failed info, rinfo or
 *   irqinfo.
 *
 * What becomes unchecked: the results of successful info, rinfo and
 * irqinfo (strace shows no struct), the arguments of rinfo (its index is
 * inferred and scored here, not required), irqinfo, irqset and ioeventfd
 * (placeholders), and whether an address was "@I", "!OFF" or "from=".
 *
 * Then: the malformed logs of tests/strace (exit 2 at the right line), and
 * the lines of real strace output the importer must take.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfiosim/replay.h"
#include "vfiosim/strace.h"
#include "vfiosim/trace.h"

static struct vfiosim_parse_opts popts = {
	.catalog_dir = VFIOSIM_SOURCE_DIR "/traces/devices",
};

static void setup(void)
{
	vfiosim_init_thread();
}

static void teardown(void)
{
	vfiosim_exit_thread();
}

/* ---- helpers ---- */

static char *gen_text(const struct vfiosim_trace *t,
		      const struct vfiosim_strace_gen_opts *o, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(vfiosim_strace_gen(t, o, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

static char *gen_sidecar(const struct vfiosim_trace *t, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(vfiosim_strace_gen_sidecar(t, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

static int import_text(const char *log, const char *side,
		       struct vfiosim_strace_import *imp,
		       struct vfiosim_error *err)
{
	struct vfiosim_strace_opts o = {
		.sidecar = side,
		.sidecar_len = side ? strlen(side) : 0,
		.sidecar_path = "test.side",
	};

	return vfiosim_strace_import("test.log", log, strlen(log), &o, imp,
				     err);
}

/* Import @log (no sidecar) and fail with the error if it does not. */
static void import_ok(const char *log, const char *side,
		      struct vfiosim_strace_import *imp)
{
	struct vfiosim_error err;

	if (import_text(log, side, imp, &err)) {
		vfiosim_error_print(&err, stderr);
		ck_abort_msg("the log does not import: %s:%u:%u: %s", err.file,
			     err.line, err.column, err.msg);
	}
}

static uint64_t legacy_off(const struct vfiosim_addr *a)
{
	if (a->kind == VFIOSIM_ADDR_LITERAL)
		return a->off;
	return ((uint64_t)a->index << 40) + a->off;
}

/*
 * Does a legacy kernel see the event at all?  Not wc, not what uses a WC
 * cookie, and not the munmap of a mapping only a WC cookie made (what
 * vfiosim gen strace leaves out).
 */
static bool on_legacy(const struct vfiosim_trace *t, unsigned int i)
{
	const struct vfiosim_event *ev = &t->events[i];
	unsigned int j;

	if (ev->op == VFIOSIM_OP_WC)
		return false;
	if ((ev->op == VFIOSIM_OP_RD || ev->op == VFIOSIM_OP_WR ||
	     ev->op == VFIOSIM_OP_MMAP || ev->op == VFIOSIM_OP_IOEVENTFD) &&
	    ev->at.kind == VFIOSIM_ADDR_REGION && ev->at.wc)
		return false;
	if (ev->op != VFIOSIM_OP_MUNMAP)
		return true;
	for (j = 0; j < i; j++) {
		const struct vfiosim_event *m = &t->events[j];

		if (m->op == VFIOSIM_OP_MMAP && m->pid == ev->pid &&
		    on_legacy(t, j) && m->expect.has_va &&
		    ev->va < m->expect.va + m->len &&
		    m->expect.va < ev->va + ev->len)
			return true;
	}
	return false;
}

#define MAXDEV	VFIOSIM_MAX_DEVICES
#define MAXREG	64

/* rd/wr/mmap per (device, region index); devices by their bdf */
static void region_counts(const struct vfiosim_trace *t,
			  const struct vfiosim_trace *names,
			  unsigned int counts[MAXDEV][MAXREG][3])
{
	unsigned int i, d;

	memset(counts, 0, sizeof(unsigned int) * MAXDEV * MAXREG * 3);
	for (i = 0; i < t->nr_events; i++) {
		const struct vfiosim_event *ev = &t->events[i];
		unsigned int k, r, dev = 0, j;
		int pid = ev->pid, fd = ev->fd;

		if (!on_legacy(t, i))
			continue;
		k = ev->op == VFIOSIM_OP_RD ? 0 : ev->op == VFIOSIM_OP_WR ? 1 :
		    ev->op == VFIOSIM_OP_MMAP ? 2 : 3;
		if (k == 3)
			continue;
		/* the device of the fd: the last open/dup/fork that made it */
		for (j = i; j-- > 0;) {
			const struct vfiosim_event *o = &t->events[j];

			if (o->pid == pid && o->op == VFIOSIM_OP_OPEN &&
			    o->fd == fd) {
				dev = (unsigned int)o->dev;
				break;
			}
			if (o->pid == pid && o->op == VFIOSIM_OP_DUP &&
			    o->new_fd == fd)
				fd = o->fd;
			if (o->op == VFIOSIM_OP_FORK && o->child == pid)
				pid = o->pid;
		}
		for (d = 0; d < names->nr_devices; d++)
			if (!strcmp(names->devices[d].bdf,
				    t->devices[dev].bdf))
				break;
		ck_assert_uint_lt(d, MAXDEV);
		r = (unsigned int)(legacy_off(&ev->at) >> 40);
		if (r >= MAXREG)
			r = MAXREG - 1;
		counts[d][r][k]++;
	}
}

struct score {
	unsigned int rinfo, rinfo_right;
	unsigned int events;
};

/* The imported trace matches the scenario, event by event. */
static void compare(const struct vfiosim_trace *orig,
		    const struct vfiosim_trace *imp,
		    const struct vfiosim_strace_gen_opts *o, bool map_pids,
		    struct score *sc)
{
	int pid_from[64], pid_to[64];
	unsigned int i, j = 0, npids = 0, k;

	for (i = 0; i < orig->nr_events; i++) {
		const struct vfiosim_event *a = &orig->events[i], *b;
		const char *what = vfiosim_op_name(a->op);
		int want_pid = a->pid;

		if (!on_legacy(orig, i))
			continue;
		ck_assert_msg(j < imp->nr_events, "%s line %u (%s): no event "
			      "for it", orig->path, a->line, what);
		b = &imp->events[j++];
		sc->events++;
		ck_assert_msg(a->op == b->op, "%s line %u: %s became %s (line "
			      "%u)", orig->path, a->line, what,
			      vfiosim_op_name(b->op), b->line);
		if (map_pids) {
			for (k = 0; k < npids && pid_from[k] != a->pid; k++)
				;
			if (k == npids) {
				ck_assert_uint_lt(npids, 64);
				pid_from[npids] = a->pid;
				pid_to[npids++] = b->pid;
			}
			want_pid = pid_to[k];
		}
		ck_assert_msg(b->pid == want_pid, "%s line %u: pid %d, not %d",
			      orig->path, a->line, b->pid, want_pid);
		ck_assert_msg(b->fd == a->fd, "%s line %u: fd %d, not %d",
			      orig->path, a->line, b->fd, a->fd);
		switch (a->op) {
		case VFIOSIM_OP_OPEN:
			ck_assert_str_eq(imp->devices[b->dev].bdf,
					 orig->devices[a->dev].bdf);
			ck_assert_str_eq(b->via, a->via[0] ? a->via : "group");
			break;
		case VFIOSIM_OP_DUP:
			ck_assert_int_eq(b->new_fd, a->new_fd);
			break;
		case VFIOSIM_OP_FORK:
			if (!map_pids)
				ck_assert_int_eq(b->child, a->child);
			break;
		case VFIOSIM_OP_RD:
		case VFIOSIM_OP_WR:
		case VFIOSIM_OP_MMAP:
			ck_assert_msg(legacy_off(&b->at) == legacy_off(&a->at),
				      "%s line %u: offset %#llx, not %#llx",
				      orig->path, a->line,
				      (unsigned long long)legacy_off(&b->at),
				      (unsigned long long)legacy_off(&a->at));
			ck_assert_uint_eq(b->len, a->len);
			if (a->op == VFIOSIM_OP_MMAP) {
				ck_assert_uint_eq(b->prot, a->prot);
				ck_assert_uint_eq(b->mflags, a->mflags);
				ck_assert_int_eq(b->has_addr, a->has_addr);
				if (a->has_addr)
					ck_assert_uint_eq(b->va, a->va);
			} else if (a->data_len) {
				unsigned int n = a->data_len < o->strsize ?
						 a->data_len : o->strsize;

				ck_assert_msg(b->data_len >= n &&
					      !memcmp(a->data, b->data, n),
					      "%s line %u: data differs",
					      orig->path, a->line);
			}
			break;
		case VFIOSIM_OP_MUNMAP:
			ck_assert_uint_eq(b->va, a->va);
			ck_assert_uint_eq(b->len, a->len);
			break;
		case VFIOSIM_OP_IOCTL:
			ck_assert_uint_eq(b->cmd, a->cmd);
			break;
		case VFIOSIM_OP_RINFO:
			sc->rinfo++;
			if (a->idx == b->idx)
				sc->rinfo_right++;
			break;
		default:
			break;
		}
		/* results */
		if (!a->expect.present)
			continue;
		switch (a->op) {
		case VFIOSIM_OP_INFO:
		case VFIOSIM_OP_RINFO:
		case VFIOSIM_OP_IRQINFO:
			if (a->expect.err) {
				ck_assert_int_eq(b->expect.err, a->expect.err);
			} else {
				ck_assert_msg(!b->expect.present,
					      "%s line %u: a successful %s is "
					      "checked", orig->path, a->line,
					      what);
			}
			break;
		case VFIOSIM_OP_MMAP:
			ck_assert(b->expect.present);
			ck_assert_int_eq(b->expect.err, a->expect.err);
			if (!a->expect.err)
				ck_assert_uint_eq(b->expect.va, a->expect.va);
			break;
		default:
			ck_assert_msg(b->expect.present, "%s line %u: %s lost "
				      "its result", orig->path, a->line, what);
			ck_assert_int_eq(b->expect.err, a->expect.err);
			if (a->expect.has_value)
				ck_assert_int_eq(b->expect.value,
						 a->expect.value);
			break;
		}
	}
	ck_assert_msg(j == imp->nr_events, "%s: %u events more after import",
		      orig->path, imp->nr_events - j);
}

static unsigned int nr_pids(const struct vfiosim_trace *t)
{
	int pids[64];
	unsigned int n = 0, i, k;

	for (i = 0; i < t->nr_events; i++) {
		for (k = 0; k < n && pids[k] != t->events[i].pid; k++)
			;
		if (k == n && n < 64)
			pids[n++] = t->events[i].pid;
	}
	return n;
}

static void roundtrip(const char *path, struct vfiosim_strace_gen_opts *o,
		      struct score *sc)
{
	static unsigned int counts_a[MAXDEV][MAXREG][3];
	static unsigned int counts_b[MAXDEV][MAXREG][3];
	struct vfiosim_replay_result r0, r1;
	struct vfiosim_strace_import imp;
	struct vfiosim_trace *t = NULL;
	struct vfiosim_error err;
	char *log, *side;
	size_t llen, slen;

	if (vfiosim_trace_load(path, &popts, &t, &err)) {
		vfiosim_error_print(&err, stderr);
		ck_abort_msg("%s does not parse", path);
	}
	ck_assert_int_eq(vfiosim_replay(t, VFIOSIM_DESIGN_LEGACY,
					VFIOSIM_LAYOUT_LEGACY, &r0), 0);
	o->results = r0.per_event;
	log = gen_text(t, o, &llen);
	side = gen_sidecar(t, &slen);
	import_ok(log, side, &imp);
	ck_assert_uint_eq(imp.nr_notes, 0);
	ck_assert_int_eq(vfiosim_replay(imp.trace, VFIOSIM_DESIGN_LEGACY,
					VFIOSIM_LAYOUT_LEGACY, &r1), 0);
	if (r1.outcomes[VFIOSIM_MISMATCH] || r1.invalid) {
		unsigned int i;

		fputs(imp.text, stderr);
		for (i = 0; i < r1.events; i++)
			if (r1.per_event[i].outcome == VFIOSIM_MISMATCH)
				fprintf(stderr, "line %u: %s\n",
					r1.per_event[i].line,
					r1.per_event[i].reason);
	}
	ck_assert_msg(!r1.outcomes[VFIOSIM_MISMATCH] && !r1.invalid,
		      "%s: %u mismatches after the round trip", path,
		      r1.outcomes[VFIOSIM_MISMATCH]);
	ck_assert_uint_eq(r1.outcomes[VFIOSIM_UNSUPPORTED], 0);
	ck_assert_uint_eq(r1.outcomes[VFIOSIM_SKIPPED], 0);
	/* the same rd/wr/mmap events per (device, region) */
	region_counts(t, imp.trace, counts_a);
	region_counts(imp.trace, imp.trace, counts_b);
	ck_assert_msg(!memcmp(counts_a, counts_b, sizeof(counts_a)),
		      "%s: rd/wr/mmap per region differ", path);
	compare(t, imp.trace, o, o->pids != VFIOSIM_STRACE_PIDS_PLAIN, sc);
	vfiosim_replay_result_free(&r0);
	vfiosim_replay_result_free(&r1);
	vfiosim_strace_import_free(&imp);
	free(log);
	free(side);
	vfiosim_trace_free(t);
}

/* ---- the round trip ---- */

static void roundtrip_all(struct vfiosim_strace_gen_opts *o, bool multi,
			  const char *style)
{
	struct score sc = { 0 };
	unsigned int n = 0;
	glob_t g;
	size_t k;

	ck_assert_int_eq(glob(VFIOSIM_SOURCE_DIR "/traces/scenarios/*.trace",
			      0, NULL, &g), 0);
	for (k = 0; k < g.gl_pathc; k++) {
		struct vfiosim_trace *t = NULL;
		struct vfiosim_error err;

		if (!multi) {
			ck_assert_int_eq(vfiosim_trace_load(g.gl_pathv[k],
							    &popts, &t, &err),
					 0);
			if (nr_pids(t) > 1) {
				vfiosim_trace_free(t);
				continue;
			}
			vfiosim_trace_free(t);
		}
		roundtrip(g.gl_pathv[k], o, &sc);
		n++;
	}
	globfree(&g);
	ck_assert_uint_ge(n, multi ? 11 : 10);
	fprintf(stderr, "round trip (%s): %u scenarios, %u events; "
		"GET_REGION_INFO indexes inferred right: %u of %u\n", style, n,
		sc.events, sc.rinfo_right, sc.rinfo);
	/* a score, not a requirement: it should not get worse */
	ck_assert_uint_ge(sc.rinfo_right * 100, sc.rinfo * 80);
}

/* The recommended capture: -f -o -y -tt -T -X verbose -x -s 64. */
START_TEST(test_roundtrip_recommended)
{
	struct vfiosim_strace_gen_opts o;

	vfiosim_strace_gen_defaults(&o);
	roundtrip_all(&o, true, "recommended");
}
END_TEST

/* -f to stderr, names, -ttt, split calls, no -T. */
START_TEST(test_roundtrip_bracket_abbrev_interleaved)
{
	struct vfiosim_strace_gen_opts o;

	vfiosim_strace_gen_defaults(&o);
	o.pids = VFIOSIM_STRACE_PIDS_BRACKET;
	o.xlat = VFIOSIM_STRACE_XLAT_ABBREV;
	o.time = VFIOSIM_STRACE_TIME_TTT;
	o.durations = false;
	o.interleave = true;
	roundtrip_all(&o, true, "-f stderr, abbrev, -ttt, interleaved");
}
END_TEST

/* -X raw, no -y, octal strings, -s 16, -t, split calls. */
START_TEST(test_roundtrip_raw_plain)
{
	struct vfiosim_strace_gen_opts o;

	vfiosim_strace_gen_defaults(&o);
	o.xlat = VFIOSIM_STRACE_XLAT_RAW;
	o.annotate = false;
	o.hex = false;
	o.strsize = 16;
	o.time = VFIOSIM_STRACE_TIME_T;
	o.interleave = true;
	roundtrip_all(&o, true, "raw, no -y, no -x, -s 16, -t");
}
END_TEST

/* No -f (single-process clients only), no timestamps. */
START_TEST(test_roundtrip_no_pids)
{
	struct vfiosim_strace_gen_opts o;

	vfiosim_strace_gen_defaults(&o);
	o.pids = VFIOSIM_STRACE_PIDS_NONE;
	o.time = VFIOSIM_STRACE_TIME_NONE;
	o.durations = false;
	roundtrip_all(&o, false, "no -f, no -t");
}
END_TEST

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "%s cannot be read", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/*
 * The strace logs of the ground truth runs (docs/groundtruth.md: the real
 * vfio-pci of Debian's 6.12 kernel under QEMU) import and replay under
 * legacy/legacy with no mismatch.  None there yet: nothing to check.
 */
START_TEST(test_groundtruth_logs)
{
	unsigned int n = 0;
	glob_t g;
	size_t k;

	if (glob(VFIOSIM_SOURCE_DIR "/traces/groundtruth/strace/*.strace", 0,
		 NULL, &g))
		return;
	for (k = 0; k < g.gl_pathc; k++) {
		struct vfiosim_strace_opts o = { 0 };
		struct vfiosim_replay_result res;
		struct vfiosim_strace_import imp;
		struct vfiosim_error err;
		char side[1024], *log, *sc = NULL;
		size_t len, slen = 0;
		FILE *f;

		snprintf(side, sizeof(side), "%.*s.sidecar",
			 (int)(strlen(g.gl_pathv[k]) - 7), g.gl_pathv[k]);
		f = fopen(side, "r");
		if (f) {
			fclose(f);
			sc = read_file(side, &slen);
			o.sidecar = sc;
			o.sidecar_len = slen;
			o.sidecar_path = side;
		}
		log = read_file(g.gl_pathv[k], &len);
		if (vfiosim_strace_import(g.gl_pathv[k], log, len, &o, &imp,
					  &err)) {
			vfiosim_error_print(&err, stderr);
			ck_abort_msg("%s does not import", g.gl_pathv[k]);
		}
		ck_assert_int_eq(vfiosim_replay(imp.trace, VFIOSIM_DESIGN_LEGACY,
						VFIOSIM_LAYOUT_LEGACY, &res), 0);
		ck_assert_msg(!res.outcomes[VFIOSIM_MISMATCH], "%s: %u "
			      "mismatches", g.gl_pathv[k],
			      res.outcomes[VFIOSIM_MISMATCH]);
		vfiosim_replay_result_free(&res);
		vfiosim_strace_import_free(&imp);
		free(log);
		free(sc);
		n++;
	}
	globfree(&g);
	fprintf(stderr, "ground truth: %u real strace logs of vfio-pci import "
		"and replay with no mismatch\n", n);
}
END_TEST

/* ---- malformed logs: tests/strace/expected.txt names the line ---- */

START_TEST(test_malformed_logs)
{
	const char *dir = VFIOSIM_SOURCE_DIR "/tests/strace";
	char line[512], path[600];
	unsigned int n = 0;
	FILE *list;

	snprintf(path, sizeof(path), "%s/expected.txt", dir);
	list = fopen(path, "r");
	ck_assert_ptr_nonnull(list);
	while (fgets(line, sizeof(line), list)) {
		struct vfiosim_strace_import imp;
		struct vfiosim_strace_opts o = { 0 };
		struct vfiosim_error err;
		char name[256], *log, *side = NULL, sidename[300];
		unsigned int want;
		size_t len, slen = 0;
		int ret;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		ck_assert_int_eq(sscanf(line, "%255s %u", name, &want), 2);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		log = read_file(path, &len);
		/* a log named x.side.log goes with x.side as its sidecar */
		if (strstr(name, ".side.log")) {
			snprintf(sidename, sizeof(sidename), "%s/%.*s", dir,
				 (int)(strstr(name, ".log") - name), name);
			side = read_file(sidename, &slen);
			o.sidecar = side;
			o.sidecar_len = slen;
			o.sidecar_path = sidename;
		}
		if (strstr(name, "strict"))
			o.strict = true;
		ret = vfiosim_strace_import(path, log, len, &o, &imp, &err);
		ck_assert_msg(ret == -1, "%s imports, but line %u is malformed",
			      name, want);
		ck_assert_msg(err.line == want, "%s: error at line %u (%s), not "
			      "%u", name, err.line, err.msg, want);
		ck_assert_ptr_null(imp.text);
		free(log);
		free(side);
		n++;
	}
	fclose(list);
	ck_assert_uint_ge(n, 40);
}
END_TEST

/* ---- what real strace prints ---- */

static const char real61[] =
	"15429 16:47:49.831726 openat(-100 /* AT_FDCWD */</tmp>, \"/etc/ld.so.cache\", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3</etc/ld.so.cache> <0.000159>\n"
	"15429 16:47:49.832408 close(3</etc/ld.so.cache>) = 0 <0.000022>\n"
	"15429 16:47:49.832512 openat(-100 /* AT_FDCWD */</tmp>, \"/dev/vfio/vfio\", 0x80002 /* O_RDWR|O_CLOEXEC */) = 3</dev/vfio/vfio> <0.000030>\n"
	"15429 16:47:49.832513 ioctl(3</dev/vfio/vfio>, 0x3b64 /* VFIO_GET_API_VERSION */, 0) = 0 <0.000023>\n"
	"15429 16:47:49.832514 openat(-100 /* AT_FDCWD */</tmp>, \"/dev/vfio/42\", 0x80002 /* O_RDWR|O_CLOEXEC */) = 4</dev/vfio/42> <0.000030>\n"
	"15429 16:47:49.832515 ioctl(4</dev/vfio/42>, 0x3b6a /* VFIO_GROUP_GET_DEVICE_FD */, 0x55e7fc1ef019) = 25 <0.000020>\n"
	"15429 16:47:49.834659 ioctl(25<anon_inode:[vfio-device]>, 0x3b6c /* VFIO_DEVICE_GET_REGION_INFO */, 0x7fffcbfe7290) = 0 <0.000023>\n"
	"15429 16:47:49.834749 ioctl(25<anon_inode:[vfio-device]>, 0x3b70 /* VFIO_DEVICE_GET_PCI_HOT_RESET_INFO or VFIO_IOMMU_GET_INFO or VFIO_IOMMU_SPAPR_TCE_GET_INFO */, 0x7fffcbfe7290) = -1 ENOSPC (No space left on device) <0.000020>\n"
	"15429 16:47:49.834901 ioctl(25<anon_inode:[vfio-device]>, 0x3ba0 /* _IOC(_IOC_NONE, 0x3b, 0xa0, 0) */, 0) = -1 ENOTTY (Inappropriate ioctl for device) <0.000020>\n"
	"15429 16:47:49.834961 pwrite64(25<anon_inode:[vfio-device]>, \"\\x06\\x04\\x30\\x23\\x00\\x01\\x02\\x0a\\x5c\\x22\", 10, 7696581394436) = 10 <0.000042>\n"
	"15429 16:47:49.835046 pread64(25<anon_inode:[vfio-device]>, \"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\"..., 100, 7696581394432) = 100 <0.000027>\n"
	"15429 16:47:49.835113 pread64(25<anon_inode:[vfio-device]>, \"\", 2, 7696581398528) = 0 <0.000021>\n"
	"15429 16:47:49.835114 pread64(25<anon_inode:[vfio-device]>, 0x7ffe, 2, 7696581402624) = -1 EFAULT (Bad address) <0.000021>\n"
	"15429 16:47:49.835171 mmap(NULL, 4096, 0x3 /* PROT_READ|PROT_WRITE */, 0x1 /* MAP_SHARED */, 25<anon_inode:[vfio-device]>, 0x20000000000) = 0x7f7a3ae71000 <0.000025>\n"
	"15429 16:47:49.835313 munmap(0x7f7a3ae71000, 4096) = 0 <0.000023>\n"
	"15429 16:47:49.835371 dup(25<anon_inode:[vfio-device]>) = 26<anon_inode:[vfio-device]> <0.000021>\n"
	"15429 16:47:49.835505 fcntl(25<anon_inode:[vfio-device]>, 0x406 /* F_DUPFD_CLOEXEC */, 20) = 20<anon_inode:[vfio-device]> <0.000021>\n"
	"15429 16:47:49.835572 close(26<anon_inode:[vfio-device]>) = 0 <0.000021>\n"
	"15429 16:47:49.835573 clone(child_stack=NULL, flags=0x1200000 /* CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID */|17 /* SIGCHLD */, child_tidptr=0x7f6be4d54a10) = 15430 <0.000924>\n"
	"15430 16:47:49.837457 pread64(25<anon_inode:[vfio-device]>, \"\\x00\\x00\\x00\\x00\", 4, 0) = 4 <0.000181>\n"
	"15430 16:47:49.837458 +++ exited with 0 +++\n"
	"15429 16:47:49.838262 --- SIGCHLD {si_signo=17 /* SIGCHLD */, si_code=0x1 /* CLD_EXITED */, si_pid=15430, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---\n"
	"15429 16:47:49.838263 +++ exited with 0 +++\n";

START_TEST(test_real_strace_61_lines)
{
	struct vfiosim_strace_import imp;
	const struct vfiosim_trace *t;
	unsigned int i, forks = 0, rd = 0, dups = 0;

	import_ok(real61, NULL, &imp);
	t = imp.trace;
	ck_assert_uint_eq(imp.nr_notes, 0);
	ck_assert_uint_eq(t->nr_devices, 1);
	for (i = 0; i < t->nr_events; i++) {
		const struct vfiosim_event *ev = &t->events[i];

		if (ev->op == VFIOSIM_OP_FORK) {
			forks++;
			ck_assert_int_eq(ev->pid, 15429);
			ck_assert_int_eq(ev->child, 15430);
		}
		if (ev->op == VFIOSIM_OP_DUP)
			dups++;
		if (ev->op == VFIOSIM_OP_RD)
			rd++;
		if (ev->op == VFIOSIM_OP_WR) {
			ck_assert_uint_eq(ev->data_len, 10);
			ck_assert_uint_eq(ev->data[2], 0x30);
			ck_assert_uint_eq(ev->data[9], '"');
			ck_assert_uint_eq(legacy_off(&ev->at), 0x70000000004ULL);
		}
		if (ev->op == VFIOSIM_OP_IOCTL) {
			ck_assert(ev->cmd == 0x3b70 || ev->cmd == 0x3ba0);
			ck_assert_int_eq(ev->expect.err,
					 ev->cmd == 0x3b70 ? -ENOSPC : -ENOTTY);
		}
		if (ev->op == VFIOSIM_OP_MMAP) {
			ck_assert_uint_eq(legacy_off(&ev->at), 2ULL << 40);
			ck_assert_uint_eq(ev->expect.va, 0x7f7a3ae71000ULL);
		}
	}
	ck_assert_uint_eq(forks, 1);
	ck_assert_uint_eq(dups, 2);
	ck_assert_uint_eq(rd, 4);
	vfiosim_strace_import_free(&imp);
}
END_TEST

/*
 * strace -f to stderr: the first process has no prefix until a second
 * one is attached; "<unfinished ...>" and "<... resumed>" join.
 */
START_TEST(test_bracket_pids_and_resumed)
{
	static const char log[] =
		"openat(AT_FDCWD</tmp>, \"/dev/vfio/devices/vfio3\", O_RDWR) = 5</dev/vfio/devices/vfio3>\n"
		"clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f521caa0990, parent_tid=0x7f521caa0990, exit_signal=0, stack=0x7f521c2a0000, stack_size=0x7fff80, tls=0x7f521caa06c0} => {parent_tid=[28233]}, 88) = 28233\n"
		"strace: Process 28233 attached\n"
		"[pid 28232] ioctl(5</dev/vfio/devices/vfio3>, VFIO_DEVICE_RESET <unfinished ...>\n"
		"[pid 28233] pread64(5</dev/vfio/devices/vfio3>,  <unfinished ...>\n"
		"[pid 28232] <... ioctl resumed>, 0) = 0\n"
		"[pid 28233] <... pread64 resumed>\"\\1\\2\", 2, 7696581394436) = 2\n"
		"[pid 28233] +++ exited with 0 +++\n"
		"pread64(5</dev/vfio/devices/vfio3>, \"\\377\\0\", 2, 0) = 2\n"
		"+++ exited with 0 +++\n";
	struct vfiosim_strace_import imp;
	const struct vfiosim_trace *t;
	unsigned int i;

	import_ok(log, NULL, &imp);
	t = imp.trace;
	ck_assert_uint_eq(imp.nr_notes, 0);
	ck_assert_uint_eq(t->nr_events, 4);
	/* the thread shares the process's fds: all p=28232 */
	for (i = 0; i < t->nr_events; i++)
		ck_assert_int_eq(t->events[i].pid, 28232);
	ck_assert_int_eq(t->events[0].op, VFIOSIM_OP_OPEN);
	ck_assert_str_eq(t->events[0].via, "cdev");
	ck_assert_int_eq(t->events[1].op, VFIOSIM_OP_RESET);
	ck_assert_int_eq(t->events[2].op, VFIOSIM_OP_RD);
	ck_assert_uint_eq(t->events[2].data[0], 1);
	ck_assert_uint_eq(t->events[3].data[0], 0xff);
	ck_assert_uint_eq(t->events[3].data_len, 2);
	vfiosim_strace_import_free(&imp);
}
END_TEST

/*
 * A process strace shows without its clone is a new one until it uses an
 * fd only another has: then it is a thread of that one (QEMU's vCPU
 * threads do the preads of trapped BAR accesses).
 */
START_TEST(test_untraced_thread_is_adopted)
{
	static const char log[] =
		"100   ioctl(4</dev/vfio/12>, VFIO_GROUP_GET_DEVICE_FD, 0x5500) = 9\n"
		"100   ioctl(9, VFIO_DEVICE_GET_REGION_INFO, 0x7ff0) = 0\n"
		"105   pread64(9, \"\\0\\0\", 2, 4) = 2\n"
		"200   openat(AT_FDCWD, \"/dev/vfio/12\", O_RDWR) = 4\n"
		"200   ioctl(4, VFIO_GROUP_GET_DEVICE_FD, 0x5500) = 9\n"
		"200   pread64(9, \"\\0\\0\", 2, 4) = 2\n";
	struct vfiosim_strace_import imp;
	const struct vfiosim_trace *t;

	import_ok(log, NULL, &imp);
	t = imp.trace;
	ck_assert_uint_eq(t->nr_events, 5);
	ck_assert_int_eq(t->events[2].pid, 100);	/* a thread of 100 */
	ck_assert_int_eq(t->events[3].pid, 200);	/* its own process */
	ck_assert_int_eq(t->events[4].pid, 200);
	/* both used group 12: one device */
	ck_assert_uint_eq(t->nr_devices, 1);
	/* the region index of the query is inferred from the use after it */
	ck_assert_int_eq(t->events[1].op, VFIOSIM_OP_RINFO);
	ck_assert_uint_eq(t->events[1].idx, 0);
	ck_assert_int_eq(t->events[2].at.kind, VFIOSIM_ADDR_REGION);
	/* 200 never asked: the offset is the one fd 9 of 100 learned */
	ck_assert_int_eq(t->events[4].at.kind, VFIOSIM_ADDR_REGION);
	ck_assert(t->events[4].at.has_from);
	ck_assert_int_eq(t->events[4].at.from_pid, 100);
	ck_assert_int_eq(t->events[4].at.from_fd, 9);
	vfiosim_strace_import_free(&imp);
}
END_TEST

/* Hard-coded offsets, fd reuse, dup2 over a device fd, execve. */
START_TEST(test_fd_life)
{
	static const char log[] =
		"ioctl(4</dev/vfio/7>, VFIO_GROUP_GET_DEVICE_FD, 0x1) = 5\n"
		"pwrite64(5, \"\\6\\4\", 2, 7696581394436) = 2\n"
		"mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 5, 0) = 0x7f0000000000\n"
		"openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY) = 6\n"
		"dup2(6, 5) = 5\n"
		"mmap(0x7f0000001000, 4096, PROT_READ, MAP_PRIVATE|MAP_FIXED, 6, 0) = 0x7f0000001000\n"
		"ioctl(4</dev/vfio/7>, VFIO_GROUP_GET_DEVICE_FD, 0x1) = 8\n"
		"execve(\"/bin/true\", [\"true\"], 0x7ffd /* 3 vars */) = 0\n"
		"close(8) = -1 EBADF (Bad file descriptor)\n";
	struct vfiosim_strace_import imp;
	const struct vfiosim_trace *t;
	static const enum vfiosim_op want[] = {
		VFIOSIM_OP_OPEN, VFIOSIM_OP_WR, VFIOSIM_OP_MMAP,
		VFIOSIM_OP_CLOSE, VFIOSIM_OP_MUNMAP, VFIOSIM_OP_OPEN,
		VFIOSIM_OP_MUNMAP, VFIOSIM_OP_CLOSE,
	};
	unsigned int i;

	import_ok(log, NULL, &imp);
	t = imp.trace;
	ck_assert_uint_eq(t->nr_events, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < t->nr_events; i++)
		ck_assert_int_eq(t->events[i].op, want[i]);
	/* no GET_REGION_INFO before: the client computed 7 << 40 */
	ck_assert_int_eq(t->events[1].at.kind, VFIOSIM_ADDR_LITERAL);
	ck_assert_uint_eq(t->events[1].at.off, 0x70000000004ULL);
	ck_assert_uint_eq(t->events[1].data[0], 6);
	/* the MAP_FIXED of another file over the device mapping */
	ck_assert_uint_eq(t->events[4].va, 0x7f0000001000ULL);
	ck_assert_int_eq(t->events[7].fd, 8);
	ck_assert(!t->events[7].expect.present);	/* close-on-exec */
	/* no sidecar: sizes inferred from the accesses */
	ck_assert_uint_eq(t->devices[0].regions[0].size, 0x2000);
	ck_assert_uint_eq(t->devices[0].regions[7].size, 256);
	ck_assert(strstr(imp.text, "inferred") != NULL);
	vfiosim_strace_import_free(&imp);
}
END_TEST

/*
 * Lines that are strace output but cannot be imported: notes, errors
 * with --strict, and comments in the trace.
 */
START_TEST(test_not_imported_lines)
{
	static const char log[] =
		"ioctl(4</dev/vfio/7>, VFIO_GROUP_GET_DEVICE_FD, 0x1) = 5\n"
		"read(5<anon_inode:[vfio-device]>, \"\", 4) = 0\n"
		"ioctl(9, VFIO_DEVICE_GET_REGION_INFO, 0x7ff0) = 0\n"
		"pread64(5, 0x7ff0, 4, 0) = -1 EWEIRD (Weird)\n"
		"ioctl(5, 0x3b6c /* VFIO_DEVICE_GET_REGION_INFO */ <unfinished ...>\n";
	struct vfiosim_strace_opts o = { .strict = true };
	struct vfiosim_strace_import imp;
	struct vfiosim_error err;

	import_ok(log, NULL, &imp);
	ck_assert_uint_eq(imp.nr_notes, 4);
	ck_assert_uint_eq(imp.notes[0].line, 2);
	ck_assert_uint_eq(imp.notes[1].line, 3);
	ck_assert_uint_eq(imp.notes[2].line, 4);
	ck_assert_uint_eq(imp.notes[3].line, 5);
	ck_assert(strstr(imp.text, "# line 2 not imported: read on device fd 5") != NULL);
	vfiosim_strace_import_free(&imp);
	ck_assert_int_eq(vfiosim_strace_import("x.log", log, strlen(log), &o,
					       &imp, &err), -1);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_str_eq(err.file, "x.log");
}
END_TEST

/*
 * Lines that are imported as comments, not notes, so --strict takes them:
 * the iommufd ioctls of a cdev (BIND_IOMMUFD and the attaches), which the
 * trace's open stands for, and a VFIO_GROUP_GET_DEVICE_FD that failed.
 */
START_TEST(test_comment_lines_are_not_notes)
{
	static const char log[] =
		"openat(AT_FDCWD</tmp>, \"/dev/vfio/devices/vfio3\", O_RDWR) = 5</dev/vfio/devices/vfio3>\n"
		"ioctl(5</dev/vfio/devices/vfio3>, VFIO_DEVICE_BIND_IOMMUFD, 0x7ff0) = 0\n"
		"ioctl(5</dev/vfio/devices/vfio3>, VFIO_DEVICE_ATTACH_IOMMUFD_PT, 0x7ff0) = 0\n"
		"ioctl(4</dev/vfio/7>, VFIO_GROUP_GET_DEVICE_FD, 0x1) = -1 ENODEV (No such device)\n";
	struct vfiosim_strace_opts o = { .strict = true };
	struct vfiosim_strace_import imp;
	struct vfiosim_error err;

	ck_assert_int_eq(vfiosim_strace_import("x.log", log, strlen(log), &o,
					       &imp, &err), 0);
	ck_assert_uint_eq(imp.nr_notes, 0);
	ck_assert_ptr_nonnull(strstr(imp.text,
				     "# line 2 not imported: an iommufd ioctl of the device fd (part of opening the cdev: not an event)\n"));
	ck_assert_ptr_nonnull(strstr(imp.text,
				     "# line 3 not imported: an iommufd ioctl"));
	ck_assert_ptr_nonnull(strstr(imp.text,
				     "# line 4 not imported: VFIO_GROUP_GET_DEVICE_FD failed: no device fd, no event\n"));
	vfiosim_strace_import_free(&imp);
}
END_TEST

/* The sidecar of a real H100 guest (vfio-clients.md Appendix A). */
START_TEST(test_sidecar_h100)
{
	static const char side[] =
		"device 0000:00:06.0 group=3\n"
		"0x0000102002000000 0x0000102002ffffff 0x000000000014220c\n"
		"0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		"0x0000100000000000 0x0000101fffffffff 0x000000000014220c\n"
		"0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		"0x0000102000000000 0x0000102001ffffff 0x000000000014220c\n"
		"0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		"0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		"00:06.0 3D controller: NVIDIA Corporation GH100 [H100 PCIe]\n"
		"000: de 10 30 23 06 04 10 00 a1 00 02 03 00 00 00 00\n"
		"030: 00 00 00 00 40 00 00 00 00 00 00 00 ff 01 00 00\n"
		"040: 01 48 13 00 08 00 00 00 05 60 88 03 00 00 00 00\n"
		"060: 10 b0 02 00 21 80 00 10 3e 51 00 00 05 79 45 00\n"
		"0b0: 11 00 08 80 00 00 b9 00 00 00 ba 00 00 00 00 00\n";
	static const char log[] =
		"ioctl(4</dev/vfio/3>, VFIO_GROUP_GET_DEVICE_FD, 0x1) = 5\n";
	struct vfiosim_strace_import imp;
	const struct vfiosim_device *d;

	import_ok(log, side, &imp);
	d = &imp.trace->devices[0];
	ck_assert_str_eq(d->bdf, "0000:00:06.0");
	ck_assert_uint_eq(d->vendor, 0x10de);
	ck_assert_uint_eq(d->device, 0x2330);
	ck_assert_uint_eq(d->class_code, 0x030200);
	ck_assert_uint_eq(d->cfgsize, 4096);
	ck_assert_uint_eq(d->regions[0].size, 0x1000000);
	ck_assert_uint_eq(d->regions[2].size, 0x2000000000ULL);
	ck_assert_uint_eq(d->regions[4].size, 0x2000000);
	ck_assert_uint_eq(d->regions[1].size, 0);
	ck_assert_uint_eq(d->regions[0].flags,
			  VFIOSIM_REG_R | VFIOSIM_REG_W | VFIOSIM_REG_MMAP);
	ck_assert(d->regions[0].msix_mappable);
	ck_assert_uint_eq(d->regions[0].msix.off, 0xb90000);
	ck_assert_uint_eq(d->regions[0].msix.len, 9 * 16);
	ck_assert_uint_eq(d->regions[0].pba.off, 0xba0000);
	ck_assert(d->regions[8].absent);
	ck_assert_uint_eq(d->irqs[0].count, 1);
	ck_assert_uint_eq(d->irqs[1].count, 16);
	ck_assert_uint_eq(d->irqs[2].count, 9);
	ck_assert_uint_eq(d->irqs[3].count, 1);
	vfiosim_strace_import_free(&imp);
}
END_TEST

/*
 * Strings: -x hex, octal, C escapes, "..." cut; ioctl numbers as
 * _IOC(), names and "A or B".
 */
START_TEST(test_strings_and_requests)
{
	static const char log[] =
		"ioctl(4</dev/vfio/7>, 0x3b6a, 0x1) = 5\n"
		"pwrite64(5, \"a\\tb\\n\\\"\\\\\\x7f\\177\\0011\", 10, 0) = 10\n"
		"pwrite64(5, \"\\x01\\x02\"..., 300, 0) = 300\n"
		"ioctl(5, _IOC(_IOC_NONE, 0x3b, 0x74, 0), 0x7ff0) = -1 ENOTTY (Inappropriate ioctl for device)\n"
		"ioctl(5, VFIO_DEVICE_FEATURE or VFIO_IOMMU_DIRTY_PAGES or VFIO_IOMMU_SPAPR_REGISTER_MEMORY, 0x7ff0) = -1 ENOTTY (Inappropriate ioctl for device)\n"
		"ioctl(5, VFIO_DEVICE_BIND_IOMMUFD, 0x7ff0) = -1 EBUSY (Device or resource busy)\n"
		"ioctl(5, VFIO_DEVICE_ATTACH_IOMMUFD_PT, 0x7ff0) = 0\n"
		"mmap2(NULL, 4096, PROT_READ, MAP_SHARED, 5, 0x30000000) = 0xf7000000\n";
	static const uint8_t want[] = { 'a', '\t', 'b', '\n', '"', '\\', 0x7f,
					0x7f, 1, '1' };
	struct vfiosim_strace_import imp;
	const struct vfiosim_trace *t;

	import_ok(log, NULL, &imp);
	t = imp.trace;
	ck_assert_uint_eq(t->nr_events, 7);
	ck_assert_uint_eq(t->events[1].data_len, 10);
	ck_assert(!memcmp(t->events[1].data, want, 10));
	ck_assert_uint_eq(t->events[2].data_len, 2);
	ck_assert_int_eq(t->events[3].op, VFIOSIM_OP_IOEVENTFD);
	ck_assert_int_eq(t->events[3].expect.err, -ENOTTY);
	ck_assert(t->devices[0].ioeventfd_enotty);
	ck_assert_uint_eq(t->events[4].cmd, 0x3b75);
	ck_assert_uint_eq(t->events[5].cmd, 0x3b76);	/* a failed BIND */
	ck_assert_int_eq(t->events[5].expect.err, -EBUSY);
	ck_assert_uint_eq(legacy_off(&t->events[6].at), 3ULL << 40);
	vfiosim_strace_import_free(&imp);
}
END_TEST

/* Malformed sidecars name their own line. */
START_TEST(test_sidecar_errors)
{
	static const struct {
		const char *text;
		unsigned int line;
	} cases[] = {
		{ "0x0 0x0 0x0\n", 1 },
		{ "device 0000:3b:00.0\n0x1 0x0 0x0\n", 2 },
		{ "device 0000:3b:00.0\n0x0 0x0\n", 2 },
		{ "device 3b:00\n", 1 },
		{ "device 0000:3b:00.0 color=red\n", 1 },
		{ "# x\ndevice 0000:3b:00.0\n000: zz\n", 3 },
		{ "device 0000:3b:00.0\nreg 2 size=banana\n", 2 },
		{ "device 0000:3b:00.0\nreg 40 size=1\n", 2 },
		{ "device 0000:3b:00.0 config=512\n", 1 },
		{ "\n\n", 2 },
	};
	static const char log[] = "close(3) = 0\n";
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vfiosim_strace_import imp;
		struct vfiosim_error err;

		ck_assert_int_eq(import_text(log, cases[i].text, &imp, &err),
				 -1);
		ck_assert_str_eq(err.file, "test.side");
		ck_assert_msg(err.line == cases[i].line,
			      "sidecar %u: line %u (%s), not %u", i, err.line,
			      err.msg, cases[i].line);
	}
}
END_TEST

/* Any bytes: never a crash, and an error names a line of the log. */
START_TEST(test_garbage)
{
	static const char *const logs[] = {
		"", "\n", "x", "(((", "\"", "ioctl(", "ioctl() = ",
		"<... ioctl resumed>) = 0\n", "[pid ", "[pid 1] ",
		"1 2 3", "12:00:00.5 x", "--- x", "+++ x",
		"mmap(NULL, 1, 2, 3, 4, 5, 6) = 0\n",
		"pread64(3<anon_inode:[vfio-device]>, \"\\x\", 1, 0) = 1\n",
		"a(\"\\777\") = 0\n",
	};
	unsigned int i;

	for (i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		struct vfiosim_strace_import imp;
		struct vfiosim_error err;

		if (!import_text(logs[i], NULL, &imp, &err))
			vfiosim_strace_import_free(&imp);
		else
			ck_assert_uint_ge(err.line, 1);
	}
}
END_TEST

static Suite *import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("roundtrip");
	TCase *tu = tcase_create("unit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_roundtrip_recommended);
	tcase_add_test(tc, test_roundtrip_bracket_abbrev_interleaved);
	tcase_add_test(tc, test_roundtrip_raw_plain);
	tcase_add_test(tc, test_roundtrip_no_pids);
	tcase_add_test(tc, test_groundtruth_logs);
	suite_add_tcase(s, tc);

	tcase_set_timeout(tu, 60);
	tcase_add_test(tu, test_malformed_logs);
	tcase_add_test(tu, test_real_strace_61_lines);
	tcase_add_test(tu, test_bracket_pids_and_resumed);
	tcase_add_test(tu, test_untraced_thread_is_adopted);
	tcase_add_test(tu, test_fd_life);
	tcase_add_test(tu, test_not_imported_lines);
	tcase_add_test(tu, test_comment_lines_are_not_notes);
	tcase_add_test(tu, test_sidecar_h100);
	tcase_add_test(tu, test_strings_and_requests);
	tcase_add_test(tu, test_sidecar_errors);
	tcase_add_test(tu, test_garbage);
	suite_add_tcase(s, tu);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(import_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
