// SPDX-License-Identifier: GPL-2.0
/*
 * Listener records. Passive connections are accounted to the listener they
 * reached: SYNs, SYN-ACKs, completions, resets and the half-open count that
 * the flood detector needs (flood.c).
 *
 * Each netns has a small hash of listeners. Lookups are RCU and lockless.
 * Creating a listener takes the netns' table lock; that happens once per
 * (address, port) that ever receives a SYN, not per packet, and the count
 * is capped (SW_LST_MAX) so a port scan cannot grow it without bound.
 * Counters are updated under the listener's own lock, which no other
 * listener shares. Records are freed after a grace period (kfree_rcu).
 */
#include <linux/slab.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include "listener.h"
#include "events.h"

#define SW_LST_BITS	8
#define SW_LST_MAX	4096

struct sw_lst_table {
	struct hlist_head heads[1 << SW_LST_BITS];
	spinlock_t lock;		/* writers of heads[] */
	unsigned int count;
	u32 seed;
	struct sw_net *sn;
	struct delayed_work tick;	/* the flood detector's clock */
};

static inline u32 sw_lst_hash(const struct sw_lst_table *t,
			      const struct in6_addr *a, u16 port)
{
	return jhash(a, sizeof(*a), t->seed ^ port) >> (32 - SW_LST_BITS);
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

static struct sw_lst *sw_lst_get(struct sw_net *sn, const struct sw_key *k,
				 bool create)
{
	struct sw_lst_table *t = sn->lst;
	struct sw_lst *l = sw_lst_find(t, &k->laddr, k->lport);

	if (l || !create)
		return l;
	spin_lock_bh(&t->lock);
	l = sw_lst_find(t, &k->laddr, k->lport);
	if (!l && t->count < SW_LST_MAX) {
		l = kzalloc(sizeof(*l), GFP_ATOMIC | __GFP_NOWARN);
		if (l) {
			l->addr = k->laddr;
			l->port = k->lport;
			spin_lock_init(&l->lock);
			hlist_add_head_rcu(&l->node,
					   &t->heads[sw_lst_hash(t, &l->addr,
								 l->port)]);
			t->count++;
		}
	}
	spin_unlock_bh(&t->lock);
	return l;
}

void sw_lst_packet(struct sw_net *sn, const struct sw_key *key,
		   const struct sw_track_out *out, const struct sw_pkt *pkt,
		   u64 now)
{
	struct sw_lst *l = sw_lst_get(sn, key, out->what & SW_T_L_SYN);

	if (!l)
		return;
	spin_lock_bh(&l->lock);
	sw_lst_acct_packet(&l->acct, out->what, out->half_open);
	if (out->what & SW_T_L_SYN)
		sw_flood_sample(&l->acct, !sw_key_v4(key),
				key->raddr.s6_addr + (sw_key_v4(key) ? 12 : 0));
	spin_unlock_bh(&l->lock);
}

void sw_lst_forget(struct sw_net *sn, const struct sw_snap *s)
{
	struct sw_lst *l;

	if (!sw_rec_passive_half_open(&s->rec))
		return;
	rcu_read_lock();
	l = sw_lst_get(sn, &s->key, false);
	if (l) {
		spin_lock_bh(&l->lock);
		sw_lst_acct_forget(&l->acct, &s->rec);
		spin_unlock_bh(&l->lock);
	}
	rcu_read_unlock();
}

/*
 * During a flood, per-connection events for half-open connections on the
 * attacked listener are summarised (counted in the next alert update)
 * instead of sent: they would drown the events that matter. Established
 * and closing events keep flowing.
 */
bool sw_lst_suppress(struct sw_net *sn, const struct sw_key *key, u8 state)
{
	struct sw_lst *l;
	bool flood;

	if (!sw_state_half_open(state) && state != SYNWATCH_STATE_CLOSED)
		return false;
	l = sw_lst_get(sn, key, false);
	if (!l || READ_ONCE(l->acct.status) != SYNWATCH_LISTENER_FLOOD)
		return false;
	spin_lock_bh(&l->lock);
	flood = l->acct.status == SYNWATCH_LISTENER_FLOOD;
	if (flood)
		l->acct.suppressed++;
	spin_unlock_bh(&l->lock);
	if (flood)
		sw_stat_inc(sn, SW_STAT_EVENT_SUPPRESSED);
	return flood;
}

unsigned int sw_lst_count(struct sw_net *sn)
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

static void sw_flood_cfg(const struct sw_config *c, struct sw_flood_cfg *f)
{
	f->half_open_high = READ_ONCE(c->flood_half_open_high);
	f->half_open_low = READ_ONCE(c->flood_half_open_low);
	f->rate_high = READ_ONCE(c->flood_rate_high);
	f->rate_low = READ_ONCE(c->flood_rate_low);
	f->completion_pct = READ_ONCE(c->flood_completion_pct);
	f->hold_ms = READ_ONCE(c->flood_hold_ms);
	f->update_ms = READ_ONCE(c->flood_update_ms);
}

/* The detector's clock: every 100 ms, every listener of the netns. */
#define SW_TICK_MS 100

static void sw_lst_tick(struct work_struct *w)
{
	struct sw_lst_table *t = container_of(to_delayed_work(w),
					      struct sw_lst_table, tick);
	struct sw_net *sn = t->sn;
	struct sw_flood_cfg cfg;
	struct sw_lst_acct a;
	enum sw_flood_event ev;
	struct sw_lst *l;
	unsigned int b;
	u64 now = ktime_get_ns();

	sw_flood_cfg(&sn->cfg, &cfg);
	for (b = 0; b < ARRAY_SIZE(t->heads); b++) {
		rcu_read_lock();
		hlist_for_each_entry_rcu(l, &t->heads[b], node) {
			spin_lock_bh(&l->lock);
			ev = sw_flood_tick(&l->acct, &cfg, now);
			a = l->acct;
			if (ev != SW_FLOOD_NONE)
				l->acct.suppressed = 0;
			spin_unlock_bh(&l->lock);
			if (ev != SW_FLOOD_NONE)
				sw_event_alert(sn, l, &a, ev, now);
		}
		rcu_read_unlock();
	}
	schedule_delayed_work(&t->tick, msecs_to_jiffies(SW_TICK_MS));
}

void sw_lst_flush(struct sw_net *sn)
{
	struct sw_lst_table *t = sn->lst;
	struct hlist_node *tmp;
	struct sw_lst *l;
	unsigned int b;

	spin_lock_bh(&t->lock);
	for (b = 0; b < ARRAY_SIZE(t->heads); b++) {
		hlist_for_each_entry_safe(l, tmp, &t->heads[b], node) {
			hlist_del_rcu(&l->node);
			kfree_rcu(l, rcu);
		}
	}
	t->count = 0;
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
	spin_lock_init(&t->lock);
	t->seed = get_random_u32();
	t->sn = sn;
	INIT_DELAYED_WORK(&t->tick, sw_lst_tick);
	sn->lst = t;
	schedule_delayed_work(&t->tick, msecs_to_jiffies(SW_TICK_MS));
	return 0;
}

void sw_lst_net_exit(struct sw_net *sn)
{
	cancel_delayed_work_sync(&sn->lst->tick);
	sw_lst_flush(sn);
	kfree(sn->lst);
	sn->lst = NULL;
}
