// SPDX-License-Identifier: GPL-2.0
/* Must compile: proves the probe's compiler and flags work at all. */
#include <linux/module.h>
#include <net/genetlink.h>
