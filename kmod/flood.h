/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-listener accounting and the half-open flood detector. Plain C, shared
 * by the module (listener.c wraps it in a lock) and "synwatch replay".
 */
#ifndef _SW_FLOOD_H
#define _SW_FLOOD_H

#include "sw_types.h"
#include "track.h"

#define SW_TOP_SLOTS	8	/* source prefixes sampled per listener */

struct sw_src_slot {
	u8 addr[16];		/* prefix: /24 for IPv4, /64 for IPv6 */
	u8 v6;
	u32 count;
};

/* Flood thresholds (a copy of the netns' config). */
struct sw_flood_cfg {
	u32 half_open_high;
	u32 half_open_low;
	u32 rate_high;		/* SYN/s */
	u32 rate_low;
	u32 completion_pct;	/* the rate test needs completion below this */
	u32 hold_ms;
	u32 update_ms;
};

struct sw_lst_acct {
	u64 syn_rx;
	u64 synack_tx;
	u64 completed;
	u64 reset;
	u64 cookie;
	u64 unanswered;		/* half-open records that ended unanswered */
	u64 refused;
	s32 half_open;
	/* rate estimation, advanced by sw_flood_tick() */
	u64 last_tick_ns;
	u64 tick_syn;		/* syn_rx at the last tick */
	u64 tick_completed;
	u32 rate_x16;		/* EWMA of SYN/s, 4 fractional bits */
	u32 peak_rate;
	u32 compl_x16;		/* EWMA of completed/SYN in percent, x16 */
	/* flood state */
	u8 status;		/* enum synwatch_listener_status */
	u8 reason;		/* enum synwatch_alert_reason */
	u64 flood_start_ns;
	u64 below_since_ns;	/* under the low marks since, 0 = not */
	u64 last_update_ns;
	u64 suppressed;		/* conn events held back since last alert */
	u32 flood_peak;
	u32 sample_ctr;
	struct sw_src_slot top[SW_TOP_SLOTS];
};

/* What sw_flood_tick() asks the caller to send. */
enum sw_flood_event {
	SW_FLOOD_NONE,
	SW_FLOOD_START,
	SW_FLOOD_UPDATE,
	SW_FLOOD_END,
};

void sw_lst_acct_packet(struct sw_lst_acct *a, u16 what, s8 half_open);
void sw_lst_acct_forget(struct sw_lst_acct *a, const struct sw_rec *r);
void sw_flood_sample(struct sw_lst_acct *a, bool v6, const u8 *saddr);
enum sw_flood_event sw_flood_tick(struct sw_lst_acct *a,
				  const struct sw_flood_cfg *cfg, u64 now_ns);
u32 sw_lst_rate(const struct sw_lst_acct *a);
u8 sw_lst_completion(const struct sw_lst_acct *a);
int sw_flood_top(const struct sw_lst_acct *a, const struct sw_src_slot **out,
		 int max);

#endif /* _SW_FLOOD_H */
