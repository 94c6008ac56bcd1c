/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event delivery: connection events and flood alerts, batched, to the
 * multicast groups and to subscribers (their filters applied here). What
 * an event says is the encoders' (encode.c); when one is made is the
 * engine's step (engine/step.c). See delivery.c.
 */
#ifndef _SW_DELIVERY_H
#define _SW_DELIVERY_H

#include <net/genetlink.h>
#include "swnet.h"
#include "record.h"

bool sw_group_has_listeners(struct sw_net *sn, u8 type);

/*
 * Would an event of this type reach anyone? Inline: the packet path asks
 * at every state change, and the usual answers (a subscriber, a type
 * masked out) need no call.
 */
static inline bool sw_event_wanted(struct sw_net *sn, u8 type)
{
	if (atomic_read(&sn->nsubs))
		return true;
	return (READ_ONCE(sn->cfg.event_mask) & BIT(type)) &&
	       sw_group_has_listeners(sn, type);
}

void sw_event_conn(struct sw_net *sn, u8 type, const struct sw_key *key,
		   const struct sw_rec *rec, u8 old_state, u8 new_state,
		   u8 tcp_flags, u8 dir, u64 now);
void sw_event_alert(struct sw_net *sn, const struct sw_lst *l,
		    const struct sw_lst_acct *a, enum sw_flood_event ev,
		    u64 now);

int sw_subscribe(struct sw_net *sn, u32 portid, const struct sw_filter *f);
int sw_unsubscribe(struct sw_net *sn, u32 portid);

/* The family events go out as: netlink.c's, before it registers it. */
void sw_delivery_set_family(const struct genl_family *family);

void sw_delivery_net_init(struct sw_net *sn);
void sw_delivery_net_exit(struct sw_net *sn);
/* The netlink release notifier, which ends a closed socket's subscription. */
int sw_delivery_init(void);
void sw_delivery_uninit(void);

#endif /* _SW_DELIVERY_H */
