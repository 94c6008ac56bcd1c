/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One function per synwatch command: builds the request, runs it through
 * the session and decodes the reply. All return 0 or a negative errno
 * (-EBADMSG: the reply did not decode, see sw_decode_error()).
 */
#ifndef SW_REQUESTS_H
#define SW_REQUESTS_H

#include "filter.h"
#include "nl.h"
#include "records.h"

/* Per-record callbacks of dumps: 0 to go on, a negative errno to stop. */
typedef int (*sw_conn_fn)(const struct sw_conn *c, void *data);
typedef int (*sw_listener_fn)(const struct sw_listener *l, void *data);

int sw_get_stats(struct sw_nl *nl, struct sw_stats *st);
int sw_reset_stats(struct sw_nl *nl);
int sw_get_config(struct sw_nl *nl, struct sw_config *cfg);
int sw_set_config(struct sw_nl *nl, const struct sw_config *set);
/* f may be NULL: everything */
int sw_dump_conns(struct sw_nl *nl, const struct sw_filter *f, sw_conn_fn fn,
		  void *data);
int sw_dump_listeners(struct sw_nl *nl, sw_listener_fn fn, void *data);
int sw_flush(struct sw_nl *nl, const struct sw_filter *f);
int sw_subscribe(struct sw_nl *nl, const struct sw_filter *f);
int sw_unsubscribe(struct sw_nl *nl);

#endif
