/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection table: one entry per tracked connection, all netns in one
 * table. The table only: finding, making, evicting, walking and reaping
 * entries. What a record's end means (counters, the listener, DESTROY) is
 * the glue's (glue.c). See conntab.c for the design and its locking and
 * RCU rules.
 */
#ifndef _SW_CONNTAB_H
#define _SW_CONNTAB_H

#include "swnet.h"
#include "record.h"

/*
 * One tracked connection: 120 bytes, 128 of slab (checked in conntab.c).
 * next is an RCU "nulls" list link: the end of a chain is not NULL but an
 * odd value encoding the bucket, so a lockless reader that was moved to
 * another chain by a concurrent delete + reuse notices and restarts.
 */
struct sw_conn {
	struct sw_conn __rcu *next;
	struct sw_key key;
	struct sw_rec rec;	/* key and rec: under its record lock */
};

int sw_conntab_init(void);
void sw_conntab_uninit(void);

/* What sw_conntab_track() hands the glue, taken under the record lock. */
struct sw_tracked {
	struct sw_track_out out;
	int err;		/* sw_track()'s: the packet was refused */
	bool reopened;		/* the tuple was reused: gone is the old one */
	bool copied;		/* copy is the record, for an event */
	u32 born;		/* the record's t_first */
	struct sw_rec copy;
	struct sw_snap gone;
};

/*
 * The packet path, under rcu_read_lock() with BHs off: run sw_track() on
 * key's record, made if the packet may start one. false: there is none
 * (counted: untracked, or the insert failed).
 */
bool sw_conntab_track(struct sw_net *sn, const struct sw_key *key,
		      enum sw_dir dir, const struct sw_pkt *pkt, u64 now,
		      struct sw_tracked *t);
/* Is there a record for key? A lockless hint, for orienting FORWARD. */
bool sw_conntab_known(const struct sw_net *sn, const struct sw_key *key);

/*
 * The table's one call up, defined by the glue (glue.c): an entry was
 * evicted to make room, s is what it held, vsn its netns (NULL if that
 * is going away). Called from sw_conntab_track(), no lock held.
 */
void sw_glue_evicted(struct sw_net *vsn, struct sw_snap *s, u64 now);

/*
 * Dump the entries of one netns that match, from bucket pos[0], entry
 * pos[1] on; fn returns non-zero when its message is full.
 */
typedef bool (*sw_conn_match_t)(const struct sw_snap *s, const void *arg);
int sw_conntab_dump(u32 netns, unsigned long *pos,
		    int (*fn)(const struct sw_snap *s, void *arg),
		    sw_conn_match_t match, void *arg);

/*
 * Take out of bucket b the entries pick() selects, at most SW_REAP_BATCH,
 * and give them back to the slab: their copies are in s[], their number
 * is returned. pick() runs under the bucket lock, on live entries only.
 */
#define SW_REAP_BATCH	32
typedef bool (*sw_conn_pick_t)(const struct sw_conn *c, void *arg);
unsigned int sw_conntab_reap(unsigned int b, sw_conn_pick_t pick, void *arg,
			     struct sw_snap *s);

unsigned int sw_conntab_buckets(void);
unsigned int sw_conntab_count(void);
size_t sw_conntab_mem(void);
unsigned int sw_conntab_obj_size(void);

#endif /* _SW_CONNTAB_H */
