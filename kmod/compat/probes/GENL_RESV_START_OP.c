// SPDX-License-Identifier: GPL-2.0
/* 6.1: commands below resv_start_op keep the lax legacy validation. */
#include <net/genetlink.h>

static struct genl_family probe __maybe_unused = { .resv_start_op = 1 };
