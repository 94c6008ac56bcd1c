// SPDX-License-Identifier: GPL-2.0
/* The mini-packetdrill: pd.h. */
#include "pd.h"

uint32_t st_csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

uint16_t st_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void st_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

void st_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

uint16_t st_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t st_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

size_t st_ip_wrap(int family, const uint8_t *src,
	       const uint8_t *dst, const uint8_t *l4,
	       size_t l4len, uint8_t *out, bool fix_csum)
{
	uint8_t *tcp;
	uint32_t sum;
	size_t hl;

	if (family == AF_INET) {
		hl = 20;
		memset(out, 0, hl);
		out[0] = 0x45;
		st_put16(out + 2, hl + l4len);
		st_put16(out + 4, 0x1234);
		out[6] = 0x40;		/* DF */
		out[8] = 64;
		out[9] = IPPROTO_TCP;
		memcpy(out + 12, src, 4);
		memcpy(out + 16, dst, 4);
		st_put16(out + 10, st_csum_fold(st_csum_add(0, out, hl)));
	} else {
		hl = 40;
		memset(out, 0, hl);
		out[0] = 0x60;
		st_put16(out + 4, l4len);
		out[6] = IPPROTO_TCP;
		out[7] = 64;
		memcpy(out + 8, src, 16);
		memcpy(out + 24, dst, 16);
	}
	tcp = out + hl;
	memcpy(tcp, l4, l4len);
	if (fix_csum && l4len >= 18) {
		int alen = family == AF_INET ? 4 : 16;

		tcp[16] = tcp[17] = 0;
		sum = st_csum_add(0, src, alen);
		sum = st_csum_add(sum, dst, alen);
		sum += IPPROTO_TCP + (uint32_t)l4len;
		sum = st_csum_add(sum, tcp, l4len);
		st_put16(tcp + 16, st_csum_fold(sum));
	}
	return hl + l4len;
}

size_t st_tcp_build(uint8_t *buf, uint16_t sport, uint16_t dport,
		 uint32_t seq, uint32_t ack, uint8_t flags,
		 uint16_t win, const struct st_tcpopts *o,
		 const void *data, size_t len)
{
	size_t ol = 0;
	uint8_t *opt = buf + 20;

	memset(buf, 0, 60);
	st_put16(buf, sport);
	st_put16(buf + 2, dport);
	st_put32(buf + 4, seq);
	st_put32(buf + 8, ack);
	buf[13] = flags;
	st_put16(buf + 14, win);
	if (o) {
		if (o->mss) {
			opt[ol++] = 2;
			opt[ol++] = 4;
			st_put16(opt + ol, o->mss);
			ol += 2;
		}
		if (o->sack) {
			opt[ol++] = 4;
			opt[ol++] = 2;
		}
		if (o->ts) {
			opt[ol++] = 8;
			opt[ol++] = 10;
			st_put32(opt + ol, o->tsval);
			st_put32(opt + ol + 4, o->tsecr);
			ol += 8;
		}
		if (o->ws >= 0) {
			opt[ol++] = 1;
			opt[ol++] = 3;
			opt[ol++] = 3;
			opt[ol++] = o->ws;
		}
		while (ol % 4)
			opt[ol++] = 1;
	}
	buf[12] = (uint8_t)(((20 + ol) / 4) << 4);
	if (len)
		memcpy(buf + 20 + ol, data, len);
	return 20 + ol + len;
}

static void st_tcp_parse_opts(const uint8_t *o, size_t len,
			   struct st_tcpopts *to)
{
	size_t i = 0;

	memset(to, 0, sizeof(*to));
	to->ws = -1;
	while (i < len) {
		uint8_t k = o[i], l;

		if (k == 0)
			break;
		if (k == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		l = o[i + 1];
		if (l < 2 || i + l > len)
			break;
		if (k == 2 && l == 4)
			to->mss = st_get16(o + i + 2);
		if (k == 3 && l == 3)
			to->ws = o[i + 2];
		if (k == 4)
			to->sack = true;
		if (k == 8 && l == 10) {
			to->ts = true;
			to->tsval = st_get32(o + i + 2);
			to->tsecr = st_get32(o + i + 6);
		}
		i += l;
	}
}

int st_seg_parse(const struct st_topo *t, const uint8_t *p, size_t n,
	      struct st_seg *s)
{
	const uint8_t *tcp;
	size_t hl, tl, doff;

	if (t->family == AF_INET) {
		if (n < 20 || (p[0] >> 4) != 4 || p[9] != IPPROTO_TCP)
			return -1;
		hl = (p[0] & 0xf) * 4;
		tl = st_get16(p + 2);
		if (memcmp(p + 12, t->addr_a, 4) || memcmp(p + 16, t->addr_b, 4))
			return -1;
	} else {
		if (n < 40 || (p[0] >> 4) != 6 || p[6] != IPPROTO_TCP)
			return -1;
		hl = 40;
		tl = 40 + st_get16(p + 4);
		if (memcmp(p + 8, t->addr_a, 16) ||
		    memcmp(p + 24, t->addr_b, 16))
			return -1;
	}
	if (tl > n)
		tl = n;
	if (tl < hl + 20)
		return -1;
	tcp = p + hl;
	doff = (tcp[12] >> 4) * 4;
	if (doff < 20 || hl + doff > tl)
		return -1;
	memset(s, 0, sizeof(*s));
	s->sport = st_get16(tcp);
	s->dport = st_get16(tcp + 2);
	s->seq = st_get32(tcp + 4);
	s->ack = st_get32(tcp + 8);
	s->flags = tcp[13];
	s->win = st_get16(tcp + 14);
	s->len = tl - hl - doff;
	memcpy(s->data, tcp + doff, s->len < sizeof(s->data) ? s->len :
	       sizeof(s->data));
	st_tcp_parse_opts(tcp + 20, doff - 20, &s->o);
	return 0;
}

static int st_pd_ethertype(const struct st_topo *t)
{
	return t->family == AF_INET ? ETH_P_IP : ETH_P_IPV6;
}

int st_pd_blackhole(struct st_topo *t)
{
	return st_sh("ip netns exec %s nft -f - <<'EOF'\n"
		  "table inet pd {\n"
		  "  chain in { type filter hook input priority 0;\n"
		  "    tcp dport %u-%u drop; }\n"
		  "}\nEOF\n"
		  "ip netns exec %s nft -f - <<'EOF'\n"
		  "table inet pd {\n"
		  "  chain in { type filter hook input priority 2147483647;\n"
		  "    tcp dport %u drop; }\n"
		  "}\nEOF", t->b, PD_PORT_MIN, PD_PORT_MAX, t->a, PD_A_DEAF) ?
	       -1 : 0;
}

int st_pd_open(struct st_pd *pd, struct st_topo *t, uint16_t port,
	    uint16_t rport)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };

	memset(pd, 0, sizeof(*pd));
	pd->t = t;
	pd->port = port;
	pd->rport = rport;
	pd->win = 64000;
	pd->iss = 0x10000000u + (uint32_t)(port << 8) + rport;
	pd->snd_nxt = pd->iss;
	pd->ts_now = 1000;
	pd->tx = st_ns_socket(t, t->fb, AF_PACKET, SOCK_DGRAM,
			   htons(st_pd_ethertype(t)));
	pd->rx = st_ns_socket(t, t->fb, AF_PACKET, SOCK_DGRAM,
			   htons(st_pd_ethertype(t)));
	pd->raw = st_ns_socket(t, t->fa, t->family, SOCK_RAW, IPPROTO_RAW);
	if (pd->tx < 0 || pd->rx < 0 || pd->raw < 0)
		return -1;
	sll.sll_protocol = htons(st_pd_ethertype(t));
	sll.sll_ifindex = t->ifb;
	if (bind(pd->rx, (struct sockaddr *)&sll, sizeof(sll)))
		return -errno;
	return 0;
}

void st_pd_close(struct st_pd *pd)
{
	if (pd->tx > 0)
		close(pd->tx);
	if (pd->rx > 0)
		close(pd->rx);
	if (pd->raw > 0)
		close(pd->raw);
	memset(pd, 0, sizeof(*pd));
}

int st_pd_inject(struct st_pd *pd, const uint8_t *ip, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(st_pd_ethertype(pd->t)),
		.sll_ifindex = pd->t->ifb,
		.sll_halen = 6,
	};

	memcpy(sll.sll_addr, pd->t->mac_a, 6);
	if (sendto(pd->tx, ip, len, 0, (struct sockaddr *)&sll,
		   sizeof(sll)) != (ssize_t)len)
		return -errno;
	return 0;
}

int st_pd_send_l4(struct st_pd *pd, const uint8_t *l4, size_t len,
	       bool fix_csum)
{
	uint8_t pkt[1600];
	size_t n = st_ip_wrap(pd->t->family, pd->t->addr_b, pd->t->addr_a, l4,
			   len, pkt, fix_csum);

	return st_pd_inject(pd, pkt, n);
}

/* Add our timestamp option to o when timestamps are in use. */
static const struct st_tcpopts *st_pd_opts(struct st_pd *pd,
					    const struct st_tcpopts *o,
					    struct st_tcpopts *tmp)
{
	if (o)
		*tmp = *o;
	else {
		memset(tmp, 0, sizeof(*tmp));
		tmp->ws = -1;
	}
	if (pd->ts || (o && o->ts)) {
		tmp->ts = true;
		tmp->tsval = ++pd->ts_now;
		tmp->tsecr = pd->ts_recent;
	}
	return tmp;
}

int st_pd_send_raw(struct st_pd *pd, uint8_t flags, uint32_t seq,
		uint32_t ack, const struct st_tcpopts *o,
		const void *data, size_t len)
{
	uint8_t l4[1500];
	struct st_tcpopts tmp;
	size_t n;

	n = st_tcp_build(l4, pd->port, pd->rport, seq, ack, flags, pd->win,
		      st_pd_opts(pd, o, &tmp), data, len);
	return st_pd_send_l4(pd, l4, n, true);
}

int st_pd_send(struct st_pd *pd, uint8_t flags,
	    const struct st_tcpopts *o, const void *data,
	    size_t len)
{
	int err = st_pd_send_raw(pd, flags, pd->snd_nxt,
			      (flags & F_ACK) ? pd->rcv_nxt : 0, o, data, len);

	if (!err && !(flags & F_RST))
		pd->snd_nxt += len + !!(flags & F_SYN) + !!(flags & F_FIN);
	return err;
}

int st_pd_out_raw(struct st_pd *pd, uint8_t flags, uint32_t seq,
	       uint32_t ack)
{
	struct sockaddr_storage ss;
	uint8_t l4[60], pkt[128];
	socklen_t sl;
	size_t n;

	n = st_tcp_build(l4, pd->rport, pd->port, seq, ack, flags, 1000, NULL,
		      NULL, 0);
	n = st_ip_wrap(pd->t->family, pd->t->addr_a, pd->t->addr_b, l4, n, pkt,
		    true);
	sl = st_topo_sa(pd->t, pd->t->addr_b, 0, &ss);
	if (sendto(pd->raw, pkt, n, 0, (struct sockaddr *)&ss, sl) !=
	    (ssize_t)n)
		return -errno;
	return 0;
}

int st_pd_recv(struct st_pd *pd, uint8_t want, int timeout_ms,
	    struct st_seg *out)
{
	uint64_t end = st_now_us() + (uint64_t)timeout_ms * 1000;
	uint8_t buf[70000];
	struct sockaddr_ll sll;
	struct st_seg s;

	for (;;) {
		uint64_t now = st_now_us();
		socklen_t sl = sizeof(sll);
		ssize_t n;
		int r;

		if (now >= end)
			return 0;
		r = st_fd_wait(pd->rx, POLLIN, (int)((end - now) / 1000) + 1);
		if (r <= 0)
			return r;
		n = recvfrom(pd->rx, buf, sizeof(buf), 0,
			     (struct sockaddr *)&sll, &sl);
		if (n < 0)
			return -errno;
		if (sll.sll_pkttype == PACKET_OUTGOING ||
		    sll.sll_protocol != htons(st_pd_ethertype(pd->t)))
			continue;
		if (st_seg_parse(pd->t, buf, n, &s) || s.sport != pd->rport ||
		    s.dport != pd->port)
			continue;
		pd->last = s;
		if (s.o.ts)
			pd->ts_recent = s.o.tsval;
		if (s.flags & F_SYN)
			pd->irs = s.seq;
		if (!(s.flags & F_RST)) {
			uint32_t end_seq = s.seq + s.len +
					   !!(s.flags & F_SYN) +
					   !!(s.flags & F_FIN);

			if ((int32_t)(end_seq - pd->rcv_nxt) > 0 ||
			    (s.flags & F_SYN))
				pd->rcv_nxt = end_seq;
		}
		if (out)
			*out = s;
		if ((s.flags & want) == want)
			return 1;
	}
}

struct st_tcpopts st_pd_syn_opts(void)
{
	struct st_tcpopts o = { .mss = 1400, .ws = 5, .sack = true, .ts = true };

	return o;
}

int st_pd_connect(struct st_pd *pd, const struct st_tcpopts *o)
{
	struct st_seg s;

	pd->snd_nxt = pd->iss;
	if (st_pd_send(pd, F_SYN, o, NULL, 0))
		return -1;
	if (st_pd_recv(pd, F_SYN | F_ACK, 3000, &s) != 1)
		return -1;
	pd->ts = o && o->ts && s.o.ts;
	return st_pd_send(pd, F_ACK, NULL, NULL, 0);
}
