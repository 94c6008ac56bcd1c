// SPDX-License-Identifier: GPL-2.0
/*
 * synwatch replay: captures written here (pcapgen.h) go through the
 * replay library and the module's engine; the tests assert what replay
 * reports: the events, the records left, the listeners and the counters.
 *
 * A connection's events are summed up as a trail: "+listen" for NEW,
 * "syn_recv" for each STATE, "-timeout" for DESTROY (its close reason).
 */
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"

#include "names.h"
#include "pcapgen.h"
#include "replay.h"
#include "vec.h"

#define MS 1000000ULL
#define SEC 1000000000ULL

struct replay_result {
	struct swl_vec ev;	/* struct swl_event */
	struct swl_vec conns;	/* struct swl_conn */
	struct swl_vec lsts;	/* struct swl_listener */
	struct swl_stats st;
	uint64_t count[RP_COUNTER_MAX];
	int rc;
	char err[512];
	char trail[4096];
};

static void on_event(const struct swl_event *ev, void *data)
{
	swl_vec_push(&((struct replay_result *)data)->ev, ev);
}

static int keep_conn(const struct swl_conn *c, void *data)
{
	return swl_vec_push(data, c);
}

static int keep_lst(const struct swl_listener *l, void *data)
{
	return swl_vec_push(data, l);
}

static void result_init(struct replay_result *r)
{
	memset(r, 0, sizeof(*r));
	r->ev = (struct swl_vec)SWL_VEC_INIT(struct swl_event);
	r->conns = (struct swl_vec)SWL_VEC_INIT(struct swl_conn);
	r->lsts = (struct swl_vec)SWL_VEC_INIT(struct swl_listener);
}

/* Replays path with these -l prefixes (NULL-terminated) and config. */
static int replay_cfg(const char *path, const char *const *local,
		      const struct swl_config *cfg, struct replay_result *r)
{
	struct swl_prefix pfx[RP_MAX_LOCAL];
	struct rp_opts o = { .on_event = on_event, .data = r, .cfg = cfg };
	struct rp_pcap f;
	struct rp *rp;
	char err[256];

	result_init(r);
	for (; local && *local; local++)
		if (swl_parse_prefix(*local, &pfx[o.nlocal++], err, sizeof(err)))
			return -1;
	o.local = pfx;
	rp = rp_new(&o);
	if (!rp)
		return -1;
	if (rp_pcap_open(&f, rp, path, r->err, sizeof(r->err))) {
		rp_free(rp);
		return r->rc = -1;
	}
	r->rc = rp_pcap_run(&f, rp, r->err, sizeof(r->err));
	rp_conns(rp, keep_conn, &r->conns);
	rp_listeners(rp, keep_lst, &r->lsts);
	rp_stats(rp, &r->st);
	for (int i = 0; i < RP_COUNTER_MAX; i++)
		r->count[i] = rp_count(rp, i);
	rp_free(rp);
	return r->rc;
}

static int replay(const char *path, const char *const *local,
		  struct replay_result *r)
{
	return replay_cfg(path, local, NULL, r);
}

static void result_free(struct replay_result *r)
{
	swl_vec_free(&r->ev);
	swl_vec_free(&r->conns);
	swl_vec_free(&r->lsts);
}

#define EV(r, i) SWL_VEC_AT(&(r)->ev, struct swl_event, i)
#define CONN(r, i) SWL_VEC_AT(&(r)->conns, struct swl_conn, i)
#define LST(r, i) SWL_VEC_AT(&(r)->lsts, struct swl_listener, i)

/* The trail of the connection with this local port (0: every one). */
static const char *trail(struct replay_result *r, uint16_t lport)
{
	size_t n = 0;
	int k;

	r->trail[0] = 0;
	for (size_t i = 0; i < r->ev.n; i++) {
		const struct swl_event *e = EV(r, i);
		const char *w;

		if (!e->has_conn || (lport && e->conn.lport != lport))
			continue;
		if (e->type == SYNWATCH_EVENT_NEW)
			w = SWL_NAME(swl_state_names, e->new_state)->json;
		else if (e->type == SYNWATCH_EVENT_STATE)
			w = SWL_NAME(swl_state_names, e->new_state)->json;
		else
			w = SWL_NAME(swl_close_reason_names, e->conn.close_reason)->json;
		k = snprintf(r->trail + n, sizeof(r->trail) - n, "%s%s%s",
			     n ? " " : "",
			     e->type == SYNWATCH_EVENT_NEW ? "+" :
			     e->type == SYNWATCH_EVENT_DESTROY ? "-" : "", w);
		/* full: keep what fits (it then fails any comparison) */
		if (k < 0 || (size_t)k >= sizeof(r->trail) - n)
			break;
		n += (size_t)k;
	}
	return r->trail;
}

static const struct swl_conn *find_conn(struct replay_result *r, uint16_t lport)
{
	for (size_t i = 0; i < r->conns.n; i++)
		if (CONN(r, i)->lport == lport)
			return CONN(r, i);
	return NULL;
}

static const struct swl_event *last_of(struct replay_result *r, uint8_t type)
{
	for (size_t i = r->ev.n; i-- > 0;)
		if (EV(r, i)->type == type)
			return EV(r, i);
	return NULL;
}

static size_t count_of(struct replay_result *r, uint8_t type)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ev.n; i++)
		n += EV(r, i)->type == type;
	return n;
}

static const char *const CLIENT[] = { "10.0.0.1/32", NULL };
static const char *const SERVER[] = { "10.0.0.2/32", NULL };

FIXTURE(cap)
{
	struct pg_cap c;
	struct pg_flow fl;
	struct replay_result r;
};

FIXTURE_SETUP(cap)
{
	ASSERT_EQ(0, pg_open(&self->c, PG_ETHERNET, false));
	pg_flow(&self->fl, "10.0.0.1", 40000, "10.0.0.2", 80, 1000, 5000);
	result_init(&self->r);
}

FIXTURE_TEARDOWN(cap)
{
	pg_close(&self->c);
	unlink(self->c.path);
	result_free(&self->r);
}

static void handshake(struct pg_cap *c, struct pg_flow *fl)
{
	struct pg_opts o = { .mss = 1460, .ws = 8, .sack = true, .ts = true };

	pg_send_o(c, fl, false, PG_SYN, 0, &o, 2 * MS);
	pg_send_o(c, fl, true, PG_SYN | PG_ACK, 0, &o, 3 * MS);
	pg_send(c, fl, false, PG_ACK, 0);
}

/* data both ways, then the client closes first, 4 segments */
static void exchange_close_client_first(struct pg_cap *c, struct pg_flow *fl)
{
	pg_send(c, fl, false, PG_ACK | PG_PSH, 100);
	pg_send(c, fl, true, PG_ACK | PG_PSH, 2000);
	pg_send(c, fl, false, PG_ACK, 0);
	pg_send(c, fl, false, PG_FIN | PG_ACK, 0);
	pg_send(c, fl, true, PG_ACK, 0);
	pg_send(c, fl, true, PG_FIN | PG_ACK, 0);
	pg_send(c, fl, false, PG_ACK, 0);
}

TEST_F(cap, active_open_local_close)
{
	const struct swl_conn *k;

	handshake(&self->c, &self->fl);
	exchange_close_client_first(&self->c, &self->fl);
	pg_close(&self->c);
	ASSERT_EQ(0, replay(self->c.path, CLIENT, &self->r));
	EXPECT_STREQ("+syn_sent established fin_wait_1 fin_wait_2 time_wait",
		     trail(&self->r, 40000));
	ASSERT_EQ(1, self->r.conns.n);
	k = CONN(&self->r, 0);
	EXPECT_EQ(SYNWATCH_STATE_TIME_WAIT, k->state);
	EXPECT_TRUE(k->flags & SYNWATCH_CONN_F_ACTIVE);
	EXPECT_EQ(1000U, k->isn_local);
	EXPECT_EQ(5000U, k->isn_remote);
	EXPECT_EQ(1460, k->mss_local);
	EXPECT_EQ(1460, k->mss_remote);
	EXPECT_EQ(7, k->wscale_local);
	EXPECT_EQ(7, k->wscale_remote);
	/* SYN at t, SYN-ACK 2 ms later: the capture's clock */
	ASSERT_TRUE(SWL_HAS(k, SYNWATCH_A_CONN_SYN_TO_SYNACK_US));
	EXPECT_GE(k->syn_to_synack_us, 1998U);
	EXPECT_LE(k->syn_to_synack_us, 2002U);
	EXPECT_EQ(100U, k->bytes_out);
	EXPECT_EQ(2000U, k->bytes_in);
	EXPECT_EQ(SYNWATCH_CLOSE_LOCAL_FIN, k->close_reason);
	EXPECT_EQ(SYNWATCH_CLOSER_LOCAL, k->closer);
	EXPECT_STREQ("ShADdFaf", k->history);
	EXPECT_EQ(1U, self->r.st.val[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(5U, self->r.st.val[SYNWATCH_A_STATS_STATE_CHANGES]);
	EXPECT_EQ(6U, self->r.st.val[SYNWATCH_A_STATS_PKTS_OUT]);
	EXPECT_EQ(4U, self->r.st.val[SYNWATCH_A_STATS_PKTS_IN]);
	/* the event carries the packet: [F.] out */
	EXPECT_EQ(SYNWATCH_DIR_OUT, EV(&self->r, 2)->dir);
	EXPECT_EQ(PG_FIN | PG_ACK, EV(&self->r, 2)->tcp_flags);
}

TEST_F(cap, passive_open_remote_close_then_expiry)
{
	struct pg_flow other;

	handshake(&self->c, &self->fl);
	pg_send(&self->c, &self->fl, false, PG_FIN | PG_ACK, 0);
	pg_send(&self->c, &self->fl, true, PG_ACK, 0);
	pg_send(&self->c, &self->fl, true, PG_FIN | PG_ACK, 0);
	pg_send(&self->c, &self->fl, false, PG_ACK, 0);
	/* 11 s later, another connection's packet moves the clock on */
	self->c.t += 11 * SEC;
	pg_flow(&other, "10.0.0.3", 40001, "10.0.0.2", 22, 1, 1);
	pg_send(&self->c, &other, false, PG_SYN, 0);
	pg_close(&self->c);
	/* no -l: the receiver of the first SYN is local */
	ASSERT_EQ(0, replay(self->c.path, NULL, &self->r));
	EXPECT_STREQ("+listen syn_recv established close_wait last_ack closed -remote_fin",
		     trail(&self->r, 80));
	EXPECT_EQ(1U, self->r.st.val[SYNWATCH_A_STATS_EXPIRED]);
	/* CLOSED lives 10 s: the DESTROY comes at its deadline, not later */
	{
		const struct swl_event *d = last_of(&self->r, SYNWATCH_EVENT_DESTROY);

		ASSERT_NE(NULL, d);
		EXPECT_EQ(SYNWATCH_DIR_NONE, d->dir);
		EXPECT_FALSE(SWL_HAS(d, SYNWATCH_A_EVENT_TCP_FLAGS));
		EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, d->conn.closer);
		EXPECT_STREQ("sHafAF", d->conn.history);
		/* handshake: SYN-ACK at +2 ms, ACK at +5 ms */
		EXPECT_GE(d->conn.synack_to_ack_us, 2998U);
		EXPECT_LE(d->conn.synack_to_ack_us, 3002U);
	}
	ASSERT_EQ(1, self->r.conns.n);
	EXPECT_EQ(22, CONN(&self->r, 0)->lport);
	/* ports 80, and 22 that the other SYN reached */
	ASSERT_EQ(2, self->r.lsts.n);
	EXPECT_EQ(80, LST(&self->r, 0)->port);
	EXPECT_EQ(1U, LST(&self->r, 0)->syn_rx);
	EXPECT_EQ(1U, LST(&self->r, 0)->completed);
}

TEST_F(cap, unanswered_syn_times_out)
{
	struct pg_flow other;

	pg_send(&self->c, &self->fl, false, PG_SYN, 0);
	self->c.t += 121 * SEC;
	pg_flow(&other, "10.0.0.3", 40001, "10.0.0.9", 22, 1, 1);
	pg_send(&self->c, &other, false, PG_ACK, 0);
	pg_close(&self->c);
	ASSERT_EQ(0, replay(self->c.path, CLIENT, &self->r));
	EXPECT_STREQ("+syn_sent -timeout", trail(&self->r, 40000));
	EXPECT_EQ(1U, self->r.st.val[SYNWATCH_A_STATS_EXPIRED]);
	/* SYN_SENT lives 2 min: DESTROYed at 120 s, stamped so */
	EXPECT_GE(2 * MS, llabs((long long)(last_of(&self->r, SYNWATCH_EVENT_DESTROY)->time_ns -
					 (1700000000ULL + 120) * SEC)));
	/* the ACK of nobody's connection is not local either way */
	EXPECT_EQ(1U, self->r.count[RP_NOT_LOCAL]);
}

TEST_F(cap, timeouts_from_set)
{
	struct swl_config cfg = { 0 };
	struct pg_flow other;

	cfg.timeout[SYNWATCH_STATE_SYN_SENT] = 5;
	cfg.timeout_have = 1U << SYNWATCH_STATE_SYN_SENT;
	pg_send(&self->c, &self->fl, false, PG_SYN, 0);
	self->c.t += 6 * SEC;
	pg_flow(&other, "10.0.0.3", 40001, "10.0.0.2", 22, 1, 1);
	pg_send(&self->c, &other, false, PG_SYN, 0);
	pg_close(&self->c);
	ASSERT_EQ(0, replay_cfg(self->c.path, CLIENT, &cfg, &self->r));
	EXPECT_STREQ("+syn_sent -timeout", trail(&self->r, 40000));
}

TEST_F(cap, simultaneous_open_and_close)
{
	struct pg_flow *fl = &self->fl;
	struct pg_cap *c = &self->c;
	const struct swl_conn *k;

	/* both sides send a SYN, then each a SYN-ACK (RFC 9293 fig. 8) */
	pg_send(c, fl, false, PG_SYN, 0);
	fl->nxt[0]--;
	pg_send(c, fl, true, PG_SYN, 0);
	fl->nxt[0]++;
	fl->nxt[1]--;
	pg_send(c, fl, false, PG_SYN | PG_ACK, 0);
	fl->nxt[0]--;
	pg_send(c, fl, true, PG_SYN | PG_ACK, 0);
	fl->nxt[0]++;
	/* FINs cross (fig. 13): each acks all but the other's FIN */
	pg_send(c, fl, false, PG_FIN | PG_ACK, 0);
	fl->nxt[0]--;
	pg_send(c, fl, true, PG_FIN | PG_ACK, 0);
	fl->nxt[0]++;
	pg_send(c, fl, false, PG_ACK, 0);
	pg_send(c, fl, true, PG_ACK, 0);
	pg_close(c);
	ASSERT_EQ(0, replay(c->path, CLIENT, &self->r));
	EXPECT_STREQ("+syn_sent syn_recv established fin_wait_1 closing time_wait",
		     trail(&self->r, 40000));
	k = CONN(&self->r, 0);
	EXPECT_TRUE(k->flags & SYNWATCH_CONN_F_SIMULTANEOUS);
	EXPECT_EQ(SYNWATCH_CLOSER_BOTH, k->closer);
}

TEST_F(cap, both_ends_local)
{
	static const char *const both[] = { "10.0.0.0/24", NULL };

	handshake(&self->c, &self->fl);
	exchange_close_client_first(&self->c, &self->fl);
	pg_close(&self->c);
	/* one host, both ends: one record per end, as the module keeps */
	ASSERT_EQ(0, replay(self->c.path, both, &self->r));
	EXPECT_STREQ("+syn_sent established fin_wait_1 fin_wait_2 time_wait",
		     trail(&self->r, 40000));
	EXPECT_STREQ("+listen syn_recv established close_wait last_ack closed",
		     trail(&self->r, 80));
	EXPECT_EQ(2, self->r.conns.n);
}

TEST_F(cap, rst_in_and_out_of_window)
{
	struct pg_flow *fl = &self->fl;
	uint8_t b[128];
	size_t n;

	handshake(&self->c, fl);
	/* far outside the window: counted, ignored */
	n = pg_tcpip(b, &fl->s, &fl->c, PG_RST, fl->nxt[1] + 0x40000000U, 0,
		     0, NULL);
	pg_ip(&self->c, b, n);
	pg_send(&self->c, fl, false, PG_ACK | PG_PSH, 10);
	/* in the window: the connection is reset */
	pg_send(&self->c, fl, true, PG_RST, 0);
	pg_close(&self->c);
	ASSERT_EQ(0, replay(self->c.path, CLIENT, &self->r));
	EXPECT_STREQ("+syn_sent established closed", trail(&self->r, 40000));
	EXPECT_EQ(1U, self->r.st.invalid[SYNWATCH_INVALID_RST_WINDOW]);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_RST, CONN(&self->r, 0)->close_reason);
}

TEST_F(cap, refused_both_ways)
{
	struct pg_flow in;

	pg_send(&self->c, &self->fl, false, PG_SYN, 0);
	pg_send(&self->c, &self->fl, true, PG_RST | PG_ACK, 0);
	/* a SYN to us, refused by us */
	pg_flow(&in, "10.0.0.7", 50000, "10.0.0.1", 25, 77, 0);
	pg_send(&self->c, &in, false, PG_SYN, 0);
	pg_send(&self->c, &in, true, PG_RST | PG_ACK, 0);
	pg_close(&self->c);
	ASSERT_EQ(0, replay(self->c.path, CLIENT, &self->r));
	EXPECT_STREQ("+syn_sent closed", trail(&self->r, 40000));
	EXPECT_STREQ("+listen closed", trail(&self->r, 25));
	EXPECT_EQ(SYNWATCH_CLOSE_REFUSED, find_conn(&self->r, 40000)->close_reason);
	EXPECT_EQ(SYNWATCH_CLOSE_REFUSED, find_conn(&self->r, 25)->close_reason);
	ASSERT_EQ(1, self->r.lsts.n);
	EXPECT_EQ(0, LST(&self->r, 0)->half_open);
}

TEST_F(cap, retransmissions)
{
	struct pg_flow *fl = &self->fl;
	struct pg_cap *c = &self->c;
	const struct swl_conn *k;

	pg_send(c, fl, false, PG_SYN, 0);
	fl->nxt[0]--;
	pg_send(c, fl, false, PG_SYN, 0);		/* SYN again */
	pg_send(c, fl, true, PG_SYN | PG_ACK, 0);
	fl->nxt[1]--;
	pg_send(c, fl, true, PG_SYN | PG_ACK, 0);	/* SYN-ACK again */
	pg_send(c, fl, false, PG_ACK, 0);
	pg_send(c, fl, true, PG_FIN | PG_ACK, 0);
	fl->nxt[1]--;
	pg_send(c, fl, true, PG_FIN | PG_ACK, 0);	/* FIN again */
	pg_send(c, fl, false, PG_ACK, 0);
	pg_close(c);
	ASSERT_EQ(0, replay(c->path, SERVER, &self->r));
	EXPECT_STREQ("+listen syn_recv established fin_wait_1 fin_wait_2",
		     trail(&self->r, 80));
	k = CONN(&self->r, 0);
	EXPECT_EQ(1U, k->rtx_syn);
	EXPECT_EQ(1U, k->rtx_synack);
	EXPECT_EQ(1U, k->rtx_fin);
	EXPECT_EQ(1U, self->r.st.val[SYNWATCH_A_STATS_RTX_SYN]);
	EXPECT_EQ(1U, self->r.st.val[SYNWATCH_A_STATS_RTX_SYNACK]);
	EXPECT_EQ(1U, self->r.st.val[SYNWATCH_A_STATS_RTX_FIN]);
	EXPECT_TRUE(strchr(k->history, 't') && strchr(k->history, 'T'));
}

TEST_F(cap, time_wait_reopen)
{
	const struct swl_event *d;

	handshake(&self->c, &self->fl);
	exchange_close_client_first(&self->c, &self->fl);
	/* a new connection on the same tuple while the client is in TIME-WAIT */
	self->c.t += 5 * SEC;
	self->fl.nxt[0] += 100000;
	self->fl.nxt[1] += 100000;
	handshake(&self->c, &self->fl);
	pg_close(&self->c);
	ASSERT_EQ(0, replay(self->c.path, CLIENT, &self->r));
	EXPECT_STREQ("+syn_sent established fin_wait_1 fin_wait_2 time_wait -local_fin +syn_sent established",
		     trail(&self->r, 40000));
	d = last_of(&self->r, SYNWATCH_EVENT_DESTROY);
	ASSERT_NE(NULL, d);
	/* ended by the new SYN, which the event names */
	EXPECT_EQ(PG_SYN, d->tcp_flags);
	EXPECT_EQ(SYNWATCH_DIR_OUT, d->dir);
	EXPECT_EQ(SYNWATCH_STATE_TIME_WAIT, d->old_state);
	EXPECT_EQ(1, self->r.conns.n);
	EXPECT_EQ(2U, self->r.st.val[SYNWATCH_A_STATS_CONN_NEW]);
}

TEST_F(cap, mid_stream_pickup)
{
	const struct swl_conn *k;

	self->fl.nxt[0] = 123456;
	self->fl.nxt[1] = 654321;
	/* the capture starts with the server's data */
	pg_send(&self->c, &self->fl, true, PG_ACK | PG_PSH, 500);
	pg_send(&self->c, &self->fl, false, PG_ACK, 0);
	pg_close(&self->c);
	ASSERT_EQ(0, replay(self->c.path, NULL, &self->r));
	/* no SYN: the lower port's side (the server) is local */
	EXPECT_STREQ("+established", trail(&self->r, 80));
	k = CONN(&self->r, 0);
	EXPECT_TRUE(k->flags & SYNWATCH_CONN_F_PICKUP);
	EXPECT_FALSE(SWL_HAS(k, SYNWATCH_A_CONN_ISN_LOCAL));
	EXPECT_EQ('P', k->history[0]);
	EXPECT_EQ(500U, k->bytes_out);
	EXPECT_EQ(1U, self->r.st.val[SYNWATCH_A_STATS_PICKUP]);
}

TEST_F(cap, untracked_lone_rst)
{
	pg_send(&self->c, &self->fl, true, PG_RST, 0);
	pg_close(&self->c);
	ASSERT_EQ(0, replay(self->c.path, NULL, &self->r));
	EXPECT_EQ(0, self->r.ev.n);
	EXPECT_EQ(1U, self->r.st.val[SYNWATCH_A_STATS_UNTRACKED]);
}

/* Each malformed packet is counted under its reason, and nothing else. */
TEST_F(cap, malformed_packets)
{
	struct pg_ep a = pg_ep("10.0.0.1", 1), b = pg_ep("10.0.0.2", 2);
	struct pg_ep a6 = pg_ep("2001:db8::1", 1), b6 = pg_ep("2001:db8::2", 2);
	uint8_t p[200];
	size_t n;

	/* IP total length beyond the frame */
	n = pg_tcpip(p, &a, &b, PG_SYN, 1, 0, 0, NULL);
	pg_put16(p + 2, 400);
	pg_ip(&self->c, p, n);
	/* data offset 4 */
	n = pg_tcpip(p, &a, &b, PG_SYN, 1, 0, 0, NULL);
	p[20 + 12] = 4 << 4;
	pg_ip(&self->c, p, n);
	/* an MSS option whose length overruns the header */
	{
		struct pg_opts o = { .mss = 1460 };

		n = pg_tcpip(p, &a, &b, PG_SYN, 1, 0, 0, &o);
		p[20 + 21] = 9;
		pg_ip(&self->c, p, n);
	}
	/* flag combinations */
	n = pg_tcpip(p, &a, &b, 0, 1, 0, 0, NULL);
	pg_ip(&self->c, p, n);
	n = pg_tcpip(p, &a, &b, PG_FIN | PG_PSH | PG_URG, 1, 0, 0, NULL);
	pg_ip(&self->c, p, n);
	n = pg_tcpip(p, &a, &b, PG_SYN | PG_FIN, 1, 0, 0, NULL);
	pg_ip(&self->c, p, n);
	n = pg_tcpip(p, &a, &b, PG_SYN | PG_RST, 1, 0, 0, NULL);
	pg_ip(&self->c, p, n);
	n = pg_tcpip(p, &a, &b, PG_FIN, 1, 0, 0, NULL);
	pg_ip(&self->c, p, n);
	/* an IPv4 fragment past the first */
	n = pg_tcpip(p, &a, &b, PG_SYN, 1, 0, 0, NULL);
	pg_put16(p + 6, 0x0010);
	pg_ip(&self->c, p, n);
	/* an IPv6 fragment past the first: fragment header, then data */
	n = pg_tcpip(p + 8, &a6, &b6, PG_SYN, 1, 0, 0, NULL);
	memmove(p, p + 8, 40);
	p[6] = 44;
	memset(p + 40, 0, 8);
	p[40] = 6;
	pg_put16(p + 42, 0x0100);
	pg_put16(p + 4, (uint16_t)(n - 40 + 8));
	pg_ip(&self->c, p, n + 8);
	/* a TCP header the IP length says is 12 bytes long */
	n = pg_tcpip(p, &a, &b, PG_SYN, 1, 0, 0, NULL);
	pg_put16(p + 2, 32);
	pg_ip(&self->c, p, n);
	/* not TCP, not IP, not even a whole Ethernet header */
	n = pg_tcpip(p, &a, &b, PG_SYN, 1, 0, 0, NULL);
	p[9] = 17;
	pg_ip(&self->c, p, n);
	pg_frame_raw(&self->c, (const uint8_t *)"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x06xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		     60, 60);
	pg_frame_raw(&self->c, (const uint8_t *)"\x02\0\0\0\0\x02", 6, 6);
	/* cut by a 40-byte snaplen: not malformed, counted apart */
	self->c.snaplen = 40;
	n = pg_tcpip(p, &a, &b, PG_SYN, 1, 0, 0, NULL);
	pg_ip(&self->c, p, n);
	pg_close(&self->c);

	ASSERT_EQ(0, replay(self->c.path, NULL, &self->r));
	EXPECT_EQ(0, self->r.ev.n);
	EXPECT_EQ(1U, self->r.st.invalid[SYNWATCH_INVALID_TRUNC_IP]);
	EXPECT_EQ(1U, self->r.st.invalid[SYNWATCH_INVALID_TRUNC_TCP]);
	EXPECT_EQ(1U, self->r.st.invalid[SYNWATCH_INVALID_BAD_DOFF]);
	EXPECT_EQ(1U, self->r.st.invalid[SYNWATCH_INVALID_BAD_OPTIONS]);
	EXPECT_EQ(1U, self->r.st.invalid[SYNWATCH_INVALID_FLAGS_NULL]);
	EXPECT_EQ(1U, self->r.st.invalid[SYNWATCH_INVALID_FLAGS_XMAS]);
	EXPECT_EQ(1U, self->r.st.invalid[SYNWATCH_INVALID_FLAGS_SYNFIN]);
	EXPECT_EQ(1U, self->r.st.invalid[SYNWATCH_INVALID_FLAGS_SYNRST]);
	EXPECT_EQ(1U, self->r.st.invalid[SYNWATCH_INVALID_FLAGS_FIN_NOACK]);
	EXPECT_EQ(2U, self->r.st.invalid[SYNWATCH_INVALID_FRAGMENT]);
	EXPECT_EQ(1U, self->r.count[RP_NOT_TCP]);
	EXPECT_EQ(1U, self->r.count[RP_NOT_IP]);
	EXPECT_EQ(1U, self->r.count[RP_LINK_TRUNC]);
	EXPECT_EQ(1U, self->r.count[RP_SNAPLEN]);
	EXPECT_EQ(15U, self->r.count[RP_FRAMES]);
}

/* The same passive handshake on every link type replay reads. */
static void link_case(struct __test_metadata *_metadata, int link, bool ng,
		      unsigned int vlans, const char *client,
		      const char *server)
{
	struct pg_cap c;
	struct pg_flow fl;
	struct replay_result r;

	ASSERT_EQ(0, pg_open(&c, link, ng));
	c.vlans = vlans;
	pg_flow(&fl, client, 40000, server, 443, 1, 2);
	handshake(&c, &fl);
	pg_close(&c);
	ASSERT_EQ(0, replay(c.path, NULL, &r)) TH_LOG("%s", r.err);
	unlink(c.path);
	EXPECT_STREQ("+listen syn_recv established", trail(&r, 443))
		TH_LOG("link type %d", link);
	EXPECT_EQ(0U, r.count[RP_NOT_IP] + r.count[RP_LINK_TRUNC]);
	ASSERT_EQ(1, r.conns.n);
	EXPECT_EQ(strchr(server, ':') ? AF_INET6 : AF_INET,
		  CONN(&r, 0)->family);
	result_free(&r);
}

TEST(link_types)
{
	static const int links[] = { PG_ETHERNET, PG_SLL, PG_SLL2, PG_RAW,
				     PG_NULL, PG_LOOP };

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		link_case(_metadata, links[i], false, 0, "192.0.2.1", "192.0.2.2");
		link_case(_metadata, links[i], false, 0, "2001:db8::1", "2001:db8::2");
	}
	link_case(_metadata, PG_IPV4, false, 0, "192.0.2.1", "192.0.2.2");
	link_case(_metadata, PG_IPV6, false, 0, "2001:db8::1", "2001:db8::2");
	/* 802.1Q, and 802.1ad over 802.1Q, and three deep */
	for (unsigned int v = 1; v <= 3; v++)
		link_case(_metadata, PG_ETHERNET, false, v, "192.0.2.1", "192.0.2.2");
	/* pcapng, microsecond stamps */
	link_case(_metadata, PG_ETHERNET, true, 1, "2001:db8::1", "2001:db8::2");
	link_case(_metadata, PG_SLL2, true, 0, "192.0.2.1", "192.0.2.2");
}

TEST(unsupported_link_type)
{
	struct pg_cap c;
	struct replay_result r;

	ASSERT_EQ(0, pg_open(&c, PG_IEEE802_11, false));
	pg_close(&c);
	EXPECT_EQ(-1, replay(c.path, NULL, &r));
	unlink(c.path);
	EXPECT_NE(NULL, strstr(r.err, "IEEE802_11")) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "not supported"));
	result_free(&r);
}

TEST(truncated_file)
{
	struct pg_cap c;
	struct pg_flow fl;
	struct replay_result r;

	ASSERT_EQ(0, pg_open(&c, PG_ETHERNET, false));
	pg_flow(&fl, "192.0.2.1", 40000, "192.0.2.2", 443, 1, 2);
	handshake(&c, &fl);
	pg_close(&c);
	/* cut the last frame in half, as a killed tcpdump leaves it */
	ASSERT_EQ(0, truncate(c.path, 24 + 2 * (16 + 78) + 16 + 30));
	EXPECT_EQ(1, replay(c.path, NULL, &r));
	unlink(c.path);
	EXPECT_STREQ("+listen syn_recv", trail(&r, 443));
	EXPECT_NE('\0', r.err[0]);
	result_free(&r);
}

/* --- the direct pcap reader against libpcap's ---------------------------- */

/* Replays path through stdin, where libpcap reads every record. */
static int replay_stdin(const char *path, struct replay_result *r)
{
	if (!freopen(path, "rb", stdin))
		return -1;
	return replay("-", NULL, r);
}

/* Both ways the same: events, records, listeners, counters, errors. */
static void same_as_libpcap(struct __test_metadata *_metadata,
			    const char *path, int rc, const char *what)
{
	struct replay_result a, b;

	EXPECT_EQ(rc, replay(path, NULL, &a)) TH_LOG("%s: %s", what, a.err);
	EXPECT_EQ(rc, replay_stdin(path, &b)) TH_LOG("%s: %s", what, b.err);
	EXPECT_STREQ(a.err, b.err) TH_LOG("%s", what);
	EXPECT_LT(1000U, a.count[RP_FRAMES]) TH_LOG("%s", what);
	EXPECT_EQ(0, memcmp(a.count, b.count, sizeof(a.count))) TH_LOG("%s", what);
	EXPECT_EQ(0, memcmp(a.st.val, b.st.val, sizeof(a.st.val))) TH_LOG("%s", what);
	EXPECT_EQ(a.ev.n, b.ev.n) TH_LOG("%s", what);
	EXPECT_EQ(a.conns.n, b.conns.n) TH_LOG("%s", what);
	EXPECT_EQ(a.lsts.n, b.lsts.n) TH_LOG("%s", what);
	for (size_t i = 0; i < a.ev.n && i < b.ev.n; i++) {
		const struct swl_event *x = EV(&a, i), *y = EV(&b, i);

		EXPECT_EQ(x->type, y->type);
		EXPECT_EQ(x->time_ns, y->time_ns);
		EXPECT_EQ(x->new_state, y->new_state);
		EXPECT_EQ(x->conn.rport, y->conn.rport);
	}
	result_free(&a);
	result_free(&b);
}

/* The file's records: each one's header (sec, frac, caplen, len), for fn. */
static void each_record(uint8_t *m, size_t n, void (*fn)(uint32_t *h, int i))
{
	int i = 0;

	for (size_t o = 24; o + 16 <= n; i++) {
		uint32_t h[4];

		memcpy(h, m + o, sizeof(h));
		fn(h, i);
		memcpy(m + o, h, sizeof(h));
		o += 16 + h[2];
	}
}

static void to_usec(uint32_t *h, int i)
{
	(void)i;
	h[1] /= 1000;
}

/* one record in the middle longer than any snapshot length */
static void oversized(uint32_t *h, int i)
{
	if (i == 2000)
		h[2] = 262145;
}

static int rewrite(const char *path, size_t n, uint32_t magic,
		   uint32_t snaplen, void (*fn)(uint32_t *h, int i))
{
	uint8_t *m = malloc(n);
	FILE *f = fopen(path, "r+b");
	int ret = -1;

	if (f && m && fread(m, 1, n, f) == n) {
		memcpy(m, &magic, 4);
		memcpy(m + 16, &snaplen, 4);
		if (fn)
			each_record(m, n, fn);
		rewind(f);
		ret = fwrite(m, 1, n, f) == n ? 0 : -1;
	}
	if (f)
		fclose(f);
	free(m);
	return ret;
}

/*
 * pcapin.c reads classic pcap files itself, libpcap only from the first
 * record it would not take as it is: both ways give the same, across its
 * buffer's refills, with micro- and nanosecond stamps, records cut to the
 * file's snapshot length, and a file cut short.
 */
TEST(direct_reader_as_libpcap)
{
	struct pg_cap c;
	struct pg_flow fl;
	struct stat st;
	char addr[32];

	ASSERT_EQ(0, pg_open(&c, PG_ETHERNET, false));
	for (int i = 0; i < 400; i++) {
		snprintf(addr, sizeof(addr), "10.1.%d.%d", i / 200, i % 200 + 1);
		pg_flow(&fl, addr, (uint16_t)(2000 + i), "10.0.0.2", 443,
			(uint32_t)i * 7919, (uint32_t)i * 104729);
		handshake(&c, &fl);
		exchange_close_client_first(&c, &fl);
		c.t += (uint64_t)(i % 7) * 20 * SEC;
	}
	pg_close(&c);
	ASSERT_EQ(0, stat(c.path, &st));
	ASSERT_LT(3 * 256 * 1024, st.st_size);
	same_as_libpcap(_metadata, c.path, 0, "nanoseconds");
	ASSERT_EQ(0, rewrite(c.path, (size_t)st.st_size, 0xa1b2c3d4, 262144,
			     to_usec));
	same_as_libpcap(_metadata, c.path, 0, "microseconds");
	/* libpcap cuts what is longer than the snapshot length: SYNs here */
	ASSERT_EQ(0, rewrite(c.path, (size_t)st.st_size, 0xa1b2c3d4, 70,
			     NULL));
	same_as_libpcap(_metadata, c.path, 0, "snapshot length 70");
	ASSERT_EQ(0, rewrite(c.path, (size_t)st.st_size, 0xa1b2c3d4, 262144,
			     NULL));
	ASSERT_EQ(0, truncate(c.path, st.st_size - 1000));
	same_as_libpcap(_metadata, c.path, 1, "cut short");
	ASSERT_EQ(0, rewrite(c.path, (size_t)st.st_size - 1000, 0xa1b2c3d4,
			     262144, oversized));
	same_as_libpcap(_metadata, c.path, 1, "oversized record");
	unlink(c.path);
}

/*
 * A SYN flood: 600 SYNs in 0.3 s from 200 sources, never answered, on a
 * listener that also serves a real client. FLOOD_START once the half-open
 * count passes 256; FLOOD_END once the records expire (LISTEN: 60 s) and
 * 3 s of calm have passed.
 */
TEST_F(cap, syn_flood_start_end)
{
	const struct swl_event *e;
	struct pg_flow f;
	char addr[32];

	handshake(&self->c, &self->fl);
	for (int i = 0; i < 600; i++) {
		snprintf(addr, sizeof(addr), "203.0.%d.%d", i % 2 ? 113 : 114,
			 i % 200 + 1);
		pg_flow(&f, addr, (uint16_t)(1024 + i), "10.0.0.2", 80,
			(uint32_t)i * 7919, 0);
		pg_send_o(&self->c, &f, false, PG_SYN, 0, NULL, 500000);
	}
	/* the clock runs on with the real client's keepalives */
	for (int s = 0; s < 70; s++) {
		self->c.t += SEC;
		self->fl.nxt[0]--;
		pg_send(&self->c, &self->fl, false, PG_ACK, 0);
		self->fl.nxt[0]++;
	}
	pg_close(&self->c);
	ASSERT_EQ(0, replay(self->c.path, NULL, &self->r));
	EXPECT_EQ(1, count_of(&self->r, SYNWATCH_EVENT_FLOOD_START));
	EXPECT_EQ(1, count_of(&self->r, SYNWATCH_EVENT_FLOOD_END));
	EXPECT_LE(1, count_of(&self->r, SYNWATCH_EVENT_FLOOD_UPDATE));
	e = last_of(&self->r, SYNWATCH_EVENT_FLOOD_START);
	ASSERT_NE(NULL, e);
	ASSERT_TRUE(e->has_alert);
	EXPECT_EQ(SYNWATCH_ALERT_HALF_OPEN, e->alert.reason);
	EXPECT_EQ(80, e->alert.listener.port);
	EXPECT_GE(e->alert.listener.half_open, 256U);
	/* all 256+ began within the last seconds: all recent */
	EXPECT_EQ(e->alert.listener.half_open,
		  e->alert.listener.half_open_recent);
	EXPECT_GE(e->alert.peak_rate, 200U);
	EXPECT_TRUE(e->alert.have & (1ULL << SYNWATCH_A_ALERT_PEAK_RATE));
	EXPECT_EQ(SYNWATCH_LISTENER_FLOOD, e->alert.listener.status);
	EXPECT_LE(1U, e->alert.nsources);
	EXPECT_EQ(24, e->alert.sources[0].prefix_len);
	e = last_of(&self->r, SYNWATCH_EVENT_FLOOD_END);
	EXPECT_EQ(SYNWATCH_LISTENER_OK, e->alert.listener.status);
	EXPECT_EQ(1U, self->r.st.val[SYNWATCH_A_STATS_ALERTS]);
	/* half-open events during the flood are summarised, not sent */
	EXPECT_LT(0U, self->r.st.val[SYNWATCH_A_STATS_EVENT_SUPPRESSED]);
	EXPECT_EQ(600U, self->r.st.val[SYNWATCH_A_STATS_EXPIRED]);
	ASSERT_EQ(1, self->r.lsts.n);
	EXPECT_EQ(601U, LST(&self->r, 0)->syn_rx);
	EXPECT_EQ(600U, LST(&self->r, 0)->unanswered);
	EXPECT_EQ(0U, LST(&self->r, 0)->half_open);
	EXPECT_EQ(0U, LST(&self->r, 0)->half_open_recent);
}

/* Random bytes and damaged copies of good frames: counted, never a crash. */
TEST(fuzz)
{
	static const int links[] = { PG_ETHERNET, PG_SLL, PG_SLL2, PG_RAW,
				     PG_NULL, PG_LOOP };
	uint8_t good[128], f[256];
	struct pg_ep a = pg_ep("10.0.0.1", 1000), b = pg_ep("10.0.0.2", 80);
	struct pg_ep a6 = pg_ep("2001:db8::1", 1000), b6 = pg_ep("2001:db8::2", 80);
	struct pg_opts o = { .mss = 1460, .ws = 3, .sack = true, .ts = true };

	srandom(9293);
	for (size_t li = 0; li < sizeof(links) / sizeof(links[0]); li++) {
		struct pg_cap c;
		struct replay_result r;
		uint64_t sum = 0;

		ASSERT_EQ(0, pg_open(&c, links[li], false));
		for (int i = 0; i < 20000; i++) {
			uint32_t n = (uint32_t)(random() % sizeof(f));
			size_t h, g;

			if (i % 2) {
				for (uint32_t k = 0; k < n; k++)
					f[k] = (uint8_t)random();
				pg_frame_raw(&c, f, n, n + (uint32_t)(random() % 3));
			} else {
				h = pg_link_header(&c, f, i % 4 == 0);
				g = pg_tcpip(good, i % 4 ? &a : &a6,
					     i % 4 ? &b : &b6,
					     (uint8_t)random(), (uint32_t)random(),
					     (uint32_t)random(), random() % 8, &o);
				memcpy(f + h, good, g);
				for (int k = 0; k < 3; k++)
					f[random() % (h + g)] = (uint8_t)random();
				n = (uint32_t)((h + g) - random() % 4);
				pg_frame_raw(&c, f, n, (uint32_t)(h + g));
			}
			c.t += random() % 100000000;
		}
		pg_close(&c);
		ASSERT_LE(0, replay(c.path, NULL, &r));
		unlink(c.path);
		EXPECT_EQ(20000U, r.count[RP_FRAMES]);
		for (int k = RP_NOT_IP; k <= RP_SNAPLEN; k++)
			sum += r.count[k];
		EXPECT_EQ(20000U, r.count[RP_TCP] + sum);
		result_free(&r);
	}
}

/* --- the seed: a Network Monitor trace of real Ethernet frames ------------ */

/* <repo>/userspace/build/tests/test_replay -> <repo> */
static const char *repo_dir(void)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n <= 0)
		return ".";
	path[n] = 0;
	for (int i = 0; i < 4; i++)
		dirname(path);
	return path;
}

/*
 * The seed file: $SYNWATCH_SEEDS/004_*.txt, else ../shared/seeds beside
 * the repository. 0 with its name, or -1 if there is none.
 */
static int seed_file(char *out, size_t len)
{
	const char *dir = getenv("SYNWATCH_SEEDS");
	char pattern[PATH_MAX + 32];
	glob_t g;
	int ret = -1;

	if (dir)
		snprintf(pattern, sizeof(pattern), "%s/004_*.txt", dir);
	else
		snprintf(pattern, sizeof(pattern), "%s/../shared/seeds/004_*.txt",
			 repo_dir());
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc) {
		snprintf(out, len, "%s", g.gl_pathv[0]);
		ret = 0;
	}
	globfree(&g);
	return ret;
}

/*
 * Converts the seed's hex dumps ("00000:  02 60 8C ...") into a pcap, one
 * frame per dump, each stamped with the time of its summary line
 * ("1    2.0785 NTW3 --> BDC3 TCP ..."). Returns the number of frames.
 */
static int seed_to_pcap(const char *seed, struct pg_cap *c)
{
	FILE *in = fopen(seed, "r");
	char line[1024];
	uint8_t frame[2048];
	size_t n = 0;
	int frames = 0, want = 1;
	double t = 0;
	bool in_dump = false;

	if (!in)
		return -1;
	for (;;) {
		char *ok = fgets(line, sizeof(line), in);
		unsigned int off, v;
		int num, used;
		double secs;

		if (ok && sscanf(line, "%d %lf %n", &num, &secs, &used) == 2 &&
		    num == want && strstr(line, "-->"))
			t = secs;
		if (ok && sscanf(line, "%5x: %n", &off, &used) == 1 &&
		    strlen(line) > 7 && line[5] == ':') {
			char *p = line + used;

			if (off == 0 && in_dump)
				goto flush;
			in_dump = true;
			n = off;
			/* at most 16 bytes, before the ASCII column */
			for (int k = 0; k < 16 && n < sizeof(frame); k++) {
				if (sscanf(p, "%2x", &v) != 1 || p[2] != ' ')
					break;
				frame[n++] = (uint8_t)v;
				p += 3;
			}
			continue;
		}
		if (!in_dump && ok)
			continue;
flush:
		if (in_dump) {
			c->t = (uint64_t)(t * 1e9);
			pg_frame_raw(c, frame, (uint32_t)n, (uint32_t)n);
			frames++;
			want++;
			in_dump = false;
			if (ok && line[5] == ':')
				continue;
		}
		if (!ok)
			break;
	}
	fclose(in);
	return frames;
}

TEST(seed_netmon_trace)
{
	const struct swl_conn *hs, *cl;
	char seed[PATH_MAX];
	struct pg_cap c;
	struct replay_result r;

	if (seed_file(seed, sizeof(seed)))
		SKIP(return, "no seed 004_*.txt: not in $SYNWATCH_SEEDS nor in ../shared/seeds beside the repository");
	ASSERT_EQ(0, pg_open(&c, PG_ETHERNET, false));
	ASSERT_EQ(7, seed_to_pcap(seed, &c));
	pg_close(&c);
	/* no -l: the host that got the SYN is local */
	ASSERT_EQ(0, replay(c.path, NULL, &r)) TH_LOG("%s", r.err);
	unlink(c.path);
	EXPECT_EQ(7U, r.count[RP_TCP]);

	/* frames 1-3: port 1037 opens to port 139 */
	EXPECT_STREQ("+listen syn_recv established", trail(&r, 139));
	hs = find_conn(&r, 139);
	ASSERT_NE(NULL, hs);
	EXPECT_EQ(1037, hs->rport);
	EXPECT_EQ(SYNWATCH_STATE_ESTABLISHED, hs->state);
	EXPECT_FALSE(hs->flags & SYNWATCH_CONN_F_ACTIVE);
	EXPECT_EQ(8221822U, hs->isn_remote);
	EXPECT_EQ(1109645U, hs->isn_local);
	EXPECT_EQ(1460, hs->mss_remote);
	EXPECT_EQ(1460, hs->mss_local);
	/* SYN-ACK at 2.0786 s, ACK at 2.787 s */
	EXPECT_GE(hs->synack_to_ack_us, 708300U);
	EXPECT_LE(hs->synack_to_ack_us, 708500U);
	EXPECT_STREQ("sHa", hs->history);

	/*
	 * frames 4-7: the bytes say 192.94.222.123:2337 and
	 * 192.94.222.87:1352 (the decoded text says 1037 and 139); a 4-way
	 * close that .123 starts, on a connection first seen at its FIN.
	 */
	EXPECT_STREQ("+close_wait last_ack closed", trail(&r, 1352));
	cl = find_conn(&r, 1352);
	ASSERT_NE(NULL, cl);
	EXPECT_EQ(2337, cl->rport);
	EXPECT_EQ(SYNWATCH_STATE_CLOSED, cl->state);
	EXPECT_TRUE(cl->flags & SYNWATCH_CONN_F_PICKUP);
	EXPECT_EQ(SYNWATCH_CLOSE_REMOTE_FIN, cl->close_reason);
	EXPECT_EQ(SYNWATCH_CLOSER_REMOTE, cl->closer);
	EXPECT_STREQ("PfAFa", cl->history);
	{
		char a[64], b[64];

		inet_ntop(AF_INET, cl->laddr.raw, a, sizeof(a));
		inet_ntop(AF_INET, cl->raddr.raw, b, sizeof(b));
		EXPECT_STREQ("192.94.222.87", a);
		EXPECT_STREQ("192.94.222.123", b);
	}
	EXPECT_EQ(1U, r.st.val[SYNWATCH_A_STATS_PICKUP]);
	result_free(&r);
}

/* --- the command ---------------------------------------------------------- */

static int run_cli(const char *args, char *out, size_t len)
{
	char cmd[PATH_MAX * 2];
	FILE *p;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "TZ=UTC %s/userspace/synwatch/synwatch %s 2>&1",
		 repo_dir(), args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST_F(cap, cli_text_and_json)
{
	static char out[1 << 16];
	char args[512];

	handshake(&self->c, &self->fl);
	exchange_close_client_first(&self->c, &self->fl);
	pg_close(&self->c);

	snprintf(args, sizeof(args), "replay %s", self->c.path);
	ASSERT_EQ(0, run_cli(args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "local side: the receiver of each connection's first SYN"));
	EXPECT_NE(NULL, strstr(out, "NEW          LISTEN"));
	EXPECT_NE(NULL, strstr(out, "[S]    in  10.0.0.2:80 10.0.0.1:40000"));
	EXPECT_NE(NULL, strstr(out, "STATE        CLOSE_WAIT -> LAST_ACK     [F.]   out"));
	EXPECT_NE(NULL, strstr(out, "history:sHadDfAF")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "Listeners:"));
	EXPECT_NE(NULL, strstr(out, "Counters:"));
	EXPECT_NE(NULL, strstr(out, "rst-window"));

	snprintf(args, sizeof(args), "replay -j -l 10.0.0.1 %s sport = 40000",
		 self->c.path);
	ASSERT_EQ(0, run_cli(args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "{\"replay\":{\"file\":", 18));
	EXPECT_NE(NULL, strstr(out, "\"local\":{\"rule\":\"prefixes\",\"prefixes\":[\"10.0.0.1/32\"]}"));
	EXPECT_NE(NULL, strstr(out, "{\"event\":\"new\",\"seq\":1,\"sub_seq\":1,\"time_ns\":1700000000000000000,\"old_state\":\"closed\",\"new_state\":\"syn_sent\",\"tcp_flags\":\"S\",\"dir\":\"out\",\"conn\":{"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\n{\"conns\":[{\"family\":\"ipv4\",\"state\":\"time_wait\""));
	EXPECT_NE(NULL, strstr(out, "\n{\"listeners\":[]}"));
	EXPECT_NE(NULL, strstr(out, "\n{\"stats\":{\"pkts_in\":4,\"pkts_out\":6,"));
	EXPECT_NE(NULL, strstr(out, "\n{\"capture\":{\"frames\":10,\"tcp\":10,"));

	EXPECT_EQ(1, run_cli("replay /nonexistent.pcap", out, sizeof(out)));
	EXPECT_EQ(1, run_cli("replay", out, sizeof(out)));
	EXPECT_EQ(1, run_cli("replay --set max_conns=5 x", out, sizeof(out)));
}

TEST(cli_unsupported_link_type)
{
	static char out[4096];
	char args[512];
	struct pg_cap c;

	ASSERT_EQ(0, pg_open(&c, PG_IEEE802_11, false));
	pg_close(&c);
	snprintf(args, sizeof(args), "replay %s", c.path);
	EXPECT_EQ(1, run_cli(args, out, sizeof(out)));
	unlink(c.path);
	EXPECT_NE(NULL, strstr(out, "link type IEEE802_11")) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
