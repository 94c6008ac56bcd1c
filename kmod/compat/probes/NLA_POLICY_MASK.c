// SPDX-License-Identifier: GPL-2.0
/* 5.19: a policy can reject unknown bits of an integer attribute. */
#include <net/netlink.h>

static const struct nla_policy probe __maybe_unused = NLA_POLICY_MASK(NLA_U32, 0x3);
