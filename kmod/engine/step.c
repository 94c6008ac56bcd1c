// SPDX-License-Identifier: GPL-2.0
/*
 * The one consumer of the tracker's output. See step.h.
 *
 * Plain types only, like track.c and flood.c: the module, "synwatch
 * replay" and the unit tests compile this same file.
 */
#include "step.h"

static_assert(SW_STAT_SEARCH_RESTART ==
	      SYNWATCH_A_STATS_SEARCH_RESTART - SYNWATCH_A_STATS_PKTS_IN,
	      "enum sw_stat follows SYNWATCH_A_STATS_*");

u16 sw_stat_attr(enum sw_stat s)
{
	return s == SW_STAT_ALERTS ? SYNWATCH_A_STATS_ALERTS :
				     SYNWATCH_A_STATS_PKTS_IN + s;
}

/* Does the packet's listener get to know (sw_host_lst_packet())? */
static bool sw_step_lst_wanted(const struct sw_track_out *o)
{
	return (o->what & (SW_T_L_SYN | SW_T_L_SYNACK | SW_T_L_COMPLETED |
			   SW_T_L_RESET | SW_T_L_COOKIE | SW_T_L_REFUSED)) ||
	       o->half_open;
}

static void sw_step_count_rtx(struct sw_host *h, u8 tcp_flags)
{
	if (!(tcp_flags & SW_TCP_SYN))
		sw_host_count(h, SW_STAT_RTX_FIN);
	else if (tcp_flags & SW_TCP_ACK)
		sw_host_count(h, SW_STAT_RTX_SYNACK);
	else
		sw_host_count(h, SW_STAT_RTX_SYN);
}

/*
 * During a flood, events of connections on the attacked listener that
 * never completed a handshake are summarised (the count goes out with the
 * next alert) instead of sent: they would drown the events that matter.
 * Established and closing connections keep theirs.
 */
static bool sw_step_suppressed(struct sw_host *h, const void *conn,
			       const struct sw_rec *rec)
{
	if (!sw_flood_incomplete(rec) || !sw_host_lst_suppress(h, conn, rec))
		return false;
	sw_host_count(h, SW_STAT_EVENT_SUPPRESSED);
	return true;
}

void __sw_step_packet(struct sw_host *h, const void *conn,
		      const struct sw_rec *copy, u32 born,
		      const struct sw_track_out *out, u8 tcp_flags, u8 dir,
		      u64 now)
{
	if (out->what & SW_T_RTX)
		sw_step_count_rtx(h, tcp_flags);
	if (!(out->what & (SW_T_NEW | SW_T_STATE)) && !out->half_open)
		return;
	if (out->what & SW_T_STATE)
		sw_host_count(h, SW_STAT_STATE_CHANGES);
	if (out->what & SW_T_PICKUP)
		sw_host_count(h, SW_STAT_PICKUP);
	if (sw_step_lst_wanted(out))
		sw_host_lst_packet(h, conn, out, born, now);
	if (copy && !sw_step_suppressed(h, conn, copy))
		sw_host_emit_conn(h, sw_step_event(out), conn, copy,
				  (out->what & SW_T_NEW) ?
				  SYNWATCH_STATE_CLOSED : out->old_state,
				  out->new_state, tcp_flags, dir, now);
}

void sw_step_retire(struct sw_host *h, const void *conn, struct sw_rec *rec,
		    u8 reason, u8 tcp_flags, u8 dir, bool events, u64 now)
{
	sw_rec_close(rec, reason);
	sw_host_count(h, SW_STAT_CONN_DESTROY);
	if (sw_rec_passive_half_open(rec))
		sw_host_lst_forget(h, conn, rec);
	if (events && sw_host_wants(h, SYNWATCH_EVENT_DESTROY) &&
	    !sw_step_suppressed(h, conn, rec))
		sw_host_emit_conn(h, SYNWATCH_EVENT_DESTROY, conn, rec,
				  rec->state, SYNWATCH_STATE_CLOSED, tcp_flags,
				  dir, now);
}

bool sw_lst_on_packet(struct sw_lst_acct *a, bool *watched,
		      const struct sw_track_out *out, u32 born, bool v6,
		      const u8 *saddr, u64 now)
{
	bool syn = out->what & SW_T_L_SYN, woke = false;

	if (syn && !*watched) {
		*watched = true;
		woke = true;
		sw_flood_wake(a, now);
	}
	sw_lst_account(a, out, born, v6, saddr, now);
	if (syn)
		sw_flood_sample(a, v6, saddr);
	return woke;
}

enum sw_flood_event sw_lst_on_tick(struct sw_lst_acct *a,
				   const struct sw_flood_cfg *cfg, u64 now,
				   struct sw_lst_acct *snap, bool *idle)
{
	enum sw_flood_event ev = sw_flood_tick(a, cfg, now);

	*idle = false;
	if (ev != SW_FLOOD_NONE) {
		*snap = *a;
		a->suppressed = 0;
	} else {
		*idle = sw_flood_idle(a);
	}
	return ev;
}

u8 sw_flood_event_type(enum sw_flood_event ev)
{
	switch (ev) {
	case SW_FLOOD_START:
		return SYNWATCH_EVENT_FLOOD_START;
	case SW_FLOOD_UPDATE:
		return SYNWATCH_EVENT_FLOOD_UPDATE;
	default:
		return SYNWATCH_EVENT_FLOOD_END;
	}
}

void sw_step_alert(struct sw_host *h, const void *lst,
		   const struct sw_lst_acct *snap, enum sw_flood_event ev,
		   u64 now)
{
	if (ev == SW_FLOOD_START)
		sw_host_count(h, SW_STAT_ALERTS);
	if (sw_host_wants(h, sw_flood_event_type(ev)))
		sw_host_emit_alert(h, lst, snap, ev, now);
}
