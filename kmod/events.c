// SPDX-License-Identifier: GPL-2.0
/*
 * Events: connection changes to the "conn" group, flood alerts to the
 * "alert" group, and both to subscribers with kernel-side filters.
 *
 * Costs nothing without a listener: sw_event_wanted() checks the netns'
 * event mask, the group's members (genl_has_listeners) and the subscriber
 * count before the packet path takes a snapshot or allocates anything.
 * Messages are built with GFP_ATOMIC (the packet path runs in softirq) and
 * a failed delivery is counted, never allowed to affect the packet.
 *
 * Subscribers (SYNWATCH_CMD_SUBSCRIBE) live on an RCU list per netns: the
 * packet path walks it locklessly; SUBSCRIBE, UNSUBSCRIBE and socket release
 * (netlink notifier) change it under subs_lock and free with kfree_rcu().
 */
#include <linux/notifier.h>
#include <asm/unaligned.h>
#include <net/genetlink.h>
#include "events.h"
#include "listener.h"
#include "engine.h"

struct sw_sub {
	struct list_head list;
	struct rcu_head rcu;
	u32 portid;
	atomic64_t seq;
	struct sw_filter f;
};

static bool sw_group_has_listeners(struct sw_net *sn, u8 type)
{
	unsigned int grp = type >= SYNWATCH_EVENT_FLOOD_START ?
			   SYNWATCH_MCGRP_ALERT : SYNWATCH_MCGRP_CONN;

	return genl_has_listeners(&sw_genl_family, sn->net, grp);
}

bool sw_event_wanted(struct sw_net *sn, u8 type)
{
	if (atomic_read(&sn->nsubs))
		return true;
	return (READ_ONCE(sn->cfg.event_mask) & BIT(type)) &&
	       sw_group_has_listeners(sn, type);
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
 * Where the two sequence numbers sit in a built message: they are only
 * known when it is sent (sw_send), so the header carries zeroes there.
 */
struct sw_seqs {
	void *seq;
	void *sub_seq;
};

static void *sw_put_seq(struct sk_buff *skb, int attr)
{
	if (nla_put_u64_64bit(skb, attr, 0, SYNWATCH_A_EVENT_PAD))
		return NULL;
	return nla_data((struct nlattr *)(skb_tail_pointer(skb) -
					  nla_total_size(8)));
}

/* Header of every event. */
static int sw_put_event_hdr(struct sk_buff *skb, struct sw_seqs *seqs,
			    u8 type, u8 old, u8 new, u8 flags, u8 dir)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, SYNWATCH_A_EVENT);
	if (!nest || nla_put_u8(skb, SYNWATCH_A_EVENT_TYPE, type))
		return -EMSGSIZE;
	seqs->seq = sw_put_seq(skb, SYNWATCH_A_EVENT_SEQ);
	seqs->sub_seq = sw_put_seq(skb, SYNWATCH_A_EVENT_SUB_SEQ);
	if (!seqs->seq || !seqs->sub_seq ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_EVENT_TIME_NS,
			      ktime_get_real_ns(), SYNWATCH_A_EVENT_PAD) ||
	    nla_put_u8(skb, SYNWATCH_A_EVENT_OLD_STATE, old) ||
	    nla_put_u8(skb, SYNWATCH_A_EVENT_NEW_STATE, new) ||
	    (dir != SYNWATCH_DIR_NONE &&
	     (nla_put_u8(skb, SYNWATCH_A_EVENT_TCP_FLAGS, flags) ||
	      nla_put_u8(skb, SYNWATCH_A_EVENT_DIR, dir))))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Unicast a copy to every subscriber whose filter takes it. */
static void sw_deliver_subs(struct sw_net *sn, struct sk_buff *skb,
			    void *subseq, u8 type, const struct sw_snap *s)
{
	struct sw_sub *sub;
	struct sk_buff *copy;
	int err;

	rcu_read_lock();
	list_for_each_entry_rcu(sub, &sn->subs, list) {
		if (!(sub->f.event_mask & BIT(type)))
			continue;
		if (s && !sw_filter_match(s, &sub->f))
			continue;
		/* the sequence counts what matched, delivered or not */
		put_unaligned(atomic64_inc_return(&sub->seq), (u64 *)subseq);
		copy = skb_copy(skb, GFP_ATOMIC);
		if (!copy) {
			sw_stat_inc(sn, SW_STAT_EVENT_DROP);
			continue;
		}
		err = genlmsg_unicast(sn->net, copy, sub->portid);
		if (err)
			sw_stat_inc(sn, SW_STAT_EVENT_DROP);
		else
			sw_stat_inc(sn, SW_STAT_EVENTS_SENT);
	}
	rcu_read_unlock();
	put_unaligned(0, (u64 *)subseq);
}

/*
 * SEQ counts, per netns and per group, the events multicast to that group,
 * so a reader of one group sees a gap exactly when it missed one of its own.
 * Events nobody listens to, masked out, or summarised during a flood are
 * never built and take no number. Subscribers' copies carry the same SEQ
 * (0 if the event did not go to the group) and their own SUB_SEQ.
 */
static void sw_send(struct sw_net *sn, struct sk_buff *skb,
		    const struct sw_seqs *seqs, u8 type, const struct sw_snap *s)
{
	unsigned int grp = type >= SYNWATCH_EVENT_FLOOD_START ?
			   SYNWATCH_MCGRP_ALERT : SYNWATCH_MCGRP_CONN;
	bool mcast = (READ_ONCE(sn->cfg.event_mask) & BIT(type)) &&
		     genl_has_listeners(&sw_genl_family, sn->net, grp);
	int err;

	if (mcast)
		put_unaligned(atomic64_inc_return(&sn->event_seq[grp]),
			      (u64 *)seqs->seq);
	if (atomic_read(&sn->nsubs))
		sw_deliver_subs(sn, skb, seqs->sub_seq, type, s);
	if (!mcast) {
		nlmsg_free(skb);
		return;
	}
	err = genlmsg_multicast_netns(&sw_genl_family, sn->net, skb, 0, grp,
				      GFP_ATOMIC);
	if (err && err != -ESRCH)
		sw_stat_inc(sn, SW_STAT_EVENT_DROP);
	else if (!err)
		sw_stat_inc(sn, SW_STAT_EVENTS_SENT);
}

static struct sk_buff *sw_event_new(void **hdr)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &sw_genl_family, 0, SYNWATCH_CMD_EVENT);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

void sw_event_conn(struct sw_net *sn, u8 type, const struct sw_snap *s,
		   u8 old_state, u8 new_state, u8 tcp_flags, u8 dir, u64 now)
{
	struct sw_seqs seqs;
	struct sk_buff *skb;
	void *hdr;

	skb = sw_event_new(&hdr);
	if (!skb)
		goto drop;
	old_state = sw_event_state(old_state);
	if (sw_put_event_hdr(skb, &seqs, type, old_state, new_state,
			     tcp_flags, dir) ||
	    sw_put_conn(skb, s, sn, now)) {
		nlmsg_free(skb);
		goto drop;
	}
	genlmsg_end(skb, hdr);
	sw_send(sn, skb, &seqs, type, s);
	return;
drop:
	sw_stat_inc(sn, SW_STAT_EVENT_DROP);
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

void sw_event_alert(struct sw_net *sn, const struct sw_lst *l,
		    const struct sw_lst_acct *a, int ev, u64 now)
{
	u8 type = sw_flood_type[ev];
	struct nlattr *nest = NULL;
	struct sw_seqs seqs;
	struct sk_buff *skb;
	void *hdr;

	if (ev == SW_FLOOD_START)
		sw_stat_inc(sn, SW_STAT_ALERTS);
	if (!sw_event_wanted(sn, type))
		return;
	skb = sw_event_new(&hdr);
	if (!skb)
		goto drop;
	if (!sw_put_event_hdr(skb, &seqs, type, 0, 0, 0, SYNWATCH_DIR_NONE))
		nest = nla_nest_start(skb, SYNWATCH_A_ALERT);
	if (!nest ||
	    sw_put_listener(skb, SYNWATCH_A_ALERT_LISTENER, l, a) ||
	    nla_put_u8(skb, SYNWATCH_A_ALERT_REASON, a->reason) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_ALERT_DURATION_MS,
			      div_u64(now - a->flood_start_ns, NSEC_PER_MSEC),
			      SYNWATCH_A_ALERT_PAD) ||
	    nla_put_u64_64bit(skb, SYNWATCH_A_ALERT_SUPPRESSED, a->suppressed,
			      SYNWATCH_A_ALERT_PAD) ||
	    nla_put_u8(skb, SYNWATCH_A_ALERT_COOKIES, a->cookies) ||
	    nla_put_u32(skb, SYNWATCH_A_ALERT_PEAK_RATE, a->flood_peak) ||
	    sw_put_sources(skb, a)) {
		nlmsg_free(skb);
		goto drop;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	sw_send(sn, skb, &seqs, type, NULL);
	return;
drop:
	sw_stat_inc(sn, SW_STAT_EVENT_DROP);
}

int sw_subscribe(struct sw_net *sn, u32 portid, const struct sw_filter *f)
{
	struct sw_sub *sub, *old;

	sub = kzalloc(sizeof(*sub), GFP_KERNEL);
	if (!sub)
		return -ENOMEM;
	sub->portid = portid;
	sub->f = *f;
	spin_lock_bh(&sn->subs_lock);
	list_for_each_entry(old, &sn->subs, list) {
		if (old->portid == portid) {
			/* a new SUBSCRIBE replaces the filter, keeps the seq */
			atomic64_set(&sub->seq, atomic64_read(&old->seq));
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

int sw_unsubscribe(struct sw_net *sn, u32 portid)
{
	struct sw_sub *sub;

	spin_lock_bh(&sn->subs_lock);
	list_for_each_entry(sub, &sn->subs, list) {
		if (sub->portid == portid) {
			list_del_rcu(&sub->list);
			atomic_dec(&sn->nsubs);
			spin_unlock_bh(&sn->subs_lock);
			kfree_rcu(sub, rcu);
			return 0;
		}
	}
	spin_unlock_bh(&sn->subs_lock);
	return -ENOENT;
}

void sw_subs_flush(struct sw_net *sn)
{
	struct sw_sub *sub, *tmp;

	spin_lock_bh(&sn->subs_lock);
	list_for_each_entry_safe(sub, tmp, &sn->subs, list) {
		list_del_rcu(&sub->list);
		atomic_dec(&sn->nsubs);
		kfree_rcu(sub, rcu);
	}
	spin_unlock_bh(&sn->subs_lock);
}

/* A netlink socket closed: drop its subscription, if any. */
static int sw_netlink_notify(struct notifier_block *nb, unsigned long state,
			     void *ptr)
{
	struct netlink_notify *n = ptr;
	struct sw_net *sn;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	sn = sw_net(n->net);
	if (sn && atomic_read(&sn->nsubs))
		sw_unsubscribe(sn, n->portid);
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
