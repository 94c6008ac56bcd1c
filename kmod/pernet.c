// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: configuration, per-CPU statistics, listener
 * table, subscribers and the netfilter hooks, made when a netns is (and
 * for every netns there is when the module loads), freed with it.
 *
 * Up in dependency order, down in reverse: the hooks come last (the first
 * packet finds everything in place) and go first, at pre_exit, so that no
 * packet adds a record while exit removes them; the netns leaves the
 * registry (swnet.c), and a grace period passes, before anything is freed.
 */
#include <linux/random.h>
#include "pernet.h"
#include "netcfg.h"
#include "hooks.h"
#include "glue.h"
#include "listener.h"
#include "delivery.h"

unsigned int sw_net_id __read_mostly;

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
	sw_delivery_net_init(sn);
	sn->stats = alloc_percpu(struct sw_stats);
	if (!sn->stats)
		return -ENOMEM;
	err = sw_lst_net_init(sn);
	if (err)
		goto err_stats;
	err = sw_net_register(sn);
	if (err)
		goto err_lst;
	err = sw_hooks_register(sn);
	if (err)
		goto err_xa;
	return 0;

err_xa:
	sw_net_unregister(sn);
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

	sw_net_unregister(sn);
	/* GC and evictions look records' netns up under RCU */
	synchronize_rcu();
	sw_glue_remove(sn, NULL, NULL, SYNWATCH_CLOSE_UNLOAD, true);
	/* after the listeners' tick, the last to make events */
	sw_lst_net_exit(sn);
	sw_delivery_net_exit(sn);
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
