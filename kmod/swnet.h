/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-netns state every layer above the engine works on: struct
 * sw_net (configuration, per-CPU counters, subscribers, listeners, hooks),
 * the module's parameters, and the netns registry (swnet.c), through which
 * code that holds only a record's netns id finds its state.
 *
 * Locks, and the order in which they nest (outer first). Nothing takes
 * two locks of one row at once, and no lock is held across a call that
 * sends a netlink message.
 *
 *   sw_net.cfg_lock (mutex)      SET_CONFIG writers; readers take none
 *   bucket lock (conntab.c)      a chain's inserts and deletes
 *     record lock (conntab.c)    one entry's key and record (raw)
 *   sw_lst_table.lock            a netns' listener hash and active list
 *     sw_lst.lock                one listener's accounting
 *   sw_net.subs_lock             subscribers, batches, event numbers
 *
 * The listener locks and subs_lock are never held together with a bucket
 * or record lock: the packet path lets the record go before it accounts
 * the listener or sends an event (glue.c). The listener tick holds the
 * table lock while it sends an alert, which takes subs_lock: table lock,
 * then subs_lock. RCU: the connection table's lookups, the listener hash,
 * the subscriber list and the netns registry are read under
 * rcu_read_lock() with no lock.
 */
#ifndef _SW_SWNET_H
#define _SW_SWNET_H

#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/mutex.h>
#include <linux/hrtimer.h>
#include <linux/netfilter.h>
#include <linux/siphash.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/synwatch.h>
#include "engine/step.h"

/* Per-CPU counters (enum sw_stat: engine/step.h). */
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
	struct sw_flood_cfg flood;	/* each field READ_ONCE() */
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

/*
 * The module as the engine's host (engine/step.h): nothing of its own, the
 * netns is the host; glue.c finds the sw_net around it.
 */
struct sw_host {
};

/* Everything synwatch keeps per network namespace. */
struct sw_net {
	struct sw_host host;		/* the engine's handle on this netns */
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

/* Every packet looks its netns up: inline, a load and an index. */
extern unsigned int sw_net_id;

static inline struct sw_net *sw_net(const struct net *net)
{
	return net_generic(net, sw_net_id);
}

/*
 * The registry (swnet.c): each netns' state by its id (net->ns.inum),
 * under rcu_read_lock(), or with the netns known to be alive. A netns
 * leaves it, and a grace period passes, before its state is freed.
 */
struct sw_net *sw_net_by_id(u32 id);
int sw_net_register(struct sw_net *sn);
void sw_net_unregister(struct sw_net *sn);

#endif /* _SW_SWNET_H */
