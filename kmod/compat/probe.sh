#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Probe the kernel tree for features, not versions: print -DSW_HAVE_* for
# each one present. compat.h fills in what is missing.
src=${1:-.}
have() { grep -qs "$2" "$src/$1" && printf ' -DSW_HAVE_%s' "$3"; }
have include/linux/random.h 'get_random_u32_below' GET_RANDOM_U32_BELOW
have include/net/genetlink.h 'resv_start_op' GENL_RESV_START_OP
have include/net/netlink.h 'NLA_POLICY_MASK' NLA_POLICY_MASK
echo
