/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel compatibility, probed by feature (compat/probe.sh), never by
 * version number. Force-included into every file by Kbuild; the engine
 * files built in userspace never see it.
 */
#ifndef _SW_COMPAT_H
#define _SW_COMPAT_H

#ifdef SW_PROBE_FAILED
#error "compat/probe.sh could not compile against this kernel's headers (its error is above)"
#endif

/* get_unaligned_*() for conn.c and events.c */
#ifdef SW_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#ifndef SW_HAVE_GET_RANDOM_U32_BELOW
#include <linux/random.h>
#define get_random_u32_below(ceil) prandom_u32_max(ceil)
#endif

/* A dump's attributes, parsed with the family's policy by genetlink. */
#ifdef SW_HAVE_GENL_INFO_DUMP
#define sw_genl_dump_attrs(cb) (genl_info_dump(cb)->attrs)
#else
#define sw_genl_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

#ifndef SW_HAVE_HRTIMER_SETUP
#include <linux/hrtimer.h>
static inline void
hrtimer_setup(struct hrtimer *timer,
	      enum hrtimer_restart (*function)(struct hrtimer *),
	      clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

#ifndef SW_HAVE_NLA_POLICY_MASK
#define NLA_POLICY_MASK(tp, mask) { .type = (tp) }
#endif

/*
 * Kernels built with CONFIG_INIT_STACK_ALL_ZERO (Debian's) zero every stack
 * variable on entry. The packet path's larger locals (a header buffer, a
 * key, record copies) are always written before they are read, and
 * zeroing them is a measurable share of the packet path (bench/README.md):
 * __sw_uninit opts them out where the compiler can.
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
