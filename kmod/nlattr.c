// SPDX-License-Identifier: GPL-2.0
/*
 * Connection and listener records as netlink attributes: the one encoder
 * that dumps and events share, so both carry the same fields.
 */
#include <net/genetlink.h>
#include "events.h"
#include "listener.h"

static int sw_put_addr(struct sk_buff *skb, int attr,
		       const struct in6_addr *a, bool v4)
{
	return v4 ? nla_put(skb, attr, 4, &a->s6_addr32[3]) :
		    nla_put(skb, attr, 16, a);
}

static u64 sw_coarse_ms(u32 units)
{
	return ((u64)units << SW_COARSE_SHIFT) / NSEC_PER_MSEC;
}

static int sw_put_handshake(struct sk_buff *skb, const struct sw_rec *r)
{
	bool pickup = r->flags & SYNWATCH_CONN_F_PICKUP;
	u8 ws;

	if (!pickup && (r->dflags & SW_DF_END_OUT) &&
	    nla_put_u32(skb, SYNWATCH_A_CONN_ISN_LOCAL, r->isn[SW_DIR_OUT]))
		return -EMSGSIZE;
	if (!pickup && (r->dflags & SW_DF_END_IN) &&
	    nla_put_u32(skb, SYNWATCH_A_CONN_ISN_REMOTE, r->isn[SW_DIR_IN]))
		return -EMSGSIZE;
	if (r->mss[SW_DIR_OUT] &&
	    nla_put_u16(skb, SYNWATCH_A_CONN_MSS_LOCAL, r->mss[SW_DIR_OUT]))
		return -EMSGSIZE;
	if (r->mss[SW_DIR_IN] &&
	    nla_put_u16(skb, SYNWATCH_A_CONN_MSS_REMOTE, r->mss[SW_DIR_IN]))
		return -EMSGSIZE;
	ws = sw_rec_wscale(r, SW_DIR_OUT);
	if (ws != SW_WSCALE_NONE &&
	    nla_put_u8(skb, SYNWATCH_A_CONN_WSCALE_LOCAL, ws))
		return -EMSGSIZE;
	ws = sw_rec_wscale(r, SW_DIR_IN);
	if (ws != SW_WSCALE_NONE &&
	    nla_put_u8(skb, SYNWATCH_A_CONN_WSCALE_REMOTE, ws))
		return -EMSGSIZE;
	if ((r->dflags & SW_DF_RTT_SYN) &&
	    nla_put_u32(skb, SYNWATCH_A_CONN_SYN_TO_SYNACK_US, r->rtt_syn))
		return -EMSGSIZE;
	if ((r->dflags & SW_DF_RTT_SYNACK) &&
	    nla_put_u32(skb, SYNWATCH_A_CONN_SYNACK_TO_ACK_US, r->rtt_synack))
		return -EMSGSIZE;
	return 0;
}

int sw_put_conn(struct sk_buff *skb, const struct sw_snap *s,
		const struct sw_net *sn, u64 now)
{
	const struct sw_rec *r = &s->rec;
	bool v4 = sw_key_v4(&s->key);
	char hist[SYNWATCH_HISTORY_LEN + 1];
	struct nlattr *nest;
	u8 state = r->state < SW_STATE_NONE ? r->state : SYNWATCH_STATE_CLOSED;

	nest = nla_nest_start(skb, SYNWATCH_A_CONN);
	if (!nest)
		return -EMSGSIZE;
	sw_rec_history(r, hist, sizeof(hist));
	if (nla_put_u8(skb, SYNWATCH_A_CONN_FAMILY, v4 ? AF_INET : AF_INET6) ||
	    nla_put_u8(skb, SYNWATCH_A_CONN_STATE, state) ||
	    sw_put_addr(skb, SYNWATCH_A_CONN_LADDR, &s->key.laddr, v4) ||
	    sw_put_addr(skb, SYNWATCH_A_CONN_RADDR, &s->key.raddr, v4) ||
	    nla_put_u16(skb, SYNWATCH_A_CONN_LPORT, s->key.lport) ||
	    nla_put_u16(skb, SYNWATCH_A_CONN_RPORT, s->key.rport) ||
	    nla_put_u32(skb, SYNWATCH_A_CONN_FLAGS, r->flags) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_AGE_MS,
			      sw_coarse_ms(sw_coarse(now) - r->t_first),
			      SYNWATCH_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_STATE_AGE_MS,
			      sw_coarse_ms(sw_coarse(now) - r->t_state),
			      SYNWATCH_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_IDLE_MS,
			      ((u64)(sw_fine(now) - r->t_last) <<
			       SW_FINE_SHIFT) / NSEC_PER_MSEC,
			      SYNWATCH_A_CONN_PAD) ||
	    sw_put_handshake(skb, r) ||
	    nla_put_u32(skb, SYNWATCH_A_CONN_RTX_SYN, r->rtx_syn) ||
	    nla_put_u32(skb, SYNWATCH_A_CONN_RTX_SYNACK, r->rtx_synack) ||
	    nla_put_u32(skb, SYNWATCH_A_CONN_RTX_FIN, r->rtx_fin) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_PKTS_IN, r->pkts[SW_DIR_IN],
			      SYNWATCH_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_PKTS_OUT,
			      r->pkts[SW_DIR_OUT], SYNWATCH_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_BYTES_IN,
			      sw_rec_bytes(r, SW_DIR_IN), SYNWATCH_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_CONN_BYTES_OUT,
			      sw_rec_bytes(r, SW_DIR_OUT),
			      SYNWATCH_A_CONN_PAD) ||
	    nla_put_u8(skb, SYNWATCH_A_CONN_CLOSE_REASON, r->reason) ||
	    nla_put_u8(skb, SYNWATCH_A_CONN_CLOSER, r->closer) ||
	    nla_put_string(skb, SYNWATCH_A_CONN_HISTORY, hist) ||
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
