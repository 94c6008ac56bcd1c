/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SW_GC_H
#define _SW_GC_H

/* Expiry of idle records by their state's timeout (gc.c). */
int sw_gc_init(void);
void sw_gc_uninit(void);

#endif /* _SW_GC_H */
