// SPDX-License-Identifier: GPL-2.0
/*
 * Garbage collection: one work item walks the connection table in slices
 * and expires records by their state's timeout. There are no per-entry
 * timers (they would double an entry's size and cost a timer operation per
 * packet). A full pass takes SW_GC_PASS_MS whatever the table size, so a
 * record lives at most its timeout plus one pass; each slice is small and
 * reschedules, so no run holds a CPU for long.
 */
#include <linux/workqueue.h>
#include "conn.h"

#define SW_GC_PASS_MS	1000
#define SW_GC_SLICES	10

static struct delayed_work sw_gc_work;
static unsigned int sw_gc_next;

static void sw_gc_run(struct work_struct *w)
{
	unsigned int n = DIV_ROUND_UP(sw_conn_buckets(), SW_GC_SLICES);

	sw_conn_gc_slice(sw_gc_next, n);
	sw_gc_next += n;
	if (sw_gc_next >= sw_conn_buckets())
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
