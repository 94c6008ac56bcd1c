/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plain types for the engine files that compile both in the kernel and in
 * userspace (state.c, parse.c, track.c, flood.c). Those files include only
 * this header and the uapi header, so "synwatch replay" and the host unit
 * tests run the very same code as the module.
 */
#ifndef _SW_ENGINE_TYPES_H
#define _SW_ENGINE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s32 s32;
typedef __s64 s64;
#endif

/* The position of the highest set bit, 1-based; 0 for 0. */
static inline int sw_fls64(u64 x)
{
#ifdef __KERNEL__
	return fls64(x);
#else
	return x ? 64 - __builtin_clzll(x) : 0;
#endif
}

/* RFC 9293 3.4: sequence numbers compare modulo 2^32. */
static inline bool sw_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool sw_seq_after(u32 a, u32 b)
{
	return sw_seq_before(b, a);
}

#endif /* _SW_ENGINE_TYPES_H */
