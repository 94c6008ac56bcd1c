/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Listeners: per (netns, local address, local port) that has seen a SYN,
 * the accounting the flood detector works on, and its tick. See
 * listener.c; the record type is struct sw_lst (record.h).
 */
#ifndef _SW_LISTENER_H
#define _SW_LISTENER_H

#include "swnet.h"
#include "record.h"

void sw_lst_packet(struct sw_net *sn, const struct sw_key *key,
		   const struct sw_track_out *out, u32 born, u64 now);
void sw_lst_forget(struct sw_net *sn, const struct sw_key *key,
		   const struct sw_rec *rec);
bool sw_lst_suppress(struct sw_net *sn, const struct sw_key *key,
		     const struct sw_rec *rec);
int sw_lst_dump(struct sw_net *sn, unsigned long *pos,
		int (*fn)(const struct sw_lst *l, const struct sw_lst_acct *a,
			  void *arg), void *arg);
void sw_lst_flush(struct sw_net *sn);
unsigned int sw_lst_table_size(struct sw_net *sn);
int sw_lst_net_init(struct sw_net *sn);
void sw_lst_net_exit(struct sw_net *sn);

#endif /* _SW_LISTENER_H */
