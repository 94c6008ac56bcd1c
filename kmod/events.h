/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SW_EVENTS_H
#define _SW_EVENTS_H

#include <net/netlink.h>
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

bool sw_group_has_listeners(struct sw_net *sn, u8 type);

/*
 * Would an event of this type reach anyone? Inline: the packet path asks
 * at every state change, and the usual answers (a subscriber, a type
 * masked out) need no call.
 */
static inline bool sw_event_wanted(struct sw_net *sn, u8 type)
{
	if (atomic_read(&sn->nsubs))
		return true;
	return (READ_ONCE(sn->cfg.event_mask) & BIT(type)) &&
	       sw_group_has_listeners(sn, type);
}

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

/*
 * Attributes without a tailroom check each: for a caller that checked
 * once for all of them (the most they can take: SW_NLW_* sizes).
 * The same bytes as nla_put_*(), nla_put_u64_64bit() included (its
 * padding attribute, where the architecture wants one). The kernel's
 * __nla_reserve() and __nla_put() skip the check too, but are calls: an
 * event's ~40 attributes cost ~4 000 instructions that way, and churn
 * with synwatchd ran 10% slower (make bench, 00c6fd3).
 */
#define SW_NLW_U64	nla_total_size_64bit(8)

static inline void *sw_nlw_hdr(struct sk_buff *skb, int type, int len)
{
	struct nlattr *nla = __skb_put(skb, nla_total_size(len));

	nla->nla_len = nla_attr_size(len);
	nla->nla_type = type;
	memset((u8 *)nla_data(nla) + len, 0, nla_padlen(len));
	return nla_data(nla);
}

static inline void sw_nlw(struct sk_buff *skb, int type, const void *data,
			  int len)
{
	memcpy(sw_nlw_hdr(skb, type, len), data, len);
}

static inline void sw_nlw_u8(struct sk_buff *skb, int type, u8 v)
{
	sw_nlw(skb, type, &v, sizeof(v));
}

static inline void sw_nlw_u16(struct sk_buff *skb, int type, u16 v)
{
	sw_nlw(skb, type, &v, sizeof(v));
}

static inline void sw_nlw_u32(struct sk_buff *skb, int type, u32 v)
{
	sw_nlw(skb, type, &v, sizeof(v));
}

static inline void sw_nlw_u64(struct sk_buff *skb, int type, u64 v, int pad)
{
	if (nla_need_padding_for_64bit(skb))
		sw_nlw_hdr(skb, pad, 0);
	sw_nlw(skb, type, &v, sizeof(v));
}

/* nlattr.c: the records as netlink attributes */
int sw_put_conn(struct sk_buff *skb, const struct sw_snap *s,
		const struct sw_net *sn, u64 now);
int sw_put_listener(struct sk_buff *skb, int attr, const struct sw_lst *l,
		    const struct sw_lst_acct *a);

extern struct genl_family sw_genl_family;

#endif /* _SW_EVENTS_H */
