// SPDX-License-Identifier: GPL-2.0
/* synwatch config keys: names, value syntax, ranges, cross checks, nest. */
#include <string.h>

#include "kselftest_harness.h"

#include "cfgkeys.h"
#include "filter.h"

FIXTURE(cfg)
{
	struct swl_config set;
	char err[1024];
};

FIXTURE_SETUP(cfg)
{
	memset(&self->set, 0, sizeof(self->set));
	self->err[0] = 0;
}

FIXTURE_TEARDOWN(cfg)
{
}

static uint32_t get(const struct swl_config *c, const char *key)
{
	return swl_cfg_get(c, swl_cfg_find(key));
}

TEST_F(cfg, good_values)
{
	static const struct {
		const char *arg;
		const char *key;
		uint32_t want;
	} cases[] = {
		{ "timeout.established=432000", "timeout.established", 432000 },
		{ "timeout.established=5d", "timeout.established", 432000 },
		{ "timeout.syn_sent=2m", "timeout.syn_sent", 120 },
		{ "timeout.syn-sent=90s", "timeout.syn_sent", 90 },
		{ "timeout.time_wait=1h", "timeout.time_wait", 3600 },
		{ "timeout.listen=1", "timeout.listen", 1 },
		{ "timeout.close_wait=30d", "timeout.close_wait", SYNWATCH_TIMEOUT_MAX_S },
		{ "event_mask=new,destroy", "event_mask", 0x0a },
		{ "event_mask=all", "event_mask", SYNWATCH_EVENT_MASK_ALL },
		{ "event_mask=none", "event_mask", 0 },
		{ "max_conns=0", "max_conns", 0 },
		{ "max_conns=4294967295", "max_conns", 4294967295U },
		{ "flood.completion_pct=50%", "flood.completion_pct", 50 },
		{ "flood.completion_pct=100", "flood.completion_pct", 100 },
		{ "flood.hold_ms=2s", "flood.hold_ms", 2000 },
		{ "flood.hold_ms=250ms", "flood.hold_ms", 250 },
		{ "flood.update_ms=1000", "flood.update_ms", 1000 },
		{ "flood.rate_high=5000", "flood.rate_high", 5000 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&self->set, 0, sizeof(self->set));
		ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, cases[i].arg,
						     self->err, sizeof(self->err)))
			TH_LOG("%s: %s", cases[i].arg, self->err);
		EXPECT_EQ(cases[i].want, get(&self->set, cases[i].key)) TH_LOG("%s", cases[i].arg);
		EXPECT_TRUE(swl_cfg_has(&self->set, swl_cfg_find(cases[i].key)));
	}
}

TEST_F(cfg, bad_values)
{
	static const struct {
		const char *arg, *msg;
	} cases[] = {
		{ "bogus=1", "valid keys: timeout.closed, timeout.listen" },
		{ "timeout.closd=5", "unknown key" },
		{ "max_conns", "expected KEY=VALUE" },
		{ "=5", "expected KEY=VALUE" },
		{ "max_conns=", "missing value" },
		{ "max_conns=-1", "not a whole number" },
		{ "max_conns=12abc", "not a whole number" },
		{ "max_conns=4294967296", "out of range" },
		{ "max_conns=99999999999999999999999", "out of range" },
		{ "timeout.syn_sent=0", "out of range" },
		{ "timeout.syn_sent=31d", "out of range" },
		{ "timeout.syn_sent=5x", "not a duration" },
		{ "timeout.syn_sent=1.5h", "not a duration" },
		{ "flood.completion_pct=101", "out of range" },
		{ "flood.completion_pct=5%%", "not a percentage" },
		{ "flood.update_ms=0", "out of range" },
		{ "event_mask=new,bogus", "unknown event type 'bogus'" },
		{ "max_conns_global=5", "read-only" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		self->err[0] = 0;
		EXPECT_EQ(-1, swl_cfg_parse_assignment(&self->set, cases[i].arg,
						      self->err, sizeof(self->err)))
			TH_LOG("%s accepted", cases[i].arg);
		EXPECT_NE(NULL, strstr(self->err, cases[i].msg))
			TH_LOG("%s: '%s' lacks '%s'", cases[i].arg, self->err, cases[i].msg);
	}
	EXPECT_EQ(0, self->set.have);	/* nothing stuck from the failures */
}

/* The kernel takes a high mark of 0 as "this test off" (uapi header). */
TEST_F(cfg, high_zero_disables)
{
	ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, "flood.half_open_high=0", self->err, 1024));
	ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, "flood.rate_high=0", self->err, 1024));
	EXPECT_EQ(0, swl_cfg_get(&self->set, swl_cfg_find("flood.half_open_high")));
	/* the low mark must follow it down, as the kernel requires */
	ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, "flood.half_open_low=64", self->err, 1024));
	EXPECT_EQ(-1, swl_cfg_check(NULL, &self->set, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "flood.half_open_low (64) must not exceed flood.half_open_high (0)"));
	ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, "flood.half_open_low=0", self->err, 1024));
	ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, "flood.rate_low=0", self->err, 1024));
	EXPECT_EQ(0, swl_cfg_check(NULL, &self->set, self->err, sizeof(self->err)));
}

TEST_F(cfg, low_not_above_high)
{
	struct swl_config cur = { 0 };

	ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, "flood.half_open_low=100", self->err, 1024));
	ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, "flood.half_open_high=50", self->err, 1024));
	EXPECT_EQ(-1, swl_cfg_check(NULL, &self->set, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "flood.half_open_low (100) must not exceed flood.half_open_high (50)"));

	/* one side new, the other from the kernel's current config */
	memset(&self->set, 0, sizeof(self->set));
	ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, "flood.rate_low=900", self->err, 1024));
	EXPECT_EQ(0, swl_cfg_check(NULL, &self->set, self->err, sizeof(self->err)));
	swl_cfg_set(&cur, swl_cfg_find("flood.rate_high"), 500);
	EXPECT_EQ(-1, swl_cfg_check(&cur, &self->set, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "current value"));
	swl_cfg_set(&cur, swl_cfg_find("flood.rate_high"), 900);
	EXPECT_EQ(0, swl_cfg_check(&cur, &self->set, self->err, sizeof(self->err)));

	/* neither side changed: the kernel's values are its own business */
	memset(&self->set, 0, sizeof(self->set));
	swl_cfg_set(&cur, swl_cfg_find("flood.rate_low"), 1000);
	EXPECT_EQ(0, swl_cfg_check(&cur, &self->set, self->err, sizeof(self->err)));
}

TEST_F(cfg, format_round_trip)
{
	char buf[256], arg[300];

	for (size_t i = 0; i < swl_cfg_nkeys; i++) {
		const struct swl_cfg_key *k = &swl_cfg_keys[i];
		struct swl_config back = { 0 };
		uint32_t v = k->kind == SWL_CFG_EVENTS ? 0x16 : k->min + 7;

		if (k->readonly)
			continue;
		if (k->kind == SWL_CFG_PCT)
			v = 42;
		memset(&self->set, 0, sizeof(self->set));
		swl_cfg_set(&self->set, k, v);
		snprintf(arg, sizeof(arg), "%s=%s", k->name,
			 swl_cfg_format(buf, sizeof(buf), k, &self->set));
		ASSERT_EQ(0, swl_cfg_parse_assignment(&back, arg, self->err, 1024))
			TH_LOG("%s: %s", arg, self->err);
		EXPECT_EQ(v, swl_cfg_get(&back, k)) TH_LOG("%s", arg);
	}
	swl_cfg_set(&self->set, swl_cfg_find("timeout.established"), 432000);
	EXPECT_STREQ("5d", swl_cfg_format(buf, sizeof(buf), swl_cfg_find("timeout.established"), &self->set));
}

TEST_F(cfg, nest)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct swl_config back;

	ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, "timeout.syn_recv=30", self->err, 1024));
	ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, "flood.completion_pct=20", self->err, 1024));
	ASSERT_EQ(0, swl_cfg_parse_assignment(&self->set, "event_mask=alert", self->err, 1024));
	swl_cfg_put(nlh, &self->set);
	/* what the kernel would get decodes back to the same values */
	ASSERT_EQ(0, swl_decode_config(mnl_nlmsg_get_payload(nlh), &back));
	EXPECT_EQ(1U << SYNWATCH_STATE_SYN_RECEIVED, back.timeout_have);
	EXPECT_EQ(30, back.timeout[SYNWATCH_STATE_SYN_RECEIVED]);
	EXPECT_EQ(20, back.val[SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT]);
	EXPECT_EQ(SWL_ALERT_EVENTS, back.val[SYNWATCH_A_CONFIG_EVENT_MASK]);
	EXPECT_FALSE(SWL_HAS(&back, SYNWATCH_A_CONFIG_MAX_CONNS));
}

TEST_HARNESS_MAIN
