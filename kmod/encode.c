// SPDX-License-Identifier: GPL-2.0
/*
 * Every netlink attribute the module writes (see encode.h). Connection and
 * listener records: the one encoder that dumps and events share, so both
 * carry the same fields.
 */
#include <net/genetlink.h>
#include "encode.h"
#include "conntab.h"
#include "engine/rules.h"

/*
 * The most a SYNWATCH_A_CONN nest takes: checked once, then every
 * attribute goes in with sw_nlw_*() (encode.h), no check each. The
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

/* The optional attributes: those whose bit sw_rec_describe() set in have. */
static void sw_put_handshake(struct sk_buff *skb, const struct sw_rec_attrs *i)
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
 * sw_rec_describe() (engine/rules.c), which replay uses too.
 */
int sw_put_conn(struct sk_buff *skb, const struct sw_key *key,
		const struct sw_rec *r, const struct sw_net *sn, u64 now)
{
	bool v4 = sw_key_v4(key);
	struct sw_rec_attrs info;
	struct nlattr *nest;
	int hlen;
	char *h;

	if (skb_tailroom(skb) < SW_CONN_NEST_MAX)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, SYNWATCH_A_CONN);
	sw_rec_describe(r, now, &info);
	sw_nlw_u8(skb, SYNWATCH_A_CONN_FAMILY, v4 ? AF_INET : AF_INET6);
	sw_nlw_u8(skb, SYNWATCH_A_CONN_STATE, info.state);
	sw_put_addr(skb, SYNWATCH_A_CONN_LADDR, &key->laddr, v4);
	sw_put_addr(skb, SYNWATCH_A_CONN_RADDR, &key->raddr, v4);
	sw_nlw_u16(skb, SYNWATCH_A_CONN_LPORT, key->lport);
	sw_nlw_u16(skb, SYNWATCH_A_CONN_RPORT, key->rport);
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
	if (sn) {
		u32 limit = READ_ONCE(sn->cfg.timeout_fine[r->state]);

		sw_nlw_u64(skb, SYNWATCH_A_CONN_TIMEOUT_MS,
			   sw_rec_timeout_left_ms(r, limit, now),
			   SYNWATCH_A_CONN_PAD);
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

/* A u64 to be written per copy: zero for now, and where it is. */
static void *sw_put_seq(struct sk_buff *skb, int attr)
{
	void *p;

	if (nla_need_padding_for_64bit(skb))
		sw_nlw_hdr(skb, SYNWATCH_A_EVENT_PAD, 0);
	p = sw_nlw_hdr(skb, attr, 8);
	memset(p, 0, 8);
	return p;
}

/* The most the header takes: checked once, see sw_nlw() in encode.h. */
#define SW_EVENT_HDR_MAX (NLA_HDRLEN + 5 * nla_total_size(1) + 3 * SW_NLW_U64)

/* Header of every event. */
int sw_put_event_hdr(struct sk_buff *skb, struct sw_seqs *seqs, u8 type,
		     u8 old, u8 new, u8 flags, u8 dir)
{
	struct nlattr *nest;

	if (skb_tailroom(skb) < SW_EVENT_HDR_MAX)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, SYNWATCH_A_EVENT);
	sw_nlw_u8(skb, SYNWATCH_A_EVENT_TYPE, type);
	seqs->seq = sw_put_seq(skb, SYNWATCH_A_EVENT_SEQ);
	seqs->sub_seq = sw_put_seq(skb, SYNWATCH_A_EVENT_SUB_SEQ);
	sw_nlw_u64(skb, SYNWATCH_A_EVENT_TIME_NS, ktime_get_real_ns(),
		   SYNWATCH_A_EVENT_PAD);
	sw_nlw_u8(skb, SYNWATCH_A_EVENT_OLD_STATE, old);
	sw_nlw_u8(skb, SYNWATCH_A_EVENT_NEW_STATE, new);
	if (dir != SYNWATCH_DIR_NONE) {
		sw_nlw_u8(skb, SYNWATCH_A_EVENT_TCP_FLAGS, flags);
		sw_nlw_u8(skb, SYNWATCH_A_EVENT_DIR, dir);
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int sw_put_sources(struct sk_buff *skb, const struct sw_lst_acct *a)
{
	const struct sw_src_slot *top[SYNWATCH_MAX_TOP_SOURCES];
	struct nlattr *list, *one;
	int i, n = sw_flood_top(a, top, ARRAY_SIZE(top));

	list = nla_nest_start(skb, SYNWATCH_A_ALERT_TOP_SOURCES);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		one = nla_nest_start(skb, i + 1);
		if (!one ||
		    nla_put_u8(skb, SYNWATCH_A_SOURCE_FAMILY,
			       top[i]->v6 ? AF_INET6 : AF_INET) ||
		    nla_put(skb, SYNWATCH_A_SOURCE_PREFIX, top[i]->v6 ? 16 : 4,
			    top[i]->addr) ||
		    nla_put_u8(skb, SYNWATCH_A_SOURCE_PREFIX_LEN,
			       top[i]->v6 ? 64 : 24) ||
		    nla_put_u32(skb, SYNWATCH_A_SOURCE_SYNS, top[i]->count))
			return -EMSGSIZE;
		nla_nest_end(skb, one);
	}
	nla_nest_end(skb, list);
	return 0;
}

int sw_put_alert(struct sk_buff *skb, const struct sw_lst *l,
		 const struct sw_lst_acct *a, u64 now)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, SYNWATCH_A_ALERT);
	if (!nest ||
	    sw_put_listener(skb, SYNWATCH_A_ALERT_LISTENER, l, a) ||
	    nla_put_u8(skb, SYNWATCH_A_ALERT_REASON, a->reason) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_ALERT_DURATION_MS,
			      div_u64(now - a->flood_start_ns,
				      NSEC_PER_MSEC),
			      SYNWATCH_A_ALERT_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_ALERT_SUPPRESSED, a->suppressed,
			      SYNWATCH_A_ALERT_PAD) ||
	    nla_put_u8(skb, SYNWATCH_A_ALERT_COOKIES, a->cookies) ||
	    nla_put_u32(skb, SYNWATCH_A_ALERT_PEAK_RATE, a->flood_peak) ||
	    sw_put_sources(skb, a))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* SYNWATCH_A_STATS: the netns' counters, the table's figures. */
int sw_put_stats(struct sk_buff *skb, struct sw_net *sn,
		 unsigned int listeners)
{
	struct nlattr *nest, *inv;
	struct sw_stats sum;
	int i;

	sw_stats_sum(sn, &sum);
	nest = nla_nest_start(skb, SYNWATCH_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < SW_STAT_MAX; i++) {
		if (nla_put_u64_64bit(skb, sw_stat_attr(i), sum.ctr[i],
				      SYNWATCH_A_STATS_PAD))
			return -EMSGSIZE;
	}
	if (nla_put_u64_64bit(skb, SYNWATCH_A_STATS_CONN_COUNT,
			      atomic_read(&sn->nconns), SYNWATCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_STATS_CONN_COUNT_TOTAL,
			      sw_conntab_count(), SYNWATCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_STATS_CONN_MAX, sw_max_conns,
			      SYNWATCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_STATS_HASH_SIZE,
			      sw_conntab_buckets(), SYNWATCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_STATS_OBJ_SIZE,
			      sw_conntab_obj_size(), SYNWATCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_STATS_MEM_BYTES, sw_conntab_mem(),
			      SYNWATCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_STATS_LISTENERS,
			      listeners, SYNWATCH_A_STATS_PAD))
		return -EMSGSIZE;
	inv = nla_nest_start(skb, SYNWATCH_A_STATS_INVALID);
	if (!inv)
		return -EMSGSIZE;
	for (i = 1; i <= SYNWATCH_INVALID_MAX; i++)
		if (nla_put_u64_64bit(skb, i, sum.invalid[i], 0))
			return -EMSGSIZE;
	nla_nest_end(skb, inv);
	nla_nest_end(skb, nest);
	return 0;
}

int sw_put_config(struct sk_buff *skb, const struct sw_config *cfg)
{
	struct nlattr *nest, *to;
	int i;

	nest = nla_nest_start(skb, SYNWATCH_A_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	to = nla_nest_start(skb, SYNWATCH_A_CONFIG_TIMEOUTS);
	if (!to)
		return -EMSGSIZE;
	for (i = 0; i < __SYNWATCH_STATE_MAX; i++)
		if (nla_put_u32(skb, i + 1, READ_ONCE(cfg->timeout_s[i])))
			return -EMSGSIZE;
	nla_nest_end(skb, to);
	if (nla_put_u32(skb, SYNWATCH_A_CONFIG_EVENT_MASK,
			READ_ONCE(cfg->event_mask)) ||
	    nla_put_u32(skb, SYNWATCH_A_CONFIG_MAX_CONNS,
			READ_ONCE(cfg->max_conns)) ||
	    nla_put_u32(skb, SYNWATCH_A_CONFIG_MAX_CONNS_GLOBAL, sw_max_conns) ||
	    nla_put_u32(skb, SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH,
			READ_ONCE(cfg->flood.half_open_high)) ||
	    nla_put_u32(skb, SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW,
			READ_ONCE(cfg->flood.half_open_low)) ||
	    nla_put_u32(skb, SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH,
			READ_ONCE(cfg->flood.rate_high)) ||
	    nla_put_u32(skb, SYNWATCH_A_CONFIG_FLOOD_RATE_LOW,
			READ_ONCE(cfg->flood.rate_low)) ||
	    nla_put_u8(skb, SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT,
		       READ_ONCE(cfg->flood.completion_pct)) ||
	    nla_put_u32(skb, SYNWATCH_A_CONFIG_FLOOD_HOLD_MS,
			READ_ONCE(cfg->flood.hold_ms)) ||
	    nla_put_u32(skb, SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS,
			READ_ONCE(cfg->flood.update_ms)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}
