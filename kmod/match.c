// SPDX-License-Identifier: GPL-2.0
/*
 * Connection filters (struct sw_filter): which connections a dump, a
 * FLUSH or a subscriber wants. Addresses compare as the key keeps them,
 * IPv4-mapped, so a prefix length is in bits of the 128-bit address.
 */
#include <linux/socket.h>
#include "match.h"

static bool sw_port_match(u16 port, u16 lo, u16 hi, bool invert)
{
	return (port >= lo && port <= hi) != invert;
}

bool sw_filter_match_conn(const struct sw_key *key, const struct sw_rec *rec,
			  const struct sw_filter *f)
{
	u8 family = sw_key_v4(key) ? AF_INET : AF_INET6;

	if (f->state_mask && !(f->state_mask & BIT(rec->state)))
		return false;
	if (f->family && f->family != family)
		return false;
	if (f->lprefix && !ipv6_prefix_equal(&key->laddr, &f->laddr,
					     f->lprefix))
		return false;
	if (f->rprefix && !ipv6_prefix_equal(&key->raddr, &f->raddr,
					     f->rprefix))
		return false;
	if (!sw_port_match(key->lport, f->lport_min, f->lport_max, f->linvert))
		return false;
	return sw_port_match(key->rport, f->rport_min, f->rport_max,
			     f->rinvert);
}

bool sw_filter_match(const struct sw_snap *s, const void *filter)
{
	return sw_filter_match_conn(&s->key, &s->rec, filter);
}
