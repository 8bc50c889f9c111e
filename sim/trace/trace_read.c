// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiotrace 1 reader (traces/README.md).
 *
 * The reader takes any bytes: it never reads past @len, allocates in
 * proportion to the input (the events, their comments and the meta texts:
 * at most about 27 times the input, for a file of 15-byte events, plus
 * 1 MiB for a catalog entry) and either returns a whole trace or fails
 * with one error, "FILE:LINE:COLUMN: expected ...".  vfiosim_trace_load()
 * reads at most 64 MiB.  An error that is not about the text (a file that
 * cannot be read) has line and column 0.  Choices the format leaves open:
 *
 * - LINE is 1-based; COLUMN is the 1-based byte offset in the line (a tab
 *   counts as one) of the offending token, or of the offending part of a
 *   value (a list word, a number inside OFF+LEN).  An error about a whole
 *   record (a required key missing) points at the record's keyword or op;
 *   an error at the end of the input points just past its last byte.
 * - Bytes: a line holds tabs and printable ASCII only, comments included.
 *   NUL, other control bytes, a '\r' (CRLF) and bytes >= 0x80 are errors.
 *   A line is at most 1 MiB; a line holds at most 64 tokens.
 * - Numbers are decimal or "0x" + hex digits (either case), unsigned,
 *   at most 64 bits and at most what their field holds.  The one signed
 *   key is ioeventfd efd=: -1 asks VFIO_DEVICE_IOEVENTFD to remove one.
 *   The hex fields (vendor, device, class, type=T/S) are hex digits with
 *   an optional "0x".
 * - A result "-N" with N in 1..4095 is the errno N (written back by name
 *   when it has one); other results are non-negative integers.
 * - Keys come in any order but each once; an unknown key is an error.
 *   from= of dev comes right after the name.  The address from= (at=
 *   learned on another fd) may be anywhere among the keys, but at= must
 *   be an @ address.
 * - Header records (meta, dev, reg, irq) come in any order before the
 *   first event; reg and irq name a device declared above them.  A reg
 *   or irq record describes its slot whole: it replaces what a catalog
 *   entry said about it.  A slot is described once per file.
 * - The NAME of reg is the word after INDEX unless it is one of the
 *   region words (absent, io, msix_mappable, wc).  Region and IRQ names
 *   start with a letter, then letters, digits and "_.-:/+".
 * - Lists: "none" or "NONE" alone is the empty list; elements appear once.
 *   reg flags= takes R, W, MMAP; an rinfo result flags= also CAPS.  The
 *   words of an rinfo result caps= are those of the reg record that give
 *   the capability: sparse, type and msix_mappable.
 * - data= of rd/wr is hex bytes without "0x", at most 4096 hex digits and
 *   at most len= bytes; the first VFIOSIM_MAX_DATA bytes are kept and
 *   data_len counts those (a longer data= is cut).  data= of ioeventfd is
 *   a number that fits size= bytes.
 * - Results must agree with the op (the table in the format): open gives
 *   its fd=, dup its new=, close and munmap 0, rd/wr at most len= bytes;
 *   close, dup and munmap record no errno, fork no result at all.
 *   Keyed results need their unbracketed keys.
 * - The default of dev regions= is the highest described region + 1, at
 *   least 9; it is worked out when the header ends.
 * - A trailing comment on an event line is kept (the text after '#');
 *   other comments are dropped.
 *
 * Catalog entries: dev from=NAME reads CATALOG_DIR/NAME.dev, NAME being
 * letters, digits, '_' and '-'.  A catalog file has the lexical rules of a
 * trace; it may start with "vfiotrace 1" and may hold meta records (read
 * and dropped), then exactly one dev record named NAME (without from=) and
 * its reg and irq records; no events.  An error inside it names the
 * catalog file, its line and column, and the trace line that used it.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vfiosim/trace.h"

#define MAX_TOKENS	64
#define MAX_LINE	(1u << 20)
#define MAX_DATA_HEX	4096
#define MAX_TRACE_FILE	((size_t)64 << 20)
#define MAX_CATALOG_FILE	((size_t)1 << 20)
#define MAX_SHOW	40	/* bytes of a token quoted in a message */

enum tok_kind { TOK_WORD, TOK_KEY, TOK_EQ, TOK_STRING };

struct tok {
	enum tok_kind kind;
	const char *s;		/* word, key, or string with its quotes */
	size_t n;
	unsigned int col;
	const char *v;		/* TOK_KEY: the value */
	size_t vn;
	unsigned int vcol;
};

/* Per device: what this file said about it. */
struct dev_state {
	bool regions_set;	/* regions= given, here or in the catalog */
	unsigned int reg_line[VFIOSIM_MAX_REGIONS];	/* 0: not described */
	unsigned int irq_line[VFIOSIM_MAX_IRQS];
};

struct parser {
	const char *path;
	const char *text;
	size_t len;
	size_t pos;		/* start of the next line */
	unsigned int lineno;
	const char *line;
	size_t line_len;
	struct tok tok[MAX_TOKENS];
	unsigned int ntok;
	const char *comment;	/* after '#', or NULL */
	size_t comment_len;
	const struct vfiosim_parse_opts *opts;
	struct vfiosim_error *err;
	struct vfiosim_trace *t;
	struct dev_state ds[VFIOSIM_MAX_DEVICES];
	const char *catalog;	/* reading catalog entry NAME */
	unsigned int nrecords;
	bool seen_event;
	size_t events_cap;
};

#define SHOW(s, n)	(int)((n) > MAX_SHOW ? MAX_SHOW : (n)), (s)

static int __attribute__((format(printf, 3, 4)))
fail(struct parser *p, unsigned int col, const char *fmt, ...)
{
	struct vfiosim_error *e = p->err;
	va_list ap;

	snprintf(e->file, sizeof(e->file), "%s", p->path);
	e->line = p->lineno;
	e->column = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* The column just past the current line: "expected more here". */
static unsigned int eol(const struct parser *p)
{
	return (unsigned int)p->line_len + 1;
}

/* Move the position to the end of the input, for an error there. */
static void at_eof(struct parser *p)
{
	if (!p->len || p->text[p->len - 1] == '\n') {
		p->lineno++;
		p->line_len = 0;
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool tok_is(const struct tok *t, enum tok_kind kind, const char *s)
{
	return t->kind == kind && strlen(s) == t->n && !memcmp(t->s, s, t->n);
}

static bool span_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(s, word, n);
}

/* A token as a message quotes it. */
static const char *tok_show(const struct tok *t, char *buf, size_t len)
{
	switch (t->kind) {
	case TOK_EQ:
		return "'='";
	case TOK_STRING:
		return "a string";
	case TOK_KEY:
		snprintf(buf, len, "'%.*s=%.*s'", SHOW(t->s, t->n),
			 SHOW(t->v, t->vn));
		return buf;
	default:
		snprintf(buf, len, "'%.*s'", SHOW(t->s, t->n));
		return buf;
	}
}

/* Split the line into tokens and a trailing comment. */
static int tokenize(struct parser *p)
{
	const char *s = p->line;
	size_t n = p->line_len, i = 0, j, k;
	const char *eq;
	struct tok *t;

	p->ntok = 0;
	p->comment = NULL;
	p->comment_len = 0;
	for (;;) {
		while (i < n && is_blank(s[i]))
			i++;
		if (i == n)
			return 0;
		if (s[i] == '#') {
			p->comment = s + i + 1;
			p->comment_len = n - i - 1;
			return 0;
		}
		if (p->ntok == MAX_TOKENS)
			return fail(p, i + 1,
				    "expected at most %d tokens on a line",
				    MAX_TOKENS);
		t = &p->tok[p->ntok++];
		memset(t, 0, sizeof(*t));
		t->s = s + i;
		t->col = i + 1;
		if (s[i] == '"') {
			for (j = i + 1; j < n && s[j] != '"'; j++)
				if (s[j] == '\\' && j + 1 < n)
					j++;
			if (j >= n)
				return fail(p, i + 1,
					    "expected a closing '\"' for this string");
			j++;
			if (j < n && !is_blank(s[j]) && s[j] != '#')
				return fail(p, j + 1,
					    "expected a space after the closing '\"'");
			t->kind = TOK_STRING;
			t->n = j - i;
			i = j;
			continue;
		}
		for (j = i; j < n && !is_blank(s[j]) && s[j] != '#'; j++)
			if (s[j] == '"')
				return fail(p, j + 1,
					    "expected '\"' only to start a string");
		t->n = j - i;
		i = j;
		eq = memchr(t->s, '=', t->n);
		if (!eq) {
			t->kind = TOK_WORD;
			continue;
		}
		if (t->n == 1) {
			t->kind = TOK_EQ;
			continue;
		}
		k = eq - t->s;
		if (!k)
			return fail(p, t->col,
				    "expected a key before '=' (or '=' alone, spaced)");
		if (k + 1 == t->n)
			return fail(p, t->col + k + 1,
				    "expected a value after '%.*s='",
				    SHOW(t->s, k));
		eq = memchr(eq + 1, '=', t->n - k - 1);
		if (eq)
			return fail(p, t->col + (unsigned int)(eq - t->s),
				    "expected one '=' in a key=value pair");
		t->kind = TOK_KEY;
		t->v = t->s + k + 1;
		t->vn = t->n - k - 1;
		t->vcol = t->col + k + 1;
		t->n = k;
	}
}

/* Read the next line: 1, 0 at the end of the input, -1 on error. */
static int next_line(struct parser *p)
{
	const char *s, *nl;
	size_t n, i;
	unsigned char c;

	if (p->pos >= p->len)
		return 0;
	s = p->text + p->pos;
	nl = memchr(s, '\n', p->len - p->pos);
	n = nl ? (size_t)(nl - s) : p->len - p->pos;
	p->pos += n + (nl ? 1 : 0);
	if (p->lineno == UINT_MAX - 1)
		return fail(p, 1, "expected fewer lines");
	p->lineno++;
	p->line = s;
	p->line_len = n;
	p->ntok = 0;
	if (n > MAX_LINE) {
		p->line_len = MAX_LINE;
		return fail(p, MAX_LINE + 1,
			    "expected a line of at most %u bytes", MAX_LINE);
	}
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '\t' || (c >= 0x20 && c < 0x7f))
			continue;
		if (c == '\r' && i + 1 == n)
			return fail(p, i + 1,
				    "expected a line to end in '\\n' alone, not CRLF");
		if (!c)
			return fail(p, i + 1, "expected text, not a NUL byte");
		if (c >= 0x80)
			return fail(p, i + 1,
				    "expected ASCII, not byte 0x%02x", c);
		return fail(p, i + 1,
			    "expected printable ASCII or a tab, not byte 0x%02x",
			    c);
	}
	if (tokenize(p))
		return -1;
	return 1;
}

/* Digits in @base, no prefix, into @out; at most @max. */
static int parse_base(struct parser *p, const char *s, size_t n,
		      unsigned int col, unsigned int base, uint64_t max,
		      const char *what, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;
	int d;

	if (!n)
		return fail(p, col, "expected %s, not nothing", what);
	for (i = 0; i < n; i++) {
		d = hex_value(s[i]);
		if (d < 0 || (unsigned int)d >= base)
			return fail(p, col, "expected %s, not '%.*s'", what,
				    SHOW(s, n));
		if (v > (UINT64_MAX - (unsigned int)d) / base)
			return fail(p, col,
				    "expected %s of at most 64 bits, not '%.*s'",
				    what, SHOW(s, n));
		v = v * base + (unsigned int)d;
	}
	if (v > max)
		return fail(p, col, "expected %s of at most %llu, not '%.*s'",
			    what, (unsigned long long)max, SHOW(s, n));
	*out = v;
	return 0;
}

/* A number: decimal, or hex after "0x". */
static int parse_num(struct parser *p, const char *s, size_t n,
		     unsigned int col, uint64_t max, const char *what,
		     uint64_t *out)
{
	if (n >= 2 && s[0] == '0' && s[1] == 'x') {
		if (n == 2)
			return fail(p, col, "expected %s, not '0x' alone",
				    what);
		return parse_base(p, s + 2, n - 2, col, 16, max, what, out);
	}
	return parse_base(p, s, n, col, 10, max, what, out);
}

/* Hex digits, "0x" optional (PCI IDs, class codes, region types). */
static int parse_hex(struct parser *p, const char *s, size_t n,
		     unsigned int col, uint64_t max, const char *what,
		     uint64_t *out)
{
	if (n > 2 && s[0] == '0' && s[1] == 'x')
		return parse_base(p, s + 2, n - 2, col, 16, max, what, out);
	return parse_base(p, s, n, col, 16, max, what, out);
}

static int key_num(struct parser *p, const struct tok *t, uint64_t max,
		   const char *what, uint64_t *out)
{
	return parse_num(p, t->v, t->vn, t->vcol, max, what, out);
}

static int key_u32(struct parser *p, const struct tok *t, const char *what,
		   uint32_t *out)
{
	uint64_t v;

	if (key_num(p, t, UINT32_MAX, what, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int key_int(struct parser *p, const struct tok *t, const char *what,
		   int *out)
{
	uint64_t v;

	if (key_num(p, t, INT_MAX, what, &v))
		return -1;
	*out = (int)v;
	return 0;
}

/* A signed int: [-]NUMBER (ioeventfd efd=, where -1 removes one). */
static int key_sint(struct parser *p, const struct tok *t, const char *what,
		    int *out)
{
	bool neg = t->vn && t->v[0] == '-';
	uint64_t v;

	if (parse_num(p, t->v + neg, t->vn - neg, t->vcol, neg ?
		      (uint64_t)INT_MAX + 1 : INT_MAX, what, &v))
		return -1;
	*out = neg ? (int)(-(int64_t)v) : (int)v;
	return 0;
}

static int parse_list(struct parser *p, enum vfiosim_list list,
		      uint32_t allowed, const char *words, const char *s,
		      size_t n, unsigned int col, uint32_t *out)
{
	uint32_t v = 0, bit;
	size_t i = 0, j;

	if (span_is(s, n, "none") || span_is(s, n, "NONE")) {
		*out = 0;
		return 0;
	}
	for (;;) {
		for (j = i; j < n && s[j] != ','; j++)
			;
		if (j == i)
			return fail(p, col + i,
				    "expected %s, not an empty list element",
				    words);
		bit = vfiosim_list_bit(list, s + i, j - i) & allowed;
		if (!bit)
			return fail(p, col + i, "expected %s, not '%.*s'",
				    words, SHOW(s + i, j - i));
		if (v & bit)
			return fail(p, col + i,
				    "expected each list word once, not '%.*s' again",
				    SHOW(s + i, j - i));
		v |= bit;
		if (j == n)
			break;
		i = j + 1;
	}
	*out = v;
	return 0;
}

static int key_list(struct parser *p, const struct tok *t,
		    enum vfiosim_list list, uint32_t allowed, const char *words,
		    uint32_t *out)
{
	return parse_list(p, list, allowed, words, t->v, t->vn, t->vcol, out);
}

/* OFF+LEN */
static int parse_range(struct parser *p, const char *s, size_t n,
		       unsigned int col, struct vfiosim_range *r)
{
	const char *plus = memchr(s, '+', n);
	size_t k;

	if (!plus)
		return fail(p, col, "expected OFF+LEN, not '%.*s'", SHOW(s, n));
	k = plus - s;
	if (parse_num(p, s, k, col, UINT64_MAX, "an offset", &r->off) ||
	    parse_num(p, s + k + 1, n - k - 1, col + k + 1, UINT64_MAX,
		      "a length", &r->len))
		return -1;
	if (r->len > UINT64_MAX - r->off)
		return fail(p, col, "expected OFF+LEN to end within 64 bits");
	return 0;
}

/* @I+OFF, @I/wc+OFF or !OFF; @I alone in an rinfo result (@result). */
static int parse_addr(struct parser *p, const char *s, size_t n,
		      unsigned int col, bool result, struct vfiosim_addr *a)
{
	uint64_t v;
	size_t j;

	if (n && s[0] == '!') {
		a->kind = VFIOSIM_ADDR_LITERAL;
		return parse_num(p, s + 1, n - 1, col + 1, UINT64_MAX,
				 "an fd offset after '!'", &a->off);
	}
	if (!n || s[0] != '@')
		return fail(p, col, "expected %s, not '%.*s'",
			    result ? "@I or !OFF" :
				     "an address: @I+OFF, @I/wc+OFF or !OFF",
			    SHOW(s, n));
	for (j = 1; j < n && s[j] != '/' && s[j] != '+'; j++)
		;
	if (parse_num(p, s + 1, j - 1, col + 1, VFIOSIM_MAX_REGIONS - 1,
		      "a region index", &v))
		return -1;
	a->kind = VFIOSIM_ADDR_REGION;
	a->index = (uint32_t)v;
	if (result) {
		if (j < n)
			return fail(p, col + j,
				    "expected off=@I alone in a result, not '%.*s'",
				    SHOW(s, n));
		return 0;
	}
	if (j < n && s[j] == '/') {
		if (n - j < 3 || memcmp(s + j, "/wc", 3))
			return fail(p, col + j, "expected '/wc' after '@I'");
		a->wc = true;
		j += 3;
	}
	if (j == n || s[j] != '+')
		return fail(p, col + j, "expected '+OFF' after '%.*s'",
			    SHOW(s, j));
	return parse_num(p, s + j + 1, n - j - 1, col + j + 1, UINT64_MAX,
			 "an offset", &a->off);
}

/* from=fdN or from=pP.fdN */
static int parse_from(struct parser *p, const struct tok *t, int pid,
		      struct vfiosim_addr *a)
{
	const char *s = t->v, *dot;
	size_t n = t->vn, k;
	uint64_t v;

	a->has_from = true;
	a->from_pid = pid;
	if (n && s[0] == 'p') {
		dot = memchr(s, '.', n);
		if (!dot)
			return fail(p, t->vcol,
				    "expected from=fdN or from=pP.fdN");
		k = dot - s;
		if (parse_num(p, s + 1, k - 1, t->vcol + 1, INT_MAX, "a pid",
			      &v))
			return -1;
		a->from_pid = (int)v;
		s += k + 1;
		n -= k + 1;
	}
	if (n < 2 || memcmp(s, "fd", 2))
		return fail(p, t->vcol + (unsigned int)(s - t->v),
			    "expected from=fdN or from=pP.fdN");
	if (parse_num(p, s + 2, n - 2, t->vcol + (unsigned int)(s - t->v) + 2,
		      INT_MAX, "an fd", &v))
		return -1;
	a->from_fd = (int)v;
	return 0;
}

/* A quoted string, unescaped, into a new C string. */
static int parse_string(struct parser *p, const struct tok *t, char **out)
{
	size_t end = t->n - 1, i, o = 0;
	char *buf;
	int hi, lo;
	char c;

	buf = malloc(t->n);
	if (!buf)
		return fail(p, t->col, "expected memory for a string");
	for (i = 1; i < end; i++) {
		c = t->s[i];
		if (c != '\\') {
			buf[o++] = c;
			continue;
		}
		c = t->s[++i];
		switch (c) {
		case '\\':
		case '"':
			buf[o++] = c;
			break;
		case 'n':
			buf[o++] = '\n';
			break;
		case 't':
			buf[o++] = '\t';
			break;
		case 'x':
			hi = i + 2 < end ? hex_value(t->s[i + 1]) : -1;
			lo = i + 2 < end ? hex_value(t->s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				free(buf);
				return fail(p, t->col + i - 1,
					    "expected two hex digits after '\\x'");
			}
			if (!hi && !lo) {
				free(buf);
				return fail(p, t->col + i - 1,
					    "expected a byte other than '\\x00' in a string");
			}
			buf[o++] = (char)(hi << 4 | lo);
			i += 2;
			break;
		default:
			free(buf);
			return fail(p, t->col + i - 1,
				    "expected an escape \\\\, \\\", \\n, \\t or \\xHH, not '\\%c'",
				    c);
		}
	}
	buf[o] = '\0';
	*out = buf;
	return 0;
}

/* Letters, digits, '_' and '-', at most VFIOSIM_NAME_LEN - 1 bytes. */
static bool is_ident(const char *s, size_t n, bool letter_first)
{
	size_t i;

	if (!n || n >= VFIOSIM_NAME_LEN || (letter_first && !is_alpha(s[0])))
		return false;
	for (i = 0; i < n; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '_' &&
		    s[i] != '-')
			return false;
	return true;
}

/* A region or IRQ name: a letter, then letters, digits and "_.-:/+". */
static bool is_doc_name(const char *s, size_t n)
{
	size_t i;

	if (!n || n >= VFIOSIM_NAME_LEN || !is_alpha(s[0]))
		return false;
	for (i = 0; i < n; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) &&
		    !strchr("_.-:/+", s[i]))
			return false;
	return true;
}

static void copy_name(char *dst, const char *s, size_t n)
{
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int find_dev(const struct parser *p, const char *s, size_t n)
{
	unsigned int i;

	for (i = 0; i < p->t->nr_devices; i++)
		if (span_is(s, n, p->t->devices[i].name))
			return (int)i;
	return -1;
}

/* Index of @t's key in @names, or -1. */
static int find_key(const struct tok *t, const char *const *names,
		    unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (span_is(t->s, t->n, names[i]))
			return (int)i;
	return -1;
}

/* Take key @t of a record: its index in @names, each key once. */
static int take_key(struct parser *p, const struct tok *t,
		    const char *const *names, unsigned int nr,
		    const char *expect, uint32_t *seen)
{
	char buf[2 * MAX_SHOW + 8];
	int k;

	if (t->kind != TOK_KEY)
		return fail(p, t->col, "expected %s, not %s", expect,
			    tok_show(t, buf, sizeof(buf)));
	k = find_key(t, names, nr);
	if (k < 0)
		return fail(p, t->col, "expected %s, not '%.*s='", expect,
			    SHOW(t->s, t->n));
	if (*seen & (1u << k))
		return fail(p, t->col,
			    "expected each key once, not '%s=' again",
			    names[k]);
	*seen |= 1u << k;
	return k;
}

/* The header is complete: give devices their computed defaults. */
static void end_header(struct parser *p)
{
	unsigned int i;

	for (i = 0; i < p->t->nr_devices; i++)
		if (!p->ds[i].regions_set)
			p->t->devices[i].nr_regions =
				vfiosim_default_regions(&p->t->devices[i]);
}

static int parse_version(struct parser *p)
{
	const struct tok *t = p->tok;

	if (p->nrecords)
		return fail(p, t[0].col,
			    "expected 'vfiotrace 1' only as the first record");
	if (p->ntok < 2)
		return fail(p, eol(p), "expected a version after 'vfiotrace'");
	if (!tok_is(&t[1], TOK_WORD, "1"))
		return fail(p, t[1].col,
			    "expected version 1 after 'vfiotrace'");
	if (p->ntok > 2)
		return fail(p, t[2].col,
			    "expected the end of the line after 'vfiotrace 1'");
	return 0;
}

static int parse_meta(struct parser *p)
{
	static const char *const keys[] = {
		"client", "source", "capture", "note",
	};
	static const char *const expect =
		"a meta key: client, source, capture or note";
	const struct tok *t = p->tok;
	char buf[2 * MAX_SHOW + 8];
	char **slot;
	int k;

	if (p->ntok < 2)
		return fail(p, eol(p), "expected %s", expect);
	k = t[1].kind == TOK_WORD ? find_key(&t[1], keys, 4) : -1;
	if (k < 0)
		return fail(p, t[1].col, "expected %s, not %s", expect,
			    tok_show(&t[1], buf, sizeof(buf)));
	switch (k) {
	case 0:
		slot = &p->t->meta.client;
		break;
	case 1:
		slot = &p->t->meta.source;
		break;
	case 2:
		slot = &p->t->meta.capture;
		break;
	default:
		slot = &p->t->meta.note;
		break;
	}
	if (*slot)
		return fail(p, t[1].col,
			    "expected each meta key once, not '%s' again",
			    keys[k]);
	if (p->ntok < 3)
		return fail(p, eol(p),
			    "expected a quoted string after 'meta %s'",
			    keys[k]);
	if (t[2].kind != TOK_STRING)
		return fail(p, t[2].col,
			    "expected a quoted string after 'meta %s', not %s",
			    keys[k], tok_show(&t[2], buf, sizeof(buf)));
	if (p->ntok > 3)
		return fail(p, t[3].col,
			    "expected the end of the line after the meta text");
	return parse_string(p, &t[2], slot);
}

static int read_file(const char *path, size_t max, char **bufp,
		     size_t *lenp);
static int parse_text(struct parser *p);

/* dev NAME from=ENTRY: start @d from the catalog entry. */
static int load_catalog(struct parser *p, const struct tok *t,
			struct vfiosim_device *d, struct dev_state *ds)
{
	char name[VFIOSIM_NAME_LEN] = "";
	struct parser *sub = NULL;
	struct vfiosim_trace *ct = NULL;
	char *path = NULL, *buf = NULL;
	size_t len, used;
	int rc;

	if (!is_ident(t->v, t->vn, false))
		return fail(p, t->vcol,
			    "expected a catalog entry name (letters, digits, '_', '-'; at most %d), not '%.*s'",
			    VFIOSIM_NAME_LEN - 1, SHOW(t->v, t->vn));
	copy_name(name, t->v, t->vn);
	if (!p->opts || !p->opts->catalog_dir)
		return fail(p, t->vcol,
			    "expected a catalog directory for from=%s (none was given)",
			    name);
	len = strlen(p->opts->catalog_dir) + strlen(name) + 6;
	path = malloc(len);
	if (!path)
		return fail(p, t->vcol, "expected memory for a catalog path");
	snprintf(path, len, "%s/%s.dev", p->opts->catalog_dir, name);
	rc = read_file(path, MAX_CATALOG_FILE, &buf, &len);
	if (rc) {
		fail(p, t->vcol, "expected a catalog entry %s: %s", path,
		     strerror(rc));
		goto out;
	}
	sub = calloc(1, sizeof(*sub));
	ct = calloc(1, sizeof(*ct));
	if (!sub || !ct) {
		rc = fail(p, t->vcol, "expected memory for a catalog entry");
		goto out;
	}
	sub->path = path;
	sub->text = buf;
	sub->len = len;
	sub->opts = p->opts;
	sub->err = p->err;
	sub->t = ct;
	sub->catalog = name;
	rc = parse_text(sub);
	if (rc) {
		used = strlen(p->err->msg);
		snprintf(p->err->msg + used, sizeof(p->err->msg) - used,
			 " (dev from=%s at %s:%u)", name, p->path, p->lineno);
		goto out;
	}
	*d = ct->devices[0];
	memset(ds, 0, sizeof(*ds));
	ds->regions_set = sub->ds[0].regions_set;
	memcpy(d->from, name, sizeof(name));
out:
	if (ct)
		vfiosim_trace_free(ct);
	free(sub);
	free(buf);
	free(path);
	return rc ? -1 : 0;
}

static int parse_bdf(struct parser *p, const struct tok *t, char *bdf)
{
	static const char shape[] = "hhhh:hh:hh.f";
	size_t i;

	if (t->vn != sizeof(shape) - 1)
		goto bad;
	for (i = 0; i < t->vn; i++) {
		if (shape[i] == 'h' ? hex_value(t->v[i]) < 0 :
		    shape[i] == 'f' ? t->v[i] < '0' || t->v[i] > '7' :
		    t->v[i] != shape[i])
			goto bad;
		bdf[i] = t->v[i] >= 'A' && t->v[i] <= 'F' ?
			 t->v[i] - 'A' + 'a' : t->v[i];
	}
	bdf[i] = '\0';
	if (hex_value(bdf[8]) > 1)
		goto bad;
	return 0;
bad:
	return fail(p, t->vcol,
		    "expected a PCI address like 0000:3b:00.0, not '%.*s'",
		    SHOW(t->v, t->vn));
}

static int parse_dev(struct parser *p)
{
	static const char *const keys[] = {
		"bdf", "vendor", "device", "class", "cfgsize", "flags",
		"regions", "irqs", "ioeventfd", "from",
	};
	static const char *const expect =
		"a dev key: bdf, vendor, device, class, cfgsize, flags, regions, irqs or ioeventfd";
	const struct tok *t = p->tok;
	struct vfiosim_device *d;
	struct dev_state *ds;
	uint32_t seen = 0;
	unsigned int i;
	uint64_t v;
	int k;

	if (p->ntok < 2)
		return fail(p, eol(p), "expected a device name after 'dev'");
	if (t[1].kind != TOK_WORD || !is_ident(t[1].s, t[1].n, true))
		return fail(p, t[1].col,
			    "expected a device name (a letter, then letters, digits, '_', '-'; at most %d)",
			    VFIOSIM_NAME_LEN - 1);
	if (find_dev(p, t[1].s, t[1].n) >= 0)
		return fail(p, t[1].col,
			    "expected a new device name, not '%.*s' again",
			    SHOW(t[1].s, t[1].n));
	if (p->catalog && p->t->nr_devices)
		return fail(p, t[0].col,
			    "expected one dev record in a catalog entry");
	if (p->catalog && !span_is(t[1].s, t[1].n, p->catalog))
		return fail(p, t[1].col,
			    "expected the device named '%s' like its catalog file",
			    p->catalog);
	if (p->t->nr_devices == VFIOSIM_MAX_DEVICES)
		return fail(p, t[0].col, "expected at most %d devices",
			    VFIOSIM_MAX_DEVICES);
	d = &p->t->devices[p->t->nr_devices];
	ds = &p->ds[p->t->nr_devices];
	memset(d, 0, sizeof(*d));
	memset(ds, 0, sizeof(*ds));
	d->cfgsize = 4096;
	d->flags = VFIOSIM_DEV_PCI | VFIOSIM_DEV_RESET;
	d->nr_irqs = 5;
	i = 2;
	if (i < p->ntok && tok_is(&t[i], TOK_KEY, "from")) {
		if (p->catalog)
			return fail(p, t[i].col,
				    "expected no from= in a catalog entry");
		if (load_catalog(p, &t[i], d, ds))
			return -1;
		i++;
	}
	copy_name(d->name, t[1].s, t[1].n);
	for (; i < p->ntok; i++) {
		k = take_key(p, &t[i], keys, 10, expect, &seen);
		if (k < 0)
			return -1;
		switch (k) {
		case 0:
			if (parse_bdf(p, &t[i], d->bdf))
				return -1;
			break;
		case 1:
		case 2:
			if (parse_hex(p, t[i].v, t[i].vn, t[i].vcol, 0xffff,
				      "a PCI ID in hex", &v))
				return -1;
			if (k == 1)
				d->vendor = (uint16_t)v;
			else
				d->device = (uint16_t)v;
			break;
		case 3:
			if (parse_hex(p, t[i].v, t[i].vn, t[i].vcol, 0xffffff,
				      "a class code in hex", &v))
				return -1;
			d->class_code = (uint32_t)v;
			break;
		case 4:
			if (!span_is(t[i].v, t[i].vn, "256") &&
			    !span_is(t[i].v, t[i].vn, "4096"))
				return fail(p, t[i].vcol,
					    "expected cfgsize=256 or cfgsize=4096");
			d->cfgsize = t[i].vn == 3 ? 256 : 4096;
			break;
		case 5:
			if (key_list(p, &t[i], VFIOSIM_LIST_DEVICE, ~0u,
				     "PCI, RESET or CAPS", &d->flags))
				return -1;
			break;
		case 6:
			if (key_u32(p, &t[i], "a number of regions",
				    &d->nr_regions))
				return -1;
			ds->regions_set = true;
			break;
		case 7:
			if (key_u32(p, &t[i], "a number of IRQ indexes",
				    &d->nr_irqs))
				return -1;
			break;
		case 8:
			if (span_is(t[i].v, t[i].vn, "yes"))
				d->ioeventfd_enotty = false;
			else if (span_is(t[i].v, t[i].vn, "ENOTTY"))
				d->ioeventfd_enotty = true;
			else
				return fail(p, t[i].vcol,
					    "expected ioeventfd=yes or ioeventfd=ENOTTY");
			break;
		default:
			return fail(p, t[i].col,
				    "expected from= right after the device name");
		}
	}
	p->t->nr_devices++;
	return 0;
}

/* reg/irq DEV INDEX: the device and the slot. */
static int record_slot(struct parser *p, unsigned int max, const char *what,
		       struct vfiosim_device **d, struct dev_state **ds,
		       unsigned int *idx)
{
	const struct tok *t = p->tok;
	char buf[2 * MAX_SHOW + 8];
	uint64_t v;
	int i;

	if (p->ntok < 2)
		return fail(p, eol(p), "expected a device name after '%.*s'",
			    SHOW(t[0].s, t[0].n));
	i = t[1].kind == TOK_WORD ? find_dev(p, t[1].s, t[1].n) : -1;
	if (i < 0)
		return fail(p, t[1].col, "expected a declared device, not %s",
			    tok_show(&t[1], buf, sizeof(buf)));
	if (p->ntok < 3)
		return fail(p, eol(p), "expected %s after the device name",
			    what);
	if (t[2].kind != TOK_WORD)
		return fail(p, t[2].col, "expected %s, not %s", what,
			    tok_show(&t[2], buf, sizeof(buf)));
	if (parse_num(p, t[2].s, t[2].n, t[2].col, max - 1, what, &v))
		return -1;
	*d = &p->t->devices[i];
	*ds = &p->ds[i];
	*idx = (unsigned int)v;
	return 0;
}

static int parse_reg(struct parser *p)
{
	static const char *const words[] = {
		"absent", "io", "msix_mappable", "wc",
	};
	static const char *const keys[] = {
		"size", "flags", "msix", "pba", "sparse", "type", "fill",
	};
	static const char *const expect =
		"a region word (absent, io, msix_mappable, wc) or key (size, flags, msix, pba, sparse, type, fill)";
	const struct tok *t = p->tok;
	struct vfiosim_device *d;
	struct dev_state *ds;
	struct vfiosim_region *r;
	uint32_t seen = 0, seen_words = 0;
	unsigned int i, idx;
	size_t a, b;
	const char *s;
	uint64_t v;
	int k;

	if (record_slot(p, VFIOSIM_MAX_REGIONS, "a region index", &d, &ds,
			&idx))
		return -1;
	if (ds->reg_line[idx])
		return fail(p, t[2].col,
			    "expected one reg record per region: region %u of %s is on line %u",
			    idx, d->name, ds->reg_line[idx]);
	r = &d->regions[idx];
	memset(r, 0, sizeof(*r));
	r->described = true;
	i = 3;
	if (i < p->ntok && t[i].kind == TOK_WORD &&
	    find_key(&t[i], words, 4) < 0) {
		if (!is_doc_name(t[i].s, t[i].n))
			return fail(p, t[i].col,
				    "expected a region name (a letter, then letters, digits or \"_.-:/+\"; at most %d) or %s",
				    VFIOSIM_NAME_LEN - 1, expect);
		copy_name(r->name, t[i].s, t[i].n);
		i++;
	}
	for (; i < p->ntok; i++) {
		if (t[i].kind == TOK_WORD) {
			k = find_key(&t[i], words, 4);
			if (k < 0)
				return fail(p, t[i].col,
					    "expected %s, not '%.*s'", expect,
					    SHOW(t[i].s, t[i].n));
			if (seen_words & (1u << k))
				return fail(p, t[i].col,
					    "expected each word once, not '%s' again",
					    words[k]);
			seen_words |= 1u << k;
			if (k == 0)
				r->absent = true;
			else if (k == 1)
				r->io = true;
			else if (k == 2)
				r->msix_mappable = true;
			else
				r->wc = true;
			continue;
		}
		k = take_key(p, &t[i], keys, 7, expect, &seen);
		if (k < 0)
			return -1;
		switch (k) {
		case 0:
			if (key_num(p, &t[i], UINT64_MAX, "a size", &r->size))
				return -1;
			break;
		case 1:
			if (key_list(p, &t[i], VFIOSIM_LIST_REGION,
				     VFIOSIM_REG_R | VFIOSIM_REG_W |
				     VFIOSIM_REG_MMAP, "R, W or MMAP",
				     &r->flags))
				return -1;
			break;
		case 2:
			if (parse_range(p, t[i].v, t[i].vn, t[i].vcol,
					&r->msix))
				return -1;
			r->has_msix = true;
			break;
		case 3:
			if (parse_range(p, t[i].v, t[i].vn, t[i].vcol, &r->pba))
				return -1;
			r->has_pba = true;
			break;
		case 4:
			s = t[i].v;
			for (a = 0;; a = b + 1) {
				for (b = a; b < t[i].vn && s[b] != ','; b++)
					;
				if (r->nr_sparse == VFIOSIM_MAX_SPARSE)
					return fail(p, t[i].vcol + a,
						    "expected at most %d sparse areas",
						    VFIOSIM_MAX_SPARSE);
				if (parse_range(p, s + a, b - a, t[i].vcol + a,
						&r->sparse[r->nr_sparse]))
					return -1;
				r->nr_sparse++;
				if (b == t[i].vn)
					break;
			}
			break;
		case 5:
			s = memchr(t[i].v, '/', t[i].vn);
			if (!s)
				return fail(p, t[i].vcol,
					    "expected type=T/S (hex), not '%.*s'",
					    SHOW(t[i].v, t[i].vn));
			a = s - t[i].v;
			if (parse_hex(p, t[i].v, a, t[i].vcol, UINT32_MAX,
				      "a region type in hex", &v))
				return -1;
			r->type = (uint32_t)v;
			if (parse_hex(p, s + 1, t[i].vn - a - 1,
				      t[i].vcol + a + 1, UINT32_MAX,
				      "a region subtype in hex", &v))
				return -1;
			r->subtype = (uint32_t)v;
			r->has_type = true;
			break;
		default:
			if (key_num(p, &t[i], UINT64_MAX, "an offset",
				    &r->fill))
				return -1;
			r->has_fill = true;
			break;
		}
	}
	ds->reg_line[idx] = p->lineno;
	return 0;
}

static int parse_irq(struct parser *p)
{
	static const char *const keys[] = { "count", "flags" };
	static const char *const expect = "count=N or flags=LIST";
	const struct tok *t = p->tok;
	struct vfiosim_device *d;
	struct dev_state *ds;
	struct vfiosim_irq *q;
	uint32_t seen = 0;
	unsigned int i, idx;
	int k;

	if (record_slot(p, VFIOSIM_MAX_IRQS, "an IRQ index", &d, &ds, &idx))
		return -1;
	if (ds->irq_line[idx])
		return fail(p, t[2].col,
			    "expected one irq record per index: IRQ %u of %s is on line %u",
			    idx, d->name, ds->irq_line[idx]);
	q = &d->irqs[idx];
	memset(q, 0, sizeof(*q));
	q->described = true;
	i = 3;
	if (i < p->ntok && t[i].kind == TOK_WORD) {
		if (!is_doc_name(t[i].s, t[i].n))
			return fail(p, t[i].col,
				    "expected an IRQ name (a letter, then letters, digits or \"_.-:/+\"; at most %d) or %s",
				    VFIOSIM_NAME_LEN - 1, expect);
		copy_name(q->name, t[i].s, t[i].n);
		i++;
	}
	for (; i < p->ntok; i++) {
		k = take_key(p, &t[i], keys, 2, expect, &seen);
		if (k < 0)
			return -1;
		if (k == 0 && key_u32(p, &t[i], "a count", &q->count))
			return -1;
		if (k == 1 && key_list(p, &t[i], VFIOSIM_LIST_IRQ, ~0u,
				       "EVENTFD, MASKABLE, AUTOMASKED or NORESIZE",
				       &q->flags))
			return -1;
	}
	if (!(seen & 1))
		return fail(p, t[0].col, "expected count=N in the irq record");
	ds->irq_line[idx] = p->lineno;
	return 0;
}

/* Event keys, in the order messages list them. */
enum ekey {
	K_FD, K_DEV, K_VIA, K_NEW, K_CHILD, K_IDX, K_ARGSZ, K_START, K_COUNT,
	K_ACTION, K_VA, K_AT, K_FROM, K_LEN, K_SIZE, K_PROT, K_FLAGS, K_ADDR,
	K_DATA, K_EFD, K_CMD, K_NR
};

static const char *const ekey_names[K_NR] = {
	"fd", "dev", "via", "new", "child", "idx", "argsz", "start", "count",
	"action", "va", "at", "from", "len", "size", "prot", "flags", "addr",
	"data", "efd", "cmd",
};

#define B(k)	(1u << (k))

static const struct {
	uint32_t allowed, required;
} op_keys[VFIOSIM_OP_NR] = {
	[VFIOSIM_OP_OPEN] = { B(K_FD) | B(K_DEV) | B(K_VIA),
			      B(K_FD) | B(K_DEV) },
	[VFIOSIM_OP_CLOSE] = { B(K_FD), B(K_FD) },
	[VFIOSIM_OP_DUP] = { B(K_FD) | B(K_NEW), B(K_FD) | B(K_NEW) },
	[VFIOSIM_OP_FORK] = { B(K_CHILD), B(K_CHILD) },
	[VFIOSIM_OP_INFO] = { B(K_FD) | B(K_ARGSZ), B(K_FD) },
	[VFIOSIM_OP_RINFO] = { B(K_FD) | B(K_IDX) | B(K_ARGSZ),
			       B(K_FD) | B(K_IDX) },
	[VFIOSIM_OP_IRQINFO] = { B(K_FD) | B(K_IDX), B(K_FD) | B(K_IDX) },
	[VFIOSIM_OP_IRQSET] = {
		B(K_FD) | B(K_IDX) | B(K_START) | B(K_COUNT) | B(K_ACTION) |
		B(K_DATA),
		B(K_FD) | B(K_IDX) | B(K_START) | B(K_COUNT) | B(K_ACTION) |
		B(K_DATA) },
	[VFIOSIM_OP_RD] = { B(K_FD) | B(K_AT) | B(K_FROM) | B(K_LEN) |
			    B(K_DATA),
			    B(K_FD) | B(K_AT) | B(K_LEN) },
	[VFIOSIM_OP_WR] = { B(K_FD) | B(K_AT) | B(K_FROM) | B(K_LEN) |
			    B(K_DATA),
			    B(K_FD) | B(K_AT) | B(K_LEN) },
	[VFIOSIM_OP_MMAP] = {
		B(K_FD) | B(K_AT) | B(K_FROM) | B(K_LEN) | B(K_PROT) |
		B(K_FLAGS) | B(K_ADDR),
		B(K_FD) | B(K_AT) | B(K_LEN) | B(K_PROT) | B(K_FLAGS) },
	[VFIOSIM_OP_MUNMAP] = { B(K_VA) | B(K_LEN), B(K_VA) | B(K_LEN) },
	[VFIOSIM_OP_RESET] = { B(K_FD), B(K_FD) },
	[VFIOSIM_OP_IOEVENTFD] = {
		B(K_FD) | B(K_AT) | B(K_FROM) | B(K_SIZE) | B(K_DATA) |
		B(K_EFD),
		B(K_FD) | B(K_AT) | B(K_SIZE) | B(K_DATA) | B(K_EFD) },
	[VFIOSIM_OP_WC] = { B(K_FD) | B(K_IDX), B(K_FD) | B(K_IDX) },
	[VFIOSIM_OP_IOCTL] = { B(K_FD) | B(K_CMD), B(K_FD) | B(K_CMD) },
};

/* "fd, at, from, len, data" */
static void key_names(char *buf, size_t len, const char *const *names,
		      unsigned int nr, uint32_t mask)
{
	size_t used = 0;
	unsigned int k;

	buf[0] = '\0';
	for (k = 0; k < nr && used < len; k++)
		if (mask & (1u << k))
			used += snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", names[k]);
}

/* rd/wr data=: hex bytes. */
static int parse_data(struct parser *p, const struct tok *t,
		      struct vfiosim_event *ev, uint64_t *bytes)
{
	size_t i;
	int hi, lo;

	if (t->vn > MAX_DATA_HEX)
		return fail(p, t->vcol,
			    "expected at most %d hex digits of data",
			    MAX_DATA_HEX);
	if (t->vn % 2)
		return fail(p, t->vcol,
			    "expected data= as whole bytes (an even number of hex digits)");
	for (i = 0; i < t->vn; i += 2) {
		hi = hex_value(t->v[i]);
		lo = hex_value(t->v[i + 1]);
		if (hi < 0 || lo < 0)
			return fail(p, t->vcol + i + (hi >= 0),
				    "expected hex digits (no 0x) in data=");
		if (i / 2 < VFIOSIM_MAX_DATA)
			ev->data[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*bytes = t->vn / 2;
	ev->data_len = *bytes < VFIOSIM_MAX_DATA ? (unsigned int)*bytes :
						    VFIOSIM_MAX_DATA;
	return 0;
}

static int parse_event_key(struct parser *p, const struct tok *t,
			   struct vfiosim_event *ev, enum ekey k,
			   uint64_t *data_bytes)
{
	uint64_t v;
	int d;

	switch (k) {
	case K_FD:
		return key_int(p, t, "an fd", &ev->fd);
	case K_DEV:
		d = find_dev(p, t->v, t->vn);
		if (d < 0)
			return fail(p, t->vcol,
				    "expected a declared device, not '%.*s'",
				    SHOW(t->v, t->vn));
		ev->dev = d;
		return 0;
	case K_VIA:
		if (!span_is(t->v, t->vn, "group") &&
		    !span_is(t->v, t->vn, "cdev") &&
		    !span_is(t->v, t->vn, "noiommu"))
			return fail(p, t->vcol,
				    "expected via=group, via=cdev or via=noiommu");
		copy_name(ev->via, t->v, t->vn);
		return 0;
	case K_NEW:
		return key_int(p, t, "an fd", &ev->new_fd);
	case K_CHILD:
		return key_int(p, t, "a pid", &ev->child);
	case K_IDX:
		return key_u32(p, t, "an index", &ev->idx);
	case K_ARGSZ:
		ev->has_argsz = true;
		return key_u32(p, t, "an argsz", &ev->argsz);
	case K_START:
		return key_u32(p, t, "a start vector", &ev->start);
	case K_COUNT:
		return key_u32(p, t, "a count", &ev->count);
	case K_ACTION:
		if (span_is(t->v, t->vn, "TRIGGER"))
			ev->action = VFIOSIM_IRQ_TRIGGER;
		else if (span_is(t->v, t->vn, "MASK"))
			ev->action = VFIOSIM_IRQ_MASK;
		else if (span_is(t->v, t->vn, "UNMASK"))
			ev->action = VFIOSIM_IRQ_UNMASK;
		else
			return fail(p, t->vcol,
				    "expected action=TRIGGER, MASK or UNMASK");
		return 0;
	case K_VA:
		return key_num(p, t, UINT64_MAX, "an address", &ev->va);
	case K_AT:
		return parse_addr(p, t->v, t->vn, t->vcol, false, &ev->at);
	case K_FROM:
		return parse_from(p, t, ev->pid, &ev->at);
	case K_LEN:
		return key_num(p, t, UINT64_MAX, "a length", &ev->len);
	case K_SIZE:
		if (key_num(p, t, 8, "size=1, 2, 4 or 8", &v))
			return -1;
		if (v != 1 && v != 2 && v != 4 && v != 8)
			return fail(p, t->vcol, "expected size=1, 2, 4 or 8");
		ev->len = v;
		return 0;
	case K_PROT:
		return key_list(p, t, VFIOSIM_LIST_PROT, ~0u,
				"R, W, X or NONE", &ev->prot);
	case K_FLAGS:
		return key_list(p, t, VFIOSIM_LIST_MAP, ~0u,
				"SHARED, PRIVATE or FIXED", &ev->mflags);
	case K_ADDR:
		ev->has_addr = true;
		return key_num(p, t, UINT64_MAX, "an address", &ev->va);
	case K_DATA:
		if (ev->op == VFIOSIM_OP_IOEVENTFD)
			return key_num(p, t, UINT64_MAX, "a number",
				       &ev->ioev_data);
		if (ev->op != VFIOSIM_OP_IRQSET)
			return parse_data(p, t, ev, data_bytes);
		if (span_is(t->v, t->vn, "NONE"))
			ev->data_kind = VFIOSIM_IRQ_DATA_NONE;
		else if (span_is(t->v, t->vn, "BOOL"))
			ev->data_kind = VFIOSIM_IRQ_DATA_BOOL;
		else if (span_is(t->v, t->vn, "EVENTFD"))
			ev->data_kind = VFIOSIM_IRQ_DATA_EVENTFD;
		else
			return fail(p, t->vcol,
				    "expected data=NONE, BOOL or EVENTFD");
		return 0;
	case K_EFD:
		return key_sint(p, t, "an eventfd", &ev->efd);
	default:
		return key_num(p, t, UINT64_MAX, "an ioctl number", &ev->cmd);
	}
}

/* What a result may be. */
enum res_kind {
	R_NONE, R_FD, R_ZERO, R_ZERO_ERR, R_NEW, R_BYTES, R_ANY,
	R_INFO, R_RINFO, R_IRQINFO, R_MMAP,
};

static const enum res_kind op_result[VFIOSIM_OP_NR] = {
	[VFIOSIM_OP_OPEN] = R_FD,
	[VFIOSIM_OP_CLOSE] = R_ZERO,
	[VFIOSIM_OP_DUP] = R_NEW,
	[VFIOSIM_OP_FORK] = R_NONE,
	[VFIOSIM_OP_INFO] = R_INFO,
	[VFIOSIM_OP_RINFO] = R_RINFO,
	[VFIOSIM_OP_IRQINFO] = R_IRQINFO,
	[VFIOSIM_OP_IRQSET] = R_ZERO_ERR,
	[VFIOSIM_OP_RD] = R_BYTES,
	[VFIOSIM_OP_WR] = R_BYTES,
	[VFIOSIM_OP_MMAP] = R_MMAP,
	[VFIOSIM_OP_MUNMAP] = R_ZERO,
	[VFIOSIM_OP_RESET] = R_ZERO_ERR,
	[VFIOSIM_OP_IOEVENTFD] = R_ZERO_ERR,
	[VFIOSIM_OP_WC] = R_ZERO_ERR,
	[VFIOSIM_OP_IOCTL] = R_ANY,
};

static const char *const res_expect[] = {
	[R_NONE] = "no result",
	[R_FD] = "the fd of fd= or -ERRNO",
	[R_ZERO] = "0",
	[R_ZERO_ERR] = "0 or -ERRNO",
	[R_NEW] = "the fd of new=",
	[R_BYTES] = "a byte count up to len= or -ERRNO",
	[R_ANY] = "a number or -ERRNO",
	[R_INFO] = "regions=N irqs=N flags=LIST or -ERRNO",
	[R_RINFO] = "[argsz=N] flags=LIST size=N [off=ADDR] [caps=LIST] or -ERRNO",
	[R_IRQINFO] = "count=N flags=LIST or -ERRNO",
	[R_MMAP] = "va=VA or -ERRNO",
};

enum rkey {
	RK_ARGSZ, RK_REGIONS, RK_IRQS, RK_COUNT, RK_FLAGS, RK_SIZE, RK_OFF,
	RK_CAPS, RK_VA, RK_NR
};

static const char *const rkey_names[RK_NR] = {
	"argsz", "regions", "irqs", "count", "flags", "size", "off", "caps",
	"va",
};

static int parse_errno(struct parser *p, const struct tok *t, int *err)
{
	char name[32];
	uint64_t v;
	int e;

	if (t->n > 1 && is_digit(t->s[1])) {
		if (parse_num(p, t->s + 1, t->n - 1, t->col, 4095,
			      "-ERRNO with an errno number", &v))
			return -1;
		if (!v)
			return fail(p, t->col,
				    "expected -ERRNO with an errno number of 1 to 4095, not '-0'");
		*err = -(int)v;
		return 0;
	}
	e = 0;
	if (t->n - 1 < sizeof(name)) {
		copy_name(name, t->s + 1, t->n - 1);
		e = vfiosim_errno_from_name(name);
	}
	if (!e)
		return fail(p, t->col,
			    "expected -ERRNO with an errno name like EINVAL, not '%.*s'",
			    SHOW(t->s, t->n));
	*err = -e;
	return 0;
}

static int parse_result_keys(struct parser *p, struct vfiosim_event *ev,
			     enum res_kind kind, unsigned int i)
{
	static const struct {
		uint32_t allowed, required;
		enum vfiosim_list list;
		const char *words;
	} rk[] = {
		[R_INFO] = { B(RK_REGIONS) | B(RK_IRQS) | B(RK_FLAGS),
			     B(RK_REGIONS) | B(RK_IRQS) | B(RK_FLAGS),
			     VFIOSIM_LIST_DEVICE, "PCI, RESET or CAPS" },
		[R_RINFO] = { B(RK_ARGSZ) | B(RK_FLAGS) | B(RK_SIZE) |
			      B(RK_OFF) | B(RK_CAPS),
			      B(RK_FLAGS) | B(RK_SIZE),
			      VFIOSIM_LIST_REGION, "R, W, MMAP or CAPS" },
		[R_IRQINFO] = { B(RK_COUNT) | B(RK_FLAGS),
				B(RK_COUNT) | B(RK_FLAGS), VFIOSIM_LIST_IRQ,
				"EVENTFD, MASKABLE, AUTOMASKED or NORESIZE" },
		[R_MMAP] = { B(RK_VA), B(RK_VA), VFIOSIM_LIST_REGION, "" },
	};
	struct vfiosim_result *r = &ev->expect;
	const struct tok *eq = &p->tok[i - 1];
	char buf[2 * MAX_SHOW + 8];
	uint32_t seen = 0, miss;
	const struct tok *t;
	int k;

	for (; i < p->ntok; i++) {
		t = &p->tok[i];
		k = t->kind == TOK_KEY ? find_key(t, rkey_names, RK_NR) : -1;
		if (k < 0 || !(rk[kind].allowed & B(k)))
			return fail(p, t->col, "expected %s, not %s",
				    res_expect[kind],
				    tok_show(t, buf, sizeof(buf)));
		if (seen & B(k))
			return fail(p, t->col,
				    "expected each key once, not '%s=' again",
				    rkey_names[k]);
		seen |= B(k);
		switch (k) {
		case RK_ARGSZ:
			r->has_argsz = true;
			if (key_u32(p, t, "an argsz", &r->argsz))
				return -1;
			break;
		case RK_REGIONS:
			r->has_regions = true;
			if (key_u32(p, t, "a number of regions", &r->regions))
				return -1;
			break;
		case RK_IRQS:
			r->has_irqs = true;
			if (key_u32(p, t, "a number of IRQ indexes", &r->irqs))
				return -1;
			break;
		case RK_COUNT:
			r->has_count = true;
			if (key_u32(p, t, "a count", &r->count))
				return -1;
			break;
		case RK_FLAGS:
			r->has_flags = true;
			if (key_list(p, t, rk[kind].list, ~0u, rk[kind].words,
				     &r->flags))
				return -1;
			break;
		case RK_SIZE:
			r->has_size = true;
			if (key_num(p, t, UINT64_MAX, "a size", &r->size))
				return -1;
			break;
		case RK_OFF:
			r->has_off = true;
			if (parse_addr(p, t->v, t->vn, t->vcol, true, &r->off))
				return -1;
			break;
		case RK_CAPS:
			r->has_caps = true;
			if (key_list(p, t, VFIOSIM_LIST_CAPS, ~0u,
				     "sparse, type or msix_mappable", &r->caps))
				return -1;
			break;
		default:
			r->has_va = true;
			if (key_num(p, t, UINT64_MAX, "an address", &r->va))
				return -1;
			break;
		}
	}
	miss = rk[kind].required & ~seen;
	for (k = 0; k < RK_NR; k++)
		if (miss & B(k))
			return fail(p, eq->col,
				    "expected '%s=' in the result of '%s'",
				    rkey_names[k], vfiosim_op_name(ev->op));
	return 0;
}

/* After "=": the recorded result, @i the token after it. */
static int parse_result(struct parser *p, struct vfiosim_event *ev,
			unsigned int i)
{
	enum res_kind kind = op_result[ev->op];
	struct vfiosim_result *r = &ev->expect;
	const struct tok *eq = &p->tok[i - 1];
	char buf[2 * MAX_SHOW + 8];
	const struct tok *t;
	uint64_t v;
	bool bad;

	r->present = true;
	if (kind == R_NONE)
		return fail(p, eq->col, "expected no result for '%s'",
			    vfiosim_op_name(ev->op));
	if (i == p->ntok)
		return fail(p, eol(p), "expected a result after '=': %s",
			    res_expect[kind]);
	t = &p->tok[i];
	if (t->kind == TOK_WORD && t->s[0] == '-') {
		if (kind == R_ZERO || kind == R_NEW)
			return fail(p, t->col,
				    "expected %s: '%s' records no errno",
				    res_expect[kind], vfiosim_op_name(ev->op));
		if (parse_errno(p, t, &r->err))
			return -1;
		if (i + 1 < p->ntok)
			return fail(p, p->tok[i + 1].col,
				    "expected the end of the line after '%.*s'",
				    SHOW(t->s, t->n));
		return 0;
	}
	if (kind >= R_INFO)
		return parse_result_keys(p, ev, kind, i);
	if (t->kind != TOK_WORD)
		return fail(p, t->col, "expected %s, not %s", res_expect[kind],
			    tok_show(t, buf, sizeof(buf)));
	if (parse_num(p, t->s, t->n, t->col, INT64_MAX, res_expect[kind], &v))
		return -1;
	switch (kind) {
	case R_FD:
		bad = v != (uint64_t)ev->fd;
		break;
	case R_ZERO:
	case R_ZERO_ERR:
		bad = v != 0;
		break;
	case R_NEW:
		bad = v != (uint64_t)ev->new_fd;
		break;
	case R_BYTES:
		bad = v > ev->len;
		break;
	default:
		bad = false;
		break;
	}
	if (bad)
		return fail(p, t->col, "expected %s, not '%.*s'",
			    res_expect[kind], SHOW(t->s, t->n));
	r->has_value = true;
	r->value = (int64_t)v;
	if (i + 1 < p->ntok)
		return fail(p, p->tok[i + 1].col,
			    "expected the end of the line after '%.*s'",
			    SHOW(t->s, t->n));
	return 0;
}

static struct vfiosim_event *new_event(struct parser *p)
{
	struct vfiosim_trace *t = p->t;
	struct vfiosim_event *ev;
	size_t cap;

	if (t->nr_events == p->events_cap) {
		cap = p->events_cap ? p->events_cap * 2 : 64;
		if (cap > UINT_MAX)
			cap = UINT_MAX;
		if (cap == t->nr_events) {
			fail(p, 1, "expected fewer events");
			return NULL;
		}
		ev = realloc(t->events, cap * sizeof(*ev));
		if (!ev) {
			fail(p, 1, "expected memory for %zu events", cap);
			return NULL;
		}
		t->events = ev;
		p->events_cap = cap;
	}
	ev = &t->events[t->nr_events++];
	memset(ev, 0, sizeof(*ev));
	ev->line = p->lineno;
	ev->fd = -1;
	ev->new_fd = -1;
	ev->child = -1;
	ev->dev = -1;
	ev->efd = -1;
	return ev;
}

/* t=SECONDS: digits, optionally '.' and digits. */
static int parse_time(struct parser *p, const struct tok *t,
		      struct vfiosim_event *ev)
{
	size_t i, dot = 0;

	for (i = 0; i < t->vn; i++) {
		if (is_digit(t->v[i]))
			continue;
		if (t->v[i] != '.' || dot || !i || i + 1 == t->vn)
			goto bad;
		dot = i;
	}
	if (t->vn >= sizeof(ev->t))
		goto bad;
	copy_name(ev->t, t->v, t->vn);
	ev->has_t = true;
	return 0;
bad:
	return fail(p, t->vcol,
		    "expected t=SECONDS (digits, maybe '.' and digits; at most %zu), not '%.*s'",
		    sizeof(ev->t) - 1, SHOW(t->v, t->vn));
}

static int parse_event(struct parser *p)
{
	const struct tok *t = p->tok;
	char buf[2 * MAX_SHOW + 8], list[128];
	struct vfiosim_event *ev;
	unsigned int i = 0, op, first = t[0].col;
	unsigned int from_col = 0, data_col = 0;
	uint64_t v, data_bytes = 0;
	uint32_t seen = 0, miss;
	const char *name;
	int k;

	if (p->catalog)
		return fail(p, t[0].col,
			    "expected a header record: a catalog entry holds no events");
	if (!p->seen_event) {
		if (!p->t->nr_devices)
			return fail(p, t[0].col,
				    "expected a dev record before the first event");
		end_header(p);
		p->seen_event = true;
	}
	ev = new_event(p);
	if (!ev)
		return -1;
	if (tok_is(&t[i], TOK_KEY, "t") && parse_time(p, &t[i++], ev))
		return -1;
	if (i == p->ntok || !tok_is(&t[i], TOK_KEY, "p"))
		return fail(p, i < p->ntok ? t[i].col : eol(p),
			    "expected p=PID%s", i ? " after t=" : "");
	if (key_num(p, &t[i], INT_MAX, "a pid", &v))
		return -1;
	ev->pid = (int)v;
	i++;
	for (op = 0; i < p->ntok && op < VFIOSIM_OP_NR; op++)
		if (t[i].kind == TOK_WORD &&
		    span_is(t[i].s, t[i].n, vfiosim_op_name(op)))
			break;
	if (i == p->ntok || op == VFIOSIM_OP_NR)
		return fail(p, i < p->ntok ? t[i].col : eol(p),
			    "expected an op after p=PID: open, close, dup, fork, info, rinfo, irqinfo, irqset, rd, wr, mmap, munmap, reset, ioeventfd, wc or ioctl");
	ev->op = op;
	first = t[i].col;
	name = vfiosim_op_name(op);
	key_names(list, sizeof(list), ekey_names, K_NR, op_keys[op].allowed);
	for (i++; i < p->ntok && t[i].kind != TOK_EQ; i++) {
		k = t[i].kind == TOK_KEY ? find_key(&t[i], ekey_names, K_NR) :
					   -1;
		if (k < 0 || !(op_keys[op].allowed & B(k)))
			return fail(p, t[i].col,
				    "expected a key of '%s' (%s), not %s", name,
				    list, tok_show(&t[i], buf, sizeof(buf)));
		if (seen & B(k))
			return fail(p, t[i].col,
				    "expected each key once, not '%s=' again",
				    ekey_names[k]);
		seen |= B(k);
		if (k == K_FROM)
			from_col = t[i].col;
		if (k == K_DATA)
			data_col = t[i].vcol;
		if (parse_event_key(p, &t[i], ev, k, &data_bytes))
			return -1;
	}
	miss = op_keys[op].required & ~seen;
	for (k = 0; k < K_NR; k++)
		if (miss & B(k))
			return fail(p, first, "expected '%s=' in '%s'",
				    ekey_names[k], name);
	if (from_col && ev->at.kind != VFIOSIM_ADDR_REGION)
		return fail(p, from_col,
			    "expected from= only with an @ address in at=");
	if (data_bytes > ev->len)
		return fail(p, data_col,
			    "expected at most len=%llu bytes of data, not %llu",
			    (unsigned long long)ev->len,
			    (unsigned long long)data_bytes);
	if (op == VFIOSIM_OP_IOEVENTFD && ev->len < 8 &&
	    ev->ioev_data >> (8 * ev->len))
		return fail(p, data_col,
			    "expected data= to fit in size=%u bytes",
			    (unsigned int)ev->len);
	if (i < p->ntok && parse_result(p, ev, i + 1))
		return -1;
	if (p->comment) {
		ev->comment = strndup(p->comment, p->comment_len);
		if (!ev->comment)
			return fail(p, eol(p), "expected memory for a comment");
	}
	return 0;
}

static int parse_record(struct parser *p)
{
	const struct tok *t = p->tok;
	bool header;

	if (tok_is(t, TOK_WORD, "vfiotrace"))
		return parse_version(p);
	if (!p->nrecords && !p->catalog)
		return fail(p, t->col,
			    "expected 'vfiotrace 1' as the first record");
	if (tok_is(t, TOK_KEY, "t") || tok_is(t, TOK_KEY, "p"))
		return parse_event(p);
	header = tok_is(t, TOK_WORD, "meta") || tok_is(t, TOK_WORD, "dev") ||
		 tok_is(t, TOK_WORD, "reg") || tok_is(t, TOK_WORD, "irq");
	if (!header)
		return fail(p, t->col,
			    "expected a record: meta, dev, reg, irq or an event (t=, p=)");
	if (p->seen_event)
		return fail(p, t->col,
			    "expected an event: header records come before the first event");
	switch (t->s[0]) {
	case 'm':
		return parse_meta(p);
	case 'd':
		return parse_dev(p);
	case 'r':
		return parse_reg(p);
	default:
		return parse_irq(p);
	}
}

static int parse_text(struct parser *p)
{
	int rc;

	while ((rc = next_line(p)) > 0) {
		if (!p->ntok)
			continue;
		if (parse_record(p))
			return -1;
		p->nrecords++;
	}
	if (rc < 0)
		return -1;
	if (!p->nrecords && !p->catalog) {
		at_eof(p);
		return fail(p, eol(p),
			    "expected 'vfiotrace 1' as the first record");
	}
	if (!p->t->nr_devices) {
		at_eof(p);
		return fail(p, eol(p), "expected %s", p->catalog ?
			    "a dev record in the catalog entry" :
			    "at least one dev record");
	}
	if (!p->seen_event && !p->catalog)
		end_header(p);
	return 0;
}

int vfiosim_trace_parse(const char *path, const char *text, size_t len,
			const struct vfiosim_parse_opts *opts,
			struct vfiosim_trace **out, struct vfiosim_error *err)
{
	struct vfiosim_error dummy;
	struct parser *p = NULL;
	struct vfiosim_trace *t = NULL;
	int rc = -1;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	if (!path)
		path = "-";
	snprintf(err->file, sizeof(err->file), "%s", path);
	if (out)
		*out = NULL;
	if (!out || (!text && len)) {
		snprintf(err->msg, sizeof(err->msg),
			 "expected a text and a place for the trace");
		return -1;
	}
	p = calloc(1, sizeof(*p));
	t = calloc(1, sizeof(*t));
	if (t)
		t->path = strdup(path);
	if (!p || !t || !t->path) {
		snprintf(err->msg, sizeof(err->msg),
			 "expected memory for a trace");
		goto out;
	}
	p->path = path;
	p->text = text;
	p->len = len;
	p->opts = opts;
	p->err = err;
	p->t = t;
	rc = parse_text(p);
	if (!rc) {
		*out = t;
		t = NULL;
	}
out:
	vfiosim_trace_free(t);
	free(p);
	return rc ? -1 : 0;
}

/* Read @path ("-": standard input), at most @max bytes: 0 or an errno. */
static int read_file(const char *path, size_t max, char **bufp,
		     size_t *lenp)
{
	bool is_stdin = !strcmp(path, "-");
	size_t len = 0, cap = 0, n;
	char *buf = NULL, *nb;
	int rc = 0;
	FILE *f;

	errno = 0;
	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return errno ? errno : EIO;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if (cap > max + 1)
				cap = max + 1;
			nb = realloc(buf, cap);
			if (!nb) {
				rc = ENOMEM;
				break;
			}
			buf = nb;
		}
		errno = 0;
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len > max) {
			rc = EFBIG;
			break;
		}
		if (!n) {
			if (ferror(f))
				rc = errno ? errno : EIO;
			break;
		}
	}
	if (!is_stdin)
		fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int vfiosim_trace_load(const char *path, const struct vfiosim_parse_opts *opts,
		       struct vfiosim_trace **out, struct vfiosim_error *err)
{
	struct vfiosim_error dummy;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!err)
		err = &dummy;
	if (out)
		*out = NULL;
	if (!path)
		path = "-";
	rc = read_file(path, MAX_TRACE_FILE, &buf, &len);
	if (rc) {
		memset(err, 0, sizeof(*err));
		snprintf(err->file, sizeof(err->file), "%s", path);
		snprintf(err->msg, sizeof(err->msg),
			 "expected a readable trace file of at most %zu bytes: %s",
			 MAX_TRACE_FILE, strerror(rc));
		return -1;
	}
	rc = vfiosim_trace_parse(path, buf, len, opts, out, err);
	free(buf);
	return rc;
}
