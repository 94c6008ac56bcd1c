// SPDX-License-Identifier: GPL-2.0
/*
 * Per-listener accounting and the half-open SYN flood detector.
 *
 * Why not alert on the SYN rate alone: a busy legitimate client makes many
 * SYNs too, but it completes them. A flood is either a pile of half-open
 * connections (the half-open count crosses its high mark), or a SYN rate
 * over its mark while few handshakes complete. It ends after both stay under
 * their low marks for hold_ms (hysteresis, so it does not flap).
 *
 * The rate is an EWMA over about one second, advanced by sw_flood_tick() at
 * any interval: each tick folds in the SYNs since the last one with a weight
 * of elapsed/1 s (capped at 1).
 *
 * Top sources use the space-saving algorithm over a 1-in-N sample of SYN
 * sources, so the cost per SYN is bounded whatever the flood's size.
 *
 * Plain C: the module serialises calls with the listener's lock, replay
 * calls it single-threaded with capture timestamps.
 */
#include "flood.h"

#define SW_NSEC_PER_SEC		1000000000ULL
#define SW_NSEC_PER_MSEC	1000000ULL
#define SW_SAMPLE_EVERY		4	/* sample 1 SYN in this many */

void sw_lst_acct_packet(struct sw_lst_acct *a, u16 what, s8 half_open)
{
	if (what & SW_T_L_SYN)
		a->syn_rx++;
	if (what & SW_T_L_SYNACK)
		a->synack_tx++;
	if (what & SW_T_L_COMPLETED)
		a->completed++;
	if (what & SW_T_L_COOKIE) {
		a->cookie++;
		a->completed++;
	}
	if (what & SW_T_L_RESET)
		a->reset++;
	if (what & SW_T_L_REFUSED)
		a->refused++;
	a->half_open += half_open;
	if (a->half_open < 0)
		a->half_open = 0;
}

/* A record goes away without a packet (timeout, eviction, flush). */
void sw_lst_acct_forget(struct sw_lst_acct *a, const struct sw_rec *r)
{
	if (!sw_rec_passive_half_open(r))
		return;
	if (a->half_open > 0)
		a->half_open--;
	if (r->state == SYNWATCH_STATE_LISTEN)
		a->unanswered++;
}

static void sw_prefix(bool v6, const u8 *saddr, u8 *out)
{
	memset(out, 0, 16);
	if (v6)
		memcpy(out, saddr, 8);		/* /64 */
	else
		memcpy(out, saddr, 3);		/* /24 */
}

void sw_flood_sample(struct sw_lst_acct *a, bool v6, const u8 *saddr)
{
	struct sw_src_slot *min_slot = &a->top[0];
	u8 pfx[16];
	int i;

	if (a->sample_ctr++ % SW_SAMPLE_EVERY)
		return;
	sw_prefix(v6, saddr, pfx);
	for (i = 0; i < SW_TOP_SLOTS; i++) {
		struct sw_src_slot *s = &a->top[i];

		if (s->count && s->v6 == v6 && !memcmp(s->addr, pfx, 16)) {
			s->count++;
			return;
		}
		if (s->count < min_slot->count)
			min_slot = s;
	}
	/* space-saving: replace the smallest, inheriting its count */
	memcpy(min_slot->addr, pfx, 16);
	min_slot->v6 = v6;
	min_slot->count++;
}

/* The top sources, largest first; returns how many. */
int sw_flood_top(const struct sw_lst_acct *a, const struct sw_src_slot **out,
		 int max)
{
	int i, j, n = 0;

	for (i = 0; i < SW_TOP_SLOTS; i++) {
		const struct sw_src_slot *s = &a->top[i];

		if (!s->count)
			continue;
		for (j = n; j > 0 && out[j - 1]->count < s->count; j--)
			if (j < max)
				out[j] = out[j - 1];
		if (j < max) {
			out[j] = s;
			if (n < max)
				n++;
		}
	}
	return n;
}

u32 sw_lst_rate(const struct sw_lst_acct *a)
{
	return (a->rate_x16 + 8) >> 4;
}

u8 sw_lst_completion(const struct sw_lst_acct *a)
{
	u32 pct = (a->compl_x16 + 8) >> 4;

	return pct > 100 ? 100 : (u8)pct;
}

static void sw_flood_rate(struct sw_lst_acct *a, u64 now_ns)
{
	u64 dt = now_ns - a->last_tick_ns;
	u64 syns = a->syn_rx - a->tick_syn;
	u64 done = a->completed - a->tick_completed;
	u64 w, inst, pct;

	if (!a->last_tick_ns) {
		a->last_tick_ns = now_ns;
		a->tick_syn = a->syn_rx;
		a->tick_completed = a->completed;
		a->compl_x16 = 100 << 4;
		return;
	}
	if (!dt)
		return;
	/* instantaneous rate, x16, and its weight dt / 1 s in 1/1024 */
	inst = syns * 16 * SW_NSEC_PER_SEC / dt;
	w = dt >= SW_NSEC_PER_SEC ? 1024 : dt * 1024 / SW_NSEC_PER_SEC;
	a->rate_x16 = (u32)(((u64)a->rate_x16 * (1024 - w) + inst * w) >> 10);
	if (sw_lst_rate(a) > a->peak_rate)
		a->peak_rate = sw_lst_rate(a);
	if (syns) {
		pct = done >= syns ? 100 * 16 : done * 100 * 16 / syns;
		a->compl_x16 = (u32)(((u64)a->compl_x16 * (1024 - w) +
				      pct * w) >> 10);
	}
	a->last_tick_ns = now_ns;
	a->tick_syn = a->syn_rx;
	a->tick_completed = a->completed;
}

enum sw_flood_event sw_flood_tick(struct sw_lst_acct *a,
				  const struct sw_flood_cfg *cfg, u64 now_ns)
{
	u32 rate, ho;
	bool high_ho, high_rate, low;

	sw_flood_rate(a, now_ns);
	rate = sw_lst_rate(a);
	ho = a->half_open > 0 ? (u32)a->half_open : 0;
	high_ho = cfg->half_open_high && ho >= cfg->half_open_high;
	high_rate = cfg->rate_high && rate >= cfg->rate_high &&
		    sw_lst_completion(a) < cfg->completion_pct;
	low = ho <= cfg->half_open_low &&
	      (rate <= cfg->rate_low ||
	       sw_lst_completion(a) >= cfg->completion_pct);

	if (a->status != SYNWATCH_LISTENER_FLOOD) {
		if (!high_ho && !high_rate)
			return SW_FLOOD_NONE;
		a->status = SYNWATCH_LISTENER_FLOOD;
		a->reason = high_ho ? SYNWATCH_ALERT_HALF_OPEN :
				      SYNWATCH_ALERT_RATE;
		a->flood_start_ns = now_ns;
		a->last_update_ns = now_ns;
		a->below_since_ns = 0;
		a->flood_peak = rate;
		return SW_FLOOD_START;
	}
	if (rate > a->flood_peak)
		a->flood_peak = rate;
	if (low) {
		if (!a->below_since_ns)
			a->below_since_ns = now_ns;
		if (now_ns - a->below_since_ns >=
		    (u64)cfg->hold_ms * SW_NSEC_PER_MSEC) {
			a->status = SYNWATCH_LISTENER_OK;
			return SW_FLOOD_END;
		}
	} else {
		a->below_since_ns = 0;
	}
	if (now_ns - a->last_update_ns >= (u64)cfg->update_ms * SW_NSEC_PER_MSEC) {
		a->last_update_ns = now_ns;
		return SW_FLOOD_UPDATE;
	}
	return SW_FLOOD_NONE;
}
