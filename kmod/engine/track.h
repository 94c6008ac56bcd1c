/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One connection record and how a segment updates it. Compiles in the
 * kernel and in userspace; the kernel wraps struct sw_rec in its hash table
 * entry (conn.h), replay in its own.
 */
#ifndef _SW_TRACK_H
#define _SW_TRACK_H

#include "types.h"
#include "state.h"
#include "segment.h"

/*
 * Time. The tracker takes nanoseconds and keeps two cheap units, both a
 * shift away so the packet path never divides:
 *  - fine:   2^20 ns (~1.05 ms), u32, for idle time; it wraps after ~52
 *            days, but GC expires every record long before (the longest
 *            timeout is SYNWATCH_TIMEOUT_MAX_S), so comparisons stay valid;
 *  - age:    2^26 ns (~67 ms), u32, for when a record entered its state;
 *            wraps after 9 years;
 *  - coarse: 2^30 ns (~1.07 s), u32, for when a record began (the flood
 *            detector bins half-open records by it); wraps after 146 years.
 * Handshake timestamps use 2^10 ns (~1 us) units while the handshake runs.
 */
#define SW_FINE_SHIFT	20
#define SW_AGE_SHIFT	26
#define SW_COARSE_SHIFT	30
#define SW_US_SHIFT	10

static inline u32 sw_fine(u64 ns)
{
	return (u32)(ns >> SW_FINE_SHIFT);
}

static inline u32 sw_age(u64 ns)
{
	return (u32)(ns >> SW_AGE_SHIFT);
}

static inline u32 sw_coarse(u64 ns)
{
	return (u32)(ns >> SW_COARSE_SHIFT);
}

/*
 * Units from then to now, in any of the units above. A stamp a little
 * after now reads as 0: another CPU stamped the record after this one
 * read its clock (a GC slice reads it once for all its buckets, the
 * packet path before its lookup). Without this, the difference wraps to
 * the largest age there is, and GC would expire, and eviction pick, the
 * record that was just used. The slack, 2^16 units (68 s of fine units),
 * is far less than any wrap.
 */
#define SW_CLOCK_SLACK	65536U

static inline u32 sw_since(u32 now, u32 then)
{
	u32 d = now - then;

	return d > (u32)-SW_CLOCK_SLACK ? 0 : d;
}

/* History letters: code = 2 * letter + (received ? 1 : 0), 1-based. */
enum sw_hist {
	SW_H_SYN,	/* S s */
	SW_H_SYNACK,	/* H h */
	SW_H_ACK,	/* A a */
	SW_H_DATA,	/* D d */
	SW_H_FIN,	/* F f */
	SW_H_RST,	/* R r */
	SW_H_RTX,	/* T t */
	SW_H_PICKUP,	/* P (local side only) */
};

#define SW_HIST_SLOTS	16	/* 4-bit codes in hist */

/* sw_rec.dflags */
#define SW_DF_END_IN		0x01	/* end[IN]/isn[IN] are valid */
#define SW_DF_END_OUT		0x02
#define SW_DF_RTT_SYN		0x04	/* rtt_syn holds a duration */
#define SW_DF_RTT_SYNACK	0x08	/* rtt_synack holds a duration */
#define SW_DF_WIN_IN		0x10	/* win[IN] is from a non-SYN: scaled */
#define SW_DF_WIN_OUT		0x20

/*
 * The record. 72 bytes; with the table's key and link it makes a 120-byte
 * object, 128 bytes of slab with SLUB's free pointer (conn.c). Indexes
 * [SW_DIR_IN] are the remote side's, and [SW_DIR_OUT] the local side's
 * (what each side sends).
 */
struct sw_rec {
	u64 hist;		/* history, 4-bit codes, oldest first */
	u32 isn[2];		/* ISN, or first seq - 1 when picked up */
	u32 end[2];		/* highest seq + len (+SYN/FIN) sent */
	u32 pkts[2];
	u32 t_first;		/* coarse */
	u32 t_state;		/* age units */
	u32 t_last;		/* fine */
	u32 rtt_syn;		/* us once SW_DF_RTT_SYN, else SYN time */
	u32 rtt_synack;		/* us once SW_DF_RTT_SYNACK, else SYN-ACK time */
	u16 mss[2];
	u16 win[2];		/* largest raw window advertised, see sw_track_seq */
	u8 state;		/* enum synwatch_state */
	u8 flags;		/* SYNWATCH_CONN_F_* */
	u8 wscale;		/* low nibble IN, high nibble OUT */
	u8 reason;		/* enum synwatch_close_reason */
	u8 closer;		/* enum synwatch_closer */
	u8 dflags;		/* SW_DF_* */
	u8 rtx_syn;		/* saturating */
	u8 rtx_synack;
	u8 rtx_fin;
	u8 wraps[2];		/* 4 GiB wraps of end[] - isn[] */
};

/* What happened, for the caller's events, stats and listener accounting. */
#define SW_T_NEW		0x0001	/* the record started with this packet */
#define SW_T_STATE		0x0002	/* the state changed */
#define SW_T_REOPEN		0x0004	/* end the record and run the packet again */
#define SW_T_IGNORED		0x0008	/* packet changed nothing (table: IV) */
#define SW_T_RTX		0x0010	/* a SYN, SYN-ACK or FIN retransmission */
#define SW_T_PICKUP		0x0020	/* first packet was not a SYN */
#define SW_T_L_SYN		0x0100	/* listener: a new SYN arrived */
#define SW_T_L_SYNACK		0x0200	/* listener: first SYN-ACK sent */
#define SW_T_L_COMPLETED	0x0400	/* listener: handshake completed */
#define SW_T_L_RESET		0x0800	/* listener: half-open conn reset */
#define SW_T_L_COOKIE		0x1000	/* listener: completed, no SYN seen */
#define SW_T_L_REFUSED		0x2000	/* listener: we refused the SYN */

struct sw_track_out {
	u16 what;		/* SW_T_* */
	u8 old_state;
	u8 new_state;
	u8 invalid;		/* SYNWATCH_INVALID_* if rejected */
	s8 half_open;		/* -1, 0, +1: passive half-open count change */
};

void sw_rec_init(struct sw_rec *r, u64 now_ns);
int sw_track_full(struct sw_rec *r, enum sw_dir dir, const struct sw_pkt *p,
		  u64 now_ns, struct sw_track_out *out);

/*
 * The per-packet part of the tracker, inline so that the module's packet
 * path (conn.c) runs the common case without a call: the helpers below,
 * then sw_track_fast().
 */
static inline u8 sw_df_end(enum sw_dir dir)
{
	return dir == SW_DIR_IN ? SW_DF_END_IN : SW_DF_END_OUT;
}

static inline u8 sw_df_win(enum sw_dir dir)
{
	return dir == SW_DIR_IN ? SW_DF_WIN_IN : SW_DF_WIN_OUT;
}

static inline u8 sw_hist_code(enum sw_hist h, enum sw_dir dir)
{
	return 1 + 2 * h + (dir == SW_DIR_IN);
}

/*
 * Each code is recorded once, so the 15 codes fit the 16 slots and the
 * history doubles as the set of what happened. Membership is a SIMD-within-
 * a-register test, run for every packet: XOR makes the slot holding code
 * zero, and (v - 0x11..1) & ~v & 0x88..8 is non-zero exactly when some
 * nibble of v is zero.
 */
#define SW_NIB_ONES	0x1111111111111111ULL
#define SW_NIB_HIGHS	0x8888888888888888ULL

static inline bool sw_hist_has_code(u64 hist, u8 code)
{
	u64 v = hist ^ (code * SW_NIB_ONES);

	return (v - SW_NIB_ONES) & ~v & SW_NIB_HIGHS;
}

static inline bool sw_hist_has(const struct sw_rec *r, enum sw_hist h,
			       enum sw_dir dir)
{
	return sw_hist_has_code(r->hist, sw_hist_code(h, dir));
}

/* Keep end[], isn[], byte wraps and window for the sending side. */
static inline void sw_track_seq(struct sw_rec *r, enum sw_dir dir,
				const struct sw_pkt *p)
{
	u32 end = p->seq + p->payload + !!(p->flags & SW_TCP_SYN) +
		  !!(p->flags & SW_TCP_FIN);
	u8 bit = sw_df_end(dir);

	if (!(r->dflags & bit)) {
		/* First segment of this side: bytes count from here. */
		r->isn[dir] = (p->flags & SW_TCP_SYN) ? p->seq : p->seq - 1;
		r->end[dir] = end;
		r->dflags |= bit;
	} else if (sw_seq_after(end, r->end[dir])) {
		/* An offset from the ISN going down means 4 GiB went by. */
		if (end - r->isn[dir] < r->end[dir] - r->isn[dir] &&
		    r->wraps[dir] < 0xff)
			r->wraps[dir]++;
		r->end[dir] = end;
	}
	/*
	 * RFC 7323 2.2: the window of a SYN or SYN-ACK is never scaled, the
	 * later ones are. win[] holds the SYN's until the side's first other
	 * segment, from then on only scaled ones: scaling the SYN's window
	 * would take a 64 KiB window for 8 MiB at a scale of 7, and accept
	 * RSTs (sw_rst_acceptable) that the receiver drops.
	 */
	if (p->flags & SW_TCP_SYN) {
		if (!(r->dflags & sw_df_win(dir)) && p->win > r->win[dir])
			r->win[dir] = p->win;
	} else if (!(r->dflags & sw_df_win(dir)) || p->win > r->win[dir]) {
		r->win[dir] = p->win;
		r->dflags |= sw_df_win(dir);
	}
}

/* A valid segment: the clock and the saturating packet count. */
static inline void sw_count_pkt(struct sw_rec *r, enum sw_dir dir,
				const struct sw_pkt *p, u64 now_ns)
{
	r->t_last = sw_fine(now_ns);
	if (r->pkts[dir] < 0xffffffff - p->segs)
		r->pkts[dir] += p->segs;
	else
		r->pkts[dir] = 0xffffffff;
}

/*
 * Most segments of a connection: an ACK, with or without data, in
 * ESTABLISHED, from a side whose sequence space is known and whose letter
 * is already in the history, while the other side has sent no FIN. Then
 * the segment is SW_PC_ACK, the table keeps ESTABLISHED (test_state
 * checks that cell), it cannot be a retransmission and no half-open count
 * moves: only the clock, the counters and the sequence space change, as
 * the full path would change them, at a fraction of its cost, and
 * without a call.
 */
static inline bool sw_track_fast(struct sw_rec *r, enum sw_dir dir,
				 const struct sw_pkt *p, u64 now_ns,
				 struct sw_track_out *out)
{
	if (r->state != SYNWATCH_STATE_ESTABLISHED ||
	    (p->flags & (SW_TCP_SYN | SW_TCP_RST | SW_TCP_FIN | SW_TCP_ACK)) !=
	    SW_TCP_ACK || !(r->dflags & sw_df_end(dir)) ||
	    !sw_hist_has(r, p->payload ? SW_H_DATA : SW_H_ACK, dir) ||
	    sw_hist_has(r, SW_H_FIN, !dir))
		return false;
	out->what = 0;
	out->old_state = SYNWATCH_STATE_ESTABLISHED;
	out->new_state = SYNWATCH_STATE_ESTABLISHED;
	out->invalid = 0;
	out->half_open = 0;
	sw_count_pkt(r, dir, p, now_ns);
	sw_track_seq(r, dir, p);
	return true;
}

/*
 * One valid segment updates the record: the fast path when it applies,
 * else sw_track_full(). 0, or -1 with out->invalid set if the segment was
 * rejected (it changed nothing).
 */
static inline int sw_track(struct sw_rec *r, enum sw_dir dir,
			   const struct sw_pkt *p, u64 now_ns,
			   struct sw_track_out *out)
{
	if (sw_track_fast(r, dir, p, now_ns, out))
		return 0;
	return sw_track_full(r, dir, p, now_ns, out);
}

bool sw_track_creates(enum sw_dir dir, const struct sw_pkt *p);
bool sw_rec_passive_half_open(const struct sw_rec *r);
void sw_rec_close(struct sw_rec *r, u8 reason);
u64 sw_rec_bytes(const struct sw_rec *r, enum sw_dir dir);
int sw_rec_history(const struct sw_rec *r, char *buf, int len);

static inline u8 sw_rec_wscale(const struct sw_rec *r, enum sw_dir dir)
{
	return dir == SW_DIR_IN ? r->wscale & 0xf : r->wscale >> 4;
}

#endif /* _SW_TRACK_H */
