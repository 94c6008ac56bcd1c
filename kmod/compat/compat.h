/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel compatibility, probed by feature (compat/probe.sh), never by
 * version number. Force-included into every file by Kbuild; the engine
 * files built in userspace never see it.
 */
#ifndef _SW_COMPAT_H
#define _SW_COMPAT_H

#ifndef SW_HAVE_GET_RANDOM_U32_BELOW
#include <linux/random.h>
#define get_random_u32_below(ceil) prandom_u32_max(ceil)
#endif

#ifndef SW_HAVE_NLA_POLICY_MASK
#define NLA_POLICY_MASK(tp, mask) { .type = (tp) }
#endif

/*
 * Kernels built with CONFIG_INIT_STACK_ALL_ZERO (Debian's) zero every stack
 * variable on entry. The packet path's larger locals (a header buffer, a
 * key, record snapshots) are always written before they are read, and
 * zeroing them cost ~100 instructions a packet (make bench with
 * BENCH_PROFILE=1): __sw_uninit opts them out where the compiler can.
 */
#if defined(__has_attribute)
#if __has_attribute(__uninitialized__)
#define __sw_uninit __attribute__((__uninitialized__))
#endif
#endif
#ifndef __sw_uninit
#define __sw_uninit
#endif

#endif /* _SW_COMPAT_H */
