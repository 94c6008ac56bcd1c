/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SW_EVENTS_H
#define _SW_EVENTS_H

#include "conn.h"
#include "flood.h"

struct sw_lst;

/* A subscription made with SYNWATCH_CMD_SUBSCRIBE (netlink.c parses it). */
struct sw_filter {
	u32 state_mask;
	u32 event_mask;
	u8 family;		/* 0 = any */
	u8 lprefix;		/* in bits of the 128-bit mapped address */
	u8 rprefix;
	bool linvert;
	bool rinvert;
	u16 lport_min, lport_max;
	u16 rport_min, rport_max;
	u32 batch_bytes;	/* SUBSCRIBE: the reader's datagram size */
	struct in6_addr laddr;
	struct in6_addr raddr;
};

bool sw_filter_match(const struct sw_snap *s, const void *filter);

bool sw_event_wanted(struct sw_net *sn, u8 type);
void sw_event_conn(struct sw_net *sn, u8 type, const struct sw_snap *s,
		   u8 old_state, u8 new_state, u8 tcp_flags, u8 dir, u64 now);
void sw_event_alert(struct sw_net *sn, const struct sw_lst *l,
		    const struct sw_lst_acct *a, int ev, u64 now);

int sw_subscribe(struct sw_net *sn, u32 portid, const struct sw_filter *f);
int sw_unsubscribe(struct sw_net *sn, u32 portid);
void sw_events_net_init(struct sw_net *sn);
void sw_events_net_exit(struct sw_net *sn);
int sw_events_init(void);
void sw_events_uninit(void);

/* nlattr.c: the records as netlink attributes */
int sw_put_conn(struct sk_buff *skb, const struct sw_snap *s,
		const struct sw_net *sn, u64 now);
int sw_put_listener(struct sk_buff *skb, int attr, const struct sw_lst *l,
		    const struct sw_lst_acct *a);

extern struct genl_family sw_genl_family;

#endif /* _SW_EVENTS_H */
