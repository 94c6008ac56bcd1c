/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SW_NETLINK_H
#define _SW_NETLINK_H

/*
 * The generic netlink family and the notifier that ends a closed socket's
 * subscription (netlink.c): the module's last subsystem up, first down.
 */
int sw_genl_init(void);
void sw_genl_uninit(void);

#endif /* _SW_NETLINK_H */
