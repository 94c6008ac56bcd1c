// SPDX-License-Identifier: GPL-2.0
/*
 * How one valid TCP segment updates a connection record: classify it for the
 * state table (state.c), check RSTs against the window, detect
 * retransmissions, keep the handshake facts (ISNs, options, RTTs), counters,
 * history and close reason.
 *
 * No locks, allocation or clocks here: the caller serialises access to the
 * record and passes the time in. The module (conn.c) and "synwatch replay"
 * run this same file.
 */
#include "track.h"

/*
 * Record a history letter the first time it happens. Inlined, as is
 * sw_classify(): the full path runs them for nearly every segment of a
 * short connection.
 */
static __always_inline void sw_hist_add(struct sw_rec *r, enum sw_hist h, enum sw_dir dir)
{
	u8 code = sw_hist_code(h, dir);
	int used;

	if (sw_hist_has_code(r->hist, code))
		return;
	/* codes fill the slots from the lowest nibble up, none is zero */
	used = (sw_fls64(r->hist) + 3) / 4;
	if (used < SW_HIST_SLOTS)
		r->hist |= (u64)code << (4 * used);
}

int sw_rec_history(const struct sw_rec *r, char *buf, int len)
{
	static const char letters[] = "?SsHhAaDdFfRrTtPp";
	int i, n = 0;

	for (i = 0; i < SW_HIST_SLOTS && n < len - 1; i++) {
		u8 code = (r->hist >> (4 * i)) & 0xf;

		if (!code)
			break;
		buf[n++] = letters[code];
	}
	if (len > 0)
		buf[n] = '\0';
	return n;
}

void sw_rec_init(struct sw_rec *r, u64 now_ns)
{
	memset(r, 0, sizeof(*r));
	r->state = SW_STATE_NONE;
	r->wscale = SW_WSCALE_NONE | SW_WSCALE_NONE << 4;
	r->t_first = sw_coarse(now_ns);
	r->t_state = sw_age(now_ns);
	r->t_last = sw_fine(now_ns);
}

static __always_inline enum sw_pkt_class
sw_classify(const struct sw_rec *r, enum sw_dir dir, const struct sw_pkt *p)
{
	enum sw_dir other = !dir;
	bool acks_fin;

	if (p->flags & SW_TCP_RST)
		return SW_PC_RST;
	if (p->flags & SW_TCP_SYN)
		return (p->flags & SW_TCP_ACK) ? SW_PC_SYNACK : SW_PC_SYN;
	/*
	 * Does this segment acknowledge the FIN the other side sent?
	 * end[other] is that FIN's seq + 1 (a FIN is the last thing a side
	 * sends), so the ack must equal it. An ack beyond it acks something
	 * never sent: RFC 9293 3.10.7.4 drops such a segment, it must not
	 * take FIN-WAIT-1, CLOSING or LAST-ACK on.
	 */
	acks_fin = (p->flags & SW_TCP_ACK) &&
		   sw_hist_has(r, SW_H_FIN, other) &&
		   p->ack == r->end[other];
	if (p->flags & SW_TCP_FIN)
		return acks_fin ? SW_PC_FINACK : SW_PC_FIN;
	return acks_fin ? SW_PC_ACKFIN : SW_PC_ACK;
}

/*
 * RFC 9293 3.10.7.3 (SYN-SENT): an RST is acceptable only if its ACK is
 * acceptable, ISS < SEG.ACK =< SND.NXT: it acks our SYN, and maybe data the
 * SYN carried (Linux acks all of a refused Fast Open SYN). Elsewhere
 * (3.10.7.4 and RFC 5961 3.2) it must fall in the receive window. We do not
 * see the receiver's RCV.NXT, but the sender's highest sequence number
 * stands for it; one largest-advertised window either side of it is
 * accepted. A sender we have not seen send anything is checked by its ACK
 * instead: it must ack exactly what the other side sent (the RST that
 * answers a SYN has seq 0 and ack ISN + 1).
 */
static bool sw_rst_acceptable(const struct sw_rec *r, enum sw_dir dir,
			      const struct sw_pkt *p)
{
	enum sw_dir other = !dir;
	u32 win, scale;

	if (r->state == SYNWATCH_STATE_SYN_SENT && dir == SW_DIR_IN)
		return (p->flags & SW_TCP_ACK) &&
		       sw_seq_after(p->ack, r->isn[SW_DIR_OUT]) &&
		       !sw_seq_after(p->ack, r->end[SW_DIR_OUT]);
	if (r->dflags & sw_df_end(dir)) {
		scale = sw_rec_wscale(r, other);
		if (scale == SW_WSCALE_NONE ||
		    sw_rec_wscale(r, dir) == SW_WSCALE_NONE ||
		    !(r->dflags & sw_df_win(other)))
			scale = 0;
		win = (u32)(r->win[other] ? r->win[other] : 1) << scale;
		return !sw_seq_before(p->seq, r->end[dir] - win) &&
		       !sw_seq_after(p->seq, r->end[dir] + win);
	}
	if ((p->flags & SW_TCP_ACK) && (r->dflags & sw_df_end(other)))
		return p->ack == r->end[other];
	return true;
}

/* SYN and SYN-ACK options: RFC 9293 3.2, RFC 7323, RFC 2018. */
static void sw_track_syn_options(struct sw_rec *r, enum sw_dir dir,
				 const struct sw_pkt *p)
{
	r->mss[dir] = p->mss;
	if (dir == SW_DIR_IN) {
		r->wscale = (r->wscale & 0xf0) | p->wscale;
		r->flags |= p->sack_ok ? SYNWATCH_CONN_F_SACK_REMOTE : 0;
		r->flags |= p->ts ? SYNWATCH_CONN_F_TS_REMOTE : 0;
	} else {
		r->wscale = (r->wscale & 0x0f) | p->wscale << 4;
		r->flags |= p->sack_ok ? SYNWATCH_CONN_F_SACK_LOCAL : 0;
		r->flags |= p->ts ? SYNWATCH_CONN_F_TS_LOCAL : 0;
	}
}

static u32 sw_us(u64 now_ns)
{
	return (u32)(now_ns >> SW_US_SHIFT);
}

/*
 * 2^10 ns units to microseconds, rounded, without a 64-bit division (no
 * __udivdi3 on 32-bit kernels): u * 1024 / 1000 = u * 128 / 125, split as
 * (u / 125) * 128 + (u % 125) * 128 / 125 so every step fits in 32 bits.
 */
static u32 sw_us_delta(u32 from, u64 now_ns)
{
	u32 u = sw_us(now_ns) - from;

	return u / 125 * 128 + (u % 125 * 128 + 62) / 125;
}

/* Retransmission of something this side already sent? */
static bool sw_is_rtx(const struct sw_rec *r, enum sw_dir dir,
		      enum sw_pkt_class pc, const struct sw_pkt *p)
{
	switch (pc) {
	case SW_PC_SYN:
		return sw_hist_has(r, SW_H_SYN, dir) && p->seq == r->isn[dir];
	case SW_PC_SYNACK:
		return sw_hist_has(r, SW_H_SYNACK, dir) &&
		       p->seq == r->isn[dir];
	case SW_PC_FIN:
	case SW_PC_FINACK:
		return sw_hist_has(r, SW_H_FIN, dir) &&
		       p->seq + p->payload + 1 == r->end[dir];
	default:
		return false;
	}
}

static void sw_count_rtx(struct sw_rec *r, enum sw_pkt_class pc)
{
	u8 *c = pc == SW_PC_SYN ? &r->rtx_syn :
		pc == SW_PC_SYNACK ? &r->rtx_synack : &r->rtx_fin;

	if (*c < 0xff)
		(*c)++;
}

/* A passive open (the peer's SYN) whose handshake has not completed. */
static __always_inline bool sw_passive_half_open(u8 flags, u8 state)
{
	return !(flags & (SYNWATCH_CONN_F_ACTIVE | SYNWATCH_CONN_F_PICKUP)) &&
	       sw_state_half_open(state);
}

bool sw_rec_passive_half_open(const struct sw_rec *r)
{
	return sw_passive_half_open(r->flags, r->state);
}

/* Who closed first, and why, when a FIN or RST moves the state. */
static void sw_track_close(struct sw_rec *r, enum sw_dir dir,
			   enum sw_pkt_class pc, u8 old)
{
	u8 side = dir == SW_DIR_OUT ? SYNWATCH_CLOSER_LOCAL :
				      SYNWATCH_CLOSER_REMOTE;

	if (pc == SW_PC_RST) {
		if ((old == SYNWATCH_STATE_SYN_SENT && dir == SW_DIR_IN) ||
		    (old == SYNWATCH_STATE_LISTEN && dir == SW_DIR_OUT))
			r->reason = SYNWATCH_CLOSE_REFUSED;
		else
			r->reason = dir == SW_DIR_OUT ?
				    SYNWATCH_CLOSE_LOCAL_RST :
				    SYNWATCH_CLOSE_REMOTE_RST;
		if (r->closer == SYNWATCH_CLOSER_NONE)
			r->closer = side;
		return;
	}
	if (pc != SW_PC_FIN && pc != SW_PC_FINACK)
		return;
	if (r->closer == SYNWATCH_CLOSER_NONE) {
		r->closer = side;
		r->reason = dir == SW_DIR_OUT ? SYNWATCH_CLOSE_LOCAL_FIN :
						SYNWATCH_CLOSE_REMOTE_FIN;
	} else if (r->closer != side && r->state == SYNWATCH_STATE_CLOSING) {
		/* FINs crossed: nobody closed first (RFC 9293 3.6). */
		r->closer = SYNWATCH_CLOSER_BOTH;
	}
}

/* Listener accounting and handshake timing for a state change. */
static void sw_track_handshake(struct sw_rec *r, enum sw_dir dir,
			       enum sw_pkt_class pc, u8 old, u64 now_ns,
			       struct sw_track_out *out)
{
	u8 new = r->state;

	if (old == SW_STATE_NONE && new == SYNWATCH_STATE_LISTEN)
		out->what |= SW_T_L_SYN;
	if (old == SYNWATCH_STATE_LISTEN && new == SYNWATCH_STATE_SYN_RECEIVED)
		out->what |= SW_T_L_SYNACK;
	/*
	 * Our first SYN-ACK starts the server-side RTT, also when its SYN
	 * came before we were loaded (picked up in SYN-RECEIVED): else the
	 * ACK would measure from time zero.
	 */
	if ((old == SYNWATCH_STATE_LISTEN || old == SW_STATE_NONE) &&
	    new == SYNWATCH_STATE_SYN_RECEIVED)
		r->rtt_synack = sw_us(now_ns);
	/*
	 * The client-side RTT ends with the peer's SYN-ACK. In a simultaneous
	 * open (RFC 9293 3.5 figure 8) it comes in SYN-RECEIVED, after the
	 * peer's own SYN: our SYN still started the clock.
	 */
	if ((old == SYNWATCH_STATE_SYN_SENT ||
	     (old == SYNWATCH_STATE_SYN_RECEIVED &&
	      (r->flags & SYNWATCH_CONN_F_SIMULTANEOUS))) &&
	    new == SYNWATCH_STATE_ESTABLISHED && pc == SW_PC_SYNACK &&
	    dir == SW_DIR_IN && !(r->dflags & SW_DF_RTT_SYN)) {
		r->rtt_syn = sw_us_delta(r->rtt_syn, now_ns);
		r->dflags |= SW_DF_RTT_SYN;
	}
	if (old == SYNWATCH_STATE_SYN_SENT && new == SYNWATCH_STATE_SYN_RECEIVED)
		r->flags |= SYNWATCH_CONN_F_SIMULTANEOUS;
	if (old == SYNWATCH_STATE_SYN_RECEIVED && dir == SW_DIR_IN &&
	    !(r->flags & SYNWATCH_CONN_F_ACTIVE)) {
		if (pc != SW_PC_RST) {
			out->what |= SW_T_L_COMPLETED;
			r->rtt_synack = sw_us_delta(r->rtt_synack, now_ns);
			r->dflags |= SW_DF_RTT_SYNACK;
		}
	}
	if (pc == SW_PC_RST && sw_state_half_open(old) &&
	    !(r->flags & SYNWATCH_CONN_F_ACTIVE))
		out->what |= old == SYNWATCH_STATE_LISTEN && dir == SW_DIR_OUT ?
			     SW_T_L_REFUSED : SW_T_L_RESET;
}

/*
 * The table's next state for a segment. One with none of SYN, RST and ACK
 * (parse.c lets PSH- or URG-only segments through) is dropped by any
 * receiver: RFC 9293 3.10.7.2 (LISTEN), 3.10.7.3 (SYN-SENT) and 3.10.7.4
 * "fifth, check the ACK field". It must neither complete a handshake nor
 * create a record, so it is invalid in every state.
 */
static u8 sw_next_state(enum sw_dir dir, enum sw_pkt_class pc, u8 state,
			const struct sw_pkt *p)
{
	if (!(p->flags & (SW_TCP_SYN | SW_TCP_RST | SW_TCP_ACK)))
		return SW_NEXT_INVALID;
	return sw_state_next(dir, pc, state);
}

/*
 * A record with no packet yet starts only from what the NONE column allows:
 * a SYN, or a segment that proves a connection already existed.
 */
bool sw_track_creates(enum sw_dir dir, const struct sw_pkt *p)
{
	struct sw_rec r;
	u8 next;

	memset(&r, 0, sizeof(r));
	next = sw_next_state(dir, sw_classify(&r, dir, p), SW_STATE_NONE, p);
	return next < SW_STATE_NONE;
}

/* A record's first packet: how it began (active, picked up, a cookie?). */
static __always_inline void sw_track_first(struct sw_rec *r, enum sw_dir dir,
					   enum sw_pkt_class pc,
					   const struct sw_pkt *p, u64 now_ns,
					   struct sw_track_out *out)
{
	out->what |= SW_T_NEW;
	if (pc == SW_PC_SYN && dir == SW_DIR_OUT)
		r->flags |= SYNWATCH_CONN_F_ACTIVE;
	if (pc != SW_PC_SYN) {
		r->flags |= SYNWATCH_CONN_F_PICKUP;
		out->what |= SW_T_PICKUP;
		sw_hist_add(r, SW_H_PICKUP, SW_DIR_OUT);
		/* an ACK for a SYN we never saw: SYN cookie? */
		if (dir == SW_DIR_IN && pc == SW_PC_ACK && !p->payload)
			out->what |= SW_T_L_COOKIE;
	}
	if (pc == SW_PC_SYN && dir == SW_DIR_OUT)
		r->rtt_syn = sw_us(now_ns);
}

/* The packet's letter(s) in the history. */
static __always_inline void sw_track_history(struct sw_rec *r, enum sw_dir dir,
					     enum sw_pkt_class pc,
					     const struct sw_pkt *p)
{
	switch (pc) {
	case SW_PC_SYN:
		sw_hist_add(r, SW_H_SYN, dir);
		break;
	case SW_PC_SYNACK:
		sw_hist_add(r, SW_H_SYNACK, dir);
		break;
	case SW_PC_RST:
		sw_hist_add(r, SW_H_RST, dir);
		break;
	case SW_PC_FIN:
	case SW_PC_FINACK:
		if (p->payload)
			sw_hist_add(r, SW_H_DATA, dir);
		sw_hist_add(r, SW_H_FIN, dir);
		break;
	default:
		sw_hist_add(r, p->payload ? SW_H_DATA : SW_H_ACK, dir);
		break;
	}
}

/* The full path of sw_track() (track.h), for whatever the fast one leaves. */
int sw_track_full(struct sw_rec *r, enum sw_dir dir, const struct sw_pkt *p,
		  u64 now_ns, struct sw_track_out *out)
{
	enum sw_pkt_class pc;
	u8 old, next, old_flags = r->flags;
	bool rtx;

	pc = sw_classify(r, dir, p);
	old = r->state;
	next = sw_next_state(dir, pc, old, p);
	rtx = sw_is_rtx(r, dir, pc, p);

	/*
	 * Once synchronized, the table takes a SYN-ACK only as a
	 * retransmission (our ACK was lost). One with another ISN gets a
	 * challenge ACK (RFC 5961 4.2) and must not restart that side's
	 * sequence space, byte count and options below.
	 */
	if (pc == SW_PC_SYNACK && !rtx && old != SW_STATE_NONE &&
	    !sw_state_half_open(old))
		next = SW_NEXT_INVALID;

	*out = (struct sw_track_out){ .old_state = old, .new_state = old };

	if (next == SW_NEXT_REOPEN) {
		out->what = SW_T_REOPEN;
		return 0;
	}
	if (pc == SW_PC_RST && next != SW_NEXT_INVALID &&
	    !sw_rst_acceptable(r, dir, p)) {
		out->invalid = SYNWATCH_INVALID_RST_WINDOW;
		return -1;
	}

	sw_count_pkt(r, dir, p, now_ns);

	if (next == SW_NEXT_INVALID) {
		out->what = SW_T_IGNORED;
		return 0;
	}

	if (old == SW_STATE_NONE)
		sw_track_first(r, dir, pc, p, now_ns, out);

	if (rtx) {
		out->what |= SW_T_RTX;
		sw_count_rtx(r, pc);
		sw_hist_add(r, SW_H_RTX, dir);
	} else if (pc == SW_PC_SYN || pc == SW_PC_SYNACK) {
		/* a new SYN from the same side (new ISN) restarts its seq */
		r->dflags &= ~sw_df_end(dir);
		sw_track_syn_options(r, dir, p);
	}
	/*
	 * An RST carries no data and its seq is no ISN: a side whose first
	 * segment is an RST (a refused SYN) starts no sequence space, else
	 * its "ISN" would be the RST's seq - 1.
	 */
	if (pc != SW_PC_RST || (r->dflags & sw_df_end(dir)))
		sw_track_seq(r, dir, p);

	sw_track_history(r, dir, pc, p);

	if (next != old) {
		r->state = next;
		r->t_state = sw_age(now_ns);
		out->what |= SW_T_STATE;
		out->new_state = next;
		sw_track_close(r, dir, pc, old);
		sw_track_handshake(r, dir, pc, old, now_ns, out);
		/*
		 * Only here can it move: the flags it reads change only on
		 * a record's first packet, which always changes the state.
		 */
		out->half_open = (s8)(sw_rec_passive_half_open(r) -
				      sw_passive_half_open(old_flags, old));
	}
	return 0;
}

/*
 * End a record without a packet: timeout, eviction, flush, unload, reopen.
 * A connection that already closed keeps the reason it closed for; the
 * record going away later (TIME-WAIT expiring, say) is not a new reason.
 */
void sw_rec_close(struct sw_rec *r, u8 reason)
{
	if (r->reason == SYNWATCH_CLOSE_NONE)
		r->reason = reason;
}

u64 sw_rec_bytes(const struct sw_rec *r, enum sw_dir dir)
{
	u64 b;

	if (!(r->dflags & sw_df_end(dir)))
		return 0;
	b = ((u64)r->wraps[dir] << 32) + (u32)(r->end[dir] - r->isn[dir]);
	/* the SYN and the FIN take a sequence number each, but no byte */
	b -= 1;
	if (sw_hist_has(r, SW_H_FIN, dir) && b)
		b -= 1;
	return b;
}
