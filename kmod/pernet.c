// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: configuration, per-CPU statistics, listener
 * table, subscribers and the netfilter hooks.
 *
 * The connection table is shared by all netns and keyed by the netns id
 * (net->ns.inum); GC finds a record's netns through an xarray indexed by
 * that id, read under RCU. A netns leaves the xarray, and a grace period
 * passes, before its records are removed and its state freed.
 */
#include <linux/xarray.h>
#include <net/netns/generic.h>
#include "conn.h"
#include "listener.h"
#include "events.h"

unsigned int sw_net_id __read_mostly;
static DEFINE_XARRAY(sw_nets);

/* Under rcu_read_lock(), or with the netns known to be alive. */
struct sw_net *sw_net_by_id(u32 id)
{
	return xa_load(&sw_nets, id);
}

void sw_stats_sum(struct sw_net *sn, struct sw_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct sw_stats *s = per_cpu_ptr(sn->stats, cpu);

		for (i = 0; i < SW_STAT_MAX; i++)
			sum->ctr[i] += READ_ONCE(s->ctr[i]);
		for (i = 0; i < __SYNWATCH_INVALID_MAX; i++)
			sum->invalid[i] += READ_ONCE(s->invalid[i]);
	}
}

/*
 * Zero the counters, like "conntrack -S -z". A packet counted on another
 * CPU at the same moment may survive or be lost: counters are statistics.
 */
void sw_stats_reset(struct sw_net *sn)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(sn->stats, cpu), 0, sizeof(struct sw_stats));
}

static int __net_init sw_net_init(struct net *net)
{
	struct sw_net *sn = sw_net(net);
	int err;

	sn->net = net;
	sn->id = net->ns.inum;
	get_random_bytes(&sn->hash_key, sizeof(sn->hash_key));
	sw_config_defaults(&sn->cfg);
	mutex_init(&sn->cfg_lock);
	atomic64_set(&sn->event_seq[SYNWATCH_MCGRP_CONN], 0);
	atomic64_set(&sn->event_seq[SYNWATCH_MCGRP_ALERT], 0);
	atomic_set(&sn->nconns, 0);
	sn->evict_none_at = jiffies - 1;
	sw_events_net_init(sn);
	sn->stats = alloc_percpu(struct sw_stats);
	if (!sn->stats)
		return -ENOMEM;
	err = sw_lst_net_init(sn);
	if (err)
		goto err_stats;
	err = xa_insert(&sw_nets, sn->id, sn, GFP_KERNEL);
	if (err)
		goto err_lst;
	err = sw_hooks_register(sn);
	if (err)
		goto err_xa;
	return 0;

err_xa:
	xa_erase(&sw_nets, sn->id);
err_lst:
	sw_lst_net_exit(sn);
err_stats:
	free_percpu(sn->stats);
	return err;
}

/* Hooks off first, so no packet can add records while we remove them. */
static void __net_exit sw_net_pre_exit(struct net *net)
{
	sw_hooks_unregister(sw_net(net));
}

static void __net_exit sw_net_exit(struct net *net)
{
	struct sw_net *sn = sw_net(net);

	xa_erase(&sw_nets, sn->id);
	/* GC and evictions look records' netns up under RCU */
	synchronize_rcu();
	sw_conn_remove(sn, NULL, NULL, SYNWATCH_CLOSE_UNLOAD, true);
	/* after the listeners' tick, the last to make events */
	sw_lst_net_exit(sn);
	sw_events_net_exit(sn);
	free_percpu(sn->stats);
}

static struct pernet_operations sw_net_ops = {
	.init = sw_net_init,
	.pre_exit = sw_net_pre_exit,
	.exit = sw_net_exit,
	.id = &sw_net_id,
	.size = sizeof(struct sw_net),
};

int sw_pernet_init(void)
{
	return register_pernet_subsys(&sw_net_ops);
}

void sw_pernet_uninit(void)
{
	unregister_pernet_subsys(&sw_net_ops);
	/* the subscribers' kfree_rcu() must finish before kfree is gone */
	rcu_barrier();
}
