/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A text line built in a caller's buffer and written with one fwrite():
 * for output of one line per event or connection, where vfprintf()'s
 * format parsing and a stdio call per field were most of the cost
 * (callgrind, "synwatch replay" printing 12 000 events: 15 600
 * instructions a line, over half of them in vfprintf()).
 *
 * Appends never write past the buffer: what does not fit is cut, and
 * sw_line_end() always has room for the NUL.
 */
#ifndef SW_LINE_H
#define SW_LINE_H

#include <stdint.h>
#include <string.h>

#include "json.h"

struct sw_line {
	char *start;
	char *p;
	char *end;			/* the NUL's place */
};

/* len >= 1 */
static inline void sw_line_init(struct sw_line *l, char *buf, size_t len)
{
	l->start = buf;
	l->p = buf;
	l->end = buf + len - 1;
}

static inline void sw_line_mem(struct sw_line *l, const char *s, size_t n)
{
	size_t room = (size_t)(l->end - l->p);

	if (n > room)
		n = room;
	memcpy(l->p, s, n);
	l->p += n;
}

static inline void sw_line_str(struct sw_line *l, const char *s)
{
	sw_line_mem(l, s, strlen(s));
}

/* a string literal, its length known at compile time */
#define sw_line_lit(l, s) sw_line_mem(l, "" s, sizeof(s) - 1)

static inline void sw_line_chr(struct sw_line *l, char c)
{
	if (l->p < l->end)
		*l->p++ = c;
}

/* spaces up to column col of the line (counted from its start) */
static inline void sw_line_to(struct sw_line *l, size_t col)
{
	while ((size_t)(l->p - l->start) < col && l->p < l->end)
		*l->p++ = ' ';
}

/* s left-justified in width columns, as printf's "%-*s" */
static inline void sw_line_pad(struct sw_line *l, const char *s, size_t width)
{
	size_t col = (size_t)(l->p - l->start) + width;

	sw_line_str(l, s);
	sw_line_to(l, col);
}

/* s right-justified in width columns, as printf's "%*s" */
static inline void sw_line_rpad(struct sw_line *l, const char *s,
				size_t width)
{
	size_t n = strlen(s);

	for (; n < width; n++)
		sw_line_chr(l, ' ');
	sw_line_str(l, s);
}

static inline void sw_line_u64(struct sw_line *l, uint64_t v)
{
	char d[20];

	sw_line_mem(l, d, sw_json_put_u64(d, v));
}

/* key (" pkts=") then v */
static inline void sw_line_key_u64(struct sw_line *l, const char *key,
				   uint64_t v)
{
	sw_line_str(l, key);
	sw_line_u64(l, v);
}

/* NUL-terminate; the length */
static inline size_t sw_line_end(struct sw_line *l)
{
	*l->p = 0;
	return (size_t)(l->p - l->start);
}

#endif
