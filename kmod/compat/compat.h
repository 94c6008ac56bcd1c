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

#endif /* _SW_COMPAT_H */
