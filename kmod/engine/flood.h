/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-listener accounting and the half-open flood detector. Plain C, shared
 * by the module (listener.c wraps it in a lock) and "synwatch replay".
 */
#ifndef _SW_FLOOD_H
#define _SW_FLOOD_H

#include "types.h"
#include "track.h"

#define SW_TOP_SLOTS	8	/* source prefixes sampled per listener */
#define SW_HO_BINS	4	/* recent half-open: birth time, coarse units */
#define SW_SRC_SLOTS	64	/* unanswered records, by source hash */

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

/* One second of handshakes (see sw_flood_backlog()). */
struct sw_flood_win {
	u32 synack;
	u32 done;
};

struct sw_lst_acct {
	/* lifetime counters */
	u64 syn_rx;
	u64 synack_tx;
	u64 completed;		/* including the cookie ones */
	u64 reset;
	u64 cookie;
	u64 unanswered;		/* half-open records that ended unanswered */
	u64 refused;
	/* passive half-open connections now */
	s32 half_open;
	s32 unans_now;		/* of which in LISTEN: SYN not answered */
	u16 unans_src[SW_SRC_SLOTS];	/* those, by hash of the source */
	u32 ho_bin[SW_HO_BINS];	/* by birth (sw_coarse units), still open */
	u32 ho_old;		/* born before the bins */
	u32 ho_coarse;		/* the birth time of the newest bin */
	/* rate and completion, advanced by sw_flood_tick() */
	u64 last_tick_ns;
	u64 tick_syn;		/* syn_rx at the last tick */
	u32 rate_x16;		/* EWMA of SYN/s, 4 fractional bits */
	u32 peak_rate;
	u64 compl_ns;		/* completion: the batch started then */
	u64 compl_syn;		/* syn_rx - refused when it started */
	u64 compl_done;		/* completed when it started */
	u32 incompl_x16;	/* EWMA of 100 - completed/SYN %, x16 */
	/* the last two seconds, and the sampled top sources */
	struct sw_flood_win win[2];	/* [0] this second, [1] the last */
	u64 win_ns;		/* when win[0] began */
	u32 seed;		/* of the source hash: not guessable */
	u32 sample_ctr;
	u64 top_ns;		/* the top counts were last halved then */
	struct sw_src_slot top[SW_TOP_SLOTS];
	/* flood state */
	u8 status;		/* enum synwatch_listener_status */
	u8 reason;		/* enum synwatch_alert_reason */
	u8 cookies;		/* SYN cookies sent lately (the caller's) */
	u64 flood_start_ns;
	u64 below_since_ns;	/* under the low marks since, 0 = not */
	u64 last_update_ns;
	u64 suppressed;		/* conn events held back since last alert */
	u32 flood_peak;		/* highest rate during this flood */
};

/* What sw_flood_tick() asks the caller to send. */
enum sw_flood_event {
	SW_FLOOD_NONE,
	SW_FLOOD_START,
	SW_FLOOD_UPDATE,
	SW_FLOOD_END,
};

/*
 * A zeroed sw_lst_acct is a valid new listener; sw_lst_acct_init() also
 * seeds the source hash (an attacker who knows the seed can make many
 * sources look like a few).
 */
void sw_lst_acct_init(struct sw_lst_acct *a, u32 seed);
/*
 * A packet changed a passive handshake (sw_track_out.what has SW_T_L_* or
 * half_open != 0): born is the record's t_first, saddr its remote address
 * (4 or 16 bytes). For a SYN (SW_T_L_SYN), call sw_flood_sample() too.
 */
void sw_lst_account(struct sw_lst_acct *a, const struct sw_track_out *out,
		    u32 born, bool v6, const u8 *saddr, u64 now_ns);
/* A record goes away without a packet (timeout, eviction, flush). */
void sw_lst_account_forget(struct sw_lst_acct *a, const struct sw_rec *r,
			   bool v6, const u8 *saddr);
void sw_flood_sample(struct sw_lst_acct *a, bool v6, const u8 *saddr);
void sw_flood_wake(struct sw_lst_acct *a, u64 now_ns);
enum sw_flood_event sw_flood_tick(struct sw_lst_acct *a,
				  const struct sw_flood_cfg *cfg, u64 now_ns);
bool sw_flood_idle(const struct sw_lst_acct *a);
bool sw_flood_incomplete(const struct sw_rec *r);
bool sw_flood_suppress(struct sw_lst_acct *a, const struct sw_rec *r);
u32 sw_lst_rate(const struct sw_lst_acct *a);
u8 sw_lst_completion(const struct sw_lst_acct *a);
u32 sw_lst_recent_half_open(const struct sw_lst_acct *a, u64 now_ns);
u32 sw_lst_sources(const struct sw_lst_acct *a);
int sw_flood_top(const struct sw_lst_acct *a, const struct sw_src_slot **out,
		 int max);

#endif /* _SW_FLOOD_H */
