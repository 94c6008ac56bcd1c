// SPDX-License-Identifier: GPL-2.0
/* Namespaces and sockets: topo.h. */
#include "topo.h"

int st_ns_enter(int fd)
{
	return setns(fd, CLONE_NEWNET) ? -errno : 0;
}

int st_tcp_mib(struct st_topo *t, int nsfd, uint64_t *in,
	    uint64_t *out)
{
	char names[2048], vals[2048], *n, *v, *sn, *sv;
	int err, found = 0;
	FILE *f;

	err = st_ns_enter(nsfd);
	if (err)
		return err;
	f = fopen("/proc/thread-self/net/snmp", "r");
	err = f ? 0 : -errno;
	st_ns_enter(t->self);
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

int st_ns_socket(struct st_topo *t, int nsfd, int dom, int type,
	      int proto)
{
	int fd, err;

	err = st_ns_enter(nsfd);
	if (err)
		return err;
	fd = socket(dom, type, proto);
	if (fd < 0)
		fd = -errno;
	st_ns_enter(t->self);
	return fd;
}

void st_parse_mac(const char *s, uint8_t *m)
{
	unsigned int v[6];
	int i;

	sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
	       &v[5]);
	for (i = 0; i < 6; i++)
		m[i] = v[i];
}

static int st_ns_ifindex(struct st_topo *t, int nsfd, const char *ifname)
{
	int idx, err = st_ns_enter(nsfd);

	if (err)
		return err;
	idx = if_nametoindex(ifname);
	st_ns_enter(t->self);
	return idx ? idx : -ENODEV;
}

void st_topo_down(struct st_topo *t)
{
	if (t->fa > 0)
		close(t->fa);
	if (t->fb > 0)
		close(t->fb);
	if (t->self > 0) {
		st_ns_enter(t->self);
		close(t->self);
	}
	if (t->a[0])
		st_sh("ip netns del %s 2>/dev/null", t->a);
	if (t->b[0])
		st_sh("ip netns del %s 2>/dev/null", t->b);
	memset(t, 0, sizeof(*t));
}

/* One side of the pair: its loopback, veth0, address, peer, route. */
static int topo_side(const char *ns, const char *mac, const char *addr,
		     const char *peer, const char *peer_mac, const char *pfx,
		     bool v6)
{
	return st_sh("set -e; printf '%%s\\n' 'link set lo up'"
		     " 'link set veth0 address %s' 'addr add %s%s dev veth0'"
		     " 'link set veth0 up'"
		     " 'neigh replace %s lladdr %s dev veth0 nud permanent'"
		     " 'route replace %s dev veth0 rto_min 2s'"
		     " | ip -n %s -batch -", mac, addr, pfx, peer, peer_mac,
		     v6 ? "2001:db8::/64" : "198.18.0.0/24", ns);
}

/* Write a sysctl of the netns nsfd (entered, then left for t->self). */
static int topo_sysctl(struct st_topo *t, int nsfd, const char *name,
		       const char *val)
{
	char path[128];
	int fd, ok;

	if (st_ns_enter(nsfd))
		return -1;
	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	fd = open(path, O_WRONLY);
	ok = fd >= 0 && write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	if (fd >= 0)
		close(fd);
	return st_ns_enter(t->self) || !ok ? -1 : 0;
}

int st_topo_up(struct st_topo *t, int family, const char *tag)
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
	st_parse_mac(MAC_A, t->mac_a);
	st_parse_mac(MAC_B, t->mac_b);
	/*
	 * Three ip processes, not one a command: under TCG each process
	 * start costs a good part of a second, and every test sets this up.
	 */
	if (st_sh("set -e; printf '%%s\\n' 'netns add %s' 'netns add %s'"
		  " 'link add veth0 netns %s type veth peer name veth0 netns %s'"
		  " | ip -batch -", t->a, t->b, t->a, t->b) ||
	    topo_side(t->a, MAC_A, t->sa, t->sb, MAC_B, pfx, v6) ||
	    topo_side(t->b, MAC_B, t->sb, t->sa, MAC_A, pfx, v6))
		goto fail;
	t->self = open("/proc/self/ns/net", O_RDONLY);
	snprintf(path, sizeof(path), "/run/netns/%s", t->a);
	t->fa = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/run/netns/%s", t->b);
	t->fb = open(path, O_RDONLY);
	if (t->self < 0 || t->fa < 0 || t->fb < 0)
		goto fail;
	/*
	 * A slow TCG guest must not make the stacks retransmit a FIN whose
	 * ACK is merely delayed (40 ms) or late: that would add T/t letters
	 * to histories at random. No tail loss probe (it fires 200 ms after
	 * a lone FIN); the routes' rto_min of 2 s is set above, and SYNs
	 * keep their 1 s initial RTO.
	 */
	if (topo_sysctl(t, t->fa, "net/ipv4/tcp_early_retrans", "0") ||
	    topo_sysctl(t, t->fb, "net/ipv4/tcp_early_retrans", "0"))
		goto fail;
	t->ifa = st_ns_ifindex(t, t->fa, "veth0");
	t->ifb = st_ns_ifindex(t, t->fb, "veth0");
	if (t->ifa < 0 || t->ifb < 0)
		goto fail;
	t->up = true;
	return 0;
fail:
	st_topo_down(t);
	return -1;
}

socklen_t st_topo_sa(const struct st_topo *t, const uint8_t *addr,
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

int st_tcp_sock(struct st_topo *t, int nsfd, const uint8_t *addr,
	     uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl = st_topo_sa(t, addr, port, &ss);
	int one = 1, fd;

	fd = st_ns_socket(t, nsfd, t->family, SOCK_STREAM, 0);
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

int st_tcp_listen(struct st_topo *t, int nsfd, const uint8_t *addr,
	       uint16_t port)
{
	int fd = st_tcp_sock(t, nsfd, addr, port);

	if (fd >= 0 && listen(fd, 16)) {
		close(fd);
		return -errno;
	}
	return fd;
}

int st_tcp_connect(struct st_topo *t, int nsfd, const uint8_t *laddr,
		uint16_t lport, const uint8_t *raddr,
		uint16_t rport, bool nonblock)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = st_tcp_sock(t, nsfd, laddr, lport);

	if (fd < 0)
		return fd;
	if (nonblock)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	sl = st_topo_sa(t, raddr, rport, &ss);
	if (connect(fd, (struct sockaddr *)&ss, sl) &&
	    !(nonblock && errno == EINPROGRESS)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

uint16_t st_sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

int st_fd_wait(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, timeout_ms);

	return n < 0 ? -errno : n;
}
