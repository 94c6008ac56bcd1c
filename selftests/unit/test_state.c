// UNIT-DEPS: kmod/engine/state.c kmod/engine/segment.c kmod/engine/track.c
// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of the transition table (kmod/engine/state.c).
 *
 * The table below is written independently of state.c, from RFC 9293
 * (state diagram 3.3.2, event processing 3.10) and the one rule that makes
 * synwatch differ from a textbook TCB: the table is the state of the LOCAL
 * endpoint, so it moves when the local endpoint receives a segment (IN) or
 * when sending one proves it did something (OUT: a SYN, a SYN-ACK, a FIN or
 * an RST). Our own ACKs never move our state.
 *
 * synwatch's LISTEN is "a SYN arrived for a local port and is not answered
 * yet" (one record per connection attempt), CLOSED is "this connection is
 * over", and NONE is "no record yet" (the first packet of a tuple).
 *
 * A cell that needs a FIN the other side cannot have sent in that state
 * (e.g. an ACK of our FIN while we are ESTABLISHED: sending our FIN would
 * have moved us to FIN-WAIT-1) is unreachable; those cells are IV, except
 * that ACKs we send stay "no change" like every other ACK of ours.
 */
#include "unit.h"

struct row {
	enum sw_dir dir;
	enum sw_pkt_class pc;
	const char *name;
	u8 next[SW_STATE_COLUMNS];
};

/*
 * One row per (direction, packet class); columns in enum order:
 *             CL  LI  SS  SR  ES  F1  F2  CW  CG  LA  TW  NO
 */
static const struct row expected[] = {
	/*
	 * Received SYN. RFC 9293 3.10.7.2: a SYN reaching a port opens a
	 * connection (NO -> LI); again while unanswered it is the peer's
	 * retransmission (LI, SR stay). 3.10.7.3: SYN in SYN-SENT without
	 * ACK is a simultaneous open (SS -> SR). 3.10.7.4 + RFC 5961 4.2:
	 * a SYN in a synchronized state gets a challenge ACK, no change.
	 * TIME-WAIT (3.6.1) and a finished record: the tuple is reused by a
	 * new connection, so the record ends (RO).
	 */
	{ SW_DIR_IN, SW_PC_SYN, "in syn",
		{ RO, LI, SR, SR, IV, IV, IV, IV, IV, IV, RO, LI } },
	/*
	 * Received SYN-ACK. Only an endpoint that sent a SYN can get one:
	 * SS -> ES (3.10.7.3), SR -> ES in a simultaneous open (it acks our
	 * SYN, 3.10.7.4 SYN-RECEIVED), LI/CL: no SYN of ours, invalid. In
	 * synchronized states it is the peer's retransmission because our
	 * ACK was lost: no change. NO: picked up, our SYN predates us.
	 */
	{ SW_DIR_IN, SW_PC_SYNACK, "in synack",
		{ IV, IV, ES, ES, ES, F1, F2, CW, CG, LA, TW, ES } },
	/*
	 * Received FIN that does not ack a FIN of ours. 3.10.7.4 "eighth":
	 * not processed in CLOSED/LISTEN/SYN-SENT (LI, SS invalid; CL keeps
	 * a late retransmission). SR, ES -> CLOSE-WAIT; FIN-WAIT-1 ->
	 * CLOSING (FINs crossed, 3.6 fig. 13); FIN-WAIT-2 -> TIME-WAIT;
	 * CW, CG, LA, TW: the peer retransmits its FIN, no change.
	 * NO: picked up as the peer closes -> CLOSE-WAIT.
	 */
	{ SW_DIR_IN, SW_PC_FIN, "in fin",
		{ CL, IV, IV, CW, CW, CG, TW, CW, CG, LA, TW, CW } },
	/*
	 * Received FIN that acks our FIN. Our FIN exists only in F1, F2,
	 * CG, LA, TW (and CL after them). F1 -> TIME-WAIT (3.10.7.4,
	 * FIN-WAIT-1: "if our FIN has been ACKed ... enter TIME-WAIT"),
	 * F2 -> TW, CG -> TW (the ACK of our FIN), LA -> CLOSED, TW stays.
	 * LI, SS, SR, ES, CW, NO: we sent no FIN there, unreachable.
	 */
	{ SW_DIR_IN, SW_PC_FINACK, "in finack",
		{ CL, IV, IV, IV, IV, TW, TW, IV, TW, CL, TW, IV } },
	/*
	 * Received ACK (maybe with data) that acks no FIN of ours.
	 * 3.10.7.2: an ACK in LISTEN is answered with RST; 3.10.7.3: in
	 * SYN-SENT only a SYN(-ACK) or RST matters. SR -> ES: the passive
	 * open completes (3.10.7.4 "fifth"). Everywhere else: no change.
	 * NO: picked up mid-stream.
	 */
	{ SW_DIR_IN, SW_PC_ACK, "in ack",
		{ CL, IV, IV, ES, ES, F1, F2, CW, CG, LA, TW, ES } },
	/*
	 * Received ACK of our FIN. F1 -> F2, CG -> TW, LA -> CL (3.10.7.4
	 * "fifth"); F2, TW, CL: duplicates. States without a FIN of ours
	 * are unreachable.
	 */
	{ SW_DIR_IN, SW_PC_ACKFIN, "in ackfin",
		{ CL, IV, IV, IV, IV, F2, F2, IV, TW, CL, TW, IV } },
	/*
	 * Received RST, acceptable (window checked by track.c): the
	 * connection is aborted in every state (3.10.7.3, 3.10.7.4, and
	 * TIME-WAIT as Linux does with tcp_rfc1337=0). LISTEN here is a
	 * connection attempt, not RFC 9293's listening socket, so the
	 * attempt ends. NO: an RST creates no connection.
	 */
	{ SW_DIR_IN, SW_PC_RST, "in rst",
		{ CL, CL, CL, CL, CL, CL, CL, CL, CL, CL, CL, IV } },

	/*
	 * Sent SYN: the active open (NO -> SS, 3.10.1), retransmitted in SS.
	 * A new SYN on a finished or TIME-WAIT tuple is a new connection
	 * (RO). In any other state we have no reason to send a bare SYN
	 * (after a simultaneous open our retransmissions are SYN-ACKs).
	 */
	{ SW_DIR_OUT, SW_PC_SYN, "out syn",
		{ RO, IV, SS, IV, IV, IV, IV, IV, IV, IV, RO, SS } },
	/*
	 * Sent SYN-ACK: answers the peer's SYN, LI -> SR (3.10.7.2), also
	 * our retransmission in SR and our SYN-ACK in a simultaneous open.
	 * Without a SYN from the peer (SS, CL) it makes no sense. In
	 * synchronized states it is a (late) retransmission, no change.
	 * NO: picked up, the SYN predates us.
	 */
	{ SW_DIR_OUT, SW_PC_SYNACK, "out synack",
		{ IV, SR, IV, SR, ES, F1, F2, CW, CG, LA, TW, SR } },
	/*
	 * Sent FIN not acking a peer FIN: CLOSE in SYN-RECEIVED or
	 * ESTABLISHED -> FIN-WAIT-1 (3.10.4); in CLOSE-WAIT -> LAST-ACK.
	 * F1, F2, CG, LA, TW, CL: our retransmission, no change. LISTEN,
	 * SYN-SENT: CLOSE sends no FIN there (3.10.4). NO -> F1.
	 */
	{ SW_DIR_OUT, SW_PC_FIN, "out fin",
		{ CL, IV, IV, F1, F1, F1, F2, LA, CG, LA, TW, F1 } },
	/*
	 * Sent FIN acking the peer's FIN: CLOSE-WAIT -> LAST-ACK; CG, LA,
	 * TW: retransmission. The peer's FIN exists only in CW, CG, LA, TW
	 * and CL, so LI..ES, F1, F2 and NO are unreachable.
	 */
	{ SW_DIR_OUT, SW_PC_FINACK, "out finack",
		{ CL, IV, IV, IV, IV, IV, IV, LA, CG, LA, TW, IV } },
	/*
	 * Sent ACK (data or not): never moves our state. Not in LISTEN or
	 * SYN-SENT, where nothing is synchronized yet. NO: picked up.
	 */
	{ SW_DIR_OUT, SW_PC_ACK, "out ack",
		{ CL, IV, IV, SR, ES, F1, F2, CW, CG, LA, TW, ES } },
	/*
	 * Sent ACK of the peer's FIN: no change either; unreachable before
	 * ESTABLISHED (IV). F1, F2: unreachable too (a peer FIN moves them
	 * on), but kept as "our ACKs never move us".
	 */
	{ SW_DIR_OUT, SW_PC_ACKFIN, "out ackfin",
		{ CL, IV, IV, IV, IV, F1, F2, CW, CG, LA, TW, IV } },
	/*
	 * Sent RST: we abort in every state (3.10.4 ABORT; in LISTEN this
	 * refuses the attempt). An RST with no record creates nothing.
	 */
	{ SW_DIR_OUT, SW_PC_RST, "out rst",
		{ CL, CL, CL, CL, CL, CL, CL, CL, CL, CL, CL, IV } },
};

static const char *const col_names[SW_STATE_COLUMNS] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
	"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
	"TIME_WAIT", "NONE",
};

static const char *next_name(u8 next)
{
	if (next == IV)
		return "INVALID";
	if (next == RO)
		return "REOPEN";
	return next < SW_STATE_COLUMNS ? col_names[next] : "?";
}

/* The expected table has exactly one row per (direction, class). */
TEST(expected_table_is_complete)
{
	bool seen[SW_DIR_MAX][SW_PC_MAX] = { { false } };
	size_t i;

	ASSERT_EQ(SW_DIR_MAX * SW_PC_MAX, (int)ARRAY_SIZE(expected));
	ASSERT_EQ(12, SW_STATE_COLUMNS);
	for (i = 0; i < ARRAY_SIZE(expected); i++) {
		ASSERT_FALSE(seen[expected[i].dir][expected[i].pc]);
		seen[expected[i].dir][expected[i].pc] = true;
	}
}

/* Every one of the 2 x 7 x 12 = 168 cells, compared with the table above. */
TEST(every_cell_matches_rfc9293)
{
	int cells = 0, bad = 0;
	size_t i;
	u8 s;

	for (i = 0; i < ARRAY_SIZE(expected); i++) {
		const struct row *r = &expected[i];

		for (s = 0; s < SW_STATE_COLUMNS; s++) {
			u8 got = sw_state_next(r->dir, r->pc, s);

			cells++;
			if (got == r->next[s])
				continue;
			bad++;
			TH_LOG("%s in %s: expected %s, table says %s",
			       r->name, col_names[s], next_name(r->next[s]),
			       next_name(got));
		}
	}
	EXPECT_EQ(168, cells);
	EXPECT_EQ(0, bad);
}

/* Every cell is a real state, SW_NEXT_INVALID or SW_NEXT_REOPEN. */
TEST(every_cell_is_a_state_or_marker)
{
	int d, pc, s;

	for (d = 0; d < SW_DIR_MAX; d++)
		for (pc = 0; pc < SW_PC_MAX; pc++)
			for (s = 0; s < SW_STATE_COLUMNS; s++) {
				u8 n = sw_state_next(d, pc, s);

				EXPECT_TRUE(n <= SYNWATCH_STATE_MAX ||
					    n == SW_NEXT_INVALID ||
					    n == SW_NEXT_REOPEN)
					TH_LOG("dir %d class %d state %d: %u",
					       d, pc, s, n);
			}
}

/* Structural rules any sane table keeps, whatever the RFC reading. */
TEST(table_invariants)
{
	int d, pc, s;

	for (d = 0; d < SW_DIR_MAX; d++) {
		/* nothing ever leads back to "no record" */
		for (pc = 0; pc < SW_PC_MAX; pc++)
			for (s = 0; s < SW_STATE_COLUMNS; s++)
				EXPECT_NE(NO, sw_state_next(d, pc, s));
		/* an acceptable RST closes every connection ... */
		for (s = 0; s <= SYNWATCH_STATE_MAX; s++)
			EXPECT_EQ(CL, sw_state_next(d, SW_PC_RST, s));
		/* ... and never creates one */
		EXPECT_EQ(IV, sw_state_next(d, SW_PC_RST, NO));
		/* only a SYN ends a record to start a new one */
		for (pc = 0; pc < SW_PC_MAX; pc++)
			for (s = 0; s < SW_STATE_COLUMNS; s++)
				if (sw_state_next(d, pc, s) == RO)
					EXPECT_EQ(SW_PC_SYN, pc);
		/* a SYN on a finished or TIME-WAIT tuple reopens it */
		EXPECT_EQ(RO, sw_state_next(d, SW_PC_SYN, CL));
		EXPECT_EQ(RO, sw_state_next(d, SW_PC_SYN, TW));
		/* CLOSED is final: nothing but a new SYN leaves it */
		for (pc = 0; pc < SW_PC_MAX; pc++) {
			u8 n = sw_state_next(d, pc, CL);

			EXPECT_TRUE(n == CL || n == IV || n == RO);
		}
	}
}

TEST(out_of_range_is_invalid)
{
	EXPECT_EQ(IV, sw_state_next(SW_DIR_MAX, SW_PC_SYN, NO));
	EXPECT_EQ(IV, sw_state_next((enum sw_dir)7, SW_PC_ACK, ES));
	EXPECT_EQ(IV, sw_state_next(SW_DIR_IN, SW_PC_MAX, ES));
	EXPECT_EQ(IV, sw_state_next(SW_DIR_OUT, (enum sw_pkt_class)200, ES));
	EXPECT_EQ(IV, sw_state_next(SW_DIR_IN, SW_PC_RST, SW_STATE_COLUMNS));
	EXPECT_EQ(IV, sw_state_next(SW_DIR_IN, SW_PC_SYN, SW_NEXT_REOPEN));
	EXPECT_EQ(IV, sw_state_next(SW_DIR_IN, SW_PC_SYN, SW_NEXT_INVALID));
	EXPECT_EQ(IV, sw_state_next(SW_DIR_OUT, SW_PC_SYN, 0xff));
	/* the markers are not states, and NONE is the last column */
	EXPECT_GT(SW_NEXT_REOPEN, SW_STATE_NONE);
	EXPECT_GT(SW_NEXT_INVALID, SW_STATE_NONE);
	EXPECT_NE(SW_NEXT_INVALID, SW_NEXT_REOPEN);
	EXPECT_EQ(__SYNWATCH_STATE_MAX, SW_STATE_NONE);
}

TEST(state_names)
{
	u8 s;

	for (s = 0; s < SW_STATE_COLUMNS; s++)
		EXPECT_STREQ(col_names[s], st_state_name(s));
	EXPECT_STREQ("ESTABLISHED", st_state_name(SYNWATCH_STATE_ESTABLISHED));
	EXPECT_STREQ("NONE", st_state_name(SW_STATE_NONE));
	EXPECT_STREQ("?", st_state_name(SW_STATE_COLUMNS));
	EXPECT_STREQ("?", st_state_name(SW_NEXT_INVALID));
	EXPECT_STREQ("?", st_state_name(SW_NEXT_REOPEN));
	EXPECT_STREQ("?", st_state_name(0xff));
}

TEST(half_open_states)
{
	unsigned int s;

	for (s = 0; s <= 0xff; s++) {
		bool want = s == LI || s == SS || s == SR;

		EXPECT_EQ(want, sw_state_half_open(s))
			TH_LOG("state %u", s);
	}
}

TEST_HARNESS_MAIN
