// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns configuration: timeouts per state, the event mask, the netns'
 * share of the table and the flood thresholds.
 *
 * Readers (the packet path, GC, the flood tick) read single fields with
 * READ_ONCE and no lock; a field is always a valid value on its own.
 * Writers serialise on cfg_lock and validate the whole request before they
 * change anything, so a bad SET_CONFIG changes nothing.
 */
#include <linux/synwatch.h>
#include "netcfg.h"
#include "engine/rules.h"

/* not const: NLA_POLICY_FULL_RANGE takes a non-const pointer in 6.1 */
static struct netlink_range_validation sw_timeout_range __ro_after_init = {
	.min = 1, .max = SYNWATCH_TIMEOUT_MAX_S,
};

static struct netlink_range_validation sw_ms_range __ro_after_init = {
	.min = 100, .max = 3600 * 1000,
};

/* Nest attribute type = state + 1: type 0 is not a valid attribute. */
static const struct nla_policy sw_timeout_policy[SYNWATCH_STATE_MAX + 2] = {
	[1 ... SYNWATCH_STATE_MAX + 1] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &sw_timeout_range),
};

const struct nla_policy sw_config_policy[SYNWATCH_A_CONFIG_MAX + 1] = {
	[SYNWATCH_A_CONFIG_TIMEOUTS] = NLA_POLICY_NESTED(sw_timeout_policy),
	[SYNWATCH_A_CONFIG_EVENT_MASK] = NLA_POLICY_MASK(NLA_U32,
						SYNWATCH_EVENT_MASK_ALL),
	[SYNWATCH_A_CONFIG_MAX_CONNS] = { .type = NLA_U32 },
	[SYNWATCH_A_CONFIG_MAX_CONNS_GLOBAL] = { .type = NLA_REJECT },
	[SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH] = { .type = NLA_U32 },
	[SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW] = { .type = NLA_U32 },
	[SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH] = { .type = NLA_U32 },
	[SYNWATCH_A_CONFIG_FLOOD_RATE_LOW] = { .type = NLA_U32 },
	[SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT] = NLA_POLICY_MAX(NLA_U8, 100),
	[SYNWATCH_A_CONFIG_FLOOD_HOLD_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &sw_ms_range),
	[SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &sw_ms_range),
};

/*
 * The defaults are the engine's (engine/rules.c), shared with replay; the
 * flood ones are the uapi header's SYNWATCH_FLOOD_DEFAULT_*.
 */
void sw_config_defaults(struct sw_config *cfg)
{
	int i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < __SYNWATCH_STATE_MAX; i++) {
		cfg->timeout_s[i] = sw_default_timeout_s(i);
		cfg->timeout_fine[i] = sw_timeout_fine(cfg->timeout_s[i]);
	}
	cfg->event_mask = SYNWATCH_EVENT_MASK_ALL;
	sw_flood_cfg_defaults(&cfg->flood);
}

static void sw_take_u32(struct nlattr **tb, int attr, u32 *field)
{
	if (tb[attr])
		*field = nla_get_u32(tb[attr]);
}

int sw_config_set(struct sw_net *sn, const struct nlattr *nest,
		  struct netlink_ext_ack *ext)
{
	struct nlattr *tb[SYNWATCH_A_CONFIG_MAX + 1];
	struct nlattr *to[SYNWATCH_STATE_MAX + 2];
	struct sw_config next;
	int err, i;

	err = nla_parse_nested(tb, SYNWATCH_A_CONFIG_MAX, nest,
			       sw_config_policy, ext);
	if (err)
		return err;
	memset(to, 0, sizeof(to));
	if (tb[SYNWATCH_A_CONFIG_TIMEOUTS]) {
		err = nla_parse_nested(to, SYNWATCH_STATE_MAX + 1,
				       tb[SYNWATCH_A_CONFIG_TIMEOUTS],
				       sw_timeout_policy, ext);
		if (err)
			return err;
	}

	mutex_lock(&sn->cfg_lock);
	next = sn->cfg;
	for (i = 0; i <= SYNWATCH_STATE_MAX; i++)
		if (to[i + 1])
			next.timeout_s[i] = nla_get_u32(to[i + 1]);
	sw_take_u32(tb, SYNWATCH_A_CONFIG_EVENT_MASK, &next.event_mask);
	sw_take_u32(tb, SYNWATCH_A_CONFIG_MAX_CONNS, &next.max_conns);
	sw_take_u32(tb, SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH,
		    &next.flood.half_open_high);
	sw_take_u32(tb, SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW,
		    &next.flood.half_open_low);
	sw_take_u32(tb, SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH,
		    &next.flood.rate_high);
	sw_take_u32(tb, SYNWATCH_A_CONFIG_FLOOD_RATE_LOW, &next.flood.rate_low);
	if (tb[SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT])
		next.flood.completion_pct =
			nla_get_u8(tb[SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT]);
	sw_take_u32(tb, SYNWATCH_A_CONFIG_FLOOD_HOLD_MS, &next.flood.hold_ms);
	sw_take_u32(tb, SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS,
		    &next.flood.update_ms);

	if (next.flood.half_open_low > next.flood.half_open_high) {
		NL_SET_ERR_MSG(ext, "flood half-open low mark above high mark");
		err = -EINVAL;
	} else if (next.flood.rate_low > next.flood.rate_high) {
		NL_SET_ERR_MSG(ext, "flood rate low mark above high mark");
		err = -EINVAL;
	}
	if (!err) {
		for (i = 0; i < __SYNWATCH_STATE_MAX; i++) {
			WRITE_ONCE(sn->cfg.timeout_s[i], next.timeout_s[i]);
			WRITE_ONCE(sn->cfg.timeout_fine[i],
				   sw_timeout_fine(next.timeout_s[i]));
		}
		WRITE_ONCE(sn->cfg.event_mask, next.event_mask);
		WRITE_ONCE(sn->cfg.max_conns, next.max_conns);
		WRITE_ONCE(sn->cfg.flood.half_open_high,
			   next.flood.half_open_high);
		WRITE_ONCE(sn->cfg.flood.half_open_low,
			   next.flood.half_open_low);
		WRITE_ONCE(sn->cfg.flood.rate_high, next.flood.rate_high);
		WRITE_ONCE(sn->cfg.flood.rate_low, next.flood.rate_low);
		WRITE_ONCE(sn->cfg.flood.completion_pct,
			   next.flood.completion_pct);
		WRITE_ONCE(sn->cfg.flood.hold_ms, next.flood.hold_ms);
		WRITE_ONCE(sn->cfg.flood.update_ms, next.flood.update_ms);
	}
	mutex_unlock(&sn->cfg_lock);
	return err;
}
