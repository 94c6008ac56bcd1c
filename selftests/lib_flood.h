/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the flood selftests (selftests/flood_*.c), on top of
 * lib_engine.h (namespaces A and B, the generic netlink session), and
 * header-only so that the Makefile does not build it as a test:
 *
 *  - fl_target_up(): B is the target. Replies to spoofed sources leave
 *    through a dummy device (default routes), so B answers every SYN
 *    without erring and without sending its SYN-ACKs back over the veth;
 *    A is the attacker and the legitimate client;
 *  - fl_alert_*(), fl_listeners(): alert events and listener dumps;
 *  - fl_config(): flood thresholds, timeouts and max_conns of a netns;
 *  - fl_dump_from(), fl_subscribe_from(): records and events of one
 *    remote address;
 *  - fl_spawn()/fl_wait(): a generator (synflood, hping3) run in a netns;
 *  - fl_server/fl_client: a real server in B and a real client in A,
 *    each a thread.
 */
#ifndef SW_LIB_FLOOD_H
#define SW_LIB_FLOOD_H

#include <pthread.h>
#include <stddef.h>
#include "lib_engine.h"

#define FL_PORT		80
#define FL_MAX_CONNS	1024
#define FL_SYNFLOOD	"selftests/build/synflood"

/*
 * Fixture variants: a family, its spoofed source prefix and what an alert
 * names it (gen: the generator, for those that have a choice).
 *	FIXTURE_VARIANT(f) { FL_VARIANT_FIELDS; };
 *	FIXTURE_VARIANT_ADD(f, ipv4) { FL_VARIANT_IPV4 };
 */
#define FL_VARIANT_FIELDS \
	int family; int gen; const char *src; const char *prefix; int plen
#define FL_VARIANT_IPV4 \
	.family = AF_INET, .src = "203.0.113.0/24", \
	.prefix = "203.0.113.0", .plen = 24
#define FL_VARIANT_IPV6 \
	.family = AF_INET6, .src = "2001:db8:bad:1::/64", \
	.prefix = "2001:db8:bad:1::", .plen = 64

static inline uint64_t fl_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* B takes the replies to any source through dum0; no reverse-path check. */
static inline int fl_target_up(struct topo *t)
{
	return sh("set -e; ip -n %s link add dum0 type dummy;"
		  "ip -n %s link set dum0 up;"
		  "ip -n %s route add default dev dum0;"
		  "ip -n %s -6 route add default dev dum0;"
		  "ip netns exec %s sysctl -qw net.ipv4.conf.all.rp_filter=0 "
		  "net.ipv4.conf.default.rp_filter=0 "
		  "net.ipv4.conf.veth0.rp_filter=0",
		  t->b, t->b, t->b, t->b, t->b);
}

/* A listening socket in nsfd on addr:port with this accept backlog. */
static inline int fl_listen(struct topo *t, int nsfd, const uint8_t *addr,
			    uint16_t port, int backlog)
{
	int fd = tcp_sock(t, nsfd, addr, port);

	if (fd >= 0 && listen(fd, backlog)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* A receive buffer for a burst of events (root may exceed rmem_max). */
static inline int fl_rcvbuf(struct swnl *s, int bytes)
{
	return setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVBUFFORCE,
			  &bytes, sizeof(bytes)) ? -errno : 0;
}

/* Join a multicast group of the family (SYNWATCH_MCGRP_*). */
static inline int fl_join(struct swnl *s, int grp)
{
	uint32_t id = s->grp[grp];

	if (!id)
		return -ENOENT;
	return mnl_socket_setsockopt(s->nl, NETLINK_ADD_MEMBERSHIP, &id,
				     sizeof(id)) ? -errno : 0;
}

/*
 * The usual setting: A and B of one family, B the target (fl_target_up),
 * a request session and an alert group member in B.
 */
struct fl_env {
	struct topo t;
	struct swnl nl;			/* requests, in B */
	struct swnl al;			/* member of B's alert group */
};

static inline int fl_up(struct fl_env *e, int family, const char *tag)
{
	memset(e, 0, sizeof(*e));
	if (topo_up(&e->t, family, tag))
		return -1;
	if (fl_target_up(&e->t) ||
	    swnl_open_ns(&e->nl, &e->t, e->t.fb) ||
	    swnl_open_ns(&e->al, &e->t, e->t.fb) ||
	    fl_join(&e->al, SYNWATCH_MCGRP_ALERT))
		return -1;
	return 0;
}

static inline void fl_down(struct fl_env *e)
{
	swnl_close(&e->al);
	swnl_close(&e->nl);
	topo_down(&e->t);
}

/* ------------------------------------------------------------------ */
/* Listeners and alerts                                               */
/* ------------------------------------------------------------------ */

struct flst {
	uint8_t family, status, compl;
	uint8_t addr[16];
	uint16_t port;
	uint64_t syn_rx, synack_tx, completed, reset, cookie, unanswered;
	uint32_t half_open, recent, rate, peak;
};

struct fsrc {
	uint8_t family, plen;
	uint8_t prefix[16];
	uint32_t syns;
};

struct falert {
	uint8_t type, reason, cookies;
	uint64_t seq, subseq, time_ns, duration_ms, suppressed;
	uint32_t peak;
	struct flst l;
	struct fsrc src[SYNWATCH_MAX_TOP_SOURCES];
	int nsrc;
};

static inline int flst_attr_cb(const struct nlattr *a, void *data)
{
	struct flst *l = data;
	int plen = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case SYNWATCH_A_LISTENER_FAMILY: l->family = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_LISTENER_ADDR:
		memcpy(l->addr, mnl_attr_get_payload(a), plen > 16 ? 16 : plen);
		break;
	case SYNWATCH_A_LISTENER_PORT: l->port = mnl_attr_get_u16(a); break;
	case SYNWATCH_A_LISTENER_SYN_RX: l->syn_rx = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_LISTENER_SYNACK_TX:
		l->synack_tx = mnl_attr_get_u64(a);
		break;
	case SYNWATCH_A_LISTENER_COMPLETED:
		l->completed = mnl_attr_get_u64(a);
		break;
	case SYNWATCH_A_LISTENER_RESET: l->reset = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_LISTENER_COOKIE_COMPLETED:
		l->cookie = mnl_attr_get_u64(a);
		break;
	case SYNWATCH_A_LISTENER_UNANSWERED:
		l->unanswered = mnl_attr_get_u64(a);
		break;
	case SYNWATCH_A_LISTENER_HALF_OPEN:
		l->half_open = mnl_attr_get_u32(a);
		break;
	case SYNWATCH_A_LISTENER_HALF_OPEN_RECENT:
		l->recent = mnl_attr_get_u32(a);
		break;
	case SYNWATCH_A_LISTENER_SYN_RATE: l->rate = mnl_attr_get_u32(a); break;
	case SYNWATCH_A_LISTENER_PEAK_RATE: l->peak = mnl_attr_get_u32(a); break;
	case SYNWATCH_A_LISTENER_COMPLETION_PCT:
		l->compl = mnl_attr_get_u8(a);
		break;
	case SYNWATCH_A_LISTENER_STATUS: l->status = mnl_attr_get_u8(a); break;
	}
	return MNL_CB_OK;
}

static inline void flst_parse(const struct nlattr *nest, struct flst *l)
{
	memset(l, 0, sizeof(*l));
	mnl_attr_parse_nested(nest, flst_attr_cb, l);
}

struct flst_ctx {
	struct flst *out;
	int max, n;
	int port;			/* only this one; -1: all */
};

static inline int flst_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct flst_ctx *d = data;
	struct nlattr *a;
	struct flst l;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SYNWATCH_A_LISTENER)
			continue;
		flst_parse(a, &l);
		if (d->port >= 0 && l.port != d->port)
			continue;
		if (d->n < d->max)
			d->out[d->n] = l;
		d->n++;
	}
	return MNL_CB_OK;
}

static inline int fl_dump_lst(struct swnl *s, struct flst_ctx *d)
{
	int err = swnl_talk(s, sw_msg(s, SYNWATCH_CMD_GET_LISTENER,
				      NLM_F_DUMP), flst_dump_cb, d);

	return err ? err : d->n;
}

/* GET_LISTENER dump: how many (may exceed max), or -errno. */
static inline int fl_listeners(struct swnl *s, struct flst *out, int max)
{
	struct flst_ctx d = { out, max, 0, -1 };

	return fl_dump_lst(s, &d);
}

/* The listener on port (the first address found): 1, 0 if none, -errno. */
static inline int fl_listener(struct swnl *s, uint16_t port, struct flst *l)
{
	struct flst_ctx d = { l, 1, 0, port };
	int n = fl_dump_lst(s, &d);

	return n > 1 ? 1 : n;
}

static inline int fsrc_attr_cb(const struct nlattr *a, void *data)
{
	struct fsrc *s = data;
	int plen = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case SYNWATCH_A_SOURCE_FAMILY: s->family = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_SOURCE_PREFIX:
		memcpy(s->prefix, mnl_attr_get_payload(a), plen > 16 ? 16 : plen);
		break;
	case SYNWATCH_A_SOURCE_PREFIX_LEN: s->plen = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_SOURCE_SYNS: s->syns = mnl_attr_get_u32(a); break;
	}
	return MNL_CB_OK;
}

static inline int falert_attr_cb(const struct nlattr *a, void *data)
{
	struct falert *al = data;
	struct nlattr *one;

	switch (mnl_attr_get_type(a)) {
	case SYNWATCH_A_ALERT_LISTENER: flst_parse(a, &al->l); break;
	case SYNWATCH_A_ALERT_REASON: al->reason = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_ALERT_DURATION_MS:
		al->duration_ms = mnl_attr_get_u64(a);
		break;
	case SYNWATCH_A_ALERT_SUPPRESSED:
		al->suppressed = mnl_attr_get_u64(a);
		break;
	case SYNWATCH_A_ALERT_COOKIES: al->cookies = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_ALERT_PEAK_RATE: al->peak = mnl_attr_get_u32(a); break;
	case SYNWATCH_A_ALERT_TOP_SOURCES:
		mnl_attr_for_each_nested(one, a) {
			if (al->nsrc >= SYNWATCH_MAX_TOP_SOURCES)
				break;
			memset(&al->src[al->nsrc], 0, sizeof(al->src[0]));
			mnl_attr_parse_nested(one, fsrc_attr_cb,
					      &al->src[al->nsrc++]);
		}
		break;
	}
	return MNL_CB_OK;
}

static inline int falert_ev_cb(const struct nlattr *a, void *data)
{
	struct falert *al = data;

	switch (mnl_attr_get_type(a)) {
	case SYNWATCH_A_EVENT_TYPE: al->type = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_EVENT_SEQ: al->seq = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_EVENT_SUB_SEQ: al->subseq = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_EVENT_TIME_NS: al->time_ns = mnl_attr_get_u64(a); break;
	}
	return MNL_CB_OK;
}

/*
 * The next alert event on s (a member of the alert group) within
 * timeout_ms: 1, 0 on timeout, -errno. Other events are skipped.
 */
static inline int fl_alert_next(struct swnl *s, struct falert *al,
				int timeout_ms)
{
	uint64_t end = now_us() + (uint64_t)timeout_ms * 1000;

	for (;;) {
		uint64_t now = now_us();
		struct nlmsghdr *m;
		struct nlattr *a;
		int r;

		if (now >= end)
			return 0;
		/* several events may share a datagram: swnl_ev_msg() */
		r = swnl_ev_msg(s, &m, (int)((end - now) / 1000) + 1);
		if (r <= 0)
			return r;
		memset(al, 0, sizeof(*al));
		mnl_attr_for_each(a, m, sizeof(struct genlmsghdr)) {
			if (mnl_attr_get_type(a) == SYNWATCH_A_EVENT)
				mnl_attr_parse_nested(a, falert_ev_cb, al);
			if (mnl_attr_get_type(a) == SYNWATCH_A_ALERT)
				mnl_attr_parse_nested(a, falert_attr_cb, al);
		}
		if (al->type >= SYNWATCH_EVENT_FLOOD_START)
			return 1;
	}
}

/* Alerts read so far by a test. */
#define FL_ALERTS_MAX	64

struct fl_alerts {
	struct falert a[FL_ALERTS_MAX];
	int n;
};

/* Read alerts until one of type arrives: 1, 0 on timeout, -errno. */
static inline int fl_alert_wait(struct swnl *s, struct fl_alerts *log,
				int type, int timeout_ms)
{
	uint64_t end = now_us() + (uint64_t)timeout_ms * 1000;
	struct falert al;
	int r;

	for (;;) {
		uint64_t now = now_us();

		if (now >= end)
			return 0;
		r = fl_alert_next(s, &al, (int)((end - now) / 1000) + 1);
		if (r <= 0)
			return r;
		if (log->n < FL_ALERTS_MAX)
			log->a[log->n++] = al;
		if (al.type == type)
			return 1;
	}
}

/* How many alerts of type the log holds; the last one in *last. */
static inline int fl_alert_count(const struct fl_alerts *log, int type,
				 const struct falert **last)
{
	int i, n = 0;

	for (i = 0; i < log->n; i++) {
		if (log->a[i].type != type)
			continue;
		n++;
		if (last)
			*last = &log->a[i];
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Configuration, records and events of one peer                      */
/* ------------------------------------------------------------------ */

/* SET_CONFIG values; -1 leaves one as it is. */
struct flcfg {
	int64_t ho_high, ho_low, rate_high, rate_low, pct, hold_ms, update_ms;
	int64_t max_conns;
	int64_t timeout_syn_recv, timeout_listen;	/* seconds */
};

#define FLCFG_KEEP ((struct flcfg){ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 })

static inline int fl_config(struct swnl *s, const struct flcfg *c)
{
	static const struct { size_t off; int attr; } u32s[] = {
		{ offsetof(struct flcfg, ho_high),
		  SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH },
		{ offsetof(struct flcfg, ho_low),
		  SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW },
		{ offsetof(struct flcfg, rate_high),
		  SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH },
		{ offsetof(struct flcfg, rate_low),
		  SYNWATCH_A_CONFIG_FLOOD_RATE_LOW },
		{ offsetof(struct flcfg, hold_ms),
		  SYNWATCH_A_CONFIG_FLOOD_HOLD_MS },
		{ offsetof(struct flcfg, update_ms),
		  SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS },
		{ offsetof(struct flcfg, max_conns),
		  SYNWATCH_A_CONFIG_MAX_CONNS },
	};
	struct nlmsghdr *nlh = sw_msg(s, SYNWATCH_CMD_SET_CONFIG, 0);
	struct nlattr *nest = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG);
	size_t i;

	for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
		int64_t v = *(const int64_t *)((const char *)c + u32s[i].off);

		if (v >= 0)
			mnl_attr_put_u32(nlh, u32s[i].attr, (uint32_t)v);
	}
	if (c->pct >= 0)
		mnl_attr_put_u8(nlh, SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT,
				(uint8_t)c->pct);
	if (c->timeout_syn_recv >= 0 || c->timeout_listen >= 0) {
		struct nlattr *to = mnl_attr_nest_start(nlh,
						SYNWATCH_A_CONFIG_TIMEOUTS);

		if (c->timeout_syn_recv >= 0)
			mnl_attr_put_u32(nlh, SYNWATCH_STATE_SYN_RECEIVED + 1,
					 (uint32_t)c->timeout_syn_recv);
		if (c->timeout_listen >= 0)
			mnl_attr_put_u32(nlh, SYNWATCH_STATE_LISTEN + 1,
					 (uint32_t)c->timeout_listen);
		mnl_attr_nest_end(nlh, to);
	}
	mnl_attr_nest_end(nlh, nest);
	return swnl_talk(s, nlh, NULL, NULL);
}

/* A filter nest: remote address raddr (alen bytes), local port lport. */
static inline void fl_put_filter(struct nlmsghdr *nlh, const uint8_t *raddr,
				 int alen, int lport, uint32_t event_mask)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);

	mnl_attr_put(nlh, SYNWATCH_A_FILTER_RADDR, alen, raddr);
	mnl_attr_put_u8(nlh, SYNWATCH_A_FILTER_RPREFIX, (uint8_t)(alen * 8));
	if (lport >= 0) {
		mnl_attr_put_u16(nlh, SYNWATCH_A_FILTER_LPORT_MIN, lport);
		mnl_attr_put_u16(nlh, SYNWATCH_A_FILTER_LPORT_MAX, lport);
	}
	if (event_mask)
		mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_EVENT_MASK, event_mask);
	mnl_attr_nest_end(nlh, n);
}

/* The records of peer raddr on local port lport (GET_CONN dump). */
static inline int fl_dump_from(struct swnl *s, const uint8_t *raddr, int alen,
			       int lport, struct crec *out, int max)
{
	struct nlmsghdr *nlh = sw_msg(s, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);
	struct dump_ctx d = { out, max, 0 };
	int err;

	fl_put_filter(nlh, raddr, alen, lport, 0);
	err = swnl_talk(s, nlh, dump_cb, &d);
	return err ? err : d.n;
}

/* Subscribe s to the events of peer raddr (all types but alerts). */
static inline int fl_subscribe_from(struct swnl *s, const uint8_t *raddr,
				    int alen, int lport)
{
	struct nlmsghdr *nlh = sw_msg(s, SYNWATCH_CMD_SUBSCRIBE, 0);

	fl_put_filter(nlh, raddr, alen, lport,
		      (1U << SYNWATCH_EVENT_NEW) | (1U << SYNWATCH_EVENT_STATE) |
		      (1U << SYNWATCH_EVENT_DESTROY));
	return swnl_talk(s, nlh, NULL, NULL);
}

/*
 * A connection handshake that synwatch followed from its SYN: passive, not
 * picked up, the peer's SYN then our SYN-ACK first in its history, and
 * the ACK that completed it. A retransmission on a slow host may come
 * between them ("sHTa": our SYN-ACK sent twice): still followed from the
 * SYN.
 */
static inline bool fl_tracked(const struct crec *c)
{
	return c->state == SYNWATCH_STATE_ESTABLISHED &&
	       !(c->flags & (SYNWATCH_CONN_F_PICKUP | SYNWATCH_CONN_F_ACTIVE)) &&
	       !strncmp(c->hist, "sH", 2) && strchr(c->hist, 'a') &&
	       c->has_synack_rtt;
}

/* ------------------------------------------------------------------ */
/* Generators                                                         */
/* ------------------------------------------------------------------ */

struct fl_proc {
	pid_t pid;
	bool reaped;
	int status;			/* wait status, once reaped */
	int out;			/* its stdout and stderr */
	char buf[4096];
	size_t len;
	uint64_t start_ns, end_ns;	/* CLOCK_REALTIME */
};

/* Run argv in the netns nsfd, output to a pipe; 0 or -errno. */
static inline int fl_spawn(struct fl_proc *p, int nsfd, char *const argv[])
{
	int pfd[2];

	memset(p, 0, sizeof(*p));
	if (pipe(pfd))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	p->start_ns = fl_real_ns();
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (!p->pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		if (setns(nsfd, CLONE_NEWNET))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	p->out = pfd[0];
	return 0;
}

/* Still running? (Reaps it, and notes the time, when it is not.) */
static inline bool fl_running(struct fl_proc *p)
{
	if (!p->reaped && waitpid(p->pid, &p->status, WNOHANG) == p->pid) {
		p->reaped = true;
		p->end_ns = fl_real_ns();
	}
	return !p->reaped;
}

/*
 * Wait for it to exit: its exit status (128 + signal), -errno; its output
 * in p->buf, the time it ended in p->end_ns.
 */
static inline int fl_wait(struct fl_proc *p)
{
	ssize_t n;

	while ((n = read(p->out, p->buf + p->len,
			 sizeof(p->buf) - 1 - p->len)) > 0)
		p->len += (size_t)n;
	p->buf[p->len] = '\0';
	close(p->out);
	if (!p->reaped) {
		if (waitpid(p->pid, &p->status, 0) < 0)
			return -errno;
		p->reaped = true;
		p->end_ns = fl_real_ns();
	}
	return WIFEXITED(p->status) ? WEXITSTATUS(p->status) :
				      128 + WTERMSIG(p->status);
}

/* synflood from A: args after the program name, then DST PORT. */
static inline int fl_synflood(struct fl_proc *p, struct topo *t,
			      const char *src, const char *duration,
			      const char *rate)
{
	char *argv[] = { FL_SYNFLOOD, "-s", (char *)src, "-d",
			 (char *)duration, "-r", (char *)rate,
			 (char *)t->sb, "80", NULL };

	return fl_spawn(p, t->fa, argv);
}

/* Packets and rate from synflood's output line; 0 if not found. */
static inline uint64_t fl_synflood_sent(const struct fl_proc *p, double *pps)
{
	unsigned long long sent = 0;
	const char *l = strstr(p->buf, "synflood: sent ");
	double secs;

	if (!l || sscanf(l, "synflood: sent %llu packets in %lf s: %lf pps",
			 &sent, &secs, pps) != 3)
		return 0;
	return sent;
}

/* ------------------------------------------------------------------ */
/* A real server in B and a real client in A                          */
/* ------------------------------------------------------------------ */

/* Accepts until stopped; keeps the connections open, or closes them. */
struct fl_server {
	int lfd;
	bool close_at_once;
	volatile bool stop;
	int fds[FL_MAX_CONNS];
	int n;
	pthread_t th;
};

static inline void *fl_server_run(void *arg)
{
	struct fl_server *sv = arg;

	while (!sv->stop) {
		int fd;

		if (fd_wait(sv->lfd, POLLIN, 20) <= 0)
			continue;
		fd = accept(sv->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		if (sv->close_at_once || sv->n >= FL_MAX_CONNS)
			close(fd);
		else
			sv->fds[sv->n++] = fd;
	}
	return NULL;
}

static inline int fl_server_start(struct fl_server *sv, int lfd, bool close)
{
	memset(sv, 0, sizeof(*sv));
	sv->lfd = lfd;
	sv->close_at_once = close;
	return -pthread_create(&sv->th, NULL, fl_server_run, sv);
}

static inline void fl_server_stop(struct fl_server *sv)
{
	int i;

	if (!sv->th)
		return;
	sv->stop = true;
	pthread_join(sv->th, NULL);
	for (i = 0; i < sv->n; i++)
		close(sv->fds[i]);
	sv->th = 0;
}

/*
 * count connections from (A, laddr) to raddr:port, paced at rate per
 * second (0: back to back), each within 5 s or failed; kept open in fds
 * (keep) or closed at once. Runs in its own thread (fl_client_start).
 */
struct fl_client {
	struct topo *t;
	int nsfd;
	const uint8_t *laddr, *raddr;
	uint16_t port;
	int count;
	double rate;
	bool keep;
	int ok, failed;
	uint16_t ports[FL_MAX_CONNS];	/* local ports of the good ones */
	int fds[FL_MAX_CONNS];
	pthread_t th;
	bool done;			/* fl_client_run() returned */
};

static inline void *fl_client_run(void *arg)
{
	struct fl_client *c = arg;
	uint64_t start = now_us();
	int i;

	for (i = 0; i < c->count && i < FL_MAX_CONNS; i++) {
		int fd, err = 0;
		socklen_t el = sizeof(err);

		if (c->rate > 0) {
			uint64_t due = start + (uint64_t)(i * 1e6 / c->rate);
			uint64_t now = now_us();

			if (due > now)
				usleep((useconds_t)(due - now));
		}
		fd = tcp_connect(c->t, c->nsfd, c->laddr, 0, c->raddr, c->port,
				 true);
		if (fd < 0 || fd_wait(fd, POLLOUT, 5000) <= 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) || err) {
			if (fd >= 0)
				close(fd);
			c->failed++;
			continue;
		}
		c->ports[c->ok] = sock_port(fd);
		if (c->keep)
			c->fds[c->ok] = fd;
		else
			close(fd);
		c->ok++;
	}
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static inline bool fl_client_done(struct fl_client *c)
{
	return __atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
}

static inline int fl_client_start(struct fl_client *c)
{
	return -pthread_create(&c->th, NULL, fl_client_run, c);
}

static inline void fl_client_join(struct fl_client *c)
{
	if (c->th)
		pthread_join(c->th, NULL);
	c->th = 0;
}

static inline void fl_client_close(struct fl_client *c)
{
	int i;

	fl_client_join(c);
	for (i = 0; c->keep && i < c->ok; i++)
		close(c->fds[i]);
	c->ok = 0;
}

/* Was local port p one of the client's good connections? */
static inline bool fl_client_had(const struct fl_client *c, uint16_t p)
{
	int i;

	for (i = 0; i < c->ok; i++)
		if (c->ports[i] == p)
			return true;
	return false;
}

#endif /* SW_LIB_FLOOD_H */
