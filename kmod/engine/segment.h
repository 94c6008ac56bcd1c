/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP header parsing and validation, on a plain buffer. Compiles in the
 * kernel and in userspace: the hook copies the header out of the skb, replay
 * hands in the bytes of a capture.
 */
#ifndef _SW_SEGMENT_H
#define _SW_SEGMENT_H

#include "types.h"
#include <linux/synwatch.h>

#define SW_TCP_FIN	0x01
#define SW_TCP_SYN	0x02
#define SW_TCP_RST	0x04
#define SW_TCP_PSH	0x08
#define SW_TCP_ACK	0x10
#define SW_TCP_URG	0x20
#define SW_TCP_ECE	0x40
#define SW_TCP_CWR	0x80

#define SW_TCP_HLEN_MIN	20
#define SW_TCP_HLEN_MAX	60
#define SW_WSCALE_NONE	0xf

/* What the tracker needs from one TCP segment. */
struct sw_pkt {
	u32 seq;
	u32 ack;
	u32 payload;	/* payload bytes (all segments of a GSO/GRO packet) */
	u16 segs;	/* wire segments this packet stands for, >= 1 */
	u16 sport;	/* host order */
	u16 dport;
	u16 win;	/* raw, unscaled */
	u16 mss;	/* 0 if absent */
	u8 flags;	/* TCP header byte 13 */
	u8 wscale;	/* SW_WSCALE_NONE if absent */
	u8 sack_ok:1,
	   ts:1,
	   cookie:1;	/* a SYN-ACK sent as a SYN cookie (hooks.c) */
};

/* Length of the TCP header from its first 13 bytes (doff). */
static inline u32 sw_tcp_hdrlen(const u8 *th)
{
	return (th[12] >> 4) * 4;
}

int sw_parse_tcp(const u8 *th, u32 hlen, u32 l4len, struct sw_pkt *p);
int sw_check_flags(u8 flags);

#endif /* _SW_SEGMENT_H */
