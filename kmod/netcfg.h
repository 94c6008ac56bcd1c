/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SW_NETCFG_H
#define _SW_NETCFG_H

/* A netns' configuration: defaults, SET_CONFIG (netcfg.c). */
#include <net/netlink.h>
#include "swnet.h"

void sw_config_defaults(struct sw_config *cfg);

extern const struct nla_policy sw_config_policy[SYNWATCH_A_CONFIG_MAX + 1];

int sw_config_set(struct sw_net *sn, const struct nlattr *nest,
		  struct netlink_ext_ack *ext);

#endif /* _SW_NETCFG_H */
