/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP state machine of the local endpoint, as a table. See state.c.
 * Compiles in the kernel and in userspace (plain types only).
 */
#ifndef _SW_STATE_H
#define _SW_STATE_H

#include "types.h"
#include <linux/synwatch.h>

/* Direction of a packet, seen from the local endpoint. */
enum sw_dir {
	SW_DIR_IN,	/* received by the local endpoint */
	SW_DIR_OUT,	/* sent by the local endpoint */
	SW_DIR_MAX
};

/*
 * What a valid segment means to the state machine. The FIN/ACK split
 * depends on sequence numbers (RFC 9293 3.10.7.4, "eighth, check the FIN
 * bit"): an ACK only moves FIN-WAIT-1, CLOSING and LAST-ACK on when it
 * acknowledges the FIN sent in the other direction, i.e. ack == FIN seq + 1.
 */
enum sw_pkt_class {
	SW_PC_SYN,	/* SYN without ACK */
	SW_PC_SYNACK,	/* SYN+ACK */
	SW_PC_FIN,	/* FIN(+ACK) that does not ack the opposite FIN */
	SW_PC_FINACK,	/* FIN+ACK that acks the opposite FIN */
	SW_PC_ACK,	/* ACK (with or without data), no FIN acked */
	SW_PC_ACKFIN,	/* ACK that acks the opposite FIN */
	SW_PC_RST,	/* RST (in-window: checked before the table) */
	SW_PC_MAX
};

/*
 * Pseudo-state "no record yet": the column used for the first packet of a
 * tuple. It is never stored in a record or sent to userspace.
 */
#define SW_STATE_NONE		__SYNWATCH_STATE_MAX
#define SW_STATE_COLUMNS	(SW_STATE_NONE + 1)

/* Table results that are not states. */
#define SW_NEXT_INVALID		0xfe	/* makes no sense here: ignore it */
#define SW_NEXT_REOPEN		0xfd	/* end this record, start a new one */

/* The table itself (state.c), read only through sw_state_next(). */
extern const u8 sw_transitions[SW_DIR_MAX][SW_PC_MAX][SW_STATE_COLUMNS];

/* Inline: every packet that leaves the tracker's fast path asks it. */
static inline u8 sw_state_next(enum sw_dir dir, enum sw_pkt_class pc,
			       u8 state)
{
	if (dir >= SW_DIR_MAX || pc >= SW_PC_MAX || state >= SW_STATE_COLUMNS)
		return SW_NEXT_INVALID;
	return sw_transitions[dir][pc][state];
}

/*
 * Half-open: the handshake has not completed. Evicted first when full.
 * Inline: the eviction scan asks it of every candidate.
 */
static inline bool sw_state_half_open(u8 state)
{
	return state == SYNWATCH_STATE_LISTEN ||
	       state == SYNWATCH_STATE_SYN_SENT ||
	       state == SYNWATCH_STATE_SYN_RECEIVED;
}

#endif /* _SW_STATE_H */
