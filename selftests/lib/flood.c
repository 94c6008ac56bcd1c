// SPDX-License-Identifier: GPL-2.0
/* The flood tests' helpers: flood.h. */
#include "flood.h"

#include "records.h"

uint64_t st_fl_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* B takes the replies to any source through dum0; no reverse-path check. */
static int st_fl_target_up(struct st_topo *t)
{
	return st_sh("set -e; ip -n %s link add dum0 type dummy;"
		  "ip -n %s link set dum0 up;"
		  "ip -n %s route add default dev dum0;"
		  "ip -n %s -6 route add default dev dum0;"
		  "ip netns exec %s sysctl -qw net.ipv4.conf.all.rp_filter=0 "
		  "net.ipv4.conf.default.rp_filter=0 "
		  "net.ipv4.conf.veth0.rp_filter=0",
		  t->b, t->b, t->b, t->b, t->b);
}

int st_fl_listen(struct st_topo *t, int nsfd, const uint8_t *addr,
	      uint16_t port, int backlog)
{
	int fd = st_tcp_sock(t, nsfd, addr, port);

	if (fd >= 0 && listen(fd, backlog)) {
		close(fd);
		return -errno;
	}
	return fd;
}

int st_fl_rcvbuf(struct st_nl *s, int bytes)
{
	return setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVBUFFORCE,
			  &bytes, sizeof(bytes)) ? -errno : 0;
}

int st_fl_join(struct st_nl *s, int grp)
{
	uint32_t id = s->grp[grp];

	if (!id)
		return -ENOENT;
	return mnl_socket_setsockopt(s->nl, NETLINK_ADD_MEMBERSHIP, &id,
				     sizeof(id)) ? -errno : 0;
}

int st_fl_up(struct st_fl_env *e, int family, const char *tag)
{
	memset(e, 0, sizeof(*e));
	if (st_topo_up(&e->t, family, tag))
		return -1;
	if (st_fl_target_up(&e->t) ||
	    st_nl_open_ns(&e->nl, &e->t, e->t.fb) ||
	    st_nl_open_ns(&e->al, &e->t, e->t.fb) ||
	    st_fl_join(&e->al, SYNWATCH_MCGRP_ALERT))
		return -1;
	return 0;
}

void st_fl_down(struct st_fl_env *e)
{
	st_nl_close(&e->al);
	st_nl_close(&e->nl);
	st_topo_down(&e->t);
}

/* A listener as the tests look at it, from libsynwatch's decoding. */
static void st_flst_from(const struct swl_listener *in, struct st_flst *l)
{
	memset(l, 0, sizeof(*l));
	l->family = in->family;
	memcpy(l->addr, in->addr.raw, sizeof(l->addr));
	l->port = in->port;
	l->syn_rx = in->syn_rx;
	l->synack_tx = in->synack_tx;
	l->completed = in->completed;
	l->reset = in->reset;
	l->cookie = in->cookie_completed;
	l->unanswered = in->unanswered;
	l->half_open = in->half_open;
	l->recent = in->half_open_recent;
	l->rate = in->syn_rate;
	l->peak = in->peak_rate;
	l->compl = in->completion_pct;
	l->status = in->status;
}

/* A listener nest, decoded by libsynwatch: 0, or -1 if malformed. */
static int st_flst_parse(const struct nlattr *nest, struct st_flst *l)
{
	struct swl_listener in;

	if (swl_decode_listener(nest, &in))
		return -1;
	st_flst_from(&in, l);
	return 0;
}

static int st_flst_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct st_flst_ctx *d = data;
	struct nlattr *a;
	struct st_flst l;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SYNWATCH_A_LISTENER)
			continue;
		if (st_flst_parse(a, &l))
			return MNL_CB_ERROR;
		if (d->port >= 0 && l.port != d->port)
			continue;
		if (d->n < d->max)
			d->out[d->n] = l;
		d->n++;
	}
	return MNL_CB_OK;
}

static int st_fl_dump_lst(struct st_nl *s, struct st_flst_ctx *d)
{
	int err = st_nl_talk(s, st_msg(s, SYNWATCH_CMD_GET_LISTENER,
				      NLM_F_DUMP), st_flst_dump_cb, d);

	return err ? err : d->n;
}

/* GET_LISTENER dump: how many (may exceed max), or -errno. */
int st_fl_listener(struct st_nl *s, uint16_t port, struct st_flst *l)
{
	struct st_flst_ctx d = { l, 1, 0, port };
	int n = st_fl_dump_lst(s, &d);

	return n > 1 ? 1 : n;
}

/* An alert event as the tests look at it, from libsynwatch's decoding. */
static void st_falert_from(const struct swl_event *ev, struct st_falert *al)
{
	const struct swl_alert *in = &ev->alert;

	memset(al, 0, sizeof(*al));
	al->type = ev->type;
	al->seq = ev->seq;
	al->subseq = ev->sub_seq;
	al->time_ns = ev->time_ns;
	al->reason = in->reason;
	al->cookies = in->cookies;
	al->duration_ms = in->duration_ms;
	al->suppressed = in->suppressed;
	al->peak = in->peak_rate;
	st_flst_from(&in->listener, &al->l);
	for (unsigned int i = 0; i < in->nsources &&
	     i < SYNWATCH_MAX_TOP_SOURCES; i++) {
		struct st_fsrc *s = &al->src[al->nsrc++];

		s->family = in->sources[i].family;
		s->plen = in->sources[i].prefix_len;
		memcpy(s->prefix, in->sources[i].prefix.raw, sizeof(s->prefix));
		s->syns = in->sources[i].syns;
	}
}

int st_fl_alert_next(struct st_nl *s, struct st_falert *al,
		  int timeout_ms)
{
	uint64_t end = st_now_us() + (uint64_t)timeout_ms * 1000;

	for (;;) {
		uint64_t now = st_now_us();
		struct swl_event ev;
		struct nlmsghdr *m;
		int r;

		if (now >= end)
			return 0;
		/* several events may share a datagram: st_nl_ev_msg() */
		r = st_nl_ev_msg(s, &m, (int)((end - now) / 1000) + 1);
		if (r <= 0)
			return r;
		/* a message that does not decode fails the test */
		if (swl_decode_event(m, &ev))
			return -EBADMSG;
		if (ev.type >= SYNWATCH_EVENT_FLOOD_START) {
			st_falert_from(&ev, al);
			return 1;
		}
	}
}

int st_fl_alert_wait(struct st_nl *s, struct st_fl_alerts *log,
		  int type, int timeout_ms)
{
	uint64_t end = st_now_us() + (uint64_t)timeout_ms * 1000;
	struct st_falert al;
	int r;

	for (;;) {
		uint64_t now = st_now_us();

		if (now >= end)
			return 0;
		r = st_fl_alert_next(s, &al, (int)((end - now) / 1000) + 1);
		if (r <= 0)
			return r;
		if (log->n < FL_ALERTS_MAX)
			log->a[log->n++] = al;
		if (al.type == type)
			return 1;
	}
}

int st_fl_alert_count(const struct st_fl_alerts *log, int type,
		   const struct st_falert **last)
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

int st_fl_config(struct st_nl *s, const struct st_flcfg *c)
{
	static const struct { size_t off; int attr; } u32s[] = {
		{ offsetof(struct st_flcfg, ho_high),
		  SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH },
		{ offsetof(struct st_flcfg, ho_low),
		  SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW },
		{ offsetof(struct st_flcfg, rate_high),
		  SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH },
		{ offsetof(struct st_flcfg, rate_low),
		  SYNWATCH_A_CONFIG_FLOOD_RATE_LOW },
		{ offsetof(struct st_flcfg, hold_ms),
		  SYNWATCH_A_CONFIG_FLOOD_HOLD_MS },
		{ offsetof(struct st_flcfg, update_ms),
		  SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS },
		{ offsetof(struct st_flcfg, max_conns),
		  SYNWATCH_A_CONFIG_MAX_CONNS },
	};
	struct nlmsghdr *nlh = st_msg(s, SYNWATCH_CMD_SET_CONFIG, 0);
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
	return st_nl_talk(s, nlh, NULL, NULL);
}

/* A filter nest: remote address raddr (alen bytes), local port lport. */
static void st_fl_put_filter(struct nlmsghdr *nlh, const uint8_t *raddr,
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

int st_fl_dump_from(struct st_nl *s, const uint8_t *raddr, int alen,
		 int lport, struct st_conn *out, int max)
{
	struct nlmsghdr *nlh = st_msg(s, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);
	struct st_dump_ctx d = { out, max, 0 };
	int err;

	st_fl_put_filter(nlh, raddr, alen, lport, 0);
	err = st_nl_talk(s, nlh, st_dump_cb, &d);
	return err ? err : d.n;
}

int st_fl_subscribe_from(struct st_nl *s, const uint8_t *raddr,
		      int alen, int lport)
{
	struct nlmsghdr *nlh = st_msg(s, SYNWATCH_CMD_SUBSCRIBE, 0);

	st_fl_put_filter(nlh, raddr, alen, lport,
		      (1U << SYNWATCH_EVENT_NEW) | (1U << SYNWATCH_EVENT_STATE) |
		      (1U << SYNWATCH_EVENT_DESTROY));
	return st_nl_talk(s, nlh, NULL, NULL);
}

bool st_fl_tracked(const struct st_conn *c)
{
	return c->state == SYNWATCH_STATE_ESTABLISHED &&
	       !(c->flags & (SYNWATCH_CONN_F_PICKUP | SYNWATCH_CONN_F_ACTIVE)) &&
	       !strncmp(c->hist, "sH", 2) && strchr(c->hist, 'a') &&
	       c->has_synack_rtt;
}

int st_fl_spawn(struct st_fl_proc *p, int nsfd, char *const argv[])
{
	int pfd[2];

	memset(p, 0, sizeof(*p));
	if (pipe(pfd))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	p->start_ns = st_fl_real_ns();
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

bool st_fl_running(struct st_fl_proc *p)
{
	if (!p->reaped && waitpid(p->pid, &p->status, WNOHANG) == p->pid) {
		p->reaped = true;
		p->end_ns = st_fl_real_ns();
	}
	return !p->reaped;
}

int st_fl_wait(struct st_fl_proc *p)
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
		p->end_ns = st_fl_real_ns();
	}
	return WIFEXITED(p->status) ? WEXITSTATUS(p->status) :
				      128 + WTERMSIG(p->status);
}

int st_fl_synflood(struct st_fl_proc *p, struct st_topo *t,
		const char *src, const char *duration,
		const char *rate)
{
	char *argv[] = { FL_SYNFLOOD, "-s", (char *)src, "-d",
			 (char *)duration, "-r", (char *)rate,
			 (char *)t->sb, "80", NULL };

	return st_fl_spawn(p, t->fa, argv);
}

uint64_t st_fl_synflood_sent(const struct st_fl_proc *p, double *pps)
{
	unsigned long long sent = 0;
	const char *l = strstr(p->buf, "synflood: sent ");
	double secs;

	if (!l || sscanf(l, "synflood: sent %llu packets in %lf s: %lf pps",
			 &sent, &secs, pps) != 3)
		return 0;
	return sent;
}

static void *st_fl_server_run(void *arg)
{
	struct st_fl_server *sv = arg;

	while (!sv->stop) {
		int fd;

		if (st_fd_wait(sv->lfd, POLLIN, 20) <= 0)
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

int st_fl_server_start(struct st_fl_server *sv, int lfd, bool close)
{
	memset(sv, 0, sizeof(*sv));
	sv->lfd = lfd;
	sv->close_at_once = close;
	return -pthread_create(&sv->th, NULL, st_fl_server_run, sv);
}

void st_fl_server_stop(struct st_fl_server *sv)
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

void *st_fl_client_run(void *arg)
{
	struct st_fl_client *c = arg;
	uint64_t start = st_now_us();
	int i;

	for (i = 0; i < c->count && i < FL_MAX_CONNS; i++) {
		int fd, err = 0;
		socklen_t el = sizeof(err);

		if (c->rate > 0) {
			uint64_t due = start + (uint64_t)(i * 1e6 / c->rate);
			uint64_t now = st_now_us();

			if (due > now)
				usleep((useconds_t)(due - now));
		}
		fd = st_tcp_connect(c->t, c->nsfd, c->laddr, 0, c->raddr, c->port,
				 true);
		if (fd < 0 || st_fd_wait(fd, POLLOUT, 5000) <= 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) || err) {
			if (fd >= 0)
				close(fd);
			c->failed++;
			continue;
		}
		c->ports[c->ok] = st_sock_port(fd);
		if (c->keep)
			c->fds[c->ok] = fd;
		else
			close(fd);
		c->ok++;
	}
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	return NULL;
}

bool st_fl_client_done(struct st_fl_client *c)
{
	return __atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
}

int st_fl_client_start(struct st_fl_client *c)
{
	return -pthread_create(&c->th, NULL, st_fl_client_run, c);
}

void st_fl_client_join(struct st_fl_client *c)
{
	if (c->th)
		pthread_join(c->th, NULL);
	c->th = 0;
}

void st_fl_client_close(struct st_fl_client *c)
{
	int i;

	st_fl_client_join(c);
	for (i = 0; c->keep && i < c->ok; i++)
		close(c->fds[i]);
	c->ok = 0;
}

bool st_fl_client_had(const struct st_fl_client *c, uint16_t p)
{
	int i;

	for (i = 0; i < c->ok; i++)
		if (c->ports[i] == p)
			return true;
	return false;
}
