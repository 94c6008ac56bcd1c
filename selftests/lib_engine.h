/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the engine selftests (selftests/engine_*.c), header-only so
 * that the Makefile does not build it as a test of its own:
 *
 *  - topo_*: two network namespaces A and B joined by veth, IPv4 or IPv6,
 *    fixed MAC addresses and permanent neighbours (no ARP/ND races);
 *  - swnl_*: a generic netlink session with the synwatch module (libmnl):
 *    stats, connection dumps, config, subscriptions and their events;
 *  - pd_*: a mini-packetdrill. The real TCP stack under test runs in A; the
 *    peer in B is a script that reads A's segments with AF_PACKET on B's
 *    veth and answers with segments it builds itself, also sent with
 *    AF_PACKET (so that B's own netfilter never sees them). An nft rule in
 *    B drops what arrives for the script's port, so that B's kernel never
 *    answers for it. pd_out_*() sends a segment as if A's stack had sent it,
 *    through a raw IP socket in A: it crosses A's LOCAL_OUT hook.
 *
 * Every function returns a negative errno (or -1) on failure; the tests
 * ASSERT on it.
 */
#ifndef SW_LIB_ENGINE_H
#define SW_LIB_ENGINE_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>
#include <linux/synwatch.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* TCP flags, header byte 13 */
#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10
#define F_URG	0x20

#define IP4_A	"198.18.0.1"
#define IP4_B	"198.18.0.2"
#define IP6_A	"2001:db8::1"
#define IP6_B	"2001:db8::2"
#define MAC_A	"02:5a:00:00:00:0a"
#define MAC_B	"02:5a:00:00:00:0b"

static const char *const sw_state_str[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
	"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
	"TIME_WAIT",
};

static inline const char *st_name(unsigned int s)
{
	return s <= SYNWATCH_STATE_MAX ? sw_state_str[s] : "?";
}

static inline uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * How much slower than a plain kernel this one runs: run_tests.sh's
 * TEST_TIMEOUT_SCALE (5 on the KASAN/lockdep debug build), 1 if unset. A
 * latency a test asserts in wall-clock time is multiplied by it; on the
 * kernels CI runs, it is 1 and the budget is the documented one.
 */
static inline unsigned int slow_scale(void)
{
	const char *s = getenv("TEST_TIMEOUT_SCALE");
	int v = s ? atoi(s) : 1;

	return v > 0 ? (unsigned int)v : 1;
}

/*
 * The harness gives each test 30 s unless TEST_F_TIMEOUT says otherwise:
 * on the debug kernel with the host busy (a benchmark beside the VM),
 * genl_netns_perm's tests ran out of it. The limit is only there to
 * end a hung test, so it is generous: 120 s, and a test that needs more
 * still says so. TEST_F() expands it where each test is declared, after
 * this.
 */
#ifdef TEST_TIMEOUT_DEFAULT
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120
#endif

/* Run a shell command (printf format); returns its exit status. */
static inline int sh(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fflush(stderr);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc))
		return -1;
	return WEXITSTATUS(rc);
}

/* ------------------------------------------------------------------ */
/* Namespaces                                                         */
/* ------------------------------------------------------------------ */

struct topo {
	int family;
	char a[48], b[48];		/* netns names */
	int fa, fb, self;		/* netns fds */
	int ifa, ifb;			/* ifindex of veth0 in A, in B */
	uint8_t mac_a[6], mac_b[6];
	uint8_t addr_a[16], addr_b[16];	/* 4 or 16 bytes used */
	int alen;
	const char *sa, *sb;		/* address strings */
	bool up;
};

static inline int ns_enter(int fd)
{
	return setns(fd, CLONE_NEWNET) ? -errno : 0;
}

/*
 * The TCP segments the stack of netns nsfd received (Tcp: InSegs) and
 * sent (OutSegs: every segment but retransmitted data) so far, from its
 * /proc/net/snmp, read from this thread (/proc/thread-self: setns() moves
 * the thread, not the process). With one connection in a netns, what
 * synwatch counts for it must agree with these, however many ACKs the
 * stack chose to send. 0, or -errno.
 */
static inline int tcp_mib(struct topo *t, int nsfd, uint64_t *in,
			  uint64_t *out)
{
	char names[2048], vals[2048], *n, *v, *sn, *sv;
	int err, found = 0;
	FILE *f;

	err = ns_enter(nsfd);
	if (err)
		return err;
	f = fopen("/proc/thread-self/net/snmp", "r");
	err = f ? 0 : -errno;
	ns_enter(t->self);
	if (!f)
		return err;
	/* a line of names, then a line of values, per protocol */
	while (fgets(names, sizeof(names), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(names, "Tcp:", 4) || strncmp(vals, "Tcp:", 4))
			continue;
		for (n = strtok_r(names + 4, " \n", &sn),
		     v = strtok_r(vals + 4, " \n", &sv); n && v;
		     n = strtok_r(NULL, " \n", &sn),
		     v = strtok_r(NULL, " \n", &sv)) {
			if (!strcmp(n, "InSegs")) {
				*in = strtoull(v, NULL, 10);
				found++;
			} else if (!strcmp(n, "OutSegs")) {
				*out = strtoull(v, NULL, 10);
				found++;
			}
		}
	}
	fclose(f);
	return found == 2 ? 0 : -ENOENT;
}

/* socket() in the netns nsfd, back to self afterwards. */
static inline int ns_socket(struct topo *t, int nsfd, int dom, int type,
			    int proto)
{
	int fd, err;

	err = ns_enter(nsfd);
	if (err)
		return err;
	fd = socket(dom, type, proto);
	if (fd < 0)
		fd = -errno;
	ns_enter(t->self);
	return fd;
}

static inline void parse_mac(const char *s, uint8_t *m)
{
	unsigned int v[6];
	int i;

	sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
	       &v[5]);
	for (i = 0; i < 6; i++)
		m[i] = v[i];
}

static inline int ns_ifindex(struct topo *t, int nsfd, const char *ifname)
{
	int idx, err = ns_enter(nsfd);

	if (err)
		return err;
	idx = if_nametoindex(ifname);
	ns_enter(t->self);
	return idx ? idx : -ENODEV;
}

static inline void topo_down(struct topo *t)
{
	if (t->fa > 0)
		close(t->fa);
	if (t->fb > 0)
		close(t->fb);
	if (t->self > 0) {
		ns_enter(t->self);
		close(t->self);
	}
	if (t->a[0])
		sh("ip netns del %s 2>/dev/null", t->a);
	if (t->b[0])
		sh("ip netns del %s 2>/dev/null", t->b);
	memset(t, 0, sizeof(*t));
}

/*
 * A (veth0, MAC_A, IP4_A/IP6_A) <-> B (veth0, MAC_B, IP4_B/IP6_B); the
 * calling thread stays in its own netns.
 */
static inline int topo_up(struct topo *t, int family, const char *tag)
{
	char path[96];
	int v6 = family == AF_INET6;
	const char *pfx = v6 ? "/64 nodad" : "/24";

	memset(t, 0, sizeof(*t));
	t->family = family;
	snprintf(t->a, sizeof(t->a), "swe-%s-a-%d", tag, getpid());
	snprintf(t->b, sizeof(t->b), "swe-%s-b-%d", tag, getpid());
	t->sa = v6 ? IP6_A : IP4_A;
	t->sb = v6 ? IP6_B : IP4_B;
	t->alen = v6 ? 16 : 4;
	inet_pton(family, t->sa, t->addr_a);
	inet_pton(family, t->sb, t->addr_b);
	parse_mac(MAC_A, t->mac_a);
	parse_mac(MAC_B, t->mac_b);
	if (sh("set -e; ip netns add %s; ip netns add %s;"
	       "ip -n %s link set lo up; ip -n %s link set lo up;"
	       "ip link add veth0 netns %s type veth peer name veth0 netns %s;"
	       "ip -n %s link set veth0 address " MAC_A ";"
	       "ip -n %s link set veth0 address " MAC_B ";"
	       "ip -n %s addr add %s%s dev veth0;"
	       "ip -n %s addr add %s%s dev veth0;"
	       "ip -n %s link set veth0 up; ip -n %s link set veth0 up;"
	       "ip -n %s neigh replace %s lladdr " MAC_B " dev veth0 nud permanent;"
	       "ip -n %s neigh replace %s lladdr " MAC_A " dev veth0 nud permanent;"
	       /*
		* A slow TCG guest must not make the stacks retransmit
		* a FIN whose ACK is merely delayed (40 ms) or late: that
		* would add T/t letters to histories at random. No tail
		* loss probe (it fires 200 ms after a lone FIN), an RTO
		* of at least 2 s; SYNs keep their 1 s initial RTO.
		*/
	       "ip netns exec %s sysctl -qw net.ipv4.tcp_early_retrans=0;"
	       "ip netns exec %s sysctl -qw net.ipv4.tcp_early_retrans=0;"
	       "ip -n %s route replace %s dev veth0 rto_min 2s;"
	       "ip -n %s route replace %s dev veth0 rto_min 2s",
	       t->a, t->b, t->a, t->b, t->a, t->b, t->a, t->b,
	       t->a, t->sa, pfx, t->b, t->sb, pfx, t->a, t->b,
	       t->a, t->sb, t->b, t->sa, t->a, t->b,
	       t->a, v6 ? "2001:db8::/64" : "198.18.0.0/24",
	       t->b, v6 ? "2001:db8::/64" : "198.18.0.0/24"))
		goto fail;
	t->self = open("/proc/self/ns/net", O_RDONLY);
	snprintf(path, sizeof(path), "/run/netns/%s", t->a);
	t->fa = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/run/netns/%s", t->b);
	t->fb = open(path, O_RDONLY);
	if (t->self < 0 || t->fa < 0 || t->fb < 0)
		goto fail;
	t->ifa = ns_ifindex(t, t->fa, "veth0");
	t->ifb = ns_ifindex(t, t->fb, "veth0");
	if (t->ifa < 0 || t->ifb < 0)
		goto fail;
	t->up = true;
	return 0;
fail:
	topo_down(t);
	return -1;
}

/* Fill a sockaddr for addr (A's or B's) and port. */
static inline socklen_t topo_sa(const struct topo *t, const uint8_t *addr,
				uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (t->family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		memcpy(&s->sin_addr, addr, 4);
		return sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		memcpy(&s->sin6_addr, addr, 16);
		return sizeof(*s);
	}
}

/* A TCP socket in nsfd bound to addr:port (port 0: any); -errno. */
static inline int tcp_sock(struct topo *t, int nsfd, const uint8_t *addr,
			   uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl = topo_sa(t, addr, port, &ss);
	int one = 1, fd;

	fd = ns_socket(t, nsfd, t->family, SOCK_STREAM, 0);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static inline int tcp_listen(struct topo *t, int nsfd, const uint8_t *addr,
			     uint16_t port)
{
	int fd = tcp_sock(t, nsfd, addr, port);

	if (fd >= 0 && listen(fd, 16)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Blocking connect from (nsfd, laddr:lport) to raddr:rport. */
static inline int tcp_connect(struct topo *t, int nsfd, const uint8_t *laddr,
			      uint16_t lport, const uint8_t *raddr,
			      uint16_t rport, bool nonblock)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = tcp_sock(t, nsfd, laddr, lport);

	if (fd < 0)
		return fd;
	if (nonblock)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	sl = topo_sa(t, raddr, rport, &ss);
	if (connect(fd, (struct sockaddr *)&ss, sl) &&
	    !(nonblock && errno == EINPROGRESS)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static inline uint16_t sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* Wait until fd is readable (or writable); 1 ready, 0 timeout. */
static inline int fd_wait(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, timeout_ms);

	return n < 0 ? -errno : n;
}

/* ------------------------------------------------------------------ */
/* Netlink                                                            */
/* ------------------------------------------------------------------ */

#define SWNL_BUF	(64 * 1024)

struct swnl {
	struct mnl_socket *nl;
	uint16_t fam;
	uint32_t portid, seq;
	uint32_t grp[__SYNWATCH_MCGRP_MAX];
	char ext[256];			/* extack message of the last error */
	char *buf;
	/* a datagram of events (several messages) being read: swnl_ev_msg() */
	char *evbuf;
	int evlen;
	struct nlmsghdr *evnext;
};

/* One connection record, as SYNWATCH_A_CONN carries it. */
struct crec {
	uint8_t family, state, reason, closer;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	uint32_t flags;
	uint64_t age_ms, state_age_ms, idle_ms, timeout_ms;
	bool has_isn_l, has_isn_r, has_syn_rtt, has_synack_rtt;
	bool has_timeout;
	uint32_t isn_l, isn_r;
	uint16_t mss_l, mss_r;		/* 0: absent */
	int wscale_l, wscale_r;		/* -1: absent */
	uint32_t syn_rtt, synack_rtt;
	uint32_t rtx_syn, rtx_synack, rtx_fin;
	uint64_t pkts_in, pkts_out, bytes_in, bytes_out;
	char hist[SYNWATCH_HISTORY_LEN + 1];
	int nattrs;
};

struct sw_ev {
	uint8_t type, old, new, tcpflags, dir;
	bool has_pkt;
	uint64_t seq, subseq, time_ns;
	bool has_conn;
	struct crec c;
};

struct sw_stats {
	uint64_t v[SYNWATCH_A_STATS_MAX + 1];
	uint64_t inval[SYNWATCH_INVALID_MAX + 1];
};

static inline int swnl_ctrl_cb(const struct nlmsghdr *nlh, void *data)
{
	struct swnl *s = data;
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

static inline int swnl_extack_cb(const struct nlattr *attr, void *data)
{
	struct swnl *s = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
		snprintf(s->ext, sizeof(s->ext), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/*
 * Send nlh, then read until its ACK, error or DONE; other messages go to
 * cb. Returns 0 or -errno (the kernel's), extack message in s->ext.
 */
static inline int swnl_talk(struct swnl *s, struct nlmsghdr *nlh,
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

		n = mnl_socket_recvfrom(s->nl, s->buf, SWNL_BUF);
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
					mnl_attr_parse(m, off, swnl_extack_cb, s);
				return e->error;
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (mnl_nlmsg_get_payload_len(m) >= sizeof(int))
					err = *(int *)mnl_nlmsg_get_payload(m);
				if (err && (m->nlmsg_flags & NLM_F_ACK_TLVS))
					mnl_attr_parse(m, sizeof(int),
						       swnl_extack_cb, s);
				return err;
			}
			if (cb && cb(m, data) < 0)
				return -EBADMSG;
		}
	}
}

/* A request in s->buf: generic netlink header for cmd, any flags. */
static inline struct nlmsghdr *swnl_msg(struct swnl *s, uint16_t type,
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

/* A synwatch request: ACKed unless a dump. */
static inline struct nlmsghdr *sw_msg(struct swnl *s, uint8_t cmd,
				      uint16_t flags)
{
	return swnl_msg(s, s->fam, cmd,
			flags | ((flags & NLM_F_DUMP) ? 0 : NLM_F_ACK));
}

static inline void swnl_close(struct swnl *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s->buf);
	free(s->evbuf);
	memset(s, 0, sizeof(*s));
}

/* Open a session in the current netns; -ENOENT without the module. */
static inline int swnl_open(struct swnl *s)
{
	struct timeval tmo = { .tv_sec = 5 };
	struct nlmsghdr *nlh;
	int one = 1, err;

	memset(s, 0, sizeof(*s));
	s->buf = malloc(SWNL_BUF);
	s->evbuf = malloc(SWNL_BUF);
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
	nlh = swnl_msg(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SYNWATCH_GENL_NAME);
	err = swnl_talk(s, nlh, swnl_ctrl_cb, s);
	if (err) {
		swnl_close(s);
		return err;
	}
	return 0;
fail:
	err = -errno ?: -ENOMEM;
	swnl_close(s);
	return err;
}

/* Open a session in the netns nsfd (the socket stays there). */
static inline int swnl_open_ns(struct swnl *s, struct topo *t, int nsfd)
{
	int err = ns_enter(nsfd);

	if (err)
		return err;
	err = swnl_open(s);
	ns_enter(t->self);
	return err;
}

static inline int crec_attr_cb(const struct nlattr *a, void *data)
{
	struct crec *c = data;
	uint16_t type = mnl_attr_get_type(a);
	int plen = mnl_attr_get_payload_len(a);

	c->nattrs++;
	switch (type) {
	case SYNWATCH_A_CONN_FAMILY: c->family = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_CONN_STATE: c->state = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_CONN_LADDR:
		memcpy(c->laddr, mnl_attr_get_payload(a), plen > 16 ? 16 : plen);
		break;
	case SYNWATCH_A_CONN_RADDR:
		memcpy(c->raddr, mnl_attr_get_payload(a), plen > 16 ? 16 : plen);
		break;
	case SYNWATCH_A_CONN_LPORT: c->lport = mnl_attr_get_u16(a); break;
	case SYNWATCH_A_CONN_RPORT: c->rport = mnl_attr_get_u16(a); break;
	case SYNWATCH_A_CONN_FLAGS: c->flags = mnl_attr_get_u32(a); break;
	case SYNWATCH_A_CONN_AGE_MS: c->age_ms = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_CONN_STATE_AGE_MS:
		c->state_age_ms = mnl_attr_get_u64(a);
		break;
	case SYNWATCH_A_CONN_IDLE_MS: c->idle_ms = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_CONN_ISN_LOCAL:
		c->isn_l = mnl_attr_get_u32(a);
		c->has_isn_l = true;
		break;
	case SYNWATCH_A_CONN_ISN_REMOTE:
		c->isn_r = mnl_attr_get_u32(a);
		c->has_isn_r = true;
		break;
	case SYNWATCH_A_CONN_MSS_LOCAL: c->mss_l = mnl_attr_get_u16(a); break;
	case SYNWATCH_A_CONN_MSS_REMOTE: c->mss_r = mnl_attr_get_u16(a); break;
	case SYNWATCH_A_CONN_WSCALE_LOCAL:
		c->wscale_l = mnl_attr_get_u8(a);
		break;
	case SYNWATCH_A_CONN_WSCALE_REMOTE:
		c->wscale_r = mnl_attr_get_u8(a);
		break;
	case SYNWATCH_A_CONN_SYN_TO_SYNACK_US:
		c->syn_rtt = mnl_attr_get_u32(a);
		c->has_syn_rtt = true;
		break;
	case SYNWATCH_A_CONN_SYNACK_TO_ACK_US:
		c->synack_rtt = mnl_attr_get_u32(a);
		c->has_synack_rtt = true;
		break;
	case SYNWATCH_A_CONN_RTX_SYN: c->rtx_syn = mnl_attr_get_u32(a); break;
	case SYNWATCH_A_CONN_RTX_SYNACK:
		c->rtx_synack = mnl_attr_get_u32(a);
		break;
	case SYNWATCH_A_CONN_RTX_FIN: c->rtx_fin = mnl_attr_get_u32(a); break;
	case SYNWATCH_A_CONN_PKTS_IN: c->pkts_in = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_CONN_PKTS_OUT: c->pkts_out = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_CONN_BYTES_IN: c->bytes_in = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_CONN_BYTES_OUT:
		c->bytes_out = mnl_attr_get_u64(a);
		break;
	case SYNWATCH_A_CONN_CLOSE_REASON:
		c->reason = mnl_attr_get_u8(a);
		break;
	case SYNWATCH_A_CONN_CLOSER: c->closer = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_CONN_HISTORY:
		snprintf(c->hist, sizeof(c->hist), "%.*s", plen,
			 (const char *)mnl_attr_get_payload(a));
		break;
	case SYNWATCH_A_CONN_TIMEOUT_MS:
		c->timeout_ms = mnl_attr_get_u64(a);
		c->has_timeout = true;
		break;
	}
	return MNL_CB_OK;
}

static inline void crec_parse(const struct nlattr *nest, struct crec *c)
{
	memset(c, 0, sizeof(*c));
	c->wscale_l = -1;
	c->wscale_r = -1;
	mnl_attr_parse_nested(nest, crec_attr_cb, c);
}

/* Connection filter for dumps, FLUSH and SUBSCRIBE; -1/0 = absent. */
struct sw_filt {
	int lport, rport;		/* exact port, -1 any */
	int netns_fd;			/* -1: none */
	uint32_t state_mask;		/* 0: none */
	uint32_t event_mask;		/* 0: none */
	int family;			/* 0: none */
	uint32_t batch_bytes;		/* 0: none */
};

#define FILT_ANY ((struct sw_filt){ .lport = -1, .rport = -1, .netns_fd = -1 })

static inline void sw_put_filter(struct nlmsghdr *nlh, const struct sw_filt *f)
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

struct dump_ctx {
	struct crec *out;
	int max, n;
};

static inline int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SYNWATCH_A_CONN)
			continue;
		if (d->n < d->max)
			crec_parse(a, &d->out[d->n]);
		d->n++;
	}
	return MNL_CB_OK;
}

/* GET_CONN dump; returns the number of records (may exceed max). */
static inline int sw_dump(struct swnl *s, const struct sw_filt *f,
			  struct crec *out, int max)
{
	struct nlmsghdr *nlh = sw_msg(s, SYNWATCH_CMD_GET_CONN, NLM_F_DUMP);
	struct dump_ctx d = { out, max, 0 };
	int err;

	if (f)
		sw_put_filter(nlh, f);
	err = swnl_talk(s, nlh, dump_cb, &d);
	return err ? err : d.n;
}

/* The one record of (lport, rport), or 0 if none; -errno. */
static inline int sw_find(struct swnl *s, int lport, int rport, struct crec *c)
{
	struct sw_filt f = FILT_ANY;
	struct crec tmp[4];
	int n;

	f.lport = lport;
	f.rport = rport;
	n = sw_dump(s, &f, tmp, 4);
	if (n > 0)
		*c = tmp[0];
	return n;
}

/*
 * Busy-wait until the record of (lport, rport) is in state st (-1: until
 * it exists; -2: until it is gone). 0 when there, -ETIMEDOUT otherwise;
 * the last record seen in *c.
 */
static inline int sw_wait_state(struct swnl *s, int lport, int rport, int st,
				int timeout_ms, struct crec *c)
{
	uint64_t end = now_us() + (uint64_t)timeout_ms * 1000;
	struct crec tmp;

	if (!c)
		c = &tmp;
	for (;;) {
		int n = sw_find(s, lport, rport, c);

		if (n < 0)
			return n;
		if ((st == -2 && n == 0) || (st == -1 && n > 0) ||
		    (st >= 0 && n > 0 && c->state == st))
			return 0;
		if (now_us() >= end)
			return -ETIMEDOUT;
		usleep(10000);
	}
}

/*
 * One established connection from A:cport to B:sport, real sockets both
 * ends (listener, A's and B's in *lfd, *a, *b), and each end's record
 * ESTABLISHED (na, nb: sessions in A and in B).
 */
static inline int topo_pair(struct topo *t, struct swnl *na, struct swnl *nb,
			    uint16_t cport, uint16_t sport, int *lfd, int *a,
			    int *b)
{
	*lfd = tcp_listen(t, t->fb, t->addr_b, sport);
	if (*lfd < 0)
		return *lfd;
	*a = tcp_connect(t, t->fa, t->addr_a, cport, t->addr_b, sport, false);
	if (*a < 0)
		return *a;
	*b = accept(*lfd, NULL, NULL);
	if (*b < 0)
		return -errno;
	if (sw_wait_state(na, cport, sport, SYNWATCH_STATE_ESTABLISHED, 2000,
			  NULL))
		return -ETIMEDOUT;
	return sw_wait_state(nb, sport, cport, SYNWATCH_STATE_ESTABLISHED,
			     2000, NULL);
}

static inline int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sw_stats *st = data;
	struct nlattr *a, *b, *c;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SYNWATCH_A_STATS)
			continue;
		mnl_attr_for_each_nested(b, a) {
			uint16_t t = mnl_attr_get_type(b);

			if (t == SYNWATCH_A_STATS_INVALID) {
				mnl_attr_for_each_nested(c, b) {
					uint16_t r = mnl_attr_get_type(c);

					if (r <= SYNWATCH_INVALID_MAX)
						st->inval[r] = mnl_attr_get_u64(c);
				}
			} else if (t <= SYNWATCH_A_STATS_MAX &&
				   mnl_attr_get_payload_len(b) == 8) {
				st->v[t] = mnl_attr_get_u64(b);
			}
		}
	}
	return MNL_CB_OK;
}

static inline int sw_stats(struct swnl *s, struct sw_stats *st)
{
	memset(st, 0, sizeof(*st));
	return swnl_talk(s, sw_msg(s, SYNWATCH_CMD_GET_STATS, 0), stats_cb, st);
}

/* A plain request without attributes (RESET_STATS, FLUSH...). */
static inline int sw_cmd(struct swnl *s, uint8_t cmd)
{
	return swnl_talk(s, sw_msg(s, cmd, 0), NULL, NULL);
}

/* SET_CONFIG of one timeout (seconds) for a state. */
static inline int sw_set_timeout(struct swnl *s, int state, uint32_t secs)
{
	struct nlmsghdr *nlh = sw_msg(s, SYNWATCH_CMD_SET_CONFIG, 0);
	struct nlattr *c, *t;

	c = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG);
	t = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG_TIMEOUTS);
	mnl_attr_put_u32(nlh, state + 1, secs);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, c);
	return swnl_talk(s, nlh, NULL, NULL);
}

/* Subscribe this session to the events of a filter. */
static inline int sw_subscribe(struct swnl *s, const struct sw_filt *f)
{
	struct nlmsghdr *nlh = sw_msg(s, SYNWATCH_CMD_SUBSCRIBE, 0);

	if (f)
		sw_put_filter(nlh, f);
	return swnl_talk(s, nlh, NULL, NULL);
}

static inline int ev_attr_cb(const struct nlattr *a, void *data)
{
	struct sw_ev *e = data;

	switch (mnl_attr_get_type(a)) {
	case SYNWATCH_A_EVENT_TYPE: e->type = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_EVENT_SEQ: e->seq = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_EVENT_SUB_SEQ: e->subseq = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_EVENT_TIME_NS: e->time_ns = mnl_attr_get_u64(a); break;
	case SYNWATCH_A_EVENT_OLD_STATE: e->old = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_EVENT_NEW_STATE: e->new = mnl_attr_get_u8(a); break;
	case SYNWATCH_A_EVENT_TCP_FLAGS:
		e->tcpflags = mnl_attr_get_u8(a);
		e->has_pkt = true;
		break;
	case SYNWATCH_A_EVENT_DIR: e->dir = mnl_attr_get_u8(a); break;
	}
	return MNL_CB_OK;
}

static inline int ev_parse(const struct nlmsghdr *nlh, struct sw_ev *e)
{
	struct nlattr *a;

	memset(e, 0, sizeof(*e));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == SYNWATCH_A_EVENT)
			mnl_attr_parse_nested(a, ev_attr_cb, e);
		if (mnl_attr_get_type(a) == SYNWATCH_A_CONN) {
			crec_parse(a, &e->c);
			e->has_conn = true;
		}
	}
	return e->type ? 0 : -EBADMSG;
}

/*
 * The next message of the family from the socket within timeout_ms: the
 * module sends events several to a datagram, so the rest of the last one
 * comes first. 1 with *m set, 0 on timeout, -errno.
 */
static inline int swnl_ev_msg(struct swnl *s, struct nlmsghdr **m,
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
		r = fd_wait(fd, POLLIN, timeout_ms);
		if (r <= 0)
			return r;
		n = recv(fd, s->evbuf, SWNL_BUF, 0);
		if (n < 0)
			return -errno;
		s->evnext = (struct nlmsghdr *)s->evbuf;
		s->evlen = (int)n;
	}
}

/* The next event within timeout_ms: 1, 0 on timeout, -errno. */
static inline int sw_ev_next(struct swnl *s, struct sw_ev *e, int timeout_ms)
{
	struct nlmsghdr *m;
	int r = swnl_ev_msg(s, &m, timeout_ms);

	if (r <= 0)
		return r;
	return ev_parse(m, e) ? -EBADMSG : 1;
}

/* Events of one test, in arrival order. */
#define EVLOG_MAX 64

struct evlog {
	struct sw_ev ev[EVLOG_MAX];
	int n;
	char trail[1024];
};

/*
 * Read events into log until one of type (and, for STATE/NEW, new state
 * st; -1 any) arrives, or timeout_ms passes. 1 found, 0 timeout, -errno.
 */
static inline int ev_wait(struct swnl *s, struct evlog *log, int type, int st,
			  int timeout_ms)
{
	uint64_t end = now_us() + (uint64_t)timeout_ms * 1000;
	struct sw_ev e;
	int i, r;

	/* already there? */
	for (i = 0; i < log->n; i++)
		if (log->ev[i].type == type &&
		    (st < 0 || log->ev[i].new == st))
			return 1;
	for (;;) {
		uint64_t now = now_us();

		if (now >= end)
			return 0;
		r = sw_ev_next(s, &e, (int)((end - now) / 1000) + 1);
		if (r <= 0)
			return r;
		if (log->n < EVLOG_MAX)
			log->ev[log->n++] = e;
		if (e.type == type && (st < 0 || e.new == st))
			return 1;
	}
}

/* Collect whatever arrives within ms (to check that nothing does). */
static inline int ev_drain(struct swnl *s, struct evlog *log, int ms)
{
	struct sw_ev e;
	int r, got = 0;

	while ((r = sw_ev_next(s, &e, ms)) > 0) {
		if (log->n < EVLOG_MAX)
			log->ev[log->n++] = e;
		got++;
	}
	return r < 0 ? r : got;
}

static inline const char *flags_str(uint8_t f, char *buf)
{
	static const char l[] = "FSRPAU";
	int i, n = 0;

	for (i = 0; i < 6; i++)
		if (f & (1 << i))
			buf[n++] = l[i];
	buf[n] = '\0';
	return buf;
}

static inline const char *ev_type_str(uint8_t t)
{
	switch (t) {
	case SYNWATCH_EVENT_NEW: return "NEW";
	case SYNWATCH_EVENT_STATE: return "STATE";
	case SYNWATCH_EVENT_DESTROY: return "DESTROY";
	default: return "?";
	}
}

/*
 * "NEW SYN_SENT S/out, STATE ESTABLISHED SA/in, DESTROY TIME_WAIT": each
 * event's type, its new state (the state it left for DESTROY) and the
 * packet that caused it.
 */
static inline const char *ev_trail(struct evlog *log)
{
	char fl[8];
	int i, n = 0;

	log->trail[0] = '\0';
	for (i = 0; i < log->n; i++) {
		const struct sw_ev *e = &log->ev[i];

		n += snprintf(log->trail + n, sizeof(log->trail) - n,
			      "%s%s %s", i ? ", " : "", ev_type_str(e->type),
			      st_name(e->type == SYNWATCH_EVENT_DESTROY ?
				      e->old : e->new));
		if (e->has_pkt)
			n += snprintf(log->trail + n, sizeof(log->trail) - n,
				      " %s/%s", flags_str(e->tcpflags, fl),
				      e->dir == SYNWATCH_DIR_IN ? "in" : "out");
		if ((size_t)n >= sizeof(log->trail))
			break;
	}
	return log->trail;
}

/* Just the states: "SYN_SENT ESTABLISHED FIN_WAIT_1 ..." */
static inline const char *ev_states(struct evlog *log, char *buf, size_t len)
{
	int i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < log->n && (size_t)n < len; i++) {
		const struct sw_ev *e = &log->ev[i];

		if (e->type == SYNWATCH_EVENT_DESTROY)
			n += snprintf(buf + n, len - n, "%sDESTROY",
				      n ? " " : "");
		else
			n += snprintf(buf + n, len - n, "%s%s", n ? " " : "",
				      st_name(e->new));
	}
	return buf;
}

/* Do consecutive events chain (each old state the previous new one)? */
static inline bool ev_chained(const struct evlog *log)
{
	int i;

	for (i = 1; i < log->n; i++)
		if (log->ev[i].old != log->ev[i - 1].new &&
		    log->ev[i].type != SYNWATCH_EVENT_NEW)
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Packets: the mini-packetdrill                                      */
/* ------------------------------------------------------------------ */

/* SYN options; 0/-1 = absent. */
struct tcpopts {
	uint16_t mss;
	int ws;			/* -1: none */
	bool sack, ts;
	uint32_t tsval, tsecr;
};

/* One segment as seen on the wire. */
struct seg {
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win, sport, dport;
	uint32_t len;		/* payload bytes */
	struct tcpopts o;
	uint8_t data[64];	/* first payload bytes */
};

struct pd {
	struct topo *t;
	int tx, rx;		/* AF_PACKET in B: send, capture */
	int raw;		/* raw IP socket in A (pd_out_*) */
	uint16_t port;		/* the script's port (B) */
	uint16_t rport;		/* A's port */
	uint32_t iss;		/* our ISN */
	uint32_t snd_nxt;	/* our next sequence number */
	uint32_t rcv_nxt;	/* next sequence number expected from A */
	uint32_t irs;		/* A's ISN */
	uint16_t win;		/* raw window we advertise */
	bool ts;		/* timestamps in use */
	uint32_t ts_recent;	/* A's last TSval */
	uint32_t ts_now;
	struct seg last;	/* the last segment read from A */
};

static inline uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * An IP packet from src to dst around l4 (l4len bytes of TCP header and
 * payload); ip_len_adj changes the length the IP header claims. The TCP
 * checksum is computed when l4len >= 18 and fix_csum is set.
 */
static inline size_t ip_wrap(int family, const uint8_t *src,
			     const uint8_t *dst, const uint8_t *l4,
			     size_t l4len, uint8_t *out, bool fix_csum)
{
	uint8_t *tcp;
	uint32_t sum;
	size_t hl;

	if (family == AF_INET) {
		hl = 20;
		memset(out, 0, hl);
		out[0] = 0x45;
		put16(out + 2, hl + l4len);
		put16(out + 4, 0x1234);
		out[6] = 0x40;		/* DF */
		out[8] = 64;
		out[9] = IPPROTO_TCP;
		memcpy(out + 12, src, 4);
		memcpy(out + 16, dst, 4);
		put16(out + 10, csum_fold(csum_add(0, out, hl)));
	} else {
		hl = 40;
		memset(out, 0, hl);
		out[0] = 0x60;
		put16(out + 4, l4len);
		out[6] = IPPROTO_TCP;
		out[7] = 64;
		memcpy(out + 8, src, 16);
		memcpy(out + 24, dst, 16);
	}
	tcp = out + hl;
	memcpy(tcp, l4, l4len);
	if (fix_csum && l4len >= 18) {
		int alen = family == AF_INET ? 4 : 16;

		tcp[16] = tcp[17] = 0;
		sum = csum_add(0, src, alen);
		sum = csum_add(sum, dst, alen);
		sum += IPPROTO_TCP + (uint32_t)l4len;
		sum = csum_add(sum, tcp, l4len);
		put16(tcp + 16, csum_fold(sum));
	}
	return hl + l4len;
}

/* Build a TCP header (+options, +payload) into buf; returns its length. */
static inline size_t tcp_build(uint8_t *buf, uint16_t sport, uint16_t dport,
			       uint32_t seq, uint32_t ack, uint8_t flags,
			       uint16_t win, const struct tcpopts *o,
			       const void *data, size_t len)
{
	size_t ol = 0;
	uint8_t *opt = buf + 20;

	memset(buf, 0, 60);
	put16(buf, sport);
	put16(buf + 2, dport);
	put32(buf + 4, seq);
	put32(buf + 8, ack);
	buf[13] = flags;
	put16(buf + 14, win);
	if (o) {
		if (o->mss) {
			opt[ol++] = 2;
			opt[ol++] = 4;
			put16(opt + ol, o->mss);
			ol += 2;
		}
		if (o->sack) {
			opt[ol++] = 4;
			opt[ol++] = 2;
		}
		if (o->ts) {
			opt[ol++] = 8;
			opt[ol++] = 10;
			put32(opt + ol, o->tsval);
			put32(opt + ol + 4, o->tsecr);
			ol += 8;
		}
		if (o->ws >= 0) {
			opt[ol++] = 1;
			opt[ol++] = 3;
			opt[ol++] = 3;
			opt[ol++] = o->ws;
		}
		while (ol % 4)
			opt[ol++] = 1;
	}
	buf[12] = (uint8_t)(((20 + ol) / 4) << 4);
	if (len)
		memcpy(buf + 20 + ol, data, len);
	return 20 + ol + len;
}

static inline void tcp_parse_opts(const uint8_t *o, size_t len,
				  struct tcpopts *to)
{
	size_t i = 0;

	memset(to, 0, sizeof(*to));
	to->ws = -1;
	while (i < len) {
		uint8_t k = o[i], l;

		if (k == 0)
			break;
		if (k == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		l = o[i + 1];
		if (l < 2 || i + l > len)
			break;
		if (k == 2 && l == 4)
			to->mss = get16(o + i + 2);
		if (k == 3 && l == 3)
			to->ws = o[i + 2];
		if (k == 4)
			to->sack = true;
		if (k == 8 && l == 10) {
			to->ts = true;
			to->tsval = get32(o + i + 2);
			to->tsecr = get32(o + i + 6);
		}
		i += l;
	}
}

/* Parse an IP packet; 0 if it is TCP between A and B. */
static inline int seg_parse(const struct topo *t, const uint8_t *p, size_t n,
			    struct seg *s)
{
	const uint8_t *tcp;
	size_t hl, tl, doff;

	if (t->family == AF_INET) {
		if (n < 20 || (p[0] >> 4) != 4 || p[9] != IPPROTO_TCP)
			return -1;
		hl = (p[0] & 0xf) * 4;
		tl = get16(p + 2);
		if (memcmp(p + 12, t->addr_a, 4) || memcmp(p + 16, t->addr_b, 4))
			return -1;
	} else {
		if (n < 40 || (p[0] >> 4) != 6 || p[6] != IPPROTO_TCP)
			return -1;
		hl = 40;
		tl = 40 + get16(p + 4);
		if (memcmp(p + 8, t->addr_a, 16) ||
		    memcmp(p + 24, t->addr_b, 16))
			return -1;
	}
	if (tl > n)
		tl = n;
	if (tl < hl + 20)
		return -1;
	tcp = p + hl;
	doff = (tcp[12] >> 4) * 4;
	if (doff < 20 || hl + doff > tl)
		return -1;
	memset(s, 0, sizeof(*s));
	s->sport = get16(tcp);
	s->dport = get16(tcp + 2);
	s->seq = get32(tcp + 4);
	s->ack = get32(tcp + 8);
	s->flags = tcp[13];
	s->win = get16(tcp + 14);
	s->len = tl - hl - doff;
	memcpy(s->data, tcp + doff, s->len < sizeof(s->data) ? s->len :
	       sizeof(s->data));
	tcp_parse_opts(tcp + 20, doff - 20, &s->o);
	return 0;
}

static inline int pd_ethertype(const struct topo *t)
{
	return t->family == AF_INET ? ETH_P_IP : ETH_P_IPV6;
}

/*
 * Ports of scripted peers in B: B's kernel drops what A sends them
 * (pd_blackhole), so that only the script answers.
 */
#define PD_PORT_MIN	30000
#define PD_PORT_MAX	39999
/* A's port whose segments A's TCP never sees (pd_blackhole) */
#define PD_A_DEAF	9999

/*
 * Once per topology: B drops TCP to the script ports before its stack
 * sees it; A drops TCP to PD_A_DEAF after synwatch's LOCAL_IN hook (at
 * NF_IP_PRI_LAST - 1) saw it, so a SYN there stays unanswered (LISTEN).
 */
static inline int pd_blackhole(struct topo *t)
{
	return sh("ip netns exec %s nft -f - <<'EOF'\n"
		  "table inet pd {\n"
		  "  chain in { type filter hook input priority 0;\n"
		  "    tcp dport %u-%u drop; }\n"
		  "}\nEOF\n"
		  "ip netns exec %s nft -f - <<'EOF'\n"
		  "table inet pd {\n"
		  "  chain in { type filter hook input priority 2147483647;\n"
		  "    tcp dport %u drop; }\n"
		  "}\nEOF", t->b, PD_PORT_MIN, PD_PORT_MAX, t->a, PD_A_DEAF) ?
	       -1 : 0;
}

/* A script on B's port (PD_PORT_MIN..MAX) talking to A's port rport. */
static inline int pd_open(struct pd *pd, struct topo *t, uint16_t port,
			  uint16_t rport)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };

	memset(pd, 0, sizeof(*pd));
	pd->t = t;
	pd->port = port;
	pd->rport = rport;
	pd->win = 64000;
	pd->iss = 0x10000000u + (uint32_t)(port << 8) + rport;
	pd->snd_nxt = pd->iss;
	pd->ts_now = 1000;
	pd->tx = ns_socket(t, t->fb, AF_PACKET, SOCK_DGRAM,
			   htons(pd_ethertype(t)));
	pd->rx = ns_socket(t, t->fb, AF_PACKET, SOCK_DGRAM,
			   htons(pd_ethertype(t)));
	pd->raw = ns_socket(t, t->fa, t->family, SOCK_RAW, IPPROTO_RAW);
	if (pd->tx < 0 || pd->rx < 0 || pd->raw < 0)
		return -1;
	sll.sll_protocol = htons(pd_ethertype(t));
	sll.sll_ifindex = t->ifb;
	if (bind(pd->rx, (struct sockaddr *)&sll, sizeof(sll)))
		return -errno;
	return 0;
}

static inline void pd_close(struct pd *pd)
{
	if (pd->tx > 0)
		close(pd->tx);
	if (pd->rx > 0)
		close(pd->rx);
	if (pd->raw > 0)
		close(pd->raw);
	memset(pd, 0, sizeof(*pd));
}

/* Send raw IP bytes from B into A, as if B's stack had sent them. */
static inline int pd_inject(struct pd *pd, const uint8_t *ip, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(pd_ethertype(pd->t)),
		.sll_ifindex = pd->t->ifb,
		.sll_halen = 6,
	};

	memcpy(sll.sll_addr, pd->t->mac_a, 6);
	if (sendto(pd->tx, ip, len, 0, (struct sockaddr *)&sll,
		   sizeof(sll)) != (ssize_t)len)
		return -errno;
	return 0;
}

/* Send arbitrary TCP bytes (header as given) from B to A. */
static inline int pd_send_l4(struct pd *pd, const uint8_t *l4, size_t len,
			     bool fix_csum)
{
	uint8_t pkt[1600];
	size_t n = ip_wrap(pd->t->family, pd->t->addr_b, pd->t->addr_a, l4,
			   len, pkt, fix_csum);

	return pd_inject(pd, pkt, n);
}

/* Add our timestamp option to o when timestamps are in use. */
static inline const struct tcpopts *pd_opts(struct pd *pd,
					    const struct tcpopts *o,
					    struct tcpopts *tmp)
{
	if (o)
		*tmp = *o;
	else {
		memset(tmp, 0, sizeof(*tmp));
		tmp->ws = -1;
	}
	if (pd->ts || (o && o->ts)) {
		tmp->ts = true;
		tmp->tsval = ++pd->ts_now;
		tmp->tsecr = pd->ts_recent;
	}
	return tmp;
}

/* Send one segment B -> A with explicit numbers; state not changed. */
static inline int pd_send_raw(struct pd *pd, uint8_t flags, uint32_t seq,
			      uint32_t ack, const struct tcpopts *o,
			      const void *data, size_t len)
{
	uint8_t l4[1500];
	struct tcpopts tmp;
	size_t n;

	n = tcp_build(l4, pd->port, pd->rport, seq, ack, flags, pd->win,
		      pd_opts(pd, o, &tmp), data, len);
	return pd_send_l4(pd, l4, n, true);
}

/* Send the next segment of the script: seq = snd_nxt, ack = rcv_nxt. */
static inline int pd_send(struct pd *pd, uint8_t flags,
			  const struct tcpopts *o, const void *data,
			  size_t len)
{
	int err = pd_send_raw(pd, flags, pd->snd_nxt,
			      (flags & F_ACK) ? pd->rcv_nxt : 0, o, data, len);

	if (!err && !(flags & F_RST))
		pd->snd_nxt += len + !!(flags & F_SYN) + !!(flags & F_FIN);
	return err;
}

/*
 * A segment as A's stack would send it to B (through A's LOCAL_OUT), with
 * explicit numbers: a raw IP socket in A.
 */
static inline int pd_out_raw(struct pd *pd, uint8_t flags, uint32_t seq,
			     uint32_t ack)
{
	struct sockaddr_storage ss;
	uint8_t l4[60], pkt[128];
	socklen_t sl;
	size_t n;

	n = tcp_build(l4, pd->rport, pd->port, seq, ack, flags, 1000, NULL,
		      NULL, 0);
	n = ip_wrap(pd->t->family, pd->t->addr_a, pd->t->addr_b, l4, n, pkt,
		    true);
	sl = topo_sa(pd->t, pd->t->addr_b, 0, &ss);
	if (sendto(pd->raw, pkt, n, 0, (struct sockaddr *)&ss, sl) !=
	    (ssize_t)n)
		return -errno;
	return 0;
}

/*
 * Read A's next segment to us within timeout_ms whose flags include all
 * of want (0: any). Keeps rcv_nxt and the timestamp to echo. 1, 0 on
 * timeout, -errno.
 */
static inline int pd_recv(struct pd *pd, uint8_t want, int timeout_ms,
			  struct seg *out)
{
	uint64_t end = now_us() + (uint64_t)timeout_ms * 1000;
	uint8_t buf[70000];
	struct sockaddr_ll sll;
	struct seg s;

	for (;;) {
		uint64_t now = now_us();
		socklen_t sl = sizeof(sll);
		ssize_t n;
		int r;

		if (now >= end)
			return 0;
		r = fd_wait(pd->rx, POLLIN, (int)((end - now) / 1000) + 1);
		if (r <= 0)
			return r;
		n = recvfrom(pd->rx, buf, sizeof(buf), 0,
			     (struct sockaddr *)&sll, &sl);
		if (n < 0)
			return -errno;
		if (sll.sll_pkttype == PACKET_OUTGOING ||
		    sll.sll_protocol != htons(pd_ethertype(pd->t)))
			continue;
		if (seg_parse(pd->t, buf, n, &s) || s.sport != pd->rport ||
		    s.dport != pd->port)
			continue;
		pd->last = s;
		if (s.o.ts)
			pd->ts_recent = s.o.tsval;
		if (s.flags & F_SYN)
			pd->irs = s.seq;
		if (!(s.flags & F_RST)) {
			uint32_t end_seq = s.seq + s.len +
					   !!(s.flags & F_SYN) +
					   !!(s.flags & F_FIN);

			if ((int32_t)(end_seq - pd->rcv_nxt) > 0 ||
			    (s.flags & F_SYN))
				pd->rcv_nxt = end_seq;
		}
		if (out)
			*out = s;
		if ((s.flags & want) == want)
			return 1;
	}
}

/* Forget what was captured so far. */
static inline void pd_flush(struct pd *pd)
{
	uint8_t buf[2048];

	while (recv(pd->rx, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* The options of a typical SYN of the script. */
static inline struct tcpopts pd_syn_opts(void)
{
	struct tcpopts o = { .mss = 1400, .ws = 5, .sack = true, .ts = true };

	return o;
}

/* Script as client: SYN, A's SYN-ACK, ACK. 0 or -1. */
static inline int pd_connect(struct pd *pd, const struct tcpopts *o)
{
	struct seg s;

	pd->snd_nxt = pd->iss;
	if (pd_send(pd, F_SYN, o, NULL, 0))
		return -1;
	if (pd_recv(pd, F_SYN | F_ACK, 3000, &s) != 1)
		return -1;
	pd->ts = o && o->ts && s.o.ts;
	return pd_send(pd, F_ACK, NULL, NULL, 0);
}

/* Script as server: A's SYN, our SYN-ACK, A's ACK. 0 or -1. */
static inline int pd_accept(struct pd *pd, const struct tcpopts *o)
{
	struct seg s;

	if (pd_recv(pd, F_SYN, 3000, &s) != 1)
		return -1;
	pd->snd_nxt = pd->iss;
	pd->ts = o && o->ts && s.o.ts;
	if (pd_send(pd, F_SYN | F_ACK, o, NULL, 0))
		return -1;
	return pd_recv(pd, F_ACK, 3000, &s) == 1 ? 0 : -1;
}

#endif /* SW_LIB_ENGINE_H */
