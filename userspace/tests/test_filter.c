// SPDX-License-Identifier: GPL-2.0
/* Filter words: every operator, prefixes, states, events, matching. */
#include <arpa/inet.h>
#include <string.h>

#include "kselftest_harness.h"

#include "filter.h"

FIXTURE(filter)
{
	struct swl_filter f;
	char err[512];
};

FIXTURE_SETUP(filter)
{
	swl_filter_init(&self->f);
	self->err[0] = 0;
}

FIXTURE_TEARDOWN(filter)
{
}

/* Parses a space-separated string of words. */
static int parse(struct swl_filter *f, char *err, const char *words)
{
	static char buf[256];
	char *argv[32], *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	return swl_filter_parse(f, argc, argv, err, 512);
}

#define RANGE(r, lo, hi, inv) do {					\
	ASSERT_TRUE((r).set);						\
	EXPECT_EQ(lo, (r).min);						\
	EXPECT_EQ(hi, (r).max);						\
	EXPECT_EQ(inv, (r).invert);					\
} while (0)

TEST_F(filter, port_operators)
{
	static const struct {
		const char *words;
		unsigned int min, max;
		bool invert;
	} cases[] = {
		{ "sport = 80", 80, 80, false },
		{ "sport == 80", 80, 80, false },
		{ "sport 80", 80, 80, false },
		{ "sport :80", 80, 80, false },
		{ "sport = :80", 80, 80, false },
		{ "sport=80", 80, 80, false },
		{ "sport != 80", 80, 80, true },
		{ "sport neq 80", 80, 80, true },
		{ "sport < 1024", 0, 1023, false },
		{ "sport lt 1024", 0, 1023, false },
		{ "sport <= 1024", 0, 1024, false },
		{ "sport > 1024", 1025, 65535, false },
		{ "sport >1024", 1025, 65535, false },
		{ "sport>1024", 1025, 65535, false },
		{ "sport gt 1024", 1025, 65535, false },
		{ "sport >= 1024", 1024, 65535, false },
		{ "sport ge 1024", 1024, 65535, false },
		{ "sport eq 0", 0, 0, false },
		{ "sport 65535", 65535, 65535, false },
		{ "sport > 1024 sport < 2000", 1025, 1999, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		swl_filter_init(&self->f);
		ASSERT_EQ(0, parse(&self->f, self->err, cases[i].words))
			TH_LOG("%s: %s", cases[i].words, self->err);
		RANGE(self->f.lport, cases[i].min, cases[i].max, cases[i].invert);
		EXPECT_FALSE(self->f.rport.set);
	}
	swl_filter_init(&self->f);
	ASSERT_EQ(0, parse(&self->f, self->err, "dport = 443"));
	RANGE(self->f.rport, 443, 443, false);
	EXPECT_FALSE(self->f.lport.set);
}

TEST_F(filter, bad_ports)
{
	static const char *const bad[] = {
		"sport", "sport =", "sport = 65536", "sport -1", "sport 8o",
		"sport < 0", "sport > 65535", "sport > 2000 sport < 1000",
		"sport != 80 sport > 10", "dport = nosuchservice", "sport >> 1",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		swl_filter_init(&self->f);
		EXPECT_EQ(-1, parse(&self->f, self->err, bad[i])) TH_LOG("%s", bad[i]);
		EXPECT_NE(0, self->err[0]);
	}
}

TEST_F(filter, prefixes)
{
	uint8_t want[16];

	ASSERT_EQ(0, parse(&self->f, self->err, "src 10.1.2.3/8 dst 192.0.2.1"));
	ASSERT_TRUE(self->f.local.set);
	EXPECT_EQ(AF_INET, self->f.local.addr.family);
	EXPECT_EQ(8, self->f.local.len);
	inet_pton(AF_INET, "10.0.0.0", want);
	EXPECT_EQ(0, memcmp(want, self->f.local.addr.raw, 4));	/* host bits cleared */
	EXPECT_EQ(32, self->f.remote.len);
	EXPECT_EQ(AF_INET, self->f.family);

	swl_filter_init(&self->f);
	ASSERT_EQ(0, parse(&self->f, self->err, "src 2001:db8:ffff::1/33 dst [::1]"));
	EXPECT_EQ(AF_INET6, self->f.local.addr.family);
	EXPECT_EQ(33, self->f.local.len);
	inet_pton(AF_INET6, "2001:db8:8000::", want);
	EXPECT_EQ(0, memcmp(want, self->f.local.addr.raw, 16));
	EXPECT_EQ(128, self->f.remote.len);

	swl_filter_init(&self->f);
	ASSERT_EQ(0, parse(&self->f, self->err, "src 0.0.0.0/0"));
	EXPECT_EQ(0, self->f.local.len);
}

TEST_F(filter, bad_prefixes)
{
	static const char *const bad[] = {
		"src 10.0.0.0/33", "src ::/129", "src 10.0.0.0/", "src 10.0.0.0/-1",
		"src 10.0.0.0/8x", "src 10.0.0", "src host", "src", "dst 1.2.3.4/ 5",
		"src 10.0.0.1 dst ::1", "src 10.0.0.1 src 10.0.0.2",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		swl_filter_init(&self->f);
		EXPECT_EQ(-1, parse(&self->f, self->err, bad[i])) TH_LOG("%s", bad[i]);
	}
}

TEST_F(filter, family_options)
{
	ASSERT_EQ(0, swl_filter_set_family(&self->f, AF_INET6, self->err, 512));
	EXPECT_EQ(-1, parse(&self->f, self->err, "src 10.0.0.1"));
	swl_filter_init(&self->f);
	ASSERT_EQ(0, parse(&self->f, self->err, "dst 10.0.0.1"));
	EXPECT_EQ(-1, swl_filter_set_family(&self->f, AF_INET6, self->err, 512));
	EXPECT_EQ(0, swl_filter_set_family(&self->f, AF_INET, self->err, 512));
}

TEST_F(filter, states_and_groups)
{
	uint32_t m;

	ASSERT_EQ(0, parse(&self->f, self->err, "state established state syn-sent"));
	EXPECT_EQ((1U << SYNWATCH_STATE_ESTABLISHED) | (1U << SYNWATCH_STATE_SYN_SENT),
		  self->f.state_mask);
	ASSERT_EQ(0, swl_state_mask_parse("half-open", &m));
	EXPECT_EQ((1U << SYNWATCH_STATE_LISTEN) | (1U << SYNWATCH_STATE_SYN_SENT) |
		  (1U << SYNWATCH_STATE_SYN_RECEIVED), m);
	ASSERT_EQ(0, swl_state_mask_parse("closing", &m));
	EXPECT_EQ(1U << SYNWATCH_STATE_CLOSING, m);	/* the state, as in ss */
	ASSERT_EQ(0, swl_state_mask_parse("teardown", &m));
	EXPECT_EQ(6, __builtin_popcount(m));
	EXPECT_FALSE(m & (1U << SYNWATCH_STATE_ESTABLISHED));
	ASSERT_EQ(0, swl_state_mask_parse("connected", &m));
	EXPECT_FALSE(m & ((1U << SYNWATCH_STATE_LISTEN) | (1U << SYNWATCH_STATE_CLOSED)));
	EXPECT_TRUE(m & (1U << SYNWATCH_STATE_SYN_SENT));
	ASSERT_EQ(0, swl_state_mask_parse("all", &m));
	EXPECT_EQ(SWL_STATE_MASK_ALL, m);
	ASSERT_EQ(0, swl_state_mask_parse("SYN_RECV", &m));
	EXPECT_EQ(1U << SYNWATCH_STATE_SYN_RECEIVED, m);
	EXPECT_EQ(-1, swl_state_mask_parse("synsent", &m));

	swl_filter_init(&self->f);
	ASSERT_EQ(0, parse(&self->f, self->err, "exclude time-wait"));
	EXPECT_EQ(SWL_STATE_MASK_ALL & ~(1U << SYNWATCH_STATE_TIME_WAIT), self->f.state_mask);
	swl_filter_init(&self->f);
	EXPECT_EQ(-1, parse(&self->f, self->err, "exclude all"));
	EXPECT_EQ(-1, parse(&self->f, self->err, "state"));
	EXPECT_EQ(-1, parse(&self->f, self->err, "state bogus"));
	EXPECT_EQ(-1, parse(&self->f, self->err, "frobnicate"));
	EXPECT_NE(NULL, strstr(self->err, "frobnicate"));
}

TEST(event_masks)
{
	char err[256], buf[128];
	uint32_t m;

	ASSERT_EQ(0, swl_event_mask_parse("new,destroy", &m, err, sizeof(err)));
	EXPECT_EQ((1U << SYNWATCH_EVENT_NEW) | (1U << SYNWATCH_EVENT_DESTROY), m);
	ASSERT_EQ(0, swl_event_mask_parse("alert", &m, err, sizeof(err)));
	EXPECT_EQ(SWL_ALERT_EVENTS, m);
	ASSERT_EQ(0, swl_event_mask_parse("conn,flood_start", &m, err, sizeof(err)));
	EXPECT_EQ(SWL_CONN_EVENTS | (1U << SYNWATCH_EVENT_FLOOD_START), m);
	ASSERT_EQ(0, swl_event_mask_parse("all", &m, err, sizeof(err)));
	EXPECT_EQ(SYNWATCH_EVENT_MASK_ALL, m);
	EXPECT_STREQ("new,state,destroy,flood-start,flood-update,flood-end",
		     swl_event_mask_format(buf, sizeof(buf), m));
	ASSERT_EQ(0, swl_event_mask_parse("none", &m, err, sizeof(err)));
	EXPECT_EQ(0, m);
	EXPECT_STREQ("none", swl_event_mask_format(buf, sizeof(buf), 0));
	EXPECT_EQ(-1, swl_event_mask_parse("new,bogus", &m, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "bogus"));
}

static struct swl_conn conn4(const char *l, uint16_t lport, const char *r,
			    uint16_t rport, uint8_t state)
{
	struct swl_conn c = { .family = AF_INET, .state = state,
			     .lport = lport, .rport = rport };

	c.laddr.family = c.raddr.family = AF_INET;
	inet_pton(AF_INET, l, c.laddr.raw);
	inet_pton(AF_INET, r, c.raddr.raw);
	return c;
}

TEST_F(filter, userspace_match)
{
	struct swl_conn c = conn4("10.1.2.3", 80, "192.0.2.7", 40000,
				 SYNWATCH_STATE_ESTABLISHED);

	EXPECT_TRUE(swl_filter_match(&self->f, &c));
	ASSERT_EQ(0, parse(&self->f, self->err,
			   "state connected sport 80 dport > 1024 src 10.0.0.0/8 dst 192.0.2.0/25"));
	EXPECT_TRUE(swl_filter_match(&self->f, &c));
	c.rport = 1000;
	EXPECT_FALSE(swl_filter_match(&self->f, &c));
	c.rport = 40000;
	c.raddr.raw[3] = 200;		/* outside /25 */
	EXPECT_FALSE(swl_filter_match(&self->f, &c));
	c.raddr.raw[3] = 7;
	c.state = SYNWATCH_STATE_LISTEN;
	EXPECT_FALSE(swl_filter_match(&self->f, &c));

	swl_filter_init(&self->f);
	ASSERT_EQ(0, parse(&self->f, self->err, "sport != 22"));
	c.lport = 22;
	EXPECT_FALSE(swl_filter_match(&self->f, &c));
	c.lport = 23;
	EXPECT_TRUE(swl_filter_match(&self->f, &c));
}

TEST_F(filter, nest_attributes)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *nest, *a;
	int seen = 0;

	/* nothing to say: no nest at all, "everything" */
	swl_filter_put(nlh, &self->f);
	EXPECT_EQ(NLMSG_HDRLEN, nlh->nlmsg_len);
	ASSERT_EQ(0, parse(&self->f, self->err, "state all"));
	swl_filter_put(nlh, &self->f);
	EXPECT_EQ(NLMSG_HDRLEN, nlh->nlmsg_len);

	swl_filter_init(&self->f);
	ASSERT_EQ(0, parse(&self->f, self->err, "state half-open dport != 80 src 10.0.0.0/8"));
	swl_filter_put(nlh, &self->f);
	nest = mnl_nlmsg_get_payload(nlh);
	ASSERT_EQ(SYNWATCH_A_FILTER, mnl_attr_get_type(nest));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case SYNWATCH_A_FILTER_STATE_MASK:
			EXPECT_EQ(0x0e, mnl_attr_get_u32(a));
			break;
		case SYNWATCH_A_FILTER_RPORT_MIN:
		case SYNWATCH_A_FILTER_RPORT_MAX:
			EXPECT_EQ(80, mnl_attr_get_u16(a));
			break;
		case SYNWATCH_A_FILTER_RPORT_INVERT:
			EXPECT_EQ(0, mnl_attr_get_payload_len(a));
			break;
		case SYNWATCH_A_FILTER_LADDR:
			EXPECT_EQ(4, mnl_attr_get_payload_len(a));
			break;
		case SYNWATCH_A_FILTER_LPREFIX:
			EXPECT_EQ(8, mnl_attr_get_u8(a));
			break;
		case SYNWATCH_A_FILTER_FAMILY:
			EXPECT_EQ(AF_INET, mnl_attr_get_u8(a));
			break;
		default:
			TH_LOG("unexpected attribute %u", mnl_attr_get_type(a));
			EXPECT_TRUE(false);
		}
		seen++;
	}
	EXPECT_EQ(7, seen);
}

TEST_HARNESS_MAIN
