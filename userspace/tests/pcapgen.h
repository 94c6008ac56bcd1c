/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small capture writer for the replay tests and benchmark: pcap (with
 * nanosecond timestamps) or pcapng files of hand-built TCP/IP frames on
 * any link type replay reads. Header-only, static functions: include it
 * in one test program.
 *
 * A flow is one TCP connection between a client and a server; fl_send()
 * builds the next segment of one side with the right sequence and
 * acknowledgement numbers, so that scenarios read like the packet
 * exchanges they are.
 */
#ifndef SW_PCAPGEN_H
#define SW_PCAPGEN_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* LINKTYPE_* values as written in files */
#define PG_ETHERNET	1
#define PG_NULL		0
#define PG_RAW		101
#define PG_LOOP		108
#define PG_SLL		113
#define PG_IPV4		228
#define PG_IPV6		229
#define PG_SLL2		276
#define PG_IEEE802_11	105

#define PG_FIN 0x01
#define PG_SYN 0x02
#define PG_RST 0x04
#define PG_PSH 0x08
#define PG_ACK 0x10
#define PG_URG 0x20

struct pg_cap {
	FILE *f;
	char path[256];
	int link;
	bool ng;		/* pcapng */
	uint64_t t;		/* ns since the epoch: the next frame's time */
	unsigned int vlans;	/* Ethernet: 802.1ad + 802.1Q tags to add */
	uint32_t snaplen;	/* cut frames to this (0: no cut) */
};

struct pg_ep {
	bool v6;
	uint8_t addr[16];
	uint16_t port;
};

/* SYN options; 0/false: absent */
struct pg_opts {
	uint16_t mss;
	int ws;			/* shift + 1 */
	bool sack, ts;
};

struct pg_flow {
	struct pg_ep c, s;	/* client, server */
	uint32_t nxt[2];	/* next seq: [0] client, [1] server */
};

static inline void pg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void pg_put32(uint8_t *p, uint32_t v)
{
	pg_put16(p, (uint16_t)(v >> 16));
	pg_put16(p + 2, (uint16_t)v);
}

static inline struct pg_ep pg_ep(const char *addr, uint16_t port)
{
	struct pg_ep e = { .port = port };

	e.v6 = strchr(addr, ':') != NULL;
	inet_pton(e.v6 ? AF_INET6 : AF_INET, addr, e.addr);
	return e;
}

static inline void pg_write(struct pg_cap *c, const void *p, size_t n)
{
	if (fwrite(p, 1, n, c->f) != n)
		abort();
}

static inline void pg_u32(struct pg_cap *c, uint32_t v)
{
	pg_write(c, &v, 4);
}

/* A new capture file at path; NULL: a fresh temporary file in /tmp. */
static inline int pg_open_path(struct pg_cap *c, const char *path, int link,
			       bool ng)
{
	int fd;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path ? path : "/tmp/sw-replay-XXXXXX");
	fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : mkstemp(c->path);
	if (fd < 0)
		return -1;
	c->f = fdopen(fd, "wb");
	if (!c->f)
		return -1;
	c->link = link;
	c->ng = ng;
	c->t = 1700000000ULL * 1000000000ULL;
	if (ng) {
		/* Section Header Block, then one Interface Description Block */
		uint32_t shb[7] = { 0x0a0d0d0a, 28, 0x1a2b3c4d, 1,
				    0xffffffff, 0xffffffff, 28 };
		uint32_t idb[5] = { 1, 20, (uint32_t)link, 262144, 20 };

		pg_write(c, shb, sizeof(shb));
		pg_write(c, idb, sizeof(idb));
	} else {
		/* nanosecond pcap: magic a1b23c4d, version 2.4 */
		uint32_t hdr[6] = { 0xa1b23c4d, 2 | 4 << 16, 0, 0, 262144,
				    (uint32_t)link };

		pg_write(c, hdr, sizeof(hdr));
	}
	return 0;
}

static inline int pg_open(struct pg_cap *c, int link, bool ng)
{
	return pg_open_path(c, NULL, link, ng);
}

static inline void pg_close(struct pg_cap *c)
{
	if (c->f)
		fclose(c->f);
	c->f = NULL;
}

/* One frame as it is (len on the wire, caplen of it stored). */
static inline void pg_frame_raw(struct pg_cap *c, const uint8_t *d,
				uint32_t caplen, uint32_t len)
{
	if (c->snaplen && caplen > c->snaplen)
		caplen = c->snaplen;
	if (c->ng) {
		/* Enhanced Packet Block; default resolution: microseconds */
		uint64_t us = c->t / 1000;
		uint32_t pad = (4 - caplen % 4) % 4, tot = 32 + caplen + pad;
		uint32_t z = 0;

		pg_u32(c, 6);
		pg_u32(c, tot);
		pg_u32(c, 0);
		pg_u32(c, (uint32_t)(us >> 32));
		pg_u32(c, (uint32_t)us);
		pg_u32(c, caplen);
		pg_u32(c, len);
		pg_write(c, d, caplen);
		pg_write(c, &z, pad);
		pg_u32(c, tot);
	} else {
		pg_u32(c, (uint32_t)(c->t / 1000000000ULL));
		pg_u32(c, (uint32_t)(c->t % 1000000000ULL));
		pg_u32(c, caplen);
		pg_u32(c, len);
		pg_write(c, d, caplen);
	}
}

/* The link header for an IP packet of the given version; its length. */
static inline size_t pg_link_header(const struct pg_cap *c, uint8_t *b,
				    bool v6)
{
	uint16_t et = v6 ? 0x86dd : 0x0800;
	size_t n = 0;

	switch (c->link) {
	case PG_ETHERNET:
		memcpy(b, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
		n = 12;
		for (unsigned int i = 0; i < c->vlans; i++) {
			pg_put16(b + n, i + 1 < c->vlans ? 0x88a8 : 0x8100);
			pg_put16(b + n + 2, (uint16_t)(100 + i));
			n += 4;
		}
		pg_put16(b + n, et);
		return n + 2;
	case PG_SLL:
		memset(b, 0, 16);
		pg_put16(b + 2, 1);		/* ARPHRD_ETHER */
		pg_put16(b + 4, 6);
		pg_put16(b + 14, et);
		return 16;
	case PG_SLL2:
		memset(b, 0, 20);
		pg_put16(b, et);
		pg_put32(b + 4, 2);		/* ifindex */
		pg_put16(b + 8, 1);
		b[11] = 6;
		return 20;
	case PG_NULL:
		/* host byte order of the capturer: little endian here */
		b[0] = v6 ? 10 : 2;
		b[1] = b[2] = b[3] = 0;
		return 4;
	case PG_LOOP:
		b[0] = b[1] = b[2] = 0;
		b[3] = v6 ? 24 : 2;
		return 4;
	default:
		return 0;		/* raw IP */
	}
}

/*
 * An IP + TCP packet into b; returns its length. len bytes of payload
 * (zeros) follow the header.
 */
static inline size_t pg_tcpip(uint8_t *b, const struct pg_ep *src,
			      const struct pg_ep *dst, uint8_t flags,
			      uint32_t seq, uint32_t ack, uint32_t len,
			      const struct pg_opts *o)
{
	uint8_t opt[40];
	size_t ol = 0, ih = src->v6 ? 40 : 20, th;

	if (o && o->mss) {
		opt[ol++] = 2; opt[ol++] = 4;
		pg_put16(opt + ol, o->mss);
		ol += 2;
	}
	if (o && o->sack) {
		opt[ol++] = 4; opt[ol++] = 2;
	}
	if (o && o->ts) {
		opt[ol++] = 8; opt[ol++] = 10;
		memset(opt + ol, 0, 8);
		ol += 8;
	}
	if (o && o->ws) {
		opt[ol++] = 1;
		opt[ol++] = 3; opt[ol++] = 3; opt[ol++] = (uint8_t)(o->ws - 1);
	}
	while (ol % 4)
		opt[ol++] = 0;
	th = 20 + ol;
	memset(b, 0, ih + th + len);
	if (src->v6) {
		b[0] = 0x60;
		pg_put16(b + 4, (uint16_t)(th + len));
		b[6] = 6;
		b[7] = 64;
		memcpy(b + 8, src->addr, 16);
		memcpy(b + 24, dst->addr, 16);
	} else {
		b[0] = 0x45;
		pg_put16(b + 2, (uint16_t)(ih + th + len));
		b[6] = 0x40;		/* DF */
		b[8] = 64;
		b[9] = 6;
		memcpy(b + 12, src->addr, 4);
		memcpy(b + 16, dst->addr, 4);
	}
	b += ih;
	pg_put16(b, src->port);
	pg_put16(b + 2, dst->port);
	pg_put32(b + 4, seq);
	pg_put32(b + 8, ack);
	b[12] = (uint8_t)(th / 4) << 4;
	b[13] = flags;
	pg_put16(b + 14, 65535);
	memcpy(b + 20, opt, ol);
	return ih + th + len;
}

/* Frames an IP packet for the capture's link type and writes it. */
static inline void pg_ip(struct pg_cap *c, const uint8_t *ip, size_t n)
{
	uint8_t f[70000];
	size_t h = pg_link_header(c, f, (ip[0] >> 4) == 6);

	memcpy(f + h, ip, n);
	/* Ethernet pads to 60 bytes */
	if (c->link == PG_ETHERNET && h + n < 60) {
		memset(f + h + n, 0, 60 - h - n);
		n = 60 - h;
	}
	pg_frame_raw(c, f, (uint32_t)(h + n), (uint32_t)(h + n));
}

static inline void pg_flow(struct pg_flow *fl, const char *caddr,
			   uint16_t cport, const char *saddr, uint16_t sport,
			   uint32_t cisn, uint32_t sisn)
{
	fl->c = pg_ep(caddr, cport);
	fl->s = pg_ep(saddr, sport);
	fl->nxt[0] = cisn;
	fl->nxt[1] = sisn;
}

/*
 * The next segment of one side (server: from the server) at c->t, which
 * then moves on by gap_ns. ACK acks all the other side sent.
 */
static inline void pg_send_o(struct pg_cap *c, struct pg_flow *fl,
			     bool server, uint8_t flags, uint32_t len,
			     const struct pg_opts *o, uint64_t gap_ns)
{
	uint8_t b[70000];
	int me = server, peer = !server;
	size_t n = pg_tcpip(b, server ? &fl->s : &fl->c,
			    server ? &fl->c : &fl->s, flags, fl->nxt[me],
			    (flags & PG_ACK) ? fl->nxt[peer] : 0, len, o);

	pg_ip(c, b, n);
	if (!(flags & PG_RST))
		fl->nxt[me] += len + !!(flags & PG_SYN) + !!(flags & PG_FIN);
	c->t += gap_ns;
}

static inline void pg_send(struct pg_cap *c, struct pg_flow *fl, bool server,
			   uint8_t flags, uint32_t len)
{
	pg_send_o(c, fl, server, flags, len, NULL, 1000000);	/* 1 ms */
}

#endif
