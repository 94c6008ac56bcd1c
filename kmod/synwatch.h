/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-internal declarations shared by the kernel-only files: per-netns
 * state, per-CPU statistics and each subsystem's init/uninit pair.
 */
#ifndef _SYNWATCH_H
#define _SYNWATCH_H

#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/mutex.h>
#include <linux/hrtimer.h>
#include <linux/netfilter.h>
#include <linux/siphash.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/synwatch.h>
#include "track.h"

/* Per-CPU counters; enum order is the uapi's SYNWATCH_A_STATS_* order. */
enum sw_stat {
	SW_STAT_PKTS_IN,
	SW_STAT_PKTS_OUT,
	SW_STAT_PKTS_FWD,
	SW_STAT_CONN_NEW,
	SW_STAT_CONN_DESTROY,
	SW_STAT_STATE_CHANGES,
	SW_STAT_RTX_SYN,
	SW_STAT_RTX_SYNACK,
	SW_STAT_RTX_FIN,
	SW_STAT_PICKUP,
	SW_STAT_UNTRACKED,
	SW_STAT_EVICT,
	SW_STAT_INSERT_FAILED,
	SW_STAT_EXPIRED,
	SW_STAT_EVENTS_SENT,
	SW_STAT_EVENT_DROP,
	SW_STAT_EVENT_SUPPRESSED,
	SW_STAT_SEARCH_RESTART,
	SW_STAT_ALERTS,
	SW_STAT_MAX
};

struct sw_stats {
	u64 ctr[SW_STAT_MAX];
	u64 invalid[__SYNWATCH_INVALID_MAX];
};

/* Per-netns configuration, changed by SYNWATCH_CMD_SET_CONFIG. */
struct sw_config {
	u32 timeout_s[__SYNWATCH_STATE_MAX];
	u32 timeout_fine[__SYNWATCH_STATE_MAX];	/* same, in sw_fine() units */
	u32 event_mask;
	u32 max_conns;
	u32 flood_half_open_high;
	u32 flood_half_open_low;
	u32 flood_rate_high;
	u32 flood_rate_low;
	u32 flood_completion_pct;
	u32 flood_hold_ms;
	u32 flood_update_ms;
};

struct sw_lst_table;

/*
 * Events waiting to go out together to one destination, a subscriber or a
 * multicast group: complete event messages one after the other in skb.
 * Under sw_net.subs_lock; see events.c.
 */
struct sw_batch {
	struct sk_buff *skb;		/* NULL while nothing waits */
	u32 n;				/* events in skb */
	u32 limit;			/* bytes skb may hold */
	u32 max;			/* the destination's largest datagram */
	bool big;			/* the last one filled up: next is max */
};

/* LOCAL_IN and LOCAL_OUT for IPv4 and IPv6, and FORWARD for both (hooks.c) */
#define SW_HOOK_OPS 6

/* Everything synwatch keeps per network namespace. */
struct sw_net {
	struct net *net;
	u32 id;				/* net->ns.inum, the table key */
	hsiphash_key_t hash_key;	/* the table's hash of this netns' keys */
	struct sw_stats __percpu *stats;
	struct sw_config cfg;		/* read locklessly, see config.c */
	struct mutex cfg_lock;		/* serialises writers of cfg */
	atomic64_t event_seq[__SYNWATCH_MCGRP_MAX]; /* SYNWATCH_A_EVENT_SEQ */
	atomic_t nconns;
	unsigned long evict_none_at;	/* jiffies, see sw_make_room() */
	atomic_t nsubs;			/* subscribers, see events.c */
	struct list_head subs;		/* RCU list, under subs_lock */
	spinlock_t subs_lock;		/* also the batches and event_seq */
	struct sw_batch mc_batch[__SYNWATCH_MCGRP_MAX];
	struct hrtimer flush_timer;	/* sends the batches, see events.c */
	bool flush_armed;		/* under subs_lock */
	struct sw_lst_table *lst;	/* listeners, see listener.c */
	/*
	 * This netns' copies of the hook ops, each with priv = this struct:
	 * the hooks find their sw_net without net_generic() and the RCU
	 * calls it makes. Registered from init to pre_exit (hooks.c).
	 */
	struct nf_hook_ops hook_ops[SW_HOOK_OPS];
};

/* Module parameters (main.c). */
extern unsigned int sw_max_conns;
extern unsigned int sw_hashsize;
extern bool sw_track_forward;

static inline void sw_stat_inc(struct sw_net *sn, enum sw_stat s)
{
	this_cpu_inc(sn->stats->ctr[s]);
}

static inline void sw_stat_add(struct sw_net *sn, enum sw_stat s, u64 n)
{
	this_cpu_add(sn->stats->ctr[s], n);
}

static inline void sw_stat_invalid(struct sw_net *sn, int reason)
{
	this_cpu_inc(sn->stats->invalid[reason]);
}

void sw_stats_sum(struct sw_net *sn, struct sw_stats *sum);
void sw_stats_reset(struct sw_net *sn);

/* pernet.c */
extern unsigned int sw_net_id;

/* Every packet looks its netns up: inline, a load and an index. */
static inline struct sw_net *sw_net(const struct net *net)
{
	return net_generic(net, sw_net_id);
}

struct sw_net *sw_net_by_id(u32 id);
int sw_pernet_init(void);
void sw_pernet_uninit(void);

/* config.c */
void sw_config_defaults(struct sw_config *cfg);

/* conn.c: the connection table */
int sw_conn_init(void);
void sw_conn_uninit(void);

/* gc.c */
int sw_gc_init(void);
void sw_gc_uninit(void);

/* hooks.c */
int sw_hooks_register(struct sw_net *sn);
void sw_hooks_unregister(struct sw_net *sn);

/* netlink.c */
int sw_genl_init(void);
void sw_genl_uninit(void);

#endif /* _SYNWATCH_H */
