// SPDX-License-Identifier: GPL-2.0
/*
 * Events: connection changes to the "conn" group, flood alerts to the
 * "alert" group, and both to subscribers with kernel-side filters.
 *
 * Costs nothing without a listener: sw_event_wanted() checks the netns'
 * event mask, the group's members (genl_has_listeners) and the subscriber
 * count before the packet path takes a snapshot or allocates anything.
 * A failed delivery is counted, never allowed to affect the packet.
 *
 * Batching. An event is not sent on its own: its message (a complete
 * generic netlink message, nlmsghdr included) is appended to the pending
 * skb of each destination, a struct sw_batch per subscriber and per
 * multicast group, and a pending skb goes out as one datagram when the
 * next message does not fit, when the flush timer fires, at most
 * SYNWATCH_BATCH_DELAY_MS after the first event of the batch was made,
 * or at once after an alert (FLOOD_*), which also sends every other batch
 * of the netns, so that nothing made before an alert arrives after it.
 * The message is built once, in the first destination's skb, and copied
 * into the others, each copy with its own SEQ and SUB_SEQ. A batch starts
 * as one page (NLMSG_GOODSIZE); one that filled up is followed by one of
 * the destination's size (SUBSCRIBE's BATCH_BYTES, 32 KiB at most); one
 * that the timer sent with less than half a page, by one page again, so
 * a slow trickle of events does not hold 32 KiB of the reader's receive
 * buffer per event.
 *
 * Locking. Events are made in softirq (the hooks) and in process context
 * (GC, FLUSH, netns exit), on any CPU. sn->subs_lock (a _bh spinlock, a
 * sleeping lock on PREEMPT_RT, where softirqs are threads too) serialises
 * every event of a netns: the sequence numbers are taken and the message
 * appended under it, so each datagram carries its events in SEQ/SUB_SEQ
 * order. The datagrams taken out of the batches are sent after it is
 * released (sw_send_queue), never under it. Nothing here runs in hard
 * interrupt context: the flush timer is a soft hrtimer.
 *
 * Subscribers (SYNWATCH_CMD_SUBSCRIBE) live on an RCU list per netns,
 * changed under subs_lock and freed with kfree_rcu(); the event path walks
 * it under subs_lock. A subscriber's batch is taken out under subs_lock in
 * the same section that unlinks it: UNSUBSCRIBE sends it (the events come
 * before the reply), a released socket's is freed and counted as dropped.
 * At netns exit the timer is cancelled after the last event source (the
 * listeners' tick) has stopped, then what remains is freed.
 */
#include <linux/notifier.h>
#include <net/genetlink.h>
#include "delivery.h"
#include "encode.h"
#include "match.h"
#include "engine/rules.h"

/*
 * The genl family the events go out as: netlink.c's, set before it is
 * registered, and never cleared: the family is a static object of the
 * module, valid until the module is gone, and once it is unregistered
 * its groups simply have no listeners (events sent after that are
 * dropped, not misdelivered).
 */
static const struct genl_family *sw_family __read_mostly;

void sw_delivery_set_family(const struct genl_family *family)
{
	WRITE_ONCE(sw_family, family);
}

struct sw_sub {
	struct list_head list;
	struct rcu_head rcu;
	u32 portid;
	u64 seq;			/* under subs_lock */
	struct sw_batch batch;		/* under subs_lock */
	struct sw_filter f;
};

/* The smallest batch: a page, what any reader's buffer holds. */
#define SW_BATCH_MIN	NLMSG_GOODSIZE
#define SW_BATCH_MAX	SKB_WITH_OVERHEAD(SYNWATCH_BATCH_BYTES_MAX)

static void sw_batch_init(struct sw_batch *b, u32 max)
{
	b->skb = NULL;
	b->n = 0;
	b->big = false;
	b->max = clamp_t(u32, max, SW_BATCH_MIN, SW_BATCH_MAX);
}

/* What goes with a taken batch to sw_send_queue(), in skb->cb. */
struct sw_out {
	u32 portid;			/* 0: the multicast group grp */
	u32 grp;
	u32 n;
};

static struct sw_out *sw_out(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct sw_out) > sizeof(skb->cb));
	return (struct sw_out *)skb->cb;
}

/* Under subs_lock: take b's skb out, to be sent after the unlock. */
static void sw_batch_take(struct sw_batch *b, struct sk_buff_head *q,
			  u32 portid, u32 grp)
{
	struct sw_out *o;

	if (!b->skb)
		return;
	o = sw_out(b->skb);
	o->portid = portid;
	o->grp = grp;
	o->n = b->n;
	__skb_queue_tail(q, b->skb);
	b->skb = NULL;
	b->n = 0;
}

/* Send what sw_batch_take() queued: no lock held. */
static void sw_send_queue(struct sw_net *sn, struct sk_buff_head *q)
{
	struct sk_buff *skb;
	struct sw_out o;
	int err;

	while ((skb = __skb_dequeue(q))) {
		o = *sw_out(skb);
		memset(skb->cb, 0, sizeof(skb->cb));
		if (o.portid) {
			err = genlmsg_unicast(sn->net, skb, o.portid);
		} else {
			err = genlmsg_multicast_netns(sw_family, sn->net,
						      skb, 0, o.grp,
						      GFP_ATOMIC);
			/* the group's last reader left meanwhile */
			if (err == -ESRCH)
				continue;
		}
		/* a datagram lost is all its events lost */
		sw_stat_add(sn, err ? SW_STAT_EVENT_DROP : SW_STAT_EVENTS_SENT,
			    o.n);
	}
}

/* Free what was queued without sending it: all of it counts as dropped. */
static void sw_drop_queue(struct sw_net *sn, struct sk_buff_head *q)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(q))) {
		sw_stat_add(sn, SW_STAT_EVENT_DROP, sw_out(skb)->n);
		kfree_skb(skb);
	}
}

/*
 * The timer sends b: the next batch is a page again unless this one held
 * more than half a page (events still come fast).
 */
static void sw_batch_size_next(struct sw_batch *b)
{
	b->big = b->skb && b->skb->len > SW_BATCH_MIN / 2;
}

/* Under subs_lock: take every batch of the netns. */
static void sw_take_all(struct sw_net *sn, struct sk_buff_head *q,
			bool by_timer)
{
	struct sw_sub *sub;
	int g;

	for (g = 0; g < __SYNWATCH_MCGRP_MAX; g++) {
		if (by_timer)
			sw_batch_size_next(&sn->mc_batch[g]);
		sw_batch_take(&sn->mc_batch[g], q, 0, g);
	}
	list_for_each_entry(sub, &sn->subs, list) {
		if (by_timer)
			sw_batch_size_next(&sub->batch);
		sw_batch_take(&sub->batch, q, sub->portid, 0);
	}
}

static enum hrtimer_restart sw_flush_timer(struct hrtimer *t)
{
	struct sw_net *sn = container_of(t, struct sw_net, flush_timer);
	struct sk_buff_head q;

	__skb_queue_head_init(&q);
	spin_lock_bh(&sn->subs_lock);
	sn->flush_armed = false;
	sw_take_all(sn, &q, true);
	spin_unlock_bh(&sn->subs_lock);
	sw_send_queue(sn, &q);
	return HRTIMER_NORESTART;
}

static bool sw_group_listens(struct sw_net *sn, unsigned int grp)
{
	const struct genl_family *f = READ_ONCE(sw_family);

	return f && genl_has_listeners(f, sn->net, grp);
}

bool sw_group_has_listeners(struct sw_net *sn, u8 type)
{
	return sw_group_listens(sn, type >= SYNWATCH_EVENT_FLOOD_START ?
				    SYNWATCH_MCGRP_ALERT : SYNWATCH_MCGRP_CONN);
}

/*
 * The event being delivered: what it says, then, once built in its first
 * destination's skb, where its bytes are (valid until the batches taken
 * are sent, after subs_lock is released).
 */
struct sw_msg {
	int (*body)(struct sk_buff *skb, const struct sw_msg *m);
	struct sw_net *sn;
	const struct sw_key *key;	/* conn events */
	const struct sw_rec *rec;
	const struct sw_lst *l;		/* alerts */
	const struct sw_lst_acct *a;
	u64 now;
	u8 type, old, new, flags, dir;
	const u8 *data;
	u32 len;			/* 0 until built */
	u32 seq_off, sub_seq_off;
};

static int sw_msg_build(struct sk_buff *skb, struct sw_msg *m)
{
	u8 *start = skb_tail_pointer(skb);
	struct sw_seqs seqs;
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, sw_family, 0, SYNWATCH_CMD_EVENT);
	if (!hdr)
		return -EMSGSIZE;
	if (sw_put_event_hdr(skb, &seqs, m->type, m->old, m->new, m->flags,
			     m->dir) || m->body(skb, m)) {
		nlmsg_trim(skb, start);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	m->data = start;
	m->len = skb_tail_pointer(skb) - start;
	m->seq_off = (u8 *)seqs.seq - start;
	m->sub_seq_off = (u8 *)seqs.sub_seq - start;
	return 0;
}

/* Under subs_lock: a new pending skb for b, one page or b->max. */
static int sw_batch_alloc(struct sw_batch *b)
{
	struct sk_buff *skb = NULL;
	u32 size = SW_BATCH_MIN;

	if (b->big && b->max > SW_BATCH_MIN) {
		skb = alloc_skb(b->max, GFP_ATOMIC | __GFP_NOWARN |
					__GFP_NORETRY);
		size = b->max;
	}
	if (!skb) {
		size = SW_BATCH_MIN;
		skb = alloc_skb(size, GFP_ATOMIC);
	}
	if (!skb)
		return -ENOMEM;
	b->skb = skb;
	b->limit = size;
	return 0;
}

/*
 * Under subs_lock: append m to b (building it, if it is the first copy)
 * with these sequence numbers. A full batch is taken out into q and a new
 * one started. The first event of a batch arms the flush timer.
 */
static int sw_batch_add(struct sw_net *sn, struct sw_batch *b,
			struct sw_msg *m, u64 seq, u64 sub_seq,
			struct sk_buff_head *q, u32 portid, u32 grp)
{
	int tries;
	u8 *p;

	for (tries = 0; tries < 2; tries++) {
		if (!b->skb && sw_batch_alloc(b))
			return -ENOMEM;
		p = skb_tail_pointer(b->skb);
		if (m->len) {
			if (b->skb->len + m->len <= b->limit &&
			    skb_tailroom(b->skb) >= m->len) {
				skb_put_data(b->skb, m->data, m->len);
				goto added;
			}
		} else if (!sw_msg_build(b->skb, m)) {
			if (b->skb->len <= b->limit)
				goto added;
			nlmsg_trim(b->skb, p);
			m->len = 0;
		}
		if (!b->n)
			return -EMSGSIZE;	/* does not fit even alone */
		b->big = true;
		sw_batch_take(b, q, portid, grp);
	}
	return -EMSGSIZE;
added:
	put_unaligned(seq, (u64 *)(p + m->seq_off));
	put_unaligned(sub_seq, (u64 *)(p + m->sub_seq_off));
	if (!b->n++ && !sn->flush_armed) {
		sn->flush_armed = true;
		hrtimer_start(&sn->flush_timer,
			      ms_to_ktime(SYNWATCH_BATCH_DELAY_MS),
			      HRTIMER_MODE_REL_SOFT);
	}
	return 0;
}

/*
 * To the group (if it listens and the netns' mask takes the type) and to
 * every subscriber whose filter takes it.
 *
 * SEQ counts, per netns and per group, the events multicast to that group,
 * so a reader of one group sees a gap exactly when it missed one of its own.
 * Events nobody listens to, masked out, or summarised during a flood are
 * never built and take no number. Subscribers' copies carry the same SEQ
 * (0 if the event did not go to the group) and their own SUB_SEQ, which
 * counts what matched, delivered or not.
 */
static void sw_emit(struct sw_net *sn, struct sw_msg *m, bool alert)
{
	unsigned int grp = alert ? SYNWATCH_MCGRP_ALERT : SYNWATCH_MCGRP_CONN;
	bool mcast = (READ_ONCE(sn->cfg.event_mask) & BIT(m->type)) &&
		     sw_group_listens(sn, grp);
	struct sk_buff_head q;
	struct sw_sub *sub;
	unsigned int drops = 0;
	u64 seq = 0;

	__skb_queue_head_init(&q);
	spin_lock_bh(&sn->subs_lock);
	if (mcast) {
		seq = atomic64_inc_return(&sn->event_seq[grp]);
		if (sw_batch_add(sn, &sn->mc_batch[grp], m, seq, 0, &q, 0, grp))
			drops++;
	}
	list_for_each_entry(sub, &sn->subs, list) {
		if (!(sub->f.event_mask & BIT(m->type)))
			continue;
		if (m->key && !sw_filter_match_conn(m->key, m->rec, &sub->f))
			continue;
		if (sw_batch_add(sn, &sub->batch, m, seq, ++sub->seq, &q,
				 sub->portid, 0))
			drops++;
	}
	/* an alert goes now, and nothing made before it comes after it */
	if (alert)
		sw_take_all(sn, &q, false);
	spin_unlock_bh(&sn->subs_lock);
	if (drops)
		sw_stat_add(sn, SW_STAT_EVENT_DROP, drops);
	sw_send_queue(sn, &q);
}

static int sw_body_conn(struct sk_buff *skb, const struct sw_msg *m)
{
	return sw_put_conn(skb, m->key, m->rec, m->sn, m->now);
}

void sw_event_conn(struct sw_net *sn, u8 type, const struct sw_key *key,
		   const struct sw_rec *rec, u8 old_state, u8 new_state,
		   u8 tcp_flags, u8 dir, u64 now)
{
	struct sw_msg m = {
		.body = sw_body_conn,
		.sn = sn,
		.key = key,
		.rec = rec,
		.now = now,
		.type = type,
		.old = sw_event_state(old_state),
		.new = new_state,
		.flags = tcp_flags,
		.dir = dir,
	};

	sw_emit(sn, &m, false);
}

static int sw_body_alert(struct sk_buff *skb, const struct sw_msg *m)
{
	return sw_put_alert(skb, m->l, m->a, m->now);
}

/* The engine's step counted it and asked whether anyone wants it. */
void sw_event_alert(struct sw_net *sn, const struct sw_lst *l,
		    const struct sw_lst_acct *a, enum sw_flood_event ev,
		    u64 now)
{
	struct sw_msg m = {
		.body = sw_body_alert,
		.sn = sn,
		.l = l,
		.a = a,
		.now = now,
		.type = sw_flood_event_type(ev),
		.dir = SYNWATCH_DIR_NONE,
	};

	sw_emit(sn, &m, true);
}

int sw_subscribe(struct sw_net *sn, u32 portid, const struct sw_filter *f)
{
	struct sw_sub *sub, *old;

	sub = kzalloc(sizeof(*sub), GFP_KERNEL);
	if (!sub)
		return -ENOMEM;
	sub->portid = portid;
	sub->f = *f;
	sw_batch_init(&sub->batch, f->batch_bytes ?: SW_BATCH_MIN);
	spin_lock_bh(&sn->subs_lock);
	list_for_each_entry(old, &sn->subs, list) {
		if (old->portid == portid) {
			/*
			 * A new SUBSCRIBE replaces the filter, keeps the seq
			 * and what waits to be sent.
			 */
			sub->seq = old->seq;
			sub->batch.skb = old->batch.skb;
			sub->batch.n = old->batch.n;
			sub->batch.limit = old->batch.limit;
			old->batch.skb = NULL;
			list_replace_rcu(&old->list, &sub->list);
			spin_unlock_bh(&sn->subs_lock);
			kfree_rcu(old, rcu);
			return 0;
		}
	}
	list_add_tail_rcu(&sub->list, &sn->subs);
	atomic_inc(&sn->nsubs);
	spin_unlock_bh(&sn->subs_lock);
	return 0;
}

/*
 * End portid's subscription. What its batch holds is sent first if the
 * socket is still there (UNSUBSCRIBE), counted as dropped if it is not.
 */
static int __sw_unsubscribe(struct sw_net *sn, u32 portid, bool deliver)
{
	struct sk_buff_head q;
	struct sw_sub *sub;

	__skb_queue_head_init(&q);
	spin_lock_bh(&sn->subs_lock);
	list_for_each_entry(sub, &sn->subs, list) {
		if (sub->portid == portid) {
			list_del_rcu(&sub->list);
			atomic_dec(&sn->nsubs);
			sw_batch_take(&sub->batch, &q, portid, 0);
			spin_unlock_bh(&sn->subs_lock);
			kfree_rcu(sub, rcu);
			if (deliver)
				sw_send_queue(sn, &q);
			else
				sw_drop_queue(sn, &q);
			return 0;
		}
	}
	spin_unlock_bh(&sn->subs_lock);
	return -ENOENT;
}

int sw_unsubscribe(struct sw_net *sn, u32 portid)
{
	return __sw_unsubscribe(sn, portid, true);
}

void sw_delivery_net_init(struct sw_net *sn)
{
	int g;

	atomic_set(&sn->nsubs, 0);
	INIT_LIST_HEAD(&sn->subs);
	spin_lock_init(&sn->subs_lock);
	for (g = 0; g < __SYNWATCH_MCGRP_MAX; g++)
		sw_batch_init(&sn->mc_batch[g], SW_BATCH_MIN);
	hrtimer_setup(&sn->flush_timer, sw_flush_timer, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_SOFT);
	sn->flush_armed = false;
}

/*
 * The netns is going away: no socket of it is left to read (a subscriber
 * is a socket of the netns, as is a group member), and no event source
 * either (hooks, GC and the listeners' tick have stopped). Stop the timer,
 * then free the subscriptions and whatever still waits, as dropped.
 */
void sw_delivery_net_exit(struct sw_net *sn)
{
	struct sw_sub *sub, *tmp;
	struct sk_buff_head q;

	hrtimer_cancel(&sn->flush_timer);
	__skb_queue_head_init(&q);
	spin_lock_bh(&sn->subs_lock);
	sw_take_all(sn, &q, false);
	list_for_each_entry_safe(sub, tmp, &sn->subs, list) {
		list_del_rcu(&sub->list);
		atomic_dec(&sn->nsubs);
		kfree_rcu(sub, rcu);
	}
	sn->flush_armed = false;
	spin_unlock_bh(&sn->subs_lock);
	sw_drop_queue(sn, &q);
}

/*
 * A netlink socket closed: drop its subscription, if any.
 *
 * The netns's state is looked up in the xarray under rcu_read_lock(), not
 * with net_generic(): sw_net_exit() erases the netns from the xarray and
 * waits for a grace period before it frees the subscribers, so what is
 * found here stays alive until we unlock. A netns whose state is not (or
 * no longer) there has no subscription to end. The module's init order
 * already keeps this notifier inside the per-netns state's lifetime
 * (main.c); this makes the release path safe whatever that order.
 */
static int sw_netlink_notify(struct notifier_block *nb, unsigned long state,
			     void *ptr)
{
	struct netlink_notify *n = ptr;
	struct sw_net *sn;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	rcu_read_lock();
	sn = sw_net_by_id(n->net->ns.inum);
	if (sn && atomic_read(&sn->nsubs))
		__sw_unsubscribe(sn, n->portid, false);
	rcu_read_unlock();
	return NOTIFY_DONE;
}

static struct notifier_block sw_netlink_nb = {
	.notifier_call = sw_netlink_notify,
};

int sw_delivery_init(void)
{
	return netlink_register_notifier(&sw_netlink_nb);
}

void sw_delivery_uninit(void)
{
	netlink_unregister_notifier(&sw_netlink_nb);
}
