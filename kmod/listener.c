// SPDX-License-Identifier: GPL-2.0
/*
 * Listener records. Passive connections are accounted to the listener they
 * reached: SYNs, SYN-ACKs, completions, resets and the half-open counts
 * that the flood detector needs (flood.c).
 *
 * Each netns has a small hash of listeners. Lookups are RCU and lockless.
 * Creating a listener takes the netns' table lock; that happens once per
 * (address, port) that receives a SYN, not per packet, and the count is
 * capped (SW_LST_MAX) so a port scan cannot grow it without bound. When
 * the table is full, a new listener takes the place of a quiet one (not
 * watched by the tick, nothing half-open): a scan of thousands of ports
 * must not leave the listeners that come after it unaccounted.
 * Counters are updated under the listener's own lock, which no other
 * listener shares. Records are freed after a grace period (kfree_rcu).
 *
 * The detector's clock is one delayed work per netns that runs every
 * SW_TICK_MS, but only while a listener needs it: a listener joins the
 * table's active list with its first SYN and leaves it once it is idle
 * again (no SYN for a tick, its rate decayed to zero, status OK). The
 * tick walks the active list only, and is not scheduled at all while the
 * list is empty: an idle netns, or one with thousands of quiet listeners,
 * costs nothing. Lock order: table lock, then listener lock.
 */
#include <linux/slab.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <net/ip.h>
#include "listener.h"
#include "delivery.h"

#define SW_LST_BITS	8
#define SW_LST_MAX	4096
#define SW_LST_RECLAIM	64	/* listeners looked at for a quiet one */
#define SW_TICK_MS	100
/* SYN cookies count as "in use" this long after the netns sent one */
#define SW_COOKIE_NS	(2 * NSEC_PER_SEC)

struct sw_lst_table {
	struct hlist_head heads[1 << SW_LST_BITS];
	struct list_head active;	/* listeners the tick watches */
	spinlock_t lock;		/* writers of heads[], active, ticking */
	unsigned int count;
	unsigned int reclaim;		/* the bucket to look in next */
	u32 seed;
	bool ticking;			/* the tick is scheduled or running */
	unsigned long cookies_sent;	/* the netns' SyncookiesSent, by tick */
	u64 cookies_ns;			/* when it last went up */
	struct sw_net *sn;
	struct delayed_work tick;	/* the flood detector's clock */
};

/*
 * Seeded jhash of the local address and port. An IPv4-mapped address has
 * one word that varies: hash only that one (inline, a third of the cost
 * of the 16 bytes; a SYN flood looks its listener up to three times a
 * SYN).
 */
static inline u32 sw_lst_hash(const struct sw_lst_table *t,
			      const struct in6_addr *a, u16 port)
{
	u32 h;

	if (ipv6_addr_v4mapped(a))
		h = jhash_2words((__force u32)a->s6_addr32[3], port, t->seed);
	else
		h = jhash2((const u32 *)a->s6_addr32, 4, t->seed ^ port);
	return h >> (32 - SW_LST_BITS);
}

static struct sw_lst *sw_lst_find(struct sw_lst_table *t,
				  const struct in6_addr *a, u16 port)
{
	struct sw_lst *l;

	hlist_for_each_entry_rcu(l, &t->heads[sw_lst_hash(t, a, port)], node)
		if (l->port == port && ipv6_addr_equal(&l->addr, a))
			return l;
	return NULL;
}

/* Under the table lock: take a listener out; freed after a grace period. */
static void sw_lst_unlink(struct sw_lst_table *t, struct sw_lst *l)
{
	hlist_del_rcu(&l->node);
	list_del_init(&l->active);
	l->dead = true;
	kfree_rcu(l, rcu);
	t->count--;
}

/*
 * Under the table lock, the table full: drop the least active listener
 * among SW_LST_RECLAIM from where the last search stopped: one the tick
 * does not watch, else the one with the lowest SYN rate (after a scan,
 * thousands are watched until their rates decay). Never one flooded, in
 * BACKLOG or with anything half-open. Its counters are lost; a record
 * that still refers to its address and port finds no listener, or a new
 * one, and the counts stay at zero or above. The fields are read without
 * the listener's lock: a stale value picks a worse victim, no more.
 */
static bool sw_lst_reclaim(struct sw_lst_table *t)
{
	struct sw_lst *l, *victim = NULL;
	unsigned int i, seen = 0;
	u64 score, best = U64_MAX;

	for (i = 0; i < ARRAY_SIZE(t->heads) && seen < SW_LST_RECLAIM &&
	     best; i++) {
		unsigned int b = (t->reclaim + i) % ARRAY_SIZE(t->heads);

		hlist_for_each_entry(l, &t->heads[b], node) {
			seen++;
			if (READ_ONCE(l->acct.half_open) > 0 ||
			    READ_ONCE(l->acct.status) != SYNWATCH_LISTENER_OK)
				continue;
			score = READ_ONCE(l->watched) ?
				1 + (u64)READ_ONCE(l->acct.rate_x16) : 0;
			if (score < best) {
				best = score;
				victim = l;
			}
		}
	}
	t->reclaim += i;
	if (!victim)
		return false;
	sw_lst_unlink(t, victim);
	return true;
}

static struct sw_lst *sw_lst_get(struct sw_net *sn, const struct sw_key *k,
				 bool create)
{
	struct sw_lst_table *t = sn->lst;
	struct sw_lst *l = sw_lst_find(t, &k->laddr, k->lport);

	if (l || !create)
		return l;
	spin_lock_bh(&t->lock);
	l = sw_lst_find(t, &k->laddr, k->lport);
	if (!l && (t->count < SW_LST_MAX || sw_lst_reclaim(t))) {
		l = kzalloc(sizeof(*l), GFP_ATOMIC | __GFP_NOWARN);
		if (l) {
			l->addr = k->laddr;
			l->port = k->lport;
			INIT_LIST_HEAD(&l->active);
			spin_lock_init(&l->lock);
			sw_lst_acct_init(&l->acct, get_random_u32());
			hlist_add_head_rcu(&l->node,
					   &t->heads[sw_lst_hash(t, &l->addr,
								 l->port)]);
			t->count++;
		}
	}
	spin_unlock_bh(&t->lock);
	return l;
}

static unsigned long sw_cookies_sent(struct net *net)
{
	return snmp_fold_field(net->mib.net_statistics,
			       LINUX_MIB_SYNCOOKIESSENT);
}

/* A listener woke up: watch it, and start the tick if it is not running. */
static void sw_lst_watch(struct sw_lst_table *t, struct sw_lst *l)
{
	spin_lock_bh(&t->lock);
	if (!l->dead) {
		list_add_tail(&l->active, &t->active);
		if (!t->ticking) {
			t->ticking = true;
			/* cookies sent while nobody watched are old news */
			t->cookies_sent = sw_cookies_sent(t->sn->net);
			schedule_delayed_work(&t->tick,
					      msecs_to_jiffies(SW_TICK_MS));
		}
	}
	spin_unlock_bh(&t->lock);
}

/*
 * Account a packet that changed a passive connection's handshake; born is
 * the record's t_first. Called by the packet path (the engine's step,
 * through glue.c) with BHs disabled.
 */
void sw_lst_packet(struct sw_net *sn, const struct sw_key *key,
		   const struct sw_track_out *out, u32 born, u64 now)
{
	struct sw_lst *l = sw_lst_get(sn, key, out->what & SW_T_L_SYN);
	bool wake;

	if (!l)
		return;
	/* the packet path runs with BHs off (hooks.c): no _bh needed */
	spin_lock(&l->lock);
	wake = sw_lst_on_packet(&l->acct, &l->watched, out, born,
				!sw_key_v4(key), sw_key_raddr(key), now);
	spin_unlock(&l->lock);
	if (wake)
		sw_lst_watch(sn->lst, l);
}

/* A passive half-open record ends without a packet. */
void sw_lst_forget(struct sw_net *sn, const struct sw_key *key,
		   const struct sw_rec *rec)
{
	struct sw_lst *l;

	rcu_read_lock();
	l = sw_lst_get(sn, key, false);
	if (l) {
		spin_lock_bh(&l->lock);
		sw_lst_account_forget(&l->acct, rec, !sw_key_v4(key),
				      sw_key_raddr(key));
		spin_unlock_bh(&l->lock);
	}
	rcu_read_unlock();
}

/*
 * Does the listener of an incomplete connection hold its event back (it
 * is flooded: see sw_flood_suppress())? The status is read unlocked
 * first: outside a flood, the usual case, no lock is taken.
 */
bool sw_lst_suppress(struct sw_net *sn, const struct sw_key *key,
		     const struct sw_rec *rec)
{
	struct sw_lst *l;
	bool held;

	rcu_read_lock();
	l = sw_lst_get(sn, key, false);
	if (!l || READ_ONCE(l->acct.status) != SYNWATCH_LISTENER_FLOOD) {
		rcu_read_unlock();
		return false;
	}
	spin_lock_bh(&l->lock);
	held = sw_flood_suppress(&l->acct, rec);
	spin_unlock_bh(&l->lock);
	rcu_read_unlock();
	return held;
}

unsigned int sw_lst_table_size(struct sw_net *sn)
{
	return READ_ONCE(sn->lst->count);
}

/* Dump from bucket pos[0], entry pos[1]; fn != 0 means "message full". */
int sw_lst_dump(struct sw_net *sn, unsigned long *pos,
		int (*fn)(const struct sw_lst *l, const struct sw_lst_acct *a,
			  void *arg), void *arg)
{
	struct sw_lst_table *t = sn->lst;
	struct sw_lst_acct a;
	struct sw_lst *l;
	unsigned long b, idx;

	for (b = pos[0]; b < ARRAY_SIZE(t->heads); b++, pos[1] = 0) {
		idx = 0;
		rcu_read_lock();
		hlist_for_each_entry_rcu(l, &t->heads[b], node) {
			if (idx++ < pos[1])
				continue;
			spin_lock_bh(&l->lock);
			a = l->acct;
			spin_unlock_bh(&l->lock);
			if (fn(l, &a, arg)) {
				rcu_read_unlock();
				pos[0] = b;
				pos[1] = idx - 1;
				return 1;
			}
		}
		rcu_read_unlock();
	}
	pos[0] = b;
	return 0;
}

static void sw_lst_flood_cfg(const struct sw_config *c,
			     struct sw_flood_cfg *f)
{
	f->half_open_high = READ_ONCE(c->flood.half_open_high);
	f->half_open_low = READ_ONCE(c->flood.half_open_low);
	f->rate_high = READ_ONCE(c->flood.rate_high);
	f->rate_low = READ_ONCE(c->flood.rate_low);
	f->completion_pct = READ_ONCE(c->flood.completion_pct);
	f->hold_ms = READ_ONCE(c->flood.hold_ms);
	f->update_ms = READ_ONCE(c->flood.update_ms);
}

/*
 * Is the kernel sending SYN cookies in this netns? tcp_syncookies=2 sends
 * them always; otherwise the netns' SyncookiesSent counter went up in the
 * last SW_COOKIE_NS. The counter is the netns' (IPv4 and IPv6 alike), not
 * the listener's: a flood on one port makes the kernel send cookies only
 * for that port, so with one listener flooded this is that listener's.
 */
static u8 sw_lst_cookies(struct sw_lst_table *t, u64 now)
{
	struct net *net = t->sn->net;
	unsigned long sent = sw_cookies_sent(net);

	if (sent != t->cookies_sent) {
		t->cookies_sent = sent;
		t->cookies_ns = now;
	}
	if (READ_ONCE(net->ipv4.sysctl_tcp_syncookies) == 2)
		return 1;
	return t->cookies_ns && now - t->cookies_ns < SW_COOKIE_NS;
}

/* The detector's clock: every SW_TICK_MS, the active listeners. */
static void sw_lst_tick(struct work_struct *w)
{
	struct sw_lst_table *t = container_of(to_delayed_work(w),
					      struct sw_lst_table, tick);
	struct sw_net *sn = t->sn;
	struct sw_flood_cfg cfg;
	struct sw_lst_acct a;
	enum sw_flood_event ev;
	struct sw_lst *l, *tmp;
	u64 now = ktime_get_ns();
	bool idle;
	u8 cookies;

	sw_lst_flood_cfg(&sn->cfg, &cfg);
	spin_lock_bh(&t->lock);
	cookies = sw_lst_cookies(t, now);
	list_for_each_entry_safe(l, tmp, &t->active, active) {
		spin_lock(&l->lock);
		l->acct.cookies = cookies;
		ev = sw_lst_on_tick(&l->acct, &cfg, now, &a, &idle);
		if (idle) {
			list_del_init(&l->active);
			l->watched = false;
		}
		spin_unlock(&l->lock);
		/* GFP_ATOMIC inside: fine under the table lock */
		if (ev != SW_FLOOD_NONE)
			sw_step_alert(&sn->host, l, &a, ev, now);
	}
	t->ticking = !list_empty(&t->active);
	if (t->ticking)
		schedule_delayed_work(&t->tick, msecs_to_jiffies(SW_TICK_MS));
	spin_unlock_bh(&t->lock);
}

void sw_lst_flush(struct sw_net *sn)
{
	struct sw_lst_table *t = sn->lst;
	struct hlist_node *tmp;
	struct sw_lst *l;
	unsigned int b;

	spin_lock_bh(&t->lock);
	for (b = 0; b < ARRAY_SIZE(t->heads); b++)
		hlist_for_each_entry_safe(l, tmp, &t->heads[b], node)
			sw_lst_unlink(t, l);
	spin_unlock_bh(&t->lock);
}

int sw_lst_net_init(struct sw_net *sn)
{
	struct sw_lst_table *t = kzalloc(sizeof(*t), GFP_KERNEL);
	unsigned int b;

	if (!t)
		return -ENOMEM;
	for (b = 0; b < ARRAY_SIZE(t->heads); b++)
		INIT_HLIST_HEAD(&t->heads[b]);
	INIT_LIST_HEAD(&t->active);
	spin_lock_init(&t->lock);
	t->seed = get_random_u32();
	t->sn = sn;
	INIT_DELAYED_WORK(&t->tick, sw_lst_tick);
	sn->lst = t;
	return 0;
}

/* The hooks are gone (pre_exit): nothing wakes a listener any more. */
void sw_lst_net_exit(struct sw_net *sn)
{
	cancel_delayed_work_sync(&sn->lst->tick);
	sw_lst_flush(sn);
	kfree(sn->lst);
	sn->lst = NULL;
}
