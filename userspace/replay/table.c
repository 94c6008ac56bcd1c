// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * The same for both orientations of a tuple, so that one bucket holds the
 * record whichever side turns out to be local: a packet whose direction
 * is not known yet costs one bucket walk, not two.
 */
static uint32_t conn_hash(const struct rp_key *k)
{
	return key_hash(k->laddr, 16, k->lport) + key_hash(k->raddr, 16, k->rport);
}

static bool key_eq(const struct rp_key *a, const struct rp_key *b)
{
	return a->lport == b->lport && a->rport == b->rport &&
	       !memcmp(a->laddr, b->laddr, 16) && !memcmp(a->raddr, b->raddr, 16);
}

int rp_conns_init(struct rp_conn_table *t)
{
	memset(t, 0, sizeof(*t));
	t->nbuckets = 1024;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	return t->buckets ? 0 : -ENOMEM;
}

void rp_conns_free(struct rp_conn_table *t)
{
	for (uint32_t b = 0; b < t->nbuckets; b++) {
		struct rp_conn *c = t->buckets[b], *n;

		for (; c; c = n) {
			n = c->hnext;
			free(c);
		}
	}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

struct rp_conn *rp_conn_find(struct rp_conn_table *t, const struct rp_key *k)
{
	struct rp_conn *c = t->buckets[conn_hash(k) & (t->nbuckets - 1)];

	for (; c; c = c->hnext)
		if (key_eq(&c->key, k))
			return c;
	return NULL;
}

struct rp_conn *rp_conn_find2(struct rp_conn_table *t, const struct rp_key *k,
			      int *which)
{
	struct rp_conn *c = t->buckets[conn_hash(&k[0]) & (t->nbuckets - 1)];

	for (; c; c = c->hnext) {
		if (key_eq(&c->key, &k[0]) || key_eq(&c->key, &k[1])) {
			*which = !key_eq(&c->key, &k[0]);
			return c;
		}
	}
	return NULL;
}

/* Twice the buckets once there are more records than buckets. */
static void grow(struct rp_conn_table *t)
{
	uint32_t n = t->nbuckets * 2;
	struct rp_conn **b = calloc(n, sizeof(*b));

	if (!b)
		return;		/* longer chains, still correct */
	for (uint32_t i = 0; i < t->nbuckets; i++) {
		struct rp_conn *c = t->buckets[i], *next;

		for (; c; c = next) {
			uint32_t h = conn_hash(&c->key) & (n - 1);

			next = c->hnext;
			c->hnext = b[h];
			b[h] = c;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
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

struct rp_conn *rp_conn_add(struct rp_conn_table *t, const struct rp_key *k,
			    uint64_t now)
{
	struct rp_conn *c = calloc(1, sizeof(*c));
	uint32_t h;

	if (!c)
		return NULL;
	if (t->count >= t->nbuckets)
		grow(t);
	c->key = *k;
	c->id = t->next_id++;
	c->list_state = SW_STATE_NONE;
	sw_rec_init(&c->rec, now);
	h = conn_hash(k) & (t->nbuckets - 1);
	c->hnext = t->buckets[h];
	t->buckets[h] = c;
	t->count++;
	return c;
}

void rp_conn_del(struct rp_conn_table *t, struct rp_conn *c)
{
	struct rp_conn **pp = &t->buckets[conn_hash(&c->key) & (t->nbuckets - 1)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	}
	list_unlink(t, c);
	t->count--;
	free(c);
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
	uint32_t i = key_hash(k->laddr, 16, k->lport) & (t->nslots - 1);
	struct rp_lst *l;

	/* never full: at most RP_LST_MAX of 2 * RP_LST_MAX slots are used */
	for (; t->slots[i] >= 0; i = (i + 1) & (t->nslots - 1)) {
		l = &t->v[t->slots[i]];
		if (l->port == k->lport && !memcmp(l->addr, k->laddr, 16))
			return l;
	}
	if (!create || t->n >= RP_LST_MAX)
		return NULL;
	l = &t->v[t->n];
	memcpy(l->addr, k->laddr, 16);
	l->port = k->lport;
	/* the module seeds with a random number; replay must repeat itself */
	sw_lst_acct_init(&l->acct, key_hash(k->laddr, 16, k->lport));
	t->slots[i] = (int32_t)t->n++;
	return l;
}
