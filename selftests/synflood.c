// SPDX-License-Identifier: GPL-2.0
/*
 * synflood: spoofed TCP SYNs, for the flood selftests and the benchmark.
 *
 *   synflood [options] DST PORT|LO-HI
 *
 *   -s, --src PREFIX/LEN   sources: random addresses inside PREFIX (default
 *                          10.0.0.0/8, or fd00:5f::/32 for an IPv6 DST);
 *                          a /32 (/128) is a single-source flood
 *   -r, --rate PPS         packets per second (default 0: as fast as it goes)
 *   -d, --duration SECONDS stop after this long (fractions allowed)
 *   -c, --count N          stop after N packets (default: 1 s when neither
 *                          -d nor -c is given)
 *   -t, --threads N        sending threads, each with its own socket and
 *                          an equal share of the rate (default 1)
 *   -b, --batch N          packets per sendmmsg() (default 64, at most 1024)
 *   -i, --interface IF     output interface (default: the route to DST)
 *   -m, --mac MAC          destination MAC (default: the next hop's
 *                          neighbour entry, resolved if missing)
 *       --seed N           random seed, for a repeatable run
 *   -j, --json             print one JSON line instead of the text line
 *
 * Each SYN has a new random source address (host bits of PREFIX), port and
 * ISN, and a 4-byte MSS option, so every SYN opens a new half-open
 * connection on the target; with LO-HI, a random destination port in that
 * range too (a port scan). Frames leave through an AF_PACKET socket:
 * they bypass the sender's own IP stack, routing and netfilter (synwatch
 * in the sending netns never sees them), and nothing checks that the
 * source is ours. The checksums are computed once for the fixed fields
 * and completed per packet with the few words that change.
 *
 * Output, on stdout:
 *   synflood: sent N packets in T s: R pps (E send errors)
 * or with -j:
 *   {"test":"synflood","sent":N,"errors":E,"duration_s":T,"pps":R}
 * Exit status 0 if every packet was sent, 1 on a usage or setup error, 2
 * if the kernel refused some (ENOBUFS and the like: see "errors").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROG		"synflood"
#define MAX_BATCH	1024
#define MAX_THREADS	64
#define TCP_LEN		24		/* header + MSS option */
#define IP4_LEN		20
#define IP6_LEN		40
#define FRAME_MAX	(IP6_LEN + TCP_LEN)

struct flood_opts {
	int family;
	uint8_t dst[16];
	uint16_t port, port_hi;		/* port_hi > port: a random one */
	uint8_t src[16];		/* the source prefix */
	int src_len;			/* its length in bits */
	double rate;
	double duration;
	uint64_t count;
	int threads;
	int batch;
	int ifindex;
	uint8_t mac[6];
	uint64_t seed;
	bool json;
};

/* The checksum words that do not change from packet to packet. */
struct tmpl {
	uint8_t frame[FRAME_MAX];
	size_t ip_len;			/* IP header length */
	size_t len;			/* frame length */
	uint32_t ip_sum;		/* IPv4 header sum, without id and saddr */
	uint32_t tcp_sum;		/* pseudo-header + TCP, without the rest */
};

struct worker {
	pthread_t tid;
	bool started;
	int idx;
	const struct flood_opts *o;
	const struct tmpl *t;
	double rate;			/* this thread's share */
	uint64_t count;			/* this thread's share, 0 = no limit */
	uint64_t rng;
	uint64_t sent;
	uint64_t errors;
	int err;			/* setup errno, if it failed */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: " PROG " [-s PREFIX/LEN] [-r PPS] [-d SECONDS] [-c N] [-t THREADS]\n"
		"                [-b BATCH] [-i IFACE] [-m MAC] [--seed N] [-j] DST PORT|LO-HI\n");
	exit(status);
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*: fast, and good enough for addresses, ports and ISNs. */
static uint32_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 2685821657736338717ULL) >> 32);
}

/* One's complement sum of big-endian 16-bit words. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static void put_csum(uint8_t *p, uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	p[0] = sum >> 8;
	p[1] = sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/*
 * The frame with every fixed field, and the sums of those. The source
 * address, IP id, source port and ISN are zero here: they are written and
 * summed per packet.
 */
static void tmpl_build(struct tmpl *t, const struct flood_opts *o)
{
	size_t alen = o->family == AF_INET ? 4 : 16;
	uint8_t *ip = t->frame, *tcp, pseudo[4];

	memset(t, 0, sizeof(*t));
	t->ip_len = o->family == AF_INET ? IP4_LEN : IP6_LEN;
	t->len = t->ip_len + TCP_LEN;
	tcp = ip + t->ip_len;
	if (o->family == AF_INET) {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)t->len);
		put16(ip + 6, 0x4000);		/* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
		memcpy(ip + 16, o->dst, 4);
		t->ip_sum = csum_add(0, ip, IP4_LEN);
	} else {
		ip[0] = 0x60;
		put16(ip + 4, TCP_LEN);
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		memcpy(ip + 24, o->dst, 16);
	}
	if (o->port_hi <= o->port)
		put16(tcp + 2, o->port);	/* else: per packet */
	tcp[12] = (TCP_LEN / 4) << 4;
	tcp[13] = 0x02;				/* SYN */
	put16(tcp + 14, 64240);
	tcp[20] = 2;				/* MSS 1460 */
	tcp[21] = 4;
	put16(tcp + 22, 1460);
	/* pseudo-header: destination, protocol, TCP length */
	t->tcp_sum = csum_add(0, o->dst, alen);
	put16(pseudo, IPPROTO_TCP);
	put16(pseudo + 2, TCP_LEN);
	t->tcp_sum = csum_add(t->tcp_sum, pseudo, 4);
	t->tcp_sum = csum_add(t->tcp_sum, tcp, TCP_LEN);
}

/* A random address inside the source prefix. */
static void rand_src(const struct flood_opts *o, uint64_t *rng, uint8_t *out)
{
	int alen = o->family == AF_INET ? 4 : 16, i;

	for (i = 0; i < alen; i += 4)
		put32(out + i, rnd(rng));
	for (i = 0; i < alen; i++) {
		int keep = o->src_len - 8 * i;	/* prefix bits in this byte */
		uint8_t mask;

		if (keep <= 0)
			break;
		mask = keep >= 8 ? 0xff : (uint8_t)(0xff00 >> keep);
		out[i] = (o->src[i] & mask) | (out[i] & ~mask);
	}
}

/* Fill one frame from the template: new source, id, port and ISN. */
static void frame_fill(const struct flood_opts *o, const struct tmpl *t,
		       uint64_t *rng, uint8_t *f)
{
	size_t alen = o->family == AF_INET ? 4 : 16;
	uint8_t *src = f + (o->family == AF_INET ? 12 : 8);
	uint8_t *tcp = f + t->ip_len;
	uint32_t r = rnd(rng), sum;

	memcpy(f, t->frame, t->len);
	rand_src(o, rng, src);
	put16(tcp, (uint16_t)(1024 + r % 64512));
	put32(tcp + 4, rnd(rng));
	if (o->port_hi > o->port)
		put16(tcp + 2, (uint16_t)(o->port + rnd(rng) %
					  (o->port_hi - o->port + 1u)));
	if (o->family == AF_INET) {
		put16(f + 4, (uint16_t)(r >> 16));	/* IP id */
		sum = csum_add(t->ip_sum, f + 4, 2);
		put_csum(f + 10, csum_add(sum, src, 4));
	}
	sum = csum_add(t->tcp_sum, src, alen);
	sum = csum_add(sum, tcp, 2);		/* source port */
	sum = csum_add(sum, tcp + 4, 4);	/* ISN */
	if (o->port_hi > o->port)
		sum = csum_add(sum, tcp + 2, 2);	/* destination port */
	put_csum(tcp + 16, sum);
}

static void *worker_run(void *arg)
{
	static uint8_t bufs[MAX_THREADS][MAX_BATCH][FRAME_MAX];
	struct worker *w = arg;
	const struct flood_opts *o = w->o;
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	struct sockaddr_ll sll;
	double start, end = 0;
	int fd, one = 1, i;

	fd = socket(AF_PACKET, SOCK_DGRAM, 0);
	if (fd < 0) {
		w->err = errno;
		return NULL;
	}
	/* straight to the driver: no qdisc for a flood */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = o->ifindex;
	sll.sll_protocol = htons(o->family == AF_INET ? ETH_P_IP : ETH_P_IPV6);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, o->mac, 6);
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < o->batch; i++) {
		iov[i].iov_base = bufs[w->idx][i];
		iov[i].iov_len = w->t->len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
	}
	start = now_s();
	if (o->duration > 0)
		end = start + o->duration;
	while (!stop && (!w->count || w->sent < w->count)) {
		uint64_t n = (uint64_t)o->batch;
		double t = now_s();
		int k;

		if (end && t >= end)
			break;
		if (w->rate > 0) {
			/* due by now: rate * elapsed; sleep until the next */
			uint64_t due = (uint64_t)((t - start) * w->rate) + 1;

			if (due <= w->sent) {
				double wait = (w->sent + 1) / w->rate -
					      (t - start);
				struct timespec ts = {
					.tv_sec = (time_t)wait,
					.tv_nsec = (long)((wait - (time_t)wait) *
							  1e9),
				};

				nanosleep(&ts, NULL);
				continue;
			}
			if (n > due - w->sent)
				n = due - w->sent;
		}
		if (w->count && n > w->count - w->sent)
			n = w->count - w->sent;
		for (k = 0; k < (int)n; k++)
			frame_fill(o, w->t, &w->rng, iov[k].iov_base);
		k = sendmmsg(fd, msgs, (unsigned int)n, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			/* a full device queue: count the batch, go on */
			w->errors += n;
			w->sent += n;
			continue;
		}
		w->sent += (uint64_t)k;
		if ((uint64_t)k < n) {
			w->errors += n - (uint64_t)k;
			w->sent += n - (uint64_t)k;
		}
	}
	close(fd);
	return NULL;
}

/* --- setup: addresses, route and neighbour -------------------------------- */

static void parse_prefix(const char *s, struct flood_opts *o)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	int max = o->family == AF_INET ? 32 : 128;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	o->src_len = max;
	if (slash) {
		char *end;

		*slash = '\0';
		o->src_len = (int)strtol(slash + 1, &end, 10);
		if (*end || o->src_len < 0 || o->src_len > max)
			die("bad prefix length in '%s'", s);
	}
	if (inet_pton(o->family, buf, o->src) != 1)
		die("source prefix '%s' is not of the destination's family", s);
}

static void parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5]) != 6)
		die("bad MAC address '%s'", s);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
}

struct nl_req {
	struct mnl_socket *nl;
	char buf[32768];
	int family;
	/* results */
	int oif;
	uint8_t via[16];
	bool has_via;
	const uint8_t *want;		/* neighbour wanted */
	uint8_t lladdr[6];
	bool found;
	bool noarp;
};

static int route_attr(const struct nlattr *a, void *data)
{
	struct nl_req *r = data;
	size_t alen = r->family == AF_INET ? 4 : 16;

	switch (mnl_attr_get_type(a)) {
	case RTA_OIF:
		r->oif = (int)mnl_attr_get_u32(a);
		break;
	case RTA_GATEWAY:
		if (mnl_attr_get_payload_len(a) == alen) {
			memcpy(r->via, mnl_attr_get_payload(a), alen);
			r->has_via = true;
		}
		break;
	}
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct rtmsg), route_attr, data);
}

static int nl_talk(struct nl_req *r, struct nlmsghdr *nlh, mnl_cb_t cb)
{
	unsigned int seq = nlh->nlmsg_seq = (unsigned int)time(NULL);
	unsigned int pid = mnl_socket_get_portid(r->nl);
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		n = mnl_socket_recvfrom(r->nl, r->buf, sizeof(r->buf));
		if (n <= 0)
			return -1;
		ret = mnl_cb_run(r->buf, (size_t)n, seq, pid, cb, r);
	} while (ret > 0);
	return ret;
}

/* ip route get DST: the output interface and the gateway, if any. */
static int route_get(struct nl_req *r, const struct flood_opts *o)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_GETROUTE;
	/* the ACK after the reply ends the exchange */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)o->family;
	rtm->rtm_dst_len = o->family == AF_INET ? 32 : 128;
	mnl_attr_put(nlh, RTA_DST, o->family == AF_INET ? 4 : 16, o->dst);
	return nl_talk(r, nlh, route_cb);
}

struct neigh_attrs {
	const uint8_t *dst;
	size_t dst_len;
	const uint8_t *ll;
	size_t ll_len;
};

static int neigh_attr(const struct nlattr *a, void *data)
{
	struct neigh_attrs *na = data;

	if (mnl_attr_get_type(a) == NDA_DST) {
		na->dst = mnl_attr_get_payload(a);
		na->dst_len = mnl_attr_get_payload_len(a);
	} else if (mnl_attr_get_type(a) == NDA_LLADDR) {
		na->ll = mnl_attr_get_payload(a);
		na->ll_len = mnl_attr_get_payload_len(a);
	}
	return MNL_CB_OK;
}

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	struct nl_req *r = data;
	struct neigh_attrs na = { 0 };
	size_t alen = r->family == AF_INET ? 4 : 16;

	if (nd->ndm_ifindex != r->oif || nd->ndm_family != r->family)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*nd), neigh_attr, &na);
	if (!na.dst || na.dst_len != alen || memcmp(na.dst, r->want, alen))
		return MNL_CB_OK;
	if (nd->ndm_state & NUD_NOARP) {
		r->noarp = true;
		return MNL_CB_OK;
	}
	if (na.ll && na.ll_len == 6 &&
	    !(nd->ndm_state & (NUD_INCOMPLETE | NUD_FAILED))) {
		memcpy(r->lladdr, na.ll, 6);
		r->found = true;
	}
	return MNL_CB_OK;
}

static int neigh_dump(struct nl_req *r)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);
	struct ndmsg *nd;

	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = (uint8_t)r->family;
	return nl_talk(r, nlh, neigh_cb);
}

/* Make the kernel resolve the next hop: a datagram to DST's discard port. */
static void neigh_kick(const struct flood_opts *o)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(o->family, SOCK_DGRAM, 0);

	if (fd < 0)
		return;
	memset(&ss, 0, sizeof(ss));
	if (o->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(9);
		memcpy(&sin->sin_addr, o->dst, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(9);
		memcpy(&sin6->sin6_addr, o->dst, 16);
		len = sizeof(*sin6);
	}
	sendto(fd, "", 0, MSG_DONTWAIT, (struct sockaddr *)&ss, len);
	close(fd);
}

/* Interface and destination MAC for DST, unless given. */
static void resolve(struct flood_opts *o, bool have_if, bool have_mac)
{
	struct nl_req *r = calloc(1, sizeof(*r));
	int i;

	if (!r)
		die("%s", "out of memory");
	r->family = o->family;
	r->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!r->nl || mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("%s", "cannot open a rtnetlink socket");
	if (!have_if) {
		if (route_get(r, o) < 0 || !r->oif)
			die("%s", "no route to the destination");
		o->ifindex = r->oif;
	}
	r->oif = o->ifindex;
	r->want = r->has_via ? r->via : o->dst;
	for (i = 0; !have_mac && i < 200; i++) {
		r->found = false;
		if (neigh_dump(r) < 0)
			die("%s", "cannot read the neighbour table");
		if (r->found || r->noarp)
			break;
		if (i % 20 == 0)
			neigh_kick(o);
		usleep(10000);
	}
	if (!have_mac && !r->found && !r->noarp)
		die("%s", "the next hop's MAC address did not resolve (use -m)");
	if (!have_mac)
		memcpy(o->mac, r->lladdr, 6);	/* zero for NOARP links */
	mnl_socket_close(r->nl);
	free(r);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "src", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'b' },
		{ "interface", required_argument, NULL, 'i' },
		{ "mac", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static struct worker workers[MAX_THREADS];
	const char *src = NULL, *ifname = NULL, *mac = NULL;
	struct flood_opts o = { .threads = 1, .batch = 64 };
	uint64_t sent = 0, errors = 0;
	struct sigaction sa;
	struct tmpl t;
	double t0, el;
	int c, i;

	o.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((c = getopt_long(argc, argv, "s:r:d:c:t:b:i:m:jh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's': src = optarg; break;
		case 'r': o.rate = atof(optarg); break;
		case 'd': o.duration = atof(optarg); break;
		case 'c': o.count = strtoull(optarg, NULL, 0); break;
		case 't': o.threads = atoi(optarg); break;
		case 'b': o.batch = atoi(optarg); break;
		case 'i': ifname = optarg; break;
		case 'm': mac = optarg; break;
		case 'S': o.seed = strtoull(optarg, NULL, 0); break;
		case 'j': o.json = true; break;
		case 'h': usage(0); break;
		default: usage(1);
		}
	}
	if (argc - optind != 2)
		usage(1);
	if (o.threads < 1 || o.threads > MAX_THREADS || o.batch < 1 ||
	    o.batch > MAX_BATCH || o.rate < 0 || o.duration < 0)
		usage(1);
	if (inet_pton(AF_INET, argv[optind], o.dst) == 1)
		o.family = AF_INET;
	else if (inet_pton(AF_INET6, argv[optind], o.dst) == 1)
		o.family = AF_INET6;
	else
		die("bad destination address '%s'", argv[optind]);
	{
		int lo, hi, k = sscanf(argv[optind + 1], "%d-%d", &lo, &hi);

		if (k == 1)
			hi = lo;
		if (k < 1 || lo < 1 || hi > 65535 || hi < lo)
			die("bad port '%s'", argv[optind + 1]);
		o.port = (uint16_t)lo;
		o.port_hi = (uint16_t)hi;
	}
	parse_prefix(src ? src : o.family == AF_INET ? "10.0.0.0/8" :
		     "fd00:5f::/32", &o);
	if (!o.duration && !o.count)
		o.duration = 1;
	if (ifname) {
		o.ifindex = (int)if_nametoindex(ifname);
		if (!o.ifindex)
			die("no interface '%s'", ifname);
	}
	if (mac)
		parse_mac(mac, o.mac);
	resolve(&o, ifname, mac);
	tmpl_build(&t, &o);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	t0 = now_s();
	for (i = 0; i < o.threads; i++) {
		struct worker *w = &workers[i];

		w->idx = i;
		w->o = &o;
		w->t = &t;
		w->rate = o.rate / o.threads;
		w->count = o.count ? o.count / o.threads +
			   (i < (int)(o.count % o.threads)) : 0;
		w->rng = o.seed * 0x9e3779b97f4a7c15ULL + i + 1;
		if (o.count && !w->count)
			continue;
		if (pthread_create(&w->tid, NULL, worker_run, w))
			die("%s", "cannot start a thread");
		w->started = true;
	}
	for (i = 0; i < o.threads; i++) {
		struct worker *w = &workers[i];

		if (!w->started)
			continue;
		pthread_join(w->tid, NULL);
		if (w->err)
			die("AF_PACKET socket: %s", strerror(w->err));
		sent += w->sent;
		errors += w->errors;
	}
	el = now_s() - t0;
	if (o.json)
		printf("{\"test\":\"synflood\",\"sent\":%llu,\"errors\":%llu,"
		       "\"duration_s\":%.3f,\"pps\":%.1f}\n",
		       (unsigned long long)sent, (unsigned long long)errors,
		       el, el > 0 ? sent / el : 0);
	else
		printf(PROG ": sent %llu packets in %.3f s: %.0f pps (%llu send errors)\n",
		       (unsigned long long)sent, el, el > 0 ? sent / el : 0,
		       (unsigned long long)errors);
	return errors ? 2 : 0;
}
