// SPDX-License-Identifier: GPL-2.0
/*
 * The netns registry and the per-netns counters.
 *
 * The connection table is shared by all netns and keyed by the netns id
 * (net->ns.inum). GC, eviction and the netlink release notifier hold only
 * that id: they find the netns' state through an xarray indexed by it,
 * read under RCU. pernet.c adds a netns once its state is ready, and takes
 * it out, then waits a grace period, before it frees anything.
 */
#include <linux/xarray.h>
#include "swnet.h"

static DEFINE_XARRAY(sw_nets);

struct sw_net *sw_net_by_id(u32 id)
{
	return xa_load(&sw_nets, id);
}

int sw_net_register(struct sw_net *sn)
{
	return xa_insert(&sw_nets, sn->id, sn, GFP_KERNEL);
}

void sw_net_unregister(struct sw_net *sn)
{
	xa_erase(&sw_nets, sn->id);
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
