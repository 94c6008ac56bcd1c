// SPDX-License-Identifier: GPL-2.0
/*
 * synflood: spoofed TCP SYNs at full speed, for the flood benchmarks.
 *
 *   synflood -i IFACE -m DST_MAC [-s PREFIX/LEN] [-c COUNT] [-d SECONDS]
 *            [-b BATCH] [-j] DST PORT
 *
 * A minimal stand-in for selftests/synflood.c, with the same options (a
 * subset: IPv4 only, no rate limit, no threads, IFACE and MAC required);
 * bench/guest.sh uses that one when it is built. Frames go out of IFACE
 * through an AF_PACKET socket, so they bypass the sender's own IP stack and
 * netfilter hooks: only the target sees them. Sources walk PREFIX (default
 * 10.0.0.0/8) one address per SYN, with a random port, ISN and a 4-byte
 * MSS option, so that every SYN is a new connection to the target. Stops
 * after COUNT SYNs or SECONDS, whichever first (default: 1 s); prints
 * (always JSON; -j is accepted for compatibility):
 *
 *   {"test":"synflood","sent":123456,"errors":0,"duration_s":1.000,"pps":123456.0}
 */
#include <net/if.h>
#include <netinet/ip.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/uio.h>
#include "bench.h"

#define PROG "synflood"
#define MAX_BATCH 256
#define PKT_LEN (20 + 24)

struct syn_pkt {
	uint8_t ip[20];
	uint8_t tcp[24];
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	/* xorshift64*: fast, good enough for ports and ISNs */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 2685821657736338717ULL) >> 32;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
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

static void build(struct syn_pkt *k, uint32_t saddr, uint32_t daddr,
		  uint16_t dport)
{
	uint8_t pseudo[12];
	uint32_t sum;
	uint16_t c;

	memset(k, 0, sizeof(*k));
	k->ip[0] = 0x45;
	put16(k->ip + 2, PKT_LEN);
	put16(k->ip + 4, rnd());
	k->ip[6] = 0x40;		/* DF */
	k->ip[8] = 64;
	k->ip[9] = IPPROTO_TCP;
	put32(k->ip + 12, saddr);
	put32(k->ip + 16, daddr);
	c = csum_fold(csum_add(0, k->ip, 20));
	memcpy(k->ip + 10, &c, 2);

	put16(k->tcp, 1024 + rnd() % 64512);
	put16(k->tcp + 2, dport);
	put32(k->tcp + 4, rnd());
	k->tcp[12] = 6 << 4;		/* data offset: 24 bytes */
	k->tcp[13] = 0x02;		/* SYN */
	put16(k->tcp + 14, 64240);
	k->tcp[20] = 2;			/* MSS 1460 */
	k->tcp[21] = 4;
	put16(k->tcp + 22, 1460);

	memcpy(pseudo, k->ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, sizeof(k->tcp));
	sum = csum_add(csum_add(0, pseudo, sizeof(pseudo)), k->tcp,
		       sizeof(k->tcp));
	c = csum_fold(sum);
	memcpy(k->tcp + 16, &c, 2);
}

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"Usage: %s -i IFACE -m MAC [-s PREFIX/LEN] [-c COUNT] [-d SECONDS]\n"
		"                [-b BATCH] [-j] DST PORT\n\n"
		"Spoofed SYNs out of IFACE (AF_PACKET) at full speed; one JSON line.\n\n"
		"  -i IFACE      interface to send on\n"
		"  -m MAC        the target's MAC address (aa:bb:cc:dd:ee:ff)\n"
		"  -s PFX/LEN    spoofed sources, one per SYN (default 10.0.0.0/8)\n"
		"  -c COUNT      stop after COUNT SYNs (default: no limit)\n"
		"  -d SECONDS    stop after SECONDS (default 1)\n"
		"  -b BATCH      SYNs per sendmmsg() (default 64)\n"
		"  -j            JSON output (the only kind)\n"
		"  DST PORT      the target's IPv4 address and port\n",
		PROG);
	exit(rc);
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *mac = NULL, *dst = NULL;
	const char *prefix = "10.0.0.0/8";
	unsigned long long count = 0, sent = 0;
	double duration = 1, start, now;
	unsigned long long errors = 0;
	int port, batch = 64, plen, fd, c, i;
	static struct syn_pkt pkts[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	struct mmsghdr msgs[MAX_BATCH];
	struct sockaddr_ll sll = { 0 };
	struct in_addr daddr, paddr;
	uint32_t base, span, next = 1;
	unsigned int m[6];
	char pfx[64], *slash;

	while ((c = getopt(argc, argv, "i:m:s:c:d:b:jh")) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'm': mac = optarg; break;
		case 's': prefix = optarg; break;
		case 'c': count = strtoull(optarg, NULL, 0); break;
		case 'd': duration = atof(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'j': break;
		case 'h': usage(0); break;
		default: usage(1);
		}
	}
	if (!ifname || !mac || optind + 2 != argc)
		usage(1);
	dst = argv[optind];
	port = atoi(argv[optind + 1]);
	if (port <= 0 || port > 65535 || duration <= 0 || batch <= 0 ||
	    batch > MAX_BATCH)
		bench_die(PROG, "option out of range");
	if (inet_pton(AF_INET, dst, &daddr) != 1)
		bench_die(PROG, "bad IPv4 address '%s'", dst);
	snprintf(pfx, sizeof(pfx), "%s", prefix);
	slash = strchr(pfx, '/');
	if (!slash)
		bench_die(PROG, "bad prefix '%s'", prefix);
	*slash = '\0';
	plen = atoi(slash + 1);
	if (inet_pton(AF_INET, pfx, &paddr) != 1 || plen < 8 || plen > 30)
		bench_die(PROG, "bad prefix '%s' (length 8..30)", prefix);
	span = 1U << (32 - plen);
	base = ntohl(paddr.s_addr) & ~(span - 1);
	if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5]) != 6)
		bench_die(PROG, "bad MAC '%s'", mac);

	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (fd < 0)
		bench_die(PROG, "socket(AF_PACKET): %s", strerror(errno));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = if_nametoindex(ifname);
	sll.sll_halen = 6;
	for (i = 0; i < 6; i++)
		sll.sll_addr[i] = m[i];
	if (!sll.sll_ifindex)
		bench_die(PROG, "no interface %s", ifname);
	rng_state ^= (uint64_t)getpid() << 32 ^ (uint64_t)(bench_now() * 1e9);

	for (i = 0; i < batch; i++) {
		iov[i] = (struct iovec){ &pkts[i], PKT_LEN };
		msgs[i] = (struct mmsghdr){ .msg_hdr = {
			.msg_name = &sll, .msg_namelen = sizeof(sll),
			.msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	start = bench_now();
	for (now = start; now - start < duration; now = bench_now()) {
		int n = batch, r;

		if (count && count - sent < (unsigned long long)n)
			n = count - sent;
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			/* skip the prefix's network and broadcast addresses */
			if (next >= span - 1)
				next = 1;
			build(&pkts[i], base + next++, ntohl(daddr.s_addr),
			      port);
		}
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				errors += n;
				continue;
			}
			bench_die(PROG, "sendmmsg: %s", strerror(errno));
		}
		sent += r;
	}
	printf("{\"test\":\"synflood\",\"sent\":%llu,\"errors\":%llu,"
	       "\"duration_s\":%.3f,\"pps\":%.1f}\n", sent, errors, now - start,
	       sent / (now - start));
	return 0;
}
