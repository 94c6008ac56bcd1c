// UNIT-DEPS: kmod/engine/state.c kmod/engine/segment.c kmod/engine/track.c
// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of the record tracker (kmod/engine/track.c): whole connections
 * driven packet by packet through sw_rec_init() + sw_track(), asserting the
 * exact state sequence and the final record.
 *
 * Directions are the local endpoint's: IN is received, OUT is sent.
 */
#include "unit.h"

#include <stdio.h>

#include "track.h"

#define T0	1000000000ULL	/* ns: when every test connection starts */
#define GIB	(1ULL << 30)

#define L_ALL	(SW_T_L_SYN | SW_T_L_SYNACK | SW_T_L_COMPLETED | \
		 SW_T_L_RESET | SW_T_L_COOKIE | SW_T_L_REFUSED)

/* SYN options of a packet; zero means "none". */
struct opts {
	u16 mss;
	u8 ws;		/* shift + 1, so that 0 means absent */
	bool sack, ts;
};

/* One connection as both sides see it, and what the tracker said. */
struct conn {
	struct sw_rec r;
	struct sw_track_out out;
	u64 now;		/* time of the next packet */
	u32 nxt[SW_DIR_MAX];	/* next sequence number each side sends */
	int half_open;		/* sum of out.half_open */
	u16 what;		/* OR of out.what over all packets */
	char trail[512];	/* state after each packet, space separated */
	char hist[SYNWATCH_HISTORY_LEN + 1];
};

static struct sw_pkt pkt(u8 flags, u32 seq, u32 ack, u32 len)
{
	struct sw_pkt p;

	memset(&p, 0, sizeof(p));
	p.seq = seq;
	p.ack = ack;
	p.payload = len;
	p.segs = 1;
	p.sport = 40000;
	p.dport = 80;
	p.win = 1000;
	p.flags = flags;
	p.wscale = SW_WSCALE_NONE;
	return p;
}

static void conn_init(struct conn *c, u32 local_isn, u32 remote_isn)
{
	memset(c, 0, sizeof(*c));
	c->now = T0;
	sw_rec_init(&c->r, c->now);
	c->nxt[OUT] = local_isn;
	c->nxt[IN] = remote_isn;
}

/* Feed one packet at c->now; time then moves on by 1 us. */
static int xmit(struct conn *c, enum sw_dir dir, const struct sw_pkt *p)
{
	int rc = sw_track(&c->r, dir, p, c->now, &c->out);
	size_t n = strlen(c->trail);

	c->now += 1000;
	c->half_open += c->out.half_open;
	c->what |= c->out.what;
	snprintf(c->trail + n, sizeof(c->trail) - n, "%s%s", n ? " " : "",
		 st_state_name(c->r.state));
	return rc;
}

/*
 * Send the next segment of one side: seq is that side's next sequence
 * number, ack (if ACK is set) everything the other side sent so far.
 */
static int seg_o(struct conn *c, enum sw_dir dir, u8 flags, u32 len,
		 const struct opts *o)
{
	struct sw_pkt p = pkt(flags, c->nxt[dir],
			      (flags & ACK) ? c->nxt[!dir] : 0, len);

	if (o) {
		p.mss = o->mss;
		p.wscale = o->ws ? o->ws - 1 : SW_WSCALE_NONE;
		p.sack_ok = o->sack;
		p.ts = o->ts;
	}
	if (!(flags & RST))
		c->nxt[dir] += len + !!(flags & SYN) + !!(flags & FIN);
	return xmit(c, dir, &p);
}

static int seg(struct conn *c, enum sw_dir dir, u8 flags, u32 len)
{
	return seg_o(c, dir, flags, len, NULL);
}

static const char *hist(struct conn *c)
{
	sw_rec_history(&c->r, c->hist, sizeof(c->hist));
	return c->hist;
}

/* Run one segment; it must be accepted and leave the record in state. */
#define SEG(c, dir, flags, len, st) do {				\
	ASSERT_EQ(0, seg(c, dir, flags, len));				\
	ASSERT_EQ(st, (c)->r.state)					\
		TH_LOG("after %s", (c)->trail);				\
} while (0)

#define XMIT(c, dir, p, st) do {					\
	ASSERT_EQ(0, xmit(c, dir, p));					\
	ASSERT_EQ(st, (c)->r.state)					\
		TH_LOG("after %s", (c)->trail);				\
} while (0)

/*
 * The peer's FIN, sent before ours reached it: it acks everything of ours
 * but our FIN (the FINs cross, RFC 9293 3.6 figure 13).
 */
static int fin_crossing(struct conn *c)
{
	struct sw_pkt p = pkt(FIN | ACK, c->nxt[IN], c->nxt[OUT] - 1, 0);

	c->nxt[IN]++;
	return xmit(c, IN, &p);
}

/* The three-way handshakes. */
static void handshake_active(struct conn *c)
{
	seg(c, OUT, SYN, 0);
	seg(c, IN, SYN | ACK, 0);
	seg(c, OUT, ACK, 0);
}

static void handshake_passive(struct conn *c)
{
	seg(c, IN, SYN, 0);
	seg(c, OUT, SYN | ACK, 0);
	seg(c, IN, ACK, 0);
}

TEST(record_size)
{
	/* with the table's key and link it makes a 128-byte slab object */
	EXPECT_EQ(72, (int)sizeof(struct sw_rec));
}

/*
 * Ages between two stamps: a stamp a little after "now" (another CPU used
 * the record after this one read its clock) is age 0, not the largest age
 * there is, which made GC expire a record in use.
 */
TEST(since_clock_skew)
{
	EXPECT_EQ(10U, sw_since(100, 90));
	EXPECT_EQ(0U, sw_since(100, 100));
	EXPECT_EQ(0U, sw_since(100, 105));
	EXPECT_EQ(0U, sw_since(100, 100 + SW_CLOCK_SLACK - 1));
	/* across the wrap of the unit */
	EXPECT_EQ(21U, sw_since(5, 0xfffffff0U));
	/* a stamp 5 ms after a clock read, in fine units */
	EXPECT_EQ(0U, sw_since(sw_fine(T0), sw_fine(T0 + 5000000)));
	EXPECT_EQ(sw_fine(T0 + 60 * 1000000000ULL) - sw_fine(T0),
		  sw_since(sw_fine(T0 + 60 * 1000000000ULL), sw_fine(T0)));
}

TEST(rec_init)
{
	struct sw_rec r;
	char h[4] = "xyz";

	memset(&r, 0x5a, sizeof(r));
	sw_rec_init(&r, 5 * GIB + 3 * (1ULL << 20));
	EXPECT_EQ(NO, r.state);
	EXPECT_EQ(SW_WSCALE_NONE, sw_rec_wscale(&r, IN));
	EXPECT_EQ(SW_WSCALE_NONE, sw_rec_wscale(&r, OUT));
	EXPECT_EQ(5U, r.t_first);
	EXPECT_EQ(5U << (30 - SW_AGE_SHIFT), r.t_state);
	EXPECT_EQ(5U * 1024 + 3, r.t_last);
	EXPECT_EQ(0, r.flags);
	EXPECT_EQ(SYNWATCH_CLOSE_NONE, r.reason);
	EXPECT_EQ(SYNWATCH_CLOSER_NONE, r.closer);
	EXPECT_EQ(0U, r.pkts[IN] + r.pkts[OUT]);
	EXPECT_EQ(0U, (u32)sw_rec_bytes(&r, IN) + (u32)sw_rec_bytes(&r, OUT));
	EXPECT_EQ(0U, st_syn_rtt_us(&r));
	EXPECT_EQ(0U, st_synack_rtt_us(&r));
	EXPECT_EQ(0, sw_rec_history(&r, h, sizeof(h)));
	EXPECT_STREQ("", h);
	EXPECT_FALSE(sw_rec_passive_half_open(&r));
}

TEST(active_open)
{
	struct opts o = { .mss = 1460, .ws = 1 + 7, .sack = true, .ts = true };
	struct conn c;

	conn_init(&c, 1000, 90000);
	ASSERT_EQ(0, seg_o(&c, OUT, SYN, 0, &o));
	EXPECT_EQ(SW_T_NEW | SW_T_STATE, c.out.what);
	EXPECT_EQ(NO, c.out.old_state);
	EXPECT_EQ(SS, c.out.new_state);
	EXPECT_EQ(SYNWATCH_CONN_F_ACTIVE | SYNWATCH_CONN_F_SACK_LOCAL |
		  SYNWATCH_CONN_F_TS_LOCAL, c.r.flags);
	SEG(&c, IN, SYN | ACK, 0, ES);
	EXPECT_EQ(SW_T_STATE, c.out.what);
	EXPECT_EQ(SS, c.out.old_state);
	EXPECT_EQ(ES, c.out.new_state);
	SEG(&c, OUT, ACK, 0, ES);
	EXPECT_EQ(0, c.out.what);
	SEG(&c, OUT, PSH | ACK, 100, ES);
	SEG(&c, IN, ACK, 0, ES);
	SEG(&c, IN, PSH | ACK, 2000, ES);
	EXPECT_STREQ("SYN_SENT ESTABLISHED ESTABLISHED ESTABLISHED "
		     "ESTABLISHED ESTABLISHED", c.trail);
	EXPECT_STREQ("ShADad", hist(&c));
	EXPECT_EQ(SYNWATCH_CONN_F_ACTIVE | SYNWATCH_CONN_F_SACK_LOCAL |
		  SYNWATCH_CONN_F_TS_LOCAL, c.r.flags);
	EXPECT_EQ(1000U, c.r.isn[OUT]);
	EXPECT_EQ(90000U, c.r.isn[IN]);
	EXPECT_EQ(1460, c.r.mss[OUT]);
	EXPECT_EQ(0, c.r.mss[IN]);
	EXPECT_EQ(7, sw_rec_wscale(&c.r, OUT));
	EXPECT_EQ(SW_WSCALE_NONE, sw_rec_wscale(&c.r, IN));
	EXPECT_EQ(3U, c.r.pkts[OUT]);
	EXPECT_EQ(3U, c.r.pkts[IN]);
	EXPECT_EQ(100U, (u32)sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(2000U, (u32)sw_rec_bytes(&c.r, IN));
	EXPECT_EQ(SYNWATCH_CLOSE_NONE, c.r.reason);
	EXPECT_EQ(SYNWATCH_CLOSER_NONE, c.r.closer);
	/* the server side's RTT is not ours to measure */
	EXPECT_EQ(0U, st_synack_rtt_us(&c.r));
	EXPECT_NE(0U, st_syn_rtt_us(&c.r));
	/* no listener of ours is involved */
	EXPECT_EQ(0, c.what & L_ALL);
	EXPECT_EQ(0, c.half_open);
	EXPECT_FALSE(sw_rec_passive_half_open(&c.r));
}

TEST(passive_open)
{
	struct opts so = { .mss = 1400, .ws = 1 + 2, .sack = true };
	struct opts ao = { .mss = 8960, .ws = 1 + 9, .ts = true };
	struct conn c;

	conn_init(&c, 3000000000U, 77);
	ASSERT_EQ(0, seg_o(&c, IN, SYN, 0, &so));
	EXPECT_EQ(LI, c.r.state);
	EXPECT_EQ(SW_T_NEW | SW_T_STATE | SW_T_L_SYN, c.out.what);
	EXPECT_EQ(1, c.out.half_open);
	EXPECT_TRUE(sw_rec_passive_half_open(&c.r));
	ASSERT_EQ(0, seg_o(&c, OUT, SYN | ACK, 0, &ao));
	EXPECT_EQ(SR, c.r.state);
	EXPECT_EQ(SW_T_STATE | SW_T_L_SYNACK, c.out.what);
	EXPECT_EQ(0, c.out.half_open);
	SEG(&c, IN, ACK, 0, ES);
	EXPECT_EQ(SW_T_STATE | SW_T_L_COMPLETED, c.out.what);
	EXPECT_EQ(-1, c.out.half_open);
	EXPECT_FALSE(sw_rec_passive_half_open(&c.r));
	EXPECT_STREQ("LISTEN SYN_RECEIVED ESTABLISHED", c.trail);
	EXPECT_STREQ("sHa", hist(&c));
	EXPECT_EQ(SYNWATCH_CONN_F_SACK_REMOTE | SYNWATCH_CONN_F_TS_LOCAL,
		  c.r.flags);
	EXPECT_EQ(77U, c.r.isn[IN]);
	EXPECT_EQ(3000000000U, c.r.isn[OUT]);
	EXPECT_EQ(1400, c.r.mss[IN]);
	EXPECT_EQ(8960, c.r.mss[OUT]);
	EXPECT_EQ(2, sw_rec_wscale(&c.r, IN));
	EXPECT_EQ(9, sw_rec_wscale(&c.r, OUT));
	EXPECT_EQ(0U, st_syn_rtt_us(&c.r));
	EXPECT_NE(0U, st_synack_rtt_us(&c.r));
	EXPECT_EQ(0, c.half_open);
}

/* RFC 9293 3.5 figure 8: the SYNs cross. */
TEST(simultaneous_open)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 100, 300);
	SEG(&c, OUT, SYN, 0, SS);
	SEG(&c, IN, SYN, 0, SR);
	EXPECT_EQ(SW_T_STATE, c.out.what);
	EXPECT_TRUE(c.r.flags & SYNWATCH_CONN_F_SIMULTANEOUS);
	/* each side answers with SYN-ACK (same ISN), acking the other's SYN */
	c.nxt[OUT] = 100;
	SEG(&c, OUT, SYN | ACK, 0, SR);
	p = pkt(SYN | ACK, 300, 101, 0);
	XMIT(&c, IN, &p, ES);
	SEG(&c, OUT, ACK, 0, ES);
	EXPECT_STREQ("SYN_SENT SYN_RECEIVED SYN_RECEIVED ESTABLISHED "
		     "ESTABLISHED", c.trail);
	EXPECT_STREQ("SsHhA", hist(&c));
	EXPECT_EQ(SYNWATCH_CONN_F_ACTIVE | SYNWATCH_CONN_F_SIMULTANEOUS,
		  c.r.flags);
	EXPECT_EQ(100U, c.r.isn[OUT]);
	EXPECT_EQ(300U, c.r.isn[IN]);
	/* not a listener's connection: no accounting, no half-open */
	EXPECT_EQ(0, c.what & L_ALL);
	EXPECT_EQ(0, c.half_open);
	EXPECT_EQ(0, c.r.rtx_syn + c.r.rtx_synack);
}

/* RFC 9293 3.6 figure 13: the FINs cross. */
TEST(simultaneous_close)
{
	struct conn c;

	conn_init(&c, 1, 2);
	handshake_active(&c);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	ASSERT_EQ(0, fin_crossing(&c));
	EXPECT_EQ(CG, c.r.state);
	EXPECT_EQ(SYNWATCH_CLOSER_BOTH, c.r.closer);
	SEG(&c, OUT, ACK, 0, CG);	/* we ack their FIN */
	SEG(&c, IN, ACK, 0, TW);	/* they ack ours */
	EXPECT_STREQ("SYN_SENT ESTABLISHED ESTABLISHED FIN_WAIT_1 CLOSING "
		     "CLOSING TIME_WAIT", c.trail);
	EXPECT_STREQ("ShAFfa", hist(&c));
	EXPECT_EQ(SYNWATCH_CLOSER_BOTH, c.r.closer);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, c.r.reason);
	EXPECT_EQ(0U, c.r.rtx_fin);
}

/* Same, but their ACK of our FIN arrives before we ack theirs. */
TEST(simultaneous_close_other_order)
{
	struct conn c;

	conn_init(&c, 0xfffffff0, 0x7ffffff0);
	handshake_passive(&c);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	ASSERT_EQ(0, fin_crossing(&c));
	EXPECT_EQ(CG, c.r.state);
	SEG(&c, IN, ACK, 0, TW);
	SEG(&c, OUT, ACK, 0, TW);
	EXPECT_STREQ("LISTEN SYN_RECEIVED ESTABLISHED FIN_WAIT_1 CLOSING "
		     "TIME_WAIT TIME_WAIT", c.trail);
	EXPECT_EQ(SYNWATCH_CLOSER_BOTH, c.r.closer);
	EXPECT_STREQ("sHaFfA", hist(&c));
}

TEST(close_local_first)
{
	struct conn c;

	conn_init(&c, 5, 6);
	handshake_active(&c);
	SEG(&c, OUT, PSH | ACK, 10, ES);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	EXPECT_EQ(SW_T_STATE, c.out.what);
	EXPECT_EQ(SYNWATCH_CLOSER_LOCAL, c.r.closer);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, c.r.reason);
	SEG(&c, IN, ACK, 0, F2);
	SEG(&c, IN, PSH | ACK, 20, F2);	/* half-closed: they still send */
	SEG(&c, OUT, ACK, 0, F2);
	SEG(&c, IN, FIN | ACK, 0, TW);
	SEG(&c, OUT, ACK, 0, TW);
	EXPECT_STREQ("SYN_SENT ESTABLISHED ESTABLISHED ESTABLISHED FIN_WAIT_1 "
		     "FIN_WAIT_2 FIN_WAIT_2 FIN_WAIT_2 TIME_WAIT TIME_WAIT",
		     c.trail);
	EXPECT_STREQ("ShADFadf", hist(&c));
	EXPECT_EQ(SYNWATCH_CLOSER_LOCAL, c.r.closer);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, c.r.reason);
	EXPECT_EQ(10U, (u32)sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(20U, (u32)sw_rec_bytes(&c.r, IN));
}

TEST(close_remote_first)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 5, 6);
	handshake_passive(&c);
	SEG(&c, IN, FIN | ACK, 0, CW);
	EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, c.r.closer);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, c.r.reason);
	SEG(&c, OUT, ACK, 0, CW);
	SEG(&c, OUT, PSH | ACK, 30, CW);	/* we may still send */
	SEG(&c, OUT, FIN | ACK, 0, LA);
	SEG(&c, IN, ACK, 0, CL);
	EXPECT_STREQ("LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT CLOSE_WAIT "
		     "CLOSE_WAIT LAST_ACK CLOSED", c.trail);
	EXPECT_STREQ("sHafADF", hist(&c));
	EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, c.r.closer);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, c.r.reason);
	EXPECT_EQ(30U, (u32)sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(0U, (u32)sw_rec_bytes(&c.r, IN));
	/* a late retransmission of their FIN changes nothing */
	p = pkt(FIN | ACK, c.nxt[IN] - 1, c.nxt[OUT], 0);
	XMIT(&c, IN, &p, CL);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, c.r.reason);
}

/* RFC 9293 3.10.7.4: a FIN that acks ours takes FIN-WAIT-1 to TIME-WAIT. */
TEST(finack_in_fin_wait_1)
{
	struct conn c;

	conn_init(&c, 5, 6);
	handshake_active(&c);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	SEG(&c, IN, FIN | ACK, 0, TW);
	SEG(&c, OUT, ACK, 0, TW);
	EXPECT_STREQ("SYN_SENT ESTABLISHED ESTABLISHED FIN_WAIT_1 TIME_WAIT "
		     "TIME_WAIT", c.trail);
	EXPECT_EQ(SYNWATCH_CLOSER_LOCAL, c.r.closer);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, c.r.reason);
	EXPECT_STREQ("ShAFf", hist(&c));
}

/* An ACK that does not reach our FIN leaves FIN-WAIT-1 alone. */
TEST(ack_below_fin_in_fin_wait_1)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 5, 6);
	handshake_active(&c);
	SEG(&c, OUT, PSH | ACK, 100, ES);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	p = pkt(ACK, c.nxt[IN], c.nxt[OUT] - 1, 0);	/* data, not FIN */
	XMIT(&c, IN, &p, F1);
	p = pkt(ACK, c.nxt[IN], c.nxt[OUT] - 50, 0);
	XMIT(&c, IN, &p, F1);
	SEG(&c, IN, ACK, 0, F2);
}

/* RFC 9293 3.10.7.4: an ACK of something not yet sent is dropped. */
TEST(ack_beyond_fin_is_not_fin_ack)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 5, 6);
	handshake_active(&c);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	p = pkt(ACK, c.nxt[IN], c.nxt[OUT] + 1000, 0);
	XMIT(&c, IN, &p, F1);
	p = pkt(FIN | ACK, c.nxt[IN], c.nxt[OUT] + 1, 0);
	XMIT(&c, IN, &p, CG);
}

/* Sequence numbers compare modulo 2^32 (RFC 9293 3.4). */
TEST(fin_ack_wraps_past_zero)
{
	struct conn c;
	struct sw_pkt p;

	/* 20 bytes after the SYN take our sequence space past 2^32 */
	conn_init(&c, 0xfffffff0, 0xffffffff);
	handshake_active(&c);
	EXPECT_EQ(0xfffffff1U, c.nxt[OUT]);
	EXPECT_EQ(0U, c.nxt[IN]);
	SEG(&c, OUT, PSH | ACK, 20, ES);
	EXPECT_EQ(5U, c.nxt[OUT]);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	/* acks up to 0xfffffff9 and 5 (the data) do not ack the FIN (6) */
	p = pkt(ACK, c.nxt[IN], 0xfffffff9, 0);
	XMIT(&c, IN, &p, F1);
	p = pkt(ACK, c.nxt[IN], 5, 0);
	XMIT(&c, IN, &p, F1);
	EXPECT_EQ(6U, c.nxt[OUT]);
	SEG(&c, IN, ACK, 0, F2);
	/* their side wrapped at the SYN-ACK: FIN at seq 7 after 7 bytes */
	SEG(&c, IN, PSH | ACK, 7, F2);
	SEG(&c, IN, FIN | ACK, 0, TW);
	SEG(&c, OUT, ACK, 0, TW);
	EXPECT_EQ(20U, (u32)sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(7U, (u32)sw_rec_bytes(&c.r, IN));
	EXPECT_EQ(0, c.r.wraps[OUT]);
	EXPECT_EQ(0, c.r.wraps[IN]);
}

/* The remote-first close with its FIN's ack wrapping past 0. */
TEST(remote_fin_ack_wraps_past_zero)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 0x80000000, 0xfffffffa);
	handshake_passive(&c);
	SEG(&c, IN, PSH | ACK, 5, ES);	/* their next seq: 0 */
	EXPECT_EQ(0U, c.nxt[IN]);
	SEG(&c, IN, FIN | ACK, 0, CW);
	/* our ACK of their FIN (ack 1) */
	SEG(&c, OUT, ACK, 0, CW);
	p = pkt(FIN | ACK, c.nxt[OUT], 0xffffffff, 0);	/* not acking it */
	c.nxt[OUT]++;
	XMIT(&c, OUT, &p, LA);
	SEG(&c, IN, ACK, 0, CL);
	EXPECT_EQ(5U, (u32)sw_rec_bytes(&c.r, IN));
}

TEST(refused_active)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 4242, 0);
	SEG(&c, OUT, SYN, 0, SS);
	p = pkt(RST | ACK, 0, 4243, 0);
	XMIT(&c, IN, &p, CL);
	EXPECT_EQ(SW_T_STATE, c.out.what);
	EXPECT_EQ(SYNWATCH_CLOSE_REFUSED, c.r.reason);
	EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, c.r.closer);
	EXPECT_STREQ("Sr", hist(&c));
	EXPECT_EQ(0, c.out.half_open);
	EXPECT_EQ(0U, (u32)sw_rec_bytes(&c.r, IN));
	EXPECT_EQ(0U, st_syn_rtt_us(&c.r));
}

/* A refused Fast Open SYN: the RST acks the SYN's data too. */
TEST(refused_active_with_syn_data)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 4242, 0);
	SEG(&c, OUT, SYN, 100, SS);
	p = pkt(RST | ACK, 0, 4242 + 1 + 100 + 1, 0);	/* beyond SND.NXT */
	EXPECT_EQ(-1, xmit(&c, IN, &p));
	EXPECT_EQ(SYNWATCH_INVALID_RST_WINDOW, c.out.invalid);
	p = pkt(RST | ACK, 0, 4242 + 1 + 100, 0);
	XMIT(&c, IN, &p, CL);
	EXPECT_EQ(SYNWATCH_CLOSE_REFUSED, c.r.reason);
	EXPECT_EQ(100U, (u32)sw_rec_bytes(&c.r, OUT));

	/* acking the SYN alone is acceptable too (ISS < ack =< SND.NXT) */
	conn_init(&c, 4242, 0);
	SEG(&c, OUT, SYN, 100, SS);
	p = pkt(RST | ACK, 0, 4243, 0);
	XMIT(&c, IN, &p, CL);
	EXPECT_EQ(SYNWATCH_CLOSE_REFUSED, c.r.reason);
}

/* RFC 9293 3.10.7.3: in SYN-SENT only an RST acking our SYN counts. */
TEST(refused_active_bad_ack)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 4242, 0);
	SEG(&c, OUT, SYN, 0, SS);
	p = pkt(RST | ACK, 0, 4242, 0);		/* acks nothing */
	EXPECT_EQ(-1, xmit(&c, IN, &p));
	EXPECT_EQ(SYNWATCH_INVALID_RST_WINDOW, c.out.invalid);
	p = pkt(RST | ACK, 0, 4244, 0);		/* acks too much */
	EXPECT_EQ(-1, xmit(&c, IN, &p));
	p = pkt(RST, 4243, 0, 0);		/* no ACK at all */
	EXPECT_EQ(-1, xmit(&c, IN, &p));
	EXPECT_EQ(SYNWATCH_INVALID_RST_WINDOW, c.out.invalid);
	EXPECT_EQ(SS, c.r.state);
	EXPECT_EQ(SYNWATCH_CLOSE_NONE, c.r.reason);
	EXPECT_EQ(0U, c.r.pkts[IN]);
	EXPECT_STREQ("S", hist(&c));
}

TEST(refused_passive)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 0, 777);
	SEG(&c, IN, SYN, 0, LI);
	p = pkt(RST | ACK, 0, 778, 0);
	XMIT(&c, OUT, &p, CL);
	EXPECT_EQ(SW_T_STATE | SW_T_L_REFUSED, c.out.what);
	EXPECT_EQ(-1, c.out.half_open);
	EXPECT_EQ(0, c.half_open);
	EXPECT_EQ(SYNWATCH_CLOSE_REFUSED, c.r.reason);
	EXPECT_EQ(SYNWATCH_CLOSER_LOCAL, c.r.closer);
	EXPECT_STREQ("sR", hist(&c));
	/* a refusal is not a reset of a half-open connection */
	EXPECT_EQ(0, c.what & SW_T_L_RESET);
}

TEST(rtx_syn_active)
{
	struct conn c;
	struct sw_pkt syn;

	conn_init(&c, 1000, 2000);
	syn = pkt(SYN, 1000, 0, 0);
	XMIT(&c, OUT, &syn, SS);
	XMIT(&c, OUT, &syn, SS);
	EXPECT_EQ(SW_T_RTX, c.out.what);
	EXPECT_EQ(SS, c.out.new_state);
	XMIT(&c, OUT, &syn, SS);
	EXPECT_EQ(2, c.r.rtx_syn);
	EXPECT_STREQ("ST", hist(&c));
	c.nxt[OUT] = 1001;
	SEG(&c, IN, SYN | ACK, 0, ES);
	EXPECT_STREQ("SYN_SENT SYN_SENT SYN_SENT ESTABLISHED", c.trail);
	EXPECT_EQ(3U, c.r.pkts[OUT]);
	EXPECT_EQ(0U, (u32)sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(0, c.r.rtx_synack + c.r.rtx_fin);
}

TEST(rtx_syn_passive)
{
	struct conn c;
	struct sw_pkt syn;

	conn_init(&c, 1000, 2000);
	syn = pkt(SYN, 2000, 0, 0);
	XMIT(&c, IN, &syn, LI);
	XMIT(&c, IN, &syn, LI);
	EXPECT_EQ(SW_T_RTX, c.out.what);	/* no second L_SYN */
	EXPECT_EQ(0, c.out.half_open);
	c.nxt[IN] = 2001;
	SEG(&c, OUT, SYN | ACK, 0, SR);
	XMIT(&c, IN, &syn, SR);			/* our SYN-ACK was lost */
	EXPECT_EQ(SW_T_RTX, c.out.what);
	EXPECT_EQ(2, c.r.rtx_syn);
	EXPECT_EQ(0, c.r.rtx_synack);
	EXPECT_STREQ("stH", hist(&c));
	EXPECT_EQ(1, c.half_open);
}

/* A SYN with a new ISN is a new attempt, not a retransmission. */
TEST(new_syn_in_syn_sent)
{
	struct conn c;
	struct sw_pkt syn;

	conn_init(&c, 1000, 2000);
	syn = pkt(SYN, 1000, 0, 0);
	XMIT(&c, OUT, &syn, SS);
	syn.seq = 5000;
	syn.mss = 1200;
	XMIT(&c, OUT, &syn, SS);
	EXPECT_EQ(0, c.out.what);
	EXPECT_EQ(0, c.r.rtx_syn);
	EXPECT_EQ(5000U, c.r.isn[OUT]);
	EXPECT_EQ(1200, c.r.mss[OUT]);
	c.nxt[OUT] = 5001;
	SEG(&c, IN, SYN | ACK, 0, ES);
}

TEST(rtx_synack)
{
	struct conn c;
	struct sw_pkt sa;

	/* server: our SYN-ACK again, their ACK was lost */
	conn_init(&c, 1000, 2000);
	SEG(&c, IN, SYN, 0, LI);
	sa = pkt(SYN | ACK, 1000, 2001, 0);
	XMIT(&c, OUT, &sa, SR);
	XMIT(&c, OUT, &sa, SR);
	EXPECT_EQ(SW_T_RTX, c.out.what);	/* no second L_SYNACK */
	EXPECT_EQ(1, c.r.rtx_synack);
	c.nxt[OUT] = 1001;
	SEG(&c, IN, ACK, 0, ES);
	EXPECT_STREQ("sHTa", hist(&c));

	/* client: their SYN-ACK again in ESTABLISHED, our ACK was lost */
	conn_init(&c, 1000, 2000);
	SEG(&c, OUT, SYN, 0, SS);
	sa = pkt(SYN | ACK, 2000, 1001, 0);
	XMIT(&c, IN, &sa, ES);
	c.nxt[IN] = 2001;
	SEG(&c, OUT, ACK, 0, ES);
	XMIT(&c, IN, &sa, ES);
	EXPECT_EQ(SW_T_RTX, c.out.what);
	EXPECT_EQ(1, c.r.rtx_synack);
	EXPECT_EQ(0, c.r.rtx_syn);
	EXPECT_STREQ("ShAt", hist(&c));
	EXPECT_EQ(2000U, c.r.isn[IN]);
	EXPECT_EQ(0U, (u32)sw_rec_bytes(&c.r, IN));
}

TEST(rtx_fin)
{
	struct conn c;
	struct sw_pkt ours, theirs;

	conn_init(&c, 1000, 2000);
	handshake_active(&c);
	SEG(&c, OUT, PSH | ACK, 10, ES);
	ours = pkt(FIN | ACK, c.nxt[OUT], c.nxt[IN], 0);
	c.nxt[OUT]++;
	XMIT(&c, OUT, &ours, F1);
	XMIT(&c, OUT, &ours, F1);
	EXPECT_EQ(SW_T_RTX, c.out.what);
	/* a retransmission carrying data and the FIN */
	ours = pkt(FIN | ACK, c.nxt[OUT] - 11, c.nxt[IN], 10);
	XMIT(&c, OUT, &ours, F1);
	EXPECT_EQ(SW_T_RTX, c.out.what);
	EXPECT_EQ(2, c.r.rtx_fin);
	SEG(&c, IN, ACK, 0, F2);
	theirs = pkt(FIN | ACK, c.nxt[IN], c.nxt[OUT], 0);
	c.nxt[IN]++;
	XMIT(&c, IN, &theirs, TW);
	XMIT(&c, IN, &theirs, TW);		/* our last ACK was lost */
	EXPECT_EQ(SW_T_RTX, c.out.what);
	EXPECT_EQ(3, c.r.rtx_fin);
	EXPECT_STREQ("ShADFTaft", hist(&c));
	EXPECT_STREQ("SYN_SENT ESTABLISHED ESTABLISHED ESTABLISHED FIN_WAIT_1 "
		     "FIN_WAIT_1 FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT TIME_WAIT",
		     c.trail);
	EXPECT_EQ(10U, (u32)sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(0U, (u32)sw_rec_bytes(&c.r, IN));
	EXPECT_EQ(0, c.r.rtx_syn + c.r.rtx_synack);
}

TEST(rtx_fin_close_wait_and_last_ack)
{
	struct conn c;
	struct sw_pkt theirs, ours;

	conn_init(&c, 1000, 2000);
	handshake_passive(&c);
	theirs = pkt(FIN | ACK, c.nxt[IN], c.nxt[OUT], 0);
	c.nxt[IN]++;
	XMIT(&c, IN, &theirs, CW);
	XMIT(&c, IN, &theirs, CW);
	EXPECT_EQ(SW_T_RTX, c.out.what);
	ours = pkt(FIN | ACK, c.nxt[OUT], c.nxt[IN], 0);
	c.nxt[OUT]++;
	XMIT(&c, OUT, &ours, LA);
	XMIT(&c, OUT, &ours, LA);
	EXPECT_EQ(SW_T_RTX, c.out.what);
	/* their FIN again, now acking ours: LAST-ACK is over */
	theirs.ack = c.nxt[OUT];
	XMIT(&c, IN, &theirs, CL);
	EXPECT_EQ(SW_T_RTX | SW_T_STATE, c.out.what);
	EXPECT_EQ(3, c.r.rtx_fin);
	EXPECT_STREQ("sHaftFT", hist(&c));
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, c.r.reason);
}

TEST(reopen_time_wait)
{
	struct conn c;
	struct sw_rec before;
	struct sw_pkt syn;

	conn_init(&c, 1000, 2000);
	handshake_active(&c);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	SEG(&c, IN, FIN | ACK, 0, TW);
	before = c.r;
	/* the peer reuses the tuple */
	syn = pkt(SYN, 900000, 0, 0);
	ASSERT_EQ(0, xmit(&c, IN, &syn));
	EXPECT_EQ(SW_T_REOPEN, c.out.what);
	EXPECT_EQ(TW, c.out.old_state);
	EXPECT_EQ(TW, c.out.new_state);
	EXPECT_EQ(0, memcmp(&before, &c.r, sizeof(before)));
	/* so do we */
	ASSERT_EQ(0, xmit(&c, OUT, &syn));
	EXPECT_EQ(SW_T_REOPEN, c.out.what);
	EXPECT_EQ(0, memcmp(&before, &c.r, sizeof(before)));
	/* the caller ends the record and runs the SYN on a new one */
	sw_rec_close(&c.r, SYNWATCH_CLOSE_TIMEOUT);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, c.r.reason);
	conn_init(&c, 0, 900000);
	XMIT(&c, IN, &syn, LI);
	EXPECT_EQ(SW_T_NEW | SW_T_STATE | SW_T_L_SYN, c.out.what);
}

TEST(reopen_closed)
{
	struct conn c;
	struct sw_rec before;
	struct sw_pkt syn;

	conn_init(&c, 1000, 2000);
	handshake_passive(&c);
	SEG(&c, IN, FIN | ACK, 0, CW);
	SEG(&c, OUT, FIN | ACK, 0, LA);
	SEG(&c, IN, ACK, 0, CL);
	before = c.r;
	syn = pkt(SYN, 5, 0, 0);
	ASSERT_EQ(0, xmit(&c, IN, &syn));
	EXPECT_EQ(SW_T_REOPEN, c.out.what);
	ASSERT_EQ(0, xmit(&c, OUT, &syn));
	EXPECT_EQ(SW_T_REOPEN, c.out.what);
	EXPECT_EQ(0, memcmp(&before, &c.r, sizeof(before)));
	/* a refused attempt's retransmitted SYN is a new attempt too */
	conn_init(&c, 0, 2000);
	SEG(&c, IN, SYN, 0, LI);
	syn = pkt(RST | ACK, 0, 2001, 0);
	XMIT(&c, OUT, &syn, CL);
	syn = pkt(SYN, 2000, 0, 0);
	ASSERT_EQ(0, xmit(&c, IN, &syn));
	EXPECT_EQ(SW_T_REOPEN, c.out.what);
}

TEST(pickup_ack)
{
	struct conn c;

	conn_init(&c, 50000, 60000);
	SEG(&c, IN, ACK, 0, ES);
	EXPECT_EQ(SW_T_NEW | SW_T_STATE | SW_T_PICKUP | SW_T_L_COOKIE,
		  c.out.what);
	EXPECT_EQ(SYNWATCH_CONN_F_PICKUP, c.r.flags);
	EXPECT_EQ(0, c.out.half_open);
	SEG(&c, OUT, PSH | ACK, 500, ES);
	SEG(&c, IN, PSH | ACK, 70, ES);
	EXPECT_STREQ("PaDd", hist(&c));
	EXPECT_EQ(500U, (u32)sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(70U, (u32)sw_rec_bytes(&c.r, IN));
	/* the ISN is unknown: the first seq - 1 stands for it */
	EXPECT_EQ(49999U, c.r.isn[OUT]);
	EXPECT_EQ(59999U, c.r.isn[IN]);
	/* and it closes like any other */
	SEG(&c, OUT, FIN | ACK, 0, F1);
	SEG(&c, IN, FIN | ACK, 0, TW);
	EXPECT_EQ(500U, (u32)sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(0U, st_syn_rtt_us(&c.r) + st_synack_rtt_us(&c.r));
}

TEST(pickup_data)
{
	struct conn c;

	conn_init(&c, 50000, 60000);
	SEG(&c, OUT, PSH | ACK, 1448, ES);
	EXPECT_EQ(SW_T_NEW | SW_T_STATE | SW_T_PICKUP, c.out.what);
	EXPECT_STREQ("PD", hist(&c));
	conn_init(&c, 50000, 60000);
	SEG(&c, IN, PSH | ACK, 1448, ES);
	/* data, not a bare ACK completing a handshake: no cookie */
	EXPECT_EQ(SW_T_NEW | SW_T_STATE | SW_T_PICKUP, c.out.what);
	EXPECT_STREQ("Pd", hist(&c));
	EXPECT_EQ(1448U, (u32)sw_rec_bytes(&c.r, IN));
}

TEST(pickup_fin)
{
	struct conn c;

	conn_init(&c, 50000, 60000);
	SEG(&c, IN, FIN | ACK, 0, CW);
	EXPECT_EQ(SW_T_NEW | SW_T_STATE | SW_T_PICKUP, c.out.what);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, c.r.reason);
	EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, c.r.closer);
	SEG(&c, OUT, ACK, 0, CW);
	SEG(&c, OUT, FIN | ACK, 0, LA);
	SEG(&c, IN, ACK, 0, CL);
	EXPECT_STREQ("PfAFa", hist(&c));
	EXPECT_EQ(0U, (u32)sw_rec_bytes(&c.r, IN));

	conn_init(&c, 50000, 60000);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	EXPECT_EQ(SYNWATCH_CLOSER_LOCAL, c.r.closer);
	SEG(&c, IN, ACK, 0, F2);
	EXPECT_STREQ("PFa", hist(&c));
}

TEST(pickup_synack)
{
	struct conn c;

	/* their SYN came before we were loaded; our SYN-ACK is seen */
	conn_init(&c, 50000, 60000);
	c.nxt[IN]++;
	SEG(&c, OUT, SYN | ACK, 0, SR);
	EXPECT_EQ(SW_T_NEW | SW_T_STATE | SW_T_PICKUP, c.out.what);
	EXPECT_EQ(0, c.out.half_open);
	c.now += 300000;
	SEG(&c, IN, ACK, 0, ES);
	EXPECT_EQ(0, c.half_open);
	EXPECT_STREQ("PHa", hist(&c));
	/* the SYN-ACK was seen, so its RTT is a real one (~301 us) */
	EXPECT_GE(302U, st_synack_rtt_us(&c.r));
	EXPECT_LE(300U, st_synack_rtt_us(&c.r));

	/* our SYN went out before we were loaded */
	conn_init(&c, 50000, 60000);
	c.nxt[OUT]++;
	SEG(&c, IN, SYN | ACK, 0, ES);
	EXPECT_EQ(SW_T_NEW | SW_T_STATE | SW_T_PICKUP, c.out.what);
	EXPECT_EQ(0U, st_syn_rtt_us(&c.r));
	EXPECT_STREQ("Ph", hist(&c));
}

TEST(track_creates)
{
	static const u8 yes[] = {
		SYN, SYN | ACK, ACK, PSH | ACK, FIN | ACK, SYN | SW_TCP_ECE,
	};
	static const u8 no[] = {
		RST, RST | ACK, RST | PSH | ACK,
		/* no ACK, no SYN, no RST: dropped by any receiver */
		PSH, URG, PSH | URG, PSH | ECE,
	};
	size_t i;
	int d;

	for (d = 0; d < SW_DIR_MAX; d++) {
		for (i = 0; i < ARRAY_SIZE(yes); i++) {
			struct sw_pkt p = pkt(yes[i], 1, 1, 0);

			EXPECT_TRUE(sw_track_creates(d, &p))
				TH_LOG("dir %d flags %#x", d, yes[i]);
		}
		for (i = 0; i < ARRAY_SIZE(no); i++) {
			struct sw_pkt p = pkt(no[i], 1, 1, 10);

			EXPECT_FALSE(sw_track_creates(d, &p))
				TH_LOG("dir %d flags %#x", d, no[i]);
		}
	}
}

/* A lone RST on a new record: ignored, no state, nothing recorded. */
TEST(lone_rst_ignored)
{
	struct conn c;
	struct sw_pkt p = pkt(RST, 1, 0, 0);

	conn_init(&c, 0, 0);
	ASSERT_EQ(0, xmit(&c, IN, &p));
	EXPECT_EQ(SW_T_IGNORED, c.out.what);
	EXPECT_EQ(NO, c.r.state);
	EXPECT_STREQ("", hist(&c));
}

/*
 * RFC 9293 3.10.7.4 "fifth": a segment without ACK (and without SYN or
 * RST) is dropped; it completes no handshake.
 */
TEST(segment_without_ack_ignored)
{
	struct conn c;

	conn_init(&c, 1000, 2000);
	SEG(&c, IN, SYN, 0, LI);
	SEG(&c, OUT, SYN | ACK, 0, SR);
	ASSERT_EQ(0, seg(&c, IN, PSH, 10));
	EXPECT_EQ(SR, c.r.state);
	EXPECT_EQ(SW_T_IGNORED, c.out.what);
	EXPECT_EQ(0, c.out.half_open);
	EXPECT_STREQ("sH", hist(&c));
	EXPECT_EQ(2U, c.r.pkts[IN]);
	c.nxt[IN] -= 10;
	SEG(&c, IN, ACK, 0, ES);
	EXPECT_EQ(SW_T_STATE | SW_T_L_COMPLETED, c.out.what);
	/* nor is its payload data of the connection, either way */
	ASSERT_EQ(0, seg(&c, IN, PSH | URG, 100));
	EXPECT_EQ(SW_T_IGNORED, c.out.what);
	ASSERT_EQ(0, seg(&c, OUT, PSH, 100));
	EXPECT_EQ(SW_T_IGNORED, c.out.what);
	EXPECT_EQ(0U, (u32)sw_rec_bytes(&c.r, IN));
	EXPECT_EQ(0U, (u32)sw_rec_bytes(&c.r, OUT));
	EXPECT_STREQ("sHa", hist(&c));
}

/*
 * A SYN-ACK that is no retransmission (another ISN) in a synchronized
 * state gets a challenge ACK (RFC 5961 4.2): it must not resynchronize
 * the record's sequence space or options.
 */
TEST(stray_synack_in_established)
{
	struct opts o = { .mss = 1460, .ws = 1 + 7 };
	struct opts bad = { .mss = 536, .ws = 1 + 1 };
	struct conn c;
	struct sw_rec before;
	struct sw_pkt p;
	int d;

	conn_init(&c, 1000, 2000);
	seg_o(&c, OUT, SYN, 0, &o);
	seg_o(&c, IN, SYN | ACK, 0, &o);
	SEG(&c, OUT, ACK, 0, ES);
	SEG(&c, IN, PSH | ACK, 5000, ES);
	SEG(&c, OUT, PSH | ACK, 3000, ES);
	for (d = 0; d < SW_DIR_MAX; d++) {
		before = c.r;
		p = pkt(SYN | ACK, 0x12345678, c.nxt[!d], 0);
		p.mss = bad.mss;
		p.wscale = bad.ws - 1;
		XMIT(&c, d, &p, ES);
		EXPECT_EQ(SW_T_IGNORED, c.out.what);
		EXPECT_EQ(before.isn[d], c.r.isn[d]);
		EXPECT_EQ(before.end[d], c.r.end[d]);
		EXPECT_EQ(before.mss[d], c.r.mss[d]);
		EXPECT_EQ(before.wscale, c.r.wscale);
	}
	EXPECT_EQ(5000U, (u32)sw_rec_bytes(&c.r, IN));
	EXPECT_EQ(3000U, (u32)sw_rec_bytes(&c.r, OUT));
	EXPECT_STREQ("ShAdD", hist(&c));
	SEG(&c, OUT, FIN | ACK, 0, F1);
	SEG(&c, IN, ACK, 0, F2);
}

/* What the table calls invalid is counted but changes nothing else. */
TEST(invalid_packets_ignored)
{
	struct conn c;
	struct sw_rec before;
	struct sw_pkt p;

	conn_init(&c, 1000, 2000);
	SEG(&c, IN, SYN, 0, LI);
	before = c.r;
	p = pkt(ACK, 2001, 1001, 0);		/* ACK before our SYN-ACK */
	XMIT(&c, IN, &p, LI);
	EXPECT_EQ(SW_T_IGNORED, c.out.what);
	EXPECT_EQ(LI, c.out.new_state);
	EXPECT_EQ(0, c.out.invalid);
	EXPECT_EQ(0, c.out.half_open);
	EXPECT_EQ(before.pkts[IN] + 1, c.r.pkts[IN]);
	EXPECT_STREQ("s", hist(&c));

	conn_init(&c, 1000, 2000);
	handshake_active(&c);
	p = pkt(SYN, 7, 0, 0);			/* SYN in ESTABLISHED */
	XMIT(&c, IN, &p, ES);
	EXPECT_EQ(SW_T_IGNORED, c.out.what);
	EXPECT_EQ(2000U, c.r.isn[IN]);
	EXPECT_EQ(0, c.r.rtx_syn);
	EXPECT_STREQ("ShA", hist(&c));
}

/* Bytes are sequence space: retransmitted data is not counted twice. */
TEST(bytes_from_sequence_space)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 0x7ffffff0, 10);
	handshake_active(&c);
	p = pkt(PSH | ACK, c.nxt[OUT], c.nxt[IN], 1000);
	SEG(&c, OUT, PSH | ACK, 1000, ES);
	XMIT(&c, OUT, &p, ES);			/* retransmission */
	EXPECT_EQ(1000U, (u32)sw_rec_bytes(&c.r, OUT));
	p.payload = 400;			/* partial retransmission */
	XMIT(&c, OUT, &p, ES);
	p.payload = 1500;			/* repacketized, 500 new */
	XMIT(&c, OUT, &p, ES);
	c.nxt[OUT] += 500;
	EXPECT_EQ(1500U, (u32)sw_rec_bytes(&c.r, OUT));
	SEG(&c, IN, PSH | ACK, 1, ES);
	SEG(&c, IN, PSH | ACK, 99, ES);
	EXPECT_EQ(100U, (u32)sw_rec_bytes(&c.r, IN));
	EXPECT_EQ(2U + 4, c.r.pkts[OUT]);
	/* a GSO packet counts all its wire segments */
	p = pkt(PSH | ACK, c.nxt[OUT], c.nxt[IN], 64 * 1448);
	p.segs = 64;
	XMIT(&c, OUT, &p, ES);
	c.nxt[OUT] += 64 * 1448;
	EXPECT_EQ(70U, c.r.pkts[OUT]);
	EXPECT_EQ(1500U + 64 * 1448, (u32)sw_rec_bytes(&c.r, OUT));
	/* neither the SYN nor the FIN is a byte */
	SEG(&c, OUT, FIN | ACK, 0, F1);
	EXPECT_EQ(1500U + 64 * 1448, (u32)sw_rec_bytes(&c.r, OUT));
	SEG(&c, IN, FIN | ACK, 0, TW);
	EXPECT_EQ(100U, (u32)sw_rec_bytes(&c.r, IN));
}

TEST(bytes_over_4gib)
{
	struct conn c;
	struct sw_pkt p;
	u64 sent = 0;
	int i;

	conn_init(&c, 0xc0000000, 10);
	handshake_active(&c);
	/* 1 GiB steps (a step must stay below 2^31 to be "after") */
	for (i = 0; i < 9; i++) {
		SEG(&c, OUT, ACK, (u32)GIB, ES);
		sent += GIB;
		EXPECT_EQ(sent, sw_rec_bytes(&c.r, OUT));
		/* wraps counts end - isn, where the SYN takes one more */
		EXPECT_EQ((int)((sent + 1) >> 32), c.r.wraps[OUT]);
	}
	SEG(&c, OUT, ACK, 12345, ES);
	sent += 12345;
	/* retransmit something old: still 9 GiB + 12345 */
	p = pkt(ACK, c.nxt[OUT] - 100000, c.nxt[IN], 1000);
	XMIT(&c, OUT, &p, ES);
	EXPECT_EQ(2, c.r.wraps[OUT]);
	EXPECT_EQ(9 * GIB + 12345, sw_rec_bytes(&c.r, OUT));
	SEG(&c, OUT, FIN | ACK, 0, F1);
	EXPECT_EQ(sent, sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(0U, (u32)sw_rec_bytes(&c.r, IN));
	EXPECT_EQ(0, c.r.wraps[IN]);
}

/*
 * Around 2^32 bytes: end - isn wraps (to 0) when the SYN and 2^32 - 1 bytes
 * have gone by; the byte count must be right on both sides of that.
 */
TEST(bytes_wrap_boundary)
{
	struct conn c;

	conn_init(&c, 77, 10);
	handshake_active(&c);
	SEG(&c, OUT, ACK, 0x7fffffff, ES);
	SEG(&c, OUT, ACK, 0x7ffffffe, ES);
	EXPECT_EQ(0xfffffffdULL, sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(0, c.r.wraps[OUT]);
	SEG(&c, OUT, ACK, 1, ES);
	EXPECT_EQ(0xfffffffeULL, sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(0, c.r.wraps[OUT]);
	SEG(&c, OUT, ACK, 1, ES);
	EXPECT_EQ(0xffffffffULL, sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(1, c.r.wraps[OUT]);
	SEG(&c, OUT, ACK, 1, ES);
	EXPECT_EQ(0x100000000ULL, sw_rec_bytes(&c.r, OUT));
	EXPECT_EQ(1, c.r.wraps[OUT]);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	EXPECT_EQ(0x100000000ULL, sw_rec_bytes(&c.r, OUT));
}

TEST(options_both_sides)
{
	struct opts lo = { .mss = 1460, .ws = 1 + 14, .sack = true,
			   .ts = true };
	struct opts ro = { .mss = 1380, .ws = 1 + 0, .sack = true };
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 1, 2);
	ASSERT_EQ(0, seg_o(&c, OUT, SYN, 0, &lo));
	ASSERT_EQ(0, seg_o(&c, IN, SYN | ACK, 0, &ro));
	EXPECT_EQ(1460, c.r.mss[OUT]);
	EXPECT_EQ(1380, c.r.mss[IN]);
	EXPECT_EQ(14, sw_rec_wscale(&c.r, OUT));
	EXPECT_EQ(0, sw_rec_wscale(&c.r, IN));
	EXPECT_EQ(SYNWATCH_CONN_F_ACTIVE | SYNWATCH_CONN_F_SACK_LOCAL |
		  SYNWATCH_CONN_F_SACK_REMOTE | SYNWATCH_CONN_F_TS_LOCAL,
		  c.r.flags);
	/* options on later segments do not change the handshake facts */
	p = pkt(ACK, c.nxt[IN], c.nxt[OUT], 0);
	p.mss = 100;
	p.wscale = 3;
	p.ts = 1;
	XMIT(&c, IN, &p, ES);
	EXPECT_EQ(1380, c.r.mss[IN]);
	EXPECT_EQ(0, sw_rec_wscale(&c.r, IN));
	EXPECT_FALSE(c.r.flags & SYNWATCH_CONN_F_TS_REMOTE);

	/* nothing offered: nothing recorded */
	conn_init(&c, 1, 2);
	handshake_passive(&c);
	EXPECT_EQ(0, c.r.mss[IN] + c.r.mss[OUT]);
	EXPECT_EQ(SW_WSCALE_NONE, sw_rec_wscale(&c.r, IN));
	EXPECT_EQ(SW_WSCALE_NONE, sw_rec_wscale(&c.r, OUT));
	EXPECT_EQ(0, c.r.flags);
}

/*
 * Handshake RTTs. Timestamps are kept in 2^10 ns units and converted to
 * us, so each is within 1 us of the true delta.
 */
static void expect_rtt(struct __test_metadata *_metadata, u64 ns, u32 us)
{
	u64 want = (ns + 500) / 1000;

	EXPECT_TRUE(us + 1 >= want && us <= want + 1)
		TH_LOG("%llu ns gave %u us", (unsigned long long)ns, us);
}

TEST(rtt_client)
{
	static const u64 deltas[] = {
		0, 999, 1000, 1024, 250000, 1234567, 999999999,
		3000000000ULL, 60000000000ULL,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(deltas); i++) {
		struct conn c;

		conn_init(&c, 1, 2);
		c.now = T0 + 12345;
		SEG(&c, OUT, SYN, 0, SS);
		EXPECT_EQ(0U, st_syn_rtt_us(&c.r));
		c.now = T0 + 12345 + deltas[i];
		SEG(&c, IN, SYN | ACK, 0, ES);
		expect_rtt(_metadata, deltas[i], st_syn_rtt_us(&c.r));
		EXPECT_EQ(0U, st_synack_rtt_us(&c.r));
	}
}

TEST(rtt_client_exact)
{
	struct conn c;

	/* 250 us after a SYN sent at exactly 1 s: (976806 - 976562) units */
	conn_init(&c, 1, 2);
	c.now = 1000000000ULL;
	SEG(&c, OUT, SYN, 0, SS);
	c.now = 1000250000ULL;
	SEG(&c, IN, SYN | ACK, 0, ES);
	EXPECT_EQ(250U, st_syn_rtt_us(&c.r));
	/* it is kept: later packets do not change it */
	SEG(&c, OUT, ACK, 0, ES);
	c.now += 5000000;
	SEG(&c, IN, SYN | ACK, 0, ES);
	EXPECT_EQ(250U, st_syn_rtt_us(&c.r));
}

TEST(rtt_client_from_first_syn)
{
	struct conn c;
	struct sw_pkt syn = pkt(SYN, 1, 0, 0);

	conn_init(&c, 1, 2);
	c.now = T0;
	XMIT(&c, OUT, &syn, SS);
	c.now = T0 + 1000000000ULL;	/* retransmitted after 1 s */
	XMIT(&c, OUT, &syn, SS);
	c.now = T0 + 1000300000ULL;
	c.nxt[OUT] = 2;
	SEG(&c, IN, SYN | ACK, 0, ES);
	expect_rtt(_metadata, 1000300000ULL, st_syn_rtt_us(&c.r));
}

TEST(rtt_server)
{
	static const u64 deltas[] = {
		0, 500, 1023, 1025, 87654, 1234567, 2500000000ULL,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(deltas); i++) {
		struct conn c;

		conn_init(&c, 1, 2);
		c.now = 7 * T0 + 1;
		SEG(&c, IN, SYN, 0, LI);
		c.now = 7 * T0 + 900;	/* SYN to SYN-ACK is not the RTT */
		SEG(&c, OUT, SYN | ACK, 0, SR);
		EXPECT_EQ(0U, st_synack_rtt_us(&c.r));
		c.now = 7 * T0 + 900 + deltas[i];
		SEG(&c, IN, ACK, 0, ES);
		expect_rtt(_metadata, deltas[i], st_synack_rtt_us(&c.r));
		EXPECT_EQ(0U, st_syn_rtt_us(&c.r));
	}
}

TEST(rtt_server_exact)
{
	struct conn c;

	/* 1234.567 us: (1001205640 >> 10) - (1000000000 >> 10) = 1206 */
	conn_init(&c, 1, 2);
	SEG(&c, IN, SYN, 0, LI);
	c.now = 1000000000ULL;
	SEG(&c, OUT, SYN | ACK, 0, SR);
	c.now = 1001234567ULL;
	SEG(&c, IN, PSH | ACK, 10, ES);		/* the ACK carries data */
	EXPECT_EQ(1235U, st_synack_rtt_us(&c.r));
}

/* A FIN with an acceptable ACK completes the handshake too. */
TEST(fin_completes_handshake)
{
	struct conn c;

	conn_init(&c, 1, 2);
	SEG(&c, IN, SYN, 0, LI);
	SEG(&c, OUT, SYN | ACK, 0, SR);
	c.now += 40000;
	SEG(&c, IN, FIN | ACK, 0, CW);
	EXPECT_EQ(SW_T_STATE | SW_T_L_COMPLETED, c.out.what);
	EXPECT_EQ(-1, c.out.half_open);
	expect_rtt(_metadata, 41000, st_synack_rtt_us(&c.r));
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, c.r.reason);
}

TEST(history_passive_local_close)
{
	struct conn c;

	conn_init(&c, 1, 2);
	SEG(&c, IN, SYN, 0, LI);
	SEG(&c, OUT, SYN | ACK, 0, SR);
	SEG(&c, IN, ACK, 0, ES);
	SEG(&c, OUT, PSH | ACK, 100, ES);
	SEG(&c, IN, PSH | ACK, 10, ES);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	SEG(&c, IN, ACK, 0, F2);
	SEG(&c, IN, FIN | ACK, 0, TW);
	SEG(&c, OUT, ACK, 0, TW);
	/* 'a' is already there when they ack our FIN: first time only */
	EXPECT_STREQ("sHaDdFfA", hist(&c));
	EXPECT_STREQ("LISTEN SYN_RECEIVED ESTABLISHED ESTABLISHED ESTABLISHED "
		     "FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT TIME_WAIT", c.trail);
}

TEST(history_active_remote_close)
{
	struct conn c;

	conn_init(&c, 1, 2);
	handshake_active(&c);
	SEG(&c, OUT, PSH | ACK, 100, ES);
	SEG(&c, IN, PSH | ACK, 10, ES);
	SEG(&c, IN, FIN | ACK, 0, CW);
	SEG(&c, OUT, ACK, 0, CW);
	SEG(&c, OUT, FIN | ACK, 0, LA);
	SEG(&c, IN, ACK, 0, CL);
	EXPECT_STREQ("ShADdfFa", hist(&c));
}

/* Every letter, each once, and the buffer limits of sw_rec_history(). */
TEST(history_letters_and_buffer)
{
	struct conn c;
	struct sw_pkt p;
	char buf[SYNWATCH_HISTORY_LEN + 1];
	char small[4];

	conn_init(&c, 1, 2);
	SEG(&c, IN, SYN, 0, LI);
	p = pkt(SYN, 2, 0, 0);
	XMIT(&c, IN, &p, LI);
	SEG(&c, OUT, SYN | ACK, 0, SR);
	p = pkt(SYN | ACK, 1, 3, 0);
	XMIT(&c, OUT, &p, SR);
	SEG(&c, IN, ACK, 0, ES);
	SEG(&c, IN, PSH | ACK, 1, ES);
	SEG(&c, OUT, PSH | ACK, 1, ES);
	SEG(&c, OUT, ACK, 0, ES);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	SEG(&c, IN, FIN | ACK, 0, TW);
	SEG(&c, IN, RST, 0, CL);
	EXPECT_STREQ("stHTadDAFfr", hist(&c));
	EXPECT_EQ(11, sw_rec_history(&c.r, buf, sizeof(buf)));
	EXPECT_EQ(3, sw_rec_history(&c.r, small, sizeof(small)));
	EXPECT_STREQ("stH", small);
	EXPECT_EQ(0, sw_rec_history(&c.r, small, 1));
	EXPECT_STREQ("", small);
	small[0] = 'x';
	EXPECT_EQ(0, sw_rec_history(&c.r, small, 0));
	EXPECT_EQ('x', small[0]);
}

TEST(close_reason_kept)
{
	struct conn c;

	conn_init(&c, 1, 2);
	handshake_active(&c);
	sw_rec_close(&c.r, SYNWATCH_CLOSE_TIMEOUT);
	EXPECT_EQ(SYNWATCH_CLOSE_TIMEOUT, c.r.reason);
	sw_rec_close(&c.r, SYNWATCH_CLOSE_FLUSH);
	EXPECT_EQ(SYNWATCH_CLOSE_TIMEOUT, c.r.reason);

	conn_init(&c, 1, 2);
	handshake_active(&c);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	SEG(&c, IN, FIN | ACK, 0, TW);
	sw_rec_close(&c.r, SYNWATCH_CLOSE_TIMEOUT);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, c.r.reason);
}

/* An RST after a FIN close: the connection ended by the RST. */
TEST(rst_after_fin)
{
	struct conn c;

	conn_init(&c, 1, 2);
	handshake_active(&c);
	SEG(&c, IN, FIN | ACK, 0, CW);
	SEG(&c, OUT, RST | ACK, 0, CL);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_RST, c.r.reason);
	EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, c.r.closer);
	EXPECT_EQ(0, c.what & L_ALL);
}

TEST(half_open_deltas)
{
	struct conn c;
	struct sw_pkt p;

	/* passive: +1 on the SYN, -1 when the handshake completes */
	conn_init(&c, 1, 2);
	SEG(&c, IN, SYN, 0, LI);
	EXPECT_EQ(1, c.out.half_open);
	SEG(&c, OUT, SYN | ACK, 0, SR);
	EXPECT_EQ(0, c.out.half_open);
	SEG(&c, IN, ACK, 0, ES);
	EXPECT_EQ(-1, c.out.half_open);
	SEG(&c, IN, FIN | ACK, 0, CW);
	EXPECT_EQ(0, c.half_open);

	/* passive, reset by the peer in SYN-RECEIVED */
	conn_init(&c, 1, 2);
	SEG(&c, IN, SYN, 0, LI);
	SEG(&c, OUT, SYN | ACK, 0, SR);
	SEG(&c, IN, RST, 0, CL);
	EXPECT_EQ(-1, c.out.half_open);
	EXPECT_EQ(SW_T_STATE | SW_T_L_RESET, c.out.what);
	EXPECT_EQ(0, c.half_open);

	/* passive, closed by us in SYN-RECEIVED */
	conn_init(&c, 1, 2);
	SEG(&c, IN, SYN, 0, LI);
	SEG(&c, OUT, SYN | ACK, 0, SR);
	SEG(&c, OUT, FIN | ACK, 0, F1);
	EXPECT_EQ(-1, c.out.half_open);
	EXPECT_EQ(0, c.half_open);

	/* active and simultaneous: never counted */
	conn_init(&c, 1, 2);
	SEG(&c, OUT, SYN, 0, SS);
	EXPECT_EQ(0, c.out.half_open);
	SEG(&c, IN, SYN, 0, SR);
	EXPECT_EQ(0, c.out.half_open);
	p = pkt(SYN | ACK, 1, 3, 0);
	XMIT(&c, OUT, &p, SR);
	SEG(&c, IN, RST, 0, CL);
	EXPECT_EQ(0, c.out.half_open);
	EXPECT_EQ(0, c.what & L_ALL);

	/* picked up half-open: never counted */
	conn_init(&c, 1, 2);
	c.nxt[IN]++;
	SEG(&c, OUT, SYN | ACK, 0, SR);
	SEG(&c, IN, RST, 0, CL);
	EXPECT_EQ(0, c.half_open);
	EXPECT_EQ(0, c.out.half_open);
}

TEST(listener_flags)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 1, 2);
	SEG(&c, IN, SYN, 0, LI);
	EXPECT_EQ(SW_T_L_SYN, c.out.what & L_ALL);
	SEG(&c, OUT, SYN | ACK, 0, SR);
	EXPECT_EQ(SW_T_L_SYNACK, c.out.what & L_ALL);
	SEG(&c, IN, ACK, 0, ES);
	EXPECT_EQ(SW_T_L_COMPLETED, c.out.what & L_ALL);
	SEG(&c, IN, PSH | ACK, 10, ES);
	EXPECT_EQ(0, c.out.what & L_ALL);
	SEG(&c, IN, RST, 0, CL);		/* not half-open any more */
	EXPECT_EQ(0, c.out.what & L_ALL);
	EXPECT_EQ(SW_T_L_SYN | SW_T_L_SYNACK | SW_T_L_COMPLETED,
		  c.what & L_ALL);

	/* reset by the peer before we answered */
	conn_init(&c, 1, 2);
	SEG(&c, IN, SYN, 0, LI);
	SEG(&c, IN, RST, 0, CL);
	EXPECT_EQ(SW_T_L_RESET, c.out.what & L_ALL);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_RST, c.r.reason);

	/* we reset it after answering (e.g. accept queue overflow) */
	conn_init(&c, 1, 2);
	SEG(&c, IN, SYN, 0, LI);
	SEG(&c, OUT, SYN | ACK, 0, SR);
	SEG(&c, OUT, RST, 0, CL);
	EXPECT_EQ(SW_T_L_RESET, c.out.what & L_ALL);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_RST, c.r.reason);

	/* refused */
	conn_init(&c, 1, 2);
	SEG(&c, IN, SYN, 0, LI);
	p = pkt(RST | ACK, 0, 3, 0);
	XMIT(&c, OUT, &p, CL);
	EXPECT_EQ(SW_T_L_REFUSED, c.out.what & L_ALL);

	/* an ACK for a SYN never seen: a SYN cookie (or a pickup) */
	conn_init(&c, 1, 2);
	SEG(&c, IN, ACK, 0, ES);
	EXPECT_EQ(SW_T_L_COOKIE, c.out.what & L_ALL);
	SEG(&c, IN, ACK, 0, ES);
	EXPECT_EQ(0, c.out.what & L_ALL);
	/* our pure ACK is no cookie, nor their pickup FIN */
	conn_init(&c, 1, 2);
	SEG(&c, OUT, ACK, 0, ES);
	EXPECT_EQ(0, c.what & L_ALL);
	conn_init(&c, 1, 2);
	SEG(&c, IN, FIN | ACK, 0, CW);
	EXPECT_EQ(0, c.what & L_ALL);
}

TEST(packet_counters_saturate)
{
	struct conn c;
	struct sw_pkt p;

	conn_init(&c, 1, 2);
	handshake_active(&c);
	c.r.pkts[IN] = 0xfffffff0;
	p = pkt(ACK, c.nxt[IN], c.nxt[OUT], 0);
	p.segs = 15;
	XMIT(&c, IN, &p, ES);
	EXPECT_EQ(0xffffffffU, c.r.pkts[IN]);
	p.segs = 1;
	XMIT(&c, IN, &p, ES);
	EXPECT_EQ(0xffffffffU, c.r.pkts[IN]);
	p.segs = 1000;
	XMIT(&c, IN, &p, ES);
	EXPECT_EQ(0xffffffffU, c.r.pkts[IN]);
	/* so are the retransmission counters */
	conn_init(&c, 1, 2);
	p = pkt(SYN, 1, 0, 0);
	XMIT(&c, OUT, &p, SS);
	c.r.rtx_syn = 0xfe;
	XMIT(&c, OUT, &p, SS);
	XMIT(&c, OUT, &p, SS);
	EXPECT_EQ(0xff, c.r.rtx_syn);
}

TEST(times)
{
	struct conn c;

	conn_init(&c, 1, 2);
	c.now = 10 * GIB + 5;
	sw_rec_init(&c.r, c.now);
	SEG(&c, OUT, SYN, 0, SS);
	c.now = 12 * GIB + (7ULL << 20);
	SEG(&c, IN, SYN | ACK, 0, ES);
	EXPECT_EQ(10U, c.r.t_first);
	EXPECT_EQ(12U << (30 - SW_AGE_SHIFT), c.r.t_state);
	EXPECT_EQ(12U * 1024 + 7, c.r.t_last);
	c.now = 20 * GIB;
	SEG(&c, OUT, ACK, 0, ES);		/* no state change */
	EXPECT_EQ(12U << (30 - SW_AGE_SHIFT), c.r.t_state);
	EXPECT_EQ(20U * 1024, c.r.t_last);
}

/* xorshift32: a fixed sequence, so failures reproduce */
static u32 rnd(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static bool closing_state(u8 st)
{
	return st == CL || st == F1 || st == F2 || st == CW || st == CG ||
	       st == LA || st == TW;
}

/*
 * Random segments, mostly plausible (right seq and ack), between random
 * ISNs, through many records. After every packet the tracker's own
 * invariants must hold: the half-open deltas add up to what
 * sw_rec_passive_half_open() says, rejected packets change nothing, the
 * state is a real one, a closed or closing connection says why and who,
 * history letters are unique, byte counts never shrink.
 */
TEST(random_segments_keep_invariants)
{
	static const u8 flag_sets[] = {
		SYN, SYN | ACK, ACK, PSH | ACK, FIN | ACK, FIN | PSH | ACK,
		RST, RST | ACK, PSH,
	};
	static const u8 end_bit[SW_DIR_MAX] = {
		[IN] = SW_DF_END_IN, [OUT] = SW_DF_END_OUT,
	};
	u32 seed = 0xc0ffee, i, conns = 0;
	struct conn c;
	int half = 0;

	conn_init(&c, rnd(&seed), rnd(&seed));
	for (i = 0; i < 300000 && _metadata->passed; i++) {
		enum sw_dir d = rnd(&seed) & 1;
		u8 f = flag_sets[rnd(&seed) % ARRAY_SIZE(flag_sets)];
		u32 len = (f & (SYN | RST)) || rnd(&seed) % 3 ? 0 :
			  rnd(&seed) % 3000;
		u32 seq = c.nxt[d], ack = c.nxt[!d];
		u64 bytes[SW_DIR_MAX] = { sw_rec_bytes(&c.r, IN),
					  sw_rec_bytes(&c.r, OUT) };
		struct sw_rec before = c.r;
		struct sw_pkt p;
		char h[SYNWATCH_HISTORY_LEN + 1];
		bool bogus_fin;
		int rc, n, j, k;

		/* now and then an old, future or random sequence number */
		switch (rnd(&seed) % 16) {
		case 0:
			seq -= rnd(&seed) % 5000;
			break;
		case 1:
			seq += rnd(&seed) % 100000;
			break;
		case 2:
			seq = rnd(&seed);
			break;
		case 3:
			ack -= 1;
			break;
		}
		p = pkt(f, seq, ack, len);
		p.win = (u16)rnd(&seed);
		rc = sw_track(&c.r, d, &p, c.now, &c.out);
		c.now += rnd(&seed) % 1000000;
		if (c.out.what & SW_T_REOPEN) {
			/* only a finished record is reopened */
			EXPECT_TRUE(before.state == CL || before.state == TW);
			EXPECT_EQ(0, memcmp(&before, &c.r, sizeof(before)));
			EXPECT_FALSE(sw_rec_passive_half_open(&c.r));
			conn_init(&c, rnd(&seed), c.nxt[IN]);
			half = 0;
			conns++;
			rc = sw_track(&c.r, d, &p, c.now, &c.out);
			EXPECT_FALSE(c.out.what & SW_T_REOPEN);
		}
		if (rc) {
			EXPECT_EQ(-1, rc);
			EXPECT_EQ(SYNWATCH_INVALID_RST_WINDOW, c.out.invalid);
			EXPECT_EQ(0, memcmp(&before, &c.r, sizeof(before)));
		} else {
			EXPECT_EQ(0, c.out.invalid);
		}
		half += c.out.half_open;
		EXPECT_EQ(sw_rec_passive_half_open(&c.r) ? 1 : 0, half)
			TH_LOG("step %u: %s -> %s, flags %#x dir %d", i,
			       st_state_name(c.out.old_state),
			       st_state_name(c.r.state), f, d);
		EXPECT_EQ(c.r.state, c.out.new_state);
		EXPECT_EQ(!!(c.out.what & SW_T_STATE),
			  c.out.old_state != c.out.new_state);
		EXPECT_TRUE(c.r.state <= SYNWATCH_STATE_MAX ||
			    (c.r.state == NO && !(c.out.what & SW_T_NEW)));
		if (closing_state(c.r.state)) {
			EXPECT_NE(SYNWATCH_CLOSE_NONE, c.r.reason)
				TH_LOG("step %u: %s", i,
				       st_state_name(c.r.state));
			EXPECT_NE(SYNWATCH_CLOSER_NONE, c.r.closer);
		}
		if (c.r.flags & SYNWATCH_CONN_F_ACTIVE)
			EXPECT_EQ(0, c.out.what & L_ALL);
		n = sw_rec_history(&c.r, h, sizeof(h));
		for (j = 0; j < n; j++)
			for (k = j + 1; k < n; k++)
				EXPECT_NE(h[j], h[k]) TH_LOG("history %s", h);
		/*
		 * A new ISN restarts a side's count: only SYNs may do that.
		 * And a first FIN that is not past what the side already
		 * sent (a bogus one) takes its sequence number off.
		 */
		bogus_fin = (f & FIN) && (before.dflags & end_bit[d]) &&
			    !sw_seq_after(seq + len + 1, before.end[d]);
		if (!(f & SYN) && !bogus_fin) {
			EXPECT_LE(bytes[IN], sw_rec_bytes(&c.r, IN));
			EXPECT_LE(bytes[OUT], sw_rec_bytes(&c.r, OUT));
		}
		/* the sender moves on as a real stack would, mostly */
		if (!rc && !(f & RST) && seq == c.nxt[d])
			c.nxt[d] += len + !!(f & SYN) + !!(f & FIN);
		/* start over now and then, or when a record is over */
		if (rnd(&seed) % 64 == 0 ||
		    (c.r.state == CL && rnd(&seed) % 4 == 0)) {
			conn_init(&c, rnd(&seed), rnd(&seed));
			half = 0;
			conns++;
		}
	}
	EXPECT_LT(1000U, conns);
}

/*
 * RST in every state, from either side: an acceptable one closes the
 * record (RFC 9293 3.10.7), one outside the window is rejected with
 * SYNWATCH_INVALID_RST_WINDOW and leaves the record as it was (RFC 5961
 * 3.2). In SYN-SENT an RST must ack our SYN (3.10.7.3).
 */
FIXTURE(rst) {
	struct conn c;
};

FIXTURE_VARIANT(rst) {
	u8 state;
	enum sw_dir dir;
};

FIXTURE_SETUP(rst) {}
FIXTURE_TEARDOWN(rst) {}

#define RST_VARIANT(name, st, d)					\
	FIXTURE_VARIANT_ADD(rst, name) { .state = st, .dir = d }

RST_VARIANT(in_closed, CL, IN);
RST_VARIANT(out_closed, CL, OUT);
RST_VARIANT(in_listen, LI, IN);
RST_VARIANT(out_listen, LI, OUT);
RST_VARIANT(in_syn_sent, SS, IN);
RST_VARIANT(out_syn_sent, SS, OUT);
RST_VARIANT(in_syn_received, SR, IN);
RST_VARIANT(out_syn_received, SR, OUT);
RST_VARIANT(in_established, ES, IN);
RST_VARIANT(out_established, ES, OUT);
RST_VARIANT(in_fin_wait_1, F1, IN);
RST_VARIANT(out_fin_wait_1, F1, OUT);
RST_VARIANT(in_fin_wait_2, F2, IN);
RST_VARIANT(out_fin_wait_2, F2, OUT);
RST_VARIANT(in_close_wait, CW, IN);
RST_VARIANT(out_close_wait, CW, OUT);
RST_VARIANT(in_closing, CG, IN);
RST_VARIANT(out_closing, CG, OUT);
RST_VARIANT(in_last_ack, LA, IN);
RST_VARIANT(out_last_ack, LA, OUT);
RST_VARIANT(in_time_wait, TW, IN);
RST_VARIANT(out_time_wait, TW, OUT);

/* Bring a fresh connection to state by the usual packets. */
static void drive_to(struct conn *c, u8 state)
{
	conn_init(c, 0x10000, 0x20000);
	switch (state) {
	case LI:
		seg(c, IN, SYN, 0);
		return;
	case SS:
		seg(c, OUT, SYN, 0);
		return;
	case SR:
		seg(c, IN, SYN, 0);
		seg(c, OUT, SYN | ACK, 0);
		return;
	}
	handshake_active(c);
	seg(c, IN, PSH | ACK, 100);
	seg(c, OUT, PSH | ACK, 200);
	switch (state) {
	case ES:
		return;
	case CW:
	case LA:
	case CL:
		seg(c, IN, FIN | ACK, 0);
		if (state == CW)
			return;
		seg(c, OUT, FIN | ACK, 0);
		if (state == LA)
			return;
		seg(c, IN, ACK, 0);
		return;
	}
	seg(c, OUT, FIN | ACK, 0);
	switch (state) {
	case F1:
		return;
	case CG:
		fin_crossing(c);
		return;
	}
	seg(c, IN, ACK, 0);
	if (state == F2)
		return;
	seg(c, IN, FIN | ACK, 0);	/* TW */
}

/* An RST the receiver must accept. */
static struct sw_pkt rst_good(const struct conn *c, u8 state, enum sw_dir d)
{
	/* answers to a SYN: seq 0, ack of the SYN */
	if ((state == SS && d == IN) || (state == LI && d == OUT))
		return pkt(RST | ACK, 0, c->nxt[!d], 0);
	/* the sender's next sequence number, what the receiver expects */
	return pkt(d == OUT ? RST | ACK : RST, c->nxt[d], c->nxt[!d], 0);
}

TEST_F(rst, in_window_accepted)
{
	struct conn *c = &self->c;
	u8 st = variant->state;
	enum sw_dir d = variant->dir;
	struct sw_pkt p;
	char want_hist[SYNWATCH_HISTORY_LEN + 2];
	u8 reason, closer;
	bool passive_half = st == LI || st == SR;
	u16 lflag;

	drive_to(c, st);
	ASSERT_EQ(st, c->r.state) TH_LOG("%s", c->trail);
	ASSERT_EQ(passive_half ? 1 : 0, c->half_open);
	reason = c->r.reason;
	closer = c->r.closer;
	snprintf(want_hist, sizeof(want_hist), "%s%c", hist(c),
		 d == OUT ? 'R' : 'r');
	p = rst_good(c, st, d);
	ASSERT_EQ(0, xmit(c, d, &p));
	EXPECT_EQ(0, c->out.invalid);
	EXPECT_EQ(CL, c->r.state);
	EXPECT_EQ(st, c->out.old_state);
	EXPECT_EQ(CL, c->out.new_state);
	EXPECT_EQ(st == CL ? 0 : SW_T_STATE, c->out.what & ~L_ALL);
	EXPECT_STREQ(want_hist, hist(c));
	if (st == CL) {
		/* already closed: the reason it closed for stays */
		EXPECT_EQ(reason, c->r.reason);
	} else if ((st == SS && d == IN) || (st == LI && d == OUT)) {
		EXPECT_EQ(SYNWATCH_CLOSE_REFUSED, c->r.reason);
	} else {
		EXPECT_EQ(d == IN ? SYNWATCH_CLOSE_REMOTE_RST :
				    SYNWATCH_CLOSE_LOCAL_RST, c->r.reason);
	}
	if (closer == SYNWATCH_CLOSER_NONE) {
		EXPECT_EQ(d == IN ? SYNWATCH_CLOSER_REMOTE :
				    SYNWATCH_CLOSER_LOCAL, c->r.closer);
	} else {
		EXPECT_EQ(closer, c->r.closer);
	}
	/* listener accounting: only for a passive half-open connection */
	lflag = !passive_half ? 0 :
		st == LI && d == OUT ? SW_T_L_REFUSED : SW_T_L_RESET;
	EXPECT_EQ(lflag, c->out.what & L_ALL);
	EXPECT_EQ(passive_half ? -1 : 0, c->out.half_open);
	EXPECT_EQ(0, c->half_open);
}

/* RSTs the receiver must not accept. */
static int rst_bad(const struct conn *c, u8 state, enum sw_dir d,
		   struct sw_pkt *p)
{
	if ((state == SS && d == IN) || (state == LI && d == OUT)) {
		p[0] = pkt(RST | ACK, 0, c->nxt[!d] + 1, 0);
		p[1] = pkt(RST | ACK, 0, c->nxt[!d] - 1, 0);
		p[2] = pkt(RST | ACK, 0, c->nxt[!d] + 0x40000000, 0);
		if (state == LI)
			return 3;
		/* 3.10.7.3: in SYN-SENT an RST without ACK is dropped */
		p[3] = pkt(RST, c->nxt[d], 0, 0);
		return 4;
	}
	p[0] = pkt(RST, c->nxt[d] + 0x40000000, 0, 0);
	p[1] = pkt(RST, c->nxt[d] - 0x40000000, 0, 0);
	p[2] = pkt(RST | ACK, c->nxt[d] + 0x10000, c->nxt[!d], 0);
	p[3] = pkt(RST | ACK, c->nxt[d] - 0x10000, c->nxt[!d], 0);
	return 4;
}

TEST_F(rst, out_of_window_rejected)
{
	struct conn *c = &self->c;
	u8 st = variant->state;
	enum sw_dir d = variant->dir;
	struct sw_pkt bad[4];
	struct sw_rec before;
	int i, n;

	drive_to(c, st);
	ASSERT_EQ(st, c->r.state) TH_LOG("%s", c->trail);
	before = c->r;
	n = rst_bad(c, st, d, bad);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(-1, xmit(c, d, &bad[i])) TH_LOG("rst %d", i);
		EXPECT_EQ(SYNWATCH_INVALID_RST_WINDOW, c->out.invalid);
		EXPECT_EQ(0, c->out.what);
		EXPECT_EQ(st, c->out.new_state);
		EXPECT_EQ(0, c->out.half_open);
		/* nothing of the record changed, not even the counters */
		EXPECT_EQ(0, memcmp(&before, &c->r, sizeof(before)));
	}
	/* and the good one still works afterwards */
	bad[0] = rst_good(c, st, d);
	ASSERT_EQ(0, xmit(c, d, &bad[0]));
	EXPECT_EQ(CL, c->r.state);
}

TEST_HARNESS_MAIN
