/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SW_PERNET_H
#define _SW_PERNET_H

/* Each netns' state, made and freed with the netns (pernet.c). */
int sw_pernet_init(void);
void sw_pernet_uninit(void);

#endif /* _SW_PERNET_H */
