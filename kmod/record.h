/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The records the layers above the engine pass around: a connection's
 * key and a consistent copy of its record, a listener, a subscriber's
 * filter. Types only: a leaf, included by the table, the encoders, event
 * delivery, the listeners and the glue alike.
 */
#ifndef _SW_RECORD_H
#define _SW_RECORD_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <net/ipv6.h>
#include "engine/track.h"
#include "engine/flood.h"

/*
 * The lookup key. IPv4 addresses are stored IPv4-mapped (::ffff:a.b.c.d),
 * so one key format serves both families and the family needs no field:
 * IPv6 never carries mapped addresses on the wire (RFC 4291 2.5.5.2; Linux
 * drops such packets in ip6_rcv_core()).
 */
struct sw_key {
	struct in6_addr laddr;
	struct in6_addr raddr;
	u16 lport;
	u16 rport;
	u32 netns;		/* struct sw_net.id; 0 marks a dead entry */
};

static inline bool sw_key_v4(const struct sw_key *k)
{
	return ipv6_addr_v4mapped(&k->laddr);
}

/* The remote address as the flood detector takes it: 4 or 16 bytes. */
static inline const u8 *sw_key_raddr(const struct sw_key *k)
{
	return k->raddr.s6_addr + (sw_key_v4(k) ? 12 : 0);
}

/*
 * A consistent copy of a connection, taken under its record lock, for
 * events and dumps, and of one that left the table, for its retirement.
 */
struct sw_snap {
	struct sw_key key;
	struct sw_rec rec;
};

/*
 * A listener: per (netns, local address, local port) that has seen a SYN,
 * the accounting the flood detector works on (listener.c).
 */
struct sw_lst {
	struct hlist_node node;		/* RCU, in sw_lst_table.heads */
	struct list_head active;	/* on sw_lst_table.active, its lock */
	struct rcu_head rcu;
	struct in6_addr addr;
	u16 port;
	bool watched;			/* on the active list; under lock */
	bool dead;			/* flushed; under the table's lock */
	spinlock_t lock;		/* guards acct and watched */
	struct sw_lst_acct acct;
};

/*
 * Which connections a dump, a flush or a subscriber wants
 * (SYNWATCH_CMD_SUBSCRIBE, GET_CONN, FLUSH; netlink.c parses it, match.c
 * applies it).
 */
struct sw_filter {
	u32 state_mask;
	u32 event_mask;
	u8 family;		/* 0 = any */
	u8 lprefix;		/* in bits of the 128-bit mapped address */
	u8 rprefix;
	bool linvert;
	bool rinvert;
	u16 lport_min, lport_max;
	u16 rport_min, rport_max;
	u32 batch_bytes;	/* SUBSCRIBE: the reader's datagram size */
	struct in6_addr laddr;
	struct in6_addr raddr;
};

#endif /* _SW_RECORD_H */
