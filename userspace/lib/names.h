/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Name tables for every enum of <linux/synwatch.h>.
 *
 * Three spellings per value, because each audience wants its own:
 *   keyword  what users type (filters, -e lists, config keys): "syn-sent"
 *   label    what tables and log lines show: "SYN_SENT"
 *   json     stable snake_case value in JSON output: "syn_sent"
 */
#ifndef SW_NAMES_H
#define SW_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct sw_name {
	const char *keyword;
	const char *label;
	const char *json;
};

extern const struct sw_name sw_state_names[];
extern const struct sw_name sw_close_reason_names[];
extern const struct sw_name sw_closer_names[];
extern const struct sw_name sw_invalid_names[];
extern const struct sw_name sw_event_names[];
extern const struct sw_name sw_listener_status_names[];
extern const struct sw_name sw_alert_reason_names[];
extern const struct sw_name sw_dir_names[];
/* SYNWATCH_A_STATS_*: label is a short description, json the field name */
extern const struct sw_name sw_stats_names[];

/* A table's size, for the lookups below. */
extern const size_t sw_state_names_len, sw_close_reason_names_len,
	sw_closer_names_len, sw_invalid_names_len, sw_event_names_len,
	sw_listener_status_names_len, sw_alert_reason_names_len,
	sw_dir_names_len, sw_stats_names_len;

/* "ipv4" / "ipv6" / "?" */
const char *sw_family_name(unsigned int family);

/*
 * Never NULL: an out-of-range value (a newer kernel) comes back as
 * "?" so that printing code needs no special case.
 */
const struct sw_name *sw_name_of(const struct sw_name *tab, size_t len,
				 unsigned int v);

/*
 * Case-insensitive, '-' and '_' interchangeable; returns the index or -1.
 * Entries without a keyword are not matched.
 */
int sw_name_lookup(const struct sw_name *tab, size_t len, const char *s);

#define SW_NAME(tab, v) sw_name_of(tab, tab##_len, (v))

#endif
