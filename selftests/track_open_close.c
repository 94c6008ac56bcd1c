// SPDX-License-Identifier: GPL-2.0
/*
 * Connection tracking on real connections, both ends real Linux sockets
 * in two netns joined by veth, IPv4 and IPv6: the exact state sequence each end's
 * events show, and the final records (ISNs as the packets carried them,
 * SYN options, handshake RTTs, close reason, closer, history).
 *
 *  - open_close_local_first: A connects to B, data both ways, A closes
 *    first. A is the active opener and the active closer, B the passive
 *    opener and passive closer.
 *  - open_close_remote_first: the same, B closes first.
 *  - refused: A's SYN to a port of B nobody listens on is answered by RST:
 *    REFUSED on both ends.
 *  - abort: SO_LINGER 0 close in ESTABLISHED: LOCAL_RST / REMOTE_RST.
 *  - simultaneous_open: both ends connect() to each other, the SYNs cross
 *    (netem delay): SYN_SENT -> SYN_RECEIVED -> ESTABLISHED on both.
 *  - simultaneous_close: both ends shutdown() at once, the FINs cross:
 *    FIN_WAIT_1 -> CLOSING -> TIME_WAIT on both, closer BOTH.
 */
#include "kselftest_harness.h"
#include "lib/nl.h"
#include "lib/pd.h"

#include <netinet/tcp.h>
#include <sys/socket.h>

#define PORT_SRV	8001
#define PORT_CLI	40001

FIXTURE(oc) {
	struct st_topo t;
	struct st_nl na, nb;	/* requests, in A and in B */
	struct st_nl ea, eb;	/* event subscriptions, in A and in B */
	struct st_evlog la, lb;
	int cap;		/* AF_PACKET capture on B's veth */
};

FIXTURE_VARIANT(oc) {
	int family;
};

FIXTURE_VARIANT_ADD(oc, ipv4) { .family = AF_INET };
FIXTURE_VARIANT_ADD(oc, ipv6) { .family = AF_INET6 };

FIXTURE_SETUP(oc)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };

	ASSERT_EQ(0, st_topo_up(&self->t, variant->family, "oc"));
	ASSERT_EQ(0, st_nl_open_ns(&self->na, &self->t, self->t.fa));
	ASSERT_EQ(0, st_nl_open_ns(&self->nb, &self->t, self->t.fb));
	ASSERT_EQ(0, st_nl_open_ns(&self->ea, &self->t, self->t.fa));
	ASSERT_EQ(0, st_nl_open_ns(&self->eb, &self->t, self->t.fb));
	self->cap = st_ns_socket(&self->t, self->t.fb, AF_PACKET, SOCK_DGRAM,
			      htons(ETH_P_ALL));
	ASSERT_LE(0, self->cap);
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = self->t.ifb;
	ASSERT_EQ(0, bind(self->cap, (struct sockaddr *)&sll, sizeof(sll)));
}

FIXTURE_TEARDOWN(oc)
{
	if (self->cap > 0)
		close(self->cap);
	st_nl_close(&self->na);
	st_nl_close(&self->nb);
	st_nl_close(&self->ea);
	st_nl_close(&self->eb);
	st_topo_down(&self->t);
}

/* Subscribe A to the connections towards port, B to those on it. */
static int subscribe_both(FIXTURE_DATA(oc) *self, uint16_t port)
{
	struct st_filt f = FILT_ANY;
	int err;

	f.rport = port;
	err = st_subscribe(&self->ea, &f);
	if (err)
		return err;
	f.rport = -1;
	f.lport = port;
	return st_subscribe(&self->eb, &f);
}

/*
 * Read the capture until both A's SYN (to B) and B's SYN-ACK (to A) of
 * the connection on port have been seen.
 */
static int capture_handshake(FIXTURE_DATA(oc) *self, uint16_t port,
			     struct st_seg *syn, struct st_seg *synack)
{
	uint64_t end = st_now_us() + 3000000;
	bool got_syn = false, got_synack = false;
	uint8_t buf[2048];

	while (!(got_syn && got_synack) && st_now_us() < end) {
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		struct st_topo rev = self->t;
		struct st_seg s;
		ssize_t n;

		if (st_fd_wait(self->cap, POLLIN, 100) <= 0)
			continue;
		n = recvfrom(self->cap, buf, sizeof(buf), 0,
			     (struct sockaddr *)&sll, &sl);
		if (n <= 0)
			return -1;
		if (sll.sll_pkttype == PACKET_OUTGOING) {
			/* B -> A: parse with the roles swapped */
			memcpy(rev.addr_a, self->t.addr_b, 16);
			memcpy(rev.addr_b, self->t.addr_a, 16);
			if (st_seg_parse(&rev, buf, n, &s) || s.sport != port)
				continue;
			if ((s.flags & (F_SYN | F_ACK)) == (F_SYN | F_ACK)) {
				*synack = s;
				got_synack = true;
			}
		} else {
			if (st_seg_parse(&self->t, buf, n, &s) || s.dport != port)
				continue;
			if ((s.flags & (F_SYN | F_ACK)) == F_SYN) {
				*syn = s;
				got_syn = true;
			}
		}
	}
	return got_syn && got_synack ? 0 : -1;
}

static void log_rec(struct __test_metadata *_metadata, const char *who,
		    const struct st_conn *c)
{
	TH_LOG("%s: state %s flags %#x isn %u/%u mss %u/%u ws %d/%d rtt %u/%u "
	       "rtx %u/%u/%u pkts %llu/%llu bytes %llu/%llu reason %u closer %u "
	       "hist %s", who, st_state_name(c->state), c->flags, c->isn_l, c->isn_r,
	       c->mss_l, c->mss_r, c->wscale_l, c->wscale_r, c->syn_rtt,
	       c->synack_rtt, c->rtx_syn, c->rtx_synack, c->rtx_fin,
	       (unsigned long long)c->pkts_in, (unsigned long long)c->pkts_out,
	       (unsigned long long)c->bytes_in,
	       (unsigned long long)c->bytes_out, c->reason, c->closer, c->hist);
}

/* The handshake facts of a record against the SYN it sent and received. */
static void check_syn_facts(struct __test_metadata *_metadata,
			    const struct st_conn *c, const struct st_seg *mine,
			    const struct st_seg *theirs)
{
	int flags_l = (mine->o.sack ? SYNWATCH_CONN_F_SACK_LOCAL : 0) |
		      (mine->o.ts ? SYNWATCH_CONN_F_TS_LOCAL : 0);
	int flags_r = (theirs->o.sack ? SYNWATCH_CONN_F_SACK_REMOTE : 0) |
		      (theirs->o.ts ? SYNWATCH_CONN_F_TS_REMOTE : 0);

	EXPECT_TRUE(c->has_isn_l);
	EXPECT_TRUE(c->has_isn_r);
	EXPECT_EQ(mine->seq, c->isn_l);
	EXPECT_EQ(theirs->seq, c->isn_r);
	EXPECT_NE(0, mine->o.mss);
	EXPECT_EQ(mine->o.mss, c->mss_l);
	EXPECT_EQ(theirs->o.mss, c->mss_r);
	EXPECT_EQ(mine->o.ws, c->wscale_l);
	EXPECT_EQ(theirs->o.ws, c->wscale_r);
	EXPECT_EQ(flags_l | flags_r,
		  c->flags & (SYNWATCH_CONN_F_SACK_LOCAL |
			      SYNWATCH_CONN_F_SACK_REMOTE |
			      SYNWATCH_CONN_F_TS_LOCAL |
			      SYNWATCH_CONN_F_TS_REMOTE));
	/* Linux offers all of them */
	EXPECT_EQ(SYNWATCH_CONN_F_SACK_LOCAL | SYNWATCH_CONN_F_SACK_REMOTE |
		  SYNWATCH_CONN_F_TS_LOCAL | SYNWATCH_CONN_F_TS_REMOTE,
		  flags_l | flags_r);
}

static void netem(const char *ns, int ms)
{
	st_sh("ip netns exec %s tc qdisc replace dev veth0 root netem delay %dms",
	      ns, ms);
}

/* Events each end saw, against what they must be, exactly. */
#define EXPECT_TRAIL(log, want) do {					\
	EXPECT_STREQ(want, st_ev_trail(log));				\
	EXPECT_TRUE(st_ev_chained(log));					\
} while (0)

/* Each event carries the record in the state it announces, in order. */
static void check_events(struct __test_metadata *_metadata,
			 const struct st_evlog *log, const struct st_topo *t,
			 bool a_side, uint16_t lport, uint16_t rport)
{
	int i;

	for (i = 0; i < log->n; i++) {
		const struct st_ev *e = &log->ev[i];

		ASSERT_TRUE(e->has_conn);
		EXPECT_EQ(i + 1, e->subseq);
		EXPECT_EQ(t->family, e->c.family);
		EXPECT_EQ(lport, e->c.lport);
		EXPECT_EQ(rport, e->c.rport);
		EXPECT_EQ(0, memcmp(e->c.laddr, a_side ? t->addr_a : t->addr_b,
				    t->alen));
		EXPECT_EQ(0, memcmp(e->c.raddr, a_side ? t->addr_b : t->addr_a,
				    t->alen));
		if (e->type != SYNWATCH_EVENT_DESTROY)
			EXPECT_EQ(e->new, e->c.state);
		if (e->type == SYNWATCH_EVENT_NEW)
			EXPECT_EQ(SYNWATCH_STATE_CLOSED, e->old);
		/* a subscriber's copy of an event no group got: SEQ 0 */
		EXPECT_EQ(0, e->seq);
		if (i)
			EXPECT_LE(log->ev[i - 1].time_ns, e->time_ns);
	}
}

struct pair {
	int lfd, a, b;
	uint64_t connect_us;	/* connect() took */
	uint64_t accept_us;	/* from connect() to accept() returning */
	struct st_seg syn, synack;
};

/* A (PORT_CLI) connects to B (PORT_SRV), 5 bytes A -> B, 6 back. */
static void open_pair(struct __test_metadata *_metadata,
		      FIXTURE_DATA(oc) *self, struct pair *p)
{
	struct st_topo *t = &self->t;
	char buf[16];
	uint64_t t0;

	ASSERT_EQ(0, subscribe_both(self, PORT_SRV));
	p->lfd = st_tcp_listen(t, t->fb, t->addr_b, PORT_SRV);
	ASSERT_LE(0, p->lfd);
	t0 = st_now_us();
	p->a = st_tcp_connect(t, t->fa, t->addr_a, PORT_CLI, t->addr_b,
			   PORT_SRV, false);
	p->connect_us = st_now_us() - t0;
	ASSERT_LE(0, p->a);
	p->b = accept(p->lfd, NULL, NULL);
	p->accept_us = st_now_us() - t0;
	ASSERT_LE(0, p->b);
	ASSERT_EQ(0, capture_handshake(self, PORT_SRV, &p->syn, &p->synack));
	ASSERT_EQ(5, send(p->a, "hello", 5, 0));
	ASSERT_EQ(5, recv(p->b, buf, sizeof(buf), 0));
	ASSERT_EQ(6, send(p->b, "world!", 6, 0));
	ASSERT_EQ(6, recv(p->a, buf, sizeof(buf), 0));
}

/*
 * The first closer shuts down, its peer reads EOF once the FIN is acked
 * and closes too. x: the first closer's fd and event session, y: the
 * other's.
 */
static void close_pair(struct __test_metadata *_metadata, int x,
		       struct st_nl *ex, struct st_evlog *lx, int y,
		       struct st_nl *ey, struct st_evlog *ly)
{
	char buf[16];

	ASSERT_EQ(0, shutdown(x, SHUT_WR));
	ASSERT_EQ(1, st_ev_wait(ex, lx, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_FIN_WAIT_2, 3000))
		TH_LOG("first closer: %s", st_ev_trail(lx));
	ASSERT_EQ(0, recv(y, buf, sizeof(buf), 0));
	ASSERT_EQ(1, st_ev_wait(ey, ly, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_CLOSE_WAIT, 3000))
		TH_LOG("second closer: %s", st_ev_trail(ly));
	close(y);
	ASSERT_EQ(1, st_ev_wait(ex, lx, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_TIME_WAIT, 3000))
		TH_LOG("first closer: %s", st_ev_trail(lx));
	ASSERT_EQ(1, st_ev_wait(ey, ly, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_CLOSED, 3000))
		TH_LOG("second closer: %s", st_ev_trail(ly));
	close(x);
	st_ev_drain(ex, lx, 100);
	st_ev_drain(ey, ly, 100);
}

/* Handshake RTTs: the opener's syn_to_synack, the listener's other. */
static void check_rtt(struct __test_metadata *_metadata, const struct st_conn *c,
		      bool active, const struct pair *p, uint32_t min_us)
{
	EXPECT_EQ(active, c->has_syn_rtt);
	EXPECT_EQ(!active, c->has_synack_rtt);
	if (active) {
		EXPECT_LE(min_us, c->syn_rtt);
		EXPECT_GE(p->connect_us + 1000, c->syn_rtt);
	} else {
		/* the ACK reaches B after connect() returned in A */
		EXPECT_LE(min_us, c->synack_rtt);
		EXPECT_GE(p->accept_us + 1000, c->synack_rtt);
	}
}

#define FLAGS_OPTS (SYNWATCH_CONN_F_SACK_LOCAL | SYNWATCH_CONN_F_SACK_REMOTE | \
		    SYNWATCH_CONN_F_TS_LOCAL | SYNWATCH_CONN_F_TS_REMOTE)

/*
 * Active and passive open, data, the 4-way close from either side. netem
 * delays A's packets by 5 ms, so both handshake RTTs are at least that,
 * and at most the time connect() took.
 */
static void open_close(struct __test_metadata *_metadata,
		       FIXTURE_DATA(oc) *self, bool a_closes)
{
	uint64_t a_in0, a_out0, b_in0, b_out0, a_in, a_out, b_in, b_out;
	struct st_conn ca, cb;
	struct pair p;
	char st[256];

	netem(self->t.a, 5);
	ASSERT_EQ(0, st_tcp_mib(&self->t, self->t.fa, &a_in0, &a_out0));
	ASSERT_EQ(0, st_tcp_mib(&self->t, self->t.fb, &b_in0, &b_out0));
	open_pair(_metadata, self, &p);
	if (a_closes)
		close_pair(_metadata, p.a, &self->ea, &self->la,
			   p.b, &self->eb, &self->lb);
	else
		close_pair(_metadata, p.b, &self->eb, &self->lb,
			   p.a, &self->ea, &self->la);
	close(p.lfd);

	TH_LOG("A (client) states: %s", st_ev_states(&self->la, st, sizeof(st)));
	TH_LOG("B (server) states: %s", st_ev_states(&self->lb, st, sizeof(st)));
	if (a_closes) {
		EXPECT_TRAIL(&self->la, "NEW SYN_SENT S/out, "
			     "STATE ESTABLISHED SA/in, "
			     "STATE FIN_WAIT_1 FA/out, "
			     "STATE FIN_WAIT_2 A/in, "
			     "STATE TIME_WAIT FA/in");
		EXPECT_TRAIL(&self->lb, "NEW LISTEN S/in, "
			     "STATE SYN_RECEIVED SA/out, "
			     "STATE ESTABLISHED A/in, "
			     "STATE CLOSE_WAIT FA/in, "
			     "STATE LAST_ACK FA/out, "
			     "STATE CLOSED A/in");
	} else {
		EXPECT_TRAIL(&self->la, "NEW SYN_SENT S/out, "
			     "STATE ESTABLISHED SA/in, "
			     "STATE CLOSE_WAIT FA/in, "
			     "STATE LAST_ACK FA/out, "
			     "STATE CLOSED A/in");
		EXPECT_TRAIL(&self->lb, "NEW LISTEN S/in, "
			     "STATE SYN_RECEIVED SA/out, "
			     "STATE ESTABLISHED A/in, "
			     "STATE FIN_WAIT_1 FA/out, "
			     "STATE FIN_WAIT_2 A/in, "
			     "STATE TIME_WAIT FA/in");
	}
	check_events(_metadata, &self->la, &self->t, true, PORT_CLI, PORT_SRV);
	check_events(_metadata, &self->lb, &self->t, false, PORT_SRV, PORT_CLI);

	ASSERT_EQ(1, st_find(&self->na, PORT_CLI, PORT_SRV, &ca));
	ASSERT_EQ(1, st_find(&self->nb, PORT_SRV, PORT_CLI, &cb));
	log_rec(_metadata, "A", &ca);
	log_rec(_metadata, "B", &cb);
	check_syn_facts(_metadata, &ca, &p.syn, &p.synack);
	check_syn_facts(_metadata, &cb, &p.synack, &p.syn);
	check_rtt(_metadata, &ca, true, &p, 5000);
	check_rtt(_metadata, &cb, false, &p, 5000);

	EXPECT_EQ(SYNWATCH_CONN_F_ACTIVE | FLAGS_OPTS, ca.flags);
	EXPECT_EQ(FLAGS_OPTS, cb.flags);
	/*
	 * A: SYN, ACK, data, ACK, FIN, ACK; B the same less the first ACK.
	 * At least: a stack may send an ACK more (a window update, or an ACK
	 * its delayed-ACK timer sent before the reply could carry it, seen
	 * on PREEMPT_RT under load). Exactly what each netns' stack counted.
	 */
	ASSERT_EQ(0, st_tcp_mib(&self->t, self->t.fa, &a_in, &a_out));
	ASSERT_EQ(0, st_tcp_mib(&self->t, self->t.fb, &b_in, &b_out));
	EXPECT_LE(6, ca.pkts_out);
	EXPECT_LE(5, ca.pkts_in);
	EXPECT_LE(5, cb.pkts_out);
	EXPECT_LE(6, cb.pkts_in);
	EXPECT_EQ(a_out - a_out0, ca.pkts_out);
	EXPECT_EQ(a_in - a_in0, ca.pkts_in);
	EXPECT_EQ(b_out - b_out0, cb.pkts_out);
	EXPECT_EQ(b_in - b_in0, cb.pkts_in);
	EXPECT_EQ(ca.pkts_out, cb.pkts_in);
	EXPECT_EQ(ca.pkts_in, cb.pkts_out);
	EXPECT_EQ(5, ca.bytes_out);
	EXPECT_EQ(6, ca.bytes_in);
	EXPECT_EQ(6, cb.bytes_out);
	EXPECT_EQ(5, cb.bytes_in);
	EXPECT_EQ(0, ca.rtx_syn + ca.rtx_synack + ca.rtx_fin);
	EXPECT_EQ(0, cb.rtx_syn + cb.rtx_synack + cb.rtx_fin);
	if (a_closes) {
		EXPECT_EQ(SYNWATCH_STATE_TIME_WAIT, ca.state);
		EXPECT_EQ(SYNWATCH_STATE_CLOSED, cb.state);
		EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, ca.reason);
		EXPECT_EQ(SYNWATCH_CLOSER_LOCAL, ca.closer);
		EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, cb.reason);
		EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, cb.closer);
		EXPECT_STREQ("ShADadFf", ca.hist);
		EXPECT_STREQ("sHadADfF", cb.hist);
	} else {
		EXPECT_EQ(SYNWATCH_STATE_CLOSED, ca.state);
		EXPECT_EQ(SYNWATCH_STATE_TIME_WAIT, cb.state);
		EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, ca.reason);
		EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, ca.closer);
		EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, cb.reason);
		EXPECT_EQ(SYNWATCH_CLOSER_LOCAL, cb.closer);
		EXPECT_STREQ("ShADadfF", ca.hist);
		EXPECT_STREQ("sHadADFf", cb.hist);
	}
}

TEST_F_TIMEOUT(oc, open_close_local_first, 120)
{
	open_close(_metadata, self, true);
}

TEST_F_TIMEOUT(oc, open_close_remote_first, 120)
{
	open_close(_metadata, self, false);
}

/* A SYN to a port nobody listens on: B's kernel answers RST. */
TEST_F_TIMEOUT(oc, refused, 120)
{
	struct st_topo *t = &self->t;
	struct st_stats sa0, sa1, sb0, sb1;
	struct st_conn ca, cb;
	struct st_seg syn, synack;
	int a;

	ASSERT_EQ(0, subscribe_both(self, PORT_SRV));
	ASSERT_EQ(0, st_get_stats(&self->na, &sa0));
	ASSERT_EQ(0, st_get_stats(&self->nb, &sb0));
	a = st_tcp_connect(t, t->fa, t->addr_a, PORT_CLI, t->addr_b, PORT_SRV,
			false);
	ASSERT_EQ(-ECONNREFUSED, a);
	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->la, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_CLOSED, 3000));
	ASSERT_EQ(1, st_ev_wait(&self->eb, &self->lb, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_CLOSED, 3000));
	st_ev_drain(&self->ea, &self->la, 100);
	st_ev_drain(&self->eb, &self->lb, 100);
	EXPECT_TRAIL(&self->la, "NEW SYN_SENT S/out, STATE CLOSED RA/in");
	EXPECT_TRAIL(&self->lb, "NEW LISTEN S/in, STATE CLOSED RA/out");
	check_events(_metadata, &self->la, t, true, PORT_CLI, PORT_SRV);
	check_events(_metadata, &self->lb, t, false, PORT_SRV, PORT_CLI);

	/* the capture has the SYN; "synack" stays unset */
	memset(&synack, 0, sizeof(synack));
	capture_handshake(self, PORT_SRV, &syn, &synack);
	ASSERT_EQ(1, st_find(&self->na, PORT_CLI, PORT_SRV, &ca));
	ASSERT_EQ(1, st_find(&self->nb, PORT_SRV, PORT_CLI, &cb));
	log_rec(_metadata, "A", &ca);
	log_rec(_metadata, "B", &cb);
	EXPECT_EQ(SYNWATCH_STATE_CLOSED, ca.state);
	EXPECT_EQ(SYNWATCH_STATE_CLOSED, cb.state);
	EXPECT_EQ(SYNWATCH_CLOSE_REFUSED, ca.reason);
	EXPECT_EQ(SYNWATCH_CLOSE_REFUSED, cb.reason);
	EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, ca.closer);
	EXPECT_EQ(SYNWATCH_CLOSER_LOCAL, cb.closer);
	EXPECT_STREQ("Sr", ca.hist);
	EXPECT_STREQ("sR", cb.hist);
	EXPECT_EQ(SYNWATCH_CONN_F_ACTIVE | SYNWATCH_CONN_F_SACK_LOCAL |
		  SYNWATCH_CONN_F_TS_LOCAL, ca.flags);
	EXPECT_EQ(SYNWATCH_CONN_F_SACK_REMOTE | SYNWATCH_CONN_F_TS_REMOTE,
		  cb.flags);
	/* only the SYN's side has an ISN: an RST is no SYN */
	EXPECT_TRUE(ca.has_isn_l);
	EXPECT_EQ(syn.seq, ca.isn_l);
	EXPECT_FALSE(ca.has_isn_r);
	EXPECT_TRUE(cb.has_isn_r);
	EXPECT_EQ(syn.seq, cb.isn_r);
	EXPECT_FALSE(cb.has_isn_l);
	EXPECT_FALSE(ca.has_syn_rtt || ca.has_synack_rtt);
	EXPECT_FALSE(cb.has_syn_rtt || cb.has_synack_rtt);
	EXPECT_EQ(1, ca.pkts_out);
	EXPECT_EQ(1, ca.pkts_in);

	ASSERT_EQ(0, st_get_stats(&self->na, &sa1));
	ASSERT_EQ(0, st_get_stats(&self->nb, &sb1));
	EXPECT_EQ(1, sa1.v[SYNWATCH_A_STATS_CONN_NEW] -
		     sa0.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(1, sb1.v[SYNWATCH_A_STATS_CONN_NEW] -
		     sb0.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(2, sa1.v[SYNWATCH_A_STATS_STATE_CHANGES] -
		     sa0.v[SYNWATCH_A_STATS_STATE_CHANGES]);
}

/* close() with SO_LINGER 0 in ESTABLISHED aborts with an RST. */
TEST_F_TIMEOUT(oc, abort, 120)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct st_conn ca, cb;
	struct pair p;

	open_pair(_metadata, self, &p);
	ASSERT_EQ(0, setsockopt(p.a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	close(p.a);
	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->la, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_CLOSED, 3000));
	ASSERT_EQ(1, st_ev_wait(&self->eb, &self->lb, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_CLOSED, 3000));
	close(p.b);
	close(p.lfd);
	st_ev_drain(&self->ea, &self->la, 100);
	st_ev_drain(&self->eb, &self->lb, 100);
	EXPECT_TRAIL(&self->la, "NEW SYN_SENT S/out, "
		     "STATE ESTABLISHED SA/in, STATE CLOSED RA/out");
	EXPECT_TRAIL(&self->lb, "NEW LISTEN S/in, STATE SYN_RECEIVED SA/out, "
		     "STATE ESTABLISHED A/in, STATE CLOSED RA/in");
	ASSERT_EQ(1, st_find(&self->na, PORT_CLI, PORT_SRV, &ca));
	ASSERT_EQ(1, st_find(&self->nb, PORT_SRV, PORT_CLI, &cb));
	log_rec(_metadata, "A", &ca);
	log_rec(_metadata, "B", &cb);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_RST, ca.reason);
	EXPECT_EQ(SYNWATCH_CLOSER_LOCAL, ca.closer);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_RST, cb.reason);
	EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, cb.closer);
	EXPECT_STREQ("ShADadR", ca.hist);
	EXPECT_STREQ("sHadADr", cb.hist);
	check_syn_facts(_metadata, &ca, &p.syn, &p.synack);
	check_syn_facts(_metadata, &cb, &p.synack, &p.syn);
}

/*
 * RFC 9293 3.5 figure 8: A and B connect() to each other from fixed
 * ports at the same time; 100 ms of netem delay each way makes the SYNs
 * cross on the wire.
 */
TEST_F_TIMEOUT(oc, simultaneous_open, 120)
{
	struct st_topo *t = &self->t;
	struct st_conn ca, cb;
	struct st_filt f = FILT_ANY;
	uint64_t t0, took;
	int a, b;

	netem(t->a, 100);
	netem(t->b, 100);
	f.lport = PORT_CLI;
	ASSERT_EQ(0, st_subscribe(&self->ea, &f));
	f.lport = PORT_SRV;
	ASSERT_EQ(0, st_subscribe(&self->eb, &f));
	t0 = st_now_us();
	a = st_tcp_connect(t, t->fa, t->addr_a, PORT_CLI, t->addr_b, PORT_SRV,
			true);
	b = st_tcp_connect(t, t->fb, t->addr_b, PORT_SRV, t->addr_a, PORT_CLI,
			true);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(1, st_fd_wait(a, POLLOUT, 3000));
	ASSERT_EQ(1, st_fd_wait(b, POLLOUT, 3000));
	took = st_now_us() - t0;
	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->la, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_ESTABLISHED, 3000));
	ASSERT_EQ(1, st_ev_wait(&self->eb, &self->lb, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_ESTABLISHED, 3000));
	st_ev_drain(&self->ea, &self->la, 300);
	st_ev_drain(&self->eb, &self->lb, 300);
	EXPECT_TRAIL(&self->la, "NEW SYN_SENT S/out, "
		     "STATE SYN_RECEIVED S/in, STATE ESTABLISHED SA/in");
	EXPECT_TRAIL(&self->lb, "NEW SYN_SENT S/out, "
		     "STATE SYN_RECEIVED S/in, STATE ESTABLISHED SA/in");
	ASSERT_EQ(1, st_find(&self->na, PORT_CLI, PORT_SRV, &ca));
	ASSERT_EQ(1, st_find(&self->nb, PORT_SRV, PORT_CLI, &cb));
	log_rec(_metadata, "A", &ca);
	log_rec(_metadata, "B", &cb);
	TH_LOG("handshake took %llu us", (unsigned long long)took);
	EXPECT_EQ(SYNWATCH_CONN_F_ACTIVE | SYNWATCH_CONN_F_SIMULTANEOUS |
		  FLAGS_OPTS, ca.flags);
	EXPECT_EQ(ca.flags, cb.flags);
	EXPECT_EQ(SYNWATCH_STATE_ESTABLISHED, ca.state);
	EXPECT_EQ(SYNWATCH_STATE_ESTABLISHED, cb.state);
	EXPECT_EQ(ca.isn_l, cb.isn_r);
	EXPECT_EQ(ca.isn_r, cb.isn_l);
	EXPECT_STREQ("SsHhAa", ca.hist);
	EXPECT_STREQ("SsHhAa", cb.hist);
	EXPECT_EQ(0, ca.rtx_syn + ca.rtx_synack);
	/* our SYN to their SYN-ACK: one 200 ms round trip */
	EXPECT_TRUE(ca.has_syn_rtt);
	EXPECT_TRUE(cb.has_syn_rtt);
	EXPECT_LE(200000, ca.syn_rtt);
	EXPECT_GE(took + 1000, ca.syn_rtt);
	EXPECT_LE(200000, cb.syn_rtt);
	EXPECT_FALSE(ca.has_synack_rtt || cb.has_synack_rtt);
	close(a);
	close(b);
}

/*
 * RFC 9293 3.6 figure 13: both ends shutdown() at the same time, the FINs
 * cross (100 ms netem each way): FIN_WAIT_1 -> CLOSING -> TIME_WAIT on
 * both, closer BOTH.
 */
TEST_F_TIMEOUT(oc, simultaneous_close, 120)
{
	struct st_conn ca, cb;
	struct pair p;

	open_pair(_metadata, self, &p);
	netem(self->t.a, 100);
	netem(self->t.b, 100);
	ASSERT_EQ(0, shutdown(p.a, SHUT_WR));
	ASSERT_EQ(0, shutdown(p.b, SHUT_WR));
	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->la, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_TIME_WAIT, 3000));
	ASSERT_EQ(1, st_ev_wait(&self->eb, &self->lb, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_TIME_WAIT, 3000));
	st_ev_drain(&self->ea, &self->la, 300);
	st_ev_drain(&self->eb, &self->lb, 300);
	close(p.a);
	close(p.b);
	close(p.lfd);
	EXPECT_TRAIL(&self->la, "NEW SYN_SENT S/out, "
		     "STATE ESTABLISHED SA/in, STATE FIN_WAIT_1 FA/out, "
		     "STATE CLOSING FA/in, STATE TIME_WAIT A/in");
	EXPECT_TRAIL(&self->lb, "NEW LISTEN S/in, STATE SYN_RECEIVED SA/out, "
		     "STATE ESTABLISHED A/in, STATE FIN_WAIT_1 FA/out, "
		     "STATE CLOSING FA/in, STATE TIME_WAIT A/in");
	ASSERT_EQ(1, st_find(&self->na, PORT_CLI, PORT_SRV, &ca));
	ASSERT_EQ(1, st_find(&self->nb, PORT_SRV, PORT_CLI, &cb));
	log_rec(_metadata, "A", &ca);
	log_rec(_metadata, "B", &cb);
	EXPECT_EQ(SYNWATCH_CLOSER_BOTH, ca.closer);
	EXPECT_EQ(SYNWATCH_CLOSER_BOTH, cb.closer);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, ca.reason);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, cb.reason);
	/*
	 * With 200 ms round trips on a loaded TCG host a FIN may be sent
	 * again before its ACK came: then the history must say so, and the
	 * counters agree.
	 */
	EXPECT_STREQ(ca.rtx_fin ? "ShADadFfTt" : "ShADadFf", ca.hist);
	EXPECT_STREQ(cb.rtx_fin ? "sHadADFfTt" : "sHadADFf", cb.hist);
	EXPECT_EQ(ca.rtx_fin, cb.rtx_fin);
}

/*
 * A new SYN on the tuple of a closed connection: B closed first and is in
 * TIME_WAIT, A (CLOSED) connects again from the same port. Each end's old
 * record is destroyed by the SYN and a new one starts. The DESTROY keeps
 * the reason the old connection closed for (sw_rec_close: a connection
 * that already closed keeps its reason), so REOPEN never shows here.
 */
TEST_F_TIMEOUT(oc, reopen_time_wait, 120)
{
	struct st_topo *t = &self->t;
	struct st_stats sa0, sa1, sb0, sb1;
	struct st_conn ca, cb;
	struct pair p;
	int a, b, i;

	open_pair(_metadata, self, &p);
	close_pair(_metadata, p.b, &self->eb, &self->lb, p.a, &self->ea,
		   &self->la);
	ASSERT_EQ(1, st_find(&self->nb, PORT_SRV, PORT_CLI, &cb));
	ASSERT_EQ(SYNWATCH_STATE_TIME_WAIT, cb.state);
	self->la.n = 0;
	self->lb.n = 0;
	ASSERT_EQ(0, st_get_stats(&self->na, &sa0));
	ASSERT_EQ(0, st_get_stats(&self->nb, &sb0));

	a = st_tcp_connect(t, t->fa, t->addr_a, PORT_CLI, t->addr_b, PORT_SRV,
			false);
	ASSERT_LE(0, a);
	b = accept(p.lfd, NULL, NULL);
	ASSERT_LE(0, b);
	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->la, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_ESTABLISHED, 3000));
	ASSERT_EQ(1, st_ev_wait(&self->eb, &self->lb, SYNWATCH_EVENT_STATE,
			     SYNWATCH_STATE_ESTABLISHED, 3000));
	st_ev_drain(&self->ea, &self->la, 100);
	st_ev_drain(&self->eb, &self->lb, 100);
	EXPECT_STREQ("DESTROY CLOSED S/out, NEW SYN_SENT S/out, "
		     "STATE ESTABLISHED SA/in", st_ev_trail(&self->la));
	EXPECT_STREQ("DESTROY TIME_WAIT S/in, NEW LISTEN S/in, "
		     "STATE SYN_RECEIVED SA/out, STATE ESTABLISHED A/in",
		     st_ev_trail(&self->lb));
	/* the old records, as they ended */
	ASSERT_LE(1, self->la.n);
	ASSERT_LE(1, self->lb.n);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, self->la.ev[0].c.reason);
	EXPECT_STREQ("ShADadfF", self->la.ev[0].c.hist);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, self->lb.ev[0].c.reason);
	EXPECT_STREQ("sHadADFf", self->lb.ev[0].c.hist);
	for (i = 0; i < 2; i++)
		EXPECT_EQ(SYNWATCH_STATE_CLOSED,
			  (i ? self->lb : self->la).ev[0].new);
	/* the new ones */
	ASSERT_EQ(1, st_find(&self->na, PORT_CLI, PORT_SRV, &ca));
	ASSERT_EQ(1, st_find(&self->nb, PORT_SRV, PORT_CLI, &cb));
	log_rec(_metadata, "A", &ca);
	log_rec(_metadata, "B", &cb);
	EXPECT_STREQ("ShA", ca.hist);
	EXPECT_STREQ("sHa", cb.hist);
	EXPECT_EQ(SYNWATCH_CLOSE_NONE, ca.reason);
	EXPECT_EQ(SYNWATCH_CLOSE_NONE, cb.reason);
	EXPECT_NE(p.syn.seq, ca.isn_l);
	ASSERT_EQ(0, st_get_stats(&self->na, &sa1));
	ASSERT_EQ(0, st_get_stats(&self->nb, &sb1));
	EXPECT_EQ(1, sa1.v[SYNWATCH_A_STATS_CONN_NEW] -
		     sa0.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(1, sa1.v[SYNWATCH_A_STATS_CONN_DESTROY] -
		     sa0.v[SYNWATCH_A_STATS_CONN_DESTROY]);
	EXPECT_EQ(1, sb1.v[SYNWATCH_A_STATS_CONN_NEW] -
		     sb0.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(1, sb1.v[SYNWATCH_A_STATS_CONN_DESTROY] -
		     sb0.v[SYNWATCH_A_STATS_CONN_DESTROY]);
	EXPECT_EQ(1, sa1.v[SYNWATCH_A_STATS_CONN_COUNT]);
	EXPECT_EQ(1, sb1.v[SYNWATCH_A_STATS_CONN_COUNT]);
	close(a);
	close(b);
	close(p.lfd);
}

TEST_HARNESS_MAIN
