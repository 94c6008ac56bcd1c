/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Engine rules that sit around the tracker and the flood detector: the
 * default configuration, record expiry, what a record shows as
 * SYNWATCH_A_CONN_* values, SYN cookie completions.
 * Plain C like state.c, track.c and flood.c, so that the module's glue
 * (config.c, conn.c, listener.c, nlattr.c) and "synwatch replay" apply the
 * very same rules.
 */
#ifndef _SW_RULES_H
#define _SW_RULES_H

#include "track.h"
#include "flood.h"

/* Default idle timeout of each state, in seconds. */
u32 sw_default_timeout_s(u8 state);
/* Seconds to sw_fine() units (2^20 ns), rounded up. */
u32 sw_timeout_fine(u32 seconds);
/* The default flood thresholds. */
void sw_flood_cfg_defaults(struct sw_flood_cfg *f);

/*
 * Expiry: limit is the record's state's timeout in sw_fine() units. A
 * record has expired once it has been idle for limit; the time left is
 * rounded down to whole milliseconds.
 */
bool sw_rec_expired(const struct sw_rec *r, u32 limit, u64 now_ns);
u64 sw_rec_timeout_left_ms(const struct sw_rec *r, u32 limit, u64 now_ns);

/*
 * A record as the SYNWATCH_A_CONN_* values that describe it. Attributes
 * that are not always there have their bit (1 << SYNWATCH_A_CONN_x) in
 * have: ISNs (not for pickups), SYN options, handshake RTTs.
 */
struct sw_rec_attrs {
	u32 have;
	u8 state;		/* never SW_STATE_NONE */
	u64 age_ms;
	u64 state_age_ms;
	u64 idle_ms;
	u32 isn_local;
	u32 isn_remote;
	u16 mss_local;
	u16 mss_remote;
	u8 wscale_local;
	u8 wscale_remote;
	u32 syn_to_synack_us;
	u32 synack_to_ack_us;
	u64 bytes_in;
	u64 bytes_out;
	char history[SYNWATCH_HISTORY_LEN + 1];
};

void sw_rec_describe(const struct sw_rec *r, u64 now_ns, struct sw_rec_attrs *out);

/* Event states: the pseudo-state NONE is reported as CLOSED. */
static inline u8 sw_event_state(u8 state)
{
	return state < SW_STATE_NONE ? state : SYNWATCH_STATE_CLOSED;
}

/*
 * SYN cookies (SYNWATCH_CONN_F_COOKIE), after sw_track() accepted a
 * packet: cookie_synack is set for a SYN-ACK we sent without a request
 * socket (the hook knows; a capture does not). The handshake such a
 * SYN-ACK completes, and a record begun by the ACK that completes a
 * handshake (SW_T_L_COOKIE: its SYN-ACK went out untracked), count as
 * completed by a cookie. Inline: the packet path runs it for every
 * accepted packet.
 */
static inline void sw_track_cookie(struct sw_rec *r, enum sw_dir dir,
				   bool cookie_synack,
				   struct sw_track_out *out)
{
	if (cookie_synack && dir == SW_DIR_OUT &&
	    r->state == SYNWATCH_STATE_SYN_RECEIVED)
		r->flags |= SYNWATCH_CONN_F_COOKIE;
	if (out->what & SW_T_L_COOKIE)
		r->flags |= SYNWATCH_CONN_F_COOKIE;
	else if ((out->what & SW_T_L_COMPLETED) &&
		 (r->flags & SYNWATCH_CONN_F_COOKIE))
		out->what |= SW_T_L_COOKIE;
}

#endif /* _SW_RULES_H */
