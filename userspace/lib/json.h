/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer.
 *
 * It tracks nesting and commas so that callers only say what to write;
 * string values are escaped (RFC 8259), so no caller can produce invalid
 * JSON from an odd history string or a hostile config value. The one
 * exception is the cursor below, which takes only strings the program
 * made itself. Member names are the program's own identifiers: into a
 * buffer (swl_json_init_buf), and by swl_json_ku64(), swl_json_nkey() and
 * the cursor in either mode, they are copied as they are; swl_json_key()
 * escapes them into a FILE.
 */
#ifndef SWL_JSON_H
#define SWL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SWL_JSON_MAX_DEPTH 16
#define SWL_JSON_FBUF 8192

struct swl_json {
	FILE *f;		/* NULL: into buf */
	char *buf;		/* swl_json_init_buf(): grows, caller frees */
	size_t len, cap;	/* of buf; with f, len is fbuf's */
	bool oom;		/* buf could not grow: output incomplete */
	int depth;
	bool need_comma[SWL_JSON_MAX_DEPTH];
	bool after_key;
	char fbuf[SWL_JSON_FBUF];	/* with f: what goes to it next */
};

/*
 * Writes to f. The bytes gather in fbuf and go to f in one fwrite() when
 * it fills and whenever a top-level value is complete (a stdio call per
 * character cost replay -j half its time), so a caller may write to f
 * itself between top-level values, never inside one.
 */
void swl_json_init(struct swl_json *j, FILE *f);

/*
 * Writes into j->buf instead, appending after j->len (much cheaper than a
 * FILE). Keeps buf, len and cap: reset len to 0 to start over.
 */
void swl_json_init_buf(struct swl_json *j);

/* Raw bytes into the output, as they are. */
void swl_json_raw(struct swl_json *j, const char *s, size_t n);

void swl_json_obj_open(struct swl_json *j);
void swl_json_obj_close(struct swl_json *j);
void swl_json_arr_open(struct swl_json *j);
void swl_json_arr_close(struct swl_json *j);

/* Member name of the value that follows. */
void swl_json_key(struct swl_json *j, const char *key);

void swl_json_str(struct swl_json *j, const char *s);
void swl_json_u64(struct swl_json *j, uint64_t v);
void swl_json_double(struct swl_json *j, double v, int decimals);
void swl_json_bool(struct swl_json *j, bool v);

/* key + value shorthands, the common case in record writers */
void swl_json_kstr(struct swl_json *j, const char *key, const char *s);
void swl_json_ku64(struct swl_json *j, const char *key, uint64_t v);
void swl_json_kbool(struct swl_json *j, const char *key, bool v);

/*
 * A member name made at compile time, quoted and with its colon, padded
 * to a fixed size, so that a buffer writer copies it in one move.
 */
struct swl_json_name {
	char lit[32];
	uint8_t len;
};

#define SWL_JSON_NAME(s) { "\"" s "\":", sizeof("\"" s "\":") - 1 }

/* swl_json_key(j, key) and swl_json_kstr(j, key, s), n being SWL_JSON_NAME(key). */
void swl_json_nkey(struct swl_json *j, const struct swl_json_name *n);
void swl_json_nstr(struct swl_json *j, const struct swl_json_name *n,
		  const char *s);

/*
 * A record's members at a cursor, for the writers that run once an event
 * (render.c): swl_json_cur_begin() reserves room for n members once, after
 * which each swl_jc_*() writes a member, comma and name included, with no
 * room check and no call; swl_json_cur_end() hands the bytes back to j,
 * whose other calls may then go on in the same object. A member's value
 * takes at most SWL_JC_VALUE bytes: integers, and strings the program
 * makes itself and knows need no escaping (names from its tables,
 * formatted addresses), cut at that length. Anything else, such as a
 * history string from the kernel, goes through swl_json_nstr().
 */
#define SWL_JC_VALUE	64
#define SWL_JC_MEMBER	(1 + sizeof(((struct swl_json_name *)0)->lit) + SWL_JC_VALUE)

struct swl_json_cur {
	char *p;		/* where the next member goes */
	size_t comma;		/* 1 once a member is in the object */
};

/* false (j->oom set) if the room cannot be had: write nothing then */
bool swl_json_cur_begin(struct swl_json *j, struct swl_json_cur *c, size_t n);
void swl_json_cur_end(struct swl_json *j, const struct swl_json_cur *c);

/* v in decimal at p, with room for 20; its length */
size_t swl_json_put_u64(char *p, uint64_t v);

/* the comma if one is due, and the name; where the value goes */
static inline char *swl_jc_name(struct swl_json_cur *c,
			       const struct swl_json_name *n)
{
	char *p = c->p;

	*p = ',';
	p += c->comma;
	c->comma = 1;
	memcpy(p, n->lit, sizeof(n->lit));
	return p + n->len;
}

static inline void swl_jc_u64(struct swl_json_cur *c,
			     const struct swl_json_name *n, uint64_t v)
{
	char *p = swl_jc_name(c, n);

	c->p = p + swl_json_put_u64(p, v);
}

/* A string the program made, len bytes, that needs no escaping. */
static inline char *swl_jc_put_lit(char *p, const char *s, size_t len)
{
	if (len > SWL_JC_VALUE - 2)
		len = SWL_JC_VALUE - 2;
	*p++ = '"';
	memcpy(p, s, len);
	p += len;
	*p++ = '"';
	return p;
}

static inline void swl_jc_lit(struct swl_json_cur *c,
			     const struct swl_json_name *n, const char *s)
{
	char *p = swl_jc_name(c, n);

	c->p = swl_jc_put_lit(p, s, strlen(s));
}

/* Writes s as a JSON string literal, quotes included. */
void swl_json_escape(FILE *f, const char *s);

#endif
