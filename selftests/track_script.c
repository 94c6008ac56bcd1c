// SPDX-License-Identifier: GPL-2.0
/*
 * Connection tracking against a scripted peer (selftests/lib/pd.h's
 * mini-packetdrill): the real TCP stack runs in netns A, the peer in B is
 * this program, reading A's segments with AF_PACKET on B's veth and
 * writing its own. What A "sends" that its stack would not (an RST in any
 * state) goes out of a raw IP socket in A, through A's LOCAL_OUT hook.
 * IPv4 and IPv6.
 *
 *  - rst_in_<state> / rst_out_<state>: an RST in each state (LISTEN to
 *    TIME_WAIT, and CLOSED; a test of its own for each), received / sent
 *    by A. First one outside the window: counted
 *    in the stats' invalid RST_WINDOW, no event, record unchanged. Then an
 *    acceptable one: STATE -> CLOSED, close reason and closer, history.
 *  - rst_window_scale: an RST 1 MiB past A's receive window of 64 KiB is
 *    dropped by A's stack; synwatch must reject it too, even though a
 *    window scale of 7 is in use (a SYN's window is never scaled).
 *  - rtx_passive: the peer retransmits its SYN and its FIN, A retransmits
 *    its SYN-ACK and its FIN: all counted, no new connection, no event.
 *  - rtx_active: A's SYN goes unanswered for its 1 s RTO and is sent
 *    again; the peer retransmits its SYN-ACK once established.
 */
#include "kselftest_harness.h"
#include "lib/nl.h"
#include "lib/pd.h"
#include "lib/states.h"

#include <sys/socket.h>

#define A_LPORT		9000	/* A's listening socket */
#define A_CPORT		20000	/* A's active opens: A_CPORT + n */

#define ST(s)	(sw_stats_delta(&s0, &s1, SYNWATCH_A_STATS_##s))
#define INV(r)	(s1.inval[SYNWATCH_INVALID_##r] - s0.inval[SYNWATCH_INVALID_##r])

FIXTURE(sc) {
	struct st_topo t;
	struct st_nl na;		/* requests in A */
	struct st_nl ea;		/* events of A */
	struct st_evlog log;
	int lfd;		/* A's listener on A_LPORT */
	int next;		/* next script port offset */
};

FIXTURE_VARIANT(sc) {
	int family;
};

FIXTURE_VARIANT_ADD(sc, ipv4) { .family = AF_INET };
FIXTURE_VARIANT_ADD(sc, ipv6) { .family = AF_INET6 };

FIXTURE_SETUP(sc)
{
	ASSERT_EQ(0, st_topo_up(&self->t, variant->family, "sc"));
	ASSERT_EQ(0, st_pd_blackhole(&self->t));
	ASSERT_EQ(0, st_nl_open_ns(&self->na, &self->t, self->t.fa));
	ASSERT_EQ(0, st_nl_open_ns(&self->ea, &self->t, self->t.fa));
	self->lfd = st_tcp_listen(&self->t, self->t.fa, self->t.addr_a, A_LPORT);
	ASSERT_LE(0, self->lfd);
}

FIXTURE_TEARDOWN(sc)
{
	if (self->lfd > 0)
		close(self->lfd);
	st_nl_close(&self->na);
	st_nl_close(&self->ea);
	st_topo_down(&self->t);
}

static inline uint64_t sw_stats_delta(const struct st_stats *a,
				      const struct st_stats *b, int attr)
{
	return b->v[attr] - a->v[attr];
}

/* One scripted connection and A's socket of it. */
struct sconn {
	struct st_pd pd;
	int afd;
	uint16_t aport;
};

static void sconn_close(struct sconn *c)
{
	if (c->afd >= 0)
		close(c->afd);
	c->afd = -1;
	st_pd_close(&c->pd);
}

/*
 * Listen to the events of c only, from now on. What the old filter let
 * into the socket's queue before the new one took effect is dropped: a
 * late event of the previous case's connection (on a slow kernel, A's
 * SYN sent again after its RTO reuses the tuple of a SYN-SENT case) is
 * not c's. c is quiet meanwhile: drive() left it waiting in its state.
 */
static int watch(FIXTURE_DATA(sc) *self, struct sconn *c)
{
	struct st_filt f = FILT_ANY;
	int err;

	f.lport = c->aport;
	f.rport = c->pd.port;
	err = st_subscribe(&self->ea, &f);
	/* 50 ms: events leave the kernel in batches, at most 2 ms late */
	if (!err && st_ev_drain(&self->ea, &self->log, 50) < 0)
		err = -1;
	self->log.n = 0;
	return err;
}

/*
 * Bring a new scripted connection to A's state st with the packets a real
 * exchange has: A's stack makes every move of its own.
 */
static int drive(FIXTURE_DATA(sc) *self, struct sconn *c, int st)
{
	struct st_topo *t = &self->t;
	struct st_tcpopts o = st_pd_syn_opts();
	uint16_t port = PD_PORT_MIN + self->next++;
	struct st_pd *pd = &c->pd;
	struct st_seg s;

	c->afd = -1;
	if (st == LI) {
		/* A's stack never sees it: nobody answers (st_pd_blackhole) */
		c->aport = PD_A_DEAF;
		if (st_pd_open(pd, t, port, c->aport))
			return -1;
		return st_pd_send(pd, F_SYN, &o, NULL, 0);
	}
	if (st == SS) {
		c->aport = A_CPORT + self->next;
		if (st_pd_open(pd, t, port, c->aport))
			return -1;
		c->afd = st_tcp_connect(t, t->fa, t->addr_a, c->aport, t->addr_b,
				     port, true);
		if (c->afd < 0)
			return -1;
		return st_pd_recv(pd, F_SYN, 3000, &s) == 1 ? 0 : -1;
	}
	c->aport = A_LPORT;
	if (st_pd_open(pd, t, port, c->aport))
		return -1;
	if (st_pd_send(pd, F_SYN, &o, NULL, 0) ||
	    st_pd_recv(pd, F_SYN | F_ACK, 3000, &s) != 1)
		return -1;
	pd->ts = s.o.ts;
	if (st == SR)
		return 0;
	if (st_pd_send(pd, F_ACK, NULL, NULL, 0) ||
	    st_fd_wait(self->lfd, POLLIN, 3000) != 1)
		return -1;
	c->afd = accept(self->lfd, NULL, NULL);
	if (c->afd < 0)
		return -1;
	switch (st) {
	case ES:
		return 0;
	case F1:
	case F2:
	case CG:
	case TW:
		/* A closes first */
		if (shutdown(c->afd, SHUT_WR) || st_pd_recv(pd, F_FIN, 3000, &s) != 1)
			return -1;
		if (st == F1)
			return 0;
		if (st == CG) {
			/* our FIN crosses A's: it does not ack A's FIN */
			if (st_pd_send_raw(pd, F_FIN | F_ACK, pd->snd_nxt,
					pd->rcv_nxt - 1, NULL, NULL, 0))
				return -1;
			pd->snd_nxt++;
			return st_pd_recv(pd, F_ACK, 3000, &s) == 1 ? 0 : -1;
		}
		if (st_pd_send(pd, F_ACK, NULL, NULL, 0))
			return -1;
		if (st == F2)
			return 0;
		if (st_pd_send(pd, F_FIN | F_ACK, NULL, NULL, 0))
			return -1;
		return st_pd_recv(pd, F_ACK, 3000, &s) == 1 ? 0 : -1;
	default:
		/* the peer closes first */
		if (st_pd_send(pd, F_FIN | F_ACK, NULL, NULL, 0) ||
		    st_pd_recv(pd, F_ACK, 3000, &s) != 1)
			return -1;
		if (st == CW)
			return 0;
		close(c->afd);
		c->afd = -1;
		if (st_pd_recv(pd, F_FIN, 3000, &s) != 1)
			return -1;
		if (st == LA)
			return 0;
		return st_pd_send(pd, F_ACK, NULL, NULL, 0);
	}
}

/*
 * An RST from the peer (in) or from A (out), acceptable or 1 GiB off
 * (outside any window). A refused SYN's RST acks the SYN and has seq 0.
 */
static int send_rst(struct sconn *c, int st, bool in, bool good)
{
	struct st_pd *pd = &c->pd;
	uint32_t off = good ? 0 : 0x40000000;

	if (in) {
		if (st == SS)
			return st_pd_send_raw(pd, F_RST | F_ACK, 0,
					   pd->rcv_nxt + off, NULL, NULL, 0);
		return st_pd_send_raw(pd, F_RST, pd->snd_nxt + off, 0, NULL,
				   NULL, 0);
	}
	if (st == LI)
		return st_pd_out_raw(pd, F_RST | F_ACK, 0, pd->snd_nxt + off);
	return st_pd_out_raw(pd, F_RST | F_ACK, pd->rcv_nxt + off, pd->snd_nxt);
}

/* Poll the stats until the invalid RST_WINDOW counter moved. */
static int wait_invalid(FIXTURE_DATA(sc) *self, const struct st_stats *s0,
			struct st_stats *s1, int reason)
{
	uint64_t end = st_now_us() + 2000000;

	do {
		if (st_get_stats(&self->na, s1))
			return -1;
		if (s1->inval[reason] != s0->inval[reason])
			return 0;
		usleep(5000);
	} while (st_now_us() < end);
	return -1;
}

/*
 * The tuple of c was reused by A's own SYN: the table holds the new
 * connection, SYN-SENT with that one SYN, and the old one's last record
 * came in its DESTROY event, returned in old.
 */
static int reopened(struct __test_metadata *_metadata, FIXTURE_DATA(sc) *self,
		    struct sconn *c, struct st_conn *old)
{
	struct st_conn now;
	int i;

	ASSERT_EQ(1, st_find(&self->na, c->aport, c->pd.port, &now));
	EXPECT_EQ(SS, now.state);
	EXPECT_STREQ("S", now.hist);
	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->log, SYNWATCH_EVENT_DESTROY, -1,
			     2000));
	for (i = 0; i < self->log.n; i++) {
		const struct st_ev *e = &self->log.ev[i];

		if (e->type == SYNWATCH_EVENT_DESTROY && e->has_conn &&
		    e->c.lport == c->aport && e->c.rport == c->pd.port) {
			*old = e->c;
			return 0;
		}
	}
	TH_LOG("no DESTROY event for the reused tuple: %s",
	       st_ev_trail(&self->log));
	return -1;
}

/*
 * got is want, or, with tee, want with one 'T' added where it came: the
 * history records each letter once, in order, and a retransmission by
 * RTO may come before or after the step's own packet.
 */
static bool hist_match(const char *want, const char *got, bool tee)
{
	char buf[SYNWATCH_HISTORY_LEN + 1];
	const char *t;

	if (!tee)
		return !strcmp(want, got);
	t = strchr(got, 'T');
	if (!t)
		return false;
	snprintf(buf, sizeof(buf), "%.*s%s", (int)(t - got), got, t + 1);
	return !strcmp(want, buf);
}

/*
 * The retransmissions A's stack made in a step, before b and after a:
 * expect of them (its SYN, sent again at once after a bad RST in
 * SYN-SENT) and any more by RTO, which a slow kernel (the debug build, a
 * loaded host) reaches within a step. Only the segment A has outstanding
 * in st may go again: its SYN (SYN-SENT), SYN-ACK (SYN-RECEIVED) or FIN
 * (FIN-WAIT-1, CLOSING, LAST-ACK). Each is counted, and lettered once:
 * the history is want, with a T where it came if tee (no T yet). Returns
 * how many came by RTO.
 */
static int check_rtx(struct __test_metadata *_metadata, int st,
		     const struct st_conn *b, const struct st_conn *a, int expect,
		     const char *want, bool tee)
{
	uint32_t syn = a->rtx_syn - b->rtx_syn;
	uint32_t synack = a->rtx_synack - b->rtx_synack;
	uint32_t fin = a->rtx_fin - b->rtx_fin;
	uint32_t own = st == SS ? syn : st == SR ? synack :
		       st == F1 || st == CG || st == LA ? fin : 0;
	int more = (int)(syn + synack + fin) - expect;

	EXPECT_EQ(own, syn + synack + fin);
	EXPECT_LE(0, more);
	EXPECT_TRUE(hist_match(want, a->hist, more > 0 && tee))
		TH_LOG("history %s, want %s (%d retransmitted by RTO)",
		       a->hist, want, more);
	return more;
}

static void rst_case(struct __test_metadata *_metadata,
		     FIXTURE_DATA(sc) *self, int st, bool in)
{
	struct st_stats s0, s1;
	struct st_conn before, after;
	char want[SYNWATCH_HISTORY_LEN + 3];
	struct sconn c;
	struct st_seg s;
	int reason, closer, rtx = 0, more;

	TH_LOG("RST %s in %s", in ? "received" : "sent", st_state_name(st));
	ASSERT_EQ(0, drive(self, &c, st));
	ASSERT_EQ(0, st_wait_state(&self->na, c.aport, c.pd.port, st, 2000,
				   &before)) TH_LOG("in %s", st_state_name(before.state));
	ASSERT_EQ(0, watch(self, &c));
	ASSERT_EQ(0, st_get_stats(&self->na, &s0));

	/* outside the window: counted, nothing else */
	ASSERT_EQ(0, send_rst(&c, st, in, false));
	ASSERT_EQ(0, wait_invalid(self, &s0, &s1,
				  SYNWATCH_INVALID_RST_WINDOW));
	EXPECT_EQ(1, INV(RST_WINDOW));
	EXPECT_EQ(0, ST(STATE_CHANGES));
	if (in && st == SS) {
		/*
		 * Linux takes an RST with a bad ACK in SYN-SENT as a sign that
		 * its SYN was lost and sends it again at once
		 * (tcp_rcv_synsent_state_process).
		 */
		ASSERT_EQ(1, st_pd_recv(&c.pd, F_SYN, 2000, &s));
		ASSERT_EQ(0, st_wait_state(&self->na, c.aport, c.pd.port, st,
					   2000, &after));
		snprintf(want, sizeof(want), "%sT", before.hist);
		rtx = 1;
	} else {
		snprintf(want, sizeof(want), "%s", before.hist);
	}
	usleep(20000);
	ASSERT_EQ(1, st_find(&self->na, c.aport, c.pd.port, &after));
	EXPECT_EQ(st, after.state);
	more = check_rtx(_metadata, st, &before, &after, rtx, want,
			 !strchr(want, 'T'));
	EXPECT_EQ(before.reason, after.reason);
	EXPECT_EQ(before.pkts_in, after.pkts_in);
	EXPECT_EQ(before.pkts_out + rtx + more, after.pkts_out);
	EXPECT_EQ(0, st_ev_drain(&self->ea, &self->log, 50))
		TH_LOG("events: %s", st_ev_trail(&self->log));

	/* acceptable: the connection is gone */
	ASSERT_EQ(1, st_find(&self->na, c.aport, c.pd.port, &before));
	ASSERT_EQ(0, send_rst(&c, st, in, true));
	if (st != CL) {
		const char *want_trail = in ? (st == SS ? "STATE CLOSED RA/in" :
					       "STATE CLOSED R/in") :
				       "STATE CLOSED RA/out";
		char trail[1024];

		ASSERT_EQ(1, st_ev_wait(&self->ea, &self->log,
				     SYNWATCH_EVENT_STATE, CL, 2000));
		st_ev_drain(&self->ea, &self->log, 20);
		snprintf(trail, sizeof(trail), "%s", st_ev_trail(&self->log));
		/* A's SYN again, already: the reuse below, seen early */
		if (!in && st == SS &&
		    !strcmp(trail, "STATE CLOSED RA/out, "
				   "DESTROY CLOSED S/out, NEW SYN_SENT S/out"))
			want_trail = trail;
		EXPECT_STREQ(want_trail, trail);
		EXPECT_EQ(st, self->log.ev[0].old);
	}
	snprintf(want, sizeof(want), "%s%c", before.hist, in ? 'r' : 'R');
	/*
	 * The STATE CLOSED event above says the record closed; its state
	 * is not polled for, as in SYN-SENT A's SYN may reuse the tuple at
	 * any moment after that (see below).
	 */
	if (st == CL)
		ASSERT_EQ(0, st_wait_state(&self->na, c.aport, c.pd.port, CL,
					   2000, &after));
	usleep(20000);
	ASSERT_EQ(1, st_find(&self->na, c.aport, c.pd.port, &after));
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	EXPECT_EQ(1, INV(RST_WINDOW));
	if (!in && st == SS && ST(CONN_NEW)) {
		/*
		 * A's stack never saw the RST its raw socket sent: once its
		 * RTO expired (1 s, within this step on a slow kernel) it
		 * sent its SYN again, on the closed tuple. That is a new
		 * connection (the tuple's reuse), and the closed one goes
		 * out in a DESTROY event: its record is checked there.
		 */
		ASSERT_EQ(0, reopened(_metadata, self, &c, &after));
		EXPECT_EQ(1, ST(CONN_NEW));
		EXPECT_EQ(2, ST(STATE_CHANGES));
	} else {
		EXPECT_EQ(st == CL ? 0 : 1, ST(STATE_CHANGES));
		EXPECT_EQ(0, ST(CONN_NEW));
	}
	/* as in the first half: A's own segment again, after its RTO */
	check_rtx(_metadata, st, &before, &after, 0, want,
		  !strchr(before.hist, 'T'));
	if (st == CL) {
		/* already closed: it keeps the reason it closed for */
		reason = before.reason;
		closer = before.closer;
	} else {
		reason = (in && st == SS) || (!in && st == LI) ?
			 SYNWATCH_CLOSE_REFUSED :
			 in ? SYNWATCH_CLOSE_REMOTE_RST :
			 SYNWATCH_CLOSE_LOCAL_RST;
		closer = before.closer ? before.closer :
			 in ? SYNWATCH_CLOSER_REMOTE : SYNWATCH_CLOSER_LOCAL;
	}
	EXPECT_EQ(reason, after.reason);
	EXPECT_EQ(closer, after.closer);
	EXPECT_EQ(before.isn_l, after.isn_l);
	EXPECT_EQ(before.isn_r, after.isn_r);
	sconn_close(&c);
}

/*
 * One test per state and direction, so that a failure names its state:
 * sc.ipv4.rst_in_syn_sent, ...
 */
#define RST_TESTS(name, st)						\
	TEST_F_TIMEOUT(sc, rst_in_##name, 60)				\
	{								\
		rst_case(_metadata, self, st, true);			\
	}								\
	TEST_F_TIMEOUT(sc, rst_out_##name, 60)				\
	{								\
		rst_case(_metadata, self, st, false);			\
	}

RST_TESTS(listen, LI)
RST_TESTS(syn_sent, SS)
RST_TESTS(syn_received, SR)
RST_TESTS(established, ES)
RST_TESTS(fin_wait_1, F1)
RST_TESTS(fin_wait_2, F2)
RST_TESTS(close_wait, CW)
RST_TESTS(closing, CG)
RST_TESTS(last_ack, LA)
RST_TESTS(time_wait, TW)
RST_TESTS(closed, CL)

/*
 * Window scale 7 on both sides, A's receive window 64 KiB. An RST 1 MiB
 * ahead of what A expects is outside it: A's stack drops it (RFC 5961
 * 3.2), and synwatch must not close the record. A SYN's window is never
 * scaled (RFC 7323 2.2): taking A's SYN-ACK window (~64 KiB) times 128
 * would accept anything within 8 MiB.
 */
TEST_F_TIMEOUT(sc, rst_window_scale, 120)
{
	struct st_tcpopts o = st_pd_syn_opts();
	struct st_stats s0, s1;
	struct st_conn c0, c1;
	struct sconn c;
	struct st_seg s;

	o.ws = 7;
	c.afd = -1;
	ASSERT_EQ(0, st_pd_open(&c.pd, &self->t, PD_PORT_MIN + 999, A_LPORT));
	c.aport = A_LPORT;
	ASSERT_EQ(0, st_pd_send(&c.pd, F_SYN, &o, NULL, 0));
	ASSERT_EQ(1, st_pd_recv(&c.pd, F_SYN | F_ACK, 3000, &s));
	ASSERT_EQ(7, s.o.ws);
	c.pd.ts = true;
	ASSERT_EQ(0, st_pd_send(&c.pd, F_ACK, NULL, NULL, 0));
	ASSERT_EQ(1, st_fd_wait(self->lfd, POLLIN, 3000));
	c.afd = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, c.afd);
	ASSERT_EQ(0, st_wait_state(&self->na, A_LPORT, c.pd.port, ES, 2000,
				   &c0));
	TH_LOG("A's SYN-ACK window %u, scale %d", s.win, s.o.ws);
	ASSERT_GT(1 << 20, s.win);

	ASSERT_EQ(0, st_get_stats(&self->na, &s0));
	ASSERT_EQ(0, st_pd_send_raw(&c.pd, F_RST, c.pd.snd_nxt + (1 << 20), 0,
				 NULL, NULL, 0));
	/* A's stack is still there: it sends, the peer reads */
	ASSERT_EQ(1, send(c.afd, "x", 1, 0));
	ASSERT_EQ(1, st_pd_recv(&c.pd, 0, 3000, &s));
	EXPECT_EQ(1, s.len);
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	ASSERT_EQ(1, st_find(&self->na, A_LPORT, c.pd.port, &c1));
	EXPECT_EQ(ES, c1.state) TH_LOG("hist %s", c1.hist);
	EXPECT_EQ(1, INV(RST_WINDOW));
	EXPECT_EQ(SYNWATCH_CLOSE_NONE, c1.reason);
	sconn_close(&c);
}

/*
 * Passive open with retransmissions of everything: the peer's SYN (A
 * answers with its SYN-ACK again), the peer's FIN, and A's FIN (not acked
 * until A's RTO sends it again). One connection, one NEW, the state
 * sequence of a clean connection, every retransmission counted.
 */
TEST_F_TIMEOUT(sc, rtx_passive, 120)
{
	struct st_tcpopts o = st_pd_syn_opts();
	struct st_stats s0, s1;
	struct st_conn r;
	struct sconn c;
	struct st_seg s, synack;
	uint32_t fin_seq;

	c.afd = -1;
	ASSERT_EQ(0, st_pd_open(&c.pd, &self->t, PD_PORT_MIN + 998, A_LPORT));
	c.aport = A_LPORT;
	ASSERT_EQ(0, watch(self, &c));
	ASSERT_EQ(0, st_get_stats(&self->na, &s0));

	ASSERT_EQ(0, st_pd_send(&c.pd, F_SYN, &o, NULL, 0));
	ASSERT_EQ(1, st_pd_recv(&c.pd, F_SYN | F_ACK, 3000, &synack));
	/* the same SYN again: A sends its SYN-ACK again */
	ASSERT_EQ(0, st_pd_send_raw(&c.pd, F_SYN, c.pd.iss, 0, &o, NULL, 0));
	ASSERT_EQ(1, st_pd_recv(&c.pd, F_SYN | F_ACK, 3000, &s));
	EXPECT_EQ(synack.seq, s.seq);
	c.pd.ts = true;
	ASSERT_EQ(0, st_pd_send(&c.pd, F_ACK, NULL, NULL, 0));
	ASSERT_EQ(1, st_fd_wait(self->lfd, POLLIN, 3000));
	c.afd = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, c.afd);

	/* the peer's FIN, twice */
	fin_seq = c.pd.snd_nxt;
	ASSERT_EQ(0, st_pd_send(&c.pd, F_FIN | F_ACK, NULL, NULL, 0));
	ASSERT_EQ(1, st_pd_recv(&c.pd, F_ACK, 3000, &s));
	ASSERT_EQ(0, st_pd_send_raw(&c.pd, F_FIN | F_ACK, fin_seq, c.pd.rcv_nxt,
				 NULL, NULL, 0));
	ASSERT_EQ(1, st_pd_recv(&c.pd, F_ACK, 3000, &s));

	/* A's FIN, not acked until A sends it again */
	close(c.afd);
	c.afd = -1;
	ASSERT_EQ(1, st_pd_recv(&c.pd, F_FIN, 3000, &s));
	fin_seq = s.seq;
	ASSERT_EQ(1, st_pd_recv(&c.pd, F_FIN, 5000, &s));
	EXPECT_EQ(fin_seq, s.seq);
	ASSERT_EQ(0, st_pd_send(&c.pd, F_ACK, NULL, NULL, 0));

	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->log, SYNWATCH_EVENT_STATE, CL,
			     2000));
	st_ev_drain(&self->ea, &self->log, 50);
	EXPECT_STREQ("NEW LISTEN S/in, STATE SYN_RECEIVED SA/out, "
		     "STATE ESTABLISHED A/in, STATE CLOSE_WAIT FA/in, "
		     "STATE LAST_ACK FA/out, STATE CLOSED A/in",
		     st_ev_trail(&self->log));
	ASSERT_EQ(1, st_find(&self->na, A_LPORT, c.pd.port, &r));
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	EXPECT_EQ(1, r.rtx_syn);
	EXPECT_EQ(1, r.rtx_synack);
	EXPECT_EQ(2, r.rtx_fin);
	EXPECT_EQ(1, ST(RTX_SYN));
	EXPECT_EQ(1, ST(RTX_SYNACK));
	EXPECT_EQ(2, ST(RTX_FIN));
	EXPECT_EQ(1, ST(CONN_NEW));
	EXPECT_EQ(0, ST(CONN_DESTROY));
	EXPECT_STREQ("sHtTafAF", r.hist);
	EXPECT_EQ(c.pd.iss, r.isn_r);
	EXPECT_EQ(synack.seq, r.isn_l);
	EXPECT_EQ(1400, r.mss_r);
	EXPECT_EQ(5, r.wscale_r);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, r.reason);
	EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, r.closer);
	/* the ACK completing the handshake timed the SYN-ACK, the first one */
	EXPECT_TRUE(r.has_synack_rtt);
	EXPECT_LT(0, r.synack_rtt);
	sconn_close(&c);
}

/*
 * Active open whose first SYN goes unanswered: A sends it again after its
 * 1 s initial RTO. The handshake time counts from the first SYN. Once
 * established, the peer sends its SYN-ACK again (our ACK "was lost").
 */
TEST_F_TIMEOUT(sc, rtx_active, 60)
{
	struct st_topo *t = &self->t;
	struct st_tcpopts o = st_pd_syn_opts();
	struct st_stats s0, s1;
	struct st_conn r;
	struct sconn c;
	struct st_seg s, syn;

	c.aport = A_CPORT + 999;
	ASSERT_EQ(0, st_pd_open(&c.pd, t, PD_PORT_MIN + 997, c.aport));
	ASSERT_EQ(0, watch(self, &c));
	ASSERT_EQ(0, st_get_stats(&self->na, &s0));
	c.afd = st_tcp_connect(t, t->fa, t->addr_a, c.aport, t->addr_b,
			    c.pd.port, true);
	ASSERT_LE(0, c.afd);
	ASSERT_EQ(1, st_pd_recv(&c.pd, F_SYN, 3000, &syn));
	ASSERT_EQ(1, st_pd_recv(&c.pd, F_SYN, 5000, &s));
	EXPECT_EQ(syn.seq, s.seq);
	c.pd.snd_nxt = c.pd.iss;
	ASSERT_EQ(0, st_pd_send(&c.pd, F_SYN | F_ACK, &o, NULL, 0));
	c.pd.ts = true;
	ASSERT_EQ(1, st_pd_recv(&c.pd, F_ACK, 3000, &s));
	/* our SYN-ACK again: A answers with an ACK, nothing moves */
	ASSERT_EQ(0, st_pd_send_raw(&c.pd, F_SYN | F_ACK, c.pd.iss, c.pd.rcv_nxt,
				 &o, NULL, 0));
	ASSERT_EQ(1, st_pd_recv(&c.pd, F_ACK, 3000, &s));

	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->log, SYNWATCH_EVENT_STATE, ES,
			     2000));
	st_ev_drain(&self->ea, &self->log, 50);
	EXPECT_STREQ("NEW SYN_SENT S/out, STATE ESTABLISHED SA/in",
		     st_ev_trail(&self->log));
	ASSERT_EQ(1, st_find(&self->na, c.aport, c.pd.port, &r));
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	EXPECT_EQ(1, r.rtx_syn);
	EXPECT_EQ(1, r.rtx_synack);
	EXPECT_EQ(0, r.rtx_fin);
	EXPECT_EQ(1, ST(RTX_SYN));
	EXPECT_EQ(1, ST(RTX_SYNACK));
	EXPECT_EQ(1, ST(CONN_NEW));
	EXPECT_STREQ("SThAt", r.hist);
	EXPECT_EQ(syn.seq, r.isn_l);
	EXPECT_EQ(c.pd.iss, r.isn_r);
	/* from the first SYN: the 1 s RTO is in it */
	EXPECT_TRUE(r.has_syn_rtt);
	EXPECT_LE(900000, r.syn_rtt);
	EXPECT_GT(5000000, r.syn_rtt);
	sconn_close(&c);
}

TEST_HARNESS_MAIN
