// SPDX-License-Identifier: GPL-2.0
/*
 * Link layer and IP header decoding for replay. Nothing in a capture is
 * trusted: every read is checked against the captured length first.
 *
 * A header cut by the capture's snaplen (caplen < len) is not a malformed
 * packet, so it is counted apart (RP_SNAPLEN); a packet whose own lengths
 * do not add up is counted under the reason the module's hooks use.
 */
#include <string.h>
#include <pcap/dlt.h>
#include <linux/synwatch.h>

#include "link.h"
#include "replay.h"

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86dd
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88a8
#define ETH_P_QINQ1	0x9100	/* pre-standard QinQ */

#define IPPROTO_TCP_	6

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

enum rp_link rp_link_of_dlt(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
		return RP_LINK_ETHER;
	case DLT_LINUX_SLL:
		return RP_LINK_SLL;
	case DLT_LINUX_SLL2:
		return RP_LINK_SLL2;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return RP_LINK_RAW;
	case DLT_NULL:
		return RP_LINK_NULL;
	case DLT_LOOP:
		return RP_LINK_LOOP;
	default:
		return RP_LINK_NONE;
	}
}

/* need bytes from the start are not captured: cut by snaplen, or short? */
static int short_read(uint32_t need, uint32_t len, int reason)
{
	return len >= need ? -RP_SNAPLEN : reason;
}

/* AF_INET6 differs between the BSDs, macOS and Linux. */
static int null_family(uint32_t af)
{
	switch (af) {
	case 2:
		return 4;
	case 10: case 24: case 28: case 30:
		return 6;
	default:
		return 0;
	}
}

/*
 * Skips the link header: *off is where the IP header starts, the return
 * value 4 or 6 (the IP version the link layer announces), 0 for "look at
 * the version nibble", or a negative RP_* counter.
 */
static int link_header(enum rp_link link, const uint8_t *p, uint32_t caplen,
		       uint32_t len, uint32_t *off)
{
	uint32_t o, le, be;
	uint16_t type;
	int v;

	switch (link) {
	case RP_LINK_RAW:
		*off = 0;
		return 0;
	case RP_LINK_NULL:
	case RP_LINK_LOOP:
		if (caplen < 4)
			return short_read(4, len, -RP_LINK_TRUNC);
		*off = 4;
		be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		     (uint32_t)p[2] << 8 | p[3];
		le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[1] << 8 | p[0];
		v = null_family(be);
		if (!v && link == RP_LINK_NULL)
			v = null_family(le);
		return v ? v : -RP_NOT_IP;
	case RP_LINK_ETHER:
		o = 14;
		break;
	case RP_LINK_SLL:
		o = 16;
		break;
	case RP_LINK_SLL2:
		o = 20;
		break;
	default:
		return -RP_NOT_IP;
	}
	if (caplen < o)
		return short_read(o, len, -RP_LINK_TRUNC);
	type = get16(p + (link == RP_LINK_ETHER ? 12 :
			  link == RP_LINK_SLL ? 14 : 0));
	/* 802.1Q, 802.1ad and QinQ tags, stacked as deep as they go */
	while (type == ETH_P_8021Q || type == ETH_P_8021AD ||
	       type == ETH_P_QINQ1) {
		if (caplen < o + 4)
			return short_read(o + 4, len, -RP_LINK_TRUNC);
		type = get16(p + o + 2);
		o += 4;
	}
	*off = o;
	if (type == ETH_P_IP)
		return 4;
	if (type == ETH_P_IPV6)
		return 6;
	return -RP_NOT_IP;
}

/*
 * The TCP header of a packet whose IP part is ok: th at thoff, tot bytes
 * of IP packet, cap of them captured. A header the snaplen cut is
 * counted as such; one the packet really lacks is left to sw_parse_tcp()
 * to name (TRUNC_TCP, BAD_DOFF).
 */
static int tcp_part(const uint8_t *q, uint32_t cap, uint32_t tot,
		    uint32_t thoff, struct rp_ip *ip)
{
	uint32_t avail = cap < tot ? cap : tot;
	uint32_t need;

	ip->th = q + thoff;
	ip->l4len = tot - thoff;
	ip->thlen = avail > thoff ? avail - thoff : 0;
	if (cap < tot) {
		need = 20;
		if (ip->thlen >= 13)
			need = (uint32_t)(ip->th[12] >> 4) * 4;
		if (ip->thlen < need && need >= 20 && need <= ip->l4len)
			return -RP_SNAPLEN;
	}
	if (ip->thlen > 60)
		ip->thlen = 60;
	return 0;
}

/* kmod/hooks.c sw_hook_v4(), on a buffer */
static int ipv4(const uint8_t *q, uint32_t cap, uint32_t len,
		struct rp_ip *ip)
{
	uint32_t ihl, tot;

	if (cap < 20)
		return short_read(20, len, SYNWATCH_INVALID_TRUNC_IP);
	if (q[0] >> 4 != 4)
		return -RP_NOT_IP;
	if (q[9] != IPPROTO_TCP_)
		return -RP_NOT_TCP;
	ihl = (uint32_t)(q[0] & 0xf) * 4;
	tot = get16(q + 2);
	/* TSO packets on their way out may carry tot_len 0 */
	if (!tot && len > ihl)
		tot = len;
	if (ihl < 20 || tot < ihl || tot > len)
		return SYNWATCH_INVALID_TRUNC_IP;
	if (get16(q + 6) & 0x1fff)
		return SYNWATCH_INVALID_FRAGMENT;
	ip->v6 = false;
	memset(ip->saddr, 0, sizeof(ip->saddr));
	memset(ip->daddr, 0, sizeof(ip->daddr));
	memcpy(ip->saddr, q + 12, 4);
	memcpy(ip->daddr, q + 16, 4);
	if (cap < ihl)
		return short_read(ihl, len, SYNWATCH_INVALID_TRUNC_IP);
	return tcp_part(q, cap, tot, ihl, ip);
}

/* kmod/hooks.c sw_hook_v6(): extension headers as ipv6_skip_exthdr() */
static int ipv6(const uint8_t *q, uint32_t cap, uint32_t len,
		struct rp_ip *ip)
{
	uint32_t off = 40, plen, hl;
	uint8_t nh;

	if (cap < 40)
		return short_read(40, len, SYNWATCH_INVALID_TRUNC_IP);
	if (q[0] >> 4 != 6)
		return -RP_NOT_IP;
	nh = q[6];
	for (;;) {
		if (nh == IPPROTO_TCP_)
			break;
		if (nh != 0 && nh != 43 && nh != 44 && nh != 51 && nh != 60)
			return -RP_NOT_TCP;	/* also 59, no next header */
		if (cap < off + 8)
			return short_read(off + 8, len,
					  SYNWATCH_INVALID_TRUNC_IP);
		if (nh == 44) {
			/* a later fragment has no TCP header to look at */
			if (get16(q + off + 2) & 0xfff8)
				return q[off] == IPPROTO_TCP_ ?
				       SYNWATCH_INVALID_FRAGMENT : -RP_NOT_TCP;
			hl = 8;
		} else if (nh == 51) {
			hl = ((uint32_t)q[off + 1] + 2) * 4;
		} else {
			hl = ((uint32_t)q[off + 1] + 1) * 8;
		}
		nh = q[off];
		off += hl;
	}
	plen = 40 + get16(q + 4);
	if (plen == 40)		/* a jumbogram, or GSO */
		plen = len;
	if (plen > len || plen < off)
		return SYNWATCH_INVALID_TRUNC_IP;
	ip->v6 = true;
	memcpy(ip->saddr, q + 8, 16);
	memcpy(ip->daddr, q + 24, 16);
	return tcp_part(q, cap, plen, off, ip);
}

int rp_decode(enum rp_link link, const uint8_t *p, uint32_t caplen,
	      uint32_t len, struct rp_ip *ip)
{
	uint32_t off = 0;
	int v;

	if (len < caplen)
		len = caplen;
	v = link_header(link, p, caplen, len, &off);
	if (v < 0)
		return v;
	p += off;
	caplen -= off;
	len -= off;
	if (!v) {
		if (!caplen)
			return short_read(1, len, SYNWATCH_INVALID_TRUNC_IP);
		v = p[0] >> 4;
	}
	if (v == 4)
		return ipv4(p, caplen, len, ip);
	if (v == 6)
		return ipv6(p, caplen, len, ip);
	return -RP_NOT_IP;
}
