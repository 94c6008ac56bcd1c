/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A text line built in a caller's buffer and written with one fwrite():
 * for output of one line per event or connection, where vfprintf()'s
 * format parsing and a stdio call per field were most of the cost
 * (callgrind, "synwatch replay" printing 12 000 events: 15 600
 * instructions a line, over half of them in vfprintf()).
 *
 * Appends never write past the buffer: what does not fit is cut, and
 * swl_line_end() always has room for the NUL.
 */
#ifndef SWL_LINE_H
#define SWL_LINE_H

#include <stdint.h>
#include <string.h>

#include "json.h"

struct swl_line {
	char *start;
	char *p;
	char *end;			/* the NUL's place */
};

/* len >= 1 */
static inline void swl_line_init(struct swl_line *l, char *buf, size_t len)
{
	l->start = buf;
	l->p = buf;
	l->end = buf + len - 1;
}

static inline void swl_line_mem(struct swl_line *l, const char *s, size_t n)
{
	size_t room = (size_t)(l->end - l->p);

	if (n > room)
		n = room;
	memcpy(l->p, s, n);
	l->p += n;
}

static inline void swl_line_str(struct swl_line *l, const char *s)
{
	swl_line_mem(l, s, strlen(s));
}

/* a string literal, its length known at compile time */
#define swl_line_lit(l, s) swl_line_mem(l, "" s, sizeof(s) - 1)

static inline void swl_line_chr(struct swl_line *l, char c)
{
	if (l->p < l->end)
		*l->p++ = c;
}

/* spaces up to column col of the line (counted from its start) */
static inline void swl_line_to(struct swl_line *l, size_t col)
{
	while ((size_t)(l->p - l->start) < col && l->p < l->end)
		*l->p++ = ' ';
}

/* s left-justified in width columns, as printf's "%-*s" */
static inline void swl_line_pad(struct swl_line *l, const char *s, size_t width)
{
	size_t col = (size_t)(l->p - l->start) + width;

	swl_line_str(l, s);
	swl_line_to(l, col);
}

/* s right-justified in width columns, as printf's "%*s" */
static inline void swl_line_rpad(struct swl_line *l, const char *s,
				size_t width)
{
	size_t n = strlen(s);

	for (; n < width; n++)
		swl_line_chr(l, ' ');
	swl_line_str(l, s);
}

static inline void swl_line_u64(struct swl_line *l, uint64_t v)
{
	char d[20];

	swl_line_mem(l, d, swl_json_put_u64(d, v));
}

/* key (" pkts=") then v */
static inline void swl_line_key_u64(struct swl_line *l, const char *key,
				   uint64_t v)
{
	swl_line_str(l, key);
	swl_line_u64(l, v);
}

/* NUL-terminate; the length */
static inline size_t swl_line_end(struct swl_line *l)
{
	*l->p = 0;
	return (size_t)(l->p - l->start);
}

#endif
