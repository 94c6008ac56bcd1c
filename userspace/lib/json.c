// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void swl_json_init(struct swl_json *j, FILE *f)
{
	j->f = f;
	j->len = 0;
	j->depth = 0;
	j->need_comma[0] = false;
	j->after_key = false;
}

/* With f: fbuf out to it. */
static void fbuf_flush(struct swl_json *j)
{
	if (j->len)
		fwrite(j->fbuf, 1, j->len, j->f);
	j->len = 0;
}

/* A value ended: with f, a top-level one goes out now. */
static void settle(struct swl_json *j)
{
	if (j->f && !j->depth)
		fbuf_flush(j);
}

void swl_json_init_buf(struct swl_json *j)
{
	j->f = NULL;
	j->depth = 0;
	j->need_comma[0] = false;
	j->after_key = false;
}

/* Where the bytes go: buf, or with f, fbuf. */
static inline char *base(struct swl_json *j)
{
	return j->f ? j->fbuf : j->buf;
}

static inline size_t capacity(const struct swl_json *j)
{
	return j->f ? sizeof(j->fbuf) : j->cap;
}

/*
 * Room for n more bytes: buf grows; fbuf goes out to f, and has room
 * unless n is more than all of it (callers write long strings and raw
 * bytes to f themselves: see fits()).
 */
static bool grow(struct swl_json *j, size_t n)
{
	size_t cap = j->cap ? j->cap : 4096;
	char *p;

	if (j->f) {
		fbuf_flush(j);
		return n <= sizeof(j->fbuf);
	}
	while (cap < j->len + n)
		cap *= 2;
	p = realloc(j->buf, cap);
	if (!p) {
		j->oom = true;
		return false;
	}
	j->buf = p;
	j->cap = cap;
	return true;
}

/* Room for n more bytes at the end, or NULL (oom set). */
static inline char *room(struct swl_json *j, size_t n)
{
	if (j->len + n > capacity(j) && !grow(j, n))
		return NULL;
	return base(j) + j->len;
}

/* Can n bytes go through fbuf? If not, it has gone out to f already. */
static bool fits(struct swl_json *j, size_t n)
{
	if (!j->f || n <= sizeof(j->fbuf))
		return true;
	fbuf_flush(j);
	return false;
}

void swl_json_raw(struct swl_json *j, const char *s, size_t n)
{
	char *p;

	if (!fits(j, n)) {
		fwrite(s, 1, n, j->f);
		return;
	}
	p = room(j, n);
	if (p) {
		memcpy(p, s, n);
		j->len += n;
	}
	settle(j);
}

static void out_c(struct swl_json *j, char c)
{
	char *p = room(j, 1);

	if (p) {
		*p = c;
		j->len++;
	}
}

/* v in decimal at p (room for 20), two digits a division; its length. */
size_t swl_json_put_u64(char *p, uint64_t v)
{
	static const char digits[] =
		"00010203040506070809101112131415161718192021222324"
		"25262728293031323334353637383940414243444546474849"
		"50515253545556575859606162636465666768697071727374"
		"75767778798081828384858687888990919293949596979899";
	static const uint64_t pow10[20] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
		10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
		100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL,
		10000000000000000000ULL,
	};
	unsigned int t;
	size_t n;
	char *q;

	/* most members are small counters, flags and scales */
	if (v < 10) {
		*p = (char)('0' + v);
		return 1;
	}
	if (v < 100) {
		memcpy(p, digits + v * 2, 2);
		return 2;
	}
	/*
	 * Digits: floor(log10(v)) + 1, from the bit length (1233 / 4096 is
	 * just over log10(2)) and one compare (Bit Twiddling Hacks,
	 * "IntegerLog10"), not a compare per digit.
	 */
	t = ((unsigned int)(64 - __builtin_clzll(v)) * 1233) >> 12;
	n = t - (v < pow10[t]) + 1;
	q = p + n;
	while (v >= 100) {
		unsigned int d = (unsigned int)(v % 100) * 2;

		v /= 100;
		*--q = digits[d + 1];
		*--q = digits[d];
	}
	if (v >= 10) {
		*--q = digits[v * 2 + 1];
		*--q = digits[v * 2];
	} else {
		*--q = (char)('0' + v);
	}
	return n;
}

static void out_u64(struct swl_json *j, uint64_t v)
{
	char *p;

	p = room(j, 20);
	if (p)
		j->len += swl_json_put_u64(p, v);
}

/* Comma handling: a value right after its key needs none. */
static void pre_value(struct swl_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		out_c(j, ',');
	j->need_comma[j->depth] = true;
}

/*
 * Is a comma due before the next member? Marks the member as written. A
 * key right after a key (not JSON) takes none, as on the FILE path.
 */
static inline size_t comma_due(const struct swl_json *j)
{
	return !j->after_key && j->need_comma[j->depth];
}

static size_t take_sep(struct swl_json *j)
{
	size_t comma = comma_due(j);

	j->after_key = false;
	j->need_comma[j->depth] = true;
	return comma;
}

/*
 * A member name into the buffer, after its comma if one is due: the
 * program's own identifiers, never data, so written as they are (values
 * are always escaped). Both go into one room; a comma is written either
 * way and the name over it when none is due. Returns where the value
 * goes, with room for extra bytes, or NULL.
 */
static char *buf_key(struct swl_json *j, const char *key, size_t extra)
{
	size_t n = strlen(key), comma;
	char *p = room(j, 1 + n + 3 + extra);

	if (!p)
		return NULL;
	comma = take_sep(j);
	*p = ',';
	p += comma;
	*p++ = '"';
	memcpy(p, key, n);
	p += n;
	*p++ = '"';
	*p++ = ':';
	j->len += comma + n + 3;
	return p;
}

static void push(struct swl_json *j, char c)
{
	pre_value(j);
	out_c(j, c);
	if (j->depth < SWL_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void pop(struct swl_json *j, char c)
{
	out_c(j, c);
	if (j->depth > 0)
		j->depth--;
	settle(j);
}

void swl_json_obj_open(struct swl_json *j) { push(j, '{'); }
void swl_json_obj_close(struct swl_json *j) { pop(j, '}'); }
void swl_json_arr_open(struct swl_json *j) { push(j, '['); }
void swl_json_arr_close(struct swl_json *j) { pop(j, ']'); }

void swl_json_escape(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			/* Other control characters (and DEL, which some
			 * terminals act on) may not appear raw. */
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Bytes that a JSON string cannot hold as they are (swl_json_escape()). */
static const bool needs_escape[256] = {
	[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true, [0x7f] = true,
};

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL
/* Has x a byte below n (n <= 128)? A byte of 0x80 or more is not. */
#define HASLESS(x, n) (((x) - ONES * (n)) & ~(x) & HIGHS)
#define HASZERO(x) HASLESS(x, 1)

/*
 * How many leading bytes of s (of length n) need no escaping: eight at a
 * time, then byte by byte.
 */
static size_t clean_prefix(const char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		if (HASLESS(x, 0x20) || HASZERO(x ^ (ONES * '"')) ||
		    HASZERO(x ^ (ONES * '\\')) || HASZERO(x ^ (ONES * 0x7f)))
			break;
	}
	while (i < n && !needs_escape[(unsigned char)s[i]])
		i++;
	return i;
}

/* A string literal: the common case, nothing to escape, in one piece. */
static void out_str(struct swl_json *j, const char *s, const char *suffix,
		    size_t slen)
{
	size_t n = strlen(s), i;

	i = clean_prefix(s, n);
	if (j->f && (i < n || !fits(j, n + 2 + slen))) {
		/* escapes, or too long for fbuf: straight out, in order */
		fbuf_flush(j);
		swl_json_escape(j->f, s);
		fwrite(suffix, 1, slen, j->f);
		return;
	}
	if (i == n) {
		char *p = room(j, n + 2 + slen);

		if (!p)
			return;
		*p++ = '"';
		memcpy(p, s, n);
		p += n;
		*p++ = '"';
		memcpy(p, suffix, slen);
		j->len += n + 2 + slen;
		return;
	}
	/* the rare string with something to escape: through a FILE */
	{
		char *tmp = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&tmp, &len);

		if (!f) {
			j->oom = true;
			return;
		}
		swl_json_escape(f, s);
		fwrite(suffix, 1, slen, f);
		fclose(f);
		swl_json_raw(j, tmp, len);
		free(tmp);
	}
}

void swl_json_key(struct swl_json *j, const char *key)
{
	if (!j->f) {
		if (buf_key(j, key, 0))
			j->after_key = true;
		return;
	}
	pre_value(j);
	out_str(j, key, ":", 1);
	j->after_key = true;
}

void swl_json_str(struct swl_json *j, const char *s)
{
	pre_value(j);
	out_str(j, s ? s : "", "", 0);
	settle(j);
}

void swl_json_u64(struct swl_json *j, uint64_t v)
{
	pre_value(j);
	out_u64(j, v);
	settle(j);
}

void swl_json_double(struct swl_json *j, double v, int decimals)
{
	char tmp[64];
	int n;

	pre_value(j);
	/* JSON has no NaN or infinity. */
	if (isfinite(v))
		n = snprintf(tmp, sizeof(tmp), "%.*f", decimals, v);
	else
		n = snprintf(tmp, sizeof(tmp), "null");
	if (n > 0 && (size_t)n < sizeof(tmp))
		swl_json_raw(j, tmp, (size_t)n);
}

void swl_json_bool(struct swl_json *j, bool v)
{
	pre_value(j);
	if (v)
		swl_json_raw(j, "true", 4);
	else
		swl_json_raw(j, "false", 5);
}

void swl_json_kstr(struct swl_json *j, const char *key, const char *s)
{
	swl_json_key(j, key);
	swl_json_str(j, s);
}

/* A compile-time name: a one-member cursor, with no value yet. */
void swl_json_nkey(struct swl_json *j, const struct swl_json_name *n)
{
	struct swl_json_cur c;

	if (!swl_json_cur_begin(j, &c, 1))
		return;
	c.p = swl_jc_name(&c, n);
	swl_json_cur_end(j, &c);
	j->after_key = true;
}

void swl_json_nstr(struct swl_json *j, const struct swl_json_name *n,
		  const char *s)
{
	swl_json_nkey(j, n);
	swl_json_str(j, s);
}

void swl_json_ku64(struct swl_json *j, const char *key, uint64_t v)
{
	char *p = buf_key(j, key, 20);

	if (p)
		j->len += swl_json_put_u64(p, v);
	settle(j);
}

bool swl_json_cur_begin(struct swl_json *j, struct swl_json_cur *c, size_t n)
{
	c->p = room(j, n * SWL_JC_MEMBER);
	if (!c->p)
		return false;
	c->comma = comma_due(j);
	return true;
}

void swl_json_cur_end(struct swl_json *j, const struct swl_json_cur *c)
{
	j->len = (size_t)(c->p - base(j));
	if (c->comma) {
		j->need_comma[j->depth] = true;
		j->after_key = false;
	}
}

void swl_json_kbool(struct swl_json *j, const char *key, bool v)
{
	swl_json_key(j, key);
	swl_json_bool(j, v);
}
