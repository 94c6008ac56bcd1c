// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <math.h>

#include "json.h"

void sw_json_init(struct sw_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
	j->after_key = false;
}

/* Comma handling: a value right after its key needs none. */
static void pre_value(struct sw_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
}

static void push(struct sw_json *j, char c)
{
	pre_value(j);
	fputc(c, j->f);
	if (j->depth < SW_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void pop(struct sw_json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void sw_json_obj_open(struct sw_json *j) { push(j, '{'); }
void sw_json_obj_close(struct sw_json *j) { pop(j, '}'); }
void sw_json_arr_open(struct sw_json *j) { push(j, '['); }
void sw_json_arr_close(struct sw_json *j) { pop(j, ']'); }

void sw_json_escape(FILE *f, const char *s)
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

void sw_json_key(struct sw_json *j, const char *key)
{
	pre_value(j);
	sw_json_escape(j->f, key);
	fputc(':', j->f);
	j->after_key = true;
}

void sw_json_str(struct sw_json *j, const char *s)
{
	pre_value(j);
	sw_json_escape(j->f, s ? s : "");
}

void sw_json_u64(struct sw_json *j, uint64_t v)
{
	pre_value(j);
	fprintf(j->f, "%" PRIu64, v);
}

void sw_json_i64(struct sw_json *j, int64_t v)
{
	pre_value(j);
	fprintf(j->f, "%" PRId64, v);
}

void sw_json_double(struct sw_json *j, double v, int decimals)
{
	pre_value(j);
	/* JSON has no NaN or infinity. */
	if (isfinite(v))
		fprintf(j->f, "%.*f", decimals, v);
	else
		fputs("null", j->f);
}

void sw_json_bool(struct sw_json *j, bool v)
{
	pre_value(j);
	fputs(v ? "true" : "false", j->f);
}

void sw_json_null(struct sw_json *j)
{
	pre_value(j);
	fputs("null", j->f);
}

void sw_json_kstr(struct sw_json *j, const char *key, const char *s)
{
	sw_json_key(j, key);
	sw_json_str(j, s);
}

void sw_json_ku64(struct sw_json *j, const char *key, uint64_t v)
{
	sw_json_key(j, key);
	sw_json_u64(j, v);
}

void sw_json_kbool(struct sw_json *j, const char *key, bool v)
{
	sw_json_key(j, key);
	sw_json_bool(j, v);
}
