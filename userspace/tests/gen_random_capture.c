// SPDX-License-Identifier: GPL-2.0
/*
 * gen_random_capture FILE SEED [DAMAGE]: a random capture for comparing
 * two builds of replay (replay-compare.sh), the same for the same SEED.
 *
 * Any link type replay reads, pcap or (1 in 5) pcapng, sometimes VLAN
 * tags or a snapshot length; 4 to 63 flows, IPv4 and IPv6, sharing
 * ports and servers; 50 to 4049 segments with random flags, options,
 * sequence jumps, gaps from microseconds to minutes (expiries), time
 * going back, corrupted and cut frames, and bursts of SYNs from many
 * sources (floods); 1 in 8 files cut in their last record.
 *
 * DAMAGE rewrites a classic pcap file afterwards, as odd files have it:
 * usec (microsecond time stamps), swap (the other byte order),
 * smallsnap (snapshot length 60 under longer records), zerosnap,
 * hugecap (one record's length past any snapshot length), negts (time
 * stamp fields of 2^31 and more), v23 (version 2.3, one record's len
 * below its caplen, which libpcap takes for the two swapped).
 */
#include <sys/stat.h>

#include "pcapgen.h"

static uint64_t rs;

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)rs;
}

static const int links[] = { PG_ETHERNET, PG_ETHERNET, PG_ETHERNET, PG_NULL,
			     PG_RAW, PG_LOOP, PG_SLL, PG_IPV4, PG_SLL2 };

static void flows(struct pg_flow *fl, int n, int link)
{
	char a[64], b[64];

	for (int i = 0; i < n; i++) {
		bool v6 = link != PG_IPV4 && rnd() % 4 == 0;
		uint16_t sp;

		if (v6) {
			snprintf(a, sizeof(a), "2001:db8::%x", rnd() % 50 + 1);
			snprintf(b, sizeof(b), "2001:db8:1::%x", rnd() % 3 + 1);
		} else {
			snprintf(a, sizeof(a), "10.0.%u.%u", rnd() % 4,
				 rnd() % 250 + 1);
			snprintf(b, sizeof(b), "192.0.2.%u", rnd() % 3 + 1);
		}
		sp = (uint16_t)(rnd() % 5 == 0 ? 80 + rnd() % 3 :
						 1024 + rnd() % 5000);
		pg_flow(&fl[i], a, sp, b,
			(uint16_t)(rnd() % 4 == 0 ? sp : 80 + rnd() % 3), rnd(),
			rnd());
	}
}

static void flood(struct pg_cap *c)
{
	int n = 200 + (int)(rnd() % 3000);
	struct pg_flow x;
	char a[64];

	for (int k = 0; k < n; k++) {
		snprintf(a, sizeof(a), "198.51.%u.%u", rnd() % 256, rnd() % 256);
		pg_flow(&x, a, (uint16_t)(1024 + rnd() % 60000), "192.0.2.1", 80,
			rnd(), 0);
		pg_send_o(c, &x, false, PG_SYN, 0, NULL, rnd() % 200000);
	}
}

/* a segment of x with 1 to 3 bytes changed, maybe cut short */
static void damaged(struct pg_cap *c, struct pg_flow *x, bool srv,
		    uint8_t flags, uint32_t len, const struct pg_opts *o)
{
	uint8_t buf[2000], fr[2100];
	size_t n = pg_tcpip(buf, srv ? &x->s : &x->c, srv ? &x->c : &x->s,
			    flags, x->nxt[srv], x->nxt[!srv], len, o);

	for (uint32_t k = 0, m = 1 + rnd() % 3; k < m; k++)
		buf[rnd() % (n < 64 ? n : 64)] ^= (uint8_t)(1 + rnd() % 255);
	if (rnd() % 3 == 0)
		n = rnd() % n;
	if (c->link == PG_ETHERNET && rnd() % 4 == 0) {
		size_t h = pg_link_header(c, fr, false);

		memcpy(fr + h, buf, n);
		pg_frame_raw(c, fr, (uint32_t)(rnd() % (h + n + 1)),
			     (uint32_t)(h + n));
	} else if (n) {
		pg_ip(c, buf, n);
	}
}

static void segments(struct pg_cap *c, struct pg_flow *fl, int nfl, int nf)
{
	static const uint8_t fls[] = {
		PG_SYN, PG_SYN | PG_ACK, PG_ACK, PG_ACK | PG_PSH,
		PG_FIN | PG_ACK, PG_RST, PG_RST | PG_ACK, PG_ACK, PG_ACK,
		PG_FIN, PG_SYN | PG_FIN, 0, PG_FIN | PG_PSH | PG_URG,
	};

	for (int f = 0; f < nf; f++) {
		uint32_t r = rnd() % 100, len;
		uint64_t gap = r < 60 ? rnd() % 2000000 :
			       r < 90 ? rnd() % 200000000 :
			       r < 97 ? (uint64_t)(rnd() % 200) * 1000000000ULL :
					0;
		struct pg_opts o;
		struct pg_flow *x;
		uint8_t flags;
		bool srv;

		if (r == 99 && c->t > 5000000000ULL)
			c->t -= rnd() % 3000000000ULL;	/* time goes back */
		if (rnd() % 400 == 0) {
			flood(c);
			continue;
		}
		x = &fl[rnd() % (uint32_t)nfl];
		srv = rnd() % 2;
		flags = fls[rnd() % sizeof(fls)];
		len = (flags & PG_SYN) || rnd() % 2 ? 0 : rnd() % 1500;
		o.mss = (uint16_t)(rnd() % 2 ? 1460 : 0);
		o.ws = (int)(rnd() % 16);
		o.sack = rnd() % 2;
		o.ts = rnd() % 2;
		if (rnd() % 30 == 0) {
			damaged(c, x, srv, flags, len, &o);
			c->t += gap;
			continue;
		}
		if (rnd() % 3 == 0)
			x->nxt[srv] += rnd() % 3 == 0 ? rnd() : 0;
		pg_send_o(c, x, srv, flags, len, (flags & PG_SYN) ? &o : NULL,
			  gap);
	}
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* The offsets of a classic pcap file's records; their number. */
static size_t records(const uint8_t *d, size_t n, size_t *off, size_t max)
{
	size_t k = 0;

	for (size_t o = 24; o + 16 <= n && k < max; o += 16 + get32(d + o + 8))
		off[k++] = o;
	return k;
}

static const char *const damages[] = { "usec", "swap", "smallsnap",
				       "zerosnap", "hugecap", "negts", "v23" };

static int damage(const char *path, const char *how)
{
	static size_t off[1 << 20];
	struct stat st;
	uint8_t *d;
	size_t n, k;
	FILE *f = fopen(path, "r+b");
	int ret = -1;

	if (!f || fstat(fileno(f), &st))
		return -1;
	n = (size_t)st.st_size;
	d = malloc(n);
	if (!d || fread(d, 1, n, f) != n || n < 24 || get32(d) != 0xa1b23c4dU)
		goto out;
	k = records(d, n, off, sizeof(off) / sizeof(off[0]));
	if (!strcmp(how, "usec")) {
		put32(d, 0xa1b2c3d4U);
		for (size_t i = 0; i < k; i++)
			put32(d + off[i] + 4, get32(d + off[i] + 4) / 1000);
	} else if (!strcmp(how, "swap")) {
		for (size_t i = 0; i < 24; i += 4)
			if (i != 4)
				put32(d + i, __builtin_bswap32(get32(d + i)));
		d[4] = 0;
		d[5] = 2;
		d[6] = 0;
		d[7] = 4;
		for (size_t i = 0; i < k; i++)
			for (size_t j = 0; j < 16; j += 4)
				put32(d + off[i] + j,
				      __builtin_bswap32(get32(d + off[i] + j)));
	} else if (!strcmp(how, "smallsnap")) {
		put32(d + 16, 60);
	} else if (!strcmp(how, "zerosnap")) {
		put32(d + 16, 0);
	} else if (!strcmp(how, "hugecap") && k) {
		put32(d + off[k / 2] + 8, 300000);
	} else if (!strcmp(how, "negts") && k) {
		put32(d + off[k / 3], 0x80000005U);
		put32(d + off[k / 2] + 4, 0xfffffff0U);
	} else if (!strcmp(how, "v23") && k) {
		uint8_t *r = d + off[k / 2];
		uint32_t cl = get32(r + 8);

		d[6] = 3;
		if (get32(r + 12))
			put32(r + 12, cl ? cl - 1 : 0);
	}
	ret = fseek(f, 0, SEEK_SET) || fwrite(d, 1, n, f) != n ? -1 : 0;
out:
	free(d);
	if (fclose(f))
		ret = -1;
	return ret;
}

int main(int argc, char **argv)
{
	static struct pg_flow fl[64];
	struct pg_cap c;
	struct stat st;
	int link, nfl, nf;
	bool ng;

	size_t i = 0;

	if (argc > 3)
		while (i < sizeof(damages) / sizeof(damages[0]) &&
		       strcmp(argv[3], damages[i]))
			i++;
	if (argc < 3 || i == sizeof(damages) / sizeof(damages[0])) {
		fprintf(stderr, "usage: %s FILE SEED [usec|swap|smallsnap|zerosnap|hugecap|negts|v23]\n",
			argv[0]);
		return 1;
	}
	rs = 0x9e3779b97f4a7c15ULL * (uint64_t)(atol(argv[2]) + 1);
	link = links[rnd() % (sizeof(links) / sizeof(links[0]))];
	/* damage is done to classic files; the frames stay the same */
	ng = rnd() % 5 == 0 && argc < 4;
	if (pg_open_path(&c, argv[1], link, ng)) {
		perror(argv[1]);
		return 1;
	}
	if (link == PG_ETHERNET)
		c.vlans = rnd() % 3 == 0 ? rnd() % 3 : 0;
	if (rnd() % 6 == 0)
		c.snaplen = 40 + rnd() % 80;
	nfl = 4 + (int)(rnd() % 60);
	nf = 50 + (int)(rnd() % 4000);
	flows(fl, nfl, link);
	segments(&c, fl, nfl, nf);
	pg_close(&c);
	if (argc > 3 && damage(argv[1], argv[3])) {
		fprintf(stderr, "%s: cannot apply %s\n", argv[1], argv[3]);
		return 1;
	}
	if (rnd() % 8 == 0 && !stat(argv[1], &st) &&
	    truncate(argv[1], st.st_size - 1 - rnd() % 40)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
