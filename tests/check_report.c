// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report library on hand-made replay results: JSON parses back (with a
 * small strict parser here) and carries every field, strings survive any
 * byte, CSV has one record per result, the text table fits 100 columns, and
 * the SVG is well-formed XML with its labels and axis.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vfiosim/report.h"

#define TB	(1ULL << 40)
#define MB	(1ULL << 20)

/* A stream that collects what is written; read it after capture_end(). */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void capture_begin(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->buf, &c->len);
	ck_assert_ptr_nonnull(c->f);
}

static char *capture_end(struct capture *c)
{
	ck_assert_int_eq(fclose(c->f), 0);
	return c->buf;
}

/* A strict JSON parser (RFC 8259), independent of the code under test. */
struct jp {
	const char *s;
	const char *why;
};

static unsigned int utf8_ok(const unsigned char *s)
{
	unsigned int n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (s[0] == 0xe0 && s[1] < 0xa0)
		return 0;
	if (s[0] == 0xed && s[1] >= 0xa0)
		return 0;
	if (s[0] == 0xf0 && s[1] < 0x90)
		return 0;
	if (s[0] == 0xf4 && s[1] >= 0x90)
		return 0;
	return n;
}

static void jws(struct jp *p)
{
	while (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' ||
	       *p->s == '\r')
		p->s++;
}

static bool jfail(struct jp *p, const char *why)
{
	if (!p->why)
		p->why = why;
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool jhex4(struct jp *p, unsigned int *v)
{
	int i, h;

	*v = 0;
	for (i = 0; i < 4; i++) {
		h = hexval(p->s[i]);
		if (h < 0)
			return jfail(p, "bad \\u escape");
		*v = *v << 4 | h;
	}
	p->s += 4;
	return true;
}

static void put_utf8(char **o, char *end, unsigned int cp)
{
	char b[4];
	int n, i;

	if (cp < 0x80) {
		b[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = 0xc0 | cp >> 6;
		b[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = 0xe0 | cp >> 12;
		b[1] = 0x80 | ((cp >> 6) & 0x3f);
		b[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		b[0] = 0xf0 | cp >> 18;
		b[1] = 0x80 | ((cp >> 12) & 0x3f);
		b[2] = 0x80 | ((cp >> 6) & 0x3f);
		b[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	for (i = 0; i < n && *o < end; i++)
		*(*o)++ = b[i];
}

/* A string; decoded into @out (may be NULL). */
static bool jstring(struct jp *p, char *out, size_t len)
{
	char *o = out, *end = out ? out + len - 1 : NULL;
	unsigned int cp, lo, n;

	if (*p->s != '"')
		return jfail(p, "expected a string");
	p->s++;
	while (*p->s != '"') {
		const unsigned char c = *p->s;

		if (!c)
			return jfail(p, "unterminated string");
		if (c < 0x20)
			return jfail(p, "raw control character in a string");
		if (c != '\\') {
			n = utf8_ok((const unsigned char *)p->s);
			if (!n)
				return jfail(p, "invalid UTF-8 in a string");
			while (n--) {
				if (out && o < end)
					*o++ = *p->s;
				p->s++;
			}
			continue;
		}
		p->s++;
		switch (*p->s++) {
		case '"':
			cp = '"';
			break;
		case '\\':
			cp = '\\';
			break;
		case '/':
			cp = '/';
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			if (!jhex4(p, &cp))
				return false;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return jfail(p, "lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->s[0] != '\\' || p->s[1] != 'u')
					return jfail(p, "lone high surrogate");
				p->s += 2;
				if (!jhex4(p, &lo) || lo < 0xdc00 ||
				    lo > 0xdfff)
					return jfail(p, "bad surrogate pair");
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			break;
		default:
			return jfail(p, "bad escape");
		}
		if (out)
			put_utf8(&o, end, cp);
	}
	p->s++;
	if (out)
		*o = '\0';
	return true;
}

static bool jnumber(struct jp *p)
{
	const char *start = p->s;

	if (*p->s == '-')
		p->s++;
	if (*p->s == '0')
		p->s++;
	else if (*p->s >= '1' && *p->s <= '9')
		while (*p->s >= '0' && *p->s <= '9')
			p->s++;
	else
		return jfail(p, "bad number");
	if (*p->s == '.') {
		p->s++;
		if (*p->s < '0' || *p->s > '9')
			return jfail(p, "bad fraction");
		while (*p->s >= '0' && *p->s <= '9')
			p->s++;
	}
	if (*p->s == 'e' || *p->s == 'E') {
		p->s++;
		if (*p->s == '+' || *p->s == '-')
			p->s++;
		if (*p->s < '0' || *p->s > '9')
			return jfail(p, "bad exponent");
		while (*p->s >= '0' && *p->s <= '9')
			p->s++;
	}
	return p->s > start;
}

static bool jvalue(struct jp *p, int depth);

static bool jcontainer(struct jp *p, int depth, char close, bool object)
{
	p->s++;
	jws(p);
	if (*p->s == close) {
		p->s++;
		return true;
	}
	for (;;) {
		jws(p);
		if (object) {
			if (!jstring(p, NULL, 0))
				return false;
			jws(p);
			if (*p->s++ != ':')
				return jfail(p, "expected ':'");
		}
		if (!jvalue(p, depth + 1))
			return false;
		jws(p);
		if (*p->s == close) {
			p->s++;
			return true;
		}
		if (*p->s++ != ',')
			return jfail(p, "expected ',' or a close");
	}
}

static bool jvalue(struct jp *p, int depth)
{
	if (depth > 32)
		return jfail(p, "too deep");
	jws(p);
	switch (*p->s) {
	case '{':
		return jcontainer(p, depth, '}', true);
	case '[':
		return jcontainer(p, depth, ']', false);
	case '"':
		return jstring(p, NULL, 0);
	case 't':
		if (strncmp(p->s, "true", 4))
			return jfail(p, "bad literal");
		p->s += 4;
		return true;
	case 'f':
		if (strncmp(p->s, "false", 5))
			return jfail(p, "bad literal");
		p->s += 5;
		return true;
	case 'n':
		if (strncmp(p->s, "null", 4))
			return jfail(p, "bad literal");
		p->s += 4;
		return true;
	default:
		return jnumber(p);
	}
}

static void assert_json(const char *text)
{
	struct jp p = { .s = text };
	bool ok = jvalue(&p, 0);

	if (ok) {
		jws(&p);
		if (*p.s)
			ok = jfail(&p, "text after the value");
	}
	ck_assert_msg(ok, "invalid JSON (%s) at offset %td: %.40s\n%s", p.why,
		      p.s - text, p.s, text);
}

/* The string value of the @nth (0-based) key @key, decoded. */
static void json_key_string(const char *text, const char *key, int nth,
			    char *out, size_t len)
{
	char pat[64];
	const char *at = text;
	struct jp p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	for (;;) {
		at = strstr(at, pat);
		ck_assert_msg(at, "no %d. key %s in %s", nth, key, text);
		at += strlen(pat);
		if (!nth--)
			break;
	}
	p.s = at;
	p.why = NULL;
	ck_assert_msg(jstring(&p, out, len), "key %s: %s", key, p.why);
}

static unsigned int count_str(const char *text, const char *needle)
{
	unsigned int n = 0;

	while ((text = strstr(text, needle))) {
		n++;
		text += strlen(needle);
	}
	return n;
}

/* A strict enough XML 1.0 well-formedness check for what svg.c writes. */
static bool xml_name(const char **s, char *out, size_t len)
{
	size_t n = 0;

	if (!((**s >= 'a' && **s <= 'z') || (**s >= 'A' && **s <= 'Z') ||
	      **s == '_' || **s == ':'))
		return false;
	while ((**s >= 'a' && **s <= 'z') || (**s >= 'A' && **s <= 'Z') ||
	       (**s >= '0' && **s <= '9') || **s == '_' || **s == ':' ||
	       **s == '-' || **s == '.') {
		if (n + 1 < len)
			out[n++] = **s;
		(*s)++;
	}
	out[n] = '\0';
	return true;
}

static bool xml_ref(const char **s)
{
	static const char *const named[] = {
		"&amp;", "&lt;", "&gt;", "&quot;", "&apos;",
	};
	unsigned int i;

	for (i = 0; i < 5; i++) {
		if (!strncmp(*s, named[i], strlen(named[i]))) {
			*s += strlen(named[i]);
			return true;
		}
	}
	if (strncmp(*s, "&#", 2))
		return false;
	*s += 2;
	if (**s == 'x') {
		(*s)++;
		if (hexval(**s) < 0)
			return false;
		while (hexval(**s) >= 0)
			(*s)++;
	} else {
		if (**s < '0' || **s > '9')
			return false;
		while (**s >= '0' && **s <= '9')
			(*s)++;
	}
	return *(*s)++ == ';';
}

static bool xml_char(const char **s)
{
	unsigned char c = **s;
	unsigned int n;

	if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
		return false;
	n = utf8_ok((const unsigned char *)*s);
	if (!n)
		return false;
	*s += n;
	return true;
}

static const char *xml_check(const char *s)
{
	char stack[64][32], name[32], attr[32];
	int depth = 0, roots = 0;

	if (!strncmp(s, "<?xml", 5)) {
		s = strstr(s, "?>");
		if (!s)
			return "unterminated XML declaration";
		s += 2;
	}
	while (*s) {
		if (*s == '&') {
			if (!depth)
				return "reference outside the root";
			if (!xml_ref(&s))
				return "bad reference";
			continue;
		}
		if (*s != '<') {
			if (!depth && *s != ' ' && *s != '\n' && *s != '\t' &&
			    *s != '\r')
				return "text outside the root";
			if (*s == '>' && s[-1] == ']' && s[-2] == ']')
				return "]]> in text";
			if (!xml_char(&s))
				return "bad character";
			continue;
		}
		s++;
		if (!strncmp(s, "!--", 3)) {
			s = strstr(s, "-->");
			if (!s)
				return "unterminated comment";
			s += 3;
			continue;
		}
		if (*s == '/') {
			s++;
			if (!xml_name(&s, name, sizeof(name)))
				return "bad end tag";
			while (*s == ' ' || *s == '\n')
				s++;
			if (*s++ != '>')
				return "end tag not closed";
			if (!depth || strcmp(stack[depth - 1], name))
				return "mismatched end tag";
			depth--;
			continue;
		}
		if (!xml_name(&s, name, sizeof(name)))
			return "bad start tag";
		for (;;) {
			bool space = false;

			while (*s == ' ' || *s == '\n' || *s == '\t') {
				s++;
				space = true;
			}
			if (*s == '>' || !strncmp(s, "/>", 2))
				break;
			if (!space || !xml_name(&s, attr, sizeof(attr)))
				return "bad attribute name";
			if (*s++ != '=' || *s++ != '"')
				return "attribute value not quoted";
			while (*s != '"') {
				if (!*s || *s == '<')
					return "bad attribute value";
				if (*s == '&') {
					if (!xml_ref(&s))
						return "bad reference in value";
				} else if (!xml_char(&s)) {
					return "bad character in value";
				}
			}
			s++;
		}
		if (!depth)
			roots++;
		if (*s == '/') {
			s += 2;
			continue;
		}
		s++;
		if (depth == 64)
			return "too deep";
		snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
	}
	if (depth)
		return "unclosed element";
	if (roots != 1)
		return "not exactly one root element";
	return NULL;
}

static void assert_xml(const char *text)
{
	const char *why = xml_check(text);

	ck_assert_msg(!why, "not well-formed XML: %s\n%s", why, text);
}

/* Results by hand: three layouts of one made-up trace. */
static struct vfiosim_event_result events[] = {
	{ .line = 10, .outcome = VFIOSIM_MATCH, .value = 3 },
	{ .line = 11, .outcome = VFIOSIM_MISMATCH, .err = -EINVAL,
	  .reason = "expected va=0x7f0000000000, got -EINVAL" },
	{ .line = 12, .outcome = VFIOSIM_UNCHECKED },
	{ .line = 13, .outcome = VFIOSIM_UNSUPPORTED,
	  .reason = "legacy: no way to ask for \"wc\"\\ here\x01" },
	{ .line = 14, .outcome = VFIOSIM_SKIPPED,
	  .reason = "uses the WC cookie of line 13" },
};

static struct vfiosim_map_entry legacy_map[] = {
	{ 0, 16 * MB - 1, 16 * MB, 0, 0, false, false, false },
	{ 2 * TB, 2 * TB + 128 * (1ULL << 30) - 1, 128ULL << 30, 2, 2,
	  false, false, false },
	{ 4 * TB, 4 * TB + 32 * MB - 1, 32 * MB, 4, 4, false, false, false },
	{ 7 * TB, 7 * TB + 4095, 4096, 7, 7, false, false, false },
};

static struct vfiosim_map_entry compact_map[] = {
	{ 0, 16 * MB - 1, 16 * MB, 0, 0, false, false, false },
	{ 16 * MB, 16 * MB + 4095, 4096, 7, 7, false, false, false },
	{ 32 * MB, 64 * MB - 1, 32 * MB, 4, 4, false, false, false },
	{ 64 * MB, 80 * MB - 1, 16 * MB, 9, 0, true, true, false },
	{ 128 * MB, 128 * MB + 4095, 4096, 10, 7, true, false, true },
	{ 128ULL << 30, (256ULL << 30) - 1, 128ULL << 30, 2, 2, false, false,
	  false },
};

static void fill_result(struct vfiosim_replay_result *r, const char *trace,
			enum vfiosim_design d, enum vfiosim_layout l)
{
	memset(r, 0, sizeof(*r));
	r->trace = trace;
	r->design = d;
	r->layout = l;
	r->events = 5;
	r->outcomes[VFIOSIM_MATCH] = 1;
	r->outcomes[VFIOSIM_MISMATCH] = 1;
	r->outcomes[VFIOSIM_UNCHECKED] = 1;
	r->outcomes[VFIOSIM_UNSUPPORTED] = 1;
	r->outcomes[VFIOSIM_SKIPPED] = 1;
	r->errors[EINVAL] = 3;
	r->errors[ENOTTY] = 1;
	r->per_event = events;
	snprintf(r->map_device, sizeof(r->map_device), "d0");
	r->map_pid = 1;
	r->map_fd = 3;
	if (l == VFIOSIM_LAYOUT_COMPACT) {
		r->map = compact_map;
		r->nr_map = 6;
		r->span_bytes = 256ULL << 30;
		r->fits_mmap2_32bit = true;
	} else {
		r->map = legacy_map;
		r->nr_map = 4;
		r->span_bytes = 7 * TB + 4096;
		r->fits_mmap2_32bit = true;
	}
	r->cookies = r->nr_map;
	r->region_bytes = 0x2003000000ULL;
	r->maple_nodes = 3;
	r->maple_bytes = 768;
}

START_TEST(test_names)
{
	char buf[32];

	ck_assert_int_eq(vfiosim_format_from_name("json"), VFIOSIM_FORMAT_JSON);
	ck_assert_int_eq(vfiosim_format_from_name("csv"), VFIOSIM_FORMAT_CSV);
	ck_assert_int_eq(vfiosim_format_from_name("text"), VFIOSIM_FORMAT_TEXT);
	ck_assert_int_eq(vfiosim_format_from_name("xml"), -1);
	ck_assert_str_eq(vfiosim_report_design_name(VFIOSIM_DESIGN_GETMMAP),
			 "getmmap");
	ck_assert_str_eq(vfiosim_report_layout_name(VFIOSIM_LAYOUT_COMPAT),
			 "compat");
	ck_assert_str_eq(vfiosim_report_outcome_name(VFIOSIM_SKIPPED),
			 "skipped");
	ck_assert_str_eq(vfiosim_report_design_name(VFIOSIM_DESIGN_NR), "?");
	ck_assert_str_eq(vfiosim_size_str(16 * MB, buf, sizeof(buf)), "16M");
	ck_assert_str_eq(vfiosim_size_str(4096, buf, sizeof(buf)), "4K");
	ck_assert_str_eq(vfiosim_size_str(1ULL << 44, buf, sizeof(buf)), "16T");
	ck_assert_str_eq(vfiosim_size_str(6144, buf, sizeof(buf)), "6K");
	ck_assert_str_eq(vfiosim_size_str(1536, buf, sizeof(buf)), "0x600");
	ck_assert_str_eq(vfiosim_size_str(0, buf, sizeof(buf)), "0");
	ck_assert_str_eq(vfiosim_size_str((8ULL << 40) + 4096, buf,
					  sizeof(buf)), "0x80000001000");
	ck_assert_str_eq(vfiosim_size_str(65535ULL << 10, buf, sizeof(buf)),
			 "65535K");
	ck_assert_str_eq(vfiosim_size_str(100, buf, sizeof(buf)), "100");
	ck_assert_str_eq(vfiosim_report_region_name(NULL, NULL, 2, buf,
						    sizeof(buf)), "BAR2");
	ck_assert_str_eq(vfiosim_report_region_name(NULL, NULL, 7, buf,
						    sizeof(buf)), "CONFIG");
	ck_assert_str_eq(vfiosim_report_region_name(NULL, NULL, 12, buf,
						    sizeof(buf)), "R12");
}
END_TEST

START_TEST(test_region_name_from_trace)
{
	struct vfiosim_trace *t = calloc(1, sizeof(*t));
	char buf[64];

	ck_assert_ptr_nonnull(t);
	t->nr_devices = 2;
	snprintf(t->devices[0].name, VFIOSIM_NAME_LEN, "d0");
	snprintf(t->devices[1].name, VFIOSIM_NAME_LEN, "gpu");
	snprintf(t->devices[1].regions[9].name, VFIOSIM_NAME_LEN, "resmem");
	ck_assert_str_eq(vfiosim_report_region_name(t, "gpu", 9, buf,
						    sizeof(buf)), "resmem");
	ck_assert_str_eq(vfiosim_report_region_name(t, "d0", 9, buf,
						    sizeof(buf)), "R9");
	ck_assert_str_eq(vfiosim_report_region_name(t, "gpu", 0, buf,
						    sizeof(buf)), "BAR0");
	free(t);
}
END_TEST

START_TEST(test_failed)
{
	struct vfiosim_replay_result r;

	fill_result(&r, "t", VFIOSIM_DESIGN_LEGACY, VFIOSIM_LAYOUT_LEGACY);
	ck_assert(vfiosim_report_failed(&r));
	r.outcomes[VFIOSIM_MISMATCH] = 0;
	ck_assert(!vfiosim_report_failed(&r));
	r.invalid = true;
	ck_assert(vfiosim_report_failed(&r));
}
END_TEST

START_TEST(test_json_empty)
{
	struct vfiosim_report *rep;
	struct capture c;
	char *text;

	capture_begin(&c);
	rep = vfiosim_report_begin(c.f, VFIOSIM_FORMAT_JSON, 0);
	ck_assert_ptr_nonnull(rep);
	ck_assert_int_eq(vfiosim_report_end(rep), 0);
	text = capture_end(&c);
	assert_json(text);
	ck_assert_str_eq(text, "{\"results\": []}\n");
	free(text);
}
END_TEST

START_TEST(test_json_fields)
{
	static const char *const keys[] = {
		"\"trace\": ", "\"design\": ", "\"layout\": ", "\"events\": ",
		"\"mismatches\": ", "\"errors\": ", "\"cookies\": ",
		"\"span_bytes\": ", "\"region_bytes\": ", "\"maple_nodes\": ",
		"\"maple_bytes\": ", "\"fits_mmap2_32bit\": ", "\"matches\": ",
		"\"unchecked\": ", "\"unsupported\": ", "\"skipped\": ",
		"\"zap_missed\": ", "\"invalid\": ", "\"events_detail\": ",
	};
	struct vfiosim_replay_result r[2];
	struct vfiosim_report *rep;
	struct capture c;
	char *text, buf[256];
	unsigned int i;

	fill_result(&r[0], "traces/scenarios/a.trace", VFIOSIM_DESIGN_ALIAS,
		    VFIOSIM_LAYOUT_COMPACT);
	fill_result(&r[1], "b.trace", VFIOSIM_DESIGN_LEGACY,
		    VFIOSIM_LAYOUT_LEGACY);
	r[1].invalid = true;
	snprintf(r[1].invalid_reason, sizeof(r[1].invalid_reason),
		 "cookie \"x\" overlaps");
	capture_begin(&c);
	rep = vfiosim_report_begin(c.f, VFIOSIM_FORMAT_JSON,
				   VFIOSIM_REPORT_EVENTS);
	ck_assert_int_eq(vfiosim_report_add(rep, &r[0]), 0);
	ck_assert_int_eq(vfiosim_report_add(rep, &r[1]), 0);
	ck_assert_int_eq(vfiosim_report_end(rep), 0);
	text = capture_end(&c);
	assert_json(text);

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ck_assert_msg(count_str(text, keys[i]) == 2, "%s not twice",
			      keys[i]);
	ck_assert(strstr(text, "\"design\": \"alias\", "
			       "\"layout\": \"compact\""));
	ck_assert(strstr(text, "\"errors\": {\"EINVAL\": 3, \"ENOTTY\": 1}"));
	ck_assert(strstr(text, "\"span_bytes\": 274877906944"));
	ck_assert(strstr(text, "\"maple_nodes\": 3, \"maple_bytes\": 768"));
	ck_assert(strstr(text, "\"mismatches\": 1"));
	ck_assert(strstr(text, "\"fits_mmap2_32bit\": true"));
	ck_assert(strstr(text, "\"invalid\": true"));
	/* the map only on request */
	ck_assert(!strstr(text, "\"map\": "));
	/* detail: mismatch, unsupported, skipped; not match, unchecked */
	ck_assert_uint_eq(count_str(text, "\"line\": "), 6);
	ck_assert(!strstr(text, "\"line\": 10"));
	ck_assert(!strstr(text, "\"line\": 12"));
	ck_assert(strstr(text, "{\"line\": 11, \"outcome\": \"mismatch\""));
	ck_assert(strstr(text, "\"err\": \"EINVAL\""));
	json_key_string(text, "reason", 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, events[3].reason);
	json_key_string(text, "invalid_reason", 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "cookie \"x\" overlaps");
	json_key_string(text, "trace", 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "traces/scenarios/a.trace");
	free(text);
}
END_TEST

START_TEST(test_json_escapes)
{
	/* quotes, backslashes, every control character, DEL, UTF-8 */
	static const char path[] =
		"a\"b\\c/d\b\f\n\r\t\x01\x1f\x7f \xc3\xa9\xe2\x82\xac"
		"\xf0\x9f\x98\x80.trace";
	struct vfiosim_replay_result r;
	struct vfiosim_report *rep;
	struct capture c;
	char *text, buf[256];

	fill_result(&r, path, VFIOSIM_DESIGN_GETMMAP, VFIOSIM_LAYOUT_COMPAT);
	capture_begin(&c);
	rep = vfiosim_report_begin(c.f, VFIOSIM_FORMAT_JSON,
				   VFIOSIM_REPORT_EVENTS | VFIOSIM_REPORT_MAP);
	vfiosim_report_add(rep, &r);
	ck_assert_int_eq(vfiosim_report_end(rep), 0);
	text = capture_end(&c);
	assert_json(text);
	ck_assert(strstr(text, "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0001\\u001f"
			       "\\u007f "));
	json_key_string(text, "trace", 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, path);
	ck_assert_uint_eq(count_str(text, "\"first\": "), 4);
	ck_assert(strstr(text, "\"first\": 2199023255552, \"last\": "
			       "2336462209023"));
	free(text);
}
END_TEST

START_TEST(test_json_bad_utf8)
{
	/* stray continuation, overlong, surrogate, cut short, 0xff */
	static const char path[] = "x\x80y\xc0\xafz\xed\xa0\x80w\xe2\x82"
				   "v\xff.trace";
	struct vfiosim_replay_result r;
	struct vfiosim_report *rep;
	struct capture c;
	char *text, buf[256];

	fill_result(&r, path, VFIOSIM_DESIGN_GETMMAP, VFIOSIM_LAYOUT_COMPAT);
	snprintf(r.map_device, sizeof(r.map_device), "\xfe");
	capture_begin(&c);
	rep = vfiosim_report_begin(c.f, VFIOSIM_FORMAT_JSON, 0);
	vfiosim_report_add(rep, &r);
	vfiosim_report_end(rep);
	text = capture_end(&c);
	assert_json(text);
	json_key_string(text, "trace", 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbdz"
			      "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdw"
			      "\xef\xbf\xbd\xef\xbf\xbdv\xef\xbf\xbd.trace");
	free(text);
}
END_TEST

/* Count CSV records and check each has @fields fields (RFC 4180). */
static unsigned int csv_records(const char *s, unsigned int fields,
				char first_field[][128], unsigned int max)
{
	unsigned int records = 0, n = 1, len = 0;
	bool quoted = false, start = true;

	while (*s) {
		if (quoted) {
			if (*s == '"' && s[1] == '"') {
				if (records < max && n == 1 && len < 127)
					first_field[records][len++] = '"';
				s += 2;
				continue;
			}
			if (*s == '"') {
				quoted = false;
				s++;
				continue;
			}
		} else if (*s == '"' && start) {
			quoted = true;
			start = false;
			s++;
			continue;
		} else if (*s == ',') {
			n++;
			start = true;
			s++;
			continue;
		} else if (*s == '\n') {
			ck_assert_msg(n == fields, "record %u has %u fields",
				      records, n);
			if (records < max)
				first_field[records][len] = '\0';
			records++;
			n = 1;
			len = 0;
			start = true;
			s++;
			continue;
		} else {
			ck_assert_msg(*s != '"', "a quote in a bare field");
		}
		if (records < max && n == 1 && len < 127)
			first_field[records][len++] = *s;
		start = false;
		s++;
	}
	ck_assert_msg(!quoted && start && n == 1, "CSV does not end a record");
	return records;
}

START_TEST(test_csv)
{
	static const char path[] = "we,ird \"name\"\nx.trace";
	struct vfiosim_replay_result r[3];
	struct vfiosim_report *rep;
	char first[4][128];
	struct capture c;
	char *text;
	unsigned int i;

	fill_result(&r[0], "a.trace", VFIOSIM_DESIGN_LEGACY,
		    VFIOSIM_LAYOUT_LEGACY);
	fill_result(&r[1], path, VFIOSIM_DESIGN_SETATTR,
		    VFIOSIM_LAYOUT_COMPAT);
	fill_result(&r[2], " lead.trace", VFIOSIM_DESIGN_GETMMAP,
		    VFIOSIM_LAYOUT_COMPACT);
	capture_begin(&c);
	rep = vfiosim_report_begin(c.f, VFIOSIM_FORMAT_CSV,
				   VFIOSIM_REPORT_EVENTS);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(vfiosim_report_add(rep, &r[i]), 0);
	ck_assert_int_eq(vfiosim_report_end(rep), 0);
	text = capture_end(&c);
	ck_assert_uint_eq(csv_records(text, 18, first, 4), 4);
	ck_assert_str_eq(first[0], "trace");
	ck_assert_str_eq(first[1], "a.trace");
	ck_assert_str_eq(first[2], path);
	ck_assert_str_eq(first[3], " lead.trace");
	ck_assert(!strncmp(text, "trace,design,layout,events,matches,"
				 "mismatches,", 46));
	ck_assert(strstr(text, "\na.trace,legacy,legacy,5,1,1,1,1,1,0,false,4,"
			       "7696581398528,137489285120,3,768,true,"
			       "EINVAL=3 ENOTTY=1\n"));
	ck_assert(strstr(text, "\"we,ird \"\"name\"\"\nx.trace\",setattr,"));
	free(text);
}
END_TEST

/* Lines of at most @cols columns, none ending in a space. */
static void assert_width(const char *text, unsigned int cols)
{
	const char *line = text, *nl;

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_msg(nl, "text does not end in a newline");
		ck_assert_msg(nl - line <= (long)cols, "line over %u: %.*s",
			      cols, (int)(nl - line), line);
		ck_assert_msg(nl == line || nl[-1] != ' ',
			      "trailing space: %.*s", (int)(nl - line), line);
	}
}

START_TEST(test_text_replay)
{
	struct vfiosim_replay_result r;
	struct vfiosim_report *rep;
	struct capture c;
	char *text;

	fill_result(&r, "q.trace", VFIOSIM_DESIGN_LEGACY,
		    VFIOSIM_LAYOUT_LEGACY);
	r.zap_missed = 2;
	capture_begin(&c);
	rep = vfiosim_report_begin(c.f, VFIOSIM_FORMAT_TEXT,
				   VFIOSIM_REPORT_EVENTS);
	vfiosim_report_add(rep, &r);
	vfiosim_report_end(rep);
	text = capture_end(&c);
	ck_assert(!strncmp(text, "q.trace:11: mismatch: expected "
				 "va=0x7f0000000000, got -EINVAL\n", 62));
	ck_assert(strstr(text, "q.trace:14: skipped: uses the WC cookie of "
			       "line 13\n"));
	ck_assert(strstr(text, "q.trace:13: unsupported: legacy: no way to "
			       "ask for \"wc\"\\ here\\x01\n"));
	ck_assert(strstr(text, "\nq.trace: legacy/legacy: 5 events: 1 match, "
			       "1 mismatch, 1 unsupported, 1 skipped, "
			       "1 unchecked; errors EINVAL 3, ENOTTY 1; "
			       "2 VMAs not zapped; 4 cookies"));
	ck_assert(!strstr(text, "q.trace:10:"));
	ck_assert(!strstr(text, "q.trace:12:"));
	ck_assert_uint_eq(count_str(text, "\n"), 4);
	free(text);
}
END_TEST

START_TEST(test_text_table)
{
	static const char *const traces[] = {
		"traces/scenarios/qemu-vfio-pci.trace",
		"traces/scenarios/dpdk-secondary.trace",
	};
	struct vfiosim_replay_result r;
	struct vfiosim_report *rep;
	struct capture c;
	unsigned int t, d, l;
	char *text;

	capture_begin(&c);
	rep = vfiosim_report_begin(c.f, VFIOSIM_FORMAT_TEXT,
				   VFIOSIM_REPORT_TABLE);
	for (t = 0; t < 2; t++) {
		for (d = 0; d < VFIOSIM_DESIGN_NR; d++) {
			for (l = 0; l < VFIOSIM_LAYOUT_NR; l++) {
				fill_result(&r, traces[t], d, l);
				r.outcomes[VFIOSIM_MISMATCH] = d * 3 + l;
				r.invalid = t && d == 3 && l == 2;
				r.zap_missed = !t && d == 1 && l == 0 ? 7 : 0;
				ck_assert_int_eq(vfiosim_report_add(rep, &r),
						 0);
			}
		}
	}
	ck_assert_int_eq(vfiosim_report_end(rep), 0);
	text = capture_end(&c);
	assert_width(text, 100);
	ck_assert(strstr(text, "legacy          compat          compact"));
	ck_assert(strstr(text, "traces/scenarios/qemu-vfio-pci.trace "
			       "(5 events)\n  legacy"));
	ck_assert(strstr(text, "\n  setattr                 3/1/1 z7        "
			       "4/1/1           5/1/1\n"));
	ck_assert(strstr(text, "\ntrace / design            legacy          "
			       "compat          compact\n"));
	ck_assert(strstr(text, "11/1/1*"));
	ck_assert(strstr(text, "total over 2 traces\n  legacy                "
			       "  0/2/2           2/2/2           4/2/2\n"));
	ck_assert_uint_eq(count_str(text, "\n  getmmap "), 3);
	free(text);
}
END_TEST

START_TEST(test_text_table_repeat)
{
	struct vfiosim_replay_result r;
	struct vfiosim_report *rep;
	struct capture c;
	char *text;

	/* the same path twice: two groups, not one */
	capture_begin(&c);
	rep = vfiosim_report_begin(c.f, VFIOSIM_FORMAT_TEXT,
				   VFIOSIM_REPORT_TABLE);
	fill_result(&r, "same.trace", VFIOSIM_DESIGN_LEGACY,
		    VFIOSIM_LAYOUT_LEGACY);
	vfiosim_report_add(rep, &r);
	vfiosim_report_add(rep, &r);
	vfiosim_report_end(rep);
	text = capture_end(&c);
	ck_assert_uint_eq(count_str(text, "same.trace (5 events)\n"), 2);
	ck_assert(strstr(text, "total over 2 traces"));
	ck_assert(strstr(text, "  legacy                  1/1/1           -"));
	free(text);
}
END_TEST

START_TEST(test_write_error)
{
	struct vfiosim_replay_result r;
	struct vfiosim_report *rep;
	FILE *f = fopen("/dev/full", "w");

	ck_assert_ptr_nonnull(f);
	fill_result(&r, "x.trace", VFIOSIM_DESIGN_LEGACY,
		    VFIOSIM_LAYOUT_LEGACY);
	rep = vfiosim_report_begin(f, VFIOSIM_FORMAT_JSON, 0);
	vfiosim_report_add(rep, &r);
	ck_assert_int_eq(vfiosim_report_end(rep), -EIO);
	fclose(f);
}
END_TEST

START_TEST(test_map_text)
{
	struct vfiosim_replay_result r;
	struct capture c;
	char *text;

	fill_result(&r, "m.trace", VFIOSIM_DESIGN_GETMMAP,
		    VFIOSIM_LAYOUT_COMPACT);
	capture_begin(&c);
	ck_assert_int_eq(vfiosim_report_map(c.f, NULL, &r), 0);
	text = capture_end(&c);
	assert_width(text, 100);
	ck_assert(strstr(text, "m.trace: getmmap/compact: device d0 p1 fd 3: "
			       "6 cookies, span 256G, within 2^44\n"));
	ck_assert(strstr(text, "  0x0000000004000000  0x0000000004ffffff  16M"
			       "          9  0 BAR0         alias wc\n"));
	ck_assert(strstr(text, "10  7 CONFIG       alias dead\n"));
	ck_assert_uint_eq(count_str(text, "\n  0x"), 6);
	free(text);

	r.nr_map = 0;
	capture_begin(&c);
	vfiosim_report_map(c.f, NULL, &r);
	text = capture_end(&c);
	ck_assert(strstr(text, "no offset space"));
	free(text);
}
END_TEST

static char *svg_of(const char *trace, struct vfiosim_replay_result *r,
		    unsigned int nr, const struct vfiosim_trace *t)
{
	struct capture c;
	unsigned int i;

	for (i = 0; i < nr; i++)
		r[i].trace = trace;
	capture_begin(&c);
	ck_assert_int_eq(vfiosim_report_svg(c.f, t, r, nr), 0);
	return capture_end(&c);
}

START_TEST(test_svg_log)
{
	struct vfiosim_replay_result r[3];
	unsigned int l;
	char *text;

	for (l = 0; l < 3; l++)
		fill_result(&r[l], "", VFIOSIM_DESIGN_GETMMAP, l);
	text = svg_of("a<b&c\"d'e\x01.trace", r, 3, NULL);
	assert_xml(text);
	ck_assert(strstr(text, "<title>vfiosim layout: a&lt;b&amp;c&quot;d"
			       "&apos;e\xef\xbf\xbd.trace</title>"));
	ck_assert(strstr(text, "log2 axis"));
	ck_assert(strstr(text, "mmap2 reach 2^44"));
	/* ticks: 0, 1M, 1G, 1T, 16T */
	ck_assert(strstr(text, ">0</text>"));
	ck_assert(strstr(text, ">1M</text>"));
	ck_assert(strstr(text, ">1G</text>"));
	ck_assert(strstr(text, ">1T</text>"));
	ck_assert(strstr(text, ">16T</text>"));
	/* bands, labels, legend */
	ck_assert(strstr(text, ">legacy</text>"));
	ck_assert(strstr(text, ">compat</text>"));
	ck_assert(strstr(text, ">compact</text>"));
	ck_assert(strstr(text, ">BAR0</text>"));
	ck_assert(strstr(text, ">9:BAR0 wc</text>"));
	ck_assert(strstr(text, "write-combining alias"));
	ck_assert(strstr(text, "fill=\"#f28e2b\""));
	ck_assert_uint_eq(count_str(text, "<title>index "), 4 + 4 + 6);
	free(text);
}
END_TEST

START_TEST(test_svg_linear)
{
	static struct vfiosim_map_entry small[] = {
		{ 0, 0xffff, 0x10000, 0, 0, false, false, false },
		{ 0x10000, 0x10fff, 0x1000, 7, 7, false, false, false },
		{ 0x20000, 0x2ffff, 0x10000, 9, 0, true, true, false },
	};
	struct vfiosim_trace *t = calloc(1, sizeof(*t));
	struct vfiosim_replay_result r;
	char *text;

	ck_assert_ptr_nonnull(t);
	t->nr_devices = 1;
	snprintf(t->devices[0].name, VFIOSIM_NAME_LEN, "d0");
	snprintf(t->devices[0].regions[0].name, VFIOSIM_NAME_LEN, "regs<0>");
	fill_result(&r, "", VFIOSIM_DESIGN_ALIAS, VFIOSIM_LAYOUT_COMPACT);
	r.map = small;
	r.nr_map = 3;
	text = svg_of("s.trace", &r, 1, t);
	assert_xml(text);
	ck_assert(strstr(text, "(linear)"));
	ck_assert(!strstr(text, "log2 axis"));
	ck_assert(!strstr(text, "mmap2 reach 2^44</text>"));
	ck_assert(strstr(text, ">0:regs&lt;0&gt;</text>"));
	ck_assert(strstr(text, ">192K</text>"));
	free(text);
	free(t);
}
END_TEST

START_TEST(test_svg_empty)
{
	struct vfiosim_replay_result r;
	char *text;

	fill_result(&r, "", VFIOSIM_DESIGN_LEGACY, VFIOSIM_LAYOUT_LEGACY);
	r.nr_map = 0;
	r.map = NULL;
	text = svg_of("e.trace", &r, 1, NULL);
	assert_xml(text);
	ck_assert(strstr(text, "no device fd was opened"));
	free(text);

	text = svg_of("e.trace", &r, 0, NULL);
	assert_xml(text);
	free(text);
}
END_TEST

START_TEST(test_svg_huge)
{
	/* a cookie up against the end of the 64-bit space */
	static struct vfiosim_map_entry far[] = {
		{ 0, 0xfff, 0x1000, 0, 0, false, false, false },
		{ 0xfffffffffffff000ULL, UINT64_MAX, 0x1000, 63, 0, true,
		  true, false },
	};
	struct vfiosim_replay_result r;
	char *text;

	fill_result(&r, "", VFIOSIM_DESIGN_LEGACY, VFIOSIM_LAYOUT_LEGACY);
	r.map = far;
	r.nr_map = 2;
	text = svg_of("h.trace", &r, 1, NULL);
	assert_xml(text);
	ck_assert(strstr(text, "log2 axis"));
	ck_assert(!strstr(text, "nan"));
	ck_assert(!strstr(text, "inf"));
	free(text);
}
END_TEST

static void make_device(struct vfiosim_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "h100");
	dev->vendor = 0x10de;
	dev->device = 0x2330;
	dev->class_code = 0x030200;
	dev->cfgsize = 4096;
	dev->flags = VFIOSIM_DEV_PCI | VFIOSIM_DEV_RESET;
	dev->nr_regions = 9;
	dev->nr_irqs = 5;
	dev->regions[0].described = true;
	snprintf(dev->regions[0].name, VFIOSIM_NAME_LEN, "BAR0");
	dev->regions[0].size = 16 * MB;
	dev->regions[0].flags = VFIOSIM_REG_R | VFIOSIM_REG_W |
				VFIOSIM_REG_MMAP;
	dev->regions[0].nr_sparse = 2;
	dev->regions[0].sparse[0].len = 0x1000;
	dev->regions[0].sparse[1].off = 0x2000;
	dev->regions[0].sparse[1].len = 0x1000;
	dev->regions[0].has_msix = true;
	dev->regions[0].msix.off = 0x1000;
	dev->regions[0].msix.len = 0x1000;
	dev->regions[8].described = true;
	dev->regions[8].absent = true;
	dev->regions[9].described = true;
	snprintf(dev->regions[9].name, VFIOSIM_NAME_LEN, "res\"mem");
	dev->regions[9].size = 1ULL << 30;
	dev->regions[9].wc = true;
	dev->regions[9].has_type = true;
	dev->regions[9].type = 0x80000000;
	dev->regions[9].subtype = 1;
	dev->irqs[2].count = 9;
	dev->irqs[2].flags = VFIOSIM_IRQ_EVENTFD | VFIOSIM_IRQ_NORESIZE;
}

START_TEST(test_devices)
{
	struct vfiosim_device dev[2];
	const struct vfiosim_device *devs[2] = { &dev[0], &dev[1] };
	const char *what[2] = { "NVIDIA H100 \"SXM\"", NULL };
	struct capture c;
	char *text, buf[64];

	make_device(&dev[0]);
	make_device(&dev[1]);
	snprintf(dev[1].name, sizeof(dev[1].name), "nvme");
	dev[1].ioeventfd_enotty = true;

	capture_begin(&c);
	ck_assert_int_eq(vfiosim_report_devices(c.f, VFIOSIM_FORMAT_JSON,
						devs, what, 2), 0);
	text = capture_end(&c);
	assert_json(text);
	ck_assert_uint_eq(count_str(text, "\"index\": 0, \"name\": \"BAR0\""),
			  2);
	ck_assert(strstr(text, "\"vendor\": \"10de\", \"device\": \"2330\""));
	ck_assert(strstr(text, "\"flags\": [\"RESET\", \"PCI\"]"));
	ck_assert(strstr(text, "\"sparse\": [{\"off\": 0, \"len\": 4096}, "
			       "{\"off\": 8192, \"len\": 4096}]"));
	ck_assert(strstr(text, "\"ioeventfd\": \"ENOTTY\""));
	ck_assert(strstr(text, "{\"index\": 2, \"count\": 9, \"flags\": "
			       "[\"EVENTFD\", \"NORESIZE\"]}"));
	json_key_string(text, "name", 3, buf, sizeof(buf));
	ck_assert_str_eq(buf, "res\"mem");
	json_key_string(text, "what", 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, what[0]);
	ck_assert(strstr(text, "\"what\": null"));
	free(text);

	capture_begin(&c);
	ck_assert_int_eq(vfiosim_report_devices(c.f, VFIOSIM_FORMAT_TEXT,
						devs, what, 2), 0);
	text = capture_end(&c);
	assert_width(text, 100);
	ck_assert(!strncmp(text, "h100  10de:2330 class 030200, flags "
				 "RESET,PCI, 9 regions, 5 irqs, cfgsize 4096\n"
				 "  NVIDIA H100 \"SXM\"\n", 99));
	ck_assert(strstr(text, "   0 BAR0     16M      R,W,MMAP     "
			       "msix=0x1000+0x1000 sparse=0+0x1000,"
			       "0x2000+0x1000\n"));
	ck_assert(strstr(text, "   8 VGA      0        none         absent\n"));
	ck_assert(strstr(text, "wc type=80000000/1"));
	ck_assert(strstr(text, "  irq 2 MSI-X  count 9, flags "
			       "EVENTFD,NORESIZE\n"));
	ck_assert(strstr(text, "ioeventfd ENOTTY"));
	free(text);

	capture_begin(&c);
	ck_assert_int_eq(vfiosim_report_devices(c.f, VFIOSIM_FORMAT_CSV,
						devs, what, 2), -EINVAL);
	free(capture_end(&c));
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_region_name_from_trace);
	tcase_add_test(tc, test_failed);
	tcase_add_test(tc, test_json_empty);
	tcase_add_test(tc, test_json_fields);
	tcase_add_test(tc, test_json_escapes);
	tcase_add_test(tc, test_json_bad_utf8);
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_text_replay);
	tcase_add_test(tc, test_text_table);
	tcase_add_test(tc, test_text_table_repeat);
	tcase_add_test(tc, test_write_error);
	tcase_add_test(tc, test_map_text);
	tcase_add_test(tc, test_svg_log);
	tcase_add_test(tc, test_svg_linear);
	tcase_add_test(tc, test_svg_empty);
	tcase_add_test(tc, test_svg_huge);
	tcase_add_test(tc, test_devices);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
