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
#include "events.h"
#include "listener.h"
#include "engine.h"

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
			err = genlmsg_multicast_netns(&sw_genl_family, sn->net,
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

bool sw_group_has_listeners(struct sw_net *sn, u8 type)
{
	unsigned int grp = type >= SYNWATCH_EVENT_FLOOD_START ?
			   SYNWATCH_MCGRP_ALERT : SYNWATCH_MCGRP_CONN;

	return genl_has_listeners(&sw_genl_family, sn->net, grp);
}

static bool sw_prefix_match(const struct in6_addr *a, const struct in6_addr *p,
			    u8 bits)
{
	return ipv6_prefix_equal(a, p, bits);
}

static bool sw_port_match(u16 port, u16 lo, u16 hi, bool invert)
{
	return (port >= lo && port <= hi) != invert;
}

/* Does a connection pass a filter? Shared by dumps, flush and events. */
bool sw_filter_match(const struct sw_snap *s, const void *filter)
{
	const struct sw_filter *f = filter;
	u8 family = sw_key_v4(&s->key) ? AF_INET : AF_INET6;

	if (f->state_mask && !(f->state_mask & BIT(s->rec.state)))
		return false;
	if (f->family && f->family != family)
		return false;
	if (f->lprefix && !sw_prefix_match(&s->key.laddr, &f->laddr,
					   f->lprefix))
		return false;
	if (f->rprefix && !sw_prefix_match(&s->key.raddr, &f->raddr,
					   f->rprefix))
		return false;
	if (!sw_port_match(s->key.lport, f->lport_min, f->lport_max,
			   f->linvert))
		return false;
	return sw_port_match(s->key.rport, f->rport_min, f->rport_max,
			     f->rinvert);
}

/*
 * Where the two sequence numbers sit in a built message: they differ from
 * one destination's copy to the next, so they are written per copy.
 */
struct sw_seqs {
	void *seq;
	void *sub_seq;
};

/* A u64 to be written per copy: zero for now, and where it is. */
static void *sw_put_seq(struct sk_buff *skb, int attr)
{
	void *p;

	if (nla_need_padding_for_64bit(skb))
		sw_nlw_hdr(skb, SYNWATCH_A_EVENT_PAD, 0);
	p = sw_nlw_hdr(skb, attr, 8);
	memset(p, 0, 8);
	return p;
}

/* The most the header takes: checked once, see sw_nlw() in events.h. */
#define SW_EVENT_HDR_MAX (NLA_HDRLEN + 5 * nla_total_size(1) + 3 * SW_NLW_U64)

/* Header of every event. */
static int sw_put_event_hdr(struct sk_buff *skb, struct sw_seqs *seqs,
			    u8 type, u8 old, u8 new, u8 flags, u8 dir)
{
	struct nlattr *nest;

	if (skb_tailroom(skb) < SW_EVENT_HDR_MAX)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, SYNWATCH_A_EVENT);
	sw_nlw_u8(skb, SYNWATCH_A_EVENT_TYPE, type);
	seqs->seq = sw_put_seq(skb, SYNWATCH_A_EVENT_SEQ);
	seqs->sub_seq = sw_put_seq(skb, SYNWATCH_A_EVENT_SUB_SEQ);
	sw_nlw_u64(skb, SYNWATCH_A_EVENT_TIME_NS, ktime_get_real_ns(),
		   SYNWATCH_A_EVENT_PAD);
	sw_nlw_u8(skb, SYNWATCH_A_EVENT_OLD_STATE, old);
	sw_nlw_u8(skb, SYNWATCH_A_EVENT_NEW_STATE, new);
	if (dir != SYNWATCH_DIR_NONE) {
		sw_nlw_u8(skb, SYNWATCH_A_EVENT_TCP_FLAGS, flags);
		sw_nlw_u8(skb, SYNWATCH_A_EVENT_DIR, dir);
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The event being delivered: what it says, then, once built in its first
 * destination's skb, where its bytes are (valid until the batches taken
 * are sent, after subs_lock is released).
 */
struct sw_msg {
	int (*body)(struct sk_buff *skb, const struct sw_msg *m);
	struct sw_net *sn;
	const struct sw_snap *s;	/* conn events */
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

	hdr = genlmsg_put(skb, 0, 0, &sw_genl_family, 0, SYNWATCH_CMD_EVENT);
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
		     genl_has_listeners(&sw_genl_family, sn->net, grp);
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
		if (m->s && !sw_filter_match(m->s, &sub->f))
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
	return sw_put_conn(skb, m->s, m->sn, m->now);
}

void sw_event_conn(struct sw_net *sn, u8 type, const struct sw_snap *s,
		   u8 old_state, u8 new_state, u8 tcp_flags, u8 dir, u64 now)
{
	struct sw_msg m = {
		.body = sw_body_conn,
		.sn = sn,
		.s = s,
		.now = now,
		.type = type,
		.old = sw_event_state(old_state),
		.new = new_state,
		.flags = tcp_flags,
		.dir = dir,
	};

	sw_emit(sn, &m, false);
}

static int sw_put_sources(struct sk_buff *skb, const struct sw_lst_acct *a)
{
	const struct sw_src_slot *top[SYNWATCH_MAX_TOP_SOURCES];
	struct nlattr *list, *one;
	int i, n = sw_flood_top(a, top, ARRAY_SIZE(top));

	list = nla_nest_start(skb, SYNWATCH_A_ALERT_TOP_SOURCES);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		one = nla_nest_start(skb, i + 1);
		if (!one ||
		    nla_put_u8(skb, SYNWATCH_A_SOURCE_FAMILY,
			       top[i]->v6 ? AF_INET6 : AF_INET) ||
		    nla_put(skb, SYNWATCH_A_SOURCE_PREFIX, top[i]->v6 ? 16 : 4,
			    top[i]->addr) ||
		    nla_put_u8(skb, SYNWATCH_A_SOURCE_PREFIX_LEN,
			       top[i]->v6 ? 64 : 24) ||
		    nla_put_u32(skb, SYNWATCH_A_SOURCE_SYNS, top[i]->count))
			return -EMSGSIZE;
		nla_nest_end(skb, one);
	}
	nla_nest_end(skb, list);
	return 0;
}

static const u8 sw_flood_type[] = {
	[SW_FLOOD_START] = SYNWATCH_EVENT_FLOOD_START,
	[SW_FLOOD_UPDATE] = SYNWATCH_EVENT_FLOOD_UPDATE,
	[SW_FLOOD_END] = SYNWATCH_EVENT_FLOOD_END,
};

static int sw_body_alert(struct sk_buff *skb, const struct sw_msg *m)
{
	const struct sw_lst_acct *a = m->a;
	struct nlattr *nest;

	nest = nla_nest_start(skb, SYNWATCH_A_ALERT);
	if (!nest ||
	    sw_put_listener(skb, SYNWATCH_A_ALERT_LISTENER, m->l, a) ||
	    nla_put_u8(skb, SYNWATCH_A_ALERT_REASON, a->reason) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_ALERT_DURATION_MS,
			      div_u64(m->now - a->flood_start_ns,
				      NSEC_PER_MSEC),
			      SYNWATCH_A_ALERT_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_ALERT_SUPPRESSED, a->suppressed,
			      SYNWATCH_A_ALERT_PAD) ||
	    nla_put_u8(skb, SYNWATCH_A_ALERT_COOKIES, a->cookies) ||
	    nla_put_u32(skb, SYNWATCH_A_ALERT_PEAK_RATE, a->flood_peak) ||
	    sw_put_sources(skb, a))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

void sw_event_alert(struct sw_net *sn, const struct sw_lst *l,
		    const struct sw_lst_acct *a, int ev, u64 now)
{
	struct sw_msg m = {
		.body = sw_body_alert,
		.sn = sn,
		.l = l,
		.a = a,
		.now = now,
		.type = sw_flood_type[ev],
		.dir = SYNWATCH_DIR_NONE,
	};

	if (ev == SW_FLOOD_START)
		sw_stat_inc(sn, SW_STAT_ALERTS);
	if (!sw_event_wanted(sn, m.type))
		return;
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

void sw_events_net_init(struct sw_net *sn)
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
void sw_events_net_exit(struct sw_net *sn)
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

int sw_events_init(void)
{
	return netlink_register_notifier(&sw_netlink_nb);
}

void sw_events_uninit(void)
{
	netlink_unregister_notifier(&sw_netlink_nb);
}
