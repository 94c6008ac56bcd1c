// SPDX-License-Identifier: GPL-2.0
/*
 * The replay driver: the engine's host over a capture, as kmod/glue.c is
 * in the module. Everything that decides anything is the engine's
 * (kmod/engine/): the parser, the tracker, the flood detector, and the
 * step that turns their output into counters, listener accounting and
 * events (engine/step.c), which calls the sw_host_*() primitives defined
 * here. What is left is the host's own: decoding frames and orienting
 * them (rp_frame(), as kmod/hooks.c), the tables (table.c), expiry in
 * time order (advance(), as kmod/gc.c), the tick's clock, and records as
 * the decoded structs userspace gets from netlink (export_*(), as
 * kmod/encode.c). The clock is the capture's: engine time is the
 * time since the first frame plus RP_BASE_NS, so that no engine time is 0
 * (0 means "not yet" in the flood detector), and it never goes back.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "link.h"
#include "replay.h"
#include "table.h"

#define RP_BASE_NS	1000000000ULL
#define RP_TICK_NS	(100 * 1000000ULL)	/* listener.c SW_TICK_MS */
#define RP_NS_PER_MS	1000000ULL

const char *const rp_counter_names[RP_COUNTER_MAX] = {
	[RP_FRAMES] = "frames",
	[RP_TCP] = "tcp",
	[RP_NOT_IP] = "not_ip",
	[RP_NOT_TCP] = "not_tcp",
	[RP_LINK_TRUNC] = "link_truncated",
	[RP_SNAPLEN] = "snaplen_cut",
	[RP_NOT_LOCAL] = "not_local",
	[RP_TIME_BACK] = "time_backwards",
};

/* The engine's handle on a replay (engine/step.h): the replay is the host. */
struct sw_host {
};

struct rp {
	struct sw_host host;
	struct rp_opts o;
	struct swl_prefix local[RP_MAX_LOCAL];
	enum rp_link link;
	struct rp_conn_table conns;
	struct rp_lst_table lsts;
	u32 timeout_fine[__SYNWATCH_STATE_MAX];
	struct sw_flood_cfg fcfg;
	uint64_t stat[SYNWATCH_A_STATS_MAX + 1];
	uint64_t invalid[SYNWATCH_INVALID_MAX + 1];
	uint64_t count[RP_COUNTER_MAX];
	bool started;
	uint64_t first_ts, last_ts;	/* capture time, ns since the epoch */
	uint64_t now;			/* engine time */
	/*
	 * No record expires before this engine time: the earliest deadline
	 * of the state lists' heads when advance() last looked, lowered
	 * when a record heads a list. A list is in t_last order and one
	 * state has one timeout, so a later head never expires sooner.
	 */
	uint64_t exp_floor;
	/* listener.c's active list: listeners the tick watches, in order */
	uint32_t *active;
	uint32_t nactive;
	bool ticking;
	uint64_t next_tick;
	uint64_t seq;			/* events raised */
};

static void config(struct rp *rp, const struct swl_config *cfg)
{
	static const struct {
		unsigned int attr;
		size_t off;
	} flood[] = {
		{ SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH,
		  offsetof(struct sw_flood_cfg, half_open_high) },
		{ SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW,
		  offsetof(struct sw_flood_cfg, half_open_low) },
		{ SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH,
		  offsetof(struct sw_flood_cfg, rate_high) },
		{ SYNWATCH_A_CONFIG_FLOOD_RATE_LOW,
		  offsetof(struct sw_flood_cfg, rate_low) },
		{ SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT,
		  offsetof(struct sw_flood_cfg, completion_pct) },
		{ SYNWATCH_A_CONFIG_FLOOD_HOLD_MS,
		  offsetof(struct sw_flood_cfg, hold_ms) },
		{ SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS,
		  offsetof(struct sw_flood_cfg, update_ms) },
	};

	for (u8 s = 0; s < __SYNWATCH_STATE_MAX; s++) {
		u32 secs = sw_default_timeout_s(s);

		if (cfg && (cfg->timeout_have & (1U << s)))
			secs = cfg->timeout[s];
		rp->timeout_fine[s] = sw_timeout_fine(secs);
	}
	sw_flood_cfg_defaults(&rp->fcfg);
	for (size_t i = 0; cfg && i < sizeof(flood) / sizeof(flood[0]); i++)
		if (SWL_HAS(cfg, flood[i].attr))
			memcpy((char *)&rp->fcfg + flood[i].off,
			       &cfg->val[flood[i].attr], sizeof(u32));
}

struct rp *rp_new(const struct rp_opts *o)
{
	struct rp *rp = calloc(1, sizeof(*rp));

	if (!rp)
		return NULL;
	rp->o = *o;
	if (o->nlocal > RP_MAX_LOCAL)
		rp->o.nlocal = RP_MAX_LOCAL;
	memcpy(rp->local, o->local, rp->o.nlocal * sizeof(*o->local));
	rp->o.local = rp->local;
	config(rp, o->cfg);
	rp->active = calloc(RP_LST_MAX, sizeof(*rp->active));
	if (!rp->active || rp_conns_init(&rp->conns) || rp_lsts_init(&rp->lsts)) {
		rp_free(rp);
		return NULL;
	}
	return rp;
}

void rp_free(struct rp *rp)
{
	if (!rp)
		return;
	rp_conns_free(&rp->conns);
	rp_lsts_free(&rp->lsts);
	free(rp->active);
	free(rp);
}

int rp_set_link(struct rp *rp, int dlt)
{
	rp->link = rp_link_of_dlt(dlt);
	return rp->link == RP_LINK_NONE ? -1 : 0;
}

uint64_t rp_count(const struct rp *rp, enum rp_counter c)
{
	return rp->count[c];
}

uint64_t rp_first_ns(const struct rp *rp)
{
	return rp->first_ts;
}

uint64_t rp_last_ns(const struct rp *rp)
{
	return rp->last_ts;
}

static uint64_t wall_ns(const struct rp *rp, uint64_t t)
{
	return t - RP_BASE_NS + rp->first_ts;
}

/* --- records as userspace sees them (kmod/encode.c) ---------------------- */

static void export_addr(struct swl_addr *a, bool v4, const uint8_t *addr)
{
	memset(a, 0, sizeof(*a));
	a->family = v4 ? AF_INET : AF_INET6;
	memcpy(a->raw, v4 ? addr + 12 : addr, v4 ? 4 : 16);
}

static void export_conn(const struct rp *rp, const struct rp_key *key,
			const struct sw_rec *r, uint64_t now, struct swl_conn *o)
{
	bool v4 = rp_key_v4(key);
	struct sw_rec_attrs in;

	sw_rec_describe(r, now, &in);
	memset(o, 0, sizeof(*o));
	o->have = in.have;
	for (unsigned int a = SYNWATCH_A_CONN_FAMILY; a <= SYNWATCH_A_CONN_MAX;
	     a++)
		if (a < SYNWATCH_A_CONN_ISN_LOCAL ||
		    a > SYNWATCH_A_CONN_SYNACK_TO_ACK_US)
			o->have |= SWL_BIT(a);
	o->family = v4 ? AF_INET : AF_INET6;
	o->state = in.state;
	export_addr(&o->laddr, v4, key->laddr);
	export_addr(&o->raddr, v4, key->raddr);
	o->lport = key->lport;
	o->rport = key->rport;
	o->flags = r->flags;
	o->age_ms = in.age_ms;
	o->state_age_ms = in.state_age_ms;
	o->idle_ms = in.idle_ms;
	o->timeout_ms = sw_rec_timeout_left_ms(r, rp->timeout_fine[in.state],
					       now);
	o->isn_local = in.isn_local;
	o->isn_remote = in.isn_remote;
	o->mss_local = in.mss_local;
	o->mss_remote = in.mss_remote;
	o->wscale_local = in.wscale_local;
	o->wscale_remote = in.wscale_remote;
	o->syn_to_synack_us = in.syn_to_synack_us;
	o->synack_to_ack_us = in.synack_to_ack_us;
	o->rtx_syn = r->rtx_syn;
	o->rtx_synack = r->rtx_synack;
	o->rtx_fin = r->rtx_fin;
	o->pkts_in = r->pkts[SW_DIR_IN];
	o->pkts_out = r->pkts[SW_DIR_OUT];
	o->bytes_in = in.bytes_in;
	o->bytes_out = in.bytes_out;
	o->close_reason = r->reason;
	o->closer = r->closer;
	memcpy(o->history, in.history, sizeof(o->history));
}

static void export_listener(const struct rp_lst *l, const struct sw_lst_acct *a,
			    uint64_t now, struct swl_listener *o)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	memset(o, 0, sizeof(*o));
	for (unsigned int at = SYNWATCH_A_LISTENER_FAMILY;
	     at <= SYNWATCH_A_LISTENER_MAX; at++)
		o->have |= SWL_BIT(at);
	export_addr(&o->addr, !memcmp(l->addr, mapped, 12), l->addr);
	o->family = o->addr.family;
	o->port = l->port;
	o->syn_rx = a->syn_rx;
	o->synack_tx = a->synack_tx;
	o->completed = a->completed;
	o->reset = a->reset;
	o->cookie_completed = a->cookie;
	o->unanswered = a->unanswered;
	o->half_open = a->half_open > 0 ? (uint32_t)a->half_open : 0;
	o->half_open_recent = sw_lst_recent_half_open(a, now);
	o->syn_rate = sw_lst_rate(a);
	o->peak_rate = a->peak_rate;
	o->completion_pct = sw_lst_completion(a);
	o->status = a->status;
}

/* --- the engine's host (engine/step.h) ------------------------------------ */

static struct rp *host_rp(struct sw_host *h)
{
	return (struct rp *)((char *)h - offsetof(struct rp, host));
}

void sw_host_count(struct sw_host *h, enum sw_stat s)
{
	host_rp(h)->stat[sw_stat_attr(s)]++;
}

/* as the module's sw_event_wanted(): someone reads events of this type */
bool sw_host_wants(struct sw_host *h, u8 type)
{
	struct rp *rp = host_rp(h);

	return rp->o.on_event &&
	       (!rp->o.event_mask || (rp->o.event_mask & (1U << type)));
}

static void event_header(struct rp *rp, struct swl_event *ev, uint8_t type,
			 uint8_t old, uint8_t new, uint8_t flags, uint8_t dir,
			 uint64_t at)
{
	memset(ev, 0, offsetof(struct swl_event, conn));
	ev->have = SWL_BIT(SYNWATCH_A_EVENT_TYPE) | SWL_BIT(SYNWATCH_A_EVENT_SEQ) |
		   SWL_BIT(SYNWATCH_A_EVENT_SUB_SEQ) |
		   SWL_BIT(SYNWATCH_A_EVENT_TIME_NS) |
		   SWL_BIT(SYNWATCH_A_EVENT_OLD_STATE) |
		   SWL_BIT(SYNWATCH_A_EVENT_NEW_STATE);
	ev->type = type;
	/* as seen by a subscriber that takes every event */
	ev->seq = ++rp->seq;
	ev->sub_seq = ev->seq;
	ev->time_ns = wall_ns(rp, at);
	ev->old_state = old;
	ev->new_state = new;
	if (dir != SYNWATCH_DIR_NONE) {
		ev->have |= SWL_BIT(SYNWATCH_A_EVENT_TCP_FLAGS) |
			    SWL_BIT(SYNWATCH_A_EVENT_DIR);
		ev->tcp_flags = flags;
		ev->dir = dir;
	}
}

void sw_host_emit_conn(struct sw_host *h, u8 type, const void *conn,
		       const struct sw_rec *rec, u8 old, u8 new, u8 flags,
		       u8 dir, u64 at)
{
	struct rp *rp = host_rp(h);
	struct swl_event ev;

	export_conn(rp, conn, rec, at, &ev.conn);
	if (rp->o.filter && !swl_filter_match(rp->o.filter, &ev.conn))
		return;
	event_header(rp, &ev, type, sw_event_state(old), new, flags, dir, at);
	ev.has_conn = true;
	ev.has_alert = false;
	rp->stat[SYNWATCH_A_STATS_EVENTS_SENT]++;
	rp->o.on_event(&ev, rp->o.data);
}

void sw_host_emit_alert(struct sw_host *h, const void *lst,
			const struct sw_lst_acct *a, enum sw_flood_event fe,
			u64 at)
{
	const struct sw_src_slot *top[SYNWATCH_MAX_TOP_SOURCES];
	uint8_t type = sw_flood_event_type(fe);
	const struct rp_lst *l = lst;
	struct rp *rp = host_rp(h);
	struct swl_alert *al;
	struct swl_event ev;
	int n;

	event_header(rp, &ev, type, 0, 0, 0, SYNWATCH_DIR_NONE, at);
	ev.has_conn = false;
	ev.has_alert = true;
	al = &ev.alert;
	memset(al, 0, sizeof(*al));
	al->have = SWL_BIT(SYNWATCH_A_ALERT_LISTENER) |
		   SWL_BIT(SYNWATCH_A_ALERT_REASON) |
		   SWL_BIT(SYNWATCH_A_ALERT_DURATION_MS) |
		   SWL_BIT(SYNWATCH_A_ALERT_SUPPRESSED) |
		   SWL_BIT(SYNWATCH_A_ALERT_COOKIES) |
		   SWL_BIT(SYNWATCH_A_ALERT_PEAK_RATE) |
		   SWL_BIT(SYNWATCH_A_ALERT_TOP_SOURCES);
	export_listener(l, a, at, &al->listener);
	al->peak_rate = a->flood_peak;
	al->reason = a->reason;
	al->duration_ms = (at - a->flood_start_ns) / RP_NS_PER_MS;
	al->suppressed = a->suppressed;
	/* the netns' SyncookiesSent counter: a capture does not show it */
	al->cookies = a->cookies;
	n = sw_flood_top(a, top, SYNWATCH_MAX_TOP_SOURCES);
	for (int i = 0; i < n; i++) {
		struct swl_source *s = &al->sources[i];

		s->family = top[i]->v6 ? AF_INET6 : AF_INET;
		s->prefix_len = top[i]->v6 ? 64 : 24;
		s->prefix.family = s->family;
		memcpy(s->prefix.raw, top[i]->addr, top[i]->v6 ? 16 : 4);
		s->syns = top[i]->count;
	}
	al->nsources = (unsigned int)n;
	rp->stat[SYNWATCH_A_STATS_EVENTS_SENT]++;
	rp->o.on_event(&ev, rp->o.data);
}

/* --- listeners (kmod/listener.c) ----------------------------------------- */

static const uint8_t *raddr(const struct rp_key *k)
{
	return k->raddr + (rp_key_v4(k) ? 12 : 0);
}

void sw_host_lst_packet(struct sw_host *h, const void *conn,
			const struct sw_track_out *out, u32 born, u64 now)
{
	const struct rp_key *k = conn;
	struct rp *rp = host_rp(h);
	struct rp_lst *l = rp_lst_get(&rp->lsts, k, out->what & SW_T_L_SYN);

	if (!l)
		return;
	if (sw_lst_on_packet(&l->acct, &l->watched, out, born,
			     !rp_key_v4(k), raddr(k), now)) {
		/* a listener woke up: watch it, start the tick if need be */
		rp->active[rp->nactive++] = (uint32_t)(l - rp->lsts.v);
		if (!rp->ticking) {
			rp->ticking = true;
			rp->next_tick = now + RP_TICK_NS;
		}
	}
}

void sw_host_lst_forget(struct sw_host *h, const void *conn,
			const struct sw_rec *rec)
{
	const struct rp_key *k = conn;
	struct rp_lst *l = rp_lst_get(&host_rp(h)->lsts, k, false);

	if (l)
		sw_lst_account_forget(&l->acct, rec, !rp_key_v4(k), raddr(k));
}

bool sw_host_lst_suppress(struct sw_host *h, const void *conn,
			  const struct sw_rec *rec)
{
	struct rp_lst *l = rp_lst_get(&host_rp(h)->lsts, conn, false);

	return l && sw_flood_suppress(&l->acct, rec);
}

/* The detector's clock: the active listeners, every RP_TICK_NS. */
static void tick(struct rp *rp)
{
	uint64_t at = rp->next_tick;
	uint32_t n = 0;

	for (uint32_t i = 0; i < rp->nactive; i++) {
		struct rp_lst *l = &rp->lsts.v[rp->active[i]];
		struct sw_lst_acct a;
		enum sw_flood_event fe;
		bool idle;

		fe = sw_lst_on_tick(&l->acct, &rp->fcfg, at, &a, &idle);
		if (fe != SW_FLOOD_NONE)
			sw_step_alert(&rp->host, l, &a, fe, at);
		if (idle) {
			l->watched = false;
			continue;
		}
		rp->active[n++] = rp->active[i];
	}
	rp->nactive = n;
	rp->ticking = n > 0;
	rp->next_tick += RP_TICK_NS;
}

/* --- connections (kmod/glue.c, kmod/gc.c) --------------------------------- */

static void destroy(struct rp *rp, struct rp_conn *c, u8 reason, u8 flags,
		    u8 dir, uint64_t at)
{
	sw_step_retire(&rp->host, &c->key, &c->rec, reason, flags, dir, true,
		       at);
	rp_conn_del(&rp->conns, c);
}

/* When the oldest record of a state list expires (engine time, ns). */
static uint64_t deadline(const struct rp *rp, const struct rp_conn *c)
{
	return ((uint64_t)c->rec.t_last + rp->timeout_fine[c->rec.state])
	       << SW_FINE_SHIFT;
}

/* Expiries and ticks due up to t, in time order. */
static void advance(struct rp *rp, uint64_t t)
{
	for (;;) {
		struct rp_conn *c = NULL;
		uint64_t exp = UINT64_MAX;

		for (u8 s = 0; s < __SYNWATCH_STATE_MAX; s++) {
			struct rp_conn *h = rp->conns.head[s];

			if (h && deadline(rp, h) < exp) {
				exp = deadline(rp, h);
				c = h;
			}
		}
		if (rp->ticking && rp->next_tick <= t &&
		    rp->next_tick <= exp) {
			tick(rp);
		} else if (c && exp <= t &&
			   sw_rec_expired(&c->rec,
					  rp->timeout_fine[c->rec.state], exp)) {
			rp->stat[SYNWATCH_A_STATS_EXPIRED]++;
			destroy(rp, c, SYNWATCH_CLOSE_TIMEOUT, 0,
				SYNWATCH_DIR_NONE, exp);
		} else {
			rp->exp_floor = exp;
			break;
		}
	}
}

/*
 * Without --local: the receiver of a connection's first SYN is local
 * (the sender of a SYN-ACK, when the SYN was missed); a connection picked
 * up mid-stream is the lower port's, else the first packet's receiver's.
 */
static enum sw_dir orient(const struct sw_pkt *p)
{
	if (p->flags & SW_TCP_SYN)
		return (p->flags & SW_TCP_ACK) ? SW_DIR_OUT : SW_DIR_IN;
	if (p->sport != p->dport)
		return p->dport < p->sport ? SW_DIR_IN : SW_DIR_OUT;
	return SW_DIR_IN;
}

/* key[SW_DIR_IN]: the destination is local; key[SW_DIR_OUT]: the source */
static void run(struct rp *rp, struct rp_conn *c, const struct rp_key *key,
		enum sw_dir dir, const struct sw_pkt *p)
{
	u8 udir = dir == SW_DIR_IN ? SYNWATCH_DIR_IN : SYNWATCH_DIR_OUT;
	struct sw_track_out out;
	const struct rp_key *k;
	int err;

again:
	k = &key[dir];
	if (!c) {
		if (!sw_track_creates(dir, p)) {
			rp->stat[SYNWATCH_A_STATS_UNTRACKED]++;
			return;
		}
		c = rp_conn_add(&rp->conns, k, rp->now);
		if (!c) {
			rp->stat[SYNWATCH_A_STATS_INSERT_FAILED]++;
			return;
		}
		rp->stat[SYNWATCH_A_STATS_CONN_NEW]++;
	}
	err = sw_track(&c->rec, dir, p, rp->now, &out);
	if (out.what & SW_T_REOPEN) {
		/* the tuple is reused: end the old connection, start anew */
		/* only closed records reopen: it keeps its FIN/RST reason */
		destroy(rp, c, SYNWATCH_CLOSE_NONE, p->flags, udir, rp->now);
		c = NULL;
		if (!rp->o.nlocal) {
			dir = orient(p);
			udir = dir == SW_DIR_IN ? SYNWATCH_DIR_IN :
						  SYNWATCH_DIR_OUT;
		}
		goto again;
	}
	if (err) {
		rp->invalid[out.invalid]++;
		return;
	}
	sw_track_cookie(&c->rec, dir, p->cookie, &out);
	rp_conn_touch(&rp->conns, c);
	if (rp->conns.head[c->list_state] == c &&
	    deadline(rp, c) < rp->exp_floor)
		rp->exp_floor = deadline(rp, c);
	/* no lock to let go of: the record itself is the copy */
	sw_step_packet(&rp->host, k,
		       sw_step_wants_copy(&rp->host, &out) ? &c->rec : NULL,
		       c->rec.t_first, &out, p->flags, udir, rp->now);
}

_Static_assert(SW_DIR_IN == 0 && SW_DIR_OUT == 1, "key[] is indexed by dir");
_Static_assert(offsetof(struct rp_key, rport) == offsetof(struct rp_key, lport) + 2 &&
	       sizeof(struct rp_key) == 36, "rp_key: two addresses, two ports");

/*
 * An address as the key holds it (IPv4-mapped), in two 8-byte words: the
 * key is written and then read back (hash, compare) in the same 8-byte
 * pieces, which the CPU forwards from its store buffer; narrower stores
 * under a wider load would stall it.
 */
static void key_addr(uint8_t *dst, bool v6, const uint8_t *a)
{
	uint8_t w[16] = { [10] = 0xff, [11] = 0xff };
	uint64_t lo, hi;

	if (v6)
		memcpy(w, a, 16);
	else
		memcpy(w + 12, a, 4);
	memcpy(&lo, w, 8);
	memcpy(&hi, w + 8, 8);
	memcpy(dst, &lo, 8);
	memcpy(dst + 8, &hi, 8);
}

static void make_key(struct rp_key *k, bool v6, const uint8_t *l,
		     const uint8_t *r, uint16_t lport, uint16_t rport)
{
	uint16_t ports[2] = { lport, rport };
	uint32_t both;

	key_addr(k->laddr, v6, l);
	key_addr(k->raddr, v6, r);
	memcpy(&both, ports, 4);
	memcpy(&k->lport, &both, 4);
}

static bool is_local(const struct rp *rp, bool v6, const uint8_t *a)
{
	for (unsigned int i = 0; i < rp->o.nlocal; i++) {
		const struct swl_prefix *p = &rp->local[i];
		unsigned int bits = p->len, n = bits / 8;

		if (p->addr.family != (v6 ? AF_INET6 : AF_INET))
			continue;
		if (memcmp(a, p->addr.raw, n))
			continue;
		if (bits % 8 &&
		    ((a[n] ^ p->addr.raw[n]) & (0xff00 >> (bits % 8)) & 0xff))
			continue;
		return true;
	}
	return false;
}

/*
 * A frame decoded ahead of its turn: everything that depends on its bytes
 * alone, the lookup of its connection already on its way to the cache.
 */
struct prep {
	int err;		/* rp_decode()'s, then sw_parse_tcp()'s */
	bool v6;
	uint32_t hash;		/* of key[], either way round */
	struct sw_pkt pkt;
	struct rp_key key[SW_DIR_MAX];
};

/* key[SW_DIR_OUT]'s local address: the source, as the packet has it */
static const uint8_t *src_addr(const struct prep *x)
{
	return x->key[SW_DIR_OUT].laddr + (x->v6 ? 0 : 12);
}

static const uint8_t *dst_addr(const struct prep *x)
{
	return x->key[SW_DIR_IN].laddr + (x->v6 ? 0 : 12);
}

static void segment(struct rp *rp, const struct prep *x)
{
	const struct sw_pkt *p = &x->pkt;
	const struct rp_key *key = x->key;
	struct rp_conn *c;
	enum sw_dir dir;
	int which;

	if (rp->o.nlocal) {
		bool out = is_local(rp, x->v6, src_addr(x));
		bool in = is_local(rp, x->v6, dst_addr(x));

		if (!out && !in)
			rp->count[RP_NOT_LOCAL]++;
		/* both local: LOCAL_OUT sees it leave, then LOCAL_IN arrive */
		if (out) {
			rp->stat[SYNWATCH_A_STATS_PKTS_OUT] += p->segs;
			run(rp, rp_conn_find(&rp->conns, &key[SW_DIR_OUT],
					     x->hash),
			    key, SW_DIR_OUT, p);
		}
		if (in) {
			rp->stat[SYNWATCH_A_STATS_PKTS_IN] += p->segs;
			run(rp, rp_conn_find(&rp->conns, &key[SW_DIR_IN],
					     x->hash),
			    key, SW_DIR_IN, p);
		}
		return;
	}
	c = rp_conn_find2(&rp->conns, key, x->hash, &which);
	dir = c ? (enum sw_dir)which : orient(p);
	rp->stat[dir == SW_DIR_IN ? SYNWATCH_A_STATS_PKTS_IN :
				    SYNWATCH_A_STATS_PKTS_OUT] += p->segs;
	run(rp, c, key, dir, p);
}

/* The capture's clock: engine time, never going back. */
static void clock_to(struct rp *rp, uint64_t ts)
{
	if (!rp->started) {
		rp->started = true;
		rp->first_ts = rp->last_ts = ts;
	}
	if (ts < rp->last_ts) {
		rp->count[RP_TIME_BACK]++;
		ts = rp->last_ts;
	}
	rp->last_ts = ts;
	rp->now = ts - rp->first_ts + RP_BASE_NS;
	if (rp->now >= rp->exp_floor ||
	    (rp->ticking && rp->next_tick <= rp->now))
		advance(rp, rp->now);
}

/* What of a frame depends on its bytes alone: no state is read or changed. */
static void prepare(const struct rp *rp, const struct rp_frame_in *f,
		    struct prep *x)
{
	struct rp_ip ip;

	x->err = rp_decode(rp->link, f->data, f->caplen, f->len, &ip);
	if (!x->err)
		x->err = sw_parse_tcp(ip.th, ip.thlen, ip.l4len, &x->pkt);
	if (x->err)
		return;
	x->v6 = ip.v6;
	make_key(&x->key[SW_DIR_IN], ip.v6, ip.daddr, ip.saddr, x->pkt.dport,
		 x->pkt.sport);
	make_key(&x->key[SW_DIR_OUT], ip.v6, ip.saddr, ip.daddr, x->pkt.sport,
		 x->pkt.dport);
	x->hash = rp_conn_hash(&rp->conns, &x->key[SW_DIR_IN]);
	rp_conn_prefetch(&rp->conns, x->hash);
}

static void process(struct rp *rp, uint64_t ts_ns, const struct prep *x)
{
	rp->count[RP_FRAMES]++;
	clock_to(rp, ts_ns);
	if (x->err < 0) {
		rp->count[-x->err]++;
		return;
	}
	rp->count[RP_TCP]++;
	if (x->err) {
		rp->invalid[x->err]++;
		return;
	}
	segment(rp, x);
}

void rp_frames(struct rp *rp, const struct rp_frame_in *f, unsigned int n)
{
	struct prep x[RP_BATCH];

	for (unsigned int i = 0; i < n; i += RP_BATCH) {
		unsigned int m = n - i < RP_BATCH ? n - i : RP_BATCH;

		for (unsigned int j = 0; j < m; j++)
			prepare(rp, &f[i + j], &x[j]);
		for (unsigned int j = 0; j < m; j++)
			process(rp, f[i + j].ts_ns, &x[j]);
	}
}

void rp_frame(struct rp *rp, uint64_t ts_ns, const uint8_t *data,
	      uint32_t caplen, uint32_t len)
{
	struct rp_frame_in f = { ts_ns, data, caplen, len };

	rp_frames(rp, &f, 1);
}

/* --- the end state ------------------------------------------------------- */

static int by_id(const void *a, const void *b)
{
	const struct rp_conn *x = *(const struct rp_conn *const *)a;
	const struct rp_conn *y = *(const struct rp_conn *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int rp_conns(struct rp *rp, int (*fn)(const struct swl_conn *c, void *data),
	     void *data)
{
	struct rp_conn **v = malloc((rp->conns.count + 1) * sizeof(*v));
	struct rp_conn *c;
	struct swl_conn sc;
	size_t n = 0;
	int ret = 0;

	if (!v)
		return -1;
	for (uint32_t pos = 0; (c = rp_conn_next(&rp->conns, &pos));)
		v[n++] = c;
	qsort(v, n, sizeof(*v), by_id);
	for (size_t i = 0; i < n && !ret; i++) {
		export_conn(rp, &v[i]->key, &v[i]->rec, rp->now, &sc);
		if (rp->o.filter && !swl_filter_match(rp->o.filter, &sc))
			continue;
		ret = fn(&sc, data);
	}
	free(v);
	return ret;
}

int rp_listeners(struct rp *rp,
		 int (*fn)(const struct swl_listener *l, void *data),
		 void *data)
{
	struct swl_listener sl;
	int ret = 0;

	for (uint32_t i = 0; i < rp->lsts.n && !ret; i++) {
		export_listener(&rp->lsts.v[i], &rp->lsts.v[i].acct, rp->now,
				&sl);
		ret = fn(&sl, data);
	}
	return ret;
}

void rp_stats(struct rp *rp, struct swl_stats *st)
{
	static const unsigned int kept[] = {
		SYNWATCH_A_STATS_PKTS_IN, SYNWATCH_A_STATS_PKTS_OUT,
		SYNWATCH_A_STATS_CONN_NEW, SYNWATCH_A_STATS_CONN_DESTROY,
		SYNWATCH_A_STATS_STATE_CHANGES, SYNWATCH_A_STATS_RTX_SYN,
		SYNWATCH_A_STATS_RTX_SYNACK, SYNWATCH_A_STATS_RTX_FIN,
		SYNWATCH_A_STATS_PICKUP, SYNWATCH_A_STATS_UNTRACKED,
		SYNWATCH_A_STATS_INSERT_FAILED, SYNWATCH_A_STATS_EXPIRED,
		SYNWATCH_A_STATS_EVENTS_SENT,
		SYNWATCH_A_STATS_EVENT_SUPPRESSED, SYNWATCH_A_STATS_CONN_COUNT,
		SYNWATCH_A_STATS_CONN_COUNT_TOTAL, SYNWATCH_A_STATS_HASH_SIZE,
		SYNWATCH_A_STATS_OBJ_SIZE, SYNWATCH_A_STATS_MEM_BYTES,
		SYNWATCH_A_STATS_LISTENERS, SYNWATCH_A_STATS_ALERTS,
	};

	memset(st, 0, sizeof(*st));
	rp->stat[SYNWATCH_A_STATS_CONN_COUNT] = rp->conns.count;
	/* replay's own table: one namespace, no capacity, its memory */
	rp->stat[SYNWATCH_A_STATS_CONN_COUNT_TOTAL] = rp->conns.count;
	rp->stat[SYNWATCH_A_STATS_HASH_SIZE] = rp->conns.nslots;
	rp->stat[SYNWATCH_A_STATS_OBJ_SIZE] = sizeof(struct rp_conn);
	rp->stat[SYNWATCH_A_STATS_MEM_BYTES] =
		(uint64_t)rp->conns.count * sizeof(struct rp_conn) +
		(uint64_t)rp->conns.nslots * sizeof(*rp->conns.slots);
	rp->stat[SYNWATCH_A_STATS_LISTENERS] = rp->lsts.n;
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		st->have |= SWL_BIT(kept[i]);
		st->val[kept[i]] = rp->stat[kept[i]];
	}
	st->have |= SWL_BIT(SYNWATCH_A_STATS_INVALID);
	for (unsigned int r = 1; r <= SYNWATCH_INVALID_MAX; r++) {
		st->invalid_have |= SWL_BIT(r);
		st->invalid[r] = rp->invalid[r];
	}
}
