/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From a captured frame to the TCP header: the link layer (Ethernet with
 * any number of 802.1Q/802.1ad tags, Linux cooked v1 and v2, raw IP,
 * BSD loopback) and the IPv4/IPv6 header checks the module's hooks make
 * (kmod/hooks.c), on a buffer that may be cut short anywhere.
 */
#ifndef SW_REPLAY_LINK_H
#define SW_REPLAY_LINK_H

#include <stdbool.h>
#include <stdint.h>

/* The link types replay reads (values of pcap's DLT_*). */
enum rp_link {
	RP_LINK_NONE,
	RP_LINK_ETHER,
	RP_LINK_SLL,
	RP_LINK_SLL2,
	RP_LINK_RAW,		/* IPv4 or IPv6, by the version nibble */
	RP_LINK_NULL,		/* 4-byte AF_ in the capturer's byte order */
	RP_LINK_LOOP,		/* 4-byte AF_ in network byte order */
};

/* dlt -> enum rp_link, RP_LINK_NONE if not supported */
enum rp_link rp_link_of_dlt(int dlt);

/* An IP packet carrying TCP, as far as the hooks would look at it. */
struct rp_ip {
	bool v6;
	uint8_t saddr[16];	/* IPv4 in the first 4 bytes */
	uint8_t daddr[16];
	const uint8_t *th;	/* the TCP header */
	uint32_t thlen;		/* bytes of it captured, at most 60 */
	uint32_t l4len;		/* TCP header + payload per the IP header */
};

/*
 * Result of rp_decode(): 0 for a TCP segment to parse; a
 * SYNWATCH_INVALID_* reason (> 0) for an IP packet the module would count
 * as invalid; -RP_* of enum rp_counter for what replay counts itself.
 */
int rp_decode(enum rp_link link, const uint8_t *p, uint32_t caplen,
	      uint32_t len, struct rp_ip *ip);

#endif
