/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection table: one entry per tracked connection, all netns in one
 * table. See conn.c for the design and its locking and RCU rules.
 */
#ifndef _SW_CONN_H
#define _SW_CONN_H

#include <linux/in6.h>
#include <net/ipv6.h>
#include <linux/spinlock.h>
#include "synwatch.h"

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

/*
 * One tracked connection: 120 bytes, 128 of slab (checked in conn.c).
 * next is an RCU "nulls" list link: the end of a chain is not NULL but an
 * odd value encoding the bucket, so a lockless reader that was moved to
 * another chain by a concurrent delete + reuse notices and restarts.
 */
struct sw_conn {
	struct sw_conn __rcu *next;
	struct sw_key key;
	struct sw_rec rec;	/* key and rec: under sw_rec_lock() */
};

/* A consistent copy of an entry, taken under its lock, for events/dumps. */
struct sw_snap {
	struct sw_key key;
	struct sw_rec rec;
};

static inline bool sw_key_v4(const struct sw_key *k)
{
	return ipv6_addr_v4mapped(&k->laddr);
}

/* Packet path (hooks.c). */
void sw_conn_packet(struct sw_net *sn, const struct sw_key *key,
		    enum sw_dir dir, const struct sw_pkt *pkt);

bool sw_conn_known(const struct sw_net *sn, const struct sw_key *key);

/* Walks for dumps, flush, GC and netns exit. */
typedef bool (*sw_conn_match_t)(const struct sw_snap *s, const void *arg);
int sw_conn_dump(u32 netns, unsigned long *pos,
		 int (*fn)(const struct sw_snap *s, void *arg),
		 sw_conn_match_t match, void *arg);
unsigned int sw_conn_remove(struct sw_net *sn, sw_conn_match_t match,
			    const void *arg, u8 reason, bool events);
void sw_conn_gc_slice(unsigned int start, unsigned int count);
unsigned int sw_conn_buckets(void);
unsigned int sw_conn_count(void);
size_t sw_conn_mem(void);
unsigned int sw_conn_obj_size(void);
u64 sw_timeout_left_ms(const struct sw_net *sn, const struct sw_rec *r,
		       u64 now_ns);

#endif /* _SW_CONN_H */
