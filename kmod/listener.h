/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Listener records: per (netns, local address, local port) that has seen a
 * SYN, the accounting the flood detector works on. See listener.c.
 */
#ifndef _SW_LISTENER_H
#define _SW_LISTENER_H

#include "conn.h"
#include "flood.h"

struct sw_lst {
	struct hlist_node node;		/* RCU, in sw_lst_table.heads */
	struct list_head active;	/* on sw_lst_table.active, its lock */
	struct rcu_head rcu;
	struct in6_addr addr;
	u16 port;
	bool watched;			/* on the active list; under lock */
	bool dead;			/* flushed; under the table's lock */
	spinlock_t lock;		/* guards acct and watched */
	struct sw_lst_acct acct;
};

void sw_lst_packet(struct sw_net *sn, const struct sw_key *key,
		   const struct sw_track_out *out, u32 born, u64 now);
void sw_lst_forget(struct sw_net *sn, const struct sw_snap *s);
bool sw_lst_suppress(struct sw_net *sn, const struct sw_snap *s);
int sw_lst_dump(struct sw_net *sn, unsigned long *pos,
		int (*fn)(const struct sw_lst *l, const struct sw_lst_acct *a,
			  void *arg), void *arg);
void sw_lst_flush(struct sw_net *sn);
int sw_lst_net_init(struct sw_net *sn);
void sw_lst_net_exit(struct sw_net *sn);
unsigned int sw_lst_count(struct sw_net *sn);

#endif /* _SW_LISTENER_H */
