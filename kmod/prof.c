// SPDX-License-Identifier: GPL-2.0
/*
 * The hook profile of a SW_HOOK_PROFILE build (see prof.h): per-CPU
 * counters, summed when /sys/kernel/debug/synwatch/hook_cycles is read.
 */
#include <linux/debugfs.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include "prof.h"

#define SW_PROF_BUCKETS	32	/* [2^i, 2^(i+1)) cycles, the last open */

struct sw_prof {
	u64 calls;
	u64 cycles;
	u64 hist[SW_PROF_BUCKETS];
};

static DEFINE_PER_CPU(struct sw_prof[SW_PROF_MAX], sw_prof);
static struct dentry *sw_prof_dir;

static const char * const sw_prof_names[SW_PROF_MAX] = {
	[SW_PROF_HOOK_V4] = "hook_v4",
	[SW_PROF_HOOK_V6] = "hook_v6",
	[SW_PROF_PARSE] = "parse_tcp",
	[SW_PROF_CONN] = "conn_packet",
	[SW_PROF_HASH] = "conn_hash",
	[SW_PROF_CLOCK] = "conn_clock",
	[SW_PROF_FIND] = "conn_find",
	[SW_PROF_TRACK] = "conn_track",
	[SW_PROF_AFTER] = "conn_after",
	[SW_PROF_EVICT] = "evict",
	[SW_PROF_ENGINE] = "sw_track",
	[SW_PROF_LST] = "lst_packet",
};

void sw_prof_add(enum sw_prof_point p, u64 cycles)
{
	unsigned int b = cycles ? min_t(unsigned int, ilog2(cycles),
					SW_PROF_BUCKETS - 1) : 0;

	/* the hooks may be preempted (LOCAL_OUT): keep it per-CPU atomic */
	this_cpu_inc(sw_prof[p].calls);
	this_cpu_add(sw_prof[p].cycles, cycles);
	this_cpu_inc(sw_prof[p].hist[b]);
}

static int sw_prof_show(struct seq_file *m, void *v)
{
	struct sw_prof sum;
	int p, cpu, i;

	seq_puts(m, "# point calls cycles mean, then count per [2^i, 2^(i+1)) cycles\n");
	for (p = 0; p < SW_PROF_MAX; p++) {
		memset(&sum, 0, sizeof(sum));
		for_each_possible_cpu(cpu) {
			const struct sw_prof *s = &per_cpu(sw_prof, cpu)[p];

			sum.calls += READ_ONCE(s->calls);
			sum.cycles += READ_ONCE(s->cycles);
			for (i = 0; i < SW_PROF_BUCKETS; i++)
				sum.hist[i] += READ_ONCE(s->hist[i]);
		}
		seq_printf(m, "%s %llu %llu %llu\n", sw_prof_names[p],
			   sum.calls, sum.cycles,
			   sum.calls ? div64_u64(sum.cycles, sum.calls) : 0);
		for (i = 0; i < SW_PROF_BUCKETS; i++)
			if (sum.hist[i])
				seq_printf(m, "  %s %u %llu\n", sw_prof_names[p],
					   1U << i, sum.hist[i]);
	}
	return 0;
}

static int sw_prof_open(struct inode *inode, struct file *file)
{
	return single_open(file, sw_prof_show, NULL);
}

/* Any write resets the counters. */
static ssize_t sw_prof_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&sw_prof, cpu), 0, sizeof(sw_prof));
	return len;
}

static const struct file_operations sw_prof_fops = {
	.owner = THIS_MODULE,
	.open = sw_prof_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = sw_prof_write,
};

void sw_prof_init(void)
{
	sw_prof_dir = debugfs_create_dir("synwatch", NULL);
	debugfs_create_file("hook_cycles", 0600, sw_prof_dir, NULL,
			    &sw_prof_fops);
	pr_info("hook profiling on: /sys/kernel/debug/synwatch/hook_cycles\n");
}

void sw_prof_uninit(void)
{
	debugfs_remove_recursive(sw_prof_dir);
}
