// UNIT-DEPS: kmod/engine/flood.c kmod/engine/track.c kmod/engine/state.c kmod/engine/segment.c kmod/engine/step.c kmod/engine/rules.c
// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of the flood detector (kmod/engine/flood.c), on a
 * synthetic clock: real records driven through sw_track() (track.c) are
 * accounted to one listener by the engine's own step (step.c), the world
 * below being its host as the module and replay are, and the tick runs
 * every 100 ms while the listener is watched, as in the module. Each
 * scenario asserts when alerts come, to the tick.
 *
 * Thresholds: the engine's defaults (sw_flood_cfg_defaults()).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "flood.h"
#include "rules.h"
#include "step.h"

#define MS		1000000ULL
#define SEC		(1000 * MS)
#define T0		(1000 * SEC)	/* the clock starts here */
#define TICK		(100 * MS)
#define MAX_PEERS	20000

/* One remote endpoint and its connection to the listener. */
struct peer {
	struct sw_rec r;
	u8 addr[16];
	bool v6;
	u32 nxt[SW_DIR_MAX];
};

/* The world is the engine's host: one listener, its tick, what it said. */
struct sw_host {
	struct sw_lst_acct a;
	bool watched;			/* the tick runs */
	u64 count[SW_STAT_MAX];
	struct sw_flood_cfg cfg;
	u64 now, next_tick;
	struct peer *p;
	int np;
	/* what the ticks said */
	int ev[SW_FLOOD_END + 1];
	u64 first[SW_FLOOD_END + 1];	/* time of the first of each */
	u64 last[SW_FLOOD_END + 1];
	u8 start_reason;
	u8 status_at_end;
};

static void w_init(struct sw_host *w)
{
	memset(w, 0, sizeof(*w));
	sw_lst_acct_init(&w->a, 1);
	sw_flood_cfg_defaults(&w->cfg);
	w->now = T0;
	w->next_tick = T0 + TICK;
	w->p = calloc(MAX_PEERS, sizeof(*w->p));
}

static void w_free(struct sw_host *w)
{
	free(w->p);
}

/* Move the clock on by ns, running the ticks that fall due. */
static void w_run(struct sw_host *w, u64 ns)
{
	u64 end = w->now + ns;

	while (w->next_tick <= end) {
		struct sw_lst_acct snap;
		enum sw_flood_event e;
		bool idle;

		w->now = w->next_tick;
		w->next_tick += TICK;
		if (!w->watched)
			continue;
		e = sw_lst_on_tick(&w->a, &w->cfg, w->now, &snap, &idle);
		if (e != SW_FLOOD_NONE)
			sw_step_alert(w, NULL, &snap, e, w->now);
		if (idle)
			w->watched = false;
	}
	w->now = end;
}

/* --- the host primitives (engine/step.h) --------------------------------- */

void sw_host_count(struct sw_host *w, enum sw_stat s)
{
	w->count[s]++;
}

/* no reader of events: only alerts are counted */
bool sw_host_wants(struct sw_host *w, u8 type)
{
	(void)w;
	return type >= SYNWATCH_EVENT_FLOOD_START;
}

void sw_host_lst_packet(struct sw_host *w, const void *conn,
			const struct sw_track_out *out, u32 born, u64 now)
{
	const struct peer *p = conn;

	sw_lst_on_packet(&w->a, &w->watched, out, born, p->v6, p->addr, now);
}

void sw_host_lst_forget(struct sw_host *w, const void *conn,
			const struct sw_rec *rec)
{
	const struct peer *p = conn;

	sw_lst_account_forget(&w->a, rec, p->v6, p->addr);
}

bool sw_host_lst_suppress(struct sw_host *w, const void *conn,
			  const struct sw_rec *rec)
{
	(void)conn;
	return sw_flood_suppress(&w->a, rec);
}

void sw_host_emit_conn(struct sw_host *w, u8 type, const void *conn,
		       const struct sw_rec *rec, u8 old_state, u8 new_state,
		       u8 tcp_flags, u8 dir, u64 now)
{
	(void)w, (void)type, (void)conn, (void)rec, (void)old_state;
	(void)new_state, (void)tcp_flags, (void)dir, (void)now;
	abort();	/* sw_host_wants() never asks for one */
}

void sw_host_emit_alert(struct sw_host *w, const void *lst,
			const struct sw_lst_acct *a, enum sw_flood_event e,
			u64 now)
{
	(void)lst;
	if (!w->ev[e]++)
		w->first[e] = now;
	w->last[e] = now;
	if (e == SW_FLOOD_START)
		w->start_reason = a->reason;
	if (e == SW_FLOOD_END)
		w->status_at_end = a->status;
}

static struct peer *p_new(struct sw_host *w, u32 a4)
{
	struct peer *p = &w->p[w->np++];

	sw_rec_init(&p->r, w->now);
	p->addr[0] = a4 >> 24;
	p->addr[1] = a4 >> 16;
	p->addr[2] = a4 >> 8;
	p->addr[3] = a4;
	p->nxt[SW_DIR_IN] = 1000u * (u32)w->np;
	p->nxt[SW_DIR_OUT] = 7u * (u32)w->np;
	return p;
}

static struct peer *p_new6(struct sw_host *w, u16 net, u16 host)
{
	struct peer *p = p_new(w, 0);

	p->v6 = true;
	p->addr[0] = 0x20;
	p->addr[1] = 0x01;
	p->addr[2] = 0x0d;
	p->addr[3] = 0xb8;
	p->addr[6] = net >> 8;
	p->addr[7] = net;
	p->addr[14] = host >> 8;
	p->addr[15] = host;
	return p;
}

/* One segment of the connection, through the engine's step. */
static void p_send(struct sw_host *w, struct peer *p, enum sw_dir dir, u8 flags)
{
	struct sw_track_out out;
	struct sw_pkt k;

	memset(&k, 0, sizeof(k));
	k.seq = p->nxt[dir];
	k.ack = (flags & ACK) ? p->nxt[!dir] : 0;
	k.segs = 1;
	k.win = 1000;
	k.flags = flags;
	k.wscale = SW_WSCALE_NONE;
	if (!(flags & RST))
		p->nxt[dir] += !!(flags & SYN);
	if (!sw_track(&p->r, dir, &k, w->now, &out))
		sw_step_packet(w, p, NULL, p->r.t_first, &out, flags,
			       dir == IN ? SYNWATCH_DIR_IN : SYNWATCH_DIR_OUT,
			       w->now);
}

/* The record times out. */
static void p_forget(struct sw_host *w, struct peer *p)
{
	sw_step_retire(w, p, &p->r, SYNWATCH_CLOSE_TIMEOUT, 0,
		       SYNWATCH_DIR_NONE, true, w->now);
}

enum { UNANSWERED, ANSWERED, COMPLETED, RESET, REFUSED };

/* A whole handshake of a peer. */
static void complete(struct sw_host *w, struct peer *p)
{
	p_send(w, p, IN, SYN);
	p_send(w, p, OUT, SYN | ACK);
	p_send(w, p, IN, ACK);
}

/* A SYN, and as far as the handshake goes. */
static struct peer *conn_open(struct sw_host *w, u32 a4, int how)
{
	struct peer *p = p_new(w, a4);

	p_send(w, p, IN, SYN);
	if (how == REFUSED) {
		/* a closed port: our RST acks the SYN */
		p->nxt[OUT] = 0;
		p_send(w, p, OUT, RST | ACK);
		return p;
	}
	if (how >= ANSWERED)
		p_send(w, p, OUT, SYN | ACK);
	if (how == COMPLETED)
		p_send(w, p, IN, ACK);
	if (how == RESET)
		p_send(w, p, IN, RST);
	return p;
}

/* n connections, evenly over secs, from address a4 + i % nsrc. */
static void flow(struct sw_host *w, u32 a4, int nsrc, int n, double secs,
		 int how)
{
	u64 gap = (u64)(secs * SEC / n);
	int i;

	for (i = 0; i < n; i++) {
		conn_open(w, a4 + (u32)(i % nsrc), how);
		w_run(w, gap);
	}
}

#define ADDR(a, b, c, d) ((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define FLOODER	ADDR(203, 0, 113, 1)
#define CLIENT	ADDR(198, 18, 0, 1)

/*
 * A spoofed flood (answered, never completed) of 2 s at 2000 SYN/s from
 * 200 sources: FLOOD_START at the second tick, when 400 handshakes are
 * half-open; FLOOD_END the hold time after the recent count and the rate
 * fell under the low marks. The records stay half-open for a minute
 * after: no new alert for them.
 */
TEST(flood_start_update_end_once)
{
	struct sw_host w;
	u64 flood_end;
	int i;

	w_init(&w);
	flow(&w, FLOODER, 200, 4000, 2.0, ANSWERED);
	flood_end = w.now;
	EXPECT_EQ(1, w.ev[SW_FLOOD_START]);
	EXPECT_EQ(T0 + 2 * TICK, w.first[SW_FLOOD_START]);
	EXPECT_EQ(SYNWATCH_ALERT_HALF_OPEN, w.start_reason);
	EXPECT_EQ(SYNWATCH_LISTENER_FLOOD, w.a.status);
	EXPECT_EQ(4000, w.a.half_open);
	EXPECT_EQ(4000, sw_lst_recent_half_open(&w.a, w.now));
	/* the EWMA after 2 s of 2000/s: 1 - e^-2 of it */
	EXPECT_LE(1650, sw_lst_rate(&w.a));
	EXPECT_GE(1800, sw_lst_rate(&w.a));
	/* and of the completion ratio, from 100% to 0: e^-2 of 100% */
	EXPECT_EQ(14, sw_lst_completion(&w.a));

	w_run(&w, 20 * SEC);
	EXPECT_EQ(1, w.ev[SW_FLOOD_END]);
	EXPECT_LE(flood_end + 3 * SEC, w.first[SW_FLOOD_END]);
	/* recent: gone 4 coarse units (4.3 s) after the last birth */
	EXPECT_GE(flood_end + 3 * SEC + 4400 * MS, w.first[SW_FLOOD_END]);
	EXPECT_EQ(SYNWATCH_LISTENER_OK, w.status_at_end);
	EXPECT_EQ(1, w.ev[SW_FLOOD_UPDATE]);
	EXPECT_EQ(w.first[SW_FLOOD_START] + 5 * SEC, w.first[SW_FLOOD_UPDATE]);
	/* 4000 records still half-open, none recent: nothing more */
	EXPECT_EQ(4000, w.a.half_open);
	EXPECT_EQ(0, sw_lst_recent_half_open(&w.a, w.now));
	w_run(&w, 40 * SEC);
	for (i = 0; i < w.np; i++)
		p_forget(&w, &w.p[i]);
	w_run(&w, SEC);
	EXPECT_EQ(1, w.ev[SW_FLOOD_START]);
	EXPECT_EQ(1, w.ev[SW_FLOOD_END]);
	EXPECT_EQ(0, w.a.half_open);
	EXPECT_EQ(0, w.a.unans_now);
	EXPECT_EQ(4000, w.a.syn_rx);
	EXPECT_EQ(4000, w.a.synack_tx);
	EXPECT_EQ(0, w.a.unanswered);
	w_free(&w);
}

/* 500 handshakes a second from one client, all completing: no alert. */
TEST(busy_client)
{
	struct sw_host w;

	w_init(&w);
	flow(&w, CLIENT, 1, 2500, 5.0, COMPLETED);
	w_run(&w, 5 * SEC);
	EXPECT_EQ(0, w.ev[SW_FLOOD_START]);
	EXPECT_LE(450, w.a.peak_rate);
	EXPECT_EQ(100, sw_lst_completion(&w.a));
	EXPECT_EQ(0, w.a.half_open);
	EXPECT_EQ(2500, w.a.completed);
	EXPECT_EQ(SYNWATCH_LISTENER_OK, w.a.status);
	w_free(&w);
}

/* SYNs to a closed port are refused at once: no half-open state, no flood. */
TEST(refused_is_not_a_flood)
{
	struct sw_host w;

	w_init(&w);
	flow(&w, FLOODER, 200, 4000, 2.0, REFUSED);
	w_run(&w, 2 * SEC);
	EXPECT_EQ(0, w.ev[SW_FLOOD_START]);
	EXPECT_LE(1000, w.a.peak_rate);
	EXPECT_EQ(4000, w.a.refused);
	EXPECT_EQ(0, w.a.half_open);
	EXPECT_EQ(100, sw_lst_completion(&w.a));
	w_free(&w);
}

/*
 * An unspoofed flood: the flooder's kernel resets our SYN-ACKs, so little
 * stays half-open, but nothing completes: the rate test fires once the
 * completion ratio has fallen under 50%.
 */
TEST(rate_reason_when_reset)
{
	struct sw_host w;

	w_init(&w);
	flow(&w, FLOODER, 1, 3000, 3.0, RESET);
	EXPECT_EQ(1, w.ev[SW_FLOOD_START]);
	EXPECT_EQ(SYNWATCH_ALERT_RATE, w.start_reason);
	EXPECT_EQ(0, w.a.half_open);
	EXPECT_EQ(3000, w.a.reset);
	/* the completion EWMA passes 50% after ln 2 s, about 7 ticks */
	EXPECT_LE(T0 + 6 * TICK, w.first[SW_FLOOD_START]);
	EXPECT_GE(T0 + 9 * TICK, w.first[SW_FLOOD_START]);
	w_run(&w, 15 * SEC);
	EXPECT_EQ(1, w.ev[SW_FLOOD_END]);
	w_free(&w);
}

/*
 * A full accept queue: 300 SYNs in 0.3 s from two clients go unanswered.
 * The half-open mark is crossed, but the status is BACKLOG, no alert.
 * A spoofed flood of unanswered SYNs on top: now it is one.
 */
TEST(slow_accept_then_flood)
{
	struct sw_host w;

	w_init(&w);
	conn_open(&w, CLIENT, COMPLETED);
	conn_open(&w, CLIENT + 2, COMPLETED);
	flow(&w, CLIENT, 2, 300, 0.3, UNANSWERED);
	w_run(&w, 2 * SEC);
	EXPECT_EQ(0, w.ev[SW_FLOOD_START]);
	EXPECT_EQ(SYNWATCH_LISTENER_BACKLOG, w.a.status);
	EXPECT_EQ(300, w.a.half_open);
	EXPECT_EQ(300, w.a.unans_now);
	EXPECT_EQ(2, sw_lst_sources(&w.a));

	flow(&w, FLOODER, 250, 500, 0.5, UNANSWERED);
	EXPECT_EQ(1, w.ev[SW_FLOOD_START]);
	EXPECT_EQ(SYNWATCH_LISTENER_FLOOD, w.a.status);
	EXPECT_LT(16, sw_lst_sources(&w.a));
	w_free(&w);
}

/*
 * Unanswered SYNs from 200 sources (the kernel could not answer): a flood.
 * After it, its 600 records still wait in LISTEN: from many sources, so
 * the listener is OK, not BACKLOG.
 */
TEST(unanswered_flood_leaves_no_backlog)
{
	struct sw_host w;

	w_init(&w);
	flow(&w, FLOODER, 200, 600, 0.3, UNANSWERED);
	w_run(&w, 15 * SEC);
	EXPECT_EQ(1, w.ev[SW_FLOOD_START]);
	EXPECT_EQ(1, w.ev[SW_FLOOD_END]);
	EXPECT_EQ(SYNWATCH_LISTENER_OK, w.status_at_end);
	EXPECT_EQ(SYNWATCH_LISTENER_OK, w.a.status);
	EXPECT_EQ(600, w.a.unans_now);
	w_free(&w);
}

/* Records leave the bin they were born in; old ones move out of "recent". */
/* What the half-open bins and ho_old hold together. */
static u32 ho_total(const struct sw_lst_acct *a)
{
	u32 n = a->ho_old;

	for (int i = 0; i < SW_HO_BINS; i++)
		n += a->ho_bin[i];
	return n;
}

TEST(recent_bins)
{
	struct sw_host w;
	struct peer *old, *young;

	w_init(&w);
	old = conn_open(&w, CLIENT, ANSWERED);
	w_run(&w, 2 * SEC);
	young = conn_open(&w, CLIENT + 1, ANSWERED);
	EXPECT_EQ(2, sw_lst_recent_half_open(&w.a, w.now));
	w_run(&w, 3 * SEC);
	/* old was born more than 4 coarse units (4.3 s) ago */
	EXPECT_EQ(1, sw_lst_recent_half_open(&w.a, w.now));
	EXPECT_EQ(2, w.a.half_open);
	p_send(&w, young, IN, ACK);
	EXPECT_EQ(0, sw_lst_recent_half_open(&w.a, w.now));
	EXPECT_EQ(1, w.a.half_open);
	/*
	 * old is counted once, in ho_old or in a bin: the listener went
	 * idle between the two, so no tick moved the bins on, as in the
	 * module (the tick stops with the listener).
	 */
	EXPECT_EQ(1, ho_total(&w.a));
	p_forget(&w, old);
	EXPECT_EQ(0, w.a.half_open);
	EXPECT_EQ(0, ho_total(&w.a));
	w_free(&w);
}

/*
 * Top sources: the larger prefix first, a /24 or /64 each. Outside a
 * flood the counts halve every 250 ms, so the prefix that sends now soon
 * leads; during a flood they add up.
 */
TEST(top_sources)
{
	const struct sw_src_slot *top[SYNWATCH_MAX_TOP_SOURCES];
	struct sw_host w;
	u32 before;
	int i, n;

	w_init(&w);
	for (i = 0; i < 400; i++) {
		complete(&w, p_new(&w, FLOODER + i % 200));
		if (i % 4 == 0)
			complete(&w, p_new6(&w, 7, (u16)i));
	}
	n = sw_flood_top(&w.a, top, SYNWATCH_MAX_TOP_SOURCES);
	ASSERT_EQ(2, n);
	EXPECT_EQ(0, top[0]->v6);
	EXPECT_EQ(203, top[0]->addr[0]);
	EXPECT_EQ(113, top[0]->addr[2]);
	EXPECT_EQ(0, top[0]->addr[3]);
	EXPECT_EQ(1, top[1]->v6);
	EXPECT_EQ(7, top[1]->addr[7]);
	EXPECT_EQ(0, top[1]->addr[15]);
	/* one in four sampled, about */
	EXPECT_LE(80, top[0]->count);
	EXPECT_GE(120, top[0]->count);
	/* 1.1 s later (4 halvings) the IPv6 /64 sends 300 SYNs: it leads */
	w_run(&w, 1100 * MS);
	for (i = 0; i < 300; i++)
		complete(&w, p_new6(&w, 7, (u16)i));
	n = sw_flood_top(&w.a, top, SYNWATCH_MAX_TOP_SOURCES);
	ASSERT_EQ(2, n);
	EXPECT_EQ(1, top[0]->v6);
	EXPECT_GE(8, top[1]->count);
	/* 3 s of silence: nobody */
	w_run(&w, 3 * SEC);
	EXPECT_EQ(0, sw_flood_top(&w.a, top, SYNWATCH_MAX_TOP_SOURCES));
	/* a flood: its counts stay while it lasts */
	flow(&w, FLOODER, 200, 1000, 0.3, ANSWERED);
	ASSERT_EQ(SYNWATCH_LISTENER_FLOOD, w.a.status);
	ASSERT_EQ(1, sw_flood_top(&w.a, top, SYNWATCH_MAX_TOP_SOURCES));
	before = top[0]->count;
	EXPECT_LE(200, before);
	w_run(&w, 2 * SEC);
	ASSERT_EQ(SYNWATCH_LISTENER_FLOOD, w.a.status);
	EXPECT_EQ(before, top[0]->count);
	w_free(&w);
}

/* The tick may stop once nothing happens; a SYN wakes the listener. */
TEST(idle_and_wake)
{
	struct sw_host w;

	w_init(&w);
	EXPECT_TRUE(sw_flood_idle(&w.a));
	flow(&w, CLIENT, 1, 100, 1.0, COMPLETED);
	EXPECT_FALSE(sw_flood_idle(&w.a));
	w_run(&w, SEC);
	EXPECT_FALSE(sw_flood_idle(&w.a));	/* the EWMA still decays */
	EXPECT_LT(0, sw_lst_rate(&w.a));
	/* from 63/s to nothing: 7 s or so */
	w_run(&w, 9 * SEC);
	EXPECT_TRUE(sw_flood_idle(&w.a));
	EXPECT_EQ(0, sw_lst_rate(&w.a));
	/* a long pause, then a burst: measured from the wake-up */
	w.now += 3600 * SEC;
	w.next_tick = w.now + TICK;
	sw_flood_wake(&w.a, w.now);
	flow(&w, CLIENT, 1, 50, 0.1, COMPLETED);
	w_run(&w, TICK);
	EXPECT_LE(40, sw_lst_rate(&w.a));
	w_free(&w);
}

/* During a flood only the events of incomplete handshakes are held. */
TEST(suppress_incomplete_only)
{
	struct peer *half, *done, *active;
	struct sw_host w;

	w_init(&w);
	half = conn_open(&w, CLIENT, ANSWERED);
	done = conn_open(&w, CLIENT + 1, COMPLETED);
	active = p_new(&w, CLIENT + 2);
	p_send(&w, active, OUT, SYN);
	EXPECT_FALSE(sw_flood_suppress(&w.a, &half->r));	/* no flood */
	flow(&w, FLOODER, 200, 1000, 0.3, ANSWERED);
	ASSERT_EQ(SYNWATCH_LISTENER_FLOOD, w.a.status);
	w.a.suppressed = 0;
	EXPECT_TRUE(sw_flood_suppress(&w.a, &half->r));
	EXPECT_FALSE(sw_flood_suppress(&w.a, &done->r));
	EXPECT_FALSE(sw_flood_suppress(&w.a, &active->r));
	/* reset in SYN_RECEIVED: still one that never completed */
	p_send(&w, half, IN, RST);
	EXPECT_EQ(SYNWATCH_STATE_CLOSED, half->r.state);
	EXPECT_TRUE(sw_flood_suppress(&w.a, &half->r));
	/* an established connection closing keeps its events */
	p_send(&w, done, IN, FIN | ACK);
	EXPECT_FALSE(sw_flood_suppress(&w.a, &done->r));
	EXPECT_EQ(2, w.a.suppressed);
	w_free(&w);
}

TEST_HARNESS_MAIN
