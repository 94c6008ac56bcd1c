// SPDX-License-Identifier: GPL-2.0
/*
 * Tests that reload synwatch.ko ($SYNWATCH_KO) with other parameters, or
 * around traffic; the module is loaded with its defaults again afterwards.
 *
 *  - table_full: max_conns=4. Two established connections and two SYNs
 *    nobody answers fill it; each further SYN evicts the oldest half-open
 *    record (EVICT, DESTROY with reason EVICTED); a connection that ended
 *    (reset: CLOSED) goes before any half-open one, keeping its own close
 *    reason; established records are never evicted; once only they
 *    remain, a new SYN fails to insert (INSERT_FAILED) and creates
 *    nothing, and once one of them has ended, a SYN finds room again.
 *  - pickup: connections opened while the module was not loaded are
 *    picked up mid-stream by their next segment: ESTABLISHED, PICKUP flag,
 *    no ISN, history starting with P.
 *  - rmmod_under_load: connections are made in a loop while the module is
 *    unloaded and loaded again; no kernel warning (the VM runner checks
 *    the console), the slab cache is gone after each unload.
 */
#include "kselftest_harness.h"
#include "lib/nl.h"
#include "lib/pd.h"

#include <signal.h>

#define A_LPORT		9000
#define PORT_SRV	8301
#define KEEP_HOOKS	"rl_keep_hooks"	/* see keep_hooks() */

static int module_load(const char *params)
{
	const char *ko = getenv("SYNWATCH_KO");

	if (!ko || !*ko)
		return -1;
	st_sh("rmmod synwatch 2>/dev/null");
	return st_sh("insmod %s %s", ko, params);
}

FIXTURE(rl) {
	struct st_topo t;
	struct st_nl na, ea;
	struct st_evlog log;
	int lfd;
};

FIXTURE_VARIANT(rl) {
	int family;
};

FIXTURE_VARIANT_ADD(rl, ipv4) { .family = AF_INET };
FIXTURE_VARIANT_ADD(rl, ipv6) { .family = AF_INET6 };

FIXTURE_SETUP(rl)
{
	if (!getenv("SYNWATCH_KO"))
		SKIP(return, "SYNWATCH_KO not set");
	self->lfd = -1;
	ASSERT_EQ(0, st_topo_up(&self->t, variant->family, "rl"));
	ASSERT_EQ(0, st_pd_blackhole(&self->t));
}

FIXTURE_TEARDOWN(rl)
{
	if (self->lfd >= 0)
		close(self->lfd);
	st_nl_close(&self->na);
	st_nl_close(&self->ea);
	st_topo_down(&self->t);
	st_sh("nft delete table inet " KEEP_HOOKS " 2>/dev/null");
	/* back to the defaults the rest of the suite expects */
	module_load("");
}

/* A scripted connection to A's listener, accepted: ESTABLISHED. */
static int establish(FIXTURE_DATA(rl) *self, struct st_pd *pd, uint16_t port,
		     int *afd)
{
	struct st_tcpopts o = st_pd_syn_opts();

	if (st_pd_open(pd, &self->t, port, A_LPORT) || st_pd_connect(pd, &o) ||
	    st_fd_wait(self->lfd, POLLIN, 3000) != 1)
		return -1;
	*afd = accept(self->lfd, NULL, NULL);
	return *afd < 0 ? -1 : 0;
}

/* A SYN from port to A's deaf port: a half-open record in LISTEN. */
static int half_open(FIXTURE_DATA(rl) *self, uint16_t port)
{
	struct st_tcpopts o = st_pd_syn_opts();
	struct st_pd pd;
	int err;

	if (st_pd_open(&pd, &self->t, port, PD_A_DEAF))
		return -1;
	err = st_pd_send(&pd, F_SYN, &o, NULL, 0);
	st_pd_close(&pd);
	return err;
}

#define ST(s)	(s1.v[SYNWATCH_A_STATS_##s] - s0.v[SYNWATCH_A_STATS_##s])

TEST_F_TIMEOUT(rl, table_full, 120)
{
	struct st_stats s0, s1;
	struct st_pd e[5];
	struct st_conn c[8];
	int afd[5], i, n;
	uint16_t hp = PD_PORT_MIN + 100;

	ASSERT_EQ(0, module_load("max_conns=4 hashsize=64"));
	ASSERT_EQ(0, st_nl_open_ns(&self->na, &self->t, self->t.fa));
	ASSERT_EQ(0, st_nl_open_ns(&self->ea, &self->t, self->t.fa));
	ASSERT_EQ(0, st_subscribe(&self->ea, NULL));
	self->lfd = st_tcp_listen(&self->t, self->t.fa, self->t.addr_a, A_LPORT);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, st_get_stats(&self->na, &s0));
	ASSERT_EQ(4, s0.v[SYNWATCH_A_STATS_CONN_MAX]);
	ASSERT_EQ(0, s0.v[SYNWATCH_A_STATS_CONN_COUNT_TOTAL]);

	/* 2 established, then 2 half-open 5 ms apart: full */
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, establish(self, &e[i], PD_PORT_MIN + i, &afd[i]));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, half_open(self, hp + i));
		ASSERT_EQ(0, st_wait_state(&self->na, PD_A_DEAF, hp + i,
					   SYNWATCH_STATE_LISTEN, 2000, NULL));
		usleep(5000);
	}
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	ASSERT_EQ(4, s1.v[SYNWATCH_A_STATS_CONN_COUNT]);
	EXPECT_EQ(0, ST(EVICT));

	/* 2 more SYNs: each evicts the oldest half-open record */
	for (i = 2; i < 4; i++) {
		self->log.n = 0;
		st_ev_drain(&self->ea, &self->log, 10);
		self->log.n = 0;
		ASSERT_EQ(0, half_open(self, hp + i));
		ASSERT_EQ(1, st_ev_wait(&self->ea, &self->log,
				     SYNWATCH_EVENT_DESTROY, -1, 2000));
		EXPECT_EQ(SYNWATCH_CLOSE_EVICTED, self->log.ev[0].c.reason);
		EXPECT_EQ(hp + i - 2, self->log.ev[0].c.rport)
			TH_LOG("evicted %u, not the oldest",
			       self->log.ev[0].c.rport);
		EXPECT_EQ(SYNWATCH_STATE_LISTEN, self->log.ev[0].old);
		ASSERT_EQ(0, st_wait_state(&self->na, PD_A_DEAF, hp + i,
					   SYNWATCH_STATE_LISTEN, 2000, NULL));
		usleep(5000);
	}
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	EXPECT_EQ(2, ST(EVICT));
	EXPECT_EQ(0, ST(INSERT_FAILED));
	EXPECT_EQ(4, s1.v[SYNWATCH_A_STATS_CONN_COUNT]);

	/*
	 * The peer resets the second connection: CLOSED. The next SYN evicts
	 * it, not the older half-open records: an ended connection goes
	 * first, with the reason it ended for.
	 */
	ASSERT_EQ(0, st_pd_send(&e[1], F_RST, NULL, NULL, 0));
	ASSERT_EQ(0, st_wait_state(&self->na, A_LPORT, PD_PORT_MIN + 1,
				   SYNWATCH_STATE_CLOSED, 2000, NULL));
	self->log.n = 0;
	st_ev_drain(&self->ea, &self->log, 10);
	self->log.n = 0;
	ASSERT_EQ(0, half_open(self, hp + 4));
	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->log, SYNWATCH_EVENT_DESTROY, -1,
			     2000));
	EXPECT_EQ(PD_PORT_MIN + 1, self->log.ev[0].c.rport)
		TH_LOG("evicted %u, not the CLOSED record",
		       self->log.ev[0].c.rport);
	EXPECT_EQ(SYNWATCH_STATE_CLOSED, self->log.ev[0].old);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_RST, self->log.ev[0].c.reason);
	ASSERT_EQ(0, st_wait_state(&self->na, PD_A_DEAF, hp + 4,
				   SYNWATCH_STATE_LISTEN, 2000, NULL));
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	EXPECT_EQ(3, ST(EVICT));

	/* three more established connections push the half-open ones out */
	for (i = 2; i < 5; i++)
		ASSERT_EQ(0, establish(self, &e[i], PD_PORT_MIN + i, &afd[i]));
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	EXPECT_EQ(6, ST(EVICT));
	n = st_dump(&self->na, NULL, c, 8);
	ASSERT_EQ(4, n);
	for (i = 0; i < n; i++)
		EXPECT_EQ(SYNWATCH_STATE_ESTABLISHED, c[i].state);

	/* only established records: a new SYN cannot be inserted */
	ASSERT_EQ(0, half_open(self, hp + 10));
	usleep(50000);
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	EXPECT_EQ(6, ST(EVICT));
	EXPECT_EQ(1, ST(INSERT_FAILED));
	EXPECT_EQ(0, st_find(&self->na, PD_A_DEAF, hp + 10, c));
	EXPECT_EQ(4, st_dump(&self->na, NULL, c, 8));

	/*
	 * A scan that found nothing to evict holds further scans off for
	 * the rest of its jiffy only: once a connection has ended (50 ms
	 * later), a SYN takes its place.
	 */
	ASSERT_EQ(0, st_pd_send(&e[2], F_RST, NULL, NULL, 0));
	ASSERT_EQ(0, st_wait_state(&self->na, A_LPORT, PD_PORT_MIN + 2,
				   SYNWATCH_STATE_CLOSED, 2000, NULL));
	ASSERT_EQ(0, half_open(self, hp + 11));
	EXPECT_EQ(0, st_wait_state(&self->na, PD_A_DEAF, hp + 11,
				   SYNWATCH_STATE_LISTEN, 2000, NULL));
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	EXPECT_EQ(7, ST(EVICT));
	EXPECT_EQ(1, ST(INSERT_FAILED));
	for (i = 0; i < 5; i++) {
		close(afd[i]);
		st_pd_close(&e[i]);
	}
}

TEST_F_TIMEOUT(rl, pickup, 120)
{
	struct st_topo *t = &self->t;
	struct st_nl nb, eb;
	struct st_evlog lb = { .n = 0 };
	struct st_stats sa, sb;
	struct st_conn ca, cb;
	struct st_filt f = FILT_ANY;
	char buf[8];
	int a, b;

	st_sh("rmmod synwatch");
	self->lfd = st_tcp_listen(t, t->fb, t->addr_b, PORT_SRV);
	ASSERT_LE(0, self->lfd);
	a = st_tcp_connect(t, t->fa, t->addr_a, 43001, t->addr_b, PORT_SRV,
			false);
	ASSERT_LE(0, a);
	b = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, b);
	ASSERT_EQ(2, send(a, "hi", 2, 0));
	ASSERT_EQ(2, recv(b, buf, sizeof(buf), 0));
	ASSERT_EQ(0, module_load(""));

	ASSERT_EQ(0, st_nl_open_ns(&self->na, t, t->fa));
	ASSERT_EQ(0, st_nl_open_ns(&self->ea, t, t->fa));
	ASSERT_EQ(0, st_nl_open_ns(&nb, t, t->fb));
	ASSERT_EQ(0, st_nl_open_ns(&eb, t, t->fb));
	ASSERT_EQ(0, st_subscribe(&self->ea, &f));
	ASSERT_EQ(0, st_subscribe(&eb, &f));
	EXPECT_EQ(0, st_dump(&self->na, NULL, &ca, 1));

	ASSERT_EQ(4, send(a, "more", 4, 0));
	ASSERT_EQ(4, recv(b, buf, sizeof(buf), 0));
	ASSERT_EQ(0, st_wait_state(&self->na, 43001, PORT_SRV,
				   SYNWATCH_STATE_ESTABLISHED, 2000, &ca));
	ASSERT_EQ(0, st_wait_state(&nb, PORT_SRV, 43001,
				   SYNWATCH_STATE_ESTABLISHED, 2000, &cb));
	ASSERT_EQ(1, st_ev_wait(&self->ea, &self->log, SYNWATCH_EVENT_NEW, -1,
			     2000));
	ASSERT_EQ(1, st_ev_wait(&eb, &lb, SYNWATCH_EVENT_NEW, -1, 2000));
	st_ev_drain(&self->ea, &self->log, 50);
	st_ev_drain(&eb, &lb, 50);
	EXPECT_STREQ("NEW ESTABLISHED PA/out", st_ev_trail(&self->log));
	EXPECT_STREQ("NEW ESTABLISHED PA/in", st_ev_trail(&lb));
	ASSERT_EQ(1, st_find(&self->na, 43001, PORT_SRV, &ca));
	ASSERT_EQ(1, st_find(&nb, PORT_SRV, 43001, &cb));
	EXPECT_EQ(SYNWATCH_CONN_F_PICKUP, ca.flags);
	EXPECT_EQ(SYNWATCH_CONN_F_PICKUP, cb.flags);
	EXPECT_STREQ("PDa", ca.hist);
	EXPECT_STREQ("PdA", cb.hist);
	EXPECT_FALSE(ca.has_isn_l || ca.has_isn_r || cb.has_isn_l ||
		     cb.has_isn_r);
	EXPECT_FALSE(ca.has_syn_rtt || cb.has_synack_rtt);
	EXPECT_EQ(4, ca.bytes_out);
	EXPECT_EQ(4, cb.bytes_in);
	ASSERT_EQ(0, st_get_stats(&self->na, &sa));
	ASSERT_EQ(0, st_get_stats(&nb, &sb));
	EXPECT_EQ(1, sa.v[SYNWATCH_A_STATS_PICKUP]);
	EXPECT_EQ(1, sb.v[SYNWATCH_A_STATS_PICKUP]);

	/* and it closes as any other */
	ASSERT_EQ(0, shutdown(a, SHUT_WR));
	ASSERT_EQ(0, recv(b, buf, sizeof(buf), 0));
	close(b);
	ASSERT_EQ(0, st_wait_state(&self->na, 43001, PORT_SRV,
				   SYNWATCH_STATE_TIME_WAIT, 2000, &ca));
	ASSERT_EQ(0, st_wait_state(&nb, PORT_SRV, 43001,
				   SYNWATCH_STATE_CLOSED, 2000, &cb));
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, ca.reason);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, cb.reason);
	EXPECT_EQ('P', ca.hist[0]);
	close(a);
	st_nl_close(&nb);
	st_nl_close(&eb);
}

/* Connections A -> B in a loop until killed. */
static void churn(struct st_topo *t, int lfd)
{
	for (;;) {
		int a = st_tcp_connect(t, t->fa, t->addr_a, 0, t->addr_b,
				    PORT_SRV, false);
		int b = accept(lfd, NULL, NULL);

		if (a >= 0) {
			(void)!write(a, "x", 1);
			close(a);
		}
		if (b >= 0)
			close(b);
	}
}

/*
 * A base chain on each hook synwatch uses, in the init netns, for the
 * length of rmmod_under_load: the netfilter hooks' static keys then stay
 * enabled while the module comes and goes, so the kernel does not patch
 * its jump-label sites (nf_hooks_needed) under the traffic. Under QEMU's
 * multi-threaded TCG, patching code that another vCPU is executing hung
 * that vCPU once: a soft lockup at the nf_hooks_needed NOP in ip6_xmit,
 * no synwatch frame on the stack, the next run clean. That is the
 * emulator's hazard; what this test is about (unregistering our hooks,
 * draining the table, destroying the cache under load) is unchanged.
 */
static int keep_hooks(bool on)
{
	if (!on)
		return st_sh("nft delete table inet " KEEP_HOOKS);
	return st_sh("nft -f - <<'EOF'\n"
		  "table inet " KEEP_HOOKS " {\n"
		  " chain i { type filter hook input priority 0; }\n"
		  " chain o { type filter hook output priority 0; }\n"
		  " chain f { type filter hook forward priority 0; }\n"
		  "}\nEOF");
}

TEST_F_TIMEOUT(rl, rmmod_under_load, 120)
{
	struct st_topo *t = &self->t;
	pid_t pid;
	int i;

	ASSERT_EQ(0, keep_hooks(true));
	self->lfd = st_tcp_listen(t, t->fb, t->addr_b, PORT_SRV);
	ASSERT_LE(0, self->lfd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		churn(t, self->lfd);
		_exit(0);
	}
	for (i = 0; i < 5; i++) {
		usleep(200000);
		EXPECT_EQ(0, st_sh("rmmod synwatch"));
		EXPECT_NE(0, st_sh("grep -q '^synwatch_conn ' /proc/slabinfo"))
			TH_LOG("slab cache left after rmmod %d", i);
		usleep(100000);
		EXPECT_EQ(0, module_load(""));
	}
	usleep(200000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(0, keep_hooks(false));
	/* the module works after all that */
	ASSERT_EQ(0, st_nl_open_ns(&self->na, t, t->fa));
	EXPECT_LT(0, st_dump(&self->na, NULL, NULL, 0));
}

TEST_HARNESS_MAIN
