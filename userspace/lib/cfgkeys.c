// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cfgkeys.h"
#include "errors.h"
#include "filter.h"
#include "fmt.h"
#include "parse.h"

#define TIMEOUT(st, key) {						\
	.name = "timeout." key, .kind = SWL_CFG_SECONDS,			\
	.attr = SYNWATCH_A_CONFIG_TIMEOUTS, .state = SYNWATCH_STATE_##st, \
	.min = 1, .max = SYNWATCH_TIMEOUT_MAX_S,			\
	.doc = "seconds a connection may stay in " key " unseen" }
#define DAY_MS (24U * 3600 * 1000)

const struct swl_cfg_key swl_cfg_keys[] = {
	TIMEOUT(CLOSED, "closed"),
	TIMEOUT(LISTEN, "listen"),
	TIMEOUT(SYN_SENT, "syn_sent"),
	TIMEOUT(SYN_RECEIVED, "syn_recv"),
	TIMEOUT(ESTABLISHED, "established"),
	TIMEOUT(FIN_WAIT_1, "fin_wait_1"),
	TIMEOUT(FIN_WAIT_2, "fin_wait_2"),
	TIMEOUT(CLOSE_WAIT, "close_wait"),
	TIMEOUT(CLOSING, "closing"),
	TIMEOUT(LAST_ACK, "last_ack"),
	TIMEOUT(TIME_WAIT, "time_wait"),
	{ "event_mask", SWL_CFG_EVENTS, SYNWATCH_A_CONFIG_EVENT_MASK, 0, false,
	  0, SYNWATCH_EVENT_MASK_ALL, "event types sent to the multicast groups" },
	{ "max_conns", SWL_CFG_COUNT, SYNWATCH_A_CONFIG_MAX_CONNS, 0, false,
	  0, UINT32_MAX, "this netns' share of the table, 0 = no limit" },
	{ "max_conns_global", SWL_CFG_COUNT, SYNWATCH_A_CONFIG_MAX_CONNS_GLOBAL,
	  0, true, 0, UINT32_MAX, "the module's max_conns parameter (read-only)" },
	{ "flood.half_open_high", SWL_CFG_COUNT,
	  SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH, 0, false, 0, UINT32_MAX,
	  "half-open connections on a listener that start a flood alert, 0 = no half-open test" },
	{ "flood.half_open_low", SWL_CFG_COUNT,
	  SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW, 0, false, 0, UINT32_MAX,
	  "half-open count under which a flood may end" },
	{ "flood.rate_high", SWL_CFG_COUNT, SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH,
	  0, false, 0, UINT32_MAX, "SYNs/s that start a flood alert, 0 = no rate test" },
	{ "flood.rate_low", SWL_CFG_COUNT, SYNWATCH_A_CONFIG_FLOOD_RATE_LOW,
	  0, false, 0, UINT32_MAX, "SYNs/s under which a flood may end" },
	{ "flood.completion_pct", SWL_CFG_PCT,
	  SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT, 0, false, 0, 100,
	  "the rate test counts only while fewer handshakes complete" },
	{ "flood.hold_ms", SWL_CFG_MS, SYNWATCH_A_CONFIG_FLOOD_HOLD_MS, 0,
	  false, 0, DAY_MS, "time under the low marks before the flood ends" },
	{ "flood.update_ms", SWL_CFG_MS, SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS, 0,
	  false, 1, DAY_MS, "period of flood-update events" },
};
const size_t swl_cfg_nkeys = sizeof(swl_cfg_keys) / sizeof(swl_cfg_keys[0]);

static bool same_key(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') &&
				  (*b == '-' || *b == '_')))
			return false;
	return *a == *b;
}

const struct swl_cfg_key *swl_cfg_find(const char *name)
{
	for (size_t i = 0; i < swl_cfg_nkeys; i++)
		if (same_key(swl_cfg_keys[i].name, name))
			return &swl_cfg_keys[i];
	return NULL;
}

bool swl_cfg_has(const struct swl_config *c, const struct swl_cfg_key *k)
{
	if (k->attr == SYNWATCH_A_CONFIG_TIMEOUTS)
		return c->timeout_have & (1U << k->state);
	return SWL_HAS(c, k->attr);
}

uint32_t swl_cfg_get(const struct swl_config *c, const struct swl_cfg_key *k)
{
	if (k->attr == SYNWATCH_A_CONFIG_TIMEOUTS)
		return c->timeout[k->state];
	return c->val[k->attr];
}

void swl_cfg_set(struct swl_config *c, const struct swl_cfg_key *k, uint32_t v)
{
	if (k->attr == SYNWATCH_A_CONFIG_TIMEOUTS) {
		c->timeout[k->state] = v;
		c->timeout_have |= 1U << k->state;
	} else {
		c->val[k->attr] = v;
	}
	c->have |= SWL_BIT(k->attr);
}

int swl_cfg_parse_value(const struct swl_cfg_key *k, const char *s,
		       uint32_t *v, char *err, size_t errlen)
{
	static const char *const syntax[] = {
		[SWL_CFG_SECONDS] = "a duration in seconds, suffix s, m, h or d allowed",
		[SWL_CFG_MS] = "milliseconds, suffix ms, s, m or h allowed",
		[SWL_CFG_COUNT] = "a whole number",
		[SWL_CFG_PCT] = "a percentage",
	};
	char pct[16];
	uint64_t n;
	int ret;

	if (k->readonly)
		return swl_errbuf(err, errlen, "%s is read-only", k->name);
	switch (k->kind) {
	case SWL_CFG_EVENTS:
		if (swl_event_mask_parse(s, v, err, errlen))
			return -1;
		return 0;
	case SWL_CFG_SECONDS:
		ret = swl_parse_duration_s(s, UINT64_MAX, &n);
		break;
	case SWL_CFG_MS:
		ret = swl_parse_duration_ms(s, UINT64_MAX, &n);
		break;
	case SWL_CFG_PCT:
		/* "50%" reads naturally; strip one trailing '%' */
		snprintf(pct, sizeof(pct), "%s", s);
		if (*pct && pct[strlen(pct) - 1] == '%')
			pct[strlen(pct) - 1] = 0;
		ret = swl_parse_u64(pct, UINT64_MAX, &n);
		break;
	default:
		ret = swl_parse_u64(s, UINT64_MAX, &n);
	}
	if (ret && errno != ERANGE)
		return swl_errbuf(err, errlen, "%s: '%s' is not %s", k->name, s,
			    syntax[k->kind]);
	if (ret || n < k->min || n > k->max)
		return swl_errbuf(err, errlen, "%s: %s is out of range (%" PRIu32 "-%" PRIu32 ")",
			    k->name, s, k->min, k->max);
	*v = (uint32_t)n;
	return 0;
}

char *swl_cfg_key_list(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < swl_cfg_nkeys && n < len; i++)
		if (!swl_cfg_keys[i].readonly)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? ", " : "", swl_cfg_keys[i].name);
	return buf;
}

int swl_cfg_parse_assignment(struct swl_config *set, const char *arg,
			    char *err, size_t errlen)
{
	const struct swl_cfg_key *k;
	const char *eq = strchr(arg, '=');
	char key[64], list[1024];
	uint32_t v;

	if (!eq || eq == arg)
		return swl_errbuf(err, errlen, "'%s': expected KEY=VALUE", arg);
	snprintf(key, sizeof(key), "%.*s", (int)(eq - arg), arg);
	k = swl_cfg_find(key);
	if (!k)
		return swl_errbuf(err, errlen, "unknown key '%s'; valid keys: %s", key,
			    swl_cfg_key_list(list, sizeof(list)));
	if (!eq[1])
		return swl_errbuf(err, errlen, "%s: missing value", k->name);
	if (swl_cfg_parse_value(k, eq + 1, &v, err, errlen))
		return -1;
	swl_cfg_set(set, k, v);
	return 0;
}

static int check_pair(const struct swl_config *cur, const struct swl_config *set,
		      const char *low_name, const char *high_name,
		      char *err, size_t errlen)
{
	const struct swl_cfg_key *lk = swl_cfg_find(low_name);
	const struct swl_cfg_key *hk = swl_cfg_find(high_name);
	const struct swl_config *ls = swl_cfg_has(set, lk) ? set : cur;
	const struct swl_config *hs = swl_cfg_has(set, hk) ? set : cur;

	/* Nothing to compare unless both are known and one is new. */
	if (!ls || !hs || !swl_cfg_has(ls, lk) || !swl_cfg_has(hs, hk) ||
	    (ls != set && hs != set))
		return 0;
	if (swl_cfg_get(ls, lk) <= swl_cfg_get(hs, hk))
		return 0;
	return swl_errbuf(err, errlen, "%s (%" PRIu32 ") must not exceed %s (%" PRIu32 ")%s",
		    low_name, swl_cfg_get(ls, lk), high_name, swl_cfg_get(hs, hk),
		    ls == set && hs == set ? "" : " (the current value)");
}

int swl_cfg_check(const struct swl_config *cur, const struct swl_config *set,
		 char *err, size_t errlen)
{
	if (check_pair(cur, set, "flood.half_open_low", "flood.half_open_high",
		       err, errlen) ||
	    check_pair(cur, set, "flood.rate_low", "flood.rate_high", err,
		       errlen))
		return -1;
	return 0;
}

char *swl_cfg_format(char *buf, size_t len, const struct swl_cfg_key *k,
		    const struct swl_config *c)
{
	char tmp[SWL_FMT_LEN];
	uint32_t v = swl_cfg_get(c, k);

	switch (k->kind) {
	case SWL_CFG_EVENTS:
		return swl_event_mask_format(buf, len, v);
	case SWL_CFG_SECONDS:
		snprintf(buf, len, "%s", swl_fmt_seconds(tmp, v));
		break;
	case SWL_CFG_MS:
		snprintf(buf, len, "%" PRIu32 "ms", v);
		break;
	default:
		snprintf(buf, len, "%" PRIu32, v);
	}
	return buf;
}

void swl_cfg_put(struct nlmsghdr *nlh, const struct swl_config *set)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG);

	if (set->timeout_have) {
		struct nlattr *t = mnl_attr_nest_start(nlh, SYNWATCH_A_CONFIG_TIMEOUTS);

		/* the nest's attribute type is the state + 1: see the uapi */
		for (unsigned int s = 0; s <= SYNWATCH_STATE_MAX; s++)
			if (set->timeout_have & (1U << s))
				mnl_attr_put_u32(nlh, (uint16_t)(s + 1),
						 set->timeout[s]);
		mnl_attr_nest_end(nlh, t);
	}
	for (size_t i = 0; i < swl_cfg_nkeys; i++) {
		const struct swl_cfg_key *k = &swl_cfg_keys[i];

		if (k->attr == SYNWATCH_A_CONFIG_TIMEOUTS || k->readonly ||
		    !swl_cfg_has(set, k))
			continue;
		if (k->attr == SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT)
			mnl_attr_put_u8(nlh, k->attr, (uint8_t)swl_cfg_get(set, k));
		else
			mnl_attr_put_u32(nlh, k->attr, swl_cfg_get(set, k));
	}
	mnl_attr_nest_end(nlh, nest);
}
