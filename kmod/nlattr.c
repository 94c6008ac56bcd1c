// SPDX-License-Identifier: GPL-2.0
/*
 * Connection and listener records as netlink attributes: the one encoder
 * that dumps and events share, so both carry the same fields.
 */
#include <net/genetlink.h>
#include "events.h"
#include "listener.h"
#include "engine.h"

/*
 * The most a SYNWATCH_A_CONN nest takes: checked once, then every
 * attribute goes in with sw_nlw_*() (events.h), no check each. The
 * record is on the path of every connection event.
 */
#define SW_CONN_NEST_MAX						\
	(NLA_HDRLEN + 6 * nla_total_size(1) + 4 * nla_total_size(2) +	\
	 8 * nla_total_size(4) + 8 * SW_NLW_U64 +			\
	 2 * nla_total_size(16) + nla_total_size(SYNWATCH_HISTORY_LEN + 1))

static void sw_put_addr(struct sk_buff *skb, int attr,
			const struct in6_addr *a, bool v4)
{
	if (v4)
		sw_nlw(skb, attr, &a->s6_addr32[3], 4);
	else
		sw_nlw(skb, attr, a, 16);
}

/* The optional attributes: those whose bit sw_rec_info() set in have. */
static void sw_put_handshake(struct sk_buff *skb, const struct sw_rec_info *i)
{
	if (i->have & BIT(SYNWATCH_A_CONN_ISN_LOCAL))
		sw_nlw_u32(skb, SYNWATCH_A_CONN_ISN_LOCAL, i->isn_local);
	if (i->have & BIT(SYNWATCH_A_CONN_ISN_REMOTE))
		sw_nlw_u32(skb, SYNWATCH_A_CONN_ISN_REMOTE, i->isn_remote);
	if (i->have & BIT(SYNWATCH_A_CONN_MSS_LOCAL))
		sw_nlw_u16(skb, SYNWATCH_A_CONN_MSS_LOCAL, i->mss_local);
	if (i->have & BIT(SYNWATCH_A_CONN_MSS_REMOTE))
		sw_nlw_u16(skb, SYNWATCH_A_CONN_MSS_REMOTE, i->mss_remote);
	if (i->have & BIT(SYNWATCH_A_CONN_WSCALE_LOCAL))
		sw_nlw_u8(skb, SYNWATCH_A_CONN_WSCALE_LOCAL, i->wscale_local);
	if (i->have & BIT(SYNWATCH_A_CONN_WSCALE_REMOTE))
		sw_nlw_u8(skb, SYNWATCH_A_CONN_WSCALE_REMOTE,
			  i->wscale_remote);
	if (i->have & BIT(SYNWATCH_A_CONN_SYN_TO_SYNACK_US))
		sw_nlw_u32(skb, SYNWATCH_A_CONN_SYN_TO_SYNACK_US,
			   i->syn_to_synack_us);
	if (i->have & BIT(SYNWATCH_A_CONN_SYNACK_TO_ACK_US))
		sw_nlw_u32(skb, SYNWATCH_A_CONN_SYNACK_TO_ACK_US,
			   i->synack_to_ack_us);
}

/*
 * Which fields a record shows, and their values, come from the engine's
 * sw_rec_info() (engine.c), which replay uses too.
 */
int sw_put_conn(struct sk_buff *skb, const struct sw_snap *s,
		const struct sw_net *sn, u64 now)
{
	const struct sw_rec *r = &s->rec;
	bool v4 = sw_key_v4(&s->key);
	struct sw_rec_info info;
	struct nlattr *nest;
	int hlen;
	char *h;

	if (skb_tailroom(skb) < SW_CONN_NEST_MAX)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, SYNWATCH_A_CONN);
	sw_rec_info(r, now, &info);
	sw_nlw_u8(skb, SYNWATCH_A_CONN_FAMILY, v4 ? AF_INET : AF_INET6);
	sw_nlw_u8(skb, SYNWATCH_A_CONN_STATE, info.state);
	sw_put_addr(skb, SYNWATCH_A_CONN_LADDR, &s->key.laddr, v4);
	sw_put_addr(skb, SYNWATCH_A_CONN_RADDR, &s->key.raddr, v4);
	sw_nlw_u16(skb, SYNWATCH_A_CONN_LPORT, s->key.lport);
	sw_nlw_u16(skb, SYNWATCH_A_CONN_RPORT, s->key.rport);
	sw_nlw_u32(skb, SYNWATCH_A_CONN_FLAGS, r->flags);
	sw_nlw_u64(skb, SYNWATCH_A_CONN_AGE_MS, info.age_ms,
		   SYNWATCH_A_CONN_PAD);
	sw_nlw_u64(skb, SYNWATCH_A_CONN_STATE_AGE_MS, info.state_age_ms,
		   SYNWATCH_A_CONN_PAD);
	sw_nlw_u64(skb, SYNWATCH_A_CONN_IDLE_MS, info.idle_ms,
		   SYNWATCH_A_CONN_PAD);
	sw_put_handshake(skb, &info);
	sw_nlw_u32(skb, SYNWATCH_A_CONN_RTX_SYN, r->rtx_syn);
	sw_nlw_u32(skb, SYNWATCH_A_CONN_RTX_SYNACK, r->rtx_synack);
	sw_nlw_u32(skb, SYNWATCH_A_CONN_RTX_FIN, r->rtx_fin);
	sw_nlw_u64(skb, SYNWATCH_A_CONN_PKTS_IN, r->pkts[SW_DIR_IN],
		   SYNWATCH_A_CONN_PAD);
	sw_nlw_u64(skb, SYNWATCH_A_CONN_PKTS_OUT, r->pkts[SW_DIR_OUT],
		   SYNWATCH_A_CONN_PAD);
	sw_nlw_u64(skb, SYNWATCH_A_CONN_BYTES_IN, info.bytes_in,
		   SYNWATCH_A_CONN_PAD);
	sw_nlw_u64(skb, SYNWATCH_A_CONN_BYTES_OUT, info.bytes_out,
		   SYNWATCH_A_CONN_PAD);
	sw_nlw_u8(skb, SYNWATCH_A_CONN_CLOSE_REASON, r->reason);
	sw_nlw_u8(skb, SYNWATCH_A_CONN_CLOSER, r->closer);
	/* as nla_put_string(): the string and its NUL */
	hlen = strnlen(info.history, SYNWATCH_HISTORY_LEN);
	h = sw_nlw_hdr(skb, SYNWATCH_A_CONN_HISTORY, hlen + 1);
	memcpy(h, info.history, hlen);
	h[hlen] = 0;
	if (sn)
		sw_nlw_u64(skb, SYNWATCH_A_CONN_TIMEOUT_MS,
			   sw_timeout_left_ms(sn, r, now),
			   SYNWATCH_A_CONN_PAD);
	nla_nest_end(skb, nest);
	return 0;
}

int sw_put_listener(struct sk_buff *skb, int attr, const struct sw_lst *l,
		    const struct sw_lst_acct *a)
{
	bool v4 = ipv6_addr_v4mapped(&l->addr);
	struct nlattr *nest;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, SYNWATCH_A_LISTENER_FAMILY,
		       v4 ? AF_INET : AF_INET6) ||
	    nla_put(skb, SYNWATCH_A_LISTENER_ADDR, v4 ? 4 : 16,
		    v4 ? (const void *)&l->addr.s6_addr32[3] : &l->addr) ||
	    nla_put_u16(skb, SYNWATCH_A_LISTENER_PORT, l->port) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_LISTENER_SYN_RX, a->syn_rx,
			      SYNWATCH_A_LISTENER_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_LISTENER_SYNACK_TX, a->synack_tx,
			      SYNWATCH_A_LISTENER_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_LISTENER_COMPLETED, a->completed,
			      SYNWATCH_A_LISTENER_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_LISTENER_RESET, a->reset,
			      SYNWATCH_A_LISTENER_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_LISTENER_COOKIE_COMPLETED,
			      a->cookie, SYNWATCH_A_LISTENER_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_LISTENER_UNANSWERED,
			      a->unanswered, SYNWATCH_A_LISTENER_PAD) ||
	    nla_put_u32(skb, SYNWATCH_A_LISTENER_HALF_OPEN,
			max_t(s32, a->half_open, 0)) ||
	    nla_put_u32(skb, SYNWATCH_A_LISTENER_SYN_RATE, sw_lst_rate(a)) ||
	    nla_put_u32(skb, SYNWATCH_A_LISTENER_PEAK_RATE, a->peak_rate) ||
	    nla_put_u8(skb, SYNWATCH_A_LISTENER_COMPLETION_PCT,
		       sw_lst_completion(a)) ||
	    nla_put_u8(skb, SYNWATCH_A_LISTENER_STATUS, a->status) ||
	    nla_put_u32(skb, SYNWATCH_A_LISTENER_HALF_OPEN_RECENT,
			sw_lst_recent_half_open(a, ktime_get_ns()))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
