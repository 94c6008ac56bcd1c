/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SW_MATCH_H
#define _SW_MATCH_H

#include "record.h"

/*
 * Does a connection pass a filter (struct sw_filter)? One rule for dumps,
 * FLUSH and subscribers' events (match.c).
 */
bool sw_filter_match_conn(const struct sw_key *key, const struct sw_rec *rec,
			  const struct sw_filter *f);
/* The same, as a sw_conn_match_t (conntab.h) over a copy. */
bool sw_filter_match(const struct sw_snap *s, const void *filter);

#endif /* _SW_MATCH_H */
