/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every netlink attribute the module writes: connection and listener
 * records (shared by dumps and events, so both carry the same fields),
 * the event header and alert bodies, statistics and configuration.
 */
#ifndef _SW_ENCODE_H
#define _SW_ENCODE_H

#include <net/netlink.h>
#include "swnet.h"
#include "record.h"

/*
 * Attributes without a tailroom check each: for a caller that checked
 * once for all of them (the most they can take: SW_NLW_* sizes).
 * The same bytes as nla_put_*(), nla_put_u64_64bit() included (its
 * padding attribute, where the architecture wants one). The kernel's
 * __nla_reserve() and __nla_put() skip the check too, but are calls, on
 * the path of every event (bench/README.md).
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

/*
 * Where the two sequence numbers sit in a built event: they differ from
 * one destination's copy to the next, so they are written per copy.
 */
struct sw_seqs {
	void *seq;
	void *sub_seq;
};

int sw_put_event_hdr(struct sk_buff *skb, struct sw_seqs *seqs, u8 type,
		     u8 old, u8 new, u8 flags, u8 dir);
int sw_put_conn(struct sk_buff *skb, const struct sw_key *key,
		const struct sw_rec *rec, const struct sw_net *sn, u64 now);
int sw_put_listener(struct sk_buff *skb, int attr, const struct sw_lst *l,
		    const struct sw_lst_acct *a);
int sw_put_alert(struct sk_buff *skb, const struct sw_lst *l,
		 const struct sw_lst_acct *a, u64 now);
int sw_put_stats(struct sk_buff *skb, struct sw_net *sn,
		 unsigned int listeners);
int sw_put_config(struct sk_buff *skb, const struct sw_config *cfg);

#endif /* _SW_ENCODE_H */
