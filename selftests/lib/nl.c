// SPDX-License-Identifier: GPL-2.0
/* The generic netlink session: nl.h. */
#include "nl.h"
#include "records.h"

static int st_nl_ctrl_cb(const struct nlmsghdr *nlh, void *data)
{
	struct st_nl *s = data;
	struct nlattr *a, *g, *ga;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			s->fam = mnl_attr_get_u16(a);
		if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(g, a) {
			const char *name = NULL;
			uint32_t id = 0;

			mnl_attr_for_each_nested(ga, g) {
				if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_NAME)
					name = mnl_attr_get_str(ga);
				if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_ID)
					id = mnl_attr_get_u32(ga);
			}
			if (name && !strcmp(name, SYNWATCH_MCGRP_CONN_NAME))
				s->grp[SYNWATCH_MCGRP_CONN] = id;
			if (name && !strcmp(name, SYNWATCH_MCGRP_ALERT_NAME))
				s->grp[SYNWATCH_MCGRP_ALERT] = id;
		}
	}
	return MNL_CB_OK;
}

static int st_nl_extack_cb(const struct nlattr *attr, void *data)
{
	struct st_nl *s = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
		snprintf(s->ext, sizeof(s->ext), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

int st_nl_talk(struct st_nl *s, struct nlmsghdr *nlh,
	      mnl_cb_t cb, void *data)
{
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;

	s->ext[0] = '\0';
	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *m;
		int len;

		n = mnl_socket_recvfrom(s->nl, s->buf, ST_NL_BUF);
		if (n < 0)
			return -errno;
		len = n;
		for (m = (struct nlmsghdr *)s->buf; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != seq)
				continue;	/* an event, or stale */
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);
				size_t off = sizeof(*e);

				if (!(m->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len -
					       sizeof(struct nlmsghdr);
				if (m->nlmsg_flags & NLM_F_ACK_TLVS)
					mnl_attr_parse(m, off, st_nl_extack_cb, s);
				return e->error;
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (mnl_nlmsg_get_payload_len(m) >= sizeof(int))
					err = *(int *)mnl_nlmsg_get_payload(m);
				if (err && (m->nlmsg_flags & NLM_F_ACK_TLVS))
					mnl_attr_parse(m, sizeof(int),
						       st_nl_extack_cb, s);
				return err;
			}
			if (cb && cb(m, data) < 0)
				return -EBADMSG;
		}
	}
}

struct nlmsghdr *st_nl_msg(struct st_nl *s, uint16_t type,
					uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(s->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++s->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = SYNWATCH_GENL_VERSION;
	return nlh;
}

struct nlmsghdr *st_msg(struct st_nl *s, uint8_t cmd,
				      uint16_t flags)
{
	return st_nl_msg(s, s->fam, cmd,
			flags | ((flags & NLM_F_DUMP) ? 0 : NLM_F_ACK));
}

void st_nl_close(struct st_nl *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s->buf);
	free(s->evbuf);
	memset(s, 0, sizeof(*s));
}

int st_nl_open(struct st_nl *s)
{
	struct timeval tmo = { .tv_sec = 5 };
	struct nlmsghdr *nlh;
	int one = 1, err;

	memset(s, 0, sizeof(*s));
	s->buf = malloc(ST_NL_BUF);
	s->evbuf = malloc(ST_NL_BUF);
	s->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!s->buf || !s->evbuf || !s->nl)
		goto fail;
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = time(NULL);
	/* a reply that never comes fails the test instead of hanging it */
	setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVTIMEO, &tmo,
		   sizeof(tmo));
	mnl_socket_setsockopt(s->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	nlh = st_nl_msg(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SYNWATCH_GENL_NAME);
	err = st_nl_talk(s, nlh, st_nl_ctrl_cb, s);
	if (err) {
		st_nl_close(s);
		return err;
	}
	return 0;
fail:
	err = -errno ?: -ENOMEM;
	st_nl_close(s);
	return err;
}

int st_nl_open_ns(struct st_nl *s, struct st_topo *t, int nsfd)
{
	int err = st_ns_enter(nsfd);

	if (err)
		return err;
	err = st_nl_open(s);
	st_ns_enter(t->self);
	return err;
}

/*
 * The record as userspace/lib decodes it (every attribute's type and
 * length checked), in the fields the tests read.
 */
static void st_conn_from(const struct swl_conn *r, struct st_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->family = r->family;
	c->state = r->state;
	c->reason = r->close_reason;
	c->closer = r->closer;
	memcpy(c->laddr, r->laddr.raw, sizeof(c->laddr));
	memcpy(c->raddr, r->raddr.raw, sizeof(c->raddr));
	c->lport = r->lport;
	c->rport = r->rport;
	c->flags = r->flags;
	c->age_ms = r->age_ms;
	c->state_age_ms = r->state_age_ms;
	c->idle_ms = r->idle_ms;
	c->timeout_ms = r->timeout_ms;
	c->has_timeout = SWL_HAS(r, SYNWATCH_A_CONN_TIMEOUT_MS);
	c->has_isn_l = SWL_HAS(r, SYNWATCH_A_CONN_ISN_LOCAL);
	c->has_isn_r = SWL_HAS(r, SYNWATCH_A_CONN_ISN_REMOTE);
	c->isn_l = r->isn_local;
	c->isn_r = r->isn_remote;
	c->mss_l = r->mss_local;
	c->mss_r = r->mss_remote;
	c->wscale_l = SWL_HAS(r, SYNWATCH_A_CONN_WSCALE_LOCAL) ?
		      r->wscale_local : -1;
	c->wscale_r = SWL_HAS(r, SYNWATCH_A_CONN_WSCALE_REMOTE) ?
		      r->wscale_remote : -1;
	c->has_syn_rtt = SWL_HAS(r, SYNWATCH_A_CONN_SYN_TO_SYNACK_US);
	c->has_synack_rtt = SWL_HAS(r, SYNWATCH_A_CONN_SYNACK_TO_ACK_US);
	c->syn_rtt = r->syn_to_synack_us;
	c->synack_rtt = r->synack_to_ack_us;
	c->rtx_syn = r->rtx_syn;
	c->rtx_synack = r->rtx_synack;
	c->rtx_fin = r->rtx_fin;
	c->pkts_in = r->pkts_in;
	c->pkts_out = r->pkts_out;
	c->bytes_in = r->bytes_in;
	c->bytes_out = r->bytes_out;
	snprintf(c->hist, sizeof(c->hist), "%s", r->history);
}

int st_conn_parse(const struct nlattr *nest, struct st_conn *c)
{
	struct swl_conn r;

	if (swl_decode_conn(nest, &r)) {
		fprintf(stderr, "bad SYNWATCH_A_CONN: %s\n", swl_decode_error());
		memset(c, 0, sizeof(*c));
		return -EBADMSG;
	}
	st_conn_from(&r, c);
	return 0;
}

void st_put_filter(struct nlmsghdr *nlh, const struct st_filt *f)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, SYNWATCH_A_FILTER);

	if (f->lport >= 0) {
		mnl_attr_put_u16(nlh, SYNWATCH_A_FILTER_LPORT_MIN, f->lport);
		mnl_attr_put_u16(nlh, SYNWATCH_A_FILTER_LPORT_MAX, f->lport);
	}
	if (f->rport >= 0) {
		mnl_attr_put_u16(nlh, SYNWATCH_A_FILTER_RPORT_MIN, f->rport);
		mnl_attr_put_u16(nlh, SYNWATCH_A_FILTER_RPORT_MAX, f->rport);
	}
	if (f->netns_fd >= 0)
		mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_NETNS_FD, f->netns_fd);
	if (f->state_mask)
		mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_STATE_MASK,
				 f->state_mask);
	if (f->event_mask)
		mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_EVENT_MASK,
				 f->event_mask);
	if (f->family)
		mnl_attr_put_u8(nlh, SYNWATCH_A_FILTER_FAMILY, f->family);
	if (f->batch_bytes)
		mnl_attr_put_u32(nlh, SYNWATCH_A_FILTER_BATCH_BYTES,
				 f->batch_bytes);
	mnl_attr_nest_end(nlh, n);
}

int st_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct st_dump_ctx *d = data;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SYNWATCH_A_CONN)
			continue;
		if (d->n < d->max && st_conn_parse(a, &d->out[d->n]))
			return MNL_CB_ERROR;	/* a record that does not decode */
		d->n++;
	}
	return MNL_CB_OK;
}

int st_dump(struct st_nl *s, const struct st_filt *f,
	    struct st_conn *out, int max)
{
	struct nlmsghdr *nlh = st_msg(s, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);
	struct st_dump_ctx d = { out, max, 0 };
	int err;

	if (f)
		st_put_filter(nlh, f);
	err = st_nl_talk(s, nlh, st_dump_cb, &d);
	return err ? err : d.n;
}

int st_find(struct st_nl *s, int lport, int rport, struct st_conn *c)
{
	struct st_filt f = FILT_ANY;
	struct st_conn tmp[4];
	int n;

	f.lport = lport;
	f.rport = rport;
	n = st_dump(s, &f, tmp, 4);
	if (n > 0)
		*c = tmp[0];
	return n;
}

int st_wait_state(struct st_nl *s, int lport, int rport, int st,
		  int timeout_ms, struct st_conn *c)
{
	uint64_t end = st_now_us() + (uint64_t)timeout_ms * 1000;
	struct st_conn tmp;

	if (!c)
		c = &tmp;
	for (;;) {
		int n = st_find(s, lport, rport, c);

		if (n < 0)
			return n;
		if ((st == -2 && n == 0) || (st == -1 && n > 0) ||
		    (st >= 0 && n > 0 && c->state == st))
			return 0;
		if (st_now_us() >= end)
			return -ETIMEDOUT;
		usleep(10000);
	}
}

int st_topo_pair(struct st_topo *t, struct st_nl *na, struct st_nl *nb,
	      uint16_t cport, uint16_t sport, int *lfd, int *a,
	      int *b)
{
	*lfd = st_tcp_listen(t, t->fb, t->addr_b, sport);
	if (*lfd < 0)
		return *lfd;
	*a = st_tcp_connect(t, t->fa, t->addr_a, cport, t->addr_b, sport, false);
	if (*a < 0)
		return *a;
	*b = accept(*lfd, NULL, NULL);
	if (*b < 0)
		return -errno;
	if (st_wait_state(na, cport, sport, SYNWATCH_STATE_ESTABLISHED, 2000,
			  NULL))
		return -ETIMEDOUT;
	return st_wait_state(nb, sport, cport, SYNWATCH_STATE_ESTABLISHED,
			     2000, NULL);
}

static int st_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SYNWATCH_A_MAX + 1];
	struct st_stats *st = data;
	struct swl_stats r;

	if (swl_parse_top(nlh, tb) < 0 || !tb[SYNWATCH_A_STATS] ||
	    swl_decode_stats(tb[SYNWATCH_A_STATS], &r)) {
		fprintf(stderr, "bad GET_STATS reply: %s\n", swl_decode_error());
		return MNL_CB_ERROR;
	}
	memcpy(st->v, r.val, sizeof(st->v));
	memcpy(st->inval, r.invalid, sizeof(st->inval));
	return MNL_CB_OK;
}

int st_get_stats(struct st_nl *s, struct st_stats *st)
{
	memset(st, 0, sizeof(*st));
	return st_nl_talk(s, st_msg(s, SYNWATCH_CMD_GET_STATS, 0), st_stats_cb, st);
}

int st_cmd(struct st_nl *s, uint8_t cmd)
{
	return st_nl_talk(s, st_msg(s, cmd, 0), NULL, NULL);
}

int st_set_timeout(struct st_nl *s, int state, uint32_t secs)
{
	struct nlmsghdr *nlh = st_msg(s, SYNWATCH_CMD_SET_CONFIG, 0);
	struct nlattr *c, *t;

	c = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG);
	t = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG_TIMEOUTS);
	mnl_attr_put_u32(nlh, state + 1, secs);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, c);
	return st_nl_talk(s, nlh, NULL, NULL);
}

int st_subscribe(struct st_nl *s, const struct st_filt *f)
{
	struct nlmsghdr *nlh = st_msg(s, SYNWATCH_CMD_SUBSCRIBE, 0);

	if (f)
		st_put_filter(nlh, f);
	return st_nl_talk(s, nlh, NULL, NULL);
}

int st_ev_parse(const struct nlmsghdr *nlh, struct st_ev *e)
{
	struct swl_event r;

	memset(e, 0, sizeof(*e));
	if (swl_decode_event(nlh, &r)) {
		fprintf(stderr, "bad event: %s\n", swl_decode_error());
		return -EBADMSG;
	}
	e->type = r.type;
	e->old = r.old_state;
	e->new = r.new_state;
	e->tcpflags = r.tcp_flags;
	e->has_pkt = SWL_HAS(&r, SYNWATCH_A_EVENT_TCP_FLAGS);
	e->dir = r.dir;
	e->seq = r.seq;
	e->subseq = r.sub_seq;
	e->time_ns = r.time_ns;
	e->has_conn = r.has_conn;
	if (r.has_conn)
		st_conn_from(&r.conn, &e->c);
	return e->type ? 0 : -EBADMSG;
}

int st_nl_ev_msg(struct st_nl *s, struct nlmsghdr **m,
		int timeout_ms)
{
	int fd = mnl_socket_get_fd(s->nl), r;
	ssize_t n;

	for (;;) {
		while (s->evnext && mnl_nlmsg_ok(s->evnext, s->evlen)) {
			*m = s->evnext;
			s->evnext = mnl_nlmsg_next(s->evnext, &s->evlen);
			if ((*m)->nlmsg_type == s->fam)
				return 1;
		}
		s->evnext = NULL;
		r = st_fd_wait(fd, POLLIN, timeout_ms);
		if (r <= 0)
			return r;
		n = recv(fd, s->evbuf, ST_NL_BUF, 0);
		if (n < 0)
			return -errno;
		s->evnext = (struct nlmsghdr *)s->evbuf;
		s->evlen = (int)n;
	}
}

int st_ev_next(struct st_nl *s, struct st_ev *e, int timeout_ms)
{
	struct nlmsghdr *m;
	int r = st_nl_ev_msg(s, &m, timeout_ms);

	if (r <= 0)
		return r;
	return st_ev_parse(m, e) ? -EBADMSG : 1;
}

int st_ev_wait(struct st_nl *s, struct st_evlog *log, int type, int st,
	    int timeout_ms)
{
	uint64_t end = st_now_us() + (uint64_t)timeout_ms * 1000;
	struct st_ev e;
	int i, r;

	/* already there? */
	for (i = 0; i < log->n; i++)
		if (log->ev[i].type == type &&
		    (st < 0 || log->ev[i].new == st))
			return 1;
	for (;;) {
		uint64_t now = st_now_us();

		if (now >= end)
			return 0;
		r = st_ev_next(s, &e, (int)((end - now) / 1000) + 1);
		if (r <= 0)
			return r;
		if (log->n < EVLOG_MAX)
			log->ev[log->n++] = e;
		if (e.type == type && (st < 0 || e.new == st))
			return 1;
	}
}

int st_ev_drain(struct st_nl *s, struct st_evlog *log, int ms)
{
	struct st_ev e;
	int r, got = 0;

	while ((r = st_ev_next(s, &e, ms)) > 0) {
		if (log->n < EVLOG_MAX)
			log->ev[log->n++] = e;
		got++;
	}
	return r < 0 ? r : got;
}

static const char *st_flags_str(uint8_t f, char *buf)
{
	static const char l[] = "FSRPAU";
	int i, n = 0;

	for (i = 0; i < 6; i++)
		if (f & (1 << i))
			buf[n++] = l[i];
	buf[n] = '\0';
	return buf;
}

static const char *st_ev_type_str(uint8_t t)
{
	switch (t) {
	case SYNWATCH_EVENT_NEW: return "NEW";
	case SYNWATCH_EVENT_STATE: return "STATE";
	case SYNWATCH_EVENT_DESTROY: return "DESTROY";
	default: return "?";
	}
}

const char *st_ev_trail(struct st_evlog *log)
{
	char fl[8];
	int i, n = 0;

	log->trail[0] = '\0';
	for (i = 0; i < log->n; i++) {
		const struct st_ev *e = &log->ev[i];

		n += snprintf(log->trail + n, sizeof(log->trail) - n,
			      "%s%s %s", i ? ", " : "", st_ev_type_str(e->type),
			      st_state_name(e->type == SYNWATCH_EVENT_DESTROY ?
				      e->old : e->new));
		if (e->has_pkt)
			n += snprintf(log->trail + n, sizeof(log->trail) - n,
				      " %s/%s", st_flags_str(e->tcpflags, fl),
				      e->dir == SYNWATCH_DIR_IN ? "in" : "out");
		if ((size_t)n >= sizeof(log->trail))
			break;
	}
	return log->trail;
}

const char *st_ev_states(struct st_evlog *log, char *buf, size_t len)
{
	int i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < log->n && (size_t)n < len; i++) {
		const struct st_ev *e = &log->ev[i];

		if (e->type == SYNWATCH_EVENT_DESTROY)
			n += snprintf(buf + n, len - n, "%sDESTROY",
				      n ? " " : "");
		else
			n += snprintf(buf + n, len - n, "%s%s", n ? " " : "",
				      st_state_name(e->new));
	}
	return buf;
}

bool st_ev_chained(const struct st_evlog *log)
{
	int i;

	for (i = 1; i < log->n; i++)
		if (log->ev[i].old != log->ev[i - 1].new &&
		    log->ev[i].type != SYNWATCH_EVENT_NEW)
			return false;
	return true;
}
