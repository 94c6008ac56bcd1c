/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where decode.c puts each attribute of a record (records.h), for the
 * library's own use: decode.c fills records by these tables, render.c
 * reads integers back by them, so the two cannot disagree.
 */
#ifndef SWL_FIELDS_H
#define SWL_FIELDS_H

#include <stdint.h>
#include <linux/synwatch.h>

enum swl_field_kind { F_INT = 1, F_ADDR, F_STR };

struct swl_field {
	uint8_t type;		/* enum mnl_attr_data_type */
	uint8_t kind;		/* enum swl_field_kind; 0: not a field */
	uint16_t off;		/* offset in the record */
	uint16_t size;		/* size of the record's member */
	const char *name;
};

extern const struct swl_field swl_conn_fields[SYNWATCH_A_CONN_MAX + 1];
extern const struct swl_field swl_listener_fields[SYNWATCH_A_LISTENER_MAX + 1];
extern const struct swl_field swl_event_fields[SYNWATCH_A_EVENT_MAX + 1];
extern const struct swl_field swl_alert_fields[SYNWATCH_A_ALERT_MAX + 1];

/* The integer member f describes, in rec, widened. */
static inline uint64_t swl_field_int(const struct swl_field *f, const void *rec)
{
	const char *p = (const char *)rec + f->off;

	switch (f->size) {
	case 1: return *(const uint8_t *)p;
	case 2: return *(const uint16_t *)p;
	case 4: return *(const uint32_t *)p;
	default: return *(const uint64_t *)p;
	}
}

#endif
