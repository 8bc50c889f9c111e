// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiotrace 1 reader and writer.
 *
 * - Every tests/trace-samples/NAME.trace parses, and writing it and reading
 *   the output back gives an equal trace (and the same text again).
 * - Every tests/broken/NAME.trace fails where its first line says:
 *   "# expect: [FILE:]LINE:COLUMN SUBSTRING" (FILE: the catalog entry the
 *   error is in, when it is not the trace).
 * - Every prefix of every sample, random inputs and mutated samples either
 *   parse (and then survive the round trip) or fail with a message.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfiosim/trace.h"

#define SAMPLES_DIR	VFIOSIM_TEST_DIR "/trace-samples"
#define BROKEN_DIR	VFIOSIM_TEST_DIR "/broken"
#define CATALOG_DIR	SAMPLES_DIR "/catalog"

static const struct vfiosim_parse_opts opts = { .catalog_dir = CATALOG_DIR };

struct file_list {
	char **paths;
	size_t nr;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of @dir ending in @suffix, sorted. */
static struct file_list list_files(const char *dir, const char *suffix)
{
	struct file_list l = { NULL, 0 };
	size_t n, sn = strlen(suffix);
	struct dirent *de;
	DIR *d = opendir(dir);

	ck_assert_msg(d, "cannot open %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		n = strlen(de->d_name);
		if (n <= sn || strcmp(de->d_name + n - sn, suffix))
			continue;
		l.paths = realloc(l.paths, (l.nr + 1) * sizeof(*l.paths));
		ck_assert(l.paths);
		ck_assert(asprintf(&l.paths[l.nr], "%s/%s", dir,
				   de->d_name) > 0);
		l.nr++;
	}
	closedir(d);
	if (l.nr)
		qsort(l.paths, l.nr, sizeof(*l.paths), cmp_str);
	return l;
}

static void free_files(struct file_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->paths[i]);
	free(l->paths);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	ck_assert_msg(f, "cannot open %s", path);
	ck_assert(!fseek(f, 0, SEEK_END));
	n = ftell(f);
	ck_assert(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert(buf);
	ck_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static char *write_text(const struct vfiosim_trace *t, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	ck_assert(f);
	ck_assert_int_eq(vfiosim_trace_write(t, f), 0);
	ck_assert(!fclose(f));
	return text;
}

/* Written and read back, @t is equal to itself; the text is a fixed point. */
static void check_round_trip(const struct vfiosim_trace *t, const char *what)
{
	struct vfiosim_trace *u = NULL;
	struct vfiosim_error err;
	char why[256];
	char *text, *again;
	size_t len, len2;

	text = write_text(t, &len);
	ck_assert_msg(!vfiosim_trace_parse("written", text, len, &opts, &u,
					   &err),
		      "%s: the written form does not parse: %u:%u: %s\n%s",
		      what, err.line, err.column, err.msg, text);
	ck_assert_msg(vfiosim_trace_equal(t, u, why, sizeof(why)),
		      "%s: read back differs: %s\n%s", what, why, text);
	again = write_text(u, &len2);
	ck_assert_msg(len == len2 && !memcmp(text, again, len),
		      "%s: writing twice differs:\n%s\n---\n%s", what, text,
		      again);
	free(again);
	free(text);
	vfiosim_trace_free(u);
}

/* Parse @len bytes: a trace that survives the round trip, or an error. */
static bool parse_any(const char *text, size_t len, const char *what)
{
	struct vfiosim_trace *t = (struct vfiosim_trace *)1;
	struct vfiosim_error err;

	if (vfiosim_trace_parse("fuzz", text, len, &opts, &t, &err)) {
		ck_assert_msg(!t, "%s: a failed parse returned a trace", what);
		ck_assert_msg(!strncmp(err.msg, "expected ", 9),
			      "%s: message '%s'", what, err.msg);
		ck_assert_msg(err.line >= 1 && err.column >= 1,
			      "%s: position %u:%u", what, err.line,
			      err.column);
		return false;
	}
	check_round_trip(t, what);
	vfiosim_trace_free(t);
	return true;
}

START_TEST(test_samples)
{
	struct file_list l = list_files(SAMPLES_DIR, ".trace");
	struct vfiosim_trace *t;
	struct vfiosim_error err;
	size_t i;

	ck_assert_uint_ge(l.nr, 8);
	for (i = 0; i < l.nr; i++) {
		ck_assert_msg(!vfiosim_trace_load(l.paths[i], &opts, &t, &err),
			      "%s:%u:%u: %s", err.file, err.line, err.column,
			      err.msg);
		ck_assert_ptr_nonnull(t);
		ck_assert_str_eq(t->path, l.paths[i]);
		check_round_trip(t, l.paths[i]);
		vfiosim_trace_free(t);
	}
	free_files(&l);
}
END_TEST

/*
 * "# expect: [FILE:]LINE:COLUMN SUBSTRING": true when @path fails there;
 * otherwise false, with what went wrong printed.
 */
static bool check_broken(const char *path)
{
	struct vfiosim_trace *t = (struct vfiosim_trace *)1;
	struct vfiosim_error err;
	char file[128] = "", substr[256], *text, *nl, *sp, *p, *c;
	unsigned int line, col;
	const char *base;
	size_t len, n;

	text = slurp(path, &len);
	ck_assert_msg(!strncmp(text, "# expect: ", 10),
		      "%s: no '# expect: ' first line", path);
	nl = strchr(text, '\n');
	ck_assert_msg(nl, "%s: no end to the expect line", path);
	*nl = '\0';
	p = text + 10;
	sp = strchr(p, ' ');
	ck_assert_msg(sp && sp[1], "%s: expect line without a message", path);
	*sp = '\0';
	c = strchr(p, ':');
	ck_assert_msg(c, "%s: bad expect position '%s'", path, p);
	if (strchr(c + 1, ':')) {		/* FILE:LINE:COL */
		n = c - p;
		ck_assert(n < sizeof(file));
		memcpy(file, p, n);
		file[n] = '\0';
		p = c + 1;
	}
	ck_assert_msg(sscanf(p, "%u:%u", &line, &col) == 2,
		      "%s: bad expect position '%s'", path, p);
	snprintf(substr, sizeof(substr), "%s", sp + 1);
	free(text);

	if (!vfiosim_trace_load(path, &opts, &t, &err)) {
		fprintf(stderr, "%s: parsed, but should fail\n", path);
		vfiosim_trace_free(t);
		return false;
	}
	ck_assert_msg(!t, "%s: a failed parse returned a trace", path);
	base = file[0] ? file : strrchr(path, '/') + 1;
	n = strlen(err.file);
	if (n < strlen(base) || strcmp(err.file + n - strlen(base), base) ||
	    err.line != line || err.column != col ||
	    !strstr(err.msg, substr) || strncmp(err.msg, "expected ", 9)) {
		fprintf(stderr,
			"%s: got %s:%u:%u: %s\n  expected %s:%u:%u: ...%s...\n",
			path, err.file, err.line, err.column, err.msg, base,
			line, col, substr);
		return false;
	}
	return true;
}

START_TEST(test_broken)
{
	struct file_list l = list_files(BROKEN_DIR, ".trace");
	size_t i, bad = 0;

	ck_assert_uint_ge(l.nr, 50);
	for (i = 0; i < l.nr; i++)
		bad += !check_broken(l.paths[i]);
	ck_assert_msg(!bad,
		      "%zu of %zu broken traces failed otherwise (see stderr)",
		      bad, l.nr);
	free_files(&l);
}
END_TEST

START_TEST(test_prefixes)
{
	struct file_list l = list_files(SAMPLES_DIR, ".trace");
	size_t i, n, len, ok = 0;
	char *text, *copy;

	for (i = 0; i < l.nr; i++) {
		text = slurp(l.paths[i], &len);
		for (n = 0; n <= len; n++) {
			/* an exact-size copy: ASan sees any read past it */
			copy = malloc(n ? n : 1);
			ck_assert(copy);
			memcpy(copy, text, n);
			ok += parse_any(copy, n, l.paths[i]);
			free(copy);
		}
		free(text);
	}
	ck_assert_uint_gt(ok, 0);
	free_files(&l);
}
END_TEST

static uint64_t rng_state;
static const char format_bytes[] = " =,+@!#\"\\\n0x";

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static const char *const pieces[] = {
	"vfiotrace 1\n", "vfiotrace", " 1", "\n", "\n", " ", "\t", "=", " = ",
	"#", "\"", "\\", "\\x4", "\r\n", "\r", "", ",", "+", "@", "!",
	"meta client \"a\\tb\"\n", "meta note ", "dev d0", "dev d1 from=gpu",
	"dev d2 from=nic", "reg d0 ", "irq d0 ", "0", "9", "31", "32",
	"0xffffffffffffffff", "18446744073709551616", "4096", "-EINVAL", "-5",
	"p=1 ", "t=1.5 ", "open fd=3 dev=d0", "close", "rd", "wr", "mmap",
	"fd=3", "at=@0+0x10", "at=@2/wc+0", "at=!0x40", "from=fd3",
	"from=p2.fd4", "len=4", "data=0011", "idx=1", "flags=R,W,MMAP",
	"size=0x1000", "sparse=0+0x10,0x20+0x10", "count=1", "va=0x1000",
	"regions=9 irqs=5 flags=PCI", "off=@0", "caps=sparse", "absent", "io",
	"BAR0", "prot=R", "flags=SHARED", "action=MASK", "data=NONE",
	"child=2", "new=4", "efd=7", "cmd=0x3b6e", "argsz=32", "via=cdev",
};

START_TEST(test_random)
{
	char buf[1024];
	size_t len, n, i, k;
	unsigned int iter;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (iter = 0; iter < 20000; iter++) {
		len = 0;
		if (iter & 1) {
			memcpy(buf, "vfiotrace 1\ndev d0\n", 19);
			len = 19;
		}
		n = rng() % 40;
		for (i = 0; i < n; i++) {
			if (rng() % 8 == 0) {
				if (len < sizeof(buf))
					buf[len++] = (char)rng();
				continue;
			}
			k = rng() % (sizeof(pieces) / sizeof(pieces[0]));
			if (len + strlen(pieces[k]) > sizeof(buf))
				break;
			memcpy(buf + len, pieces[k], strlen(pieces[k]));
			len += strlen(pieces[k]);
		}
		parse_any(buf, len, "random");
	}
}
END_TEST

START_TEST(test_mutations)
{
	struct file_list l = list_files(SAMPLES_DIR, ".trace");
	size_t i, len, n, pos;
	unsigned int iter, m;
	char *text, *copy;

	rng_state = 0x243f6a8885a308d3ull;
	for (i = 0; i < l.nr; i++) {
		text = slurp(l.paths[i], &len);
		for (iter = 0; iter < 1500; iter++) {
			copy = malloc(len + 8);
			ck_assert(copy);
			memcpy(copy, text, len);
			n = len;
			for (m = 0; m < 1 + rng() % 3 && n; m++) {
				pos = rng() % n;
				switch (rng() % 4) {
				case 0:		/* replace a byte */
					copy[pos] = (char)rng();
					break;
				case 1:		/* a format byte */
					copy[pos] = format_bytes[rng() % 12];
					break;
				case 2:		/* delete */
					memmove(copy + pos, copy + pos + 1,
						n - pos - 1);
					n--;
					break;
				default:	/* duplicate */
					memmove(copy + pos + 1, copy + pos,
						n - pos);
					n++;
					break;
				}
			}
			parse_any(copy, n, l.paths[i]);
			free(copy);
		}
		free(text);
	}
	free_files(&l);
}
END_TEST

/* Parse @text (NUL-terminated) or fail the test. */
static struct vfiosim_trace *parse_ok(const char *text)
{
	struct vfiosim_trace *t = NULL;
	struct vfiosim_error err;

	ck_assert_msg(!vfiosim_trace_parse("inline", text, strlen(text), &opts,
					   &t, &err),
		      "%u:%u: %s", err.line, err.column, err.msg);
	return t;
}

static void parse_fails(const char *text, unsigned int line,
			unsigned int col, const char *substr)
{
	struct vfiosim_trace *t = NULL;
	struct vfiosim_error err;

	ck_assert_msg(vfiosim_trace_parse("inline", text, strlen(text), &opts,
					  &t, &err), "parsed: %s", text);
	ck_assert_msg(err.line == line && err.column == col &&
		      strstr(err.msg, substr),
		      "got %u:%u: %s; expected %u:%u: ...%s...", err.line,
		      err.column, err.msg, line, col, substr);
}

START_TEST(test_values)
{
	struct vfiosim_trace *t;
	const struct vfiosim_device *d;
	const struct vfiosim_event *ev;

	t = parse_ok("vfiotrace 1\n"
		     "dev d0\n"
		     "dev d1 from=gpu vendor=1234\n"
		     "reg d1 12 extra size=0x1000 flags=R\n"
		     "dev d2 regions=4\n"
		     "reg d2 20\n"
		     "p=7 rd fd=3 at=@0+0 len=100 data="
		     "000102030405060708090a0b0c0d0e0f"
		     "101112131415161718191a1b1c1d1e1f"
		     "202122232425262728292a2b2c2d2e2f"
		     "303132333435363738393a3b3c3d3e3f"
		     "40414243 = -5 # why\n"
		     "p=7 mmap fd=3 at=@2/wc+0x10 from=p1.fd9 len=0x1000 "
		     "prot=NONE flags=SHARED = va=0x7f00\n");
	d = &t->devices[0];
	ck_assert_uint_eq(d->nr_regions, 9);
	ck_assert_uint_eq(d->nr_irqs, 5);
	ck_assert_uint_eq(d->cfgsize, 4096);
	ck_assert_uint_eq(d->flags, VFIOSIM_DEV_PCI | VFIOSIM_DEV_RESET);
	ck_assert(!d->ioeventfd_enotty && !d->regions[0].described);
	d = &t->devices[1];
	ck_assert_str_eq(d->name, "d1");
	ck_assert_str_eq(d->from, "gpu");
	ck_assert_uint_eq(d->vendor, 0x1234);		/* the trace wins */
	ck_assert_uint_eq(d->device, 0x2330);		/* from the catalog */
	ck_assert_uint_eq(d->nr_regions, 13);		/* 12 + 1 */
	ck_assert_uint_eq(d->regions[0].size, 0x1000000);
	ck_assert(d->regions[0].msix_mappable);
	ck_assert_uint_eq(d->regions[12].size, 0x1000);
	ck_assert_str_eq(d->regions[12].name, "extra");
	ck_assert(d->irqs[2].described);
	ck_assert_uint_eq(d->irqs[2].count, 9);
	d = &t->devices[2];
	ck_assert_uint_eq(d->nr_regions, 4);		/* regions= wins */
	ev = &t->events[0];
	ck_assert_uint_eq(t->nr_events, 2);
	ck_assert_uint_eq(ev->line, 7);
	ck_assert_int_eq(ev->pid, 7);
	ck_assert_uint_eq(ev->len, 100);
	ck_assert_uint_eq(ev->data_len, VFIOSIM_MAX_DATA);
	ck_assert_uint_eq(ev->data[63], 0x3f);
	ck_assert_int_eq(ev->expect.err, -EIO);
	ck_assert_str_eq(ev->comment, " why");
	ck_assert_int_eq(ev->dev, -1);
	ck_assert_int_eq(ev->efd, -1);
	ev = &t->events[1];
	ck_assert(ev->at.kind == VFIOSIM_ADDR_REGION && ev->at.wc);
	ck_assert_uint_eq(ev->at.index, 2);
	ck_assert_uint_eq(ev->at.off, 0x10);
	ck_assert(ev->at.has_from);
	ck_assert_int_eq(ev->at.from_pid, 1);
	ck_assert_int_eq(ev->at.from_fd, 9);
	ck_assert_uint_eq(ev->prot, 0);
	ck_assert(ev->expect.has_va && ev->expect.va == 0x7f00);
	ck_assert_ptr_null(ev->comment);
	check_round_trip(t, "values");
	vfiosim_trace_free(t);
}
END_TEST

START_TEST(test_inline_errors)
{
	static char big[(1u << 20) + 64];

	/* A line over 1 MiB. */
	memcpy(big, "vfiotrace 1\n#", 13);
	memset(big + 13, 'x', sizeof(big) - 14);
	big[sizeof(big) - 1] = '\0';
	parse_fails(big, 2, (1u << 20) + 1, "at most 1048576 bytes");
	/* A NUL byte: the length, not the NUL, ends the text. */
	{
		static const char nul[] = "vfiotrace 1\ndev d0\0\n";
		struct vfiosim_trace *t = NULL;
		struct vfiosim_error err;

		ck_assert(vfiosim_trace_parse("nul", nul, sizeof(nul) - 1,
					      &opts, &t, &err));
		ck_assert_uint_eq(err.line, 2);
		ck_assert_uint_eq(err.column, 7);
		ck_assert_ptr_nonnull(strstr(err.msg, "NUL"));
	}
	/* No catalog directory. */
	{
		static const char text[] = "vfiotrace 1\ndev d0 from=gpu\n";
		struct vfiosim_trace *t = NULL;
		struct vfiosim_error err;

		ck_assert(vfiosim_trace_parse("x", text, sizeof(text) - 1,
					      NULL, &t, &err));
		ck_assert_ptr_nonnull(strstr(err.msg, "catalog directory"));
		ck_assert(vfiosim_trace_parse(NULL, text, sizeof(text) - 1,
					      NULL, &t, NULL));
	}
	/* No text at all. */
	parse_fails("", 1, 1, "'vfiotrace 1'");
	parse_fails("vfiotrace 1", 1, 12, "at least one dev");
}
END_TEST

START_TEST(test_load_errors)
{
	struct vfiosim_trace *t = (struct vfiosim_trace *)1;
	struct vfiosim_error err;
	char buf[512];
	FILE *f;

	ck_assert(vfiosim_trace_load(SAMPLES_DIR "/no-such.trace", &opts, &t,
				     &err));
	ck_assert_ptr_null(t);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_ptr_nonnull(strstr(err.msg, strerror(ENOENT)));
	ck_assert(vfiosim_trace_load(SAMPLES_DIR, &opts, &t, &err));
	f = fmemopen(buf, sizeof(buf), "w");
	ck_assert(f);
	snprintf(err.file, sizeof(err.file), "a.trace");
	err.line = 3;
	err.column = 14;
	snprintf(err.msg, sizeof(err.msg), "expected x");
	vfiosim_error_print(&err, f);
	fclose(f);
	ck_assert_str_eq(buf, "a.trace:3:14: expected x\n");
}
END_TEST

START_TEST(test_names)
{
	const char *name;
	char buf[64];
	int e, n = 0;
	unsigned int op;

	for (e = 1; e <= EHWPOISON; e++) {
		name = vfiosim_errno_name(e);
		if (!name)
			continue;
		n++;
		ck_assert_int_eq(vfiosim_errno_from_name(name), e);
	}
	ck_assert_int_ge(n, 130);
	ck_assert_str_eq(vfiosim_errno_name(EINVAL), "EINVAL");
	ck_assert_str_eq(vfiosim_errno_name(EAGAIN), "EAGAIN");
	ck_assert_str_eq(vfiosim_errno_name(EHWPOISON), "EHWPOISON");
	ck_assert_int_eq(vfiosim_errno_from_name("EWOULDBLOCK"), EAGAIN);
	ck_assert_int_eq(vfiosim_errno_from_name("ENOTSUP"), EOPNOTSUPP);
	ck_assert_int_eq(vfiosim_errno_from_name("EFOO"), 0);
	ck_assert_int_eq(vfiosim_errno_from_name(NULL), 0);
	ck_assert_ptr_null(vfiosim_errno_name(0));
	ck_assert_ptr_null(vfiosim_errno_name(4000));
	for (op = 0; op < VFIOSIM_OP_NR; op++)
		ck_assert_ptr_nonnull(vfiosim_op_name(op));
	ck_assert_str_eq(vfiosim_op_name(VFIOSIM_OP_IOEVENTFD), "ioeventfd");
	ck_assert_ptr_null(vfiosim_op_name(VFIOSIM_OP_NR));
	ck_assert(vfiosim_list_format(VFIOSIM_LIST_REGION, VFIOSIM_REG_MMAP |
				      VFIOSIM_REG_R, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "R,MMAP");
	ck_assert(vfiosim_list_format(VFIOSIM_LIST_PROT, 0, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "NONE");
	ck_assert(!vfiosim_list_format(VFIOSIM_LIST_PROT, 1u << 9, buf,
				       sizeof(buf)));
	ck_assert(!vfiosim_list_format(VFIOSIM_LIST_IRQ, VFIOSIM_IRQ_EVENTFD,
				       buf, 4));
	ck_assert_uint_eq(vfiosim_list_bit(VFIOSIM_LIST_CAPS, "sparse", 6),
			  VFIOSIM_CAP_SPARSE);
	ck_assert_uint_eq(vfiosim_list_bit(VFIOSIM_LIST_CAPS, "spars", 5), 0);
}
END_TEST

START_TEST(test_equal)
{
	static const char text[] =
		"vfiotrace 1\nmeta note \"n\"\ndev d0\nreg d0 0 size=0x1000\n"
		"irq d0 1 count=1\np=1 close fd=3 = 0 # c\n";
	struct vfiosim_trace *a = parse_ok(text), *b = parse_ok(text);
	char why[128];

	ck_assert(vfiosim_trace_equal(a, b, why, sizeof(why)));
	ck_assert_str_eq(why, "");
	b->events[0].fd = 4;
	ck_assert(!vfiosim_trace_equal(a, b, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "fd"));
	b->events[0].fd = 3;
	b->devices[0].regions[0].size = 2;
	ck_assert(!vfiosim_trace_equal(a, b, NULL, 0));
	b->devices[0].regions[0].size = 0x1000;
	b->devices[0].irqs[1].count = 2;
	ck_assert(!vfiosim_trace_equal(a, b, why, sizeof(why)));
	b->devices[0].irqs[1].count = 1;
	free(b->events[0].comment);
	b->events[0].comment = NULL;
	ck_assert(!vfiosim_trace_equal(a, b, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "comment"));
	b->events[0].comment = strdup(" c");
	free(b->meta.note);
	b->meta.note = NULL;
	ck_assert(!vfiosim_trace_equal(a, b, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "note"));
	ck_assert(!vfiosim_trace_equal(a, NULL, why, sizeof(why)));
	ck_assert(vfiosim_trace_equal(NULL, NULL, why, sizeof(why)));
	vfiosim_trace_free(a);
	vfiosim_trace_free(b);
	vfiosim_trace_free(NULL);
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *files = tcase_create("files");
	TCase *fuzz = tcase_create("fuzz");
	TCase *api = tcase_create("api");

	tcase_set_timeout(files, 120);
	tcase_add_test(files, test_samples);
	tcase_add_test(files, test_broken);
	suite_add_tcase(s, files);
	tcase_set_timeout(fuzz, 600);
	tcase_add_test(fuzz, test_prefixes);
	tcase_add_test(fuzz, test_random);
	tcase_add_test(fuzz, test_mutations);
	suite_add_tcase(s, fuzz);
	tcase_set_timeout(api, 60);
	tcase_add_test(api, test_values);
	tcase_add_test(api, test_inline_errors);
	tcase_add_test(api, test_load_errors);
	tcase_add_test(api, test_names);
	tcase_add_test(api, test_equal);
	suite_add_tcase(s, api);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(trace_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
