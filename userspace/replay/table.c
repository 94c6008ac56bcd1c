// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "table.h"

/* A multiply-xorshift mix of the key's words: fast, spreads well. */
static uint32_t key_hash(const uint8_t *p, size_t n, uint32_t extra)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ extra;
	uint32_t w;

	for (size_t i = 0; i + 4 <= n; i += 4) {
		memcpy(&w, p + i, 4);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	h *= 0xc4ceb9fe1a85ec53ULL;
	return (uint32_t)(h ^ (h >> 32));
}

/* In the 8- and 4-byte pieces driver.c writes keys in (see key_addr()) */
static inline bool key_eq(const struct rp_key *a, const struct rp_key *b)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
	uint64_t d = 0;
	uint32_t p, q;

	for (int i = 0; i < 32; i += 8)
		d |= rp_load64(x + i) ^ rp_load64(y + i);
	memcpy(&p, x + 32, 4);
	memcpy(&q, y + 32, 4);
	return !(d | (p ^ q));
}

/*
 * Large arrays (records, slots) are 2 MiB aligned and asked to be in huge
 * pages: one page fault per 2 MiB instead of 512, which a replay of a
 * million connections feels.
 */
#define BIG		(2UL << 20)
#define CHUNK_RECS	((uint32_t)(BIG / sizeof(struct rp_conn)))

static size_t big_len(size_t size)
{
	return (size + BIG - 1) & ~(BIG - 1);
}

/* Zeroed memory; calloc() below BIG. */
static void *big_alloc(size_t size)
{
	size_t len = big_len(size);
	uintptr_t p, a;
	void *m;

	if (size < BIG)
		return calloc(1, size);
	m = mmap(NULL, len + BIG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	p = (uintptr_t)m;
	a = (p + BIG - 1) & ~(BIG - 1);
	if (a > p)
		munmap(m, a - p);
	if (p + BIG > a)
		munmap((void *)(a + len), p + BIG - a);
	madvise((void *)a, len, MADV_HUGEPAGE);
	return (void *)a;
}

static void big_free(void *p, size_t size)
{
	if (size < BIG)
		free(p);
	else if (p)
		munmap(p, big_len(size));
}

static inline struct rp_conn *rec_of(const struct rp_conn_table *t,
				     uint32_t num)
{
	num--;
	return &t->chunks[num / CHUNK_RECS][num % CHUNK_RECS];
}

static void seed_hash(struct rp_conn_table *t)
{
	uint64_t x;

	if (getrandom(t->seed, sizeof(t->seed), GRND_NONBLOCK) ==
	    (ssize_t)sizeof(t->seed))
		return;
	/* no entropy yet: any seed works, a fixed one is merely guessable */
	x = (uint64_t)time(NULL) ^ (uintptr_t)t;
	for (int i = 0; i < 4; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		t->seed[i] = x ^ (x >> 29);
	}
}

int rp_conns_init(struct rp_conn_table *t)
{
	memset(t, 0, sizeof(*t));
	t->nslots = 1024;
	t->slots = big_alloc(t->nslots * sizeof(*t->slots));
	seed_hash(t);
	return t->slots ? 0 : -ENOMEM;
}

void rp_conns_free(struct rp_conn_table *t)
{
	for (uint32_t i = 0; i < t->nchunks; i++)
		big_free(t->chunks[i], BIG);
	free(t->chunks);
	big_free(t->slots, t->nslots * sizeof(*t->slots));
	memset(t, 0, sizeof(*t));
}

/* The slot of hash h whose record k[0] or k[1] (if nk is 2) matches. */
static struct rp_conn *lookup(struct rp_conn_table *t, uint32_t h,
			      const struct rp_key *k, int nk, int *which)
{
	struct rp_slot *r = &t->recent[h & (RP_RECENT - 1)];
	uint32_t mask = t->nslots - 1;
	struct rp_conn *c;

	if (r->hash == h && r->num) {
		c = rec_of(t, r->num);
		for (int w = 0; w < nk; w++) {
			if (key_eq(&c->key, &k[w])) {
				*which = w;
				return c;
			}
		}
	}
	for (uint32_t i = h & mask; t->slots[i].num; i = (i + 1) & mask) {
		if (t->slots[i].hash != h)
			continue;
		c = rec_of(t, t->slots[i].num);
		for (int w = 0; w < nk; w++) {
			if (key_eq(&c->key, &k[w])) {
				*r = t->slots[i];
				*which = w;
				return c;
			}
		}
	}
	return NULL;
}

struct rp_conn *rp_conn_find(struct rp_conn_table *t, const struct rp_key *k,
			     uint32_t h)
{
	int which;

	return lookup(t, h, k, 1, &which);
}

struct rp_conn *rp_conn_find2(struct rp_conn_table *t, const struct rp_key *k,
			      uint32_t h, int *which)
{
	return lookup(t, h, k, 2, which);
}

static void slot_put(struct rp_slot *slots, uint32_t mask, uint32_t h,
		     uint32_t num)
{
	uint32_t i = h & mask;

	while (slots[i].num)
		i = (i + 1) & mask;
	slots[i].hash = h;
	slots[i].num = num;
}

/* Twice the slots once more than half of them are used. */
static void grow(struct rp_conn_table *t)
{
	uint32_t n = t->nslots * 2;
	struct rp_slot *s = big_alloc(n * sizeof(*s));

	if (!s)
		return;		/* fuller, still correct: see rp_conn_add */
	for (uint32_t i = 0; i < t->nslots; i++)
		if (t->slots[i].num)
			slot_put(s, n - 1, t->slots[i].hash, t->slots[i].num);
	big_free(t->slots, t->nslots * sizeof(*t->slots));
	t->slots = s;
	t->nslots = n;
}

static void list_unlink(struct rp_conn_table *t, struct rp_conn *c)
{
	uint8_t s = c->list_state;

	if (s >= SW_STATE_NONE)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		t->head[s] = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		t->tail[s] = c->prev;
	c->prev = c->next = NULL;
	c->list_state = SW_STATE_NONE;
}

void rp_conn_touch(struct rp_conn_table *t, struct rp_conn *c)
{
	uint8_t s = c->rec.state;

	if (c->list_state == s && t->tail[s] == c)
		return;
	list_unlink(t, c);
	if (s >= SW_STATE_NONE)
		return;
	c->list_state = s;
	c->prev = t->tail[s];
	c->next = NULL;
	if (c->prev)
		c->prev->next = c;
	else
		t->head[s] = c;
	t->tail[s] = c;
}

/* A record off the free list, or from a new chunk. */
static struct rp_conn *rec_alloc(struct rp_conn_table *t)
{
	struct rp_conn *c = t->free;
	uint32_t num;

	if (c) {
		t->free = c->next;
		num = c->num;
	} else {
		if (t->nrecs == UINT32_MAX)
			return NULL;
		if (t->nrecs == t->nchunks * CHUNK_RECS) {
			uint32_t ci = t->nchunks;
			struct rp_conn **v = t->chunks;

			if (!(ci & (ci - 1))) {	/* 0, 1, 2, 4...: double */
				v = realloc(v, (ci ? 2 * ci : 1) * sizeof(*v));
				if (!v)
					return NULL;
				t->chunks = v;
			}
			v[ci] = big_alloc(BIG);
			if (!v[ci])
				return NULL;
			t->nchunks++;
		}
		num = ++t->nrecs;
		c = rec_of(t, num);
	}
	memset(c, 0, sizeof(*c));
	c->num = num;
	return c;
}

struct rp_conn *rp_conn_add(struct rp_conn_table *t, const struct rp_key *k,
			    uint64_t now)
{
	struct rp_conn *c;

	/* at most half full; if the slots cannot grow, 1 in 4 stays free */
	if (2 * (t->count + 1) > t->nslots)
		grow(t);
	if (4 * (t->count + 1) > 3 * t->nslots)
		return NULL;
	c = rec_alloc(t);
	if (!c)
		return NULL;
	c->key = *k;
	c->hash = rp_conn_hash(t, k);
	c->id = t->next_id++;
	c->list_state = SW_STATE_NONE;
	c->used = true;
	sw_rec_init(&c->rec, now);
	slot_put(t->slots, t->nslots - 1, c->hash, c->num);
	t->recent[c->hash & (RP_RECENT - 1)] = (struct rp_slot){ c->hash, c->num };
	t->count++;
	return c;
}

/* Empties slot i; moves up the records after it that probed past it. */
static void slot_del(struct rp_conn_table *t, uint32_t i)
{
	uint32_t mask = t->nslots - 1, j = i;

	for (;;) {
		uint32_t home;

		j = (j + 1) & mask;
		if (!t->slots[j].num)
			break;
		home = t->slots[j].hash & mask;
		/* stays if its home is in (i, j], cyclically */
		if (((j - home) & mask) < ((j - i) & mask))
			continue;
		t->slots[i] = t->slots[j];
		i = j;
	}
	t->slots[i].num = 0;
}

void rp_conn_del(struct rp_conn_table *t, struct rp_conn *c)
{
	uint32_t mask = t->nslots - 1, i = c->hash & mask;

	struct rp_slot *r = &t->recent[c->hash & (RP_RECENT - 1)];

	while (t->slots[i].num != c->num)
		i = (i + 1) & mask;
	slot_del(t, i);
	if (r->num == c->num)
		r->num = 0;
	list_unlink(t, c);
	t->count--;
	c->used = false;
	c->next = t->free;
	t->free = c;
}

struct rp_conn *rp_conn_next(struct rp_conn_table *t, uint32_t *pos)
{
	while (*pos < t->nrecs) {
		struct rp_conn *c = rec_of(t, ++*pos);

		if (c->used)
			return c;
	}
	return NULL;
}

int rp_lsts_init(struct rp_lst_table *t)
{
	memset(t, 0, sizeof(*t));
	t->nslots = 2 * RP_LST_MAX;
	t->slots = malloc(t->nslots * sizeof(*t->slots));
	t->v = calloc(RP_LST_MAX, sizeof(*t->v));
	if (!t->slots || !t->v) {
		rp_lsts_free(t);
		return -ENOMEM;
	}
	memset(t->slots, 0xff, t->nslots * sizeof(*t->slots));
	return 0;
}

void rp_lsts_free(struct rp_lst_table *t)
{
	free(t->slots);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

struct rp_lst *rp_lst_get(struct rp_lst_table *t, const struct rp_key *k,
			  bool create)
{
	struct rp_lst *l = t->last;
	uint32_t i;

	/* most packets are for the listener of the one before */
	if (l && l->port == k->lport && !memcmp(l->addr, k->laddr, 16))
		return l;
	i = key_hash(k->laddr, 16, k->lport) & (t->nslots - 1);
	/* never full: at most RP_LST_MAX of 2 * RP_LST_MAX slots are used */
	for (; t->slots[i] >= 0; i = (i + 1) & (t->nslots - 1)) {
		l = &t->v[t->slots[i]];
		if (l->port == k->lport && !memcmp(l->addr, k->laddr, 16))
			return t->last = l;
	}
	if (!create || t->n >= RP_LST_MAX)
		return NULL;
	l = &t->v[t->n];
	memcpy(l->addr, k->laddr, 16);
	l->port = k->lport;
	/* the module seeds with a random number; replay must repeat itself */
	sw_lst_acct_init(&l->acct, key_hash(k->laddr, 16, k->lport));
	t->slots[i] = (int32_t)t->n++;
	return t->last = l;
}
