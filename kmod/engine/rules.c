// SPDX-License-Identifier: GPL-2.0
/*
 * Engine rules around the tracker: defaults, expiry, a record's attribute
 * values, SYN cookie completions. See engine.h.
 *
 * Plain types only, like track.c and flood.c: the module and "synwatch
 * replay" compile this same file.
 */
#include "rules.h"

#define SW_NSEC_PER_SEC		1000000000ULL
#define SW_NSEC_PER_MSEC	1000000ULL

/*
 * Default timeouts, idle time in each state before the record expires.
 * Beside each, nf_conntrack's (nf_conntrack_proto_tcp.c) for comparison.
 */
static const u32 sw_default_timeouts[__SYNWATCH_STATE_MAX] = {
	[SYNWATCH_STATE_CLOSED]		= 10,	/* CLOSE 10 s */
	[SYNWATCH_STATE_LISTEN]		= 60,	/* (SYN_RECV 60 s) */
	[SYNWATCH_STATE_SYN_SENT]	= 2 * 60,	/* SYN_SENT 2 min */
	[SYNWATCH_STATE_SYN_RECEIVED]	= 60,	/* SYN_RECV 60 s */
	[SYNWATCH_STATE_ESTABLISHED]	= 5 * 24 * 3600,	/* ESTABLISHED 5 d */
	[SYNWATCH_STATE_FIN_WAIT_1]	= 2 * 60,	/* FIN_WAIT 2 min */
	[SYNWATCH_STATE_FIN_WAIT_2]	= 2 * 60,	/* FIN_WAIT 2 min */
	[SYNWATCH_STATE_CLOSE_WAIT]	= 60,	/* CLOSE_WAIT 60 s */
	[SYNWATCH_STATE_CLOSING]	= 2 * 60,	/* (no CLOSING state) */
	[SYNWATCH_STATE_LAST_ACK]	= 30,	/* LAST_ACK 30 s */
	[SYNWATCH_STATE_TIME_WAIT]	= 2 * 60,	/* TIME_WAIT 2 min */
};

u32 sw_default_timeout_s(u8 state)
{
	return state < __SYNWATCH_STATE_MAX ? sw_default_timeouts[state] : 0;
}

u32 sw_timeout_fine(u32 seconds)
{
	return (u32)(((u64)seconds * SW_NSEC_PER_SEC +
		      (1ULL << SW_FINE_SHIFT) - 1) >> SW_FINE_SHIFT);
}

/* The uapi header's SYNWATCH_FLOOD_DEFAULT_*, which says why. */
void sw_flood_cfg_defaults(struct sw_flood_cfg *f)
{
	f->half_open_high = SYNWATCH_FLOOD_DEFAULT_HALF_OPEN_HIGH;
	f->half_open_low = SYNWATCH_FLOOD_DEFAULT_HALF_OPEN_LOW;
	f->rate_high = SYNWATCH_FLOOD_DEFAULT_RATE_HIGH;
	f->rate_low = SYNWATCH_FLOOD_DEFAULT_RATE_LOW;
	f->completion_pct = SYNWATCH_FLOOD_DEFAULT_COMPLETION_PCT;
	f->hold_ms = SYNWATCH_FLOOD_DEFAULT_HOLD_MS;
	f->update_ms = SYNWATCH_FLOOD_DEFAULT_UPDATE_MS;
}

bool sw_rec_expired(const struct sw_rec *r, u32 limit, u64 now_ns)
{
	return sw_since(sw_fine(now_ns), r->t_last) >= limit;
}

u64 sw_rec_timeout_left_ms(const struct sw_rec *r, u32 limit, u64 now_ns)
{
	u32 idle = sw_since(sw_fine(now_ns), r->t_last);

	if (idle >= limit)
		return 0;
	return ((u64)(limit - idle) << SW_FINE_SHIFT) / SW_NSEC_PER_MSEC;
}

static u64 sw_age_ms(u32 units)
{
	return ((u64)units << SW_AGE_SHIFT) / SW_NSEC_PER_MSEC;
}

#define SW_HAVE(attr)	(1U << (attr))

void sw_rec_describe(const struct sw_rec *r, u64 now_ns, struct sw_rec_attrs *out)
{
	bool pickup = r->flags & SYNWATCH_CONN_F_PICKUP;

	memset(out, 0, sizeof(*out));
	out->state = sw_event_state(r->state);
	out->state_age_ms = sw_age_ms(sw_since(sw_age(now_ns), r->t_state));
	out->idle_ms = ((u64)sw_since(sw_fine(now_ns), r->t_last) <<
			SW_FINE_SHIFT) / SW_NSEC_PER_MSEC;
	/*
	 * The record's start is kept in coarse units (~1.07 s): never show
	 * it younger than its time in state or since its last packet.
	 */
	out->age_ms = ((u64)sw_since(sw_coarse(now_ns), r->t_first) <<
		       SW_COARSE_SHIFT) / SW_NSEC_PER_MSEC;
	if (out->age_ms < out->state_age_ms)
		out->age_ms = out->state_age_ms;
	if (out->age_ms < out->idle_ms)
		out->age_ms = out->idle_ms;
	if (!pickup && (r->dflags & SW_DF_END_OUT)) {
		out->have |= SW_HAVE(SYNWATCH_A_CONN_ISN_LOCAL);
		out->isn_local = r->isn[SW_DIR_OUT];
	}
	if (!pickup && (r->dflags & SW_DF_END_IN)) {
		out->have |= SW_HAVE(SYNWATCH_A_CONN_ISN_REMOTE);
		out->isn_remote = r->isn[SW_DIR_IN];
	}
	if (r->mss[SW_DIR_OUT]) {
		out->have |= SW_HAVE(SYNWATCH_A_CONN_MSS_LOCAL);
		out->mss_local = r->mss[SW_DIR_OUT];
	}
	if (r->mss[SW_DIR_IN]) {
		out->have |= SW_HAVE(SYNWATCH_A_CONN_MSS_REMOTE);
		out->mss_remote = r->mss[SW_DIR_IN];
	}
	if (sw_rec_wscale(r, SW_DIR_OUT) != SW_WSCALE_NONE) {
		out->have |= SW_HAVE(SYNWATCH_A_CONN_WSCALE_LOCAL);
		out->wscale_local = sw_rec_wscale(r, SW_DIR_OUT);
	}
	if (sw_rec_wscale(r, SW_DIR_IN) != SW_WSCALE_NONE) {
		out->have |= SW_HAVE(SYNWATCH_A_CONN_WSCALE_REMOTE);
		out->wscale_remote = sw_rec_wscale(r, SW_DIR_IN);
	}
	if (r->dflags & SW_DF_RTT_SYN) {
		out->have |= SW_HAVE(SYNWATCH_A_CONN_SYN_TO_SYNACK_US);
		out->syn_to_synack_us = r->rtt_syn;
	}
	if (r->dflags & SW_DF_RTT_SYNACK) {
		out->have |= SW_HAVE(SYNWATCH_A_CONN_SYNACK_TO_ACK_US);
		out->synack_to_ack_us = r->rtt_synack;
	}
	out->bytes_in = sw_rec_bytes(r, SW_DIR_IN);
	out->bytes_out = sw_rec_bytes(r, SW_DIR_OUT);
	sw_rec_history(r, out->history, sizeof(out->history));
}
