/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Name tables for every enum of <linux/synwatch.h>.
 *
 * Three spellings per value, because each audience wants its own:
 *   keyword  what users type (filters, -e lists, config keys): "syn-sent"
 *   label    what tables and log lines show: "SYN_SENT"
 *   json     stable snake_case value in JSON output: "syn_sent"
 */
#ifndef SWL_NAMES_H
#define SWL_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct swl_name {
	const char *keyword;
	const char *label;
	const char *json;
};

extern const struct swl_name swl_state_names[];
extern const struct swl_name swl_close_reason_names[];
extern const struct swl_name swl_closer_names[];
extern const struct swl_name swl_invalid_names[];
extern const struct swl_name swl_event_names[];
extern const struct swl_name swl_listener_status_names[];
extern const struct swl_name swl_alert_reason_names[];
extern const struct swl_name swl_dir_names[];
/* SYNWATCH_A_STATS_*: label is a short description, json the field name */
extern const struct swl_name swl_stats_names[];

/* A table's size, for the lookups below. */
extern const size_t swl_state_names_len, swl_close_reason_names_len,
	swl_closer_names_len, swl_invalid_names_len, swl_event_names_len,
	swl_listener_status_names_len, swl_alert_reason_names_len,
	swl_dir_names_len, swl_stats_names_len;

/* "ipv4" / "ipv6" / "?" */
const char *swl_family_name(unsigned int family);

/*
 * Never NULL: an out-of-range value (a newer kernel) comes back as
 * "?" so that printing code needs no special case.
 */
const struct swl_name *swl_name_of(const struct swl_name *tab, size_t len,
				 unsigned int v);

/*
 * Case-insensitive, '-' and '_' interchangeable; returns the index or -1.
 * Entries without a keyword are not matched.
 */
int swl_name_lookup(const struct swl_name *tab, size_t len, const char *s);

#define SWL_NAME(tab, v) swl_name_of(tab, tab##_len, (v))

#endif
