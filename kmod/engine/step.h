/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one consumer of the tracker's output: what sw_track() and
 * sw_flood_tick() say becomes counters, listener accounting, summarised
 * (suppressed) events and events, here and nowhere else.
 *
 * The code around the engine, its host, differs: the module (kmod/glue.c,
 * with its hash table, RCU, locks and netlink), "synwatch replay"
 * (userspace/replay/driver.c, single-threaded, with a capture's clock) and
 * the host unit tests (selftests/unit/host.c). Each host defines the
 * sw_host_*() primitives below once; the engine calls them directly, so
 * they are bound at link time: no indirect call on the packet path, and
 * the order of the actions, and which ones happen, cannot drift between
 * the module and replay.
 *
 * The host's types stay opaque: "conn" is whatever identifies a
 * connection to the host (its key: netns, addresses, ports) and "lst" a
 * listener. The engine hands them back to the host untouched.
 */
#ifndef _SW_STEP_H
#define _SW_STEP_H

#include "types.h"
#include "track.h"
#include "flood.h"

/*
 * The counters every host keeps: the uapi's SYNWATCH_A_STATS_* counters
 * in their order, from SYNWATCH_A_STATS_PKTS_IN to SEARCH_RESTART
 * (checked in step.c), then ALERTS. sw_stat_attr() gives the attribute.
 */
enum sw_stat {
	SW_STAT_PKTS_IN,
	SW_STAT_PKTS_OUT,
	SW_STAT_PKTS_FWD,
	SW_STAT_CONN_NEW,
	SW_STAT_CONN_DESTROY,
	SW_STAT_STATE_CHANGES,
	SW_STAT_RTX_SYN,
	SW_STAT_RTX_SYNACK,
	SW_STAT_RTX_FIN,
	SW_STAT_PICKUP,
	SW_STAT_UNTRACKED,
	SW_STAT_EVICT,
	SW_STAT_INSERT_FAILED,
	SW_STAT_EXPIRED,
	SW_STAT_EVENTS_SENT,
	SW_STAT_EVENT_DROP,
	SW_STAT_EVENT_SUPPRESSED,
	SW_STAT_SEARCH_RESTART,
	SW_STAT_ALERTS,
	SW_STAT_MAX
};

u16 sw_stat_attr(enum sw_stat s);

struct sw_host;			/* the host's state (the module's: a netns) */

/* --- what each host provides -------------------------------------------- */

void sw_host_count(struct sw_host *h, enum sw_stat s);
/* Would an event of this type (SYNWATCH_EVENT_*) reach anyone? */
bool sw_host_wants(struct sw_host *h, u8 type);
/*
 * A packet changed a passive handshake: account it to conn's listener
 * (made on a SYN, SW_T_L_SYN), with sw_lst_on_packet() under whatever
 * lock the host keeps the listener with.
 */
void sw_host_lst_packet(struct sw_host *h, const void *conn,
			const struct sw_track_out *out, u32 born, u64 now);
/* rec, half-open and passive, ends: sw_lst_account_forget() on its own. */
void sw_host_lst_forget(struct sw_host *h, const void *conn,
			const struct sw_rec *rec);
/* Does conn's listener hold this event back (sw_flood_suppress())? */
bool sw_host_lst_suppress(struct sw_host *h, const void *conn,
			  const struct sw_rec *rec);
/* Send a connection event about conn, as rec shows it. */
void sw_host_emit_conn(struct sw_host *h, u8 type, const void *conn,
		       const struct sw_rec *rec, u8 old_state, u8 new_state,
		       u8 tcp_flags, u8 dir, u64 now);
/* Send a flood alert about lst, with its accounting a. */
void sw_host_emit_alert(struct sw_host *h, const void *lst,
			const struct sw_lst_acct *a, enum sw_flood_event ev,
			u64 now);

/* --- what the engine does with them ------------------------------------- */

/* The event type of a packet's NEW or STATE change. */
static inline u8 sw_step_event(const struct sw_track_out *out)
{
	return (out->what & SW_T_NEW) ? SYNWATCH_EVENT_NEW :
					SYNWATCH_EVENT_STATE;
}

/*
 * Right after sw_track() accepted a packet, while the host still holds
 * the record: does the host need a copy of it, for an event? Inline: the
 * packet path asks for every packet, and mostly the answer is no.
 */
static inline bool sw_step_wants_copy(struct sw_host *h,
				      const struct sw_track_out *out)
{
	return (out->what & (SW_T_NEW | SW_T_STATE)) &&
	       sw_host_wants(h, sw_step_event(out));
}

void __sw_step_packet(struct sw_host *h, const void *conn,
		      const struct sw_rec *copy, u32 born,
		      const struct sw_track_out *out, u8 tcp_flags, u8 dir,
		      u64 now);

/*
 * After sw_track() accepted a packet (the host has let the record go):
 * counters, the listener, the NEW or STATE event. copy is the record as
 * it was right after the packet, if sw_step_wants_copy() said so (else
 * NULL); born its t_first; dir the packet's (SYNWATCH_DIR_*). Inline:
 * most packets change nothing the step acts on, and they must not pay a
 * call for it (bench/README.md).
 */
static __always_inline void sw_step_packet(struct sw_host *h, const void *conn,
					   const struct sw_rec *copy, u32 born,
					   const struct sw_track_out *out,
					   u8 tcp_flags, u8 dir, u64 now)
{
	if (out->what & (SW_T_RTX | SW_T_NEW | SW_T_STATE) || out->half_open)
		__sw_step_packet(h, conn, copy, born, out, tcp_flags, dir,
				 now);
}

/*
 * A record ends: it expired (SYNWATCH_CLOSE_TIMEOUT), was evicted, flushed
 * or unloaded, or its tuple was reused (SW_T_REOPEN: reason NONE keeps the
 * FIN or RST reason it has). rec is the host's copy, taken as it left the
 * table; the DESTROY event (if events) carries tcp_flags and dir of the
 * packet that reopened it, or 0 and SYNWATCH_DIR_NONE.
 */
void sw_step_retire(struct sw_host *h, const void *conn, struct sw_rec *rec,
		    u8 reason, u8 tcp_flags, u8 dir, bool events, u64 now);

/*
 * A listener's share of a packet, under the host's lock of the listener:
 * a SYN wakes a listener the tick does not watch (*watched: true
 * returned, the host starts watching it), then the accounting, then a
 * SYN's source sample. saddr is the remote address, 4 or 16 bytes.
 */
bool sw_lst_on_packet(struct sw_lst_acct *a, bool *watched,
		      const struct sw_track_out *out, u32 born, bool v6,
		      const u8 *saddr, u64 now);

/*
 * The flood detector's tick for one watched listener, under the host's
 * lock of it: an event to send (its accounting copied to *snap, and the
 * suppressed count restarted), or SW_FLOOD_NONE; *idle when the listener
 * has nothing left to watch (the host stops watching it).
 */
enum sw_flood_event sw_lst_on_tick(struct sw_lst_acct *a,
				   const struct sw_flood_cfg *cfg, u64 now,
				   struct sw_lst_acct *snap, bool *idle);

/* After the tick let the listener go: count and send its event. */
void sw_step_alert(struct sw_host *h, const void *lst,
		   const struct sw_lst_acct *snap, enum sw_flood_event ev,
		   u64 now);

/* The event type of a flood event. */
u8 sw_flood_event_type(enum sw_flood_event ev);

#endif /* _SW_STEP_H */
