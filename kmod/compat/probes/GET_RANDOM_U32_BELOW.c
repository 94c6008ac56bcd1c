// SPDX-License-Identifier: GPL-2.0
/* 6.2: get_random_u32_below() replaces prandom_u32_max(). */
#include <linux/random.h>

static u32 __maybe_unused probe(u32 ceil)
{
	return get_random_u32_below(ceil);
}
