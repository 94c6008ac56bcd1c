/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hook profiling, a debug build only: `make SW_HOOK_PROFILE=1` (or
 * scripts/build-module.sh KDIR OUT SW_HOOK_PROFILE=1) times each pass
 * through the netfilter hooks with get_cycles() and keeps a per-CPU log2
 * histogram per point, read (and reset, by writing to it) from
 * /sys/kernel/debug/synwatch/hook_cycles. Under QEMU -icount the TSC
 * follows the instruction count, so the figures are instructions and
 * repeat exactly. In the default build every helper here is empty.
 */
#ifndef _SW_PROF_H
#define _SW_PROF_H

#include <linux/types.h>

enum sw_prof_point {
	SW_PROF_HOOK_V4,	/* sw_hook_v4(), whole */
	SW_PROF_HOOK_V6,	/* sw_hook_v6(), whole */
	SW_PROF_PARSE,		/* sw_hook_tcp(): TCP header copy and parse */
	SW_PROF_CONN,		/* sw_glue_packet(), whole */
	SW_PROF_HASH,		/* ... sw_bucket() */
	SW_PROF_CLOCK,		/* ... ktime_get_ns() */
	SW_PROF_FIND,		/* ... lookup or insert */
	SW_PROF_TRACK,		/* ... record lock, sw_track(), unlock */
	SW_PROF_ENGINE,		/* sw_track() */
	SW_PROF_EVICT,		/* sw_evict(), for a full table */
	SW_PROF_LST,		/* sw_host_lst_packet() */
	SW_PROF_AFTER,		/* ... stats, listener, events */
	SW_PROF_MAX
};

#ifdef SW_HOOK_PROFILE
#include <linux/timex.h>

void sw_prof_add(enum sw_prof_point p, u64 cycles);
void sw_prof_init(void);
void sw_prof_uninit(void);

static inline u64 sw_prof_start(void)
{
	return get_cycles();
}

static inline void sw_prof_end(enum sw_prof_point p, u64 t0)
{
	sw_prof_add(p, get_cycles() - t0);
}
#else
static inline void sw_prof_init(void) { }
static inline void sw_prof_uninit(void) { }
static inline u64 sw_prof_start(void) { return 0; }
static inline void sw_prof_end(enum sw_prof_point p, u64 t0) { }
#endif

#endif /* _SW_PROF_H */
