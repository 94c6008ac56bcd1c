/* SPDX-License-Identifier: GPL-2.0 */
/* Packets: the mini-packetdrill (see util.h). */
#ifndef ST_PD_H
#define ST_PD_H

#include "topo.h"

/* SYN options; 0/-1 = absent. */
struct st_tcpopts {
	uint16_t mss;
	int ws;			/* -1: none */
	bool sack, ts;
	uint32_t tsval, tsecr;
};

/* One segment as seen on the wire. */
struct st_seg {
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win, sport, dport;
	uint32_t len;		/* payload bytes */
	struct st_tcpopts o;
	uint8_t data[64];	/* first payload bytes */
};

struct st_pd {
	struct st_topo *t;
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
	struct st_seg last;	/* the last segment read from A */
};

uint32_t st_csum_add(uint32_t sum, const void *p, size_t len);

uint16_t st_csum_fold(uint32_t sum);

void st_put16(uint8_t *p, uint16_t v);

void st_put32(uint8_t *p, uint32_t v);

uint16_t st_get16(const uint8_t *p);


/*
 * An IP packet from src to dst around l4 (l4len bytes of TCP header and
 * payload); ip_len_adj changes the length the IP header claims. The TCP
 * checksum is computed when l4len >= 18 and fix_csum is set.
 */
size_t st_ip_wrap(int family, const uint8_t *src,
	       const uint8_t *dst, const uint8_t *l4,
	       size_t l4len, uint8_t *out, bool fix_csum);

/* Build a TCP header (+options, +payload) into buf; returns its length. */
size_t st_tcp_build(uint8_t *buf, uint16_t sport, uint16_t dport,
		 uint32_t seq, uint32_t ack, uint8_t flags,
		 uint16_t win, const struct st_tcpopts *o,
		 const void *data, size_t len);


/* Parse an IP packet; 0 if it is TCP between A and B. */
int st_seg_parse(const struct st_topo *t, const uint8_t *p, size_t n,
	      struct st_seg *s);


/*
 * Ports of scripted peers in B: B's kernel drops what A sends them
 * (st_pd_blackhole), so that only the script answers.
 */
#define PD_PORT_MIN	30000
#define PD_PORT_MAX	39999
/* A's port whose segments A's TCP never sees (st_pd_blackhole) */
#define PD_A_DEAF	9999

/*
 * Once per topology: B drops TCP to the script ports before its stack
 * sees it; A drops TCP to PD_A_DEAF after synwatch's LOCAL_IN hook (at
 * NF_IP_PRI_LAST - 1) saw it, so a SYN there stays unanswered (LISTEN).
 */
int st_pd_blackhole(struct st_topo *t);

/* A script on B's port (PD_PORT_MIN..MAX) talking to A's port rport. */
int st_pd_open(struct st_pd *pd, struct st_topo *t, uint16_t port,
	    uint16_t rport);

void st_pd_close(struct st_pd *pd);

/* Send raw IP bytes from B into A, as if B's stack had sent them. */
int st_pd_inject(struct st_pd *pd, const uint8_t *ip, size_t len);

/* Send arbitrary TCP bytes (header as given) from B to A. */
int st_pd_send_l4(struct st_pd *pd, const uint8_t *l4, size_t len,
	       bool fix_csum);


/* Send one segment B -> A with explicit numbers; state not changed. */
int st_pd_send_raw(struct st_pd *pd, uint8_t flags, uint32_t seq,
		uint32_t ack, const struct st_tcpopts *o,
		const void *data, size_t len);

/* Send the next segment of the script: seq = snd_nxt, ack = rcv_nxt. */
int st_pd_send(struct st_pd *pd, uint8_t flags,
	    const struct st_tcpopts *o, const void *data,
	    size_t len);

/*
 * A segment as A's stack would send it to B (through A's LOCAL_OUT), with
 * explicit numbers: a raw IP socket in A.
 */
int st_pd_out_raw(struct st_pd *pd, uint8_t flags, uint32_t seq,
	       uint32_t ack);

/*
 * Read A's next segment to us within timeout_ms whose flags include all
 * of want (0: any). Keeps rcv_nxt and the timestamp to echo. 1, 0 on
 * timeout, -errno.
 */
int st_pd_recv(struct st_pd *pd, uint8_t want, int timeout_ms,
	    struct st_seg *out);


/* The options of a typical SYN of the script. */
struct st_tcpopts st_pd_syn_opts(void);

/* Script as client: SYN, A's SYN-ACK, ACK. 0 or -1. */
int st_pd_connect(struct st_pd *pd, const struct st_tcpopts *o);

#endif
