// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table.
 *
 * Design: a fixed array of buckets, each a singly linked RCU list ended by a
 * "nulls" marker, entries from a SLAB_TYPESAFE_BY_RCU kmem_cache, as
 * nf_conntrack does. Why not rhashtable: its inserts may fail with -EBUSY
 * or defer to a resize worker exactly when a SYN flood fills it, and it
 * cannot tell us which entries are cheapest to throw away. A fixed table
 * sized once from RAM (or hashsize=) has a known memory bound, and eviction
 * can scan neighbouring buckets for the entry cheapest to lose. The
 * single link (not hlist_nulls) keeps an entry at 128 bytes of slab; deletes walk
 * their chain under the bucket lock, and chains are short (load <= 1).
 *
 * Hashing: SipHash-1-3 (hsiphash) of the key with a key drawn for each
 * netns, so an attacker cannot aim packets at one chain (see sw_bucket()).
 *
 * Locking:
 *  - lookups take no lock, under rcu_read_lock() (netfilter hooks run in an
 *    RCU read-side section);
 *  - inserts and deletes take the bucket's lock, one of SW_LOCKS striped
 *    spinlocks (no global lock);
 *  - an entry's key and record are guarded by its record lock: one of
 *    SW_REC_LOCKS raw spinlocks picked by the entry's address, held only
 *    for the few instructions of sw_track(), never while allocating or
 *    sending; raw so that it stays a spinning lock on PREEMPT_RT. Striped,
 *    not embedded: a lock in every entry would take it past 120 bytes, and
 *    SLUB adds a free pointer after each object of a SLAB_TYPESAFE_BY_RCU
 *    cache, so 120 is what fits 128 bytes of slab. The address is the one
 *    thing a reused entry keeps, so the reader who re-checks a key takes
 *    the same lock as the writer who changed it. No path holds two record
 *    locks at once, so entries sharing a stripe cannot deadlock.
 *  Lock order: bucket lock, then record lock.
 *
 * RCU lifetime: with SLAB_TYPESAFE_BY_RCU an entry's memory stays an
 * sw_conn for as long as a reader may see it, but it may be freed and
 * reused for another connection at any time. So a lockless match is only a
 * hint: the reader takes the entry lock and checks the key again (the
 * writer sets the key under the same lock, and a deleter zeroes key.netns
 * under it before unlinking). If the key changed, it restarts. A reader
 * whose entry moved to another chain ends at that chain's nulls marker,
 * sees the wrong bucket number and restarts too.
 */
#include <linux/slab.h>
#include <linux/siphash.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/hash.h>
#include "conntab.h"
#include "engine/rules.h"
#include "prof.h"

#define SW_LOCKS		1024
#define SW_REC_LOCK_BITS	12	/* 4096 record locks, 16 KiB */
#define SW_EVICT_CANDIDATES	8	/* evictable entries compared */
#define SW_EVICT_BUCKETS	1024	/* most buckets scanned for them */
#define SW_EVICT_TRIES		4	/* evictions for one insert, at most */

static struct kmem_cache *sw_cache __read_mostly;
static struct sw_conn __rcu **sw_buckets __read_mostly;
static unsigned int sw_nbuckets __read_mostly;
static spinlock_t sw_locks[SW_LOCKS];
static raw_spinlock_t sw_rec_locks[1U << SW_REC_LOCK_BITS];
static atomic_t sw_count = ATOMIC_INIT(0);

/*
 * 8 (link) + 40 (key) + 72 (record): 120 bytes, plus SLUB's free pointer
 * after the object makes 128 bytes of slab (sw_conntab_obj_size()).
 */
static_assert(sizeof(struct sw_conn) <= 120);

static inline bool sw_is_nulls(const struct sw_conn *c)
{
	return (unsigned long)c & 1;
}

static inline struct sw_conn *sw_nulls(unsigned int bucket)
{
	return (struct sw_conn *)(1UL | ((unsigned long)bucket << 1));
}

static inline unsigned int sw_nulls_value(const struct sw_conn *c)
{
	return (unsigned long)c >> 1;
}

/*
 * The hash is SipHash-1-3 with a key drawn for each netns: the kernel's
 * hsiphash on 64-bit (Documentation/security/siphash.rst), the round count
 * Python (3.11+) and Rust's HashMap also use against hash flooding. Full
 * SipHash-2-4 is a PRF for secrets, and with 8 rounds it was the largest
 * single cost of the packet path (bench/README.md, "Measured design
 * decisions"). What the attacker chooses (remote address and port) still
 * goes through a keyed hash he cannot predict.
 *
 * The netns is not hashed: each netns has its own SipHash key, drawn at
 * its creation (pernet.c), so the same tuple in two netns still lands in
 * unrelated buckets, and the hash takes a round less (12 bytes of an IPv4
 * key are two words, 16 were three; 36 of IPv6 five, 40 were six).
 *
 * An IPv4 key is 20 bytes of constant ::ffff: prefixes plus 12 that
 * vary: hash only those, a lossless encoding of the tuple. An IPv6 key
 * is hashed whole, up to the netns.
 */
static inline unsigned int sw_bucket(const struct sw_net *sn,
				     const struct sw_key *k)
{
	u32 h;

	if (sw_key_v4(k))
		h = hsiphash_3u32((__force u32)k->laddr.s6_addr32[3],
				  (__force u32)k->raddr.s6_addr32[3],
				  (u32)k->lport << 16 | k->rport, &sn->hash_key);
	else
		h = hsiphash(k, offsetof(struct sw_key, netns), &sn->hash_key);
	return reciprocal_scale(h, sw_nbuckets);
}

static inline spinlock_t *sw_bucket_lock(unsigned int b)
{
	return &sw_locks[b % SW_LOCKS];
}

static inline raw_spinlock_t *sw_rec_lock(const struct sw_conn *c)
{
	return &sw_rec_locks[hash_ptr(c, SW_REC_LOCK_BITS)];
}

/*
 * The key is five 8-byte words with no padding. memcmp() is an out-of-line
 * call here, made twice a packet (lookup, then the check under the lock);
 * five word compares are a fraction of its cost. Written out, not as a
 * loop, which GCC keeps.
 */
static_assert(sizeof(struct sw_key) == 5 * sizeof(u64));

static inline bool sw_key_eq(const struct sw_key *a, const struct sw_key *b)
{
	const u64 *x = (const u64 *)a, *y = (const u64 *)b;

	return !((get_unaligned(x) ^ get_unaligned(y)) |
		 (get_unaligned(x + 1) ^ get_unaligned(y + 1)) |
		 (get_unaligned(x + 2) ^ get_unaligned(y + 2)) |
		 (get_unaligned(x + 3) ^ get_unaligned(y + 3)) |
		 (get_unaligned(x + 4) ^ get_unaligned(y + 4)));
}

unsigned int sw_conntab_buckets(void)
{
	return sw_nbuckets;
}

unsigned int sw_conntab_count(void)
{
	return atomic_read(&sw_count);
}

/*
 * Slab bytes per entry. SLUB keeps the free pointer of a
 * SLAB_TYPESAFE_BY_RCU cache after the object, not in it (the object must
 * stay intact while free), so an entry takes a pointer more than
 * kmem_cache_size() says.
 */
unsigned int sw_conntab_obj_size(void)
{
	return ALIGN(kmem_cache_size(sw_cache), sizeof(void *)) +
	       sizeof(void *);
}

size_t sw_conntab_mem(void)
{
	return (size_t)sw_conntab_count() * sw_conntab_obj_size() +
	       (size_t)sw_nbuckets * sizeof(*sw_buckets);
}

/*
 * Lockless lookup, under rcu_read_lock(). The result is only a candidate:
 * the caller locks it and checks the key again (see the top of this file).
 */
static struct sw_conn *sw_lookup(struct sw_net *sn, const struct sw_key *key,
				 unsigned int b)
{
	struct sw_conn *c;

restart:
	for (c = rcu_dereference(sw_buckets[b]); !sw_is_nulls(c);
	     c = rcu_dereference(c->next))
		if (sw_key_eq(&c->key, key))
			return c;
	if (unlikely(sw_nulls_value(c) != b)) {
		/* the entry we followed moved to another chain */
		sw_stat_inc(sn, SW_STAT_SEARCH_RESTART);
		goto restart;
	}
	return NULL;
}

bool sw_conntab_known(const struct sw_net *sn, const struct sw_key *key)
{
	unsigned int b = sw_bucket(sn, key);
	struct sw_conn *c;

	for (c = rcu_dereference(sw_buckets[b]); !sw_is_nulls(c);
	     c = rcu_dereference(c->next))
		if (sw_key_eq(&c->key, key))
			return true;
	return false;
}

/* Under the bucket lock: unlink c, which the caller has marked dead. */
static void sw_unlink(unsigned int b, struct sw_conn *c)
{
	struct sw_conn __rcu **pp = &sw_buckets[b];
	struct sw_conn *p;

	for (p = rcu_dereference_protected(*pp, true); !sw_is_nulls(p);
	     pp = &p->next, p = rcu_dereference_protected(*pp, true)) {
		if (p == c) {
			/*
			 * Readers on c still follow c->next to the rest of
			 * the chain, so c->next is left as it is.
			 */
			rcu_assign_pointer(*pp,
					   rcu_dereference_protected(c->next,
								     true));
			return;
		}
	}
}

/* Under the bucket lock: take c out and snapshot it for its DESTROY. */
static void sw_kill(unsigned int b, struct sw_conn *c, struct sw_snap *s)
{
	raw_spin_lock(sw_rec_lock(c));
	s->key = c->key;
	s->rec = c->rec;
	WRITE_ONCE(c->key.netns, 0);
	raw_spin_unlock(sw_rec_lock(c));
	sw_unlink(b, c);
}

/* Give an entry back to the slab, with its unit of the table count. */
static void sw_free(struct sw_conn *c)
{
	atomic_dec(&sw_count);
	kmem_cache_free(sw_cache, c);
}

/* Under the bucket lock: is c linked in bucket b's chain? */
static bool sw_in_chain(unsigned int b, const struct sw_conn *c)
{
	const struct sw_conn *p;

	for (p = rcu_dereference_protected(sw_buckets[b], true);
	     !sw_is_nulls(p); p = rcu_dereference_protected(p->next, true))
		if (p == c)
			return true;
	return false;
}

/*
 * Which records may make room, best first: 2 for one whose connection has
 * ended (TIME_WAIT, CLOSED: its history and close reason are complete, and
 * the DESTROY event still reports them), 1 for a half-open one (what a
 * flood is made of), 0 for the others, never evicted.
 */
static int sw_evict_rank(u8 state)
{
	if (state == SYNWATCH_STATE_TIME_WAIT || state == SYNWATCH_STATE_CLOSED)
		return 2;
	return sw_state_half_open(state) ? 1 : 0;
}

/*
 * The table (netns 0) or a netns' share of it is full: make room. Buckets
 * are scanned from start until SW_EVICT_CANDIDATES evictable entries (of
 * that netns, if one is given) have been seen, or SW_EVICT_BUCKETS
 * buckets; of the best rank among them (sw_evict_rank()) the longest idle
 * one goes. Established connections are never evicted: a flood of
 * half-open entries must not push real connections out. Ended ones go
 * before half-open ones: on a busy server whose table is full of
 * TIME_WAIT, a handshake in progress must not make room for a new one.
 * Among half-open entries, a legitimate handshake is half-open for one
 * round trip, so it is the youngest and stays. The scan goes on past
 * empty buckets (a table larger than max_conns) so that there are several
 * candidates, but stops at SW_EVICT_CANDIDATES of any rank: counting only
 * half-open ones, a table full of TIME_WAIT made every new connection scan
 * SW_EVICT_BUCKETS buckets (bench/README.md). start is random to an
 * attacker: the new entry's own bucket (a keyed hash), or a random number
 * on a retry.
 * Returns 0 (one went, its memory maybe to *spare), -ENOSPC (nothing
 * evictable in the scan) or -EAGAIN (the victim changed under us).
 */
struct sw_victim {
	struct sw_conn *c;
	unsigned int b;			/* its bucket */
	u32 age;			/* idle, in sw_fine() units */
	int rank;			/* sw_evict_rank() */
};

/* The scan: the best victim of up to SW_EVICT_CANDIDATES, unlocked. */
static bool sw_evict_pick(u32 netns, unsigned int start, u32 now,
			  struct sw_victim *v)
{
	unsigned int limit = min_t(unsigned int, sw_nbuckets,
				   SW_EVICT_BUCKETS);
	struct sw_conn *victim = NULL, *c;
	unsigned int i, b, vb = 0, seen = 0;
	u32 best_age = 0;
	int best_rank = 0, rank;

	rcu_read_lock();
	for (i = 0; i < limit && seen < SW_EVICT_CANDIDATES; i++) {
		b = start + i;
		if (b >= sw_nbuckets)
			b -= sw_nbuckets;
		for (c = rcu_dereference(sw_buckets[b]); !sw_is_nulls(c);
		     c = rcu_dereference(c->next)) {
			u32 id = READ_ONCE(c->key.netns);
			u32 age;

			if (!id || (netns && id != netns))
				continue;
			rank = sw_evict_rank(READ_ONCE(c->rec.state));
			if (!rank)
				continue;
			seen++;
			age = sw_since(now, READ_ONCE(c->rec.t_last));
			if (rank < best_rank ||
			    (rank == best_rank && age <= best_age))
				continue;
			victim = c;
			vb = b;
			best_age = age;
			best_rank = rank;
		}
	}
	rcu_read_unlock();
	*v = (struct sw_victim){ victim, vb, best_age, best_rank };
	return victim;
}

static int sw_evict(struct sw_net *sn, u32 netns, unsigned int start,
		    u64 now_ns, struct sw_conn **spare)
{
	u32 now = sw_fine(now_ns);
	struct sw_victim v;
	struct sw_conn *victim;
	struct sw_net *vsn;
	struct sw_snap s;
	bool ok;

	if (!sw_evict_pick(netns, start, now, &v))
		return -ENOSPC;
	victim = v.c;

	/*
	 * Check again under the locks: the entry may have moved on (a
	 * completed handshake is no longer half-open) or been freed and
	 * reused for a new connection, which is younger than v.age, maybe
	 * in another chain. Chain membership is stable under the bucket
	 * lock, and a walk of a chain (load <= 1) is cheaper than a hash.
	 */
	spin_lock(sw_bucket_lock(v.b));
	ok = sw_in_chain(v.b, victim);
	if (ok) {
		raw_spin_lock(sw_rec_lock(victim));
		ok = victim->key.netns &&
		     (!netns || victim->key.netns == netns) &&
		     sw_evict_rank(victim->rec.state) >= v.rank &&
		     sw_since(now, victim->rec.t_last) >= v.age;
		if (ok) {
			s.key = victim->key;
			s.rec = victim->rec;
			WRITE_ONCE(victim->key.netns, 0);
		}
		raw_spin_unlock(sw_rec_lock(victim));
	}
	if (ok)
		sw_unlink(v.b, victim);
	spin_unlock(sw_bucket_lock(v.b));
	if (!ok)
		return -EAGAIN;

	rcu_read_lock();
	/* mostly the flooded netns' own entry: skip the xarray lookup */
	vsn = s.key.netns == sn->id ? sn : sw_net_by_id(s.key.netns);
	sw_glue_evicted(vsn, &s, now_ns);
	/*
	 * The first victim's memory goes to the insert, with its unit of
	 * sw_count (sw_reserve()). It is unlinked and its key.netns is zero,
	 * so a reader still holding it fails its key re-check, as for any
	 * reuse of a SLAB_TYPESAFE_BY_RCU object.
	 */
	if (*spare)
		sw_free(victim);
	else
		*spare = victim;
	rcu_read_unlock();
	return 0;
}

/* Add one to v unless that makes it more than max. */
static bool sw_inc_below(atomic_t *v, int max)
{
	int n = atomic_read(v);

	do {
		if (n >= max)
			return false;
	} while (!atomic_try_cmpxchg(v, &n, n + 1));
	return true;
}

/*
 * Where an eviction scan starts: the insert's own bucket the first time
 * (a keyed hash: as unpredictable as a random number, and it saves a
 * get_random_u32() a SYN), a random bucket on a retry. Asked for only
 * when a scan is due: the pass after a successful eviction takes the
 * spare and scans nothing.
 */
static unsigned int sw_evict_start(unsigned int b, int tries)
{
	return tries ? get_random_u32_below(sw_nbuckets) : b;
}

/* The jiffy in which a scan for the module cap found nothing to evict. */
static unsigned long sw_evict_none_at;

/*
 * Evict one entry (of netns, if not 0) to make room: sw_evict()'s result,
 * or -ENOSPC at once in a jiffy whose scan found nothing. A scan that
 * finds nothing evictable (the table, or the netns' share, full of
 * established connections) costs SW_EVICT_BUCKETS buckets, and
 * then every packet of every connection that found no room would pay it
 * again: the first packet, and each later one, tries to pick the
 * connection up. So after such a scan, evictions fail at once for the
 * rest of the jiffy (*none_at), as the insert would have: at most one
 * scan a tick finds nothing (bench/README.md: churn with the table full
 * went from a third of its speed with room to all of it).
 */
static int sw_make_room(struct sw_net *sn, u32 netns,
			unsigned long *none_at, unsigned int b, int tries,
			u64 now, struct sw_conn **spare)
{
	unsigned long at = READ_ONCE(*none_at);
	int err;

	/* the same jiffy: no time_before(), so no wrap can make it stick */
	if (time_in_range(jiffies, at, at))
		return -ENOSPC;
	err = sw_evict(sn, netns, sw_evict_start(b, tries), now, spare);
	if (err == -ENOSPC)
		WRITE_ONCE(*none_at, jiffies);
	return err;
}

/*
 * Reserve room for one entry, evicting while the table or the netns is
 * full. The counts never exceed their limits, not even for a moment, so
 * the memory in use (SYNWATCH_A_STATS_MEM_BYTES) stays within max_conns
 * entries plus the buckets.
 *
 * The first entry evicted is not freed but handed back in *spare, still
 * counted in sw_count: its memory and its place in the table pass to the
 * new entry as they are (its netns' count drops, ours rises). A spare
 * therefore always holds one unit of sw_count; sw_insert() gives it back
 * if the insert does not happen.
 */
static bool sw_reserve(struct sw_net *sn, unsigned int b, u64 now,
		       struct sw_conn **spare)
{
	int ns_max = (int)min_t(u32, READ_ONCE(sn->cfg.max_conns), INT_MAX);
	int max = (int)min_t(unsigned int, sw_max_conns, INT_MAX);
	int tries, err;

	/*
	 * Each pass that evicts, or loses its victim to another CPU
	 * (-EAGAIN: that CPU made room, or the victim is no longer
	 * evictable), goes round again; the retry scans from a random
	 * bucket. Only a scan that finds nothing ends it at once.
	 */
	for (tries = 0; tries <= SW_EVICT_TRIES; tries++) {
		if (ns_max && atomic_read(&sn->nconns) >= ns_max) {
			err = sw_make_room(sn, sn->id, &sn->evict_none_at, b,
					   tries, now, spare);
			if (err && err != -EAGAIN)
				return false;
			continue;
		}
		if (!*spare && !sw_inc_below(&sw_count, max)) {
			u64 t0 = sw_prof_start();

			err = sw_make_room(sn, 0, &sw_evict_none_at, b, tries,
					   now, spare);
			sw_prof_end(SW_PROF_EVICT, t0);
			if (err && err != -EAGAIN)
				return false;
			continue;
		}
		/* one unit of sw_count is ours: incremented, or the spare's */
		if (!ns_max) {
			atomic_inc(&sn->nconns);
			return true;
		}
		if (sw_inc_below(&sn->nconns, ns_max))
			return true;
		if (!*spare)
			atomic_dec(&sw_count);
	}
	return false;
}

/*
 * Create the entry for key, or return the one another CPU created first,
 * or NULL. The caller locks it and re-checks the key, as after a lookup.
 */
static struct sw_conn *sw_insert(struct sw_net *sn, const struct sw_key *key,
				 unsigned int b, u64 now)
{
	struct sw_conn *c, *old, *spare = NULL;

	if (!sw_reserve(sn, b, now, &spare)) {
		if (spare)
			sw_free(spare);
		sw_stat_inc(sn, SW_STAT_INSERT_FAILED);
		return NULL;
	}
	c = spare ?: kmem_cache_alloc(sw_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!c) {
		atomic_dec(&sn->nconns);
		atomic_dec(&sw_count);
		sw_stat_inc(sn, SW_STAT_INSERT_FAILED);
		return NULL;
	}

	spin_lock(sw_bucket_lock(b));
	/* The authoritative lookup: two CPUs may race on the first SYN. */
	for (old = rcu_dereference_protected(sw_buckets[b], true);
	     !sw_is_nulls(old);
	     old = rcu_dereference_protected(old->next, true)) {
		if (sw_key_eq(&old->key, key)) {
			spin_unlock(sw_bucket_lock(b));
			atomic_dec(&sn->nconns);
			sw_free(c);
			return old;
		}
	}
	/* a stale reader may still be checking c's old key: see the top */
	raw_spin_lock(sw_rec_lock(c));
	c->key = *key;
	sw_rec_init(&c->rec, now);
	raw_spin_unlock(sw_rec_lock(c));
	RCU_INIT_POINTER(c->next,
			 rcu_dereference_protected(sw_buckets[b], true));
	/* pairs with rcu_dereference() in sw_lookup() */
	rcu_assign_pointer(sw_buckets[b], c);
	spin_unlock(sw_bucket_lock(b));
	sw_stat_inc(sn, SW_STAT_CONN_NEW);
	return c;
}

/*
 * The packet path: find key's entry, or make it if the packet may start a
 * record, and run the tracker on it under its record lock, which is held
 * for the tracker only: what the glue needs afterwards is copied out to
 * t. The key is checked again under the lock (see the top of this file).
 */
bool sw_conntab_track(struct sw_net *sn, const struct sw_key *key,
		      enum sw_dir dir, const struct sw_pkt *pkt, u64 now,
		      struct sw_tracked *t)
{
	u64 t0 = sw_prof_start();
	unsigned int b = sw_bucket(sn, key);
	struct sw_conn *c;

	sw_prof_end(SW_PROF_HASH, t0);
	t0 = sw_prof_start();
retry:
	c = sw_lookup(sn, key, b);
	if (!c) {
		if (!sw_track_creates(dir, pkt)) {
			sw_stat_inc(sn, SW_STAT_UNTRACKED);
			return false;
		}
		c = sw_insert(sn, key, b, now);
		if (!c)
			return false;
	}
	sw_prof_end(SW_PROF_FIND, t0);
	t0 = sw_prof_start();
	raw_spin_lock(sw_rec_lock(c));
	if (unlikely(!sw_key_eq(&c->key, key))) {
		/* freed and reused since the lookup: start over */
		raw_spin_unlock(sw_rec_lock(c));
		sw_stat_inc(sn, SW_STAT_SEARCH_RESTART);
		goto retry;
	}
	t->reopened = false;
again:
	t->err = sw_track(&c->rec, dir, pkt, now, &t->out);
	if (unlikely(t->out.what & SW_T_REOPEN)) {
		/* the tuple is reused: the old connection ends in place */
		t->gone.key = c->key;
		t->gone.rec = c->rec;
		sw_rec_init(&c->rec, now);
		t->reopened = true;
		goto again;
	}
	if (!t->err)
		sw_track_cookie(&c->rec, dir, pkt->cookie, &t->out);
	t->born = c->rec.t_first;
	t->copied = !t->err && sw_step_wants_copy(&sn->host, &t->out);
	if (t->copied)
		t->copy = c->rec;
	raw_spin_unlock(sw_rec_lock(c));
	sw_prof_end(SW_PROF_TRACK, t0);
	return true;
}

/*
 * Dump the entries of one netns from bucket pos[0], entry pos[1] on.
 * fn returns non-zero when its message is full; the walk then stops and
 * resumes there next time. Entries may move between calls, as with any
 * netlink dump of a live table.
 */
int sw_conntab_dump(u32 netns, unsigned long *pos,
		    int (*fn)(const struct sw_snap *s, void *arg),
		    sw_conn_match_t match, void *arg)
{
	struct sw_snap s;
	struct sw_conn *c;
	unsigned long b, idx;
	int err;

	for (b = pos[0]; b < sw_nbuckets; b++, pos[1] = 0) {
		idx = 0;
		rcu_read_lock();
		for (c = rcu_dereference(sw_buckets[b]); !sw_is_nulls(c);
		     c = rcu_dereference(c->next)) {
			if (READ_ONCE(c->key.netns) != netns)
				continue;
			if (idx++ < pos[1])
				continue;
			raw_spin_lock_bh(sw_rec_lock(c));
			s.key = c->key;
			s.rec = c->rec;
			raw_spin_unlock_bh(sw_rec_lock(c));
			if (s.key.netns != netns || (match && !match(&s, arg)))
				continue;
			err = fn(&s, arg);
			if (err) {
				rcu_read_unlock();
				pos[0] = b;
				pos[1] = idx - 1;
				return err;
			}
		}
		rcu_read_unlock();
		cond_resched();
	}
	pos[0] = b;
	return 0;
}

/*
 * Take out what pick() selects in bucket b, up to SW_REAP_BATCH: for
 * expiry (gc.c), flush and netns exit (glue.c). The entries go back to
 * the slab at once: only their copies in s[] are needed after.
 */
unsigned int sw_conntab_reap(unsigned int b, sw_conn_pick_t pick, void *arg,
			     struct sw_snap *s)
{
	struct sw_conn *c, *next, *v[SW_REAP_BATCH];
	unsigned int i, n = 0;

	if (sw_is_nulls(rcu_access_pointer(sw_buckets[b])))
		return 0;
	spin_lock_bh(sw_bucket_lock(b));
	for (c = rcu_dereference_protected(sw_buckets[b], true);
	     !sw_is_nulls(c) && n < SW_REAP_BATCH; c = next) {
		next = rcu_dereference_protected(c->next, true);
		if (!c->key.netns || !pick(c, arg))
			continue;
		sw_kill(b, c, &s[n]);
		v[n++] = c;
	}
	spin_unlock_bh(sw_bucket_lock(b));
	for (i = 0; i < n; i++)
		sw_free(v[i]);
	return n;
}

/* The slab constructor runs once per object, not per reuse: see above. */
static void sw_conn_ctor(void *obj)
{
	struct sw_conn *c = obj;

	c->key.netns = 0;
}

/* Default sizes follow nf_conntrack: one bucket per 16 KiB of RAM. */
static unsigned int sw_default_hashsize(void)
{
	unsigned long pages = totalram_pages();
	unsigned long n = ((pages << PAGE_SHIFT) / 16384) / sizeof(void *);

	if (pages > 4UL * (SZ_1G / PAGE_SIZE))
		n = 262144;
	else if (pages > SZ_1G / PAGE_SIZE)
		n = 65536;
	return max_t(unsigned long, n, 1024);
}

int sw_conntab_init(void)
{
	unsigned int i;

	if (!sw_hashsize)
		sw_hashsize = sw_default_hashsize();
	sw_hashsize = clamp_t(unsigned int, sw_hashsize, 64, 1U << 24);
	if (!sw_max_conns)
		sw_max_conns = sw_hashsize;
	sw_nbuckets = sw_hashsize;

	sw_cache = kmem_cache_create("synwatch_conn", sizeof(struct sw_conn),
				     0, SLAB_TYPESAFE_BY_RCU, sw_conn_ctor);
	if (!sw_cache)
		return -ENOMEM;
	sw_buckets = kvcalloc(sw_nbuckets, sizeof(*sw_buckets), GFP_KERNEL);
	if (!sw_buckets) {
		kmem_cache_destroy(sw_cache);
		return -ENOMEM;
	}
	for (i = 0; i < sw_nbuckets; i++)
		RCU_INIT_POINTER(sw_buckets[i], sw_nulls(i));
	for (i = 0; i < SW_LOCKS; i++)
		spin_lock_init(&sw_locks[i]);
	for (i = 0; i < ARRAY_SIZE(sw_rec_locks); i++)
		raw_spin_lock_init(&sw_rec_locks[i]);
	sw_evict_none_at = jiffies - 1;
	return 0;
}

void sw_conntab_uninit(void)
{
	/* every netns' exit handler has emptied the table by now */
	WARN_ON_ONCE(atomic_read(&sw_count));
	kvfree(sw_buckets);
	/* waits for the RCU grace period SLAB_TYPESAFE_BY_RCU needs */
	kmem_cache_destroy(sw_cache);
}
