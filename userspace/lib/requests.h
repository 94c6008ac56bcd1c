/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One function per synwatch command: builds the request, runs it through
 * the session and decodes the reply. All return 0 or a negative errno
 * (-EBADMSG: the reply did not decode, see swl_decode_error()).
 */
#ifndef SWL_REQUESTS_H
#define SWL_REQUESTS_H

#include "filter.h"
#include "nl.h"
#include "records.h"

/* Per-record callbacks of dumps: 0 to go on, a negative errno to stop. */
typedef int (*swl_conn_fn)(const struct swl_conn *c, void *data);
typedef int (*swl_listener_fn)(const struct swl_listener *l, void *data);

int swl_get_stats(struct swl_nl *nl, struct swl_stats *st);
int swl_reset_stats(struct swl_nl *nl);
int swl_get_config(struct swl_nl *nl, struct swl_config *cfg);
int swl_set_config(struct swl_nl *nl, const struct swl_config *set);
/* f may be NULL: everything */
int swl_dump_conns(struct swl_nl *nl, const struct swl_filter *f, swl_conn_fn fn,
		  void *data);
int swl_dump_listeners(struct swl_nl *nl, swl_listener_fn fn, void *data);
int swl_flush(struct swl_nl *nl, const struct swl_filter *f);
int swl_subscribe(struct swl_nl *nl, const struct swl_filter *f);
int swl_unsubscribe(struct swl_nl *nl);

#endif
