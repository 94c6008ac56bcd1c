// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies. With net.ipv4.tcp_syncookies=2 in B (IPv6 too), Linux
 * answers every SYN with a cookie and keeps no request socket:
 *
 *  - forced: 30 connections from a real client in A are tracked from the
 *    SYN (ESTABLISHED, "sHa", handshake RTT) and flagged
 *    SYNWATCH_CONN_F_COOKIE; the listener counts 30 cookie completions.
 *    Then, during a spoofed flood, the alert says cookies are in use and
 *    at least 99% of 100 more handshakes are tracked and flagged too.
 *  - not_forced: with tcp_syncookies=1 and no flood, no cookie is sent:
 *    30 connections, none flagged, no cookie completion.
 */
#include "kselftest_harness.h"
#include "lib/flood.h"

FIXTURE(ck) {
	struct st_fl_env e;
	int lfd;
	struct st_fl_server sv;
	struct st_fl_client cl;
	struct st_conn *recs;
};

FIXTURE_VARIANT(ck) {
	FL_VARIANT_FIELDS;
};

FIXTURE_VARIANT_ADD(ck, ipv4) { FL_VARIANT_IPV4 };
FIXTURE_VARIANT_ADD(ck, ipv6) { FL_VARIANT_IPV6 };

FIXTURE_SETUP(ck)
{
	struct st_topo *t = &self->e.t;

	ASSERT_EQ(0, st_fl_up(&self->e, variant->family, "fc"));
	self->lfd = st_fl_listen(t, t->fb, t->addr_b, FL_PORT, 128);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, st_fl_server_start(&self->sv, self->lfd, false));
	self->recs = calloc(FL_MAX_CONNS, sizeof(*self->recs));
	ASSERT_NE(NULL, self->recs);
}

FIXTURE_TEARDOWN(ck)
{
	st_fl_client_close(&self->cl);
	st_fl_server_stop(&self->sv);
	if (self->lfd > 0)
		close(self->lfd);
	free(self->recs);
	st_fl_down(&self->e);
}

/* count connections from A, then: how many tracked, how many flagged. */
static void connect_count(struct __test_metadata *_metadata,
			  FIXTURE_DATA(ck) *self, int count, double rate,
			  int *tracked, int *cookie)
{
	struct st_topo *t = &self->e.t;
	int i, n;

	st_fl_client_close(&self->cl);
	self->cl = (struct st_fl_client){
		.t = t, .nsfd = t->fa, .laddr = t->addr_a, .raddr = t->addr_b,
		.port = FL_PORT, .count = count, .rate = rate, .keep = true,
	};
	ASSERT_EQ(0, st_fl_client_start(&self->cl));
	st_fl_client_join(&self->cl);
	EXPECT_EQ(count, self->cl.ok);
	n = st_fl_dump_from(&self->e.nl, t->addr_a, t->alen, FL_PORT, self->recs,
			 FL_MAX_CONNS);
	ASSERT_LE(0, n);
	*tracked = 0;
	*cookie = 0;
	for (i = 0; i < n && i < FL_MAX_CONNS; i++) {
		if (!st_fl_client_had(&self->cl, self->recs[i].rport) ||
		    !st_fl_tracked(&self->recs[i]))
			continue;
		(*tracked)++;
		if (self->recs[i].flags & SYNWATCH_CONN_F_COOKIE)
			(*cookie)++;
	}
}

TEST_F_TIMEOUT(ck, forced, 60)
{
	struct st_topo *t = &self->e.t;
	struct st_fl_alerts log = { .n = 0 };
	int tracked, cookie;
	struct st_fl_proc p;
	struct st_flst l;

	ASSERT_EQ(0, st_sh("ip netns exec %s sysctl -qw net.ipv4.tcp_syncookies=2",
			t->b));
	connect_count(_metadata, self, 30, 0, &tracked, &cookie);
	EXPECT_EQ(30, tracked);
	EXPECT_EQ(30, cookie);
	ASSERT_EQ(1, st_fl_listener(&self->e.nl, FL_PORT, &l));
	EXPECT_EQ(30, l.syn_rx);
	EXPECT_EQ(30, l.completed);
	EXPECT_EQ(30, l.cookie);
	EXPECT_EQ(0, l.half_open);

	/* and through a flood */
	ASSERT_EQ(0, st_fl_synflood(&p, t, variant->src, "3", "0"));
	ASSERT_EQ(1, st_fl_alert_wait(&self->e.al, &log,
				   SYNWATCH_EVENT_FLOOD_START, 3000));
	EXPECT_EQ(1, log.a[0].cookies);
	connect_count(_metadata, self, 100, 100, &tracked, &cookie);
	EXPECT_EQ(0, st_fl_wait(&p));
	TH_LOG("during the flood: %d/100 tracked, %d flagged COOKIE", tracked,
	       cookie);
	EXPECT_LE(99, tracked);
	EXPECT_EQ(tracked, cookie);
	ASSERT_EQ(1, st_fl_listener(&self->e.nl, FL_PORT, &l));
	EXPECT_LE(30 + 99, l.cookie);
	EXPECT_EQ(l.completed, l.cookie);
}

TEST_F(ck, not_forced)
{
	struct st_topo *t = &self->e.t;
	int tracked, cookie;
	struct st_flst l;

	ASSERT_EQ(0, st_sh("ip netns exec %s sysctl -qw net.ipv4.tcp_syncookies=1",
			t->b));
	connect_count(_metadata, self, 30, 0, &tracked, &cookie);
	EXPECT_EQ(30, tracked);
	EXPECT_EQ(0, cookie);
	ASSERT_EQ(1, st_fl_listener(&self->e.nl, FL_PORT, &l));
	EXPECT_EQ(30, l.completed);
	EXPECT_EQ(0, l.cookie);
}

TEST_HARNESS_MAIN
