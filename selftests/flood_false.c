// SPDX-License-Identifier: GPL-2.0
/*
 * No false alarms.
 *
 *  - busy_client: a real client in A opens 600 connections to B's port 80
 *    at up to 300/s, all completing, with the rate mark lowered to 100
 *    SYN/s: the SYN rate passes the mark, the completion ratio stays high,
 *    and no alert is raised.
 *  - slow_accept: a server that never accepts (backlog 1) and clients in
 *    A opening 300 connections at once from two addresses. Linux drops the
 *    SYNs its full accept queue cannot take, so 298 handshakes wait
 *    unanswered: more half-open than the flood mark, and no alert; the
 *    listener is BACKLOG. Then a spoofed flood on the same port, whose
 *    SYNs go unanswered too, is reported as a flood: what tells them apart
 *    is how many sources wait.
 *  - idle_tick: the detector's clock costs nothing while nothing happens:
 *    sw_lst_tick() (counted with the function tracer) does not run before
 *    a listener has SYNs, runs every 100 ms while it does, stops once it
 *    is quiet again, and resumes with the next SYN.
 */
#include "kselftest_harness.h"
#include "lib_flood.h"

/* A trace instance of idle_tick's own */
#define TRACE "/sys/kernel/debug/tracing/instances/synwatch_flood"

FIXTURE(fa) {
	struct fl_env e;
	int lfd;
	struct fl_server sv;
	struct fl_client cl;
	int fds[FL_MAX_CONNS];
	int nfds;
};

FIXTURE_SETUP(fa)
{
	ASSERT_EQ(0, fl_up(&self->e, AF_INET, "ff"));
}

FIXTURE_TEARDOWN(fa)
{
	int i;

	fl_client_close(&self->cl);
	fl_server_stop(&self->sv);
	for (i = 0; i < self->nfds; i++)
		close(self->fds[i]);
	if (self->lfd > 0)
		close(self->lfd);
	fl_down(&self->e);
	sh("[ ! -d " TRACE " ] || { echo nop > " TRACE "/current_tracer;"
	   " rmdir " TRACE "; }");
}

TEST_F(fa, busy_client)
{
	struct topo *t = &self->e.t;
	struct flcfg c = FLCFG_KEEP;
	struct falert al;
	struct sw_stats s;
	struct flst l;

	c.rate_high = 100;
	c.rate_low = 100;
	c.hold_ms = 1000;
	ASSERT_EQ(0, fl_config(&self->e.nl, &c));
	self->lfd = fl_listen(t, t->fb, t->addr_b, FL_PORT, 128);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, fl_server_start(&self->sv, self->lfd, true));
	self->cl = (struct fl_client){
		.t = t, .nsfd = t->fa, .laddr = t->addr_a, .raddr = t->addr_b,
		.port = FL_PORT, .count = 600, .rate = 300,
	};
	fl_client_run(&self->cl);
	EXPECT_EQ(600, self->cl.ok);
	ASSERT_EQ(1, fl_listener(&self->e.nl, FL_PORT, &l));
	TH_LOG("600 connections: peak %u SYN/s, completion %u%%, recent half-open %u",
	       l.peak, l.compl, l.recent);
	/* the rate test was armed: only the completion ratio held it */
	EXPECT_LE(100, l.peak);
	EXPECT_LE(90, l.compl);
	EXPECT_EQ(600, l.syn_rx);
	EXPECT_EQ(600, l.completed);
	EXPECT_GT(256, l.recent);
	EXPECT_EQ(SYNWATCH_LISTENER_OK, l.status);
	/* nothing, not even once the rate has decayed */
	EXPECT_EQ(0, fl_alert_next(&self->e.al, &al, 1500));
	ASSERT_EQ(0, sw_stats(&self->e.nl, &s));
	EXPECT_EQ(0, s.v[SYNWATCH_A_STATS_ALERTS]);
	EXPECT_EQ(0, s.v[SYNWATCH_A_STATS_EVENT_SUPPRESSED]);
}

/* Is the listener's status st yet? */
static int wait_status(struct swnl *s, uint8_t st, int timeout_ms,
		       struct flst *l)
{
	uint64_t end = now_us() + (uint64_t)timeout_ms * 1000;

	for (;;) {
		int r = fl_listener(s, FL_PORT, l);

		if (r < 0)
			return r;
		if (r && l->status == st)
			return 0;
		if (now_us() >= end)
			return -ETIMEDOUT;
		usleep(20000);
	}
}

TEST_F_TIMEOUT(fa, slow_accept, 60)
{
	struct topo *t = &self->e.t;
	struct fl_alerts log = { .n = 0 };
	uint8_t a2[4];
	struct falert al;
	struct sw_stats s;
	struct fl_proc p;
	struct flst l;
	int i;

	/* a second client address */
	ASSERT_EQ(0, sh("ip -n %s addr add 198.18.0.3/24 dev veth0", t->a));
	inet_pton(AF_INET, "198.18.0.3", a2);
	self->lfd = fl_listen(t, t->fb, t->addr_b, FL_PORT, 1);
	ASSERT_LE(0, self->lfd);
	/* connect() at once, no waiting: the clients keep retrying */
	for (i = 0; i < 300; i++) {
		int fd = tcp_connect(t, t->fa, i % 2 ? a2 : t->addr_a, 0,
				     t->addr_b, FL_PORT, true);

		ASSERT_LE(0, fd);
		self->fds[self->nfds++] = fd;
	}
	ASSERT_EQ(0, wait_status(&self->e.nl, SYNWATCH_LISTENER_BACKLOG, 3000,
				 &l));
	TH_LOG("BACKLOG: %u half-open (%u recent), %llu SYNs, %llu completed",
	       l.half_open, l.recent, (unsigned long long)l.syn_rx,
	       (unsigned long long)l.completed);
	/* past the flood mark, unanswered, and no alert */
	EXPECT_EQ(300, l.syn_rx);
	/* the accept queue (backlog + 1) took the first ones */
	EXPECT_GE(4, l.completed);
	EXPECT_GE(8, l.synack_tx);
	EXPECT_LE(256, l.recent);
	EXPECT_LE(256, l.half_open);
	EXPECT_EQ(0, fl_alert_next(&self->e.al, &al, 1500));
	ASSERT_EQ(1, fl_listener(&self->e.nl, FL_PORT, &l));
	EXPECT_EQ(SYNWATCH_LISTENER_BACKLOG, l.status);
	ASSERT_EQ(0, sw_stats(&self->e.nl, &s));
	EXPECT_EQ(0, s.v[SYNWATCH_A_STATS_ALERTS]);

	/* a spoofed flood on top: unanswered too, but from everywhere */
	ASSERT_EQ(0, fl_synflood(&p, t, "203.0.113.0/24", "1", "0"));
	ASSERT_EQ(1, fl_alert_wait(&self->e.al, &log,
				   SYNWATCH_EVENT_FLOOD_START, 3000));
	EXPECT_EQ(SYNWATCH_ALERT_HALF_OPEN, log.a[0].reason);
	EXPECT_EQ(SYNWATCH_LISTENER_FLOOD, log.a[0].l.status);
	ASSERT_LE(1, log.a[0].nsrc);
	EXPECT_EQ(24, log.a[0].src[0].plen);
	EXPECT_EQ(203, log.a[0].src[0].prefix[0]);
	EXPECT_EQ(0, fl_wait(&p));
}

/* Runs of sw_lst_tick() in the trace since the last call, or -1. */
static int tick_runs(void)
{
	FILE *f = popen("grep -c sw_lst_tick " TRACE "/trace;"
			"echo > " TRACE "/trace", "r");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	pclose(f);
	return n;
}

/* The runs during the next ms milliseconds. */
static int tick_runs_in(int ms)
{
	tick_runs();
	usleep(ms * 1000);
	return tick_runs();
}

TEST_F_TIMEOUT(fa, idle_tick, 60)
{
	struct topo *t = &self->e.t;
	uint64_t quiet_at, start;
	int n;

	if (sh("mkdir -p " TRACE " && echo sw_lst_tick > " TRACE "/set_ftrace_filter"
	       " && echo function > " TRACE "/current_tracer"))
		SKIP(return, "no function tracer for sw_lst_tick");
	self->lfd = fl_listen(t, t->fb, t->addr_b, FL_PORT, 128);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, fl_server_start(&self->sv, self->lfd, true));

	/* no SYN anywhere yet: no tick */
	EXPECT_EQ(0, tick_runs_in(1000));

	/* 20 connections: a tick every 100 ms */
	self->cl = (struct fl_client){
		.t = t, .nsfd = t->fa, .laddr = t->addr_a, .raddr = t->addr_b,
		.port = FL_PORT, .count = 20,
	};
	fl_client_run(&self->cl);
	EXPECT_EQ(20, self->cl.ok);
	n = tick_runs_in(1000);
	TH_LOG("%d ticks in the second after the connections", n);
	EXPECT_LE(7, n);
	EXPECT_GE(12, n);

	/* quiet again once the rate has decayed: half a second of no tick */
	start = now_us();
	while (tick_runs_in(500) && now_us() - start < 20000000)
		;
	quiet_at = now_us();
	TH_LOG("quiet %.1f s after the connections", (quiet_at - start) / 1e6);
	EXPECT_GT(start + 20000000, quiet_at);
	EXPECT_EQ(0, tick_runs_in(1000));

	/* the next SYN wakes it */
	self->cl.count = 1;
	fl_client_run(&self->cl);
	EXPECT_LE(3, tick_runs_in(500));
}

TEST_HARNESS_MAIN
