// SPDX-License-Identifier: GPL-2.0
/*
 * The local endpoint's TCP state machine, as data.
 *
 * synwatch does not track a middlebox's view of a connection (that is what
 * nf_conntrack's tcp_conntracks table does); it infers the RFC 9293 state of
 * the endpoint on this host from the segments it sends and receives. So the
 * table is indexed by [direction][packet class][current state] and every
 * cell is derived from the RFC 9293 state diagram (section 3.3.2) and the
 * event processing rules (section 3.10), not from conntrack.
 *
 * Rules that the table cannot express, and which track.c applies before it:
 *  - invalid flag combinations and malformed headers never reach the table
 *    (parse.c);
 *  - an RST must be in the receive window (RFC 9293 3.10.7.1 / RFC 5961
 *    3.2) or, in SYN-SENT, acknowledge our SYN (3.10.7.3);
 *  - the FIN/ACK split is decided by sequence numbers (see enum
 *    sw_pkt_class);
 *  - a retransmitted SYN, SYN-ACK or FIN leaves the state where it is and is
 *    counted by track.c.
 *
 * Column NO is the pseudo-state "no record". A first packet that is not a
 * SYN means the connection existed before synwatch saw it: the record is
 * picked up mid-stream in the state the packet implies.
 *
 * This file depends on plain types only: the module, "synwatch replay" and
 * the host unit tests (selftests/unit/test_state.c) compile it as is.
 */
#include "state.h"

#define sCL SYNWATCH_STATE_CLOSED
#define sLI SYNWATCH_STATE_LISTEN
#define sSS SYNWATCH_STATE_SYN_SENT
#define sSR SYNWATCH_STATE_SYN_RECEIVED
#define sES SYNWATCH_STATE_ESTABLISHED
#define sF1 SYNWATCH_STATE_FIN_WAIT_1
#define sF2 SYNWATCH_STATE_FIN_WAIT_2
#define sCW SYNWATCH_STATE_CLOSE_WAIT
#define sCG SYNWATCH_STATE_CLOSING
#define sLA SYNWATCH_STATE_LAST_ACK
#define sTW SYNWATCH_STATE_TIME_WAIT
#define sNO SW_STATE_NONE
#define sIV SW_NEXT_INVALID
#define sRO SW_NEXT_REOPEN

static const u8 sw_transitions[SW_DIR_MAX][SW_PC_MAX][SW_STATE_COLUMNS] = {
	[SW_DIR_IN] = {
/* Segments received by the local endpoint. */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*syn*/	   { sRO, sLI, sSR, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sRO, sLI },
/*
 *	sCL -> sRO	a new connection on a tuple that just closed
 *	sLI -> sLI	retransmitted SYN, still unanswered
 *	sSS -> sSR	simultaneous open: our SYN crossed theirs (3.5, fig. 8)
 *	sSR -> sSR	retransmitted SYN
 *	sES..sLA	a SYN in a synchronized state is answered by a
 *			challenge ACK (RFC 5961 4), not a state change
 *	sTW -> sRO	new SYN on a TIME-WAIT tuple: the tuple is reused
 *	sNO -> sLI	passive open: the SYN reached a local port
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*synack*/ { sIV, sIV, sES, sES, sES, sF1, sF2, sCW, sCG, sLA, sTW, sES },
/*
 *	sLI -> sIV	we sent no SYN, a SYN-ACK can't be for us
 *	sSS -> sES	active open completes; we answer with ACK (3.10.7.3)
 *	sSR -> sES	simultaneous open: the peer acks our SYN
 *	sES..sTW	retransmitted SYN-ACK (our ACK was lost): no change
 *	sNO -> sES	picked up: our SYN went out before we were loaded
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*fin*/	   { sCL, sIV, sIV, sCW, sCW, sCG, sTW, sCW, sCG, sLA, sTW, sCW },
/*
 *	sCL -> sCL	late retransmission after the close
 *	sSR -> sCW	FIN with an acceptable ACK completes the handshake and
 *			closes the peer's side at once (3.10.7.4)
 *	sES -> sCW	the peer closes first
 *	sF1 -> sCG	simultaneous close: FINs crossed (3.6, fig. 13)
 *	sF2 -> sTW	the peer's FIN after ours was acked
 *	sCW, sCG, sLA, sTW	retransmitted FIN: no change
 *	sNO -> sCW	picked up as the peer closes
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*finack*/ { sCL, sIV, sIV, sIV, sIV, sTW, sTW, sIV, sTW, sCL, sTW, sIV },
/*
 *	sF1 -> sTW	FIN that also acks ours: FIN-WAIT-1 straight to
 *			TIME-WAIT (3.10.7.4, FIN-WAIT-1 case)
 *	sF2 -> sTW	retransmitted FIN, ours already acked
 *	sCG -> sTW	the peer's FIN again, now acking ours
 *	sLA -> sCL	a FIN retransmission that acks ours ends LAST-ACK
 *	others		no FIN of ours to ack: cannot happen
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*ack*/	   { sCL, sIV, sIV, sES, sES, sF1, sF2, sCW, sCG, sLA, sTW, sES },
/*
 *	sLI -> sIV	ACK before we answered the SYN: not for this record
 *	sSS -> sIV	only a SYN-ACK can answer our SYN
 *	sSR -> sES	passive open completes (3.10.7.4, SYN-RECEIVED)
 *	sES..sTW	data and ACKs: no change
 *	sNO -> sES	picked up mid-stream
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*ackfin*/ { sCL, sIV, sIV, sIV, sIV, sF2, sF2, sIV, sTW, sCL, sTW, sIV },
/*
 *	sF1 -> sF2	our FIN is acked (ack == FIN seq + 1)
 *	sCG -> sTW	our FIN is acked after the FINs crossed
 *	sLA -> sCL	our FIN is acked: the connection is gone
 *	sF2, sTW	duplicate ACKs of our FIN
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*rst*/	   { sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sIV },
/*
 *	any -> sCL	an acceptable RST aborts the connection (3.10.7).
 *			In sSS it means the connection was refused. In sTW
 *			Linux honours it too (tcp_rfc1337=0, the default).
 *	sNO -> sIV	an RST for no connection creates nothing
 */
	},
	[SW_DIR_OUT] = {
/* Segments sent by the local endpoint. */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*syn*/	   { sRO, sIV, sSS, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sRO, sSS },
/*
 *	sCL -> sRO	we reuse a tuple that just closed
 *	sSS -> sSS	retransmitted SYN
 *	sTW -> sRO	we reuse a TIME-WAIT tuple
 *	sNO -> sSS	active open
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*synack*/ { sIV, sSR, sIV, sSR, sES, sF1, sF2, sCW, sCG, sLA, sTW, sSR },
/*
 *	sLI -> sSR	passive open: we answer the SYN
 *	sSS -> sIV	no SYN received yet: nothing to answer
 *	sSR -> sSR	retransmitted SYN-ACK, or ours in a simultaneous open
 *	sES..sTW	retransmitted SYN-ACK: no change
 *	sNO -> sSR	picked up: the SYN came before we were loaded
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*fin*/	   { sCL, sIV, sIV, sF1, sF1, sF1, sF2, sLA, sCG, sLA, sTW, sF1 },
/*
 *	sSR -> sF1	close in SYN-RECEIVED (3.10.4)
 *	sES -> sF1	we close first
 *	sCW -> sLA	we close after the peer did
 *	sF1, sCG, sLA	retransmitted FIN: no change
 *	sNO -> sF1	picked up as we close
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*finack*/ { sCL, sIV, sIV, sIV, sIV, sIV, sIV, sLA, sCG, sLA, sTW, sIV },
/*
 *	sCW -> sLA	our FIN, acking theirs
 *	sCG, sLA, sTW	retransmitted FIN: no change
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*ack*/	   { sCL, sIV, sIV, sSR, sES, sF1, sF2, sCW, sCG, sLA, sTW, sES },
/*
 *	Our own ACKs never move our state: transitions happen when we
 *	receive (RFC 9293 3.10.7). sSR stays until the peer's ACK arrives.
 *	sNO -> sES	picked up mid-stream
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*ackfin*/ { sCL, sIV, sIV, sIV, sIV, sF1, sF2, sCW, sCG, sLA, sTW, sIV },
/*
 *	We ack the peer's FIN: the state already moved when it arrived.
 */
/*	     sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW  sNO	*/
/*rst*/	   { sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sIV },
/*
 *	any -> sCL	we abort. In sLI it refuses the connection (no
 *			listener, or a full backlog with tcp_abort_on_overflow).
 */
	},
};

u8 sw_state_next(enum sw_dir dir, enum sw_pkt_class pc, u8 state)
{
	if (dir >= SW_DIR_MAX || pc >= SW_PC_MAX || state >= SW_STATE_COLUMNS)
		return SW_NEXT_INVALID;
	return sw_transitions[dir][pc][state];
}

static const char *const sw_state_names[SW_STATE_COLUMNS] = {
	[SYNWATCH_STATE_CLOSED]		= "CLOSED",
	[SYNWATCH_STATE_LISTEN]		= "LISTEN",
	[SYNWATCH_STATE_SYN_SENT]	= "SYN_SENT",
	[SYNWATCH_STATE_SYN_RECEIVED]	= "SYN_RECEIVED",
	[SYNWATCH_STATE_ESTABLISHED]	= "ESTABLISHED",
	[SYNWATCH_STATE_FIN_WAIT_1]	= "FIN_WAIT_1",
	[SYNWATCH_STATE_FIN_WAIT_2]	= "FIN_WAIT_2",
	[SYNWATCH_STATE_CLOSE_WAIT]	= "CLOSE_WAIT",
	[SYNWATCH_STATE_CLOSING]	= "CLOSING",
	[SYNWATCH_STATE_LAST_ACK]	= "LAST_ACK",
	[SYNWATCH_STATE_TIME_WAIT]	= "TIME_WAIT",
	[SW_STATE_NONE]			= "NONE",
};

const char *sw_state_name(u8 state)
{
	return state < SW_STATE_COLUMNS ? sw_state_names[state] : "?";
}

/* Half-open: the handshake has not completed. Evicted first when full. */
bool sw_state_half_open(u8 state)
{
	return state == SYNWATCH_STATE_LISTEN ||
	       state == SYNWATCH_STATE_SYN_SENT ||
	       state == SYNWATCH_STATE_SYN_RECEIVED;
}
