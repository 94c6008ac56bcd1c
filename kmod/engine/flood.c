// SPDX-License-Identifier: GPL-2.0
/*
 * Per-listener accounting and the half-open SYN flood detector.
 *
 * What is measured, per listener (local address and port):
 *  - the SYN rate, an EWMA over about one second, advanced by
 *    sw_flood_tick() at any interval: each tick folds in the SYNs since the
 *    last one with a weight of elapsed/1 s (capped at 1);
 *  - the completion ratio: handshakes completed per SYN that was not
 *    refused (a closed port answers with RST, and that is no half-open
 *    state), an EWMA over batches of at least SW_COMPL_BATCH SYNs or one
 *    second, so that a slow client is measured as well as a busy one;
 *  - the half-open count, and the "recent" half-open count: connections
 *    begun in the last SW_HO_BINS coarse units (3.2 to 4.3 s) that have
 *    not completed. Records are binned by their birth time (sw_rec.t_first),
 *    so a record leaving half-open is taken out of the bin it went into.
 *
 * Why not alert on the SYN rate alone: a busy legitimate client makes many
 * SYNs too, but it completes them. A flood is either a pile of fresh
 * half-open connections (the recent count crosses half_open_high), or a SYN
 * rate over rate_high while fewer than completion_pct of the handshakes
 * complete. It ends once both stay under their low marks (half_open_low;
 * rate_low or a healthy completion ratio) for hold_ms. The detector works
 * on the recent count, not the total, because the records a flood leaves
 * behind stay half-open until they time out (a minute, more with SYN-ACK
 * retransmissions): counting them would hold the alert a minute after the
 * flood, and raise it again after its end.
 *
 * Not a flood: a server that accepts too slowly. Its accept queue is full,
 * so Linux drops new SYNs without an answer; the records stay in LISTEN and
 * pile up like a flood's. What tells them apart (sw_flood_backlog()): most
 * of the half-open records are unanswered, those come from a few sources
 * (real clients, retransmitting) rather than from everywhere, and the
 * handshakes that do get a SYN-ACK complete. The listener's status is then
 * BACKLOG and no alert is raised. A spoofed flood has many sources; an
 * unspoofed one leaves its SYN-ACKs unanswered.
 *
 * Sources: the unanswered records are counted in SW_SRC_SLOTS counters by
 * a seeded hash of their source address; the counters in use tell "a few
 * clients" from "many" (up to a few dozen), at a fixed cost, and for the
 * records that wait now, not for some time window. The top source
 * prefixes (/24, /64) use the space-saving algorithm over a
 * 1-in-SW_SAMPLE_EVERY sample of SYN sources. Outside a flood their counts
 * halve every SW_TOP_HALF_NS, so that FLOOD_START names who sends now,
 * not who sent a while ago; during a flood they add up, so that the later
 * alerts name the flood's sources. The cost per SYN is bounded whatever
 * the flood.
 *
 * Plain C: the module serialises calls with the listener's lock, replay
 * calls it single-threaded with capture timestamps.
 */
#include "flood.h"

#define SW_NSEC_PER_SEC		1000000000ULL
#define SW_NSEC_PER_MSEC	1000000ULL
#define SW_WIN_NS		SW_NSEC_PER_SEC	/* length of a window */
#define SW_SAMPLE_EVERY		4	/* top sources: 1 SYN in this many */
#define SW_TOP_HALF_NS		(250 * SW_NSEC_PER_MSEC)
#define SW_COMPL_BATCH		16	/* SYNs per completion sample, at least */
#define SW_BACKLOG_MIN		4	/* unanswered SYNs that make a backlog */
#define SW_FEW_SOURCES		16	/* source counters of "a few clients" */

void sw_lst_acct_init(struct sw_lst_acct *a, u32 seed)
{
	memset(a, 0, sizeof(*a));
	a->seed = seed;
}

/* Recent half-open: move the bins that grew too old to ho_old. */
static void sw_ho_advance(struct sw_lst_acct *a, u32 now_coarse)
{
	s32 steps = (s32)(now_coarse - a->ho_coarse);
	s32 i;

	if (steps <= 0)
		return;
	if (steps > SW_HO_BINS)
		steps = SW_HO_BINS;
	for (i = 1; i <= steps; i++) {
		u32 *bin = &a->ho_bin[(a->ho_coarse + i) % SW_HO_BINS];

		a->ho_old += *bin;
		*bin = 0;
	}
	a->ho_coarse = now_coarse;
}

/* The counter a record born then is (or would be) counted in. */
static u32 *sw_ho_slot(struct sw_lst_acct *a, u32 born)
{
	s32 age = (s32)(a->ho_coarse - born);

	if (age >= 0 && age < SW_HO_BINS)
		return &a->ho_bin[born % SW_HO_BINS];
	return &a->ho_old;
}

static void sw_ho_leave(struct sw_lst_acct *a, u32 born)
{
	u32 *slot = sw_ho_slot(a, born);

	/* a record older than the listener was never counted */
	if (*slot)
		(*slot)--;
	else if (a->ho_old)
		a->ho_old--;
}

static u32 sw_ho_recent(const struct sw_lst_acct *a, u32 now_coarse)
{
	u32 sum = 0, born;
	int k;

	for (k = 0; k < SW_HO_BINS; k++) {
		born = a->ho_coarse - k;
		if ((s32)(now_coarse - born) < SW_HO_BINS)
			sum += a->ho_bin[born % SW_HO_BINS];
	}
	return sum;
}

u32 sw_lst_recent_half_open(const struct sw_lst_acct *a, u64 now_ns)
{
	return sw_ho_recent(a, sw_coarse(now_ns));
}

static void sw_count_dec(s32 *c)
{
	if (*c > 0)
		(*c)--;
}

/* Start a new one-second window when the current one is over. */
static void sw_win_advance(struct sw_lst_acct *a, u64 now_ns)
{
	u64 elapsed = now_ns - a->win_ns;
	bool next = elapsed < 2 * SW_WIN_NS;

	if ((s64)elapsed < (s64)SW_WIN_NS)
		return;
	if (next)
		a->win[1] = a->win[0];
	else
		memset(&a->win[1], 0, sizeof(a->win[1]));
	memset(&a->win[0], 0, sizeof(a->win[0]));
	a->win_ns = now_ns;
}

/* Outside a flood, halve the top source counts every SW_TOP_HALF_NS. */
static void sw_top_decay(struct sw_lst_acct *a, u64 now_ns)
{
	u64 elapsed = now_ns - a->top_ns;
	u32 halvings;
	int i;

	if (a->status == SYNWATCH_LISTENER_FLOOD || (s64)elapsed <= 0) {
		if (a->status == SYNWATCH_LISTENER_FLOOD)
			a->top_ns = now_ns;
		return;
	}
	if (elapsed < SW_TOP_HALF_NS)
		return;
	halvings = elapsed >= 31 * SW_TOP_HALF_NS ? 31 :
		   (u32)(elapsed / SW_TOP_HALF_NS);
	for (i = 0; i < SW_TOP_SLOTS; i++)
		a->top[i].count >>= halvings;
	a->top_ns = halvings == 31 ? now_ns :
		    a->top_ns + halvings * SW_TOP_HALF_NS;
}

static u32 sw_mix(u32 h)
{
	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	h *= 0x846ca68bU;
	h ^= h >> 16;
	return h;
}

/* A seeded hash of a source address: an attacker cannot pick collisions. */
static u32 sw_src_hash(const struct sw_lst_acct *a, bool v6, const u8 *saddr)
{
	u32 w, h = a->seed;
	int i;

	/* word by word: a fixed-size copy is a load, not a memcpy() call */
	for (i = 0; i < (v6 ? 4 : 1); i++) {
		memcpy(&w, saddr + 4 * i, sizeof(w));
		h = sw_mix(h ^ w);
	}
	return h;
}

/* An unanswered record of this source is gone (answered or ended). */
static void sw_unans_leave(struct sw_lst_acct *a, bool v6, const u8 *saddr)
{
	u16 *n;

	sw_count_dec(&a->unans_now);
	if (!saddr)
		return;
	n = &a->unans_src[sw_src_hash(a, v6, saddr) % SW_SRC_SLOTS];
	if (*n)
		(*n)--;
}

/* Lifetime and window counters, for sw_lst_account() and the former API. */
static void sw_lst_tally(struct sw_lst_acct *a, u16 what)
{
	if (what & SW_T_L_SYN)
		a->syn_rx++;
	if (what & SW_T_L_SYNACK) {
		a->synack_tx++;
		a->win[0].synack++;
	}
	if (what & (SW_T_L_COMPLETED | SW_T_L_COOKIE)) {
		a->completed++;
		a->win[0].done++;
	}
	if (what & SW_T_L_COOKIE)
		a->cookie++;
	if (what & SW_T_L_RESET)
		a->reset++;
	if (what & SW_T_L_REFUSED)
		a->refused++;
}

static void sw_ho_enter(struct sw_lst_acct *a, u32 born)
{
	sw_ho_advance(a, born);
	(*sw_ho_slot(a, born))++;
	a->half_open++;
}

void sw_lst_account(struct sw_lst_acct *a, const struct sw_track_out *out,
		    u32 born, bool v6, const u8 *saddr, u64 now_ns)
{
	sw_win_advance(a, now_ns);
	sw_top_decay(a, now_ns);
	sw_lst_tally(a, out->what);
	/*
	 * LISTEN records are passive: only a received SYN makes one, and
	 * sw_flood_sample() counts its source.
	 */
	if (out->new_state == SYNWATCH_STATE_LISTEN &&
	    out->old_state != SYNWATCH_STATE_LISTEN)
		a->unans_now++;
	if (out->old_state == SYNWATCH_STATE_LISTEN &&
	    out->new_state != SYNWATCH_STATE_LISTEN)
		sw_unans_leave(a, v6, saddr);
	if (out->half_open > 0) {
		sw_ho_enter(a, born);
	} else if (out->half_open < 0) {
		sw_ho_leave(a, born);
		sw_count_dec(&a->half_open);
	}
}

void sw_lst_account_forget(struct sw_lst_acct *a, const struct sw_rec *r,
			   bool v6, const u8 *saddr)
{
	if (!sw_rec_passive_half_open(r))
		return;
	sw_count_dec(&a->half_open);
	sw_ho_leave(a, r->t_first);
	if (r->state == SYNWATCH_STATE_LISTEN) {
		sw_unans_leave(a, v6, saddr);
		a->unanswered++;
	}
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
	u32 h = sw_src_hash(a, v6, saddr);
	u8 pfx[16];
	int i, j;

	/* the SYN made a LISTEN record: it waits for our answer */
	if (a->unans_src[h % SW_SRC_SLOTS] < 0xffff)
		a->unans_src[h % SW_SRC_SLOTS]++;
	/* which SYN of SW_SAMPLE_EVERY is sampled depends on the hash too */
	if ((a->sample_ctr++ ^ (h >> 24)) % SW_SAMPLE_EVERY)
		return;
	sw_prefix(v6, saddr, pfx);
	for (i = 0; i < SW_TOP_SLOTS; i++) {
		struct sw_src_slot *s = &a->top[i];

		if (s->count && s->v6 == v6 && !memcmp(s->addr, pfx, 16)) {
			if (s->count >= 0x7fffffffU)	/* a long flood */
				for (j = 0; j < SW_TOP_SLOTS; j++)
					a->top[j].count >>= 1;
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

/*
 * How many sources the unanswered records come from: the counters in use,
 * which is about the number of sources while there are a few dozen.
 */
u32 sw_lst_sources(const struct sw_lst_acct *a)
{
	u32 n = 0;
	int i;

	for (i = 0; i < SW_SRC_SLOTS; i++)
		n += a->unans_src[i] != 0;
	return n;
}

u32 sw_lst_rate(const struct sw_lst_acct *a)
{
	return (a->rate_x16 + 8) >> 4;
}

u8 sw_lst_completion(const struct sw_lst_acct *a)
{
	u32 pct = (a->incompl_x16 + 8) >> 4;

	return pct > 100 ? 0 : (u8)(100 - pct);
}

/* The weight of dt in an EWMA over one second, in 1/1024. */
static u64 sw_weight(u64 dt)
{
	return dt >= SW_NSEC_PER_SEC ? 1024 : dt * 1024 / SW_NSEC_PER_SEC;
}

static void sw_flood_rate(struct sw_lst_acct *a, u64 now_ns)
{
	u64 dt = now_ns - a->last_tick_ns;
	u64 syns = a->syn_rx - a->tick_syn;
	u64 w, inst, rate;

	if (!a->last_tick_ns) {
		sw_flood_wake(a, now_ns);
		return;
	}
	if ((s64)dt <= 0)
		return;
	if (syns > 0xffffffffULL)
		syns = 0xffffffffULL;
	/* instantaneous rate, x16 */
	inst = syns * 16 * SW_NSEC_PER_SEC / dt;
	w = sw_weight(dt);
	rate = ((u64)a->rate_x16 * (1024 - w) + inst * w) >> 10;
	a->rate_x16 = rate > 0xffffffffULL ? 0xffffffffU : (u32)rate;
	if (sw_lst_rate(a) > a->peak_rate)
		a->peak_rate = sw_lst_rate(a);
	a->last_tick_ns = now_ns;
	a->tick_syn = a->syn_rx;
}

static void sw_compl_restart(struct sw_lst_acct *a, u64 now_ns)
{
	a->compl_ns = now_ns;
	a->compl_syn = a->syn_rx - a->refused;
	a->compl_done = a->completed;
}

static void sw_flood_completion(struct sw_lst_acct *a, u64 now_ns)
{
	s64 syns = (s64)(a->syn_rx - a->refused - a->compl_syn);
	u64 done = a->completed - a->compl_done;
	u64 dt = now_ns - a->compl_ns, w, pct;

	if (!a->compl_ns || syns <= 0) {
		/* nothing to measure: completions of older SYNs do not count */
		sw_compl_restart(a, now_ns);
		return;
	}
	if (syns < SW_COMPL_BATCH && (s64)dt < (s64)SW_NSEC_PER_SEC)
		return;
	/* what did not complete, so that a zeroed listener is at 100% */
	pct = done >= (u64)syns ? 0 : ((u64)syns - done) * 100 * 16 / (u64)syns;
	w = sw_weight(dt);
	a->incompl_x16 = (u32)(((u64)a->incompl_x16 * (1024 - w) +
				pct * w) >> 10);
	sw_compl_restart(a, now_ns);
}

/*
 * Slow accept, not a flood: most half-open records are unanswered SYNs, a
 * few sources send them, and the handshakes that get a SYN-ACK complete.
 */
static bool sw_flood_backlog(const struct sw_lst_acct *a)
{
	u32 unans = a->unans_now > 0 ? a->unans_now : 0;
	u32 ho = a->half_open > 0 ? a->half_open : 0;
	u32 synack = a->win[0].synack + a->win[1].synack;
	u32 done = a->win[0].done + a->win[1].done;

	if (unans < SW_BACKLOG_MIN || unans * 2 < ho)
		return false;
	if (sw_lst_sources(a) > SW_FEW_SOURCES)
		return false;
	return synack < SW_BACKLOG_MIN || done * 2 >= synack;
}

/* The first packet after sw_flood_idle(): measure from now on. */
void sw_flood_wake(struct sw_lst_acct *a, u64 now_ns)
{
	a->last_tick_ns = now_ns;
	a->tick_syn = a->syn_rx;
}

/* Nothing for the tick to do until the next SYN (then: sw_flood_wake()). */
bool sw_flood_idle(const struct sw_lst_acct *a)
{
	return a->status == SYNWATCH_LISTENER_OK && !a->rate_x16 &&
	       a->syn_rx == a->tick_syn;
}

enum sw_flood_event sw_flood_tick(struct sw_lst_acct *a,
				  const struct sw_flood_cfg *cfg, u64 now_ns)
{
	bool high_ho, high_rate, low, backlog;
	u32 rate, compl, recent;

	sw_flood_rate(a, now_ns);
	sw_flood_completion(a, now_ns);
	sw_win_advance(a, now_ns);
	sw_top_decay(a, now_ns);
	sw_ho_advance(a, sw_coarse(now_ns));
	rate = sw_lst_rate(a);
	compl = sw_lst_completion(a);
	recent = sw_ho_recent(a, sw_coarse(now_ns));
	high_ho = cfg->half_open_high && recent >= cfg->half_open_high;
	high_rate = cfg->rate_high && rate >= cfg->rate_high &&
		    compl < cfg->completion_pct;
	low = recent <= cfg->half_open_low &&
	      (rate <= cfg->rate_low || compl >= cfg->completion_pct);
	backlog = sw_flood_backlog(a);

	if (a->status != SYNWATCH_LISTENER_FLOOD) {
		if ((!high_ho && !high_rate) || backlog) {
			a->status = backlog ? SYNWATCH_LISTENER_BACKLOG :
					      SYNWATCH_LISTENER_OK;
			return SW_FLOOD_NONE;
		}
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
			a->status = backlog ? SYNWATCH_LISTENER_BACKLOG :
					      SYNWATCH_LISTENER_OK;
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

/* A passive connection whose handshake has not completed (and never will). */
bool sw_flood_incomplete(const struct sw_rec *r)
{
	return !(r->flags & (SYNWATCH_CONN_F_ACTIVE | SYNWATCH_CONN_F_PICKUP)) &&
	       !(r->dflags & SW_DF_RTT_SYNACK);
}

/*
 * During a flood, the events of connections that never completed their
 * handshake (NEW, LISTEN -> SYN_RECEIVED, their reset, timeout or
 * eviction) are counted instead of sent. Established and closing
 * connections keep their events. Returns true if the event is held back.
 */
bool sw_flood_suppress(struct sw_lst_acct *a, const struct sw_rec *r)
{
	if (a->status != SYNWATCH_LISTENER_FLOOD || !sw_flood_incomplete(r))
		return false;
	a->suppressed++;
	return true;
}
