// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed and impossible TCP segments, crafted byte by byte and sent
 * from netns B into A (AF_PACKET on B's veth): each is counted under its
 * reason in GET_STATS' invalid nest, exactly once, and changes nothing:
 * no record is created, an existing one keeps its state and history, and
 * no event is sent. IPv4 and IPv6.
 *
 *  - no_connection: towards a port of A (dropped after synwatch's hook, so
 *    A's stack does not answer), every kind: truncated TCP header, data
 *    offset < 5 and past the packet, options overrunning the header or of
 *    a wrong length, NULL, XMAS, SYN+FIN, SYN+RST, FIN without ACK; and
 *    for IPv6 a non-first fragment.
 *  - established: the same flag combinations and bad headers on the tuple
 *    of an established connection, plus an RST outside the window.
 */
#include "kselftest_harness.h"
#include "lib/nl.h"
#include "lib/pd.h"

#define A_LPORT		9000
#define N_INVALID	(SYNWATCH_INVALID_MAX + 1)

FIXTURE(inv) {
	struct st_topo t;
	struct st_nl na, ea;
	struct st_evlog log;
	struct st_pd pd;
	int lfd;
};

FIXTURE_VARIANT(inv) {
	int family;
};

FIXTURE_VARIANT_ADD(inv, ipv4) { .family = AF_INET };
FIXTURE_VARIANT_ADD(inv, ipv6) { .family = AF_INET6 };

FIXTURE_SETUP(inv)
{
	ASSERT_EQ(0, st_topo_up(&self->t, variant->family, "inv"));
	ASSERT_EQ(0, st_pd_blackhole(&self->t));
	ASSERT_EQ(0, st_nl_open_ns(&self->na, &self->t, self->t.fa));
	ASSERT_EQ(0, st_nl_open_ns(&self->ea, &self->t, self->t.fa));
	/* every event of A */
	ASSERT_EQ(0, st_subscribe(&self->ea, NULL));
	self->lfd = st_tcp_listen(&self->t, self->t.fa, self->t.addr_a, A_LPORT);
	ASSERT_LE(0, self->lfd);
}

FIXTURE_TEARDOWN(inv)
{
	st_pd_close(&self->pd);
	if (self->lfd > 0)
		close(self->lfd);
	st_nl_close(&self->na);
	st_nl_close(&self->ea);
	st_topo_down(&self->t);
}

/* One bad segment: what it is, how to build it, what it must count as. */
struct bad {
	const char *name;
	int reason;
	uint8_t flags;
	int doff;		/* header length in 32-bit words as claimed */
	int hdr_len;		/* bytes of TCP header actually sent */
	uint8_t opt[8];		/* options (hdr_len - 20 bytes of them) */
};

#define BAD(n, r, f, d, h, ...) \
	{ .name = n, .reason = SYNWATCH_INVALID_##r, .flags = f, .doff = d, \
	  .hdr_len = h, .opt = { __VA_ARGS__ } }

static const struct bad bads[] = {
	BAD("truncated TCP header", TRUNC_TCP, F_ACK, 5, 12, 0),
	BAD("data offset 4", BAD_DOFF, F_ACK, 4, 20, 0),
	BAD("data offset past the packet", BAD_DOFF, F_ACK, 15, 20, 0),
	BAD("option overrunning the header", BAD_OPTIONS, F_SYN, 6, 24,
	    1, 1, 2, 8),
	BAD("MSS option of length 3", BAD_OPTIONS, F_SYN, 6, 24, 2, 3, 5, 0),
	BAD("option kind without length", BAD_OPTIONS, F_ACK, 6, 24,
	    1, 1, 1, 8),
	BAD("NULL", FLAGS_NULL, 0, 5, 20, 0),
	BAD("XMAS", FLAGS_XMAS, F_FIN | F_PSH | F_URG, 5, 20, 0),
	BAD("XMAS+SYN+ACK+RST", FLAGS_XMAS, 0x3f, 5, 20, 0),
	BAD("SYN+FIN", FLAGS_SYNFIN, F_SYN | F_FIN, 5, 20, 0),
	BAD("SYN+FIN+ACK", FLAGS_SYNFIN, F_SYN | F_FIN | F_ACK, 5, 20, 0),
	BAD("SYN+RST", FLAGS_SYNRST, F_SYN | F_RST, 5, 20, 0),
	BAD("SYN+RST+ACK", FLAGS_SYNRST, F_SYN | F_RST | F_ACK, 5, 20, 0),
	BAD("FIN without ACK", FLAGS_FIN_NOACK, F_FIN, 5, 20, 0),
	BAD("FIN+PSH without ACK", FLAGS_FIN_NOACK, F_FIN | F_PSH, 5, 20, 0),
};

static int send_bad(struct st_pd *pd, const struct bad *b, uint32_t seq,
		    uint32_t ack)
{
	uint8_t l4[64];

	memset(l4, 0, sizeof(l4));
	st_put16(l4, pd->port);
	st_put16(l4 + 2, pd->rport);
	st_put32(l4 + 4, seq);
	st_put32(l4 + 8, ack);
	l4[12] = (uint8_t)(b->doff << 4);
	l4[13] = b->flags;
	st_put16(l4 + 14, 1000);
	memcpy(l4 + 20, b->opt, sizeof(b->opt));
	return st_pd_send_l4(pd, l4, b->hdr_len, b->hdr_len >= 20);
}

/* A non-first IPv6 fragment of a TCP segment, no TCP header in it. */
static int send_fragment(struct st_pd *pd)
{
	const struct st_topo *t = pd->t;
	uint8_t pkt[40 + 8 + 16];

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	st_put16(pkt + 4, 8 + 16);
	pkt[6] = 44;			/* fragment header */
	pkt[7] = 64;
	memcpy(pkt + 8, t->addr_b, 16);
	memcpy(pkt + 24, t->addr_a, 16);
	pkt[40] = IPPROTO_TCP;
	st_put16(pkt + 42, 1448);		/* offset 181 * 8, last fragment */
	st_put32(pkt + 44, 0x5a5a);
	return st_pd_inject(pd, pkt, sizeof(pkt));
}

/*
 * Send one bad segment and wait until it was counted: it must count under
 * reason and nowhere else.
 */
static void one_bad(struct __test_metadata *_metadata,
		    FIXTURE_DATA(inv) *self, const struct bad *b, int reason,
		    uint32_t seq, uint32_t ack)
{
	struct st_stats s0, s1;
	uint64_t end;
	int i;

	ASSERT_EQ(0, st_get_stats(&self->na, &s0));
	if (b) {
		ASSERT_EQ(0, send_bad(&self->pd, b, seq, ack));
	} else {
		ASSERT_EQ(0, send_fragment(&self->pd));
	}
	end = st_now_us() + 2000000;
	do {
		ASSERT_EQ(0, st_get_stats(&self->na, &s1));
		if (s1.inval[reason] != s0.inval[reason])
			break;
		usleep(5000);
	} while (st_now_us() < end);
	for (i = 1; i < N_INVALID; i++)
		EXPECT_EQ(i == reason, s1.inval[i] - s0.inval[i])
			TH_LOG("%s: invalid reason %d", b ? b->name : "fragment", i);
	EXPECT_EQ(1, s1.v[SYNWATCH_A_STATS_PKTS_IN] -
		     s0.v[SYNWATCH_A_STATS_PKTS_IN]);
	EXPECT_EQ(0, s1.v[SYNWATCH_A_STATS_CONN_NEW] -
		     s0.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(0, s1.v[SYNWATCH_A_STATS_STATE_CHANGES] -
		     s0.v[SYNWATCH_A_STATS_STATE_CHANGES]);
	EXPECT_EQ(0, s1.v[SYNWATCH_A_STATS_UNTRACKED] -
		     s0.v[SYNWATCH_A_STATS_UNTRACKED]);
	EXPECT_EQ(s0.v[SYNWATCH_A_STATS_CONN_COUNT],
		  s1.v[SYNWATCH_A_STATS_CONN_COUNT]);
}

TEST_F(inv, no_connection)
{
	struct st_conn c;
	unsigned int i;

	ASSERT_EQ(0, st_pd_open(&self->pd, &self->t, PD_PORT_MIN + 1,
			     PD_A_DEAF));
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
		one_bad(_metadata, self, &bads[i], bads[i].reason, 1000, 2000);
	if (variant->family == AF_INET6)
		one_bad(_metadata, self, NULL, SYNWATCH_INVALID_FRAGMENT, 0, 0);
	EXPECT_EQ(0, st_find(&self->na, PD_A_DEAF, self->pd.port, &c));
	EXPECT_EQ(0, st_dump(&self->na, NULL, &c, 1));
	EXPECT_EQ(0, st_ev_drain(&self->ea, &self->log, 50))
		TH_LOG("%s", st_ev_trail(&self->log));
}

/*
 * On an established connection's tuple, in the window: still nothing
 * moves. A's stack drops them too, or answers a challenge ACK, which
 * changes nothing either. (Not at exactly RCV.NXT: Linux takes SYN+RST
 * with that seq as an RST, RFC 5961 3.2's check coming first.)
 */
TEST_F(inv, established)
{
	struct st_tcpopts o = st_pd_syn_opts();
	struct st_conn c0, c1;
	struct st_pd *pd = &self->pd;
	struct bad rst = BAD("RST outside the window", RST_WINDOW, F_RST, 5,
			     20, 0);
	unsigned int i;
	int afd;

	ASSERT_EQ(0, st_pd_open(pd, &self->t, PD_PORT_MIN + 2, A_LPORT));
	ASSERT_EQ(0, st_pd_connect(pd, &o));
	ASSERT_EQ(1, st_fd_wait(self->lfd, POLLIN, 3000));
	afd = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	ASSERT_EQ(0, st_wait_state(&self->na, A_LPORT, pd->port,
				   SYNWATCH_STATE_ESTABLISHED, 2000, &c0));
	st_ev_drain(&self->ea, &self->log, 50);
	self->log.n = 0;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		if (bads[i].reason == SYNWATCH_INVALID_TRUNC_TCP)
			continue;	/* no ports: no tuple */
		one_bad(_metadata, self, &bads[i], bads[i].reason,
			pd->snd_nxt + 1000, pd->rcv_nxt);
	}
	one_bad(_metadata, self, &rst, rst.reason, pd->snd_nxt + 0x40000000,
		0);
	ASSERT_EQ(1, st_find(&self->na, A_LPORT, pd->port, &c1));
	EXPECT_EQ(SYNWATCH_STATE_ESTABLISHED, c1.state);
	/* A's challenge ACKs to the SYNs are its first pure ACK */
	EXPECT_STREQ("sHa", c0.hist);
	EXPECT_STREQ("sHaA", c1.hist);
	EXPECT_EQ(c0.pkts_in, c1.pkts_in);
	EXPECT_EQ(c0.bytes_in, c1.bytes_in);
	EXPECT_EQ(SYNWATCH_CLOSE_NONE, c1.reason);
	EXPECT_EQ(c0.mss_r, c1.mss_r);
	EXPECT_EQ(c0.isn_r, c1.isn_r);
	EXPECT_EQ(0, st_ev_drain(&self->ea, &self->log, 50))
		TH_LOG("%s", st_ev_trail(&self->log));
	/* and the connection still works: a FIN moves it on */
	ASSERT_EQ(0, st_pd_send(pd, F_FIN | F_ACK, NULL, NULL, 0));
	ASSERT_EQ(0, st_wait_state(&self->na, A_LPORT, pd->port,
				   SYNWATCH_STATE_CLOSE_WAIT, 2000, &c1));
	close(afd);
}

TEST_HARNESS_MAIN
