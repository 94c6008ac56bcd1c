// SPDX-License-Identifier: GPL-2.0
/*
 * Reliability suite: a packet fuzzer. Random malformed TCP segments from a
 * seeded PRNG go through both of synwatch's hooks, IPv4 and IPv6 (the
 * fixture's variants), and every invalid counter of GET_STATS must come out
 * exactly as predicted:
 *
 *  - local_in: built byte by byte in netns B and sent into A with
 *    AF_PACKET on B's veth (as track_invalid does), so they cross A's
 *    LOCAL_IN hook;
 *  - local_out: sent from a raw IP socket (IP_HDRINCL) in A, so they cross
 *    A's LOCAL_OUT hook on their way to B.
 *
 * What is generated: truncated TCP headers, data offsets below 5 and past
 * the packet, options that overrun the header or have a wrong length,
 * every invalid flag combination (NULL, XMAS, SYN+FIN, SYN+RST, FIN
 * without ACK, with random other bits), IPv4 headers with options, IPv6
 * extension-header chains (hop-by-hop, routing, destination options,
 * authentication, first fragments) with a TCP header after them, with
 * another protocol after them, or overrunning the packet, IPv6 non-first
 * fragments, IPv4 non-first fragments (LOCAL_OUT only: LOCAL_IN sees
 * reassembled packets), IPv6 payload lengths past the packet (LOCAL_OUT
 * only: the IPv6 input path drops them), segments without SYN, RST or ACK
 * (valid but ignored: untracked, not invalid) and RSTs outside the window
 * of an established connection, in both directions.
 *
 * The expected reason of each segment is not taken from the way it was
 * generated but computed by model_v4()/model_v6() below: the checks of
 * kmod/hooks.c and kmod/engine/segment.c in their order, applied to the bytes the
 * hook will see (the IPv4 input path trims a packet to its tot_len, the
 * IPv6 one to its payload length; the IPv4 raw socket rewrites tot_len).
 * Every TCP checksum is wrong on purpose, so that A's TCP stack drops
 * whatever synwatch let through and never answers: synwatch does not look
 * at checksums, the stack does, before anything else.
 *
 * IPv4 cannot carry TRUNC_IP to either hook (the input path drops a bad
 * length, the raw socket rewrites tot_len and refuses an ihl below 5):
 * there its expected total is 0, and so is FRAGMENT on IPv4 LOCAL_IN.
 *
 * At the end: each invalid reason's counter went up by exactly its
 * expected total (TH_LOG names the reason), the packet and untracked
 * counters by theirs, no record was created, the established connection
 * kept its state, history and packet counts, and a fresh connection is
 * tracked as ESTABLISHED.
 *
 *  - seq_wrap: spoofed connections (B's side injected into LOCAL_IN, A's
 *    side sent from A's raw socket through LOCAL_OUT) whose ISNs are just
 *    below 2^32, carrying data across the wrap both ways: tracked
 *    ESTABLISHED with exact byte and packet counts, RSTs one past either
 *    edge of the window (across the wrap) counted as RST_WINDOW, and an
 *    RST exactly on the window's edge accepted (the record closes with
 *    the right reason).
 *
 * STRESS_SEED (default: from the clock) seeds the PRNG; each test prints
 * its seed so that a failure can be replayed. STRESS_SCALE (default 1)
 * multiplies the work: at scale S, local_in and local_out send S * 60 000
 * malformed segments each per family, seq_wrap makes S * 150 connections
 * per family with 4 out-of-window RSTs each: S * 241 200 segments in all,
 * of which about 88% count as invalid (the rest are ignored or not TCP to
 * the hook, as predicted). make stress's STRESS_SCALE=5 sends 1.2 * 10^6
 * (the goal: 10^6). At scale 1 the program takes about 75 s in
 * the TCG VM with 2 vCPUs, 50 of them setting up the network namespaces.
 */
#include "kselftest_harness.h"
#include "lib/nl.h"
#include "lib/pd.h"
#include "lib/stress.h"

#define A_LPORT		9001		/* A's listener */
#define EST_PORT	(PD_PORT_MIN + 7) /* B's end of the established conn */
#define FRESH_PORT	45000		/* B's real stack, outside PD ports */
#define FUZZ_PKTS	60000		/* per hook and family, at scale 1 */
#define WRAP_CONNS	150		/* per family, at scale 1 */
/*
 * Segments sent before waiting until A's hook counted them all: a veth
 * delivers into the per-CPU backlog (netdev_max_backlog 1000) or its NAPI
 * ring (256); staying well under both means none is dropped unseen.
 */
#define BATCH		64
#define N_REASONS	(SYNWATCH_INVALID_MAX + 1)

static const char *const reason_name[N_REASONS] = {
	"valid", "TRUNC_IP", "TRUNC_TCP", "BAD_DOFF", "BAD_OPTIONS",
	"FLAGS_NULL", "FLAGS_XMAS", "FLAGS_SYNFIN", "FLAGS_SYNRST",
	"FLAGS_FIN_NOACK", "RST_WINDOW", "FRAGMENT",
};

static const char *reason_str(int r)
{
	return r >= 0 && r < N_REASONS && reason_name[r] ? reason_name[r] : "?";
}

/* ------------------------------------------------------------------ */
/* The model: which reason synwatch's hook counts for a packet         */
/* ------------------------------------------------------------------ */

#define NOT_SEEN	(-1)	/* not a TCP packet to the hook: not counted */

/*
 * sw_hook_tcp() and sw_parse_tcp(): th points to the TCP header, avail
 * bytes of the skb from there on, l4len what the IP header says.
 */
static int model_tcp(const uint8_t *th, size_t avail, size_t l4len)
{
	size_t doff, hlen, i, olen;
	uint8_t f;

	if (avail < 20 || l4len < 20)
		return SYNWATCH_INVALID_TRUNC_TCP;
	doff = (th[12] >> 4) * 4;
	/* the hook copies min(doff, what the skb holds) bytes, 20 at least */
	hlen = doff < 20 ? 20 : (doff < avail ? doff : avail);
	if (doff < 20 || doff > l4len)
		return SYNWATCH_INVALID_BAD_DOFF;
	if (doff > hlen)
		return SYNWATCH_INVALID_TRUNC_TCP;
	f = th[13] & (F_FIN | F_SYN | F_RST | F_PSH | F_ACK | F_URG);
	if (!f)
		return SYNWATCH_INVALID_FLAGS_NULL;
	if ((f & (F_FIN | F_PSH | F_URG)) == (F_FIN | F_PSH | F_URG))
		return SYNWATCH_INVALID_FLAGS_XMAS;
	if ((f & (F_SYN | F_FIN)) == (F_SYN | F_FIN))
		return SYNWATCH_INVALID_FLAGS_SYNFIN;
	if ((f & (F_SYN | F_RST)) == (F_SYN | F_RST))
		return SYNWATCH_INVALID_FLAGS_SYNRST;
	if ((f & (F_FIN | F_ACK)) == F_FIN)
		return SYNWATCH_INVALID_FLAGS_FIN_NOACK;
	/* options, RFC 9293 3.2: each one bounds-checked */
	for (i = 20; i < doff;) {
		uint8_t kind = th[i];

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= doff)
			return SYNWATCH_INVALID_BAD_OPTIONS;
		olen = th[i + 1];
		if (olen < 2 || i + olen > doff)
			return SYNWATCH_INVALID_BAD_OPTIONS;
		if ((kind == 2 && olen != 4) || (kind == 3 && olen != 3) ||
		    (kind == 4 && olen != 2) || (kind == 8 && olen != 10))
			return SYNWATCH_INVALID_BAD_OPTIONS;
		i += olen;
	}
	return 0;
}

/* __sw_hook_v4() on the packet p of skb_len bytes, as the hook sees it. */
static int model_v4(const uint8_t *p, size_t skb_len)
{
	size_t ihl = (p[0] & 0xf) * 4, tot = st_get16(p + 2);

	if (p[9] != IPPROTO_TCP)
		return NOT_SEEN;
	if (ihl < 20 || tot < ihl || tot > skb_len)
		return SYNWATCH_INVALID_TRUNC_IP;
	if (st_get16(p + 6) & 0x1fff)
		return SYNWATCH_INVALID_FRAGMENT;
	return model_tcp(p + ihl, skb_len - ihl, tot - ihl);
}

static bool v6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 59 ||
	       nh == 60;
}

/* __sw_hook_v6(), with ipv6_skip_exthdr()'s walk of the chain. */
static int model_v6(const uint8_t *p, size_t skb_len)
{
	size_t start = 40, plen;
	uint16_t frag = 0;
	uint8_t nh = p[6];

	while (v6_ext(nh)) {
		size_t hdrlen;

		if (nh == 59 || start + 2 > skb_len)
			return NOT_SEEN;
		if (nh == 44) {
			if (start + 4 > skb_len)
				return NOT_SEEN;
			frag = st_get16(p + start + 2);
			if (frag & ~0x7)
				break;	/* non-first: the walk stops there */
			hdrlen = 8;
		} else if (nh == 51) {
			hdrlen = (p[start + 1] + 2) * 4;
		} else {
			hdrlen = (p[start + 1] + 1) * 8;
		}
		nh = p[start];
		start += hdrlen;
	}
	if (frag & ~0x7) {
		/* counted if the fragment header says TCP follows */
		return p[start] == IPPROTO_TCP ? SYNWATCH_INVALID_FRAGMENT :
						 NOT_SEEN;
	}
	if (nh != IPPROTO_TCP)
		return NOT_SEEN;
	plen = st_get16(p + 4) ? 40 + (size_t)st_get16(p + 4) : skb_len;
	if (plen > skb_len || plen < start)
		return SYNWATCH_INVALID_TRUNC_IP;
	return model_tcp(p + start, skb_len - start, plen - start);
}

/* ------------------------------------------------------------------ */
/* The generator                                                      */
/* ------------------------------------------------------------------ */

enum hook { HK_IN, HK_OUT };

/* What one generated packet is, and what it must count as. */
struct gpkt {
	uint8_t b[600];
	size_t len;		/* bytes sent */
	size_t skb_len;		/* bytes the hook sees (after input trims) */
	size_t thoff;		/* where the TCP header is */
	int verdict;		/* NOT_SEEN, 0 (valid) or a reason */
	bool est;		/* on the established connection's tuple */
	bool rst_window;	/* an RST meant to miss its window */
	bool ext_chains, frags;	/* IPv6 extension headers; a fragment */
};

/* Expected totals of a run, and what it did. */
struct pkt_tally {
	uint64_t sent, seen, untracked;
	uint64_t reason[N_REASONS];
	uint64_t not_seen, ext_chains, frags;
};

enum tcp_kind {
	K_TRUNC, K_DOFF_LOW, K_DOFF_HIGH, K_BAD_OPT, K_NULL, K_XMAS,
	K_SYNFIN, K_SYNRST, K_FIN_NOACK, K_IGNORED, K_RST_WINDOW,
	K_RANDOM, K_MAX
};

/* Valid-looking options (sometimes), to put the bad one among. */
static size_t put_good_opts(uint8_t *o, size_t room)
{
	size_t n = 0;

	while (n < room && st_chance(60)) {
		switch (st_rnd_below(6)) {
		case 0:
			if (n + 4 > room)
				return n;
			o[n++] = 2;
			o[n++] = 4;
			st_put16(o + n, 1000 + st_rnd_below(9000));
			n += 2;
			break;
		case 1:
			if (n + 3 > room)
				return n;
			o[n++] = 3;
			o[n++] = 3;
			o[n++] = st_rnd_below(20);
			break;
		case 2:
			if (n + 2 > room)
				return n;
			o[n++] = 4;
			o[n++] = 2;
			break;
		case 3:
			if (n + 10 > room)
				return n;
			o[n++] = 8;
			o[n++] = 10;
			st_rnd_bytes(o + n, 8);
			n += 8;
			break;
		case 4:
			o[n++] = 1;
			break;
		default:	/* an unknown kind with a sound length */
			if (n + 4 > room)
				return n;
			o[n++] = 30 + st_rnd_below(200);
			o[n++] = 4;
			st_rnd_bytes(o + n, 2);
			n += 2;
			break;
		}
	}
	return n;
}

/* One option that breaks the walk (parse.c's bounds and lengths). */
static size_t put_bad_opt(uint8_t *o, size_t room)
{
	static const uint8_t fixed[][2] = {
		{ 2, 4 }, { 3, 3 }, { 4, 2 }, { 8, 10 },
	};
	unsigned int w = st_rnd_below(4);

	if (room < 2) {
		o[0] = 2 + st_rnd_below(250);	/* a kind without its length */
		return 1;
	}
	o[0] = 2 + st_rnd_below(250);
	switch (st_rnd_below(4)) {
	case 0:		/* length 0 or 1 */
		o[1] = st_rnd_below(2);
		break;
	case 1:		/* past the header */
		o[1] = room + 1 + st_rnd_below(255 - room);
		break;
	case 2:		/* a known option of the wrong length */
		o[0] = fixed[w][0];
		o[1] = 2 + st_rnd_below(38);
		if (o[1] == fixed[w][1])
			o[1]++;
		break;
	default:	/* a kind with no room left for its length */
		return 1;
	}
	return 2;
}

/*
 * The TCP part of a packet of kind k: header, options, payload; returns
 * its length. The kind only biases the dice: the model says what it is.
 */
static size_t gen_tcp(uint8_t *th, enum tcp_kind k, uint16_t sport,
		      uint16_t dport, uint32_t est_seq)
{
	static const uint8_t good_flags[] = {
		F_ACK, F_ACK | F_PSH, F_SYN, F_SYN | F_ACK, F_FIN | F_ACK,
		F_ACK | F_URG, F_RST | F_ACK,
	};
	size_t ol = 0, hdr, pay = st_chance(30) ? st_rnd_below(64) : 0, len, doff;
	uint32_t off;
	/* bits ECE and CWR never matter to synwatch: set them at random */
	uint8_t fl = good_flags[st_rnd_below(sizeof(good_flags))] |
		     (st_rnd() & 0xc0);

	memset(th, 0, 60);
	st_put16(th, sport);
	st_put16(th + 2, dport);
	st_put32(th + 4, st_rnd());
	st_put32(th + 8, st_rnd());
	st_put16(th + 14, st_rnd());
	if (k == K_BAD_OPT) {
		ol = put_good_opts(th + 20, 30);
		ol += put_bad_opt(th + 20 + ol, 40 - ol);
		ol += put_good_opts(th + 20 + ol, 40 - ol);
	} else if (st_chance(25)) {
		ol = put_good_opts(th + 20, 40);
	}
	/* the options padded with End of Option List (zeros) */
	hdr = 20 + (ol + 3) / 4 * 4;
	switch (k) {
	case K_NULL:
		fl &= 0xc0;
		break;
	case K_XMAS:
		fl |= F_FIN | F_PSH | F_URG | (st_rnd() & (F_SYN | F_RST | F_ACK));
		break;
	case K_SYNFIN:
		fl = (fl & 0xc0) | F_SYN | F_FIN |
		     (st_rnd() & (F_ACK | F_PSH | F_URG | F_RST));
		break;
	case K_SYNRST:
		fl = (fl & 0xc0) | F_SYN | F_RST | (st_rnd() & (F_ACK | F_PSH));
		break;
	case K_FIN_NOACK:
		fl = (fl & 0xc0) | F_FIN | (st_rnd() & (F_PSH | F_URG));
		break;
	case K_IGNORED:
		/* none of SYN, RST and ACK (parse.c lets it by), or an RST */
		fl = (fl & 0xc0) | (1 + st_rnd_below(3)) * F_PSH;
		if (st_chance(30))
			fl = (fl & 0xc0) | F_RST | (st_rnd() & F_ACK);
		break;
	case K_RST_WINDOW:
		fl = (fl & 0xc0) | F_RST | (st_rnd() & (F_ACK | F_PSH));
		/* 2^29 to 3 * 2^29 away: more than any window (65535 << 14) */
		off = 0x20000000u + st_rnd_below(0x40000000u);
		st_put32(th + 4, st_chance(50) ? est_seq + off : est_seq - off);
		pay = 0;
		break;
	case K_RANDOM:
		fl = st_rnd();
		st_rnd_bytes(th + 20, 40);
		hdr = 60;
		break;
	default:
		break;
	}
	st_rnd_bytes(th + hdr, pay);
	len = hdr + pay;
	doff = hdr;
	if (k == K_DOFF_LOW)
		doff = 4 * st_rnd_below(5);
	if (k == K_DOFF_HIGH) {
		/* more header claimed than the packet holds */
		len = 20 + st_rnd_below(36);
		doff = (len / 4 + 1 + st_rnd_below(15 - len / 4)) * 4;
	}
	th[12] = (uint8_t)(doff / 4) << 4 | (st_rnd() & 0x0f);
	if (k == K_RANDOM)
		th[12] = st_rnd();
	th[13] = fl;
	if (k == K_TRUNC)
		len = st_rnd_below(20);
	return len;
}

/* Make the TCP checksum wrong (right, then off), if it is in the packet. */
static void bad_csum(int family, const uint8_t *ip, uint8_t *th, size_t l4len)
{
	int alen = family == AF_INET ? 4 : 16;
	const uint8_t *src = ip + (family == AF_INET ? 12 : 8);
	uint32_t sum;

	if (l4len < 18)
		return;
	th[16] = th[17] = 0;
	sum = st_csum_add(0, src, alen);
	sum = st_csum_add(sum, src + alen, alen);
	sum += IPPROTO_TCP + (uint32_t)l4len;
	sum = st_csum_add(sum, th, l4len);
	st_put16(th + 16, st_csum_fold(sum) ^ 0x5a5a);
}

/* An IPv6 extension header at p, its next header left 0; its length. */
static size_t put_v6_ext(uint8_t *p, uint8_t type)
{
	size_t len;

	switch (type) {
	case 0:		/* hop-by-hop, one PadN: what ipv6_rcv() accepts */
		p[1] = 0;
		p[2] = 1;
		p[3] = 4;
		memset(p + 4, 0, 4);
		return 8;
	case 43:	/* routing, type 0, no segment left */
		len = 8 * (1 + st_rnd_below(3));
		memset(p, 0, len);
		p[1] = len / 8 - 1;
		return len;
	case 44:	/* a first fragment (offset 0), or a whole one */
		p[1] = 0;
		st_put16(p + 2, st_chance(50));	/* M flag */
		st_put32(p + 4, st_rnd());
		return 8;
	case 51:	/* authentication header: (len + 2) * 4 bytes */
		len = 12 + 4 * st_rnd_below(3);
		st_rnd_bytes(p, len);
		p[1] = len / 4 - 2;
		return len;
	default:	/* 60: destination options, Pad1s */
		len = 8 * (1 + st_rnd_below(2));
		memset(p, 0, len);
		p[1] = len / 8 - 1;
		return len;
	}
}

/* A non-first IPv6 fragment header at p, of a TCP (mostly) or UDP packet. */
static size_t put_v6_frag(uint8_t *p)
{
	p[0] = st_chance(80) ? IPPROTO_TCP : IPPROTO_UDP;
	p[1] = 0;
	st_put16(p + 2, (1 + st_rnd_below(0x1fff)) << 3 | st_chance(50));
	st_put32(p + 4, st_rnd());
	return 8;
}

/* IPv4 header at p, with ihl - 20 bytes of options (NOPs, then EOL). */
static void put_v4(uint8_t *p, size_t ihl, const uint8_t *src,
		   const uint8_t *dst)
{
	memset(p, 0, ihl);
	memset(p + 20, 1, ihl - 20);
	if (ihl > 20)
		p[ihl - 1] = 0;
	p[0] = 0x40 | ihl / 4;
	st_put16(p + 4, st_rnd() | 1);
	if (st_chance(30))
		p[6] = 0x40;	/* DF */
	p[8] = 64;
	p[9] = IPPROTO_TCP;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
}

/*
 * IPv6 header at p and a random chain of extension headers; returns where
 * the TCP header goes. The chain may end in something else than TCP (no
 * next header, UDP, a non-first fragment): then *tcp is false.
 */
static size_t put_v6_chain(struct gpkt *g, uint8_t *p, const uint8_t *src,
			   const uint8_t *dst, bool *tcp)
{
	static const uint8_t ext_types[] = { 43, 44, 51, 60 };
	unsigned int next = st_chance(35) ? 1 + st_rnd_below(3) : 0, i;
	uint8_t *nhp = p + 6;	/* the next-header byte to fill in */
	size_t hl = 40;

	memset(p, 0, 40);
	p[0] = 0x60;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	*tcp = true;
	g->ext_chains = next > 0;
	for (i = 0; i < next; i++) {
		/* hop-by-hop only first, as the input path wants it */
		*nhp = !i && st_chance(40) ? 0 :
		       ext_types[st_rnd_below(sizeof(ext_types))];
		nhp = p + hl;
		hl += put_v6_ext(p + hl, *nhp);
	}
	switch (st_chance(next ? 25 : 4) ? st_rnd_below(3) : 3) {
	case 0:		/* no next header */
		*nhp = 59;
		*tcp = false;
		break;
	case 1:		/* UDP after the chain */
		*nhp = IPPROTO_UDP;
		*tcp = false;
		break;
	case 2:		/* a non-first fragment */
		*nhp = 44;
		hl += put_v6_frag(p + hl);
		g->frags = 1;
		*tcp = false;
		break;
	default:
		*nhp = IPPROTO_TCP;
		break;
	}
	return hl;
}

/*
 * One random packet for the hook hk: a TCP malformation, on the
 * established tuple or on a tuple of no connection, in an IP header with
 * its own oddities. Its verdict is the model's.
 */
static void gen_packet(struct gpkt *g, const struct st_topo *t, enum hook hk,
		       const struct st_pd *est, uint32_t est_seq)
{
	const uint8_t *src = hk == HK_IN ? t->addr_b : t->addr_a;
	const uint8_t *dst = hk == HK_IN ? t->addr_a : t->addr_b;
	uint16_t bport = PD_PORT_MIN + 100 + st_rnd_below(5000);
	uint16_t aport = PD_A_DEAF;
	enum tcp_kind k = st_rnd_below(K_MAX);
	uint8_t *p = g->b;
	size_t hl, l4len;
	bool tcp;

	memset(g, 0, sizeof(*g));
	g->rst_window = k == K_RST_WINDOW;
	g->est = g->rst_window || (k != K_IGNORED && st_chance(30));
	if (g->est) {
		bport = est->port;
		aport = A_LPORT;
	}
	if (t->family == AF_INET) {
		hl = st_chance(15) ? 20 + 4 * (1 + st_rnd_below(10)) : 20;
		put_v4(p, hl, src, dst);
	} else {
		hl = put_v6_chain(g, p, src, dst, &tcp);
	}
	g->thoff = hl;
	l4len = gen_tcp(p + hl, k, hk == HK_IN ? bport : aport,
			hk == HK_IN ? aport : bport, est_seq);
	g->len = g->skb_len = hl + l4len;
	if (t->family == AF_INET) {
		/* LOCAL_IN sees reassembled packets only: fragments go out */
		if (hk == HK_OUT && st_chance(4)) {
			st_put16(p + 6, (1 + st_rnd_below(0x1fff)) | (st_rnd() & 0x2000));
			g->frags = 1;
		}
		st_put16(p + 2, g->len);
		st_put16(p + 10, st_csum_fold(st_csum_add(0, p, hl)));
	} else {
		st_put16(p + 4, g->len - 40);
	}
	bad_csum(t->family, p, p + hl, l4len);
	if (hk == HK_IN && st_chance(5)) {
		/* trailing bytes, which the input path trims away */
		size_t extra = 1 + st_rnd_below(16);

		st_rnd_bytes(p + g->len, extra);
		g->len += extra;
	}
	if (t->family == AF_INET6 && g->ext_chains && p[6] != 0 &&
	    st_chance(8)) {
		/* the first extension header runs past the packet */
		p[41] = 10 + st_rnd_below(20);
	}
	if (t->family == AF_INET6 && hk == HK_OUT) {
		/*
		 * The raw socket sends the header as it is (the input path
		 * would drop these): a payload length past the packet,
		 * short of it, or 0 (a jumbogram: the skb's length).
		 */
		switch (st_rnd_below(12)) {
		case 0:
			st_put16(p + 4, g->len - 40 + 1 + st_rnd_below(100));
			break;
		case 1:
			st_put16(p + 4, st_rnd_below(g->len - 40));
			break;
		default:
			break;
		}
	}
	g->verdict = t->family == AF_INET ? model_v4(p, g->skb_len) :
					    model_v6(p, g->skb_len);
}

/*
 * Is a packet of this verdict fine to send? Nothing valid may reach a
 * tuple (it would make a record or move the established one) except what
 * the tracker ignores on a tuple of no connection (no SYN, RST or ACK, or
 * an RST: untracked) and the established one's out-of-window RSTs.
 */
static bool acceptable(const struct gpkt *g)
{
	uint8_t fl;

	if (g->verdict)
		return true;
	fl = g->b[g->thoff + 13];
	if (g->est)
		return g->rst_window && (fl & F_RST);
	return (fl & F_RST) || !(fl & (F_SYN | F_RST | F_ACK));
}

/* ------------------------------------------------------------------ */
/* Fixture                                                            */
/* ------------------------------------------------------------------ */

FIXTURE(fuzz) {
	struct st_topo t;
	struct st_nl na;
	struct st_pd pd;		/* the established connection (B's end) */
	int lfd, afd;
	struct st_conn est0;	/* its record before the fuzz */
};

FIXTURE_VARIANT(fuzz) {
	int family;
};

FIXTURE_VARIANT_ADD(fuzz, ipv4) { .family = AF_INET };
FIXTURE_VARIANT_ADD(fuzz, ipv6) { .family = AF_INET6 };

FIXTURE_SETUP(fuzz)
{
	struct st_tcpopts o = st_pd_syn_opts();

	ASSERT_EQ(0, st_topo_up(&self->t, variant->family, "fz"));
	ASSERT_EQ(0, st_pd_blackhole(&self->t));
	ASSERT_EQ(0, st_nl_open_ns(&self->na, &self->t, self->t.fa));
	self->lfd = st_tcp_listen(&self->t, self->t.fa, self->t.addr_a, A_LPORT);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, st_pd_open(&self->pd, &self->t, EST_PORT, A_LPORT));
	ASSERT_EQ(0, st_pd_connect(&self->pd, &o));
	ASSERT_EQ(1, st_fd_wait(self->lfd, POLLIN, 5000 * st_slow_scale()));
	self->afd = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, self->afd);
	ASSERT_EQ(0, st_wait_state(&self->na, A_LPORT, EST_PORT,
				   SYNWATCH_STATE_ESTABLISHED,
				   5000 * st_slow_scale(), &self->est0));
}

FIXTURE_TEARDOWN(fuzz)
{
	st_pd_close(&self->pd);
	if (self->afd > 0)
		close(self->afd);
	if (self->lfd > 0)
		close(self->lfd);
	st_nl_close(&self->na);
	st_topo_down(&self->t);
}

/* Send one generated packet through its hook. */
static int send_pkt(struct st_pd *pd, enum hook hk, const uint8_t *p, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	if (hk == HK_IN)
		return st_pd_inject(pd, p, len);
	sl = st_topo_sa(pd->t, pd->t->addr_b, 0, &ss);
	if (sendto(pd->raw, p, len, 0, (struct sockaddr *)&ss, sl) !=
	    (ssize_t)len)
		return -errno;
	return 0;
}

/*
 * Wait until A's hook has counted want TCP packets on hk since s0 (the
 * LOCAL_IN ones are handled in softirq, maybe after sendto() returned).
 * 0 when there, -ETIMEDOUT; *s1 holds the last stats read.
 */
static int wait_seen(struct st_nl *na, const struct st_stats *s0, enum hook hk,
		     uint64_t want, struct st_stats *s1)
{
	int ctr = hk == HK_IN ? SYNWATCH_A_STATS_PKTS_IN :
				SYNWATCH_A_STATS_PKTS_OUT;
	uint64_t end = st_now_us() + 20000000ull * st_slow_scale();

	for (;;) {
		if (st_get_stats(na, s1))
			return -EIO;
		if (s1->v[ctr] - s0->v[ctr] >= want)
			return 0;
		if (st_now_us() > end)
			return -ETIMEDOUT;
		usleep(200);
	}
}

/*
 * After the fuzz: the established connection kept everything, no record
 * was made, and a new connection from B's real stack is tracked.
 */
static void check_after(struct __test_metadata *_metadata,
			FIXTURE_DATA(fuzz) *self, int nrec)
{
	struct st_conn c, recs[8];
	int fd, afd;

	ASSERT_EQ(1, st_find(&self->na, A_LPORT, EST_PORT, &c));
	EXPECT_EQ(SYNWATCH_STATE_ESTABLISHED, c.state);
	EXPECT_STREQ(self->est0.hist, c.hist);
	EXPECT_EQ(self->est0.pkts_in, c.pkts_in);
	EXPECT_EQ(self->est0.pkts_out, c.pkts_out);
	EXPECT_EQ(self->est0.bytes_in, c.bytes_in);
	EXPECT_EQ(SYNWATCH_CLOSE_NONE, c.reason);
	if (nrec >= 0)
		EXPECT_EQ(nrec, st_dump(&self->na, NULL, recs, 8));

	fd = st_tcp_connect(&self->t, self->t.fb, self->t.addr_b, FRESH_PORT,
			 self->t.addr_a, A_LPORT, false);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, st_fd_wait(self->lfd, POLLIN, 5000 * st_slow_scale()));
	afd = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	EXPECT_EQ(0, st_wait_state(&self->na, A_LPORT, FRESH_PORT,
				   SYNWATCH_STATE_ESTABLISHED,
				   5000 * st_slow_scale(), &c));
	EXPECT_STREQ("sHa", c.hist);
	close(afd);
	close(fd);
}

static void fuzz_hook(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fuzz) *self, enum hook hk)
{
	uint64_t total = (uint64_t)FUZZ_PKTS * st_stress_scale();
	/* the sequence number the established side sends next */
	uint32_t est_seq = hk == HK_IN ? self->pd.snd_nxt : self->pd.rcv_nxt;
	struct st_stats s0, s1;
	struct pkt_tally ty;
	struct gpkt g;
	uint64_t i, t0 = st_now_us(), batch_seen = 0, invalid = 0;
	int r;

	memset(&ty, 0, sizeof(ty));
	ASSERT_EQ(0, st_get_stats(&self->na, &s0));
	for (i = 0; i < total; i++) {
		do {
			gen_packet(&g, &self->t, hk, &self->pd, est_seq);
		} while (!acceptable(&g));
		/* the model cannot know the window: the generator does */
		if (g.verdict == 0 && g.est)
			g.verdict = SYNWATCH_INVALID_RST_WINDOW;
		r = send_pkt(&self->pd, hk, g.b, g.len);
		ASSERT_EQ(0, r) TH_LOG("packet %llu (%zu bytes)",
				       (unsigned long long)i, g.len);
		ty.sent++;
		ty.ext_chains += g.ext_chains;
		ty.frags += g.frags;
		if (g.verdict == NOT_SEEN) {
			ty.not_seen++;
			continue;
		}
		ty.seen++;
		batch_seen++;
		if (g.verdict == 0)
			ty.untracked++;
		else
			ty.reason[g.verdict]++;
		if (batch_seen == BATCH) {
			ASSERT_EQ(0, wait_seen(&self->na, &s0, hk, ty.seen,
					       &s1))
				TH_LOG("the hook did not see the packets sent");
			batch_seen = 0;
		}
	}
	ASSERT_EQ(0, wait_seen(&self->na, &s0, hk, ty.seen, &s1));
	/* and nothing else comes late */
	usleep(100000);
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));

	for (r = 1; r < N_REASONS; r++) {
		invalid += ty.reason[r];
		EXPECT_EQ(ty.reason[r], s1.inval[r] - s0.inval[r])
			TH_LOG("invalid reason %s", reason_str(r));
	}
	EXPECT_EQ(ty.seen, s1.v[hk == HK_IN ? SYNWATCH_A_STATS_PKTS_IN :
					      SYNWATCH_A_STATS_PKTS_OUT] -
			   s0.v[hk == HK_IN ? SYNWATCH_A_STATS_PKTS_IN :
					      SYNWATCH_A_STATS_PKTS_OUT]);
	EXPECT_EQ(ty.untracked, s1.v[SYNWATCH_A_STATS_UNTRACKED] -
				s0.v[SYNWATCH_A_STATS_UNTRACKED]);
	EXPECT_EQ(0, s1.v[SYNWATCH_A_STATS_CONN_NEW] -
		     s0.v[SYNWATCH_A_STATS_CONN_NEW]);
	EXPECT_EQ(0, s1.v[SYNWATCH_A_STATS_STATE_CHANGES] -
		     s0.v[SYNWATCH_A_STATS_STATE_CHANGES]);
	EXPECT_EQ(s0.v[SYNWATCH_A_STATS_CONN_COUNT],
		  s1.v[SYNWATCH_A_STATS_CONN_COUNT]);
	TH_LOG("%s: %llu packets in %.1f s: %llu invalid, %llu ignored, "
	       "%llu not TCP to the hook; %llu with IPv6 extension headers, "
	       "%llu fragments", hk == HK_IN ? "LOCAL_IN" : "LOCAL_OUT",
	       (unsigned long long)ty.sent, (st_now_us() - t0) / 1e6,
	       (unsigned long long)invalid, (unsigned long long)ty.untracked,
	       (unsigned long long)ty.not_seen,
	       (unsigned long long)ty.ext_chains,
	       (unsigned long long)ty.frags);
	for (r = 1; r < N_REASONS; r++)
		TH_LOG("  %-16s %llu", reason_str(r),
		       (unsigned long long)ty.reason[r]);
	check_after(_metadata, self, 1);
}

TEST_F_TIMEOUT(fuzz, local_in, 3600)
{
	st_seed_rng(_metadata, "local_in");
	fuzz_hook(_metadata, self, HK_IN);
}

TEST_F_TIMEOUT(fuzz, local_out, 3600)
{
	st_seed_rng(_metadata, "local_out");
	fuzz_hook(_metadata, self, HK_OUT);
}

/* ------------------------------------------------------------------ */
/* Across the 2^32 sequence wrap                                      */
/* ------------------------------------------------------------------ */

/* One side of a spoofed connection. */
struct side {
	enum hook hk;		/* HK_IN: B's side, HK_OUT: A's */
	uint16_t sport, dport;
	uint32_t isn, nxt;	/* ISN, next sequence number */
	uint16_t win;
	uint64_t bytes, pkts;
};

/* A valid segment of side s, acking the other side's o->nxt. */
static int wrap_send(struct st_pd *pd, struct side *s, const struct side *o,
		     uint8_t flags, uint32_t seq, size_t pay)
{
	uint8_t l4[1500], pkt[1600], data[1400];
	const uint8_t *src = s->hk == HK_IN ? pd->t->addr_b : pd->t->addr_a;
	const uint8_t *dst = s->hk == HK_IN ? pd->t->addr_a : pd->t->addr_b;
	size_t n;

	st_rnd_bytes(data, pay);
	n = st_tcp_build(l4, s->sport, s->dport, seq,
		      (flags & F_ACK) ? o->nxt : 0, flags, s->win, NULL, data,
		      pay);
	n = st_ip_wrap(pd->t->family, src, dst, l4, n, pkt, true);
	return send_pkt(pd, s->hk, pkt, n);
}

/*
 * One spoofed connection, B (injected, LOCAL_IN) to A's deaf port (A's
 * stack never sees it), A's side from the raw socket (LOCAL_OUT), both
 * ISNs just below 2^32: handshake, data across the wrap both ways, RSTs
 * one past each edge of the window, then one on the edge. Returns the
 * number of RST_WINDOW it caused.
 */
static void wrap_conn(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fuzz) *self, uint16_t bport,
		      uint64_t *rst_window)
{
	struct side b = { .hk = HK_IN, .sport = bport, .dport = PD_A_DEAF };
	struct side a = { .hk = HK_OUT, .sport = PD_A_DEAF, .dport = bport };
	struct st_pd *pd = &self->pd;
	struct st_stats s0, s1;
	uint64_t in = 0, out = 0;
	struct side *rs, *ro;
	struct st_conn c;
	unsigned int i, k;
	uint32_t seq;

	b.isn = -(1 + st_rnd_below(3000));
	a.isn = -(1 + st_rnd_below(3000));
	b.win = 1000 + st_rnd_below(64000);
	a.win = 1000 + st_rnd_below(64000);
	ASSERT_EQ(0, st_get_stats(&self->na, &s0));

	/* the handshake, each step seen before the next is sent */
	b.nxt = b.isn + 1;
	ASSERT_EQ(0, wrap_send(pd, &b, &a, F_SYN, b.isn, 0));
	ASSERT_EQ(0, wait_seen(&self->na, &s0, HK_IN, ++in, &s1));
	a.nxt = a.isn + 1;
	ASSERT_EQ(0, wrap_send(pd, &a, &b, F_SYN | F_ACK, a.isn, 0));
	out++;
	ASSERT_EQ(0, wrap_send(pd, &b, &a, F_ACK, b.nxt, 0));
	ASSERT_EQ(0, wait_seen(&self->na, &s0, HK_IN, ++in, &s1));
	b.pkts = 2;
	a.pkts = 1;

	/* data both ways: 5 to 10 segments of 800 to 1400 bytes a side */
	k = 5 + st_rnd_below(6);
	for (i = 0; i < 2 * k; i++) {
		struct side *s = i & 1 ? &a : &b, *o = i & 1 ? &b : &a;
		size_t pay = 800 + st_rnd_below(601);

		ASSERT_EQ(0, wrap_send(pd, s, o, F_ACK | (st_chance(50) ? F_PSH : 0),
				       s->nxt, pay));
		s->nxt += pay;
		s->bytes += pay;
		s->pkts++;
		if (s->hk == HK_IN)
			in++;
		else
			out++;
	}
	ASSERT_EQ(0, wait_seen(&self->na, &s0, HK_IN, in, &s1));
	/* both sides went past 2^32 */
	ASSERT_LT(b.nxt, b.isn);
	ASSERT_LT(a.nxt, a.isn);
	ASSERT_EQ(1, st_find(&self->na, PD_A_DEAF, bport, &c));
	EXPECT_EQ(SYNWATCH_STATE_ESTABLISHED, c.state);
	EXPECT_EQ(b.isn, c.isn_r);
	EXPECT_EQ(a.isn, c.isn_l);
	EXPECT_EQ(b.bytes, c.bytes_in);
	EXPECT_EQ(a.bytes, c.bytes_out);
	EXPECT_EQ(b.pkts, c.pkts_in);
	EXPECT_EQ(a.pkts, c.pkts_out);

	/*
	 * An RST must fall within the other side's window of the sender's
	 * highest sequence number (kmod/engine/track.c, sw_rst_acceptable()): no
	 * window scaling here, so one past either edge is out, across the
	 * wrap or not.
	 */
	for (i = 0; i < 4; i++) {
		rs = i & 1 ? &a : &b;
		ro = i & 1 ? &b : &a;
		seq = i & 2 ? rs->nxt + ro->win + 1 : rs->nxt - ro->win - 1;
		ASSERT_EQ(0, wrap_send(pd, rs, ro, F_RST | (st_chance(50) ? F_ACK : 0),
				       seq, 0));
		if (rs->hk == HK_IN)
			in++;
		else
			out++;
	}
	*rst_window += 4;
	ASSERT_EQ(0, wait_seen(&self->na, &s0, HK_IN, in, &s1));
	EXPECT_EQ(4, s1.inval[SYNWATCH_INVALID_RST_WINDOW] -
		     s0.inval[SYNWATCH_INVALID_RST_WINDOW]);
	ASSERT_EQ(1, st_find(&self->na, PD_A_DEAF, bport, &c));
	EXPECT_EQ(SYNWATCH_STATE_ESTABLISHED, c.state);
	EXPECT_EQ(b.pkts, c.pkts_in);
	EXPECT_EQ(a.pkts, c.pkts_out);

	/* on the edge, either side, either edge: it closes the connection */
	rs = st_chance(50) ? &a : &b;
	ro = rs == &a ? &b : &a;
	seq = st_chance(50) ? rs->nxt + ro->win : rs->nxt - ro->win;
	ASSERT_EQ(0, wrap_send(pd, rs, ro, F_RST, seq, 0));
	if (rs->hk == HK_IN)
		in++;
	else
		out++;
	ASSERT_EQ(0, wait_seen(&self->na, &s0, HK_IN, in, &s1));
	ASSERT_EQ(1, st_find(&self->na, PD_A_DEAF, bport, &c));
	EXPECT_EQ(SYNWATCH_STATE_CLOSED, c.state);
	EXPECT_EQ(rs == &b ? SYNWATCH_CLOSE_REMOTE_RST : SYNWATCH_CLOSE_LOCAL_RST,
		  c.reason);
	EXPECT_EQ(out, s1.v[SYNWATCH_A_STATS_PKTS_OUT] -
		       s0.v[SYNWATCH_A_STATS_PKTS_OUT]);
}

TEST_F_TIMEOUT(fuzz, seq_wrap, 3600)
{
	unsigned int n = WRAP_CONNS * st_stress_scale(), i;
	uint64_t rst_window = 0, t0 = st_now_us();
	struct st_stats s0, s1;
	int r;

	st_seed_rng(_metadata, "seq_wrap");
	ASSERT_EQ(0, st_get_stats(&self->na, &s0));
	for (i = 0; i < n; i++) {
		/*
		 * B's ports stay among the script ports B's stack never
		 * answers; past 3900 connections a tuple is reused (a SYN
		 * on a CLOSED record opens a new connection).
		 */
		wrap_conn(_metadata, self, PD_PORT_MIN + 6000 + i % 3900,
			  &rst_window);
		if (!_metadata->passed)
			break;
	}
	ASSERT_EQ(0, st_get_stats(&self->na, &s1));
	for (r = 1; r < N_REASONS; r++)
		EXPECT_EQ(r == SYNWATCH_INVALID_RST_WINDOW ? rst_window : 0,
			  s1.inval[r] - s0.inval[r])
			TH_LOG("invalid reason %s", reason_str(r));
	EXPECT_EQ(n, s1.v[SYNWATCH_A_STATS_CONN_NEW] -
		     s0.v[SYNWATCH_A_STATS_CONN_NEW]);
	TH_LOG("%u connections across the wrap in %.1f s, %llu RSTs out of "
	       "their window", n, (st_now_us() - t0) / 1e6,
	       (unsigned long long)rst_window);
	/* the closed records may have expired meanwhile: no count */
	check_after(_metadata, self, -1);
}

TEST_HARNESS_MAIN
