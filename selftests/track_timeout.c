// SPDX-License-Identifier: GPL-2.0
/*
 * Records expire by their state's timeout (SET_CONFIG timeouts, 1 s here):
 * a DESTROY event for each, no packet behind it, the record gone, the
 * EXPIRED counter up. IPv4 and IPv6.
 *
 *  - time_wait_and_closed: A closes first; A's TIME_WAIT and B's CLOSED
 *    records expire. They keep the reason they closed for (sw_rec_close:
 *    a record that already closed does not take TIMEOUT), LOCAL_FIN and
 *    REMOTE_FIN.
 *  - idle_established: an idle ESTABLISHED connection expires with reason
 *    TIMEOUT; its next segment picks it up again mid-stream.
 *  - half_open: a SYN nobody answers (LISTEN) expires with TIMEOUT.
 */
#include "kselftest_harness.h"
#include "lib/nl.h"
#include "lib/pd.h"

#define PORT_SRV	8201
#define PORT_CLI	42001

FIXTURE(to) {
	struct st_topo t;
	struct st_nl na, nb, ea, eb;
	struct st_evlog la, lb;
	int lfd, a, b;
};

FIXTURE_VARIANT(to) {
	int family;
};

FIXTURE_VARIANT_ADD(to, ipv4) { .family = AF_INET };
FIXTURE_VARIANT_ADD(to, ipv6) { .family = AF_INET6 };

FIXTURE_SETUP(to)
{
	struct st_topo *t = &self->t;
	struct st_filt f = FILT_ANY;

	self->lfd = self->a = self->b = -1;
	ASSERT_EQ(0, st_topo_up(t, variant->family, "to"));
	ASSERT_EQ(0, st_nl_open_ns(&self->na, t, t->fa));
	ASSERT_EQ(0, st_nl_open_ns(&self->nb, t, t->fb));
	ASSERT_EQ(0, st_nl_open_ns(&self->ea, t, t->fa));
	ASSERT_EQ(0, st_nl_open_ns(&self->eb, t, t->fb));
	f.event_mask = 1U << SYNWATCH_EVENT_DESTROY | 1U << SYNWATCH_EVENT_NEW;
	ASSERT_EQ(0, st_subscribe(&self->ea, &f));
	ASSERT_EQ(0, st_subscribe(&self->eb, &f));
	ASSERT_EQ(0, st_topo_pair(t, &self->na, &self->nb, PORT_CLI, PORT_SRV,
			       &self->lfd, &self->a, &self->b));
	st_ev_drain(&self->ea, &self->la, 20);
	st_ev_drain(&self->eb, &self->lb, 20);
	self->la.n = self->lb.n = 0;
}

FIXTURE_TEARDOWN(to)
{
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
	if (self->lfd >= 0)
		close(self->lfd);
	st_nl_close(&self->na);
	st_nl_close(&self->nb);
	st_nl_close(&self->ea);
	st_nl_close(&self->eb);
	st_topo_down(&self->t);
}

/* The DESTROY of an expired record: no packet, the state it left. */
static void check_expired(struct __test_metadata *_metadata,
			  struct st_evlog *log, int state, int reason)
{
	const struct st_ev *e;

	ASSERT_EQ(1, log->n) TH_LOG("%s", st_ev_trail(log));
	e = &log->ev[0];
	EXPECT_EQ(SYNWATCH_EVENT_DESTROY, e->type);
	EXPECT_EQ(state, e->old);
	EXPECT_EQ(SYNWATCH_STATE_CLOSED, e->new);
	EXPECT_FALSE(e->has_pkt);
	EXPECT_TRUE(e->has_conn);
	EXPECT_EQ(state, e->c.state);
	EXPECT_EQ(reason, e->c.reason);
	/*
	 * idle for the 1 s timeout, at most one GC pass (1 s) more, and the
	 * GC work's latency: 500 ms, as a loaded host stalls the VM's vCPUs
	 */
	EXPECT_LE(1000, e->c.idle_ms);
	EXPECT_GE(2500, e->c.idle_ms);
}

TEST_F(to, time_wait_and_closed)
{
	struct st_stats sa0, sa1, sb0, sb1;
	struct st_conn c;
	char buf[4];

	ASSERT_EQ(0, st_set_timeout(&self->na, SYNWATCH_STATE_TIME_WAIT, 1));
	ASSERT_EQ(0, st_set_timeout(&self->nb, SYNWATCH_STATE_CLOSED, 1));
	ASSERT_EQ(0, shutdown(self->a, SHUT_WR));
	ASSERT_EQ(0, recv(self->b, buf, sizeof(buf), 0));
	ASSERT_EQ(0, st_wait_state(&self->na, PORT_CLI, PORT_SRV,
				   SYNWATCH_STATE_FIN_WAIT_2, 2000, NULL));
	close(self->b);
	self->b = -1;
	ASSERT_EQ(0, st_wait_state(&self->na, PORT_CLI, PORT_SRV,
				   SYNWATCH_STATE_TIME_WAIT, 2000, NULL));
	ASSERT_EQ(0, st_wait_state(&self->nb, PORT_SRV, PORT_CLI,
				   SYNWATCH_STATE_CLOSED, 2000, NULL));
	ASSERT_EQ(0, st_get_stats(&self->na, &sa0));
	ASSERT_EQ(0, st_get_stats(&self->nb, &sb0));

	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->la, SYNWATCH_EVENT_DESTROY, -1,
			     4000));
	ASSERT_EQ(1, st_ev_wait(&self->eb, &self->lb, SYNWATCH_EVENT_DESTROY, -1,
			     4000));
	check_expired(_metadata, &self->la, SYNWATCH_STATE_TIME_WAIT,
		      SYNWATCH_CLOSE_LOCAL_FIN);
	check_expired(_metadata, &self->lb, SYNWATCH_STATE_CLOSED,
		      SYNWATCH_CLOSE_REMOTE_FIN);
	EXPECT_EQ(SYNWATCH_CLOSER_LOCAL, self->la.ev[0].c.closer);
	EXPECT_STREQ("ShAFaf", self->la.ev[0].c.hist);
	EXPECT_EQ(0, st_find(&self->na, PORT_CLI, PORT_SRV, &c));
	EXPECT_EQ(0, st_find(&self->nb, PORT_SRV, PORT_CLI, &c));
	ASSERT_EQ(0, st_get_stats(&self->na, &sa1));
	ASSERT_EQ(0, st_get_stats(&self->nb, &sb1));
	EXPECT_EQ(1, sa1.v[SYNWATCH_A_STATS_EXPIRED] -
		     sa0.v[SYNWATCH_A_STATS_EXPIRED]);
	EXPECT_EQ(1, sb1.v[SYNWATCH_A_STATS_EXPIRED] -
		     sb0.v[SYNWATCH_A_STATS_EXPIRED]);
	EXPECT_EQ(1, sa1.v[SYNWATCH_A_STATS_CONN_DESTROY] -
		     sa0.v[SYNWATCH_A_STATS_CONN_DESTROY]);
	EXPECT_EQ(0, sa1.v[SYNWATCH_A_STATS_CONN_COUNT]);
	EXPECT_EQ(0, sb1.v[SYNWATCH_A_STATS_CONN_COUNT]);
}

TEST_F(to, idle_established)
{
	struct st_conn c;
	char buf[8];

	ASSERT_EQ(0, st_set_timeout(&self->na, SYNWATCH_STATE_ESTABLISHED, 1));
	ASSERT_EQ(1, st_find(&self->na, PORT_CLI, PORT_SRV, &c));
	EXPECT_GE(1000, c.timeout_ms);
	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->la, SYNWATCH_EVENT_DESTROY, -1,
			     4000));
	check_expired(_metadata, &self->la, SYNWATCH_STATE_ESTABLISHED,
		      SYNWATCH_CLOSE_TIMEOUT);
	EXPECT_EQ(SYNWATCH_CLOSER_NONE, self->la.ev[0].c.closer);
	EXPECT_STREQ("ShA", self->la.ev[0].c.hist);
	EXPECT_EQ(0, st_find(&self->na, PORT_CLI, PORT_SRV, &c));
	/* B's default timeout is days: still there */
	EXPECT_EQ(1, st_find(&self->nb, PORT_SRV, PORT_CLI, &c));
	EXPECT_EQ(0, st_ev_drain(&self->eb, &self->lb, 20));

	/* the connection lives on: its next segment picks it up */
	self->la.n = 0;
	ASSERT_EQ(3, send(self->a, "abc", 3, 0));
	ASSERT_EQ(3, recv(self->b, buf, sizeof(buf), 0));
	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->la, SYNWATCH_EVENT_NEW, -1,
			     2000));
	EXPECT_EQ(SYNWATCH_STATE_ESTABLISHED, self->la.ev[0].new);
	ASSERT_EQ(0, st_wait_state(&self->na, PORT_CLI, PORT_SRV,
				   SYNWATCH_STATE_ESTABLISHED, 2000, &c));
	EXPECT_EQ(SYNWATCH_CONN_F_PICKUP, c.flags);
	EXPECT_EQ('P', c.hist[0]);
	EXPECT_FALSE(c.has_isn_l || c.has_isn_r);
}

TEST_F(to, half_open)
{
	struct st_tcpopts o = st_pd_syn_opts();
	struct st_stats s0, s1;
	struct st_pd pd;
	struct st_conn c;

	ASSERT_EQ(0, st_pd_blackhole(&self->t));
	ASSERT_EQ(0, st_set_timeout(&self->na, SYNWATCH_STATE_LISTEN, 1));
	ASSERT_EQ(0, st_pd_open(&pd, &self->t, PD_PORT_MIN + 5, PD_A_DEAF));
	ASSERT_EQ(0, st_pd_send(&pd, F_SYN, &o, NULL, 0));
	ASSERT_EQ(0, st_wait_state(&self->na, PD_A_DEAF, pd.port,
				   SYNWATCH_STATE_LISTEN, 2000, &c));
	ASSERT_EQ(0, st_get_stats(&self->na, &s0));
	self->la.n = 0;
	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->la, SYNWATCH_EVENT_DESTROY, -1,
			     4000));
	/* the NEW of the SYN came first */
	ASSERT_EQ(2, self->la.n) TH_LOG("%s", st_ev_trail(&self->la));
	EXPECT_EQ(SYNWATCH_EVENT_NEW, self->la.ev[0].type);
	self->la.ev[0] = self->la.ev[1];
	self->la.n = 1;
	check_expired(_metadata, &self->la, SYNWATCH_STATE_LISTEN,
		      SYNWATCH_CLOSE_TIMEOUT);
	EXPECT_STREQ("s", self->la.ev[0].c.hist);
	EXPECT_EQ(0, st_find(&self->na, PD_A_DEAF, pd.port, &c));
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	EXPECT_EQ(1, s1.v[SYNWATCH_A_STATS_EXPIRED] -
		     s0.v[SYNWATCH_A_STATS_EXPIRED]);
	/* the established connection of the fixture is not touched */
	EXPECT_EQ(1, st_find(&self->na, PORT_CLI, PORT_SRV, &c));
	st_pd_close(&pd);
}

TEST_HARNESS_MAIN
