// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiosim import-strace: an strace log of a VFIO client becomes a
 * vfiotrace (traces/README.md).  What strace prints is described in
 * /work/shared/research/vfio-clients.md section 6 and docs/capture.md.
 *
 * 1. Lex: each line is an optional pid prefix ("[pid N] " or "N "), an
 *    optional timestamp (-t, -tt, -ttt, -r), then a call
 *    "name(args) = result [ERRNO (text)] [<duration>]", a signal
 *    ("--- ... ---"), an exit ("+++ ... +++") or a message of strace
 *    ("strace: ...").  "<unfinished ...>" and "<... name resumed>" are
 *    joined per pid; the call takes the place of its first half.  A line
 *    that is none of these is malformed: the import fails with
 *    LOG:LINE:COLUMN.
 * 2. Processes and fds: a table of fds per process (threads share it):
 *    openat, VFIO_GROUP_GET_DEVICE_FD, dup/dup2/dup3/fcntl(F_DUPFD*),
 *    close, clone/fork/vfork, execve; an fd never seen opened is known by
 *    its -y annotation.  A pid strace shows without the clone that made it
 *    is a new process, until it uses an fd only one other process has: then
 *    it is a thread of that one.
 * 3. Events: calls on VFIO device fds become events with the result strace
 *    recorded as their expectation; pread64/pwrite64/mmap offsets are
 *    decoded the legacy way (region = offset >> 40).  What strace cannot
 *    show (the structs of the VFIO ioctls) is inferred or replaced by a
 *    placeholder, and every such event says so in its comment.
 * 4. GET_REGION_INFO indexes: per open file, the most likely sequence of
 *    indexes (a Viterbi search) given the clients' usual orders (ascending
 *    runs, a retry of a region with capabilities, the region first used
 *    right after a call) and what the device has.
 * 5. Addresses: an access to region I is "@I+OFF" when this fd learned the
 *    region's offset from GET_REGION_INFO, "@I+OFF from=..." when another
 *    fd of the device did, else "!OFF" (the client computed I << 40).
 * 6. Devices: from the sidecar (docs/capture.md), or inferred from the
 *    accesses, and said so.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strace_internal.h"

#define MAX_LOG_LINE	(1u << 20)
#define MAX_ARGS	16
#define MAX_DEPTH	32
#define MAX_PROCS	1024
#define MAX_FDS		4096	/* fds tracked per process */
#define MAX_VMAS	4096	/* device mappings tracked per process */
#define MAX_DEVS	VFIOSIM_MAX_DEVICES
#define ROOT_PID	1	/* the pid of a log that shows none */

/* ---- the importer's state ---- */

enum fdkind { FD_OTHER, FD_CONTAINER, FD_GROUP, FD_IOMMUFD, FD_DEVICE };

struct fdent {
	int fd;
	enum fdkind kind;
	int file;		/* FD_DEVICE: index into files */
	int ent;		/* FD_DEVICE: knowledge entry */
	int group;		/* FD_GROUP: index into groups */
	bool cloexec;
};

struct vma {
	uint64_t va, len;
	int file;
};

struct proc {
	int pid;		/* 0: the first process, not named yet */
	int leader;		/* the process whose tables it shares */
	bool attached;		/* "strace: Process N attached" */
	bool orphan;		/* seen without the clone that made it */
	bool exited;
	/* leaders only */
	struct fdent *fds;
	unsigned int nfds, capfds;
	struct vma *vmas;
	unsigned int nvmas, capvmas;
	/* an "<unfinished ...>" call */
	char *pend;
	size_t pend_len;
	unsigned int pend_line, pend_col;
	char pend_name[32];
};

struct group {
	char id[24];
	int dev;
};

struct idev {
	char key[72];		/* "g:42", "c:vfio3", "p:/path", "a:N" */
	char via[12];
	int sc;			/* sidecar device, or -1 */
	char name[8];
	/* what the log shows of each region */
	uint64_t max_end[VFIOSIM_MAX_REGIONS];
	uint64_t exact_end[VFIOSIM_MAX_REGIONS];
	uint32_t used, mmap_ok, mmap_bad, exact;
	bool reset_ok, reset_einval, ioev_enotty;
	struct vfiosim_device desc;
	char *header;
	size_t header_len;
};

struct ifile {
	int dev;
};

struct ent {
	int proc;
	int fd;
	int file;
};

enum opkind {
	OPK_EVENT,
	OPK_NOTE,		/* a line not imported: a comment */
};

enum addr_form { AF_REGION, AF_FROM, AF_LITERAL };

struct op {
	unsigned int key, seq;	/* order: the line a call started on */
	unsigned int line;	/* where it came from, for the comment */
	enum opkind kind;
	enum vfiosim_op op;
	int proc;
	int fd, new_fd, child;
	int ent, file, dev;
	unsigned int pair_first, pair_n;	/* fork: ents copied */
	uint64_t off, len, va;
	bool has_addr;
	uint32_t prot, mflags;
	uint64_t cmd;
	bool has_result;
	int err;		/* negative errno, or 0 */
	int64_t value;
	unsigned int data_len;
	uint8_t data[VFIOSIM_MAX_DATA];
	int idx;		/* rinfo: the index inferred */
	const char *why;	/* rinfo: how */
	enum addr_form form;
	int from_ent;
	bool has_t;
	char t[24];
	const char *note;	/* static text for the comment */
	char *msg;		/* OPK_NOTE */
	char via[12];
};

struct pair {
	int from, to;
};

struct imp {
	const char *path;
	const struct vfiosim_strace_opts *opts;
	struct vfiosim_error *err;
	struct vfiosim_strace_import *out;
	struct sim_sidecar sc;
	bool have_sc;
	/* log style, fixed by the first line */
	bool style_set;
	bool plain_pids;	/* -f -o: "N " on every line */
	bool bracket_seen;
	int time_style;		/* 0 none, 1 -t/-tt, 2 -ttt, 3 -r */
	uint64_t rel_ns;	/* -r: the sum so far */
	bool xlat_seen[3];	/* raw, abbrev, verbose ioctl names */
	bool annotations;
	/* tables */
	struct proc *procs;
	unsigned int nprocs, capprocs;
	struct group *groups;
	unsigned int ngroups, capgroups;
	struct idev devs[MAX_DEVS];
	unsigned int ndevs;
	unsigned int anon_devs;
	struct ifile *files;
	unsigned int nfiles, capfiles;
	struct ent *ents;
	unsigned int nents, capents;
	struct op *ops;
	unsigned int nops, capops;
	struct pair *pairs;
	unsigned int npairs, cappairs;
	unsigned int seq;
	/* the line being read */
	unsigned int lineno;
	unsigned int cur_key;
	bool cur_has_t;
	char cur_t[24];
	bool line_used;
	unsigned int ioev_state[MAX_DEVS];
	unsigned int capnotes;
	bool full;		/* a process has MAX_FDS fds */
	bool durations_seen, fraction_seen;
	bool vmas_full_noted;
};

/* ---- growing arrays ---- */

static bool grow(void **p, unsigned int *cap, unsigned int need, size_t size)
{
	unsigned int ncap;
	void *q;

	if (need <= *cap)
		return true;
	if (need > UINT_MAX / 2)
		return false;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	q = realloc(*p, (size_t)ncap * size);
	if (!q)
		return false;
	memset((char *)q + (size_t)*cap * size, 0,
	       (size_t)(ncap - *cap) * size);
	*p = q;
	*cap = ncap;
	return true;
}

#define GROW(imp, arr, cap, need) \
	grow((void **)&(imp)->arr, &(imp)->cap, (need), sizeof(*(imp)->arr))

/* ---- errors and notes ---- */

static __attribute__((format(printf, 4, 5)))
int fail_at(struct imp *imp, unsigned int line, unsigned int col,
	    const char *fmt, ...)
{
	struct vfiosim_error *e = imp->err;
	va_list ap;

	snprintf(e->file, sizeof(e->file), "%s", imp->path);
	e->line = line;
	e->column = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int nomem(struct imp *imp)
{
	if (imp->full)
		return fail_at(imp, imp->lineno, 1,
			       "expected at most %d fds open in a process",
			       MAX_FDS);
	return fail_at(imp, imp->lineno, 1, "out of memory");
}

/* Printable ASCII for a comment: anything else becomes '?'. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

static struct op *new_op(struct imp *imp, enum opkind kind);

/* A comment in the trace for log line @line: nothing is imported. */
static int comment(struct imp *imp, unsigned int line, const char *msg)
{
	struct op *op = new_op(imp, OPK_NOTE);

	if (!op)
		return nomem(imp);
	op->line = line;
	op->msg = strdup(msg);
	if (!op->msg)
		return nomem(imp);
	return 0;
}

/* A line that cannot be imported: a note, or with --strict an error. */
static __attribute__((format(printf, 3, 4)))
int note(struct imp *imp, unsigned int line, const char *fmt, ...)
{
	struct vfiosim_strace_import *out = imp->out;
	struct vfiosim_strace_note *n;
	va_list ap;
	char msg[160];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sanitize(msg);
	if (imp->opts && imp->opts->strict)
		return fail_at(imp, line, 1, "cannot import this line: %s",
			       msg);
	if (!grow((void **)&out->notes, &imp->capnotes, out->nr_notes + 1,
		  sizeof(*n)))
		return nomem(imp);
	n = &out->notes[out->nr_notes++];
	n->line = line;
	snprintf(n->msg, sizeof(n->msg), "%s", msg);
	if (comment(imp, line, msg))
		return -1;
	imp->line_used = true;
	return 0;
}

static struct op *new_op(struct imp *imp, enum opkind kind)
{
	struct op *op;

	if (!GROW(imp, ops, capops, imp->nops + 1))
		return NULL;
	op = &imp->ops[imp->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->key = imp->cur_key;
	op->seq = imp->seq++;
	op->line = imp->lineno;
	op->fd = -1;
	op->new_fd = -1;
	op->child = -1;
	op->ent = -1;
	op->file = -1;
	op->dev = -1;
	op->from_ent = -1;
	op->idx = -1;
	op->has_t = imp->cur_has_t;
	memcpy(op->t, imp->cur_t, sizeof(op->t));
	return op;
}

/* ---- the call being read ---- */

struct span {
	size_t off, len;
};

struct call {
	const char *s;		/* from the name to the end */
	size_t n;
	size_t split;		/* where the resumed half starts */
	unsigned int line0, col0, line1, col1;
	size_t name_n;
	unsigned int nargs;
	struct span arg[MAX_ARGS];
	bool unknown;		/* "= ?" */
	bool restart;		/* = ? ERESTART... */
	bool is_err;
	int err;		/* positive errno, 0 if its name is unknown */
	char ename[24];
	int64_t ret;
	struct span rann;	/* -y annotation of the result */
	bool has_rann;
};

static int call_fail(struct imp *imp, const struct call *c, size_t pos,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int call_fail(struct imp *imp, const struct call *c, size_t pos,
		     const char *fmt, ...)
{
	struct vfiosim_error *e = imp->err;
	unsigned int line, col;
	va_list ap;

	if (pos < c->split || c->split >= c->n) {
		line = c->line0;
		col = c->col0 + (unsigned int)pos;
	} else {
		line = c->line1;
		col = c->col1 + (unsigned int)(pos - c->split);
	}
	snprintf(e->file, sizeof(e->file), "%s", imp->path);
	e->line = line;
	e->column = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static bool name_char(int c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '?';
}

static bool call_is(const struct call *c, const char *name)
{
	return strlen(name) == c->name_n && !memcmp(c->s, name, c->name_n);
}

/* Past a quoted string starting at @i ('"'); 0 when unterminated. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/* Past an annotation "<...>" at @i (nested <> and [] allowed); 0 if open. */
static size_t skip_angle(const char *s, size_t n, size_t i)
{
	unsigned int depth = 0, sq = 0;

	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			continue;
		}
		if (s[i] == '[')
			sq++;
		else if (s[i] == ']' && sq)
			sq--;
		else if (s[i] == '<' && !sq)
			depth++;
		else if (s[i] == '>' && !sq && depth && !--depth)
			return i + 1;
		if (depth > MAX_DEPTH)
			return 0;
	}
	return 0;
}

static size_t skip_comment(const char *s, size_t n, size_t i)
{
	for (i += 2; i + 1 < n; i++)
		if (s[i] == '*' && s[i + 1] == '/')
			return i + 2;
	return 0;
}

static void trim(const char *s, size_t *off, size_t *len)
{
	while (*len && (s[*off] == ' ' || s[*off] == '\t')) {
		(*off)++;
		(*len)--;
	}
	while (*len && (s[*off + *len - 1] == ' ' ||
			s[*off + *len - 1] == '\t'))
		(*len)--;
}

static int add_arg(struct imp *imp, struct call *c, size_t start, size_t end,
		   bool last)
{
	size_t off = start, len = end - start;

	trim(c->s, &off, &len);
	if (!len) {
		if (last && !c->nargs)
			return 0;	/* "()" */
		return call_fail(imp, c, off, "expected an argument");
	}
	if (c->nargs == MAX_ARGS)
		return call_fail(imp, c, off, "expected at most %d arguments",
				 MAX_ARGS);
	c->arg[c->nargs].off = off;
	c->arg[c->nargs].len = len;
	c->nargs++;
	return 0;
}

/* The arguments, up to the ')' that closes them; *@end just past it. */
static int scan_args(struct imp *imp, struct call *c, size_t *end)
{
	const char *s = c->s;
	size_t n = c->n, i = c->name_n + 1, start = i, j;
	char stack[MAX_DEPTH];
	unsigned int depth = 0;

	c->nargs = 0;
	while (i < n) {
		char ch = s[i];

		if (ch == '"') {
			j = skip_string(s, n, i);
			if (!j)
				return call_fail(imp, c, i,
						 "expected '\"' closing the string");
			i = j;
			continue;
		}
		if (ch == '/' && i + 1 < n && s[i + 1] == '*') {
			j = skip_comment(s, n, i);
			if (!j)
				return call_fail(imp, c, i,
						 "expected '*/' closing the comment");
			i = j;
			continue;
		}
		if (ch == '<') {
			j = skip_angle(s, n, i);
			if (!j)
				return call_fail(imp, c, i,
						 "expected '>' closing the annotation");
			i = j;
			continue;
		}
		if (ch == '(' || ch == '{' || ch == '[') {
			if (depth == MAX_DEPTH)
				return call_fail(imp, c, i,
						 "expected at most %d nested brackets",
						 MAX_DEPTH);
			stack[depth++] = ch == '(' ? ')' : ch == '{' ? '}' : ']';
		} else if (ch == ')' || ch == '}' || ch == ']') {
			if (!depth && ch == ')') {
				if (add_arg(imp, c, start, i, true))
					return -1;
				*end = i + 1;
				return 0;
			}
			if (!depth || stack[depth - 1] != ch)
				return call_fail(imp, c, i,
						 "expected '%c', not '%c'",
						 depth ? stack[depth - 1] : ')',
						 ch);
			depth--;
		} else if (ch == ',' && !depth) {
			if (add_arg(imp, c, start, i, false))
				return -1;
			start = i + 1;
		}
		i++;
	}
	return call_fail(imp, c, n, "expected ')' closing the arguments");
}

static int hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' :
	       tolower((unsigned char)c) - 'a' + 10;
}

static bool parse_u64(const char *s, size_t n, uint64_t *v)
{
	size_t i = 0;

	*v = 0;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (n - 2 > 16)
			return false;
		for (i = 2; i < n; i++) {
			if (!isxdigit((unsigned char)s[i]))
				return false;
			*v = *v << 4 | (uint64_t)hexval(s[i]);
		}
		return true;
	}
	if (!n || n > 20)
		return false;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		if (*v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

/* A signed number: [-]digits or 0xhex. */
static bool parse_s64(const char *s, size_t n, int64_t *v)
{
	uint64_t u;

	if (n && s[0] == '-') {
		if (!parse_u64(s + 1, n - 1, &u) || u > (uint64_t)INT64_MAX + 1)
			return false;
		*v = (int64_t)(0 - u);
		return true;
	}
	if (!parse_u64(s, n, &u))
		return false;
	*v = (int64_t)u;
	return true;
}

static size_t num_len(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		i += 2;
		while (i < n && isxdigit((unsigned char)s[i]))
			i++;
		return i;
	}
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i;
}

/* After the arguments: " = result [ERRNO (text)] [<duration>]". */
static int scan_result(struct imp *imp, struct call *c, size_t i)
{
	const char *s = c->s;
	size_t n = c->n, k, j;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] != '=')
		return call_fail(imp, c, i, "expected ' = ' and the result");
	i++;
	while (i < n && s[i] == ' ')
		i++;
	if (i == n)
		return call_fail(imp, c, i, "expected the result after '='");
	if (s[i] == '?') {
		c->unknown = true;
		i++;
		if (i + 10 < n && !memcmp(s + i, " ERESTART", 9))
			c->restart = true;
		/* "? ERESTARTSYS (To be restarted ...)", "? <unavailable>" */
		while (i < n && s[i] != '<' && s[i] != '(')
			i++;
		goto tail;
	}
	k = num_len(s + i, n - i);
	if (!k || !parse_s64(s + i, k, &c->ret))
		return call_fail(imp, c, i, "expected a number after '='");
	i += k;
	if (i < n && s[i] == '<') {
		j = skip_angle(s, n, i);
		if (!j)
			return call_fail(imp, c, i,
					 "expected '>' closing the annotation");
		c->has_rann = true;
		c->rann.off = i;
		c->rann.len = j - i;
		i = j;
	}
	if (c->ret == -1 && i + 1 < n && s[i] == ' ' && s[i + 1] == 'E') {
		i++;
		for (k = i; k < n && (isupper((unsigned char)s[k]) ||
				      isdigit((unsigned char)s[k]) ||
				      s[k] == '_'); k++)
			;
		if (k - i >= sizeof(c->ename))
			return call_fail(imp, c, i, "expected an errno name");
		memcpy(c->ename, s + i, k - i);
		c->ename[k - i] = '\0';
		c->is_err = true;
		c->err = vfiosim_errno_from_name(c->ename);
		i = k;
	} else if (c->ret == -1 && i + 8 < n &&
		   !memcmp(s + i, " (errno ", 8)) {
		/* -e raw: "-1 (errno 22)" */
		int64_t e;

		k = num_len(s + i + 8, n - i - 8);
		if (!k || !parse_s64(s + i + 8, k, &e) || e <= 0 || e > 4095 ||
		    i + 8 + k >= n || s[i + 8 + k] != ')')
			return call_fail(imp, c, i + 8, "expected an errno number");
		c->is_err = true;
		c->err = (int)e;
		i += 9 + k;
	} else if (c->ret == -1) {
		return call_fail(imp, c, i,
				 "expected an errno name after -1 (like EINVAL)");
	}
tail:
	while (i < n && s[i] == ' ') {
		size_t sp = i;

		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		if (s[i] == '(') {
			unsigned int depth = 0;

			for (j = i; j < n; j++) {
				if (s[j] == '(')
					depth++;
				else if (s[j] == ')' && !--depth)
					break;
			}
			if (j == n)
				return call_fail(imp, c, i,
						 "expected ')' closing '('");
			i = j + 1;
			continue;
		}
		if (s[i] == '<') {
			j = skip_angle(s, n, i);
			if (!j)
				return call_fail(imp, c, i, "expected '>'");
			if (i + 1 < n && isdigit((unsigned char)s[i + 1]))
				imp->durations_seen = true;	/* -T */
			i = j;
			continue;
		}
		i = sp;
		break;
	}
	if (i != n)
		return call_fail(imp, c, i,
				 "expected the end of the line after the result");
	return 0;
}

static int parse_call(struct imp *imp, struct call *c)
{
	size_t i = 0, end = 0;

	while (i < c->n && name_char(c->s[i]))
		i++;
	if (!i || i == c->n || c->s[i] != '(')
		return call_fail(imp, c, i,
				 "expected a system call: name(arguments) = result");
	c->name_n = i;
	if (scan_args(imp, c, &end))
		return -1;
	return scan_result(imp, c, end);
}

/* ---- arguments ---- */

static const char *arg_s(const struct call *c, unsigned int i)
{
	return c->s + c->arg[i].off;
}

/* A number, maybe followed by a comment ("0x3 /" "* PROT_READ *" "/"). */
static bool arg_num(const struct call *c, unsigned int i, int64_t *v)
{
	const char *s = arg_s(c, i);
	size_t n = c->arg[i].len, k;

	if (n == 4 && !memcmp(s, "NULL", 4)) {
		*v = 0;
		return true;
	}
	k = num_len(s, n);
	if (!k || !parse_s64(s, k, v))
		return false;
	while (k < n && s[k] == ' ')
		k++;
	if (k == n)
		return true;
	if (k + 1 < n && s[k] == '/' && s[k + 1] == '*') {
		size_t j = skip_comment(s, n, k);

		return j == n;
	}
	return false;
}

static bool arg_u64(const struct call *c, unsigned int i, uint64_t *v)
{
	int64_t s;

	if (!arg_num(c, i, &s))
		return false;
	*v = (uint64_t)s;
	return true;
}

struct fdarg {
	int64_t fd;
	bool at_fdcwd;
	bool has_ann;
	char ann[512];		/* decoded -y path */
	bool ann_long;
};

/* Decode the text of a -y annotation (escapes as in strings). */
static bool decode_ann(const char *s, size_t n, char *out, size_t cap,
		       bool *too_long)
{
	size_t i, o = 0;

	*too_long = false;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\\' && i + 1 < n) {
			i++;
			if (s[i] == 'x' && i + 2 < n + 0 &&
			    isxdigit((unsigned char)s[i + 1]) &&
			    isxdigit((unsigned char)s[i + 2])) {
				char hx[3] = { s[i + 1], s[i + 2], 0 };

				ch = (unsigned char)strtoul(hx, NULL, 16);
				i += 2;
			} else if (s[i] >= '0' && s[i] <= '7') {
				unsigned int v = 0, k;

				for (k = 0; k < 3 && i < n && s[i] >= '0' &&
					    s[i] <= '7'; k++, i++)
					v = v * 8 + (unsigned int)(s[i] - '0');
				i--;
				ch = (unsigned char)v;
			} else {
				ch = (unsigned char)s[i];
			}
		}
		if (o + 1 < cap)
			out[o++] = (char)(ch ? ch : '?');
		else
			*too_long = true;
	}
	out[o] = '\0';
	return true;
}

static bool arg_fd(const struct call *c, unsigned int i, struct fdarg *f)
{
	const char *s = arg_s(c, i);
	size_t n = c->arg[i].len, k;

	memset(f, 0, sizeof(*f));
	if (n >= 8 && !memcmp(s, "AT_FDCWD", 8)) {
		f->at_fdcwd = true;
		f->fd = -100;
		k = 8;
	} else {
		k = num_len(s, n);
		if (!k || !parse_s64(s, k, &f->fd))
			return false;
		if (f->fd == -100)
			f->at_fdcwd = true;
	}
	for (;;) {
		while (k < n && s[k] == ' ')
			k++;
		if (k == n)
			return true;
		if (k + 1 < n && s[k] == '/' && s[k + 1] == '*') {
			size_t j = skip_comment(s, n, k);

			if (!j)
				return false;
			k = j;
			continue;
		}
		if (s[k] == '<' && !f->has_ann) {
			size_t j = skip_angle(s, n, k);

			if (!j)
				return false;
			f->has_ann = true;
			decode_ann(s + k + 1, j - k - 2, f->ann, sizeof(f->ann),
				   &f->ann_long);
			k = j;
			continue;
		}
		return false;
	}
}

/* The decoded annotation of the result ("= 3</dev/vfio/42>"). */
static void result_ann(const struct call *c, char *out, size_t cap)
{
	bool too_long;

	out[0] = '\0';
	if (c->has_rann && c->rann.len >= 2)
		decode_ann(c->s + c->rann.off + 1, c->rann.len - 2, out, cap,
			   &too_long);
}

/*
 * The escape at @s[*@k] (just past its '\\'): the escapes of strace's
 * string_quote() (\\n \\t \\v \\f \\r \\" \\\\, \\xHH, octal) and a few
 * more of C's.  *@k is left on its last character.
 */
static bool unescape(const char *s, size_t n, size_t *k, unsigned int *ch)
{
	static const char simple_esc[] = "ntvfrabe\\\"'?";
	static const char simple_val[] = "\n\t\v\f\r\a\b\x1b\\\"'?";
	const char *esc = strchr(simple_esc, s[*k]);
	size_t i = *k;
	unsigned int d;

	if (esc && *esc) {
		*ch = (unsigned char)simple_val[esc - simple_esc];
		return true;
	}
	if (s[i] == 'x') {
		if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
		    !isxdigit((unsigned char)s[i + 2]))
			return false;
		*ch = (unsigned int)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
		*k = i + 2;
		return true;
	}
	if (s[i] < '0' || s[i] > '7')
		return false;
	*ch = 0;
	for (d = 0; d < 3 && i < n && s[i] >= '0' && s[i] <= '7'; d++, i++)
		*ch = *ch * 8 + (unsigned int)(s[i] - '0');
	*k = i - 1;
	return *ch <= 0xff;
}

/*
 * A quoted string argument: 1 and its bytes (the first @cap kept, *@total
 * counted), 0 when the argument is not a string (a pointer), -1 when the
 * string is malformed (*@bad_at its offset in the call).
 */
static int arg_str(const struct call *c, unsigned int i, uint8_t *buf,
		   size_t cap, size_t *total, bool *truncated, size_t *bad_at)
{
	const char *s = arg_s(c, i);
	size_t n = c->arg[i].len, k, o = 0;

	*total = 0;
	*truncated = false;
	if (!n || s[0] != '"')
		return 0;
	for (k = 1; k < n && s[k] != '"'; k++) {
		unsigned int ch = (unsigned char)s[k];

		if (s[k] == '\\' && (++k == n || !unescape(s, n, &k, &ch)))
			goto bad;
		if (o < cap)
			buf[o++] = (uint8_t)ch;
		(*total)++;
	}
	if (k == n)
		goto bad;
	k++;
	if (k + 3 <= n && !memcmp(s + k, "...", 3)) {
		*truncated = true;
		k += 3;
	}
	if (k != n)
		goto bad;
	return 1;
bad:
	*bad_at = c->arg[i].off + (k < n ? k : n);
	return -1;
}

/* ---- flags ---- */

struct flagname {
	const char *name;
	uint64_t value;
};

static const struct flagname prot_names[] = {
	{ "PROT_NONE", 0 }, { "PROT_READ", 1 }, { "PROT_WRITE", 2 },
	{ "PROT_EXEC", 4 }, { "PROT_SEM", 8 }, { "PROT_BTI", 0x10 },
	{ "PROT_MTE", 0x20 }, { "PROT_GROWSDOWN", 0x01000000 },
	{ "PROT_GROWSUP", 0x02000000 }, { NULL, 0 },
};

static const struct flagname map_names[] = {
	{ "MAP_SHARED", 1 }, { "MAP_PRIVATE", 2 },
	{ "MAP_SHARED_VALIDATE", 3 }, { "MAP_FIXED", 0x10 },
	{ "MAP_ANONYMOUS", 0x20 }, { "MAP_ANON", 0x20 },
	{ "MAP_32BIT", 0x40 }, { "MAP_GROWSDOWN", 0x100 },
	{ "MAP_DENYWRITE", 0x800 }, { "MAP_EXECUTABLE", 0x1000 },
	{ "MAP_LOCKED", 0x2000 }, { "MAP_NORESERVE", 0x4000 },
	{ "MAP_POPULATE", 0x8000 }, { "MAP_NONBLOCK", 0x10000 },
	{ "MAP_STACK", 0x20000 }, { "MAP_HUGETLB", 0x40000 },
	{ "MAP_SYNC", 0x80000 }, { "MAP_FIXED_NOREPLACE", 0x100000 },
	{ "MAP_UNINITIALIZED", 0x4000000 }, { "MAP_FILE", 0 },
	{ NULL, 0 },
};

#define SIM_CLONE_VM		0x100
#define SIM_CLONE_FILES		0x400
#define SIM_CLONE_THREAD	0x10000

static const struct flagname clone_names[] = {
	{ "CLONE_VM", SIM_CLONE_VM }, { "CLONE_FILES", SIM_CLONE_FILES },
	{ "CLONE_THREAD", SIM_CLONE_THREAD }, { NULL, 0 },
};

#define SIM_O_CLOEXEC		0x80000

static const struct flagname open_names[] = {
	{ "O_CLOEXEC", SIM_O_CLOEXEC }, { NULL, 0 },
};

/*
 * "A|B|0x40", "0x11 /" "* MAP_SHARED|MAP_FIXED *" "/", or a name:
 * the value; *@unknown when a name is not in @names (and @strict).
 */
static bool flags_value(const char *s, size_t n,
			const struct flagname *names, bool strict,
			uint64_t *v, bool *unknown)
{
	size_t i = 0;

	*v = 0;
	*unknown = false;
	while (i < n) {
		size_t start, end;

		while (i < n && s[i] == ' ')
			i++;
		start = i;
		while (i < n && s[i] != '|' &&
		       !(s[i] == '/' && i + 1 < n && s[i + 1] == '*'))
			i++;
		end = i;
		while (end > start && s[end - 1] == ' ')
			end--;
		if (end > start) {
			uint64_t x;
			unsigned int j;

			if (isdigit((unsigned char)s[start])) {
				if (!parse_u64(s + start, end - start, &x))
					return false;
				*v |= x;
			} else {
				for (j = 0; names[j].name; j++)
					if (strlen(names[j].name) == end - start &&
					    !memcmp(names[j].name, s + start,
						    end - start))
						break;
				if (names[j].name)
					*v |= names[j].value;
				else if (strict)
					*unknown = true;
			}
		}
		if (i < n && s[i] == '/') {
			size_t j = skip_comment(s, n, i);

			if (!j)
				return false;
			i = j;
			continue;
		}
		if (i < n && s[i] == '|')
			i++;
	}
	return true;
}

static bool arg_flags(const struct call *c, unsigned int i,
		      const struct flagname *names, bool strict, uint64_t *v,
		      bool *unknown)
{
	return flags_value(arg_s(c, i), c->arg[i].len, names, strict, v,
			   unknown);
}

/*
 * The ioctl number of "0x3b6c", "0x3b6c /" "* NAME *" "/", "NAME",
 * "A or B" or "_IOC(dir, type, nr, size)"; false if not known.
 */
static bool arg_ioctl(struct imp *imp, const struct call *c, unsigned int i,
		      uint64_t *cmd)
{
	const char *s = arg_s(c, i);
	size_t n = c->arg[i].len, k = 0;
	int64_t num = -1, v;
	bool conflict = false;

	if (n && isdigit((unsigned char)s[0])) {
		int64_t x;

		if (!arg_num(c, i, &x))
			return false;
		*cmd = (uint64_t)x;
		imp->xlat_seen[memchr(s, '/', n) ? 2 : 0] = true;
		return true;
	}
	if (n > 5 && !memcmp(s, "_IOC(", 5)) {
		/* _IOC(_IOC_NONE, 0x3b, 0xa0, 0) */
		uint64_t part[4], dir = 0;
		size_t p = 5;
		unsigned int a;

		for (a = 0; a < 4; a++) {
			size_t st;
			bool unk;

			while (p < n && s[p] == ' ')
				p++;
			st = p;
			while (p < n && s[p] != ',' && s[p] != ')')
				p++;
			if (p == n)
				return false;
			if (!a) {
				static const struct flagname dirs[] = {
					{ "_IOC_NONE", 0 }, { "_IOC_WRITE", 1 },
					{ "_IOC_READ", 2 }, { NULL, 0 },
				};

				if (!flags_value(s + st, p - st, dirs, true, &dir,
						 &unk) || unk)
					return false;
				part[0] = dir;
			} else if (!parse_u64(s + st, p - st, &part[a])) {
				return false;
			}
			p++;
		}
		if (part[0] > 3 || part[1] > 0xff || part[2] > 0xff ||
		    part[3] > 0x3fff)
			return false;
		*cmd = part[0] << 30 | part[3] << 16 | part[1] << 8 | part[2];
		imp->xlat_seen[1] = true;
		return true;
	}
	/* names, " or " between them */
	while (k < n) {
		size_t st = k;

		while (k < n && s[k] != ' ')
			k++;
		v = sim_ioctl_number(s + st, k - st);
		if (v >= 0) {
			if (num >= 0 && num != v)
				conflict = true;
			num = v;
		}
		if (k + 4 <= n && !memcmp(s + k, " or ", 4))
			k += 4;
		else if (k < n)
			return false;
	}
	imp->xlat_seen[1] = true;
	if (num < 0 || conflict)
		return false;
	*cmd = (uint64_t)num;
	return true;
}

/* ---- processes ---- */

static int find_leader(struct imp *imp, int p)
{
	unsigned int n = 0;

	while (imp->procs[p].leader != p && n++ < imp->nprocs)
		p = imp->procs[p].leader;
	return p;
}

static int proc_by_pid(struct imp *imp, int pid)
{
	unsigned int i;

	for (i = 0; i < imp->nprocs; i++)
		if (imp->procs[i].pid == pid && !imp->procs[i].exited)
			return (int)i;
	for (i = 0; i < imp->nprocs; i++)
		if (imp->procs[i].pid == pid)
			return (int)i;
	return -1;
}

static int proc_new(struct imp *imp, int pid)
{
	struct proc *p;

	if (imp->nprocs == MAX_PROCS)
		return -1;
	if (!GROW(imp, procs, capprocs, imp->nprocs + 1))
		return -2;
	p = &imp->procs[imp->nprocs];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->leader = (int)imp->nprocs;
	return (int)imp->nprocs++;
}

static struct fdent *fd_find(struct imp *imp, int proc, int64_t fd)
{
	struct proc *l = &imp->procs[find_leader(imp, proc)];
	unsigned int i;

	for (i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd)
			return &l->fds[i];
	return NULL;
}

static struct fdent *fd_put(struct imp *imp, int proc, int fd)
{
	struct proc *l = &imp->procs[find_leader(imp, proc)];
	struct fdent *e = fd_find(imp, proc, fd);

	unsigned int i;

	if (!e && l->nfds >= MAX_FDS) {
		/* forget a file that is not VFIO to make room */
		for (i = 0; i < l->nfds && !e; i++)
			if (l->fds[i].kind == FD_OTHER)
				e = &l->fds[i];
		if (!e) {
			imp->full = true;
			return NULL;
		}
	}
	if (!e) {
		if (!grow((void **)&l->fds, &l->capfds, l->nfds + 1,
			  sizeof(*l->fds)))
			return NULL;
		e = &l->fds[l->nfds++];
	}
	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->file = -1;
	e->ent = -1;
	e->group = -1;
	return e;
}

static void fd_del(struct imp *imp, int proc, int64_t fd)
{
	struct proc *l = &imp->procs[find_leader(imp, proc)];
	struct fdent *e = fd_find(imp, proc, fd);

	if (e)
		*e = l->fds[--l->nfds];
}

static bool proc_has_vfio(struct imp *imp, int proc)
{
	struct proc *l = &imp->procs[find_leader(imp, proc)];
	unsigned int i;

	if (l->nvmas)
		return true;
	for (i = 0; i < l->nfds; i++)
		if (l->fds[i].kind == FD_DEVICE)
			return true;
	return false;
}

/* ---- devices, files, entries ---- */

static int ent_new(struct imp *imp, int proc, int fd, int file)
{
	struct ent *e;

	if (!GROW(imp, ents, capents, imp->nents + 1))
		return -1;
	e = &imp->ents[imp->nents];
	e->proc = proc;
	e->fd = fd;
	e->file = file;
	return (int)imp->nents++;
}

static int file_new(struct imp *imp, int dev)
{
	if (!GROW(imp, files, capfiles, imp->nfiles + 1))
		return -1;
	imp->files[imp->nfiles].dev = dev;
	return (int)imp->nfiles++;
}

/*
 * The device of @key ("g:42", "c:vfio3", "p:PATH", "a:"): the one seen
 * before, else a sidecar device with that group/cdev, else the next
 * sidecar device that names neither, else a device the log alone
 * describes.  -1 when there are too many.
 */
static int dev_for(struct imp *imp, const char *key, const char *via)
{
	struct idev *d;
	unsigned int i;
	int sc = -1;

	for (i = 0; i < imp->ndevs; i++)
		if (!strcmp(imp->devs[i].key, key))
			return (int)i;
	if (key[0] == 'a') {
		/* only a -y annotation: the one device there is */
		if (imp->ndevs == 1)
			return 0;
		if (!imp->ndevs && imp->have_sc && imp->sc.nr == 1)
			sc = 0;
	}
	if (imp->ndevs == MAX_DEVS)
		return -1;
	if (imp->have_sc && sc < 0) {
		for (i = 0; i < imp->sc.nr && sc < 0; i++) {
			const struct sim_sidecar_dev *s = &imp->sc.devs[i];

			if (s->used)
				continue;
			if ((key[0] == 'g' && !strcmp(s->group, key + 2)) ||
			    (key[0] == 'c' && !strcmp(s->cdev, key + 2)))
				sc = (int)i;
		}
		for (i = 0; i < imp->sc.nr && sc < 0; i++) {
			const struct sim_sidecar_dev *s = &imp->sc.devs[i];

			if (!s->used && !s->group[0] && !s->cdev[0])
				sc = (int)i;
		}
	}
	d = &imp->devs[imp->ndevs];
	memset(d, 0, sizeof(*d));
	if (key[0] == 'a')
		snprintf(d->key, sizeof(d->key), "a:%u", imp->anon_devs++);
	else
		snprintf(d->key, sizeof(d->key), "%s", key);
	snprintf(d->via, sizeof(d->via), "%s", via);
	d->sc = sc;
	if (sc >= 0)
		imp->sc.devs[sc].used = true;
	snprintf(d->name, sizeof(d->name), "d%u", imp->ndevs);
	return (int)imp->ndevs++;
}

static int group_for(struct imp *imp, const char *id)
{
	unsigned int i;

	for (i = 0; i < imp->ngroups; i++)
		if (!strcmp(imp->groups[i].id, id))
			return (int)i;
	if (!GROW(imp, groups, capgroups, imp->ngroups + 1))
		return -1;
	snprintf(imp->groups[imp->ngroups].id, sizeof(imp->groups[0].id),
		 "%s", id);
	imp->groups[imp->ngroups].dev = -1;
	return (int)imp->ngroups++;
}

/* ---- what a path is ---- */

struct pathkind {
	enum fdkind kind;
	char key[72];		/* FD_DEVICE: its dev_for() key */
	char via[12];
	char group[24];		/* FD_GROUP */
};

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static void classify(struct imp *imp, const char *path, struct pathkind *k)
{
	unsigned int i;

	memset(k, 0, sizeof(*k));
	k->kind = FD_OTHER;
	if (imp->opts) {
		for (i = 0; i < imp->opts->nr_device_paths; i++) {
			if (imp->opts->device_paths[i] &&
			    !strcmp(path, imp->opts->device_paths[i])) {
				k->kind = FD_DEVICE;
				snprintf(k->key, sizeof(k->key), "p:%.60s", path);
				return;
			}
		}
	}
	if (!strcmp(path, "anon_inode:[vfio-device]")) {
		k->kind = FD_DEVICE;
		snprintf(k->key, sizeof(k->key), "a:");
		snprintf(k->via, sizeof(k->via), "group");
	} else if (!strcmp(path, "/dev/vfio/vfio")) {
		k->kind = FD_CONTAINER;
	} else if (!strcmp(path, "/dev/iommu")) {
		k->kind = FD_IOMMUFD;
	} else if (!strncmp(path, "/dev/vfio/devices/", 18) &&
		   strlen(path + 18) < 24 && path[18]) {
		k->kind = FD_DEVICE;
		snprintf(k->key, sizeof(k->key), "c:%s", path + 18);
		snprintf(k->via, sizeof(k->via), "cdev");
	} else if (!strncmp(path, "/dev/vfio/noiommu-", 18) &&
		   all_digits(path + 18) && strlen(path + 10) < 24) {
		k->kind = FD_GROUP;
		snprintf(k->group, sizeof(k->group), "%s", path + 10);
	} else if (!strncmp(path, "/dev/vfio/", 10) && all_digits(path + 10) &&
		   strlen(path + 10) < 24) {
		k->kind = FD_GROUP;
		snprintf(k->group, sizeof(k->group), "%s", path + 10);
	}
}

/* ---- ops ---- */

static struct op *event(struct imp *imp, int proc, enum vfiosim_op kind)
{
	struct op *op = new_op(imp, OPK_EVENT);

	if (!op)
		return NULL;
	op->op = kind;
	op->proc = proc;
	imp->line_used = true;
	return op;
}

/* An event on device fd @fd, whose table entry is @e. */
static struct op *dev_event(struct imp *imp, int proc, enum vfiosim_op kind,
			    const struct fdent *e, int64_t fd)
{
	struct op *op = event(imp, proc, kind);

	if (!op)
		return NULL;
	op->fd = (int)fd;
	op->ent = e->ent;
	op->file = e->file;
	op->dev = imp->files[e->file].dev;
	return op;
}

static void set_result(struct op *op, const struct call *c)
{
	if (c->unknown)
		return;
	op->has_result = true;
	if (c->is_err)
		op->err = c->err ? -c->err : 0;
	else
		op->value = c->ret;
}

/* A device fd appears: its open event (synthetic when @c is NULL). */
/* Make @fd of @proc a device fd naming @file; NULL when out of memory. */
static struct fdent *fd_put_device(struct imp *imp, int proc, int fd,
				   int file, bool cloexec)
{
	struct fdent *e = fd_put(imp, proc, fd);

	if (!e)
		return NULL;
	e->kind = FD_DEVICE;
	e->file = file;
	e->cloexec = cloexec;
	e->ent = ent_new(imp, find_leader(imp, proc), fd, file);
	return e->ent < 0 ? NULL : e;
}

static int open_device(struct imp *imp, int proc, int fd, int dev,
		       const char *via, bool cloexec, const struct call *c,
		       const char *why)
{
	struct fdent *e;
	struct op *op;
	int file;

	file = file_new(imp, dev);
	if (file < 0)
		return nomem(imp);
	e = fd_put_device(imp, proc, fd, file, cloexec);
	if (!e)
		return nomem(imp);
	op = event(imp, proc, VFIOSIM_OP_OPEN);
	if (!op)
		return nomem(imp);
	op->fd = fd;
	op->dev = dev;
	op->file = file;
	op->ent = e->ent;
	snprintf(op->via, sizeof(op->via), "%s", via ? via : "");
	if (c) {
		op->has_result = true;
		op->value = fd;
	}
	op->note = why;
	return 0;
}

/* The fd @fd of @proc goes away: a close event if it was a device fd. */
static int drop_fd(struct imp *imp, int proc, int64_t fd, const char *why)
{
	struct fdent *e = fd_find(imp, proc, fd);
	struct op *op;

	if (!e)
		return 0;
	if (e->kind == FD_DEVICE) {
		op = event(imp, proc, VFIOSIM_OP_CLOSE);
		if (!op)
			return nomem(imp);
		op->fd = (int)fd;
		op->ent = e->ent;
		op->file = e->file;
		op->note = why;
	}
	fd_del(imp, proc, fd);
	return 0;
}

static int fork_proc(struct imp *imp, int parent, int pid, bool shared,
		     int *child);

/*
 * @proc uses @fd it does not have: if it is a process strace showed
 * without its clone and exactly one other process has the fd, it is a
 * thread of that one.  True when it now has the fd.
 */
static bool adopt(struct imp *imp, int proc, int64_t fd)
{
	int me = find_leader(imp, proc), owner = -1;
	struct proc *m = &imp->procs[me], *o;
	unsigned int i, j;

	if (!imp->procs[proc].orphan)
		return false;
	for (i = 0; i < imp->nprocs; i++) {
		int l = find_leader(imp, (int)i);

		if (l != (int)i || l == me || imp->procs[l].exited)
			continue;
		if (fd_find(imp, l, fd)) {
			if (owner >= 0)
				return false;
			owner = l;
		}
	}
	if (owner < 0)
		return false;
	o = &imp->procs[owner];
	/* threads share the table: what this one opened is the owner's */
	for (i = 0; i < m->nfds; i++)
		if (fd_find(imp, owner, m->fds[i].fd))
			return false;
	for (i = 0; i < m->nfds; i++) {
		if (!grow((void **)&o->fds, &o->capfds, o->nfds + 1,
			  sizeof(*o->fds)))
			return false;
		o->fds[o->nfds++] = m->fds[i];
		if (m->fds[i].ent >= 0)
			imp->ents[m->fds[i].ent].proc = owner;
	}
	for (j = 0; j < m->nvmas; j++) {
		if (!grow((void **)&o->vmas, &o->capvmas, o->nvmas + 1,
			  sizeof(*o->vmas)))
			return false;
		o->vmas[o->nvmas++] = m->vmas[j];
	}
	free(m->fds);
	free(m->vmas);
	m->fds = NULL;
	m->vmas = NULL;
	m->nfds = m->capfds = m->nvmas = m->capvmas = 0;
	m->leader = owner;
	imp->procs[proc].orphan = false;
	return true;
}

/*
 * The fd table entry for @fd as this call shows it: the annotation (-y)
 * wins over what the table says (a close or open the log does not show).
 * NULL when the fd is not known.  *@bad on out of memory.
 */
static struct fdent *use_fd(struct imp *imp, int proc, const struct fdarg *f,
			    int *bad)
{
	struct fdent *e = fd_find(imp, proc, f->fd);
	struct pathkind k;
	int dev;

	*bad = 0;
	if (f->fd < 0 || f->fd > INT_MAX)
		return NULL;
	if (!f->has_ann) {
		if (!e && adopt(imp, proc, f->fd))
			e = fd_find(imp, proc, f->fd);
		return e;
	}
	imp->annotations = true;
	classify(imp, f->ann, &k);
	if (e && e->kind == k.kind &&
	    (k.kind != FD_GROUP || (e->group >= 0 &&
				    !strcmp(imp->groups[e->group].id, k.group))))
		return e;
	if (e && e->kind == FD_DEVICE && k.kind == FD_DEVICE)
		return e;
	if (!e && adopt(imp, proc, f->fd)) {
		e = fd_find(imp, proc, f->fd);
		if (e && e->kind == k.kind)
			return e;
	}
	if (e && drop_fd(imp, proc, f->fd,
			 "closed before this line (the log does not show it)")) {
		*bad = 1;
		return NULL;
	}
	if (k.kind == FD_DEVICE) {
		dev = dev_for(imp, k.key, k.via);
		if (dev < 0) {
			note(imp, imp->lineno, "more than %d devices", MAX_DEVS);
			return NULL;
		}
		if (open_device(imp, proc, (int)f->fd, dev, k.via, false, NULL,
				"opened before this line (seen by its -y annotation)")) {
			*bad = 1;
			return NULL;
		}
		return fd_find(imp, proc, f->fd);
	}
	e = fd_put(imp, proc, (int)f->fd);
	if (!e) {
		*bad = 1;
		nomem(imp);
		return NULL;
	}
	e->kind = k.kind;
	if (k.kind == FD_GROUP) {
		e->group = group_for(imp, k.group);
		if (e->group < 0) {
			*bad = 1;
			nomem(imp);
			return NULL;
		}
	}
	return e;
}

/* ---- VMAs ---- */

static int vma_add(struct imp *imp, int proc, uint64_t va, uint64_t len,
		   int file)
{
	struct proc *l = &imp->procs[find_leader(imp, proc)];

	if (l->nvmas >= MAX_VMAS) {
		/* not followed: its munmap will not be an event */
		if (!imp->vmas_full_noted) {
			imp->vmas_full_noted = true;
			return note(imp, imp->lineno,
				    "more than %d device mappings in a process: "
				    "the later ones are not followed", MAX_VMAS);
		}
		return 0;
	}
	if (!grow((void **)&l->vmas, &l->capvmas, l->nvmas + 1,
		  sizeof(*l->vmas)))
		return nomem(imp);
	l->vmas[l->nvmas].va = va;
	l->vmas[l->nvmas].len = len;
	l->vmas[l->nvmas].file = file;
	l->nvmas++;
	return 0;
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Unmap [va, va + len) from the device VMAs; true if any was there. */
static int vma_unmap(struct imp *imp, int proc, uint64_t va, uint64_t len,
		     bool *hit)
{
	struct proc *l = &imp->procs[find_leader(imp, proc)];
	uint64_t end = va + len;
	unsigned int i = 0;

	*hit = false;
	if (end < va)
		end = UINT64_MAX;
	while (i < l->nvmas) {
		struct vma *v = &l->vmas[i];
		uint64_t vend = v->va + v->len;

		if (!overlap(v->va, v->len, va, end - va)) {
			i++;
			continue;
		}
		*hit = true;
		if (v->va < va && vend > end) {
			struct vma tail = *v;

			tail.va = end;
			tail.len = vend - end;
			v->len = va - v->va;
			if (!grow((void **)&l->vmas, &l->capvmas, l->nvmas + 1,
				  sizeof(*l->vmas)))
				return -1;
			l->vmas[l->nvmas++] = tail;
			i++;
			continue;
		}
		if (v->va < va) {
			v->len = va - v->va;
			i++;
			continue;
		}
		if (vend > end) {
			v->len = vend - end;
			v->va = end;
			i++;
			continue;
		}
		*v = l->vmas[--l->nvmas];
	}
	return 0;
}

/* ---- the calls ---- */

static int need_args(struct imp *imp, const struct call *c, unsigned int lo,
		     unsigned int hi)
{
	if (c->nargs >= lo && c->nargs <= hi)
		return 0;
	if (lo == hi)
		return call_fail(imp, c, c->name_n, "expected %u argument%s to %.*s",
				 lo, lo == 1 ? "" : "s", (int)c->name_n, c->s);
	return call_fail(imp, c, c->name_n,
			 "expected %u to %u arguments to %.*s", lo, hi,
			 (int)c->name_n, c->s);
}

static int bad_arg(struct imp *imp, const struct call *c, unsigned int i,
		   const char *what)
{
	return call_fail(imp, c, c->arg[i].off, "expected %s", what);
}

/* An errno strace named but this importer does not know. */
static int check_errno(struct imp *imp, const struct call *c, bool *skip)
{
	*skip = false;
	if (c->unknown) {
		*skip = true;
		if (c->restart)
			return 0;	/* interrupted; the restart follows */
		return note(imp, imp->lineno,
			    "%.*s on a VFIO fd did not return ('= ?')",
			    (int)c->name_n, c->s);
	}
	if (c->is_err && !c->err) {
		*skip = true;
		return note(imp, imp->lineno, "unknown errno %s of %.*s",
			    c->ename[0] ? c->ename : "(number)",
			    (int)c->name_n, c->s);
	}
	return 0;
}

static int do_open(struct imp *imp, int proc, const struct call *c)
{
	unsigned int pi = call_is(c, "open") || call_is(c, "creat") ? 0 : 1;
	char path[512], ann[512];
	uint8_t raw[512];
	size_t total, bad_at;
	bool trunc, unk;
	struct pathkind k;
	uint64_t flags = 0;
	int r, dev;

	if (need_args(imp, c, pi + 1, pi + 4))
		return -1;
	r = arg_str(c, pi, raw, sizeof(raw) - 1, &total, &trunc, &bad_at);
	if (r < 0)
		return call_fail(imp, c, bad_at, "expected a well-formed string");
	if (c->nargs > pi + 1 && !call_is(c, "openat2") &&
	    !arg_flags(c, pi + 1, open_names, false, &flags, &unk))
		return bad_arg(imp, c, pi + 1, "open flags");
	if (c->unknown || c->is_err || c->ret < 0)
		return 0;
	if (c->ret > INT_MAX)
		return call_fail(imp, c, c->n, "expected an fd as the result");
	result_ann(c, ann, sizeof(ann));
	if (ann[0]) {
		snprintf(path, sizeof(path), "%s", ann);
	} else if (r > 0) {
		size_t m = total < sizeof(raw) - 1 ? total : sizeof(raw) - 1;

		raw[m] = '\0';
		snprintf(path, sizeof(path), "%s", (char *)raw);
	} else {
		path[0] = '\0';
	}
	if (drop_fd(imp, proc, c->ret,
		    "closed before this line (its number is reused)"))
		return -1;
	classify(imp, path, &k);
	if (k.kind == FD_DEVICE) {
		dev = dev_for(imp, k.key, k.via);
		if (dev < 0)
			return note(imp, imp->lineno, "more than %d devices",
				    MAX_DEVS);
		return open_device(imp, proc, (int)c->ret, dev, k.via,
				   flags & SIM_O_CLOEXEC, c, NULL);
	}
	{
		struct fdent *e = fd_put(imp, proc, (int)c->ret);

		if (!e)
			return nomem(imp);
		e->kind = k.kind;
		if (k.kind == FD_GROUP) {
			e->group = group_for(imp, k.group);
			if (e->group < 0)
				return nomem(imp);
		}
		if (k.kind != FD_OTHER)
			imp->line_used = true;
	}
	return 0;
}

static int do_close(struct imp *imp, int proc, const struct call *c)
{
	struct fdarg f;
	struct fdent *e;
	struct op *op;
	int bad;

	if (need_args(imp, c, 1, 1))
		return -1;
	if (!arg_fd(c, 0, &f))
		return bad_arg(imp, c, 0, "an fd");
	e = use_fd(imp, proc, &f, &bad);
	if (bad)
		return -1;
	if (!e)
		return 0;
	if (e->kind != FD_DEVICE) {
		if (!c->is_err)
			fd_del(imp, proc, f.fd);
		if (e->kind != FD_OTHER)
			imp->line_used = true;
		return 0;
	}
	if (c->unknown || c->is_err || c->ret)
		return note(imp, imp->lineno, "close of device fd %d failed",
			    (int)f.fd);
	op = event(imp, proc, VFIOSIM_OP_CLOSE);
	if (!op)
		return nomem(imp);
	op->fd = (int)f.fd;
	op->ent = e->ent;
	op->file = e->file;
	op->has_result = true;
	op->value = 0;
	fd_del(imp, proc, f.fd);
	return 0;
}

/* dup, dup2, dup3, fcntl(F_DUPFD, F_DUPFD_CLOEXEC) */
static int do_dup(struct imp *imp, int proc, const struct call *c)
{
	struct fdarg f;
	struct fdent *e, *ne;
	bool cloexec = false, unk;
	struct op *op;
	int bad, newfd, ent, file;

	if (call_is(c, "fcntl") || call_is(c, "fcntl64")) {
		/* F_DUPFD is 0, F_DUPFD_CLOEXEC 1030; any other: not a dup */
		static const struct flagname cmds[] = {
			{ "F_DUPFD", 0 }, { "F_DUPFD_CLOEXEC", 1030 },
			{ NULL, 0 },
		};
		uint64_t cmd;

		if (need_args(imp, c, 2, 3))
			return -1;
		if (!arg_flags(c, 1, cmds, true, &cmd, &unk))
			return bad_arg(imp, c, 1, "an fcntl command");
		if (unk)
			return 0;
		if (cmd != 0 && cmd != 1030)
			return 0;
		cloexec = cmd == 1030;
	} else if (call_is(c, "dup")) {
		if (need_args(imp, c, 1, 1))
			return -1;
	} else {
		if (need_args(imp, c, 2, 3))
			return -1;
		if (c->nargs == 3) {
			uint64_t fl;

			if (!arg_flags(c, 2, open_names, false, &fl, &unk))
				return bad_arg(imp, c, 2, "dup3 flags");
			cloexec = fl & SIM_O_CLOEXEC;
		}
	}
	if (!arg_fd(c, 0, &f))
		return bad_arg(imp, c, 0, "an fd");
	e = use_fd(imp, proc, &f, &bad);
	if (bad)
		return -1;
	if (c->unknown || c->is_err)
		return 0;
	if (c->ret < 0 || c->ret > INT_MAX)
		return call_fail(imp, c, c->n, "expected an fd as the result");
	newfd = (int)c->ret;
	if (newfd == f.fd)
		return 0;
	if (!e || e->kind != FD_DEVICE) {
		/* the target, if it was a device fd, is closed by dup2 */
		if (drop_fd(imp, proc, newfd,
			    "closed by the dup2 of another file onto it"))
			return -1;
		if (e) {
			struct fdent copy = *e;

			ne = fd_put(imp, proc, newfd);
			if (!ne)
				return nomem(imp);
			*ne = copy;
			ne->fd = newfd;
			ne->cloexec = cloexec;
			if (copy.kind != FD_OTHER)
				imp->line_used = true;
		}
		return 0;
	}
	ent = e->ent;
	file = e->file;
	/* the replayer's dup closes what was at new= */
	{
		struct fdent *old = fd_find(imp, proc, newfd);

		if (old)
			fd_del(imp, proc, newfd);
	}
	ne = fd_put_device(imp, proc, newfd, file, cloexec);
	if (!ne)
		return nomem(imp);
	op = event(imp, proc, VFIOSIM_OP_DUP);
	if (!op)
		return nomem(imp);
	op->fd = (int)f.fd;
	op->new_fd = newfd;
	op->ent = ent;
	op->from_ent = ne->ent;
	op->file = file;
	op->has_result = true;
	op->value = newfd;
	return 0;
}

static bool is_vfio_number(uint64_t cmd)
{
	return (cmd & 0xffff) >> 8 == SIM_VFIO_TYPE && !(cmd >> 16);
}

static int ioctl_device(struct imp *imp, int proc, struct fdent *e,
			int64_t fd, uint64_t cmd, const struct call *c)
{
	enum vfiosim_op kind;
	struct op *op;
	bool skip;

	switch (cmd) {
	case SIM_VFIO_DEVICE_GET_INFO:
		kind = VFIOSIM_OP_INFO;
		break;
	case SIM_VFIO_DEVICE_GET_REGION_INFO:
		kind = VFIOSIM_OP_RINFO;
		break;
	case SIM_VFIO_DEVICE_GET_IRQ_INFO:
		kind = VFIOSIM_OP_IRQINFO;
		break;
	case SIM_VFIO_DEVICE_SET_IRQS:
		kind = VFIOSIM_OP_IRQSET;
		break;
	case SIM_VFIO_DEVICE_RESET:
		kind = VFIOSIM_OP_RESET;
		break;
	case SIM_VFIO_DEVICE_IOEVENTFD:
		kind = VFIOSIM_OP_IOEVENTFD;
		break;
	default:
		kind = VFIOSIM_OP_IOCTL;
		break;
	}
	if (check_errno(imp, c, &skip))
		return -1;
	if (skip)
		return 0;
	/*
	 * VFIO_DEVICE_BIND_IOMMUFD, ATTACH_IOMMUFD_PT, DETACH_IOMMUFD_PT:
	 * the iommufd side of opening a cdev, which the trace's open stands
	 * for; the simulator has no IOMMU.
	 */
	if (cmd >= 0x3b76 && cmd <= 0x3b78 && !c->is_err) {
		imp->line_used = true;
		return comment(imp, imp->lineno,
			       "an iommufd ioctl of the device fd (part of opening the cdev: not an event)");
	}
	if (!c->is_err && (c->ret < 0 ||
			   (c->ret && (kind == VFIOSIM_OP_IRQSET ||
				       kind == VFIOSIM_OP_RESET ||
				       kind == VFIOSIM_OP_IOEVENTFD))))
		return note(imp, imp->lineno, "ioctl result %" PRId64
			    " is not a result a trace can record", c->ret);
	op = dev_event(imp, proc, kind, e, fd);
	if (!op)
		return nomem(imp);
	op->cmd = cmd;
	set_result(op, c);
	if (kind == VFIOSIM_OP_RESET) {
		struct idev *d = &imp->devs[op->dev];

		if (!c->is_err)
			d->reset_ok = true;
		else if (c->err == EINVAL)
			d->reset_einval = true;
	}
	if (kind == VFIOSIM_OP_IOEVENTFD && c->is_err && c->err == ENOTTY)
		imp->devs[op->dev].ioev_enotty = true;
	return 0;
}

static int do_ioctl(struct imp *imp, int proc, const struct call *c)
{
	struct fdarg f;
	struct fdent *e;
	uint64_t cmd = 0;
	bool known;
	int bad, dev;

	if (need_args(imp, c, 2, 3))
		return -1;
	if (!arg_fd(c, 0, &f))
		return bad_arg(imp, c, 0, "an fd");
	known = arg_ioctl(imp, c, 1, &cmd);
	e = use_fd(imp, proc, &f, &bad);
	if (bad)
		return -1;
	if (!e) {
		if (known && is_vfio_number(cmd) && cmd >= 0x3b6b &&
		    cmd <= 0x3b79)
			return note(imp, imp->lineno,
				    "VFIO ioctl on fd %" PRId64 ", whose file the log "
				    "does not show (use -y)", f.fd);
		return 0;
	}
	if (e->kind == FD_DEVICE) {
		if (!known)
			return note(imp, imp->lineno,
				    "ioctl on device fd %" PRId64 " with a request "
				    "this importer does not know", f.fd);
		return ioctl_device(imp, proc, e, f.fd, cmd, c);
	}
	if (e->kind != FD_GROUP)
		return 0;
	imp->line_used = true;
	if (!known || cmd != SIM_VFIO_GROUP_GET_DEVICE_FD)
		return 0;
	if (c->unknown)
		return note(imp, imp->lineno,
			    "VFIO_GROUP_GET_DEVICE_FD did not return");
	if (c->is_err)
		return comment(imp, imp->lineno,
			       "VFIO_GROUP_GET_DEVICE_FD failed: no device fd, no event");
	if (c->ret < 0 || c->ret > INT_MAX)
		return call_fail(imp, c, c->n, "expected an fd as the result");
	{
		char key[40];
		const char *gid = imp->groups[e->group].id;

		snprintf(key, sizeof(key), "g:%s", gid);
		dev = dev_for(imp, key, !strncmp(gid, "noiommu-", 8) ?
			      "noiommu" : "group");
	}
	if (dev < 0)
		return note(imp, imp->lineno, "more than %d devices", MAX_DEVS);
	if (drop_fd(imp, proc, c->ret,
		    "closed before this line (its number is reused)"))
		return -1;
	/* vfio_group_ioctl_get_device_fd(): O_CLOEXEC */
	return open_device(imp, proc, (int)c->ret, dev, imp->devs[dev].via,
			   true, c, NULL);
}

static void note_access(struct imp *imp, int dev, uint64_t off,
			uint64_t end, bool exact)
{
	unsigned int idx = sim_legacy_index(off);
	struct idev *d = &imp->devs[dev];

	if (idx >= VFIOSIM_MAX_REGIONS || end < off)
		return;
	end = (off & SIM_LEGACY_MASK) + (end - off);	/* in the region */
	d->used |= 1u << idx;
	if (end > d->max_end[idx])
		d->max_end[idx] = end;
	if (exact && !(d->exact & (1u << idx))) {
		d->exact |= 1u << idx;
		d->exact_end[idx] = end;
	}
}

/* pread64, pwrite64 (and pread/pwrite of old strace builds) */
static int do_rw(struct imp *imp, int proc, const struct call *c, bool write)
{
	uint8_t buf[VFIOSIM_MAX_DATA];
	size_t total, bad_at;
	uint64_t count, off;
	struct fdarg f;
	struct fdent *e;
	struct op *op;
	bool trunc, skip;
	int bad, r;

	if (need_args(imp, c, 4, 4))
		return -1;
	if (!arg_fd(c, 0, &f))
		return bad_arg(imp, c, 0, "an fd");
	r = arg_str(c, 1, buf, sizeof(buf), &total, &trunc, &bad_at);
	if (r < 0)
		return call_fail(imp, c, bad_at, "expected a well-formed string");
	if (!arg_u64(c, 2, &count))
		return bad_arg(imp, c, 2, "a byte count");
	if (!arg_u64(c, 3, &off))
		return bad_arg(imp, c, 3, "an offset");
	if (r > 0 && total > count)
		return call_fail(imp, c, c->arg[1].off,
				 "expected at most %" PRIu64 " bytes in the string",
				 count);
	if (!c->unknown && !c->is_err && c->ret >= 0 &&
	    (uint64_t)c->ret > count)
		return call_fail(imp, c, c->n,
				 "expected a result of at most the count %" PRIu64,
				 count);
	if (!write && r > 0 && !c->is_err && !c->unknown &&
	    total > (uint64_t)c->ret)
		return call_fail(imp, c, c->arg[1].off,
				 "expected at most the %" PRId64 " bytes read",
				 c->ret);
	e = use_fd(imp, proc, &f, &bad);
	if (bad)
		return -1;
	if (!e) {
		if (off >> SIM_LEGACY_SHIFT)
			return note(imp, imp->lineno,
				    "%.*s at a VFIO-like offset on fd %" PRId64
				    ", whose file the log does not show",
				    (int)c->name_n, c->s, f.fd);
		return 0;
	}
	if (e->kind != FD_DEVICE)
		return 0;
	if (check_errno(imp, c, &skip))
		return -1;
	if (skip)
		return 0;
	if (!c->is_err && c->ret < 0)
		return call_fail(imp, c, c->n, "expected a byte count or -1");
	op = dev_event(imp, proc, write ? VFIOSIM_OP_WR : VFIOSIM_OP_RD, e,
		       f.fd);
	if (!op)
		return nomem(imp);
	op->off = off;
	op->len = count;
	set_result(op, c);
	if (r > 0 && (write || !c->is_err)) {
		op->data_len = (unsigned int)(total < sizeof(buf) ? total :
					      sizeof(buf));
		memcpy(op->data, buf, op->data_len);
		if (trunc || total > sizeof(buf))
			op->note = "data cut at strace's -s";
	}
	if (!c->is_err && c->ret > 0)
		note_access(imp, op->dev, off, off + (uint64_t)c->ret,
			    (uint64_t)c->ret < count);
	return 0;
}

static uint64_t page_align(uint64_t v)
{
	return (v + SIM_PAGE - 1) & ~(SIM_PAGE - 1);
}

static int do_mmap(struct imp *imp, int proc, const struct call *c)
{
	uint64_t addr, len, prot, flags, off;
	struct fdarg f;
	struct fdent *e = NULL;
	bool unk_p, unk_f, anon, skip, hit;
	struct op *op;
	int bad;

	if (need_args(imp, c, 6, 6))
		return -1;
	if (!arg_u64(c, 0, &addr))
		return bad_arg(imp, c, 0, "an address or NULL");
	if (!arg_u64(c, 1, &len))
		return bad_arg(imp, c, 1, "a length");
	if (!arg_flags(c, 2, prot_names, true, &prot, &unk_p))
		return bad_arg(imp, c, 2, "PROT_ flags");
	if (!arg_flags(c, 3, map_names, true, &flags, &unk_f))
		return bad_arg(imp, c, 3, "MAP_ flags");
	if (!arg_fd(c, 4, &f))
		return bad_arg(imp, c, 4, "an fd");
	if (!arg_u64(c, 5, &off))
		return bad_arg(imp, c, 5, "an offset");
	if (call_is(c, "mmap2")) {
		if (off > UINT64_MAX / SIM_PAGE)
			return bad_arg(imp, c, 5, "a page offset");
		off *= SIM_PAGE;
	}
	anon = (flags & 0x20) || f.fd < 0;
	if (!anon) {
		e = use_fd(imp, proc, &f, &bad);
		if (bad)
			return -1;
	}
	if (!e || e->kind != FD_DEVICE) {
		if (!anon && !e && (off >> SIM_LEGACY_SHIFT))
			return note(imp, imp->lineno,
				    "mmap at a VFIO-like offset of fd %" PRId64
				    ", whose file the log does not show", f.fd);
		/* MAP_FIXED over a device mapping replaces it */
		if ((flags & 0x10) && !c->is_err && !c->unknown && len) {
			struct proc *l = &imp->procs[find_leader(imp, proc)];
			unsigned int i;

			for (i = 0; i < l->nvmas; i++)
				if (overlap(l->vmas[i].va, l->vmas[i].len, addr,
					    page_align(len)))
					break;
			if (i == l->nvmas)
				return 0;
			if (vma_unmap(imp, proc, addr, page_align(len), &hit))
				return nomem(imp);
			op = event(imp, proc, VFIOSIM_OP_MUNMAP);
			if (!op)
				return nomem(imp);
			op->va = addr;
			op->len = len;
			op->has_result = true;
			op->note = "a MAP_FIXED mapping of something else "
				   "replaces the device mapping";
		}
		return 0;
	}
	if (check_errno(imp, c, &skip))
		return -1;
	if (skip)
		return 0;
	if (unk_p || unk_f)
		return note(imp, imp->lineno,
			    "mmap of device fd %" PRId64 " with flags this "
			    "importer does not know", f.fd);
	op = dev_event(imp, proc, VFIOSIM_OP_MMAP, e, f.fd);
	if (!op)
		return nomem(imp);
	op->off = off;
	op->len = len;
	op->prot = (prot & 1 ? VFIOSIM_PROT_R : 0) |
		   (prot & 2 ? VFIOSIM_PROT_W : 0) |
		   (prot & 4 ? VFIOSIM_PROT_X : 0);
	op->mflags = ((flags & 3) == 1 || (flags & 3) == 3 ?
		      VFIOSIM_MAP_SHARED : 0) |
		     ((flags & 3) == 2 ? VFIOSIM_MAP_PRIVATE : 0) |
		     (flags & 0x10 ? VFIOSIM_MAP_FIXED : 0);
	if (addr) {
		op->has_addr = true;
		op->va = addr;
	}
	set_result(op, c);
	if (!c->is_err) {
		uint64_t va = (uint64_t)c->ret;

		if (vma_unmap(imp, proc, va, page_align(len), &hit))
			return nomem(imp);
		if (vma_add(imp, proc, va, page_align(len), e->file))
			return -1;
		note_access(imp, op->dev, off, off + page_align(len), false);
		if (sim_legacy_index(off) < VFIOSIM_MAX_REGIONS)
			imp->devs[op->dev].mmap_ok |=
				1u << sim_legacy_index(off);
	} else if (c->err == EINVAL && (flags & 3) == 1 &&
		   sim_legacy_index(off) < VFIOSIM_MAX_REGIONS) {
		imp->devs[op->dev].mmap_bad |= 1u << sim_legacy_index(off);
	}
	return 0;
}

static int do_munmap(struct imp *imp, int proc, const struct call *c)
{
	uint64_t addr, len;
	struct op *op;
	bool hit;
	struct proc *l;
	unsigned int i;

	if (need_args(imp, c, 2, 2))
		return -1;
	if (!arg_u64(c, 0, &addr))
		return bad_arg(imp, c, 0, "an address");
	if (!arg_u64(c, 1, &len))
		return bad_arg(imp, c, 1, "a length");
	l = &imp->procs[find_leader(imp, proc)];
	for (i = 0; i < l->nvmas; i++)
		if (overlap(l->vmas[i].va, l->vmas[i].len, addr,
			    page_align(len) ? page_align(len) : 1))
			break;
	if (i == l->nvmas)
		return 0;
	if (c->unknown || c->is_err || c->ret)
		return note(imp, imp->lineno,
			    "munmap of a device mapping failed");
	if (vma_unmap(imp, proc, addr, page_align(len), &hit))
		return nomem(imp);
	op = event(imp, proc, VFIOSIM_OP_MUNMAP);
	if (!op)
		return nomem(imp);
	op->va = addr;
	op->len = len;
	op->has_result = true;
	return 0;
}

static int do_mremap(struct imp *imp, int proc, const struct call *c)
{
	uint64_t addr, len;
	struct proc *l;
	unsigned int i;
	bool hit;

	if (c->nargs < 2 || !arg_u64(c, 0, &addr) || !arg_u64(c, 1, &len))
		return 0;
	l = &imp->procs[find_leader(imp, proc)];
	for (i = 0; i < l->nvmas; i++)
		if (overlap(l->vmas[i].va, l->vmas[i].len, addr,
			    page_align(len) ? page_align(len) : 1))
			break;
	if (i == l->nvmas)
		return 0;
	if (vma_unmap(imp, proc, addr, page_align(len), &hit))
		return nomem(imp);
	return note(imp, imp->lineno,
		    "mremap of a device mapping: a trace cannot say it (the "
		    "mapping is forgotten)");
}

/* clone flags in @s (the arguments, maybe half of them) */
static bool clone_flags(const char *s, size_t n, uint64_t *flags)
{
	const char *p = memmem(s, n, "flags=", 6);
	size_t i, end;
	bool unk;

	*flags = 0;
	if (!p)
		return false;
	i = (size_t)(p - s) + 6;
	for (end = i; end < n && s[end] != ',' && s[end] != '}'; end++) {
		if (s[end] == '/' && end + 1 < n && s[end + 1] == '*') {
			size_t j = skip_comment(s, n, end);

			if (!j)
				return false;
			end = j - 1;
		}
	}
	return flags_value(s + i, end - i, clone_names, false, flags, &unk);
}

static int fork_proc(struct imp *imp, int parent, int pid, bool shared,
		     int *child)
{
	int ch = proc_by_pid(imp, pid), pl, cl;
	struct proc *P, *C;
	unsigned int i;
	struct op *op;

	if (ch >= 0 && !imp->procs[ch].exited) {
		*child = ch;
		return 0;	/* seen already (its lines came first) */
	}
	ch = proc_new(imp, pid);
	if (ch == -2)
		return nomem(imp);
	if (ch < 0)
		return note(imp, imp->lineno, "more than %d processes",
			    MAX_PROCS);
	*child = ch;
	pl = find_leader(imp, parent);
	if (shared) {
		imp->procs[ch].leader = pl;
		return 0;
	}
	P = &imp->procs[pl];
	C = &imp->procs[ch];
	cl = ch;
	if (!proc_has_vfio(imp, pl))
		return 0;
	op = event(imp, parent, VFIOSIM_OP_FORK);
	if (!op)
		return nomem(imp);
	op->child = ch;
	op->pair_first = imp->npairs;
	C->fds = calloc(P->nfds ? P->nfds : 1, sizeof(*C->fds));
	C->vmas = calloc(P->nvmas ? P->nvmas : 1, sizeof(*C->vmas));
	if (!C->fds || !C->vmas)
		return nomem(imp);
	C->capfds = P->nfds ? P->nfds : 1;
	C->capvmas = P->nvmas ? P->nvmas : 1;
	for (i = 0; i < P->nfds; i++) {
		struct fdent *e = &C->fds[C->nfds++];

		*e = P->fds[i];
		if (e->kind != FD_DEVICE)
			continue;
		e->ent = ent_new(imp, cl, e->fd, e->file);
		if (e->ent < 0 || !GROW(imp, pairs, cappairs,
					imp->npairs + 1))
			return nomem(imp);
		imp->pairs[imp->npairs].from = P->fds[i].ent;
		imp->pairs[imp->npairs].to = e->ent;
		imp->npairs++;
	}
	if (P->nvmas)
		memcpy(C->vmas, P->vmas, P->nvmas * sizeof(*C->vmas));
	C->nvmas = P->nvmas;
	op = &imp->ops[imp->nops - 1];
	op->pair_n = imp->npairs - op->pair_first;
	return 0;
}

static int do_clone(struct imp *imp, int proc, const struct call *c)
{
	uint64_t flags = 0;
	bool shared;
	int child;

	if (c->unknown || c->is_err || c->ret <= 0)
		return 0;
	if (c->ret > INT_MAX)
		return call_fail(imp, c, c->n, "expected a pid as the result");
	if (call_is(c, "clone") || call_is(c, "clone3"))
		clone_flags(c->s, c->n, &flags);
	shared = flags & (SIM_CLONE_THREAD | SIM_CLONE_FILES);
	return fork_proc(imp, proc, (int)c->ret, shared, &child);
}

/* execve: the address space goes, and every close-on-exec fd. */
static int do_execve(struct imp *imp, int proc, const struct call *c)
{
	struct proc *l = &imp->procs[find_leader(imp, proc)];
	unsigned int i;
	struct op *op;

	if (c->unknown || c->is_err || c->ret != 0)
		return 0;
	while (l->nvmas) {
		struct vma v = l->vmas[l->nvmas - 1];
		bool hit;

		if (vma_unmap(imp, proc, v.va, v.len, &hit))
			return nomem(imp);
		op = event(imp, proc, VFIOSIM_OP_MUNMAP);
		if (!op)
			return nomem(imp);
		op->va = v.va;
		op->len = v.len;
		op->has_result = true;
		op->note = "execve replaces the address space";
		l = &imp->procs[find_leader(imp, proc)];
	}
	for (i = 0; i < l->nfds;) {
		if (l->fds[i].kind == FD_DEVICE && l->fds[i].cloexec) {
			if (drop_fd(imp, proc, l->fds[i].fd,
				    "close-on-exec at execve"))
				return -1;
			l = &imp->procs[find_leader(imp, proc)];
			continue;
		}
		i++;
	}
	return 0;
}

/* Any other call: a note only when it works on a device fd. */
static int do_other(struct imp *imp, int proc, const struct call *c)
{
	struct fdarg f;
	struct fdent *e;

	if (!c->nargs || !arg_fd(c, 0, &f) || f.fd < 0)
		return 0;
	e = fd_find(imp, proc, f.fd);
	if (f.has_ann) {
		struct pathkind k;

		classify(imp, f.ann, &k);
		if (k.kind != FD_DEVICE)
			return 0;
	} else if (!e || e->kind != FD_DEVICE) {
		return 0;
	}
	return note(imp, imp->lineno,
		    "%.*s on device fd %" PRId64 " is not an event a trace has",
		    (int)c->name_n, c->s, f.fd);
}

static int do_call(struct imp *imp, int proc, const struct call *c)
{
	if (call_is(c, "openat") || call_is(c, "open") ||
	    call_is(c, "openat2") || call_is(c, "creat"))
		return do_open(imp, proc, c);
	if (call_is(c, "close"))
		return do_close(imp, proc, c);
	if (call_is(c, "dup") || call_is(c, "dup2") || call_is(c, "dup3") ||
	    call_is(c, "fcntl") || call_is(c, "fcntl64"))
		return do_dup(imp, proc, c);
	if (call_is(c, "ioctl"))
		return do_ioctl(imp, proc, c);
	if (call_is(c, "pread64") || call_is(c, "pread"))
		return do_rw(imp, proc, c, false);
	if (call_is(c, "pwrite64") || call_is(c, "pwrite"))
		return do_rw(imp, proc, c, true);
	if (call_is(c, "mmap") || call_is(c, "mmap2"))
		return do_mmap(imp, proc, c);
	if (call_is(c, "munmap"))
		return do_munmap(imp, proc, c);
	if (call_is(c, "mremap"))
		return do_mremap(imp, proc, c);
	if (call_is(c, "clone") || call_is(c, "clone3") ||
	    call_is(c, "fork") || call_is(c, "vfork"))
		return do_clone(imp, proc, c);
	if (call_is(c, "execve") || call_is(c, "execveat"))
		return do_execve(imp, proc, c);
	return do_other(imp, proc, c);
}

/* ---- lines ---- */

/* A process that has started a clone/fork not yet returned, if one. */
static int pending_cloner(struct imp *imp, uint64_t *flags)
{
	unsigned int i;
	int found = -1;

	for (i = 0; i < imp->nprocs; i++) {
		struct proc *p = &imp->procs[i];

		if (!p->pend || p->exited)
			continue;
		if (strcmp(p->pend_name, "clone") &&
		    strcmp(p->pend_name, "clone3") &&
		    strcmp(p->pend_name, "fork") &&
		    strcmp(p->pend_name, "vfork"))
			continue;
		if (found >= 0)
			return -1;
		found = (int)i;
		clone_flags(p->pend, p->pend_len, flags);
	}
	return found;
}

/* The process of a line: @pid (-1 when the line shows none). */
static int line_proc(struct imp *imp, int64_t pid, int *proc)
{
	uint64_t flags = 0;
	int p = -1, parent;
	unsigned int i;

	if (pid < 0) {
		/* no prefix: the process strace traces now (the first) */
		for (i = 0; i < imp->nprocs && p < 0; i++)
			if (!imp->procs[i].exited)
				p = (int)i;
		if (p < 0) {
			p = proc_new(imp, 0);
			if (p == -2)
				return nomem(imp);
			if (p < 0)
				return note(imp, imp->lineno,
					    "more than %d processes", MAX_PROCS);
		}
		*proc = p;
		return 0;
	}
	p = proc_by_pid(imp, (int)pid);
	if (p >= 0) {
		*proc = p;
		return 0;
	}
	parent = pending_cloner(imp, &flags);
	if (parent >= 0)
		return fork_proc(imp, parent, (int)pid,
				 flags & (SIM_CLONE_THREAD | SIM_CLONE_FILES),
				 proc);
	/* the first process, shown without a prefix until now */
	for (i = 0; i < imp->nprocs; i++) {
		if (imp->procs[i].pid == 0 && !imp->procs[i].exited) {
			imp->procs[i].pid = (int)pid;
			*proc = (int)i;
			return 0;
		}
	}
	p = proc_new(imp, (int)pid);
	if (p == -2)
		return nomem(imp);
	if (p < 0)
		return note(imp, imp->lineno, "more than %d processes",
			    MAX_PROCS);
	imp->procs[p].orphan = imp->nprocs > 1;
	*proc = p;
	return 0;
}

static bool is_handled(const char *name)
{
	static const char *const names[] = {
		"ioctl", "pread64", "pwrite64", "pread", "pwrite", "mmap",
		"mmap2", "munmap", "close", "dup", "dup2", "dup3", "fcntl",
		"openat", "open", NULL,
	};
	unsigned int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* Run the call @s (@n bytes), whose halves start at the given places. */
static int run_call(struct imp *imp, int proc, const char *s, size_t n,
		    size_t split, unsigned int line0, unsigned int col0,
		    unsigned int line1, unsigned int col1)
{
	struct call c;

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.n = n;
	c.split = split;
	c.line0 = line0;
	c.col0 = col0;
	c.line1 = line1;
	c.col1 = col1;
	if (parse_call(imp, &c))
		return -1;
	if (proc < 0)
		return 0;
	return do_call(imp, proc, &c);
}

static void drop_pending(struct proc *p)
{
	free(p->pend);
	p->pend = NULL;
	p->pend_len = 0;
}

/* "--- SIG... ---", "+++ exited with 0 +++", "<... x resumed>", calls */
static int body(struct imp *imp, int proc, const char *s, size_t n,
		unsigned int col)
{
	static const char unfin[] = " <unfinished ...>";
	size_t un = sizeof(unfin) - 1, i;
	struct proc *p = proc >= 0 ? &imp->procs[proc] : NULL;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= 4 && !memcmp(s, "--- ", 4)) {
		if (n < 8 || memcmp(s + n - 4, " ---", 4))
			return fail_at(imp, imp->lineno, col + (unsigned int)n,
				       "expected ' ---' closing the signal");
		imp->out->ignored++;
		return 0;
	}
	if (n >= 4 && !memcmp(s, "+++ ", 4)) {
		if (n < 8 || memcmp(s + n - 4, " +++", 4))
			return fail_at(imp, imp->lineno, col + (unsigned int)n,
				       "expected ' +++' closing the exit");
		if (p && (memmem(s, n, "exited with", 11) ||
			  memmem(s, n, "killed by", 9))) {
			if (p->pend) {
				if (is_handled(p->pend_name) &&
				    note(imp, p->pend_line,
					 "%s did not return before the exit",
					 p->pend_name))
					return -1;
				drop_pending(p);
			}
			p->exited = true;
		}
		imp->out->ignored++;
		return 0;
	}
	if (n >= 5 && !memcmp(s, "<... ", 5)) {
		char name[32];
		size_t rest;
		int ret;

		for (i = 5; i < n && name_char(s[i]); i++)
			;
		if (i == 5 || i - 5 >= sizeof(name) ||
		    n - i < 9 || memcmp(s + i, " resumed>", 9))
			return fail_at(imp, imp->lineno, col + (unsigned int)i,
				       "expected '<... NAME resumed>'");
		memcpy(name, s + 5, i - 5);
		name[i - 5] = '\0';
		rest = i + 9;
		if (!p || !p->pend) {
			if (is_handled(name))
				return note(imp, imp->lineno,
					    "<... %s resumed> without the start "
					    "of the call", name);
			imp->out->ignored++;
			return 0;
		}
		if (strcmp(name, p->pend_name))
			return fail_at(imp, imp->lineno, col + 5,
				       "expected <... %s resumed> for the call "
				       "started on line %u", p->pend_name,
				       p->pend_line);
		if (rest < n && s[rest] == ' ')
			rest++;
		if (n - rest >= un - 1 &&
		    !memcmp(s + rest, unfin + 1, un - 1)) {
			/* "<... x resumed> <unfinished ...>) = ?": gone */
			if (is_handled(name) &&
			    note(imp, p->pend_line, "%s did not return", name))
				return -1;
			drop_pending(p);
			return 0;
		}
		{
			size_t pl = p->pend_len, tl = pl + (n - rest);
			char *joined = malloc(tl + 1);
			unsigned int l0 = p->pend_line, c0 = p->pend_col;

			if (!joined)
				return nomem(imp);
			memcpy(joined, p->pend, pl);
			memcpy(joined + pl, s + rest, n - rest);
			joined[tl] = '\0';
			drop_pending(p);
			imp->cur_key = l0;
			ret = run_call(imp, proc, joined, tl, pl, l0, c0,
				       imp->lineno, col + (unsigned int)rest);
			free(joined);
			return ret;
		}
	}
	for (i = 0; i < n && name_char(s[i]); i++)
		;
	if (!i || i == n || s[i] != '(')
		return fail_at(imp, imp->lineno, col + (unsigned int)i,
			       "expected a system call, a signal (--- ---), an "
			       "exit (+++ +++) or <... resumed>");
	if (n >= un && !memcmp(s + n - un, unfin, un)) {
		if (!p)
			return 0;
		if (p->pend)
			return fail_at(imp, imp->lineno, col,
				       "expected <... %s resumed> for the call "
				       "started on line %u first", p->pend_name,
				       p->pend_line);
		if (i >= sizeof(p->pend_name))
			return fail_at(imp, imp->lineno, col,
				       "expected a shorter system call name");
		p->pend = malloc(n - un + 1);
		if (!p->pend)
			return nomem(imp);
		memcpy(p->pend, s, n - un);
		p->pend[n - un] = '\0';
		p->pend_len = n - un;
		p->pend_line = imp->lineno;
		p->pend_col = col;
		memcpy(p->pend_name, s, i);
		p->pend_name[i] = '\0';
		imp->line_used = true;
		return 0;
	}
	return run_call(imp, proc, s, n, n, imp->lineno, col, imp->lineno,
			col);
}

/* "HH:MM:SS[.frac] " or "SECS.frac " at @s; its length (0: none). */
static size_t parse_time(struct imp *imp, const char *s, size_t n,
			 int *style, char *t, size_t tcap)
{
	unsigned int h, m, sec;
	size_t i = 0, fr, fl;

	*style = 0;
	t[0] = '\0';
	if (n >= 9 && isdigit((unsigned char)s[0]) &&
	    isdigit((unsigned char)s[1]) && s[2] == ':' &&
	    isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
	    s[5] == ':' && isdigit((unsigned char)s[6]) &&
	    isdigit((unsigned char)s[7])) {
		h = (unsigned int)((s[0] - '0') * 10 + (s[1] - '0'));
		m = (unsigned int)((s[3] - '0') * 10 + (s[4] - '0'));
		sec = (unsigned int)((s[6] - '0') * 10 + (s[7] - '0'));
		i = 8;
		fr = 0;
		fl = 0;
		if (i < n && s[i] == '.') {
			fr = ++i;
			while (i < n && isdigit((unsigned char)s[i]))
				i++;
			fl = i - fr;
			if (!fl || fl > 9)
				return 0;
		}
		if (i == n || s[i] != ' ' || h > 23 || m > 59 || sec > 60)
			return 0;
		*style = 1;
		imp->fraction_seen |= fl != 0;
		if (fl)
			snprintf(t, tcap, "%u.%.*s", h * 3600 + m * 60 + sec,
				 (int)fl, s + fr);
		else
			snprintf(t, tcap, "%u", h * 3600 + m * 60 + sec);
		return i + 1;
	}
	while (i < n && s[i] == ' ')
		i++;
	fr = i;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (i == fr || i - fr > 12 || i + 1 >= n || s[i] != '.')
		return 0;
	fl = ++i;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (i == fl || i - fl > 9 || i == n || s[i] != ' ')
		return 0;
	{
		uint64_t whole = 0, frac = 0;
		size_t k;

		for (k = fr; k < fl - 1; k++)
			whole = whole * 10 + (uint64_t)(s[k] - '0');
		for (k = fl; k < i; k++)
			frac = frac * 10 + (uint64_t)(s[k] - '0');
		for (k = i - fl; k < 9; k++)
			frac *= 10;
		if (whole >= 100000000 || (imp->style_set &&
					   imp->time_style == 2)) {
			*style = 2;
			snprintf(t, tcap, "%.*s", (int)(i - fr), s + fr);
		} else {
			/* -r: the time since the line before; add them up */
			*style = 3;
			imp->rel_ns += whole * (uint64_t)1000000000 + frac;
			snprintf(t, tcap, "%" PRIu64 ".%06" PRIu64,
				 imp->rel_ns / (uint64_t)1000000000,
				 imp->rel_ns % (uint64_t)1000000000 / 1000);
		}
	}
	return i + 1;
}

static int strace_message(struct imp *imp, const char *s, size_t n)
{
	int64_t pid;
	size_t k;
	int p, parent;
	uint64_t flags = 0;

	imp->out->ignored++;
	if (n < 17 || memcmp(s, "strace: Process ", 16))
		return 0;
	k = num_len(s + 16, n - 16);
	if (!k || !parse_s64(s + 16, k, &pid) || pid <= 0 || pid > INT_MAX ||
	    n - 16 - k < 9 || memcmp(s + 16 + k, " attached", 9))
		return 0;
	if (proc_by_pid(imp, (int)pid) >= 0)
		return 0;
	parent = pending_cloner(imp, &flags);
	if (parent >= 0) {
		if (fork_proc(imp, parent, (int)pid,
			      flags & (SIM_CLONE_THREAD | SIM_CLONE_FILES), &p))
			return -1;
	} else {
		p = proc_new(imp, (int)pid);
		if (p == -2)
			return nomem(imp);
		if (p < 0)
			return 0;
		imp->procs[p].orphan = imp->nprocs > 1;
	}
	if (p >= 0)
		imp->procs[p].attached = true;
	return 0;
}

static int one_line(struct imp *imp, const char *s, size_t n)
{
	int64_t pid = -1;
	bool bracket = false;
	int style, proc = -1;
	size_t i = 0, k;
	unsigned int col;

	for (k = 0; k < n; k++)
		if (((unsigned char)s[k] < 0x20 && s[k] != '\t') ||
		    s[k] == 0x7f)
			return fail_at(imp, imp->lineno, (unsigned int)k + 1,
				       "expected text, not the byte 0x%02x",
				       (unsigned char)s[k]);
	if (!n)
		return 0;
	if (n >= 8 && !memcmp(s, "strace: ", 8))
		return strace_message(imp, s, n);
	if (n >= 3 && (!memcmp(s, " > ", 3) || !memcmp(s, " | ", 3))) {
		imp->out->ignored++;	/* -k stacks, -e read= dumps */
		return 0;
	}
	if (n >= 5 && !memcmp(s, "[pid ", 5)) {
		i = 5;
		while (i < n && s[i] == ' ')
			i++;
		k = num_len(s + i, n - i);
		if (!k || s[i] == '-' || !parse_s64(s + i, k, &pid) ||
		    pid > INT_MAX || i + k + 1 >= n || s[i + k] != ']' ||
		    s[i + k + 1] != ' ')
			return fail_at(imp, imp->lineno, (unsigned int)i + 1,
				       "expected '[pid N] '");
		i += k + 2;
		bracket = true;
		imp->bracket_seen = true;
	} else if (isdigit((unsigned char)s[0])) {
		k = num_len(s, n);
		if (k < n && s[k] == ' ') {
			if (!parse_s64(s, k, &pid) || pid > INT_MAX)
				return fail_at(imp, imp->lineno, 1,
					       "expected a pid");
			i = k;
			while (i < n && s[i] == ' ')
				i++;
		}
	}
	k = parse_time(imp, s + i, n - i, &style, imp->cur_t,
		       sizeof(imp->cur_t));
	if (!imp->style_set) {
		imp->style_set = true;
		imp->plain_pids = pid >= 0 && !bracket;
		imp->time_style = style;
	} else {
		if (imp->plain_pids && (pid < 0 || bracket))
			return fail_at(imp, imp->lineno, 1,
				       "expected a pid first, as on line 1 of "
				       "the log (-f -o)");
		if (!imp->plain_pids && pid >= 0 && !bracket)
			return fail_at(imp, imp->lineno, 1,
				       "expected no pid first, as on the first "
				       "line");
		if (style != imp->time_style)
			return fail_at(imp, imp->lineno, (unsigned int)i + 1,
				       style ? "expected no timestamp, as on the "
				       "first line" :
				       "expected a timestamp, as on the first "
				       "line");
	}
	imp->cur_has_t = style != 0 && strlen(imp->cur_t) < sizeof(imp->cur_t) - 1;
	i += k;
	col = (unsigned int)i + 1;
	if (i == n)
		return fail_at(imp, imp->lineno, col,
			       "expected a system call after the prefix");
	if (line_proc(imp, pid, &proc))
		return -1;
	return body(imp, proc, s + i, n - i, col);
}

/* ---- devices ---- */

static uint64_t pow2_at_least(uint64_t v, uint64_t min)
{
	uint64_t p = min;

	while (p < v && p < (1ULL << 62))
		p <<= 1;
	return p;
}

/* The header of a device no sidecar describes: what the log shows. */
static void infer_header(const struct idev *d, FILE *f)
{
	unsigned int i, nr = 9;
	uint64_t cfg = 4096;

	for (i = 0; i < VFIOSIM_MAX_REGIONS; i++)
		if (d->used & (1u << i) && i + 1 > nr)
			nr = i + 1;
	if (d->used & (1u << 7))
		cfg = d->max_end[7] <= 256 ? 256 : 4096;
	fprintf(f, "dev %s cfgsize=%" PRIu64 " flags=%s regions=%u%s"
		"  # no sidecar: inferred from the log\n", d->name, cfg,
		d->reset_einval && !d->reset_ok ? "PCI" : "PCI,RESET", nr,
		d->ioev_enotty ? " ioeventfd=ENOTTY" : "");
	for (i = 0; i < nr; i++) {
		bool used = d->used & (1u << i);
		uint64_t end = d->max_end[i], size;

		if (!used) {
			if (i == 8)
				fprintf(f, "reg %s 8 VGA absent  # inferred: not "
					"used in the log\n", d->name);
			else if (i < 8)
				fprintf(f, "reg %s %u size=0 flags=none  # "
					"inferred: not used in the log\n",
					d->name, i);
			continue;
		}
		if (i == 7) {
			fprintf(f, "reg %s 7 CONFIG size=0x%" PRIx64
				" flags=R,W  # inferred: accesses end at 0x%"
				PRIx64 "\n", d->name, cfg, end);
			continue;
		}
		if (i == 8) {
			fprintf(f, "reg %s 8 VGA size=0xc0000 flags=R,W  # "
				"inferred: used in the log\n", d->name);
			continue;
		}
		if (d->exact & (1u << i))
			size = d->exact_end[i] > end ? d->exact_end[i] : end;
		else
			size = pow2_at_least(end, i == 6 ? 0x800 : SIM_PAGE);
		fprintf(f, "reg %s %u size=0x%" PRIx64 " flags=%s  # inferred: %s"
			" 0x%" PRIx64 "%s\n", d->name, i, size,
			i == 6 ? "R" : (d->mmap_bad & ~d->mmap_ok & (1u << i)) ?
			"R,W" : "R,W,MMAP",
			d->exact & (1u << i) ? "a short access ends at" :
			"accesses end at", end,
			d->exact & (1u << i) ? "" : ", rounded up to a power of 2");
	}
	fprintf(f, "irq %s 4 REQ count=1 flags=EVENTFD,NORESIZE  # every "
		"vfio-pci device; the other IRQs are not known\n", d->name);
}

static int build_devices(struct imp *imp)
{
	unsigned int i;

	for (i = 0; i < imp->ndevs; i++) {
		struct idev *d = &imp->devs[i];
		struct vfiosim_error e;
		FILE *f;

		f = open_memstream(&d->header, &d->header_len);
		if (!f)
			return nomem(imp);
		if (d->sc >= 0) {
			struct sim_sidecar_dev *sd = malloc(sizeof(*sd));

			if (!sd) {
				fclose(f);
				return nomem(imp);
			}
			*sd = imp->sc.devs[d->sc];
			if (sd->ioeventfd_enotty < 0 && d->ioev_enotty)
				sd->ioeventfd_enotty = 1;
			if (sd->reset < 0 && d->reset_einval && !d->reset_ok)
				sd->reset = 0;
			sim_sidecar_header(sd, d->name, f);
			free(sd);
		} else {
			infer_header(d, f);
		}
		if (fclose(f))
			return nomem(imp);
		memset(&e, 0, sizeof(e));
		if (sim_header_device(d->header, d->header_len, &d->desc, &e)) {
			const char *sp = imp->opts && imp->opts->sidecar_path ?
					 imp->opts->sidecar_path : "sidecar";

			snprintf(imp->err->file, sizeof(imp->err->file), "%s",
				 d->sc >= 0 ? sp : imp->path);
			imp->err->line = d->sc >= 0 ?
					 imp->sc.devs[d->sc].line : 0;
			imp->err->column = 1;
			snprintf(imp->err->msg, sizeof(imp->err->msg),
				 "the device it describes is not valid: %.200s",
				 e.msg);
			return -1;
		}
	}
	return 0;
}

/* ---- GET_REGION_INFO indexes ---- */

static int op_cmp(const void *a, const void *b)
{
	const struct op *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bool dev_present(const struct vfiosim_device *d, unsigned int s)
{
	const struct vfiosim_region *r;

	if (s >= d->nr_regions || s >= VFIOSIM_MAX_REGIONS)
		return false;
	r = &d->regions[s];
	return !r->absent && !(s == 8 && !r->described);
}

static bool dev_caps(const struct vfiosim_device *d, unsigned int s)
{
	const struct vfiosim_region *r = &d->regions[s];

	return dev_present(d, s) &&
	       (r->msix_mappable || r->nr_sparse || r->has_type);
}

#define NEG_INF		(-(1L << 40))
/*
 * Scores of the index search, tuned on the bundled scenarios.  A retry
 * scores less than two ascending steps minus a jump, so that "0, 0, 0"
 * never beats "0, 1, 2", and more than one step, so that QEMU's "0, 0, 1"
 * (a retry of the MSI-X BAR) beats "0, 1, 2"; skipping the ROM (5 then
 * 7) is a little more usual than the next index (QEMU, DPDK and libvfn
 * ask for the ROM later or never).  Two calls in a row first on a file,
 * or right after the one for CONFIG, are the MSI-X BAR asked twice (DPDK
 * pci_vfio_get_msix_bar(), pci_vfio_msix_is_mappable()).
 */
#define W_ANCHOR	12	/* the region used right after the call */
#define W_RETRY		5	/* the same index again: it has caps */
#define W_RETRY_UNK	2	/* the same again, capabilities unknown */
#define W_ASC1		4	/* the next index */
#define W_SKIP_ROM	5	/* 5 then 7 */
#define W_MSIX_PAIR	6	/* DPDK's probe of the MSI-X BAR */
#define W_ASC2		2	/* one index skipped */
#define W_RESTART	0	/* back to index 0 */
#define W_JUMP		(-2)	/* anything else */
#define W_START0	2
#define W_START7	1

/* Is the op @o a use of region r (rd/wr/mmap on a device)? */
static int op_region(const struct op *o)
{
	if (o->kind != OPK_EVENT)
		return -1;
	if (o->op != VFIOSIM_OP_RD && o->op != VFIOSIM_OP_WR &&
	    o->op != VFIOSIM_OP_MMAP)
		return -1;
	if (sim_legacy_index(o->off) >= VFIOSIM_MAX_REGIONS)
		return -1;
	return (int)sim_legacy_index(o->off);
}

/*
 * The best way into index @s, not as a retry, from the scores @prev of the
 * call before (2 per index: reached as a retry or not); *@at the state.
 */
static long step_in(const long *prev, unsigned int s, long best_any,
		    unsigned int best_any_at, unsigned int *at)
{
	long best = NEG_INF, v, w;
	unsigned int i, k;

	if (best_any > NEG_INF) {
		best = best_any + (s == 0 ? W_RESTART : W_JUMP);
		*at = best_any_at;
	}
	for (k = 1; k <= 2 && k <= s; k++) {
		w = k == 1 ? W_ASC1 : s == 7 ? W_SKIP_ROM : W_ASC2;
		for (i = 0; i < 2; i++) {
			v = prev[2 * (s - k) + i] + w;
			if (v > best) {
				best = v;
				*at = 2 * (s - k) + i;
			}
		}
	}
	return best;
}

static int attribute_file(struct imp *imp, int file, const unsigned int *fops,
			  unsigned int nf)
{
	const struct idev *dv = &imp->devs[imp->files[file].dev];
	const struct vfiosim_device *d = &dv->desc;
	unsigned int nc = 0, j, s, S, i;
	unsigned int *calls, *anchor, *hint;
	bool *adj, caps_known = dv->sc >= 0;
	long *score, *prev;
	uint16_t *back;
	uint32_t used = 0;
	int last = -1;
	bool anchored = false;

	for (i = 0; i < nf; i++)
		if (imp->ops[fops[i]].op == VFIOSIM_OP_RINFO)
			nc++;
	if (!nc)
		return 0;
	S = (d->nr_regions < VFIOSIM_MAX_REGIONS ? d->nr_regions :
	     VFIOSIM_MAX_REGIONS) + 1;
	calls = calloc(nc, sizeof(*calls));
	anchor = calloc(nc, sizeof(*anchor));
	hint = calloc(nc, sizeof(*hint));
	adj = calloc(nc, sizeof(*adj));
	score = calloc((size_t)2 * S, sizeof(*score));
	prev = calloc((size_t)2 * S, sizeof(*prev));
	back = calloc((size_t)nc * 2 * S, sizeof(*back));
	if (!calls || !anchor || !hint || !adj || !score || !prev || !back) {
		free(calls);
		free(anchor);
		free(hint);
		free(adj);
		free(score);
		free(prev);
		free(back);
		return nomem(imp);
	}
	/* the calls, whether each follows the one before directly, anchors */
	nc = 0;
	for (i = 0; i < nf; i++) {
		const struct op *o = &imp->ops[fops[i]];
		int reg;

		if (o->op == VFIOSIM_OP_RINFO) {
			adj[nc] = nc && i && imp->ops[fops[i - 1]].op ==
					     VFIOSIM_OP_RINFO;
			anchor[nc] = UINT_MAX;
			calls[nc] = fops[i];
			last = (int)nc++;
			anchored = false;
			continue;
		}
		reg = op_region(o);
		if (reg < 0 || (used & (1u << reg)))
			continue;
		used |= 1u << reg;
		if (last >= 0 && !anchored && !imp->ops[calls[last]].err) {
			anchor[last] = (unsigned int)reg;
			anchored = true;
		}
	}
	/*
	 * DPDK's pair: first on the file or after the call for CONFIG, and
	 * before the call for the region it maps first.
	 */
	{
		unsigned int bar = UINT_MAX, b;

		for (b = 0; b <= 5 && caps_known; b++)
			if (dev_present(d, b) && d->regions[b].has_msix)
				bar = bar == UINT_MAX ? b : UINT_MAX - 1;
		for (j = 0; bar < 6 && j + 1 < nc; j++) {
			if (!adj[j + 1] || imp->ops[calls[j]].err ||
			    imp->ops[calls[j + 1]].err)
				continue;
			if ((j && anchor[j - 1] != 7) || j + 2 >= nc ||
			    anchor[j + 2] == UINT_MAX || anchor[j + 2] == bar)
				continue;
			hint[j] = hint[j + 1] = bar + 1;
		}
	}
	/* Viterbi over (index, is a retry) */
	for (j = 0; j < nc; j++) {
		const struct op *o = &imp->ops[calls[j]];
		bool ok = !o->err, einval = o->err == -EINVAL;
		long best_any = NEG_INF;
		unsigned int best_any_at = 0;

		if (j) {
			for (i = 0; i < 2 * S; i++)
				if (prev[i] > best_any) {
					best_any = prev[i];
					best_any_at = i;
				}
		}
		for (s = 0; s < S; s++) {
			bool present = dev_present(d, s);
			long node = 0, best;
			unsigned int at = 0;

			score[2 * s] = score[2 * s + 1] = NEG_INF;
			if (ok ? !present : (einval && present))
				continue;
			if (anchor[j] == s)
				node += W_ANCHOR;
			if (hint[j] == s + 1)
				node += W_MSIX_PAIR;
			if (!j) {
				score[2 * s] = node + (s == 0 ? W_START0 :
						       s == 7 ? W_START7 : 0);
				continue;
			}
			best = step_in(prev, s, best_any, best_any_at, &at);
			if (best > NEG_INF / 2)
				score[2 * s] = best + node;
			back[(size_t)j * 2 * S + 2 * s] = (uint16_t)at;
			/* a retry: the same index again, right after */
			if (!ok || !adj[j] || imp->ops[calls[j - 1]].err ||
			    prev[2 * s] <= NEG_INF / 2)
				continue;
			if (caps_known && !dev_caps(d, s))
				continue;
			score[2 * s + 1] = prev[2 * s] + node +
					   (caps_known ? W_RETRY : W_RETRY_UNK);
			back[(size_t)j * 2 * S + 2 * s + 1] = (uint16_t)(2 * s);
		}
		memcpy(prev, score, (size_t)2 * S * sizeof(*prev));
	}
	{
		long best = NEG_INF;
		unsigned int at = 0;

		for (i = 0; i < 2 * S; i++)
			if (prev[i] > best) {
				best = prev[i];
				at = i;
			}
		for (j = nc; j-- > 0;) {
			struct op *o = &imp->ops[calls[j]];
			unsigned int st = at / 2;

			if (best <= NEG_INF / 2) {
				/* nothing fits (an absent index succeeded?) */
				o->idx = o->err ? (int)(S - 1) : 0;
				o->why = "nothing fits; a placeholder";
			} else {
				o->idx = (int)(st == S - 1 ? d->nr_regions : st);
				o->why = anchor[j] == st ? "the region used next" :
					 hint[j] == st + 1 ? "DPDK's probe of the "
						"MSI-X BAR" :
					 at % 2 ? "a retry, the region has "
						  "capabilities" :
					 o->err ? "an index that fails" :
						  "the usual order";
			}
			at = j ? back[(size_t)j * 2 * S + at] : 0;
		}
	}
	imp->out->rinfo_inferred += nc;
	free(calls);
	free(anchor);
	free(hint);
	free(adj);
	free(score);
	free(prev);
	free(back);
	return 0;
}

static int attribute(struct imp *imp)
{
	unsigned int *fops, *count, *start, i, f;
	int ret = 0;

	if (!imp->nfiles)
		return 0;
	count = calloc(imp->nfiles + 1, sizeof(*count));
	start = calloc(imp->nfiles + 1, sizeof(*start));
	fops = calloc(imp->nops ? imp->nops : 1, sizeof(*fops));
	if (!count || !start || !fops) {
		free(count);
		free(start);
		free(fops);
		return nomem(imp);
	}
	for (i = 0; i < imp->nops; i++)
		if (imp->ops[i].kind == OPK_EVENT && imp->ops[i].file >= 0 &&
		    imp->ops[i].op != VFIOSIM_OP_OPEN &&
		    imp->ops[i].op != VFIOSIM_OP_CLOSE &&
		    imp->ops[i].op != VFIOSIM_OP_DUP)
			count[imp->ops[i].file]++;
	for (f = 1; f <= imp->nfiles; f++)
		start[f] = start[f - 1] + count[f - 1];
	memset(count, 0, (imp->nfiles + 1) * sizeof(*count));
	for (i = 0; i < imp->nops; i++) {
		const struct op *o = &imp->ops[i];

		if (o->kind == OPK_EVENT && o->file >= 0 &&
		    o->op != VFIOSIM_OP_OPEN && o->op != VFIOSIM_OP_CLOSE &&
		    o->op != VFIOSIM_OP_DUP)
			fops[start[o->file] + count[o->file]++] = i;
	}
	for (f = 0; f < imp->nfiles && !ret; f++)
		ret = attribute_file(imp, (int)f, fops + start[f], count[f]);
	free(count);
	free(start);
	free(fops);
	return ret;
}

/* ---- addresses ---- */

static int addresses(struct imp *imp)
{
	uint32_t *know;
	int (*first)[VFIOSIM_MAX_REGIONS];
	unsigned int i, k;

	know = calloc(imp->nents ? imp->nents : 1, sizeof(*know));
	first = calloc(MAX_DEVS, sizeof(*first));
	if (!know || !first) {
		free(know);
		free(first);
		return nomem(imp);
	}
	for (i = 0; i < MAX_DEVS; i++)
		for (k = 0; k < VFIOSIM_MAX_REGIONS; k++)
			first[i][k] = -1;
	for (i = 0; i < imp->nops; i++) {
		struct op *o = &imp->ops[i];
		unsigned int r;

		if (o->kind != OPK_EVENT)
			continue;
		switch (o->op) {
		case VFIOSIM_OP_DUP:
			know[o->from_ent] = know[o->ent];
			break;
		case VFIOSIM_OP_FORK:
			for (k = 0; k < o->pair_n; k++) {
				const struct pair *pr;

				pr = &imp->pairs[o->pair_first + k];
				know[pr->to] = know[pr->from];
			}
			break;
		case VFIOSIM_OP_RINFO:
			if (o->err || o->idx < 0 ||
			    o->idx >= VFIOSIM_MAX_REGIONS)
				break;
			know[o->ent] |= 1u << o->idx;
			if (first[o->dev][o->idx] < 0)
				first[o->dev][o->idx] = o->ent;
			break;
		case VFIOSIM_OP_RD:
		case VFIOSIM_OP_WR:
		case VFIOSIM_OP_MMAP:
			r = sim_legacy_index(o->off);
			if (r >= VFIOSIM_MAX_REGIONS) {
				o->form = AF_LITERAL;
			} else if (know[o->ent] & (1u << r)) {
				o->form = AF_REGION;
			} else if (first[o->dev][r] >= 0) {
				o->form = AF_FROM;
				o->from_ent = first[o->dev][r];
			} else {
				o->form = AF_LITERAL;
			}
			break;
		default:
			break;
		}
	}
	free(know);
	free(first);
	return 0;
}

/* ---- the trace ---- */

static int out_pid(struct imp *imp, int proc)
{
	int pid = imp->procs[find_leader(imp, proc)].pid;

	return pid ? pid : ROOT_PID;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' || c == '"')
			fprintf(f, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
	fputc('"', f);
}

static void put_result(FILE *f, const struct op *o)
{
	const char *name;

	if (!o->has_result)
		return;
	if (o->err) {
		name = vfiosim_errno_name(-o->err);
		fprintf(f, " = -%s", name ? name : "EINVAL");
	} else {
		fprintf(f, " = %" PRId64, o->value);
	}
}

static void put_errno(FILE *f, const struct op *o)
{
	const char *name = vfiosim_errno_name(-o->err);

	fprintf(f, " = -%s", name ? name : "EINVAL");
}

static void put_addr(struct imp *imp, FILE *f, const struct op *o)
{
	unsigned int r = sim_legacy_index(o->off);
	uint64_t pos = o->off & SIM_LEGACY_MASK;
	const struct ent *e;
	int pid;

	if (o->form == AF_LITERAL) {
		fprintf(f, " at=!0x%" PRIx64, o->off);
		return;
	}
	fprintf(f, " at=@%u+0x%" PRIx64, r, pos);
	if (o->form != AF_FROM)
		return;
	e = &imp->ents[o->from_ent];
	pid = out_pid(imp, e->proc);
	if (pid == out_pid(imp, o->proc))
		fprintf(f, " from=fd%d", e->fd);
	else
		fprintf(f, " from=p%d.fd%d", pid, e->fd);
}

static void put_list(FILE *f, const char *key, enum vfiosim_list list,
		     uint32_t bits)
{
	char buf[64];

	if (!vfiosim_list_format(list, bits, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "none");
	fprintf(f, " %s=%s", key, buf);
}

static unsigned int first_bar(const struct vfiosim_device *d)
{
	unsigned int b;

	for (b = 0; b <= 5; b++)
		if (dev_present(d, b) && d->regions[b].size >= 8)
			return b;
	return 0;
}

/* An IRQ index with vectors: REQ first; @not_intx leaves INTx out. */
static unsigned int irq_with_vectors(const struct vfiosim_device *d,
				     bool not_intx)
{
	static const unsigned int order[] = { 4, 3, 2, 1, 0 };
	unsigned int i;

	for (i = 0; i < (not_intx ? 4u : 5u); i++)
		if (order[i] < d->nr_irqs && order[i] < VFIOSIM_MAX_IRQS &&
		    d->irqs[order[i]].count)
			return order[i];
	return VFIOSIM_MAX_IRQS;	/* none: the caller falls back */
}

/* Four bytes of a BAR outside its MSI-X table: where ioeventfds go. */
static bool ioev_place(const struct vfiosim_device *d, unsigned int *bar,
		       uint64_t *pos)
{
	unsigned int b;

	for (b = 0; b <= 5; b++) {
		const struct vfiosim_region *r = &d->regions[b];
		uint64_t p = 0;

		if (!dev_present(d, b) || r->size < 8)
			continue;
		if (r->has_msix && r->msix.off < 4)
			p = (r->msix.off + r->msix.len + 3) & ~3ULL;
		if (p + 4 > r->size || p + 4 < p)
			continue;
		*bar = b;
		*pos = p;
		return true;
	}
	return false;
}

/* One event line; false when it carries no expectation it should. */
static void write_event(struct imp *imp, FILE *f, struct op *o)
{
	const struct vfiosim_device *d = o->dev >= 0 ?
		&imp->devs[o->dev].desc : o->file >= 0 ?
		&imp->devs[imp->files[o->file].dev].desc : NULL;
	const char *why = NULL;
	unsigned int i;

	if (o->has_t)
		fprintf(f, "t=%s ", o->t);
	if (o->has_result && o->err == -ENOTTY &&
	    (o->op == VFIOSIM_OP_INFO || o->op == VFIOSIM_OP_RINFO ||
	     o->op == VFIOSIM_OP_IRQINFO || o->op == VFIOSIM_OP_RESET ||
	     (o->op == VFIOSIM_OP_IRQSET &&
	      (!d || irq_with_vectors(d, true) == VFIOSIM_MAX_IRQS)) ||
	     (o->op == VFIOSIM_OP_IOEVENTFD && d && !d->ioeventfd_enotty))) {
		/* the simulator has no -ENOTTY for these: an unmodelled ioctl */
		fprintf(f, "p=%d ioctl fd=%d cmd=0x%" PRIx64 " = -ENOTTY  # line "
			"%u: %s answered ENOTTY: kept as an ioctl the simulator "
			"does not model\n", out_pid(imp, o->proc), o->fd, o->cmd,
			o->line, vfiosim_op_name(o->op));
		return;
	}
	fprintf(f, "p=%d %s", out_pid(imp, o->proc), vfiosim_op_name(o->op));
	switch (o->op) {
	case VFIOSIM_OP_OPEN:
		fprintf(f, " fd=%d dev=%s", o->fd, imp->devs[o->dev].name);
		if (o->via[0])
			fprintf(f, " via=%s", o->via);
		put_result(f, o);
		break;
	case VFIOSIM_OP_CLOSE:
		fprintf(f, " fd=%d", o->fd);
		put_result(f, o);
		break;
	case VFIOSIM_OP_DUP:
		fprintf(f, " fd=%d new=%d", o->fd, o->new_fd);
		put_result(f, o);
		break;
	case VFIOSIM_OP_FORK:
		fprintf(f, " child=%d", out_pid(imp, o->child));
		break;
	case VFIOSIM_OP_INFO:
		fprintf(f, " fd=%d", o->fd);
		if (o->has_result && o->err) {
			if (o->err == -EINVAL) {
				fputs(" argsz=0", f);
				why = "argsz inferred: GET_INFO fails EINVAL "
				      "only on a short argsz";
			}
			put_errno(f, o);
		} else {
			why = "= 0: the struct is not in the log (unchecked)";
		}
		break;
	case VFIOSIM_OP_RINFO:
		fprintf(f, " fd=%d idx=%d", o->fd, o->idx);
		if (o->has_result && o->err)
			put_errno(f, o);
		why = o->why;
		break;
	case VFIOSIM_OP_IRQINFO:
		if (o->has_result && o->err) {
			fprintf(f, " fd=%d idx=%u", o->fd,
				o->err == -EINVAL && d ? d->nr_irqs : 0);
			put_errno(f, o);
			why = "idx is a placeholder that fails the same way";
		} else {
			fprintf(f, " fd=%d idx=0", o->fd);
			why = "= 0 unchecked: idx and the struct are not in "
			      "the log (idx placeholder)";
		}
		imp->out->placeholders++;
		break;
	case VFIOSIM_OP_IRQSET: {
		/*
		 * A trigger of no vector of an index that has some passes
		 * vfio_set_irqs_validate_and_prepare() and has a handler;
		 * an index past num_irqs is -EINVAL; MASK of an index other
		 * than INTx has no handler: -ENOTTY.
		 */
		int err = o->has_result ? o->err : 0;
		unsigned int q = d ? irq_with_vectors(d, err == -ENOTTY) : 0;

		fprintf(f, " fd=%d idx=%u start=0 count=0 action=%s data=NONE",
			o->fd, err == -EINVAL && d ? d->nr_irqs : q,
			err == -ENOTTY ? "MASK" : "TRIGGER");
		put_result(f, o);
		why = "the vfio_irq_set is not in the log: placeholder "
		      "arguments, result kept";
		imp->out->placeholders++;
		break;
	}
	case VFIOSIM_OP_RESET:
		fprintf(f, " fd=%d", o->fd);
		put_result(f, o);
		break;
	case VFIOSIM_OP_IOEVENTFD: {
		/*
		 * One placeholder ioeventfd (data 1) per device: a success
		 * removes it when it is there, else adds it; -EEXIST adds it
		 * again, -ENODEV removes data 2 that never was, -EINVAL is
		 * one byte past the BAR.
		 */
		unsigned int *st = &imp->ioev_state[o->dev >= 0 ? o->dev : 0];
		int err = o->has_result ? o->err : 0;
		uint64_t at = 0, data = 1;
		unsigned int b = 0;
		int efd = 0;

		if (d && !ioev_place(d, &b, &at))
			b = first_bar(d);
		if (err == -EINVAL && d)
			at = d->regions[b].size;
		else if (err == -ENODEV)
			data = 2, efd = -1;
		else if (!err && *st)
			efd = -1;
		fprintf(f, " fd=%d at=@%u+0x%" PRIx64 " size=4 data=0x%" PRIx64
			" efd=%d", o->fd, b, at, data, efd);
		if (o->has_result && !err)
			*st = !*st;
		put_result(f, o);
		why = "the vfio_device_ioeventfd is not in the log: "
		      "placeholder arguments, result kept";
		imp->out->placeholders++;
		break;
	}
	case VFIOSIM_OP_IOCTL:
		fprintf(f, " fd=%d cmd=0x%" PRIx64, o->fd, o->cmd);
		put_result(f, o);
		break;
	case VFIOSIM_OP_RD:
	case VFIOSIM_OP_WR:
		fprintf(f, " fd=%d", o->fd);
		put_addr(imp, f, o);
		fprintf(f, " len=%" PRIu64, o->len);
		if (o->data_len) {
			fputs(" data=", f);
			for (i = 0; i < o->data_len; i++)
				fprintf(f, "%02x", o->data[i]);
		}
		put_result(f, o);
		why = o->note;
		break;
	case VFIOSIM_OP_MMAP:
		fprintf(f, " fd=%d", o->fd);
		put_addr(imp, f, o);
		fprintf(f, " len=0x%" PRIx64, o->len);
		put_list(f, "prot", VFIOSIM_LIST_PROT, o->prot);
		put_list(f, "flags", VFIOSIM_LIST_MAP, o->mflags);
		if (o->has_addr)
			fprintf(f, " addr=0x%" PRIx64, o->va);
		if (o->has_result) {
			if (o->err)
				put_errno(f, o);
			else
				fprintf(f, " = va=0x%" PRIx64,
					(uint64_t)o->value);
		}
		break;
	case VFIOSIM_OP_MUNMAP:
		fprintf(f, " va=0x%" PRIx64 " len=0x%" PRIx64, o->va, o->len);
		if (o->has_result)
			fputs(" = 0", f);
		break;
	default:
		break;
	}
	fprintf(f, "  # line %u", o->line);
	if (o->note && why != o->note)
		fprintf(f, ": %s", o->note);
	if (why)
		fprintf(f, "%s%s", o->note && why != o->note ? "; " : ": ",
			o->op == VFIOSIM_OP_RINFO ? "" : why);
	if (o->op == VFIOSIM_OP_RINFO)
		fprintf(f, "idx inferred: %s%s", why ? why : "?",
			o->has_result ? "" : "; = 0 unchecked: the struct is "
			"not in the log");
	fputc('\n', f);
}

static const char *style_text(struct imp *imp)
{
	return imp->time_style == 1 ? (imp->fraction_seen ? " -tt" : " -t") :
	       imp->time_style == 2 ? " -ttt" :
	       imp->time_style == 3 ? " -r" : "";
}

static int write_trace(struct imp *imp)
{
	struct vfiosim_strace_import *out = imp->out;
	char capture[256], src[300];
	unsigned int i;
	FILE *f;

	f = open_memstream(&out->text, &out->len);
	if (!f)
		return nomem(imp);
	fprintf(f, "vfiotrace 1\n");
	fputs("# Imported by vfiosim import-strace (docs/capture.md); each "
	      "event ends with\n"
	      "# the line of the log it comes from.  strace does not show the "
	      "structs of\n"
	      "# VFIO ioctls: GET_REGION_INFO indexes are inferred, successful "
	      "GET_INFO,\n"
	      "# GET_REGION_INFO and GET_IRQ_INFO are unchecked, and the "
	      "arguments of\n"
	      "# SET_IRQS, GET_IRQ_INFO and IOEVENTFD are placeholders that "
	      "keep the\n"
	      "# recorded result.\n", f);
	snprintf(src, sizeof(src), "strace log %s", imp->path);
	fputs("meta source ", f);
	put_string(f, src);
	fputc('\n', f);
	snprintf(capture, sizeof(capture),
		 "strace%s%s%s%s, ioctl requests %s; %u lines",
		 imp->plain_pids ? " -f -o" : imp->bracket_seen ? " -f" : "",
		 style_text(imp), imp->durations_seen ? " -T" : "",
		 imp->annotations ? " -y" : "",
		 imp->xlat_seen[2] ? "as numbers and names (-X verbose)" :
		 imp->xlat_seen[1] ? "as names" :
		 imp->xlat_seen[0] ? "as numbers (-X raw)" : "not seen",
		 out->lines);
	fputs("meta capture ", f);
	put_string(f, capture);
	fputc('\n', f);
	{
		char notebuf[256];
		unsigned int with = 0;

		for (i = 0; i < imp->ndevs; i++)
			if (imp->devs[i].sc >= 0)
				with++;
		snprintf(notebuf, sizeof(notebuf),
			 "devices: %u from the sidecar%s%s, %u inferred from "
			 "the accesses", with,
			 imp->opts && imp->opts->sidecar_path ? " " : "",
			 imp->opts && imp->opts->sidecar_path ?
			 imp->opts->sidecar_path : "", imp->ndevs - with);
		fputs("meta note ", f);
		put_string(f, notebuf);
		fputc('\n', f);
	}
	for (i = 0; i < imp->ndevs; i++)
		fwrite(imp->devs[i].header, 1, imp->devs[i].header_len, f);
	if (!imp->ndevs)
		fputs("# the log shows no VFIO device\n", f);
	for (i = 0; i < imp->nops; i++) {
		struct op *o = &imp->ops[i];

		if (o->kind == OPK_NOTE) {
			fprintf(f, "# line %u not imported: %s\n", o->line,
				o->msg ? o->msg : "");
			continue;
		}
		write_event(imp, f, o);
		out->events++;
	}
	if (fclose(f))
		return nomem(imp);
	return 0;
}

/* ---- the entry point ---- */

static void imp_free(struct imp *imp)
{
	unsigned int i;

	for (i = 0; i < imp->nprocs; i++) {
		free(imp->procs[i].fds);
		free(imp->procs[i].vmas);
		free(imp->procs[i].pend);
	}
	for (i = 0; i < imp->nops; i++)
		free(imp->ops[i].msg);
	for (i = 0; i < imp->ndevs; i++)
		free(imp->devs[i].header);
	free(imp->procs);
	free(imp->groups);
	free(imp->files);
	free(imp->ents);
	free(imp->ops);
	free(imp->pairs);
	if (imp->have_sc)
		sim_sidecar_free(&imp->sc);
	free(imp);
}

int vfiosim_strace_import(const char *path, const char *log, size_t len,
			  const struct vfiosim_strace_opts *opts,
			  struct vfiosim_strace_import *out,
			  struct vfiosim_error *err)
{
	struct vfiosim_error perr;
	struct imp *imp;
	size_t pos = 0;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	imp = calloc(1, sizeof(*imp));
	if (!imp) {
		snprintf(err->file, sizeof(err->file), "%s", path);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	imp->path = path;
	imp->opts = opts;
	imp->err = err;
	imp->out = out;
	if (opts && opts->sidecar) {
		if (sim_sidecar_parse(opts->sidecar_path ? opts->sidecar_path :
				      "sidecar", opts->sidecar,
				      opts->sidecar_len, &imp->sc, err))
			goto fail;
		imp->have_sc = true;
	}
	while (pos < len) {
		const char *nl = memchr(log + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (log + pos)) : len - pos;

		imp->lineno++;
		imp->cur_key = imp->lineno;
		imp->line_used = false;
		if (n > MAX_LOG_LINE) {
			fail_at(imp, imp->lineno, MAX_LOG_LINE + 1,
				"expected a line of at most %u bytes",
				MAX_LOG_LINE);
			goto fail;
		}
		if (one_line(imp, log + pos, n))
			goto fail;
		if (imp->line_used)
			out->imported++;
		pos += n + (nl ? 1 : 0);
	}
	out->lines = imp->lineno;
	for (i = 0; i < imp->nprocs; i++) {
		struct proc *p = &imp->procs[i];

		if (!p->pend)
			continue;
		imp->cur_key = p->pend_line;
		if (is_handled(p->pend_name) &&
		    note(imp, p->pend_line, "%s: <unfinished ...> never resumed",
			 p->pend_name))
			goto fail;
		drop_pending(p);
	}
	if (!imp->ndevs) {
		fail_at(imp, imp->lineno ? imp->lineno : 1, 1,
			"expected a VFIO device fd somewhere in the log (an "
			"open of /dev/vfio/devices/vfioN, VFIO_GROUP_GET_DEVICE_FD, "
			"an fd shown as anon_inode:[vfio-device] by -y, or "
			"--device-path)");
		goto fail;
	}
	if (build_devices(imp))
		goto fail;
	if (imp->nops)
		qsort(imp->ops, imp->nops, sizeof(*imp->ops), op_cmp);
	if (attribute(imp) || addresses(imp) || write_trace(imp))
		goto fail;
	memset(&perr, 0, sizeof(perr));
	if (vfiosim_trace_parse(path, out->text, out->len, NULL, &out->trace,
				&perr)) {
		snprintf(err->file, sizeof(err->file), "%s", path);
		err->line = 0;
		err->column = 0;
		snprintf(err->msg, sizeof(err->msg),
			 "internal error: the trace written does not parse: "
			 "line %u:%u: %.160s", perr.line, perr.column, perr.msg);
		goto fail;
	}
	imp_free(imp);
	return 0;
fail:
	imp_free(imp);
	vfiosim_strace_import_free(out);
	return -1;
}

void vfiosim_strace_import_free(struct vfiosim_strace_import *imp)
{
	free(imp->text);
	free(imp->notes);
	if (imp->trace)
		vfiosim_trace_free(imp->trace);
	memset(imp, 0, sizeof(*imp));
}
