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

#define S_CL SYNWATCH_STATE_CLOSED
#define S_LI SYNWATCH_STATE_LISTEN
#define S_SS SYNWATCH_STATE_SYN_SENT
#define S_SR SYNWATCH_STATE_SYN_RECEIVED
#define S_ES SYNWATCH_STATE_ESTABLISHED
#define S_F1 SYNWATCH_STATE_FIN_WAIT_1
#define S_F2 SYNWATCH_STATE_FIN_WAIT_2
#define S_CW SYNWATCH_STATE_CLOSE_WAIT
#define S_CG SYNWATCH_STATE_CLOSING
#define S_LA SYNWATCH_STATE_LAST_ACK
#define S_TW SYNWATCH_STATE_TIME_WAIT
#define S_NO SW_STATE_NONE
#define S_IV SW_NEXT_INVALID
#define S_RO SW_NEXT_REOPEN

const u8 sw_transitions[SW_DIR_MAX][SW_PC_MAX][SW_STATE_COLUMNS] = {
	[SW_DIR_IN] = {
/* Segments received by the local endpoint. */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*syn*/	   { S_RO, S_LI, S_SR, S_SR, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_RO, S_LI },
/*
 *	S_CL -> S_RO	a new connection on a tuple that just closed
 *	S_LI -> S_LI	retransmitted SYN, still unanswered
 *	S_SS -> S_SR	simultaneous open: our SYN crossed theirs (3.5, fig. 8)
 *	S_SR -> S_SR	retransmitted SYN
 *	S_ES..S_LA	a SYN in a synchronized state is answered by a
 *			challenge ACK (RFC 5961 4), not a state change
 *	S_TW -> S_RO	new SYN on a TIME-WAIT tuple: the tuple is reused
 *	S_NO -> S_LI	passive open: the SYN reached a local port
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*synack*/ { S_IV, S_IV, S_ES, S_ES, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW, S_ES },
/*
 *	S_LI -> S_IV	we sent no SYN, a SYN-ACK can't be for us
 *	S_SS -> S_ES	active open completes; we answer with ACK (3.10.7.3)
 *	S_SR -> S_ES	simultaneous open: the peer acks our SYN
 *	S_ES..S_TW	retransmitted SYN-ACK (our ACK was lost): no change
 *	S_NO -> S_ES	picked up: our SYN went out before we were loaded
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*fin*/	   { S_CL, S_IV, S_IV, S_CW, S_CW, S_CG, S_TW, S_CW, S_CG, S_LA, S_TW, S_CW },
/*
 *	S_CL -> S_CL	late retransmission after the close
 *	S_SR -> S_CW	FIN with an acceptable ACK completes the handshake and
 *			closes the peer's side at once (3.10.7.4)
 *	S_ES -> S_CW	the peer closes first
 *	S_F1 -> S_CG	simultaneous close: FINs crossed (3.6, fig. 13)
 *	S_F2 -> S_TW	the peer's FIN after ours was acked
 *	S_CW, S_CG, S_LA, S_TW	retransmitted FIN: no change
 *	S_NO -> S_CW	picked up as the peer closes
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*finack*/ { S_CL, S_IV, S_IV, S_IV, S_IV, S_TW, S_TW, S_IV, S_TW, S_CL, S_TW, S_IV },
/*
 *	S_F1 -> S_TW	FIN that also acks ours: FIN-WAIT-1 straight to
 *			TIME-WAIT (3.10.7.4, FIN-WAIT-1 case)
 *	S_F2 -> S_TW	retransmitted FIN, ours already acked
 *	S_CG -> S_TW	the peer's FIN again, now acking ours
 *	S_LA -> S_CL	a FIN retransmission that acks ours ends LAST-ACK
 *	others		no FIN of ours to ack: cannot happen
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*ack*/	   { S_CL, S_IV, S_IV, S_ES, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW, S_ES },
/*
 *	S_LI -> S_IV	ACK before we answered the SYN: not for this record
 *	S_SS -> S_IV	only a SYN-ACK can answer our SYN
 *	S_SR -> S_ES	passive open completes (3.10.7.4, SYN-RECEIVED)
 *	S_ES..S_TW	data and ACKs: no change
 *	S_NO -> S_ES	picked up mid-stream
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*ackfin*/ { S_CL, S_IV, S_IV, S_IV, S_IV, S_F2, S_F2, S_IV, S_TW, S_CL, S_TW, S_IV },
/*
 *	S_F1 -> S_F2	our FIN is acked (ack == FIN seq + 1)
 *	S_CG -> S_TW	our FIN is acked after the FINs crossed
 *	S_LA -> S_CL	our FIN is acked: the connection is gone
 *	S_F2, S_TW	duplicate ACKs of our FIN
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*rst*/	   { S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_IV },
/*
 *	any -> S_CL	an acceptable RST aborts the connection (3.10.7).
 *			In S_SS it means the connection was refused. In S_TW
 *			Linux honours it too (tcp_rfc1337=0, the default).
 *	S_NO -> S_IV	an RST for no connection creates nothing
 */
	},
	[SW_DIR_OUT] = {
/* Segments sent by the local endpoint. */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*syn*/	   { S_RO, S_IV, S_SS, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_RO, S_SS },
/*
 *	S_CL -> S_RO	we reuse a tuple that just closed
 *	S_SS -> S_SS	retransmitted SYN
 *	S_TW -> S_RO	we reuse a TIME-WAIT tuple
 *	S_NO -> S_SS	active open
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*synack*/ { S_IV, S_SR, S_IV, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW, S_SR },
/*
 *	S_LI -> S_SR	passive open: we answer the SYN
 *	S_SS -> S_IV	no SYN received yet: nothing to answer
 *	S_SR -> S_SR	retransmitted SYN-ACK, or ours in a simultaneous open
 *	S_ES..S_TW	retransmitted SYN-ACK: no change
 *	S_NO -> S_SR	picked up: the SYN came before we were loaded
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*fin*/	   { S_CL, S_IV, S_IV, S_F1, S_F1, S_F1, S_F2, S_LA, S_CG, S_LA, S_TW, S_F1 },
/*
 *	S_SR -> S_F1	close in SYN-RECEIVED (3.10.4)
 *	S_ES -> S_F1	we close first
 *	S_CW -> S_LA	we close after the peer did
 *	S_F1, S_CG, S_LA	retransmitted FIN: no change
 *	S_NO -> S_F1	picked up as we close
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*finack*/ { S_CL, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_LA, S_CG, S_LA, S_TW, S_IV },
/*
 *	S_CW -> S_LA	our FIN, acking theirs
 *	S_CG, S_LA, S_TW	retransmitted FIN: no change
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*ack*/	   { S_CL, S_IV, S_IV, S_SR, S_ES, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW, S_ES },
/*
 *	Our own ACKs never move our state: transitions happen when we
 *	receive (RFC 9293 3.10.7). S_SR stays until the peer's ACK arrives.
 *	S_NO -> S_ES	picked up mid-stream
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*ackfin*/ { S_CL, S_IV, S_IV, S_IV, S_IV, S_F1, S_F2, S_CW, S_CG, S_LA, S_TW, S_IV },
/*
 *	We ack the peer's FIN: the state already moved when it arrived.
 */
/*	     S_CL  S_LI  S_SS  S_SR  S_ES  S_F1  S_F2  S_CW  S_CG  S_LA  S_TW  S_NO	*/
/*rst*/	   { S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_IV },
/*
 *	any -> S_CL	we abort. In S_LI it refuses the connection (no
 *			listener, or a full backlog with tcp_abort_on_overflow).
 */
	},
};
