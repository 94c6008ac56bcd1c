/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SW_CONFIG_H
#define _SW_CONFIG_H

#include <net/netlink.h>
#include "synwatch.h"

extern const struct nla_policy sw_config_policy[SYNWATCH_A_CONFIG_MAX + 1];

int sw_config_put(struct sk_buff *skb, const struct sw_config *cfg);
int sw_config_set(struct sw_net *sn, const struct nlattr *nest,
		  struct netlink_ext_ack *ext);

#endif /* _SW_CONFIG_H */
