// SPDX-License-Identifier: GPL-2.0
/*
 * No false alarms.
 *
 *  - busy_client: a real client in A opens 600 connections to B's port 80
 *    at up to 300/s, all completing, with the rate mark lowered to 100
 *    SYN/s (20 on the debug kernel, st_slow_scale()): the SYN rate passes
 *    the mark, the completion ratio stays high, and no alert is raised.
 *  - slow_accept: a server that never accepts (backlog 1) and clients in
 *    A opening 500 connections at once from two addresses. Linux drops the
 *    SYNs its full accept queue cannot take (those that came before it was
 *    full got a SYN cookie, and completed), so hundreds of handshakes wait
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
#include "lib/flood.h"

#include <ctype.h>

/* A trace instance of idle_tick's own */
#define TRACE "/sys/kernel/debug/tracing/instances/synwatch_flood"

FIXTURE(fa) {
	struct st_fl_env e;
	int lfd;
	struct st_fl_server sv;
	struct st_fl_client cl;
	int fds[FL_MAX_CONNS];
	int nfds;
};

FIXTURE_SETUP(fa)
{
	ASSERT_EQ(0, st_fl_up(&self->e, AF_INET, "ff"));
}

FIXTURE_TEARDOWN(fa)
{
	int i;

	st_fl_client_close(&self->cl);
	st_fl_server_stop(&self->sv);
	for (i = 0; i < self->nfds; i++)
		close(self->fds[i]);
	if (self->lfd > 0)
		close(self->lfd);
	st_fl_down(&self->e);
	st_sh("[ ! -d " TRACE " ] || { echo nop > " TRACE "/current_tracer;"
	   " rmdir " TRACE "; }");
}

TEST_F(fa, busy_client)
{
	struct st_topo *t = &self->e.t;
	struct st_flcfg c = FLCFG_KEEP;
	struct st_falert al;
	struct st_stats s;
	struct st_flst l;
	/* a slow kernel's client opens fewer a second: the mark follows */
	unsigned int mark = 100 / st_slow_scale();

	c.rate_high = mark;
	c.rate_low = mark;
	c.hold_ms = 1000;
	ASSERT_EQ(0, st_fl_config(&self->e.nl, &c));
	self->lfd = st_fl_listen(t, t->fb, t->addr_b, FL_PORT, 128);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, st_fl_server_start(&self->sv, self->lfd, true));
	self->cl = (struct st_fl_client){
		.t = t, .nsfd = t->fa, .laddr = t->addr_a, .raddr = t->addr_b,
		.port = FL_PORT, .count = 600, .rate = 300,
	};
	st_fl_client_run(&self->cl);
	EXPECT_EQ(600, self->cl.ok);
	ASSERT_EQ(1, st_fl_listener(&self->e.nl, FL_PORT, &l));
	TH_LOG("600 connections: peak %u SYN/s, completion %u%%, recent half-open %u",
	       l.peak, l.compl, l.recent);
	/* the rate test was armed: only the completion ratio held it */
	EXPECT_LE(mark, l.peak);
	EXPECT_LE(90, l.compl);
	EXPECT_EQ(600, l.syn_rx);
	EXPECT_EQ(600, l.completed);
	EXPECT_GT(256, l.recent);
	EXPECT_EQ(SYNWATCH_LISTENER_OK, l.status);
	/* nothing, not even once the rate has decayed */
	EXPECT_EQ(0, st_fl_alert_next(&self->e.al, &al, 1500));
	ASSERT_EQ(0, st_get_stats(&self->e.nl, &s));
	EXPECT_EQ(0, s.v[SYNWATCH_A_STATS_ALERTS]);
	EXPECT_EQ(0, s.v[SYNWATCH_A_STATS_EVENT_SUPPRESSED]);
}

/* Is the listener's status st yet? */
static int wait_status(struct st_nl *s, uint8_t st, int timeout_ms,
		       struct st_flst *l)
{
	uint64_t end = st_now_us() + (uint64_t)timeout_ms * 1000;

	for (;;) {
		int r = st_fl_listener(s, FL_PORT, l);

		if (r < 0)
			return r;
		if (r && l->status == st)
			return 0;
		if (st_now_us() >= end)
			return -ETIMEDOUT;
		usleep(20000);
	}
}

TEST_F_TIMEOUT(fa, slow_accept, 60)
{
	struct st_topo *t = &self->e.t;
	struct st_fl_alerts log = { .n = 0 };
	uint8_t a2[4];
	struct st_falert al;
	struct st_stats s;
	struct st_fl_proc p;
	struct st_flst l;
	int i;

	/* a second client address */
	ASSERT_EQ(0, st_sh("ip -n %s addr add 198.18.0.3/24 dev veth0", t->a));
	inet_pton(AF_INET, "198.18.0.3", a2);
	self->lfd = st_fl_listen(t, t->fb, t->addr_b, FL_PORT, 1);
	ASSERT_LE(0, self->lfd);
	/* connect() at once, no waiting: the clients keep retrying */
	for (i = 0; i < 500; i++) {
		int fd = st_tcp_connect(t, t->fa, i % 2 ? a2 : t->addr_a, 0,
				     t->addr_b, FL_PORT, true);

		ASSERT_LE(0, fd);
		self->fds[self->nfds++] = fd;
	}
	ASSERT_EQ(0, wait_status(&self->e.nl, SYNWATCH_LISTENER_BACKLOG, 3000,
				 &l));
	TH_LOG("BACKLOG: %u half-open (%u recent), %llu SYNs, %llu completed",
	       l.half_open, l.recent, (unsigned long long)l.syn_rx,
	       (unsigned long long)l.completed);
	/*
	 * Past the flood mark, unanswered, and no alert. The SYNs that came
	 * before the accept queue was full were answered (with cookies), and
	 * every one of those handshakes completed: the clients are real.
	 */
	EXPECT_EQ(500, l.syn_rx);
	EXPECT_EQ(l.synack_tx, l.completed);
	EXPECT_EQ(l.syn_rx, l.completed + l.half_open);
	EXPECT_LE(256, l.recent);
	EXPECT_LE(256, l.half_open);
	EXPECT_EQ(0, st_fl_alert_next(&self->e.al, &al, 1500));
	ASSERT_EQ(1, st_fl_listener(&self->e.nl, FL_PORT, &l));
	EXPECT_EQ(SYNWATCH_LISTENER_BACKLOG, l.status);
	ASSERT_EQ(0, st_get_stats(&self->e.nl, &s));
	EXPECT_EQ(0, s.v[SYNWATCH_A_STATS_ALERTS]);

	/* a spoofed flood on top: unanswered too, but from everywhere */
	ASSERT_EQ(0, st_fl_synflood(&p, t, "203.0.113.0/24", "1", "0"));
	ASSERT_EQ(1, st_fl_alert_wait(&self->e.al, &log,
				   SYNWATCH_EVENT_FLOOD_START, 3000));
	EXPECT_EQ(SYNWATCH_ALERT_HALF_OPEN, log.a[0].reason);
	EXPECT_EQ(SYNWATCH_LISTENER_FLOOD, log.a[0].l.status);
	ASSERT_LE(1, log.a[0].nsrc);
	EXPECT_EQ(24, log.a[0].src[0].plen);
	EXPECT_EQ(203, log.a[0].src[0].prefix[0]);
	EXPECT_EQ(0, st_fl_wait(&p));
}

/*
 * The times (s) of sw_lst_tick() runs in the trace since the last call,
 * up to max; how many there were, or -1.
 */
static int tick_times(double *ts, int max)
{
	FILE *f = popen("cat " TRACE "/trace; echo > " TRACE "/trace", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, ": sw_lst_tick");

		if (!p || line[0] == '#')
			continue;
		while (p > line && (isdigit((unsigned char)p[-1]) ||
				    p[-1] == '.'))
			p--;
		if (n < max)
			ts[n] = atof(p);
		n++;
	}
	pclose(f);
	return n;
}

/* Runs during the next ms milliseconds (at least: the reading is slow). */
static int tick_runs_in(int ms)
{
	double ts[1];

	tick_times(ts, 0);
	usleep(ms * 1000);
	return tick_times(ts, 0);
}

/* Wait up to timeout_ms for half a second without a tick: 0, or -1. */
static int tick_wait_quiet(int timeout_ms)
{
	uint64_t end = st_now_us() + (uint64_t)timeout_ms * 1000;

	while (tick_runs_in(500))
		if (st_now_us() >= end)
			return -1;
	return 0;
}

/* qsort() order of doubles */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

TEST_F_TIMEOUT(fa, idle_tick, 90)
{
	struct st_topo *t = &self->e.t;
	double ts[64], gaps[64], span;
	int i, n, short_gaps = 0;
	uint64_t start;

	if (st_sh("mkdir -p " TRACE " && echo sw_lst_tick > " TRACE "/set_ftrace_filter"
	       " && echo function > " TRACE "/current_tracer"))
		SKIP(return, "no function tracer for sw_lst_tick");
	self->lfd = st_fl_listen(t, t->fb, t->addr_b, FL_PORT, 128);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, st_fl_server_start(&self->sv, self->lfd, true));

	/* no listener anywhere gets SYNs (an earlier test's netns may still
	 * be going away): quiet, and it stays so
	 */
	ASSERT_EQ(0, tick_wait_quiet(10000));
	EXPECT_EQ(0, tick_runs_in(1000));

	/* 20 connections: a tick every 100 ms */
	self->cl = (struct st_fl_client){
		.t = t, .nsfd = t->fa, .laddr = t->addr_a, .raddr = t->addr_b,
		.port = FL_PORT, .count = 20,
	};
	tick_times(ts, 0);
	start = st_now_us();
	st_fl_client_run(&self->cl);
	EXPECT_EQ(20, self->cl.ok);
	usleep(1000000);
	n = tick_times(ts, 64);
	ASSERT_LE(5, n);
	ASSERT_GE(64, n);
	for (i = 1; i < n; i++) {
		gaps[i - 1] = ts[i] - ts[i - 1];
		short_gaps += gaps[i - 1] < 0.095;
	}
	qsort(gaps, n - 1, sizeof(gaps[0]), cmp_double);
	span = ts[n - 1] - ts[0];
	TH_LOG("%d ticks in %.3f s, gaps %.0f ms median, %.0f ms least, %d under 95 ms",
	       n, span, gaps[(n - 1) / 2] * 1000, gaps[0] * 1000, short_gaps);
	/*
	 * The tick is a delayed work of SW_TICK_MS in jiffies. In a VM whose
	 * timekeeping vCPU the host stalls, jiffies lag ktime and then catch
	 * up at once (6.1 has no jiffies-stall fix-up): a tick scheduled
	 * meanwhile runs early, once. So the assertion is on the tick's
	 * pace, which a second tick in flight or a busy loop would break:
	 * the median gap, and no more ticks than the span allows plus one.
	 */
	EXPECT_LE(0.095, gaps[(n - 1) / 2]);
	EXPECT_GE(0.2, gaps[(n - 1) / 2]);
	EXPECT_GE((int)(span / 0.1) + 2, n);

	/* quiet again once the rate has decayed */
	start = st_now_us();
	ASSERT_EQ(0, tick_wait_quiet(20000));
	TH_LOG("quiet %.1f s later", (st_now_us() - start) / 1e6);
	EXPECT_EQ(0, tick_runs_in(1000));

	/* the next SYN wakes it */
	self->cl.count = 1;
	st_fl_client_run(&self->cl);
	EXPECT_LE(3, tick_runs_in(500));
}

TEST_HARNESS_MAIN
