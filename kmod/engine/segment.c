// SPDX-License-Identifier: GPL-2.0
/*
 * Parse and validate one TCP header. Nothing here may trust the packet:
 * every length is checked before it is used, and a bad packet yields the
 * SYNWATCH_INVALID_* reason it is counted under. Invalid packets never
 * reach the state machine.
 */
#include "segment.h"

static inline u16 sw_get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 sw_get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/*
 * Flag combinations no conforming stack sends (RFC 9293 3.1 and the usual
 * scanner probes). Returns 0 or the reason.
 */
int sw_check_flags(u8 flags)
{
	u8 f = flags & (SW_TCP_FIN | SW_TCP_SYN | SW_TCP_RST | SW_TCP_PSH |
			SW_TCP_ACK | SW_TCP_URG);

	if (!f)
		return SYNWATCH_INVALID_FLAGS_NULL;
	if ((f & (SW_TCP_FIN | SW_TCP_PSH | SW_TCP_URG)) ==
	    (SW_TCP_FIN | SW_TCP_PSH | SW_TCP_URG))
		return SYNWATCH_INVALID_FLAGS_XMAS;
	if ((f & (SW_TCP_SYN | SW_TCP_FIN)) == (SW_TCP_SYN | SW_TCP_FIN))
		return SYNWATCH_INVALID_FLAGS_SYNFIN;
	if ((f & (SW_TCP_SYN | SW_TCP_RST)) == (SW_TCP_SYN | SW_TCP_RST))
		return SYNWATCH_INVALID_FLAGS_SYNRST;
	if ((f & (SW_TCP_FIN | SW_TCP_ACK)) == SW_TCP_FIN)
		return SYNWATCH_INVALID_FLAGS_FIN_NOACK;
	return 0;
}

/*
 * Walk the options (RFC 9293 3.2). Only the SYN options are kept, but every
 * option is bounds-checked: one that overruns the header makes the whole
 * packet invalid, as it does for the Linux stack.
 */
static int sw_parse_options(const u8 *opt, u32 len, struct sw_pkt *p)
{
	u32 i = 0;

	while (i < len) {
		u8 kind = opt[i];
		u8 olen;

		if (kind == 0)		/* End of Option List */
			break;
		if (kind == 1) {	/* No-Operation */
			i++;
			continue;
		}
		if (i + 1 >= len)
			return SYNWATCH_INVALID_BAD_OPTIONS;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			return SYNWATCH_INVALID_BAD_OPTIONS;
		switch (kind) {
		case 2:			/* MSS, RFC 9293 3.2 */
			if (olen != 4)
				return SYNWATCH_INVALID_BAD_OPTIONS;
			p->mss = sw_get16(opt + i + 2);
			break;
		case 3:			/* Window scale, RFC 7323 2.2 */
			if (olen != 3)
				return SYNWATCH_INVALID_BAD_OPTIONS;
			/* RFC 7323 2.3: values above 14 are used as 14 */
			p->wscale = opt[i + 2] > 14 ? 14 : opt[i + 2];
			break;
		case 4:			/* SACK permitted, RFC 2018 */
			if (olen != 2)
				return SYNWATCH_INVALID_BAD_OPTIONS;
			p->sack_ok = 1;
			break;
		case 8:			/* Timestamps, RFC 7323 3.2 */
			if (olen != 10)
				return SYNWATCH_INVALID_BAD_OPTIONS;
			p->ts = 1;
			break;
		default:
			break;
		}
		i += olen;
	}
	return 0;
}

/*
 * th: the TCP header, hlen bytes of it available (the caller copied
 * min(doff * 4, what the packet holds)); l4len: TCP header plus payload as
 * the IP header says.
 */
int sw_parse_tcp(const u8 *th, u32 hlen, u32 l4len, struct sw_pkt *p)
{
	u32 doff;
	int err;

	if (hlen < SW_TCP_HLEN_MIN || l4len < SW_TCP_HLEN_MIN)
		return SYNWATCH_INVALID_TRUNC_TCP;
	doff = sw_tcp_hdrlen(th);
	if (doff < SW_TCP_HLEN_MIN || doff > l4len)
		return SYNWATCH_INVALID_BAD_DOFF;
	if (doff > hlen)
		return SYNWATCH_INVALID_TRUNC_TCP;

	memset(p, 0, sizeof(*p));
	p->sport = sw_get16(th);
	p->dport = sw_get16(th + 2);
	p->seq = sw_get32(th + 4);
	p->ack = sw_get32(th + 8);
	p->flags = th[13];
	p->win = sw_get16(th + 14);
	p->payload = l4len - doff;
	p->segs = 1;
	p->wscale = SW_WSCALE_NONE;

	err = sw_check_flags(p->flags);
	if (err)
		return err;
	/*
	 * Nearly every segment of a connection that negotiated timestamps
	 * carries exactly NOP, NOP, Timestamps (RFC 7323 Appendix A): take
	 * that layout in one test, as the Linux stack does in
	 * tcp_parse_aligned_timestamp(). The walk below would find the same.
	 */
	if (doff == SW_TCP_HLEN_MIN + 12 && th[20] == 1 && th[21] == 1 &&
	    th[22] == 8 && th[23] == 10) {
		p->ts = 1;
		return 0;
	}
	return sw_parse_options(th + SW_TCP_HLEN_MIN, doff - SW_TCP_HLEN_MIN, p);
}
