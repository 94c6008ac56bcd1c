/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plain types for the engine files that compile both in the kernel and in
 * userspace (state.c, parse.c, track.c, flood.c). Those files include only
 * this header and the uapi header, so "synwatch replay" and the host unit
 * tests run the very same code as the module.
 */
#ifndef _SW_TYPES_H
#define _SW_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int32_t s32;
typedef int64_t s64;
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef min_t
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#endif
#endif

/* RFC 9293 3.4: sequence numbers compare modulo 2^32. */
static inline bool sw_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool sw_seq_after(u32 a, u32 b)
{
	return sw_seq_before(b, a);
}

#endif /* _SW_TYPES_H */
