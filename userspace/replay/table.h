/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay's connection and listener tables: what kmod/conntab.c and
 * kmod/listener.c keep, minus the locking, RCU and per-netns parts, single
 * threaded over a capture.
 *
 * Connections live in chunks of records that never move, found through an
 * open-addressing index (linear probing, 8-byte slots: a part of the hash
 * and the record's number), and, for expiry, sit on one list per state
 * ordered by last activity: every state has one timeout, so the oldest
 * record of each list is the next to expire, and expiry costs O(1) per
 * record instead of the module's periodic walk of the whole table.
 */
#ifndef SW_REPLAY_TABLE_H
#define SW_REPLAY_TABLE_H

#include <stdint.h>
#include <string.h>

#include "rules.h"
#include "step.h"

/* Like struct sw_key: IPv4 addresses stored IPv4-mapped. */
struct rp_key {
	uint8_t laddr[16];
	uint8_t raddr[16];
	uint16_t lport;
	uint16_t rport;
};

struct rp_conn {
	struct rp_conn *prev, *next;	/* expiry list of list_state; free list */
	uint64_t id;			/* creation order */
	uint32_t num;			/* the record's number, 1-based */
	uint32_t hash;			/* its slot's hash */
	uint8_t list_state;
	bool used;
	struct rp_key key;
	struct sw_rec rec;
};

struct rp_slot {
	uint32_t hash;			/* the key's hash */
	uint32_t num;			/* 0: empty */
};

#define RP_RECENT	4096		/* direct-mapped cache of recent finds */

struct rp_conn_table {
	struct rp_slot *slots;
	uint32_t nslots;		/* a power of two, at least 2 * count */
	/*
	 * The records found last, by hash: the connections a capture is
	 * busy with are few, and their slots, spread over a large index,
	 * would each cost a cache miss.
	 */
	struct rp_slot recent[RP_RECENT];
	uint32_t count;
	uint64_t next_id;
	uint64_t seed[4];		/* of the hash, random per run */
	struct rp_conn **chunks;
	uint32_t nchunks, nrecs;	/* records handed out so far */
	struct rp_conn *free;		/* deleted records, for reuse */
	/* per state, oldest first; a record with state NONE is on none */
	struct rp_conn *head[SW_STATE_COLUMNS], *tail[SW_STATE_COLUMNS];
};

static inline uint64_t rp_load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* 64 x 64 -> 128 bits, the halves folded: one multiply mixes two words */
static inline uint64_t rp_mum(uint64_t a, uint64_t b)
{
	unsigned __int128 m = (unsigned __int128)a * b;

	return (uint64_t)m ^ (uint64_t)(m >> 64);
}

static inline uint64_t rp_side_hash(const uint64_t *seed, const uint8_t *addr,
				    uint16_t port)
{
	return rp_mum(rp_mum(rp_load64(addr) ^ seed[0],
			     rp_load64(addr + 8) ^ seed[1]) ^ seed[2],
		      port ^ seed[3]);
}

/*
 * The hash of k's tuple, the same for both orientations, so that one
 * probe sequence finds the record whichever side turns out to be local: a
 * packet whose direction is not known yet costs one lookup, not two. The
 * seed is random per run: nothing replay prints depends on where a record
 * sits.
 */
static inline uint32_t rp_conn_hash(const struct rp_conn_table *t,
				    const struct rp_key *k)
{
	uint64_t h = rp_side_hash(t->seed, k->laddr, k->lport) +
		     rp_side_hash(t->seed, k->raddr, k->rport);

	return (uint32_t)(h ^ (h >> 32));
}

/* Where a lookup of hash h will look first, to the cache ahead of it. */
static inline void rp_conn_prefetch(const struct rp_conn_table *t, uint32_t h)
{
	__builtin_prefetch(&t->recent[h & (RP_RECENT - 1)]);
	__builtin_prefetch(&t->slots[h & (t->nslots - 1)]);
}

int rp_conns_init(struct rp_conn_table *t);
void rp_conns_free(struct rp_conn_table *t);
/* k's record; h is rp_conn_hash(t, k) */
struct rp_conn *rp_conn_find(struct rp_conn_table *t, const struct rp_key *k,
			     uint32_t h);
/* k[0] or k[1], the same tuple both ways round; *which says which matched */
struct rp_conn *rp_conn_find2(struct rp_conn_table *t, const struct rp_key *k,
			      uint32_t h, int *which);
/* A new record for k (not in the table yet), started at now. */
struct rp_conn *rp_conn_add(struct rp_conn_table *t, const struct rp_key *k,
			    uint64_t now);
/* Unlinks and frees c. */
void rp_conn_del(struct rp_conn_table *t, struct rp_conn *c);
/* c was just active: to the young end of its state's list. */
void rp_conn_touch(struct rp_conn_table *t, struct rp_conn *c);
/* Every record, in no order: *pos starts at 0; NULL at the end. */
struct rp_conn *rp_conn_next(struct rp_conn_table *t, uint32_t *pos);

static inline int rp_key_v4(const struct rp_key *k)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(k->laddr, mapped, sizeof(mapped));
}

/* Per (local address, local port) that has seen a SYN, as listener.c. */
#define RP_LST_MAX 4096		/* the module's SW_LST_MAX */

struct rp_lst {
	uint8_t addr[16];
	uint16_t port;
	bool watched;			/* on the tick's active list */
	struct sw_lst_acct acct;
};

struct rp_lst_table {
	struct rp_lst *v;		/* first seen first */
	uint32_t n;
	int32_t *slots;			/* open addressing: index into v, -1 */
	uint32_t nslots;
	struct rp_lst *last;		/* the one found last */
};

int rp_lsts_init(struct rp_lst_table *t);
void rp_lsts_free(struct rp_lst_table *t);
/* The listener of k's local side; created if create and room is left. */
struct rp_lst *rp_lst_get(struct rp_lst_table *t, const struct rp_key *k,
			  bool create);

#endif
