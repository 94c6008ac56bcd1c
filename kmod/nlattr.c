// SPDX-License-Identifier: GPL-2.0
/*
 * Connection and listener records as netlink attributes: the one encoder
 * that dumps and events share, so both carry the same fields.
 */
#include <net/genetlink.h>
#include "events.h"
#include "listener.h"
#include "engine.h"

static int sw_put_addr(struct sk_buff *skb, int attr,
		       const struct in6_addr *a, bool v4)
{
	return v4 ? nla_put(skb, attr, 4, &a->s6_addr32[3]) :
		    nla_put(skb, attr, 16, a);
}

/* The optional attributes: those whose bit sw_rec_info() set in have. */
static int sw_put_opt_u32(struct sk_buff *skb, const struct sw_rec_info *i,
			  int attr, u32 v)
{
	return (i->have & BIT(attr)) ? nla_put_u32(skb, attr, v) : 0;
}

static int sw_put_opt_u16(struct sk_buff *skb, const struct sw_rec_info *i,
			  int attr, u16 v)
{
	return (i->have & BIT(attr)) ? nla_put_u16(skb, attr, v) : 0;
}

static int sw_put_opt_u8(struct sk_buff *skb, const struct sw_rec_info *i,
			 int attr, u8 v)
{
	return (i->have & BIT(attr)) ? nla_put_u8(skb, attr, v) : 0;
}

static int sw_put_handshake(struct sk_buff *skb, const struct sw_rec_info *i)
{
	return sw_put_opt_u32(skb, i, SYNWATCH_A_CONN_ISN_LOCAL, i->isn_local) ||
	       sw_put_opt_u32(skb, i, SYNWATCH_A_CONN_ISN_REMOTE,
			      i->isn_remote) ||
	       sw_put_opt_u16(skb, i, SYNWATCH_A_CONN_MSS_LOCAL, i->mss_local) ||
	       sw_put_opt_u16(skb, i, SYNWATCH_A_CONN_MSS_REMOTE,
			      i->mss_remote) ||
	       sw_put_opt_u8(skb, i, SYNWATCH_A_CONN_WSCALE_LOCAL,
			     i->wscale_local) ||
	       sw_put_opt_u8(skb, i, SYNWATCH_A_CONN_WSCALE_REMOTE,
			     i->wscale_remote) ||
	       sw_put_opt_u32(skb, i, SYNWATCH_A_CONN_SYN_TO_SYNACK_US,
			      i->syn_to_synack_us) ||
	       sw_put_opt_u32(skb, i, SYNWATCH_A_CONN_SYNACK_TO_ACK_US,
			      i->synack_to_ack_us) ? -EMSGSIZE : 0;
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

	nest = nla_nest_start(skb, SYNWATCH_A_CONN);
	if (!nest)
		return -EMSGSIZE;
	sw_rec_info(r, now, &info);
	if (nla_put_u8(skb, SYNWATCH_A_CONN_FAMILY, v4 ? AF_INET : AF_INET6) ||
	    nla_put_u8(skb, SYNWATCH_A_CONN_STATE, info.state) ||
	    sw_put_addr(skb, SYNWATCH_A_CONN_LADDR, &s->key.laddr, v4) ||
	    sw_put_addr(skb, SYNWATCH_A_CONN_RADDR, &s->key.raddr, v4) ||
	    nla_put_u16(skb, SYNWATCH_A_CONN_LPORT, s->key.lport) ||
	    nla_put_u16(skb, SYNWATCH_A_CONN_RPORT, s->key.rport) ||
	    nla_put_u32(skb, SYNWATCH_A_CONN_FLAGS, r->flags) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_AGE_MS, info.age_ms,
			      SYNWATCH_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_STATE_AGE_MS,
			      info.state_age_ms, SYNWATCH_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_IDLE_MS, info.idle_ms,
			      SYNWATCH_A_CONN_PAD) ||
	    sw_put_handshake(skb, &info) ||
	    nla_put_u32(skb, SYNWATCH_A_CONN_RTX_SYN, r->rtx_syn) ||
	    nla_put_u32(skb, SYNWATCH_A_CONN_RTX_SYNACK, r->rtx_synack) ||
	    nla_put_u32(skb, SYNWATCH_A_CONN_RTX_FIN, r->rtx_fin) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_PKTS_IN, r->pkts[SW_DIR_IN],
			      SYNWATCH_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_PKTS_OUT,
			      r->pkts[SW_DIR_OUT], SYNWATCH_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_BYTES_IN, info.bytes_in,
			      SYNWATCH_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_BYTES_OUT, info.bytes_out,
			      SYNWATCH_A_CONN_PAD) ||
	    nla_put_u8(skb, SYNWATCH_A_CONN_CLOSE_REASON, r->reason) ||
	    nla_put_u8(skb, SYNWATCH_A_CONN_CLOSER, r->closer) ||
	    nla_put_string(skb, SYNWATCH_A_CONN_HISTORY, info.history) ||
	    (sn && nla_put_u64_64bit(skb, SYNWATCH_A_CONN_TIMEOUT_MS,
				     sw_timeout_left_ms(sn, r, now),
				     SYNWATCH_A_CONN_PAD))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
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
	    sw_put_addr(skb, SYNWATCH_A_LISTENER_ADDR, &l->addr, v4) ||
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
