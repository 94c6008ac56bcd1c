// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: turn each TCP packet that ends at or starts from this
 * host into a key, a direction and a parsed header, and hand it to the
 * table. Every packet is accepted unchanged: synwatch only observes.
 *
 * Where the hooks sit, and why:
 *  - LOCAL_IN at NF_IP_PRI_LAST - 1: after filtering and DNAT, so we see
 *    what the local socket really receives, with the addresses it sees;
 *  - LOCAL_OUT at NF_IP_PRI_FIRST + 1: before NAT and filtering, so we see
 *    what the local socket really sent;
 *  - FORWARD (track_forward=1 only), the SYN's sender is taken as "local".
 * IPv4 fragments are reassembled before LOCAL_IN; elsewhere, and for IPv6,
 * a first fragment is tracked by its header and later ones are counted as
 * SYNWATCH_INVALID_FRAGMENT. GSO/GRO super-packets carry one TCP header
 * for all their segments: the payload is the whole of it (so the sequence
 * space and a trailing FIN come out right) and the packet count is
 * gso_segs.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ipv6.h>
#include <net/ip.h>
#include "hooks.h"
#include "glue.h"
#include "prof.h"

/*
 * Copy the TCP header out of the skb and parse it. The helpers of the hook
 * are inlined into it: each call had its own prologue and stack canary
 * (bench/README.md).
 */
static __always_inline int
sw_hook_tcp(struct sw_net *sn, const struct sk_buff *skb, unsigned int thoff,
	    unsigned int l4len, struct sw_pkt *pkt)
{
	u8 buf[SW_TCP_HLEN_MAX] __sw_uninit;
	const u8 *th;
	unsigned int hlen;

	th = skb_header_pointer(skb, thoff, SW_TCP_HLEN_MIN, buf);
	if (!th)
		return SYNWATCH_INVALID_TRUNC_TCP;
	hlen = min_t(unsigned int, sw_tcp_hdrlen(th), SW_TCP_HLEN_MAX);
	/* the usual case: the whole header in the linear part, in place */
	if (th != buf && hlen >= SW_TCP_HLEN_MIN &&
	    thoff + hlen <= skb_headlen(skb))
		return sw_parse_tcp(th, hlen, l4len, pkt);
	if (hlen > SW_TCP_HLEN_MIN) {
		th = skb_header_pointer(skb, thoff,
					min_t(unsigned int, hlen,
					      skb->len - thoff), buf);
		if (!th)
			return SYNWATCH_INVALID_TRUNC_TCP;
		hlen = min_t(unsigned int, hlen, skb->len - thoff);
	} else {
		hlen = SW_TCP_HLEN_MIN;
	}
	return sw_parse_tcp(th, hlen, l4len, pkt);
}

/* Wire segments a packet stands for: gso_segs of a GSO/GRO one, else 1. */
static inline u16 sw_segs(const struct sk_buff *skb)
{
	return skb_is_gso(skb) ? max_t(u16, skb_shinfo(skb)->gso_segs, 1) : 1;
}

/* Count a TCP packet in the netns' stats; its segment count for the key. */
static __always_inline u16 sw_hook_count(struct sw_net *sn,
					 const struct nf_hook_state *st,
					 const struct sk_buff *skb)
{
	u16 segs = sw_segs(skb);

	if (st->hook == NF_INET_LOCAL_IN)
		sw_stat_add(sn, SW_STAT_PKTS_IN, segs);
	else if (st->hook == NF_INET_LOCAL_OUT)
		sw_stat_add(sn, SW_STAT_PKTS_OUT, segs);
	else
		sw_stat_add(sn, SW_STAT_PKTS_FWD, segs);
	return segs;
}

/* Orient the key as the local endpoint sees it, and track. */
static __always_inline void
sw_hook_track(struct sw_net *sn, const struct nf_hook_state *st,
	      const struct sk_buff *skb, const struct in6_addr *s,
	      const struct in6_addr *d, struct sw_pkt *pkt)
{
	enum sw_dir dir = st->hook == NF_INET_LOCAL_IN ? SW_DIR_IN : SW_DIR_OUT;
	struct sw_key key __sw_uninit;
	bool bh;
	u64 t0;

	/*
	 * tcp_make_synack() attaches every SYN-ACK to its request socket,
	 * or to the listener for Fast Open, but a SYN cookie to none: no
	 * request socket exists.
	 */
	if (st->hook == NF_INET_LOCAL_OUT && !skb->sk &&
	    (pkt->flags & (SW_TCP_SYN | SW_TCP_ACK)) == (SW_TCP_SYN | SW_TCP_ACK))
		pkt->cookie = 1;
	key.netns = sn->id;
	if (st->hook == NF_INET_FORWARD) {
		/* a reply of a known forwarded connection is "received" */
		key.laddr = *d;
		key.raddr = *s;
		key.lport = pkt->dport;
		key.rport = pkt->sport;
		dir = sw_conntab_known(sn, &key) ? SW_DIR_IN : SW_DIR_OUT;
	}
	if (dir == SW_DIR_IN) {
		key.laddr = *d;
		key.raddr = *s;
		key.lport = pkt->dport;
		key.rport = pkt->sport;
	} else {
		key.laddr = *s;
		key.raddr = *d;
		key.lport = pkt->sport;
		key.rport = pkt->dport;
	}
	/*
	 * The table's locks are taken without _bh on the packet path, so BHs
	 * must be off around it: else a softirq on this CPU could spin on a
	 * lock that LOCAL_OUT, in process context, holds. LOCAL_IN and most
	 * of LOCAL_OUT run with BHs off already, and skip the cost.
	 */
	bh = !in_softirq();
	if (bh)
		local_bh_disable();
	t0 = sw_prof_start();
	sw_glue_packet(sn, &key, dir, pkt);
	sw_prof_end(SW_PROF_CONN, t0);
	if (bh)
		local_bh_enable();
}

static __always_inline unsigned int
__sw_hook_v4(void *priv, struct sk_buff *skb, const struct nf_hook_state *st)
{
	struct sw_net *sn = priv;
	const struct iphdr *iph;
	struct iphdr _iph __sw_uninit;
	struct in6_addr s __sw_uninit, d __sw_uninit;
	struct sw_pkt pkt __sw_uninit;
	unsigned int ihl, tot;
	u64 t0;
	u16 segs;
	int err;

	iph = skb_header_pointer(skb, 0, sizeof(_iph), &_iph);
	if (!iph || iph->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	segs = sw_hook_count(sn, st, skb);
	ihl = iph->ihl * 4;
	tot = ntohs(iph->tot_len);
	/* TSO packets on LOCAL_OUT may carry tot_len 0 */
	if (!tot && skb_is_gso(skb))
		tot = skb->len;
	if (ihl < sizeof(*iph) || tot < ihl || tot > skb->len) {
		sw_stat_invalid(sn, SYNWATCH_INVALID_TRUNC_IP);
		return NF_ACCEPT;
	}
	if (iph->frag_off & htons(IP_OFFSET)) {
		sw_stat_invalid(sn, SYNWATCH_INVALID_FRAGMENT);
		return NF_ACCEPT;
	}
	if (skb_is_gso(skb))
		tot = skb->len;
	t0 = sw_prof_start();
	err = sw_hook_tcp(sn, skb, ihl, tot - ihl, &pkt);
	sw_prof_end(SW_PROF_PARSE, t0);
	if (err) {
		sw_stat_invalid(sn, err);
		return NF_ACCEPT;
	}
	pkt.segs = segs;
	ipv6_addr_set_v4mapped(iph->saddr, &s);
	ipv6_addr_set_v4mapped(iph->daddr, &d);
	sw_hook_track(sn, st, skb, &s, &d, &pkt);
	return NF_ACCEPT;
}

static __always_inline unsigned int
__sw_hook_v6(void *priv, struct sk_buff *skb, const struct nf_hook_state *st)
{
	struct sw_net *sn = priv;
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h __sw_uninit;
	struct sw_pkt pkt __sw_uninit;
	unsigned int plen;
	__be16 frag_off;
	u16 segs;
	u8 nexthdr;
	int thoff, err;

	ip6h = skb_header_pointer(skb, 0, sizeof(_ip6h), &_ip6h);
	if (!ip6h)
		return NF_ACCEPT;
	nexthdr = ip6h->nexthdr;
	/*
	 * TCP right after the fixed header, as nearly always: no call to
	 * walk extension headers that are not there.
	 */
	if (likely(nexthdr == IPPROTO_TCP)) {
		thoff = sizeof(_ip6h);
		frag_off = 0;
	} else {
		thoff = ipv6_skip_exthdr(skb, sizeof(_ip6h), &nexthdr,
					 &frag_off);
		if (thoff < 0)
			return NF_ACCEPT;
	}
	if (frag_off & htons(~0x7)) {
		u8 _fnh;
		const u8 *fnh;

		/*
		 * A non-first fragment: ipv6_skip_exthdr() stops at its
		 * fragment header (thoff) and leaves nexthdr at
		 * NEXTHDR_FRAGMENT. The upper-layer protocol is the fragment
		 * header's own next header, its first byte.
		 */
		fnh = skb_header_pointer(skb, thoff, sizeof(_fnh), &_fnh);
		if (nexthdr != NEXTHDR_FRAGMENT || !fnh ||
		    *fnh != IPPROTO_TCP)
			return NF_ACCEPT;
		sw_hook_count(sn, st, skb);
		sw_stat_invalid(sn, SYNWATCH_INVALID_FRAGMENT);
		return NF_ACCEPT;
	}
	if (nexthdr != IPPROTO_TCP)
		return NF_ACCEPT;
	segs = sw_hook_count(sn, st, skb);
	plen = sizeof(_ip6h) + ntohs(ip6h->payload_len);
	if (skb_is_gso(skb) || !ip6h->payload_len)
		plen = skb->len;	/* GSO, or a jumbogram */
	if (plen > skb->len || plen < thoff) {
		sw_stat_invalid(sn, SYNWATCH_INVALID_TRUNC_IP);
		return NF_ACCEPT;
	}
	err = sw_hook_tcp(sn, skb, thoff, plen - thoff, &pkt);
	if (err) {
		sw_stat_invalid(sn, err);
		return NF_ACCEPT;
	}
	pkt.segs = segs;
	sw_hook_track(sn, st, skb, &ip6h->saddr, &ip6h->daddr, &pkt);
	return NF_ACCEPT;
}

/* The hooks, timed in a SW_HOOK_PROFILE build (prof.h), as they are else. */
static __always_inline unsigned int
sw_hook_timed(unsigned int (*fn)(void *, struct sk_buff *,
				 const struct nf_hook_state *),
	      enum sw_prof_point point, void *priv, struct sk_buff *skb,
	      const struct nf_hook_state *st)
{
	u64 t0 = sw_prof_start();
	unsigned int v = fn(priv, skb, st);

	sw_prof_end(point, t0);
	return v;
}

static unsigned int sw_hook_v4(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *st)
{
	return sw_hook_timed(__sw_hook_v4, SW_PROF_HOOK_V4, priv, skb, st);
}

static unsigned int sw_hook_v6(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *st)
{
	return sw_hook_timed(__sw_hook_v6, SW_PROF_HOOK_V6, priv, skb, st);
}

#define SW_HOOK(fn, family, num, prio) \
	{ .hook = fn, .pf = family, .hooknum = num, .priority = prio }

/* The template of each netns' sn->hook_ops; priv is set per netns. */
static const struct nf_hook_ops sw_hook_ops[SW_HOOK_OPS] = {
	SW_HOOK(sw_hook_v4, NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_IP_PRI_LAST - 1),
	SW_HOOK(sw_hook_v4, NFPROTO_IPV4, NF_INET_LOCAL_OUT,
		NF_IP_PRI_FIRST + 1),
	SW_HOOK(sw_hook_v6, NFPROTO_IPV6, NF_INET_LOCAL_IN,
		NF_IP6_PRI_LAST - 1),
	SW_HOOK(sw_hook_v6, NFPROTO_IPV6, NF_INET_LOCAL_OUT,
		NF_IP6_PRI_FIRST + 1),
	/* forwarded traffic, only with track_forward=1 */
	SW_HOOK(sw_hook_v4, NFPROTO_IPV4, NF_INET_FORWARD, NF_IP_PRI_LAST - 1),
	SW_HOOK(sw_hook_v6, NFPROTO_IPV6, NF_INET_FORWARD,
		NF_IP6_PRI_LAST - 1),
};

static unsigned int sw_hook_count_ops(void)
{
	return sw_track_forward ? ARRAY_SIZE(sw_hook_ops) : 4;
}

int sw_hooks_register(struct sw_net *sn)
{
	unsigned int i;

	for (i = 0; i < SW_HOOK_OPS; i++) {
		sn->hook_ops[i] = sw_hook_ops[i];
		sn->hook_ops[i].priv = sn;
	}
	return nf_register_net_hooks(sn->net, sn->hook_ops,
				     sw_hook_count_ops());
}

void sw_hooks_unregister(struct sw_net *sn)
{
	nf_unregister_net_hooks(sn->net, sn->hook_ops, sw_hook_count_ops());
}
