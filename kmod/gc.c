// SPDX-License-Identifier: GPL-2.0
/*
 * Garbage collection: one work item walks the connection table in slices
 * and expires records by their state's timeout. There are no per-entry
 * timers (they would double an entry's size and cost a timer operation per
 * packet). A full pass takes SW_GC_PASS_MS whatever the table size, so a
 * record lives at most its timeout plus one pass; each slice is small and
 * reschedules, so no run holds a CPU for long.
 */
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "gc.h"
#include "glue.h"
#include "engine/rules.h"

#define SW_GC_PASS_MS	1000
#define SW_GC_SLICES	10

static struct delayed_work sw_gc_work;
static unsigned int sw_gc_next;

/*
 * A slice's netns lookups, cached: records of a few netns interleave in
 * every bucket (the two ends of each local connection, to begin with), so
 * one remembered netns would miss half the time. Valid while the slice
 * holds rcu_read_lock(); cleared whenever it lets go.
 */
#define SW_GC_NETS	4

struct sw_gc_arg {
	u64 now;
	unsigned int next;
	u32 id[SW_GC_NETS];		/* 0: empty (no netns has id 0) */
	struct sw_net *sn[SW_GC_NETS];
};

static struct sw_net *sw_gc_net(struct sw_gc_arg *ga, u32 id)
{
	unsigned int i;

	for (i = 0; i < SW_GC_NETS; i++)
		if (ga->id[i] == id)
			return ga->sn[i];
	i = ga->next++ % SW_GC_NETS;
	ga->id[i] = id;
	ga->sn[i] = sw_net_by_id(id);
	return ga->sn[i];
}

static void sw_gc_forget(struct sw_gc_arg *ga)
{
	memset(ga->id, 0, sizeof(ga->id));
}

static bool sw_pick_expired(const struct sw_conn *c, void *arg)
{
	struct sw_gc_arg *ga = arg;
	struct sw_net *sn = sw_gc_net(ga, c->key.netns);
	u32 limit;

	if (!sn)	/* netns going away: its exit handler removes these */
		return false;
	limit = READ_ONCE(sn->cfg.timeout_fine[READ_ONCE(c->rec.state)]);
	return sw_rec_expired(&c->rec, limit, ga->now);
}

/*
 * Expire what has timed out in buckets [start, start + count): the GC
 * works in slices, so no per-entry timers are needed and no
 * single run holds the CPU for long: RCU is let go, and the CPU offered,
 * every 64 buckets.
 */
static void sw_gc_slice(unsigned int start, unsigned int count)
{
	struct sw_gc_arg ga = { .now = ktime_get_ns() };
	struct sw_snap *s;
	unsigned int b, i, n;

	s = kmalloc_array(SW_REAP_BATCH, sizeof(*s), GFP_KERNEL);
	if (!s)
		return;
	rcu_read_lock();
	for (b = start; b < start + count && b < sw_conntab_buckets(); b++) {
		do {
			n = sw_conntab_reap(b, sw_pick_expired, &ga, s);
			for (i = 0; i < n; i++) {
				struct sw_net *sn = sw_gc_net(&ga,
							      s[i].key.netns);

				if (sn)
					sw_stat_inc(sn, SW_STAT_EXPIRED);
				sw_glue_retire(sn, &s[i],
					       SYNWATCH_CLOSE_TIMEOUT, true,
					       ktime_get_ns());
			}
		} while (n == SW_REAP_BATCH);
		if (!(b % 64)) {
			rcu_read_unlock();
			sw_gc_forget(&ga);
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	kfree(s);
}

static void sw_gc_run(struct work_struct *w)
{
	unsigned int n = DIV_ROUND_UP(sw_conntab_buckets(), SW_GC_SLICES);

	sw_gc_slice(sw_gc_next, n);
	sw_gc_next += n;
	if (sw_gc_next >= sw_conntab_buckets())
		sw_gc_next = 0;
	queue_delayed_work(system_power_efficient_wq, &sw_gc_work,
			   msecs_to_jiffies(SW_GC_PASS_MS / SW_GC_SLICES));
}

int sw_gc_init(void)
{
	/*
	 * Not a deferrable work: an idle CPU would hold its timer back until
	 * something else woke it, seconds later, and a record would outlive
	 * its timeout by more than the pass promised above (seen in the test
	 * VM: 3.5 s for a 1 s TIME_WAIT timeout). Ten wakeups a second is
	 * the price of timely expiry.
	 */
	INIT_DELAYED_WORK(&sw_gc_work, sw_gc_run);
	queue_delayed_work(system_power_efficient_wq, &sw_gc_work,
			   msecs_to_jiffies(SW_GC_PASS_MS / SW_GC_SLICES));
	return 0;
}

void sw_gc_uninit(void)
{
	cancel_delayed_work_sync(&sw_gc_work);
}
