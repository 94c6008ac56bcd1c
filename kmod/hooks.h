/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SW_HOOKS_H
#define _SW_HOOKS_H

#include "swnet.h"

/* A netns' netfilter hooks, from its init to its pre_exit (hooks.c). */
int sw_hooks_register(struct sw_net *sn);
void sw_hooks_unregister(struct sw_net *sn);

#endif /* _SW_HOOKS_H */
