// SPDX-License-Identifier: GPL-2.0
/*
 * Decoders and renderers on messages built here the way the module builds
 * them, without a kernel (the stream's loss accounting: test_stream.c).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <libmnl/libmnl.h>

#include "kselftest_harness.h"

#include "render.h"

static struct nlmsghdr *event_msg(char *buf, uint8_t type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct nlattr *nest;

	g->cmd = SYNWATCH_CMD_EVENT;
	nest = mnl_attr_nest_start(nlh, SYNWATCH_A_EVENT);
	mnl_attr_put_u8(nlh, SYNWATCH_A_EVENT_TYPE, type);
	mnl_attr_put_u64(nlh, SYNWATCH_A_EVENT_SEQ, 41);
	mnl_attr_put_u64(nlh, SYNWATCH_A_EVENT_SUB_SEQ, 7);
	mnl_attr_put_u64(nlh, SYNWATCH_A_EVENT_TIME_NS, 1700000000123456789ULL);
	mnl_attr_put_u8(nlh, SYNWATCH_A_EVENT_OLD_STATE, SYNWATCH_STATE_SYN_SENT);
	mnl_attr_put_u8(nlh, SYNWATCH_A_EVENT_NEW_STATE, SYNWATCH_STATE_ESTABLISHED);
	mnl_attr_put_u8(nlh, SYNWATCH_A_EVENT_TCP_FLAGS, 0x12);
	mnl_attr_put_u8(nlh, SYNWATCH_A_EVENT_DIR, SYNWATCH_DIR_IN);
	mnl_attr_put_u32(nlh, 200, 1);		/* from a newer module: skipped */
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void put_conn(struct nlmsghdr *nlh, int laddr_len)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, SYNWATCH_A_CONN);
	uint8_t l[16] = { 10, 0, 0, 1 }, r[4] = { 192, 0, 2, 9 };

	mnl_attr_put_u8(nlh, SYNWATCH_A_CONN_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, SYNWATCH_A_CONN_STATE, SYNWATCH_STATE_ESTABLISHED);
	mnl_attr_put(nlh, SYNWATCH_A_CONN_LADDR, (size_t)laddr_len, l);
	mnl_attr_put(nlh, SYNWATCH_A_CONN_RADDR, 4, r);
	mnl_attr_put_u16(nlh, SYNWATCH_A_CONN_LPORT, 5555);
	mnl_attr_put_u16(nlh, SYNWATCH_A_CONN_RPORT, 80);
	mnl_attr_put_u32(nlh, SYNWATCH_A_CONN_FLAGS, SYNWATCH_CONN_F_ACTIVE | SYNWATCH_CONN_F_TS_LOCAL);
	mnl_attr_put_u32(nlh, SYNWATCH_A_CONN_SYN_TO_SYNACK_US, 312);
	mnl_attr_put_u16(nlh, SYNWATCH_A_CONN_MSS_LOCAL, 1460);
	mnl_attr_put_u64(nlh, SYNWATCH_A_CONN_BYTES_IN, 1ULL << 40);
	mnl_attr_put_strz(nlh, SYNWATCH_A_CONN_HISTORY, "ShA");
	mnl_attr_nest_end(nlh, nest);
}

TEST(conn_event)
{
	char buf[4096], *out = NULL;
	struct nlmsghdr *nlh = event_msg(buf, SYNWATCH_EVENT_STATE);
	struct swl_event ev;
	struct swl_json j;
	uint32_t rtt;
	size_t len;
	FILE *f;

	put_conn(nlh, 4);
	ASSERT_EQ(0, swl_decode_event(nlh, &ev)) TH_LOG("%s", swl_decode_error());
	EXPECT_EQ(SYNWATCH_EVENT_STATE, ev.type);
	EXPECT_EQ(41, ev.seq);
	EXPECT_EQ(7, ev.sub_seq);
	EXPECT_TRUE(ev.has_conn);
	EXPECT_FALSE(ev.has_alert);
	EXPECT_EQ(5555, ev.conn.lport);
	EXPECT_EQ(1ULL << 40, ev.conn.bytes_in);
	EXPECT_STREQ("ShA", ev.conn.history);
	EXPECT_TRUE(SWL_HAS(&ev.conn, SYNWATCH_A_CONN_MSS_LOCAL));
	EXPECT_FALSE(SWL_HAS(&ev.conn, SYNWATCH_A_CONN_MSS_REMOTE));
	ASSERT_TRUE(swl_conn_rtt_us(&ev.conn, &rtt));
	EXPECT_EQ(312, rtt);

	f = open_memstream(&out, &len);
	swl_text_event(f, &ev, false);
	fclose(f);
	EXPECT_NE(NULL, strstr(out, "SYN_SENT -> ESTABLISHED"));
	EXPECT_NE(NULL, strstr(out, "[S.]"));
	EXPECT_NE(NULL, strstr(out, " in "));
	EXPECT_NE(NULL, strstr(out, "10.0.0.1:5555 192.0.2.9:80"));
	EXPECT_NE(NULL, strstr(out, "rtt=0.312ms"));
	free(out);

	f = open_memstream(&out, &len);
	swl_json_init(&j, f);
	swl_json_event(&j, &ev);
	fclose(f);
	EXPECT_NE(NULL, strstr(out, "\"event\":\"state\",\"seq\":41,\"sub_seq\":7,\"time_ns\":1700000000123456789"));
	EXPECT_NE(NULL, strstr(out, "\"old_state\":\"syn_sent\",\"new_state\":\"established\",\"tcp_flags\":\"S.\",\"dir\":\"in\""));
	EXPECT_NE(NULL, strstr(out, "\"local_addr\":\"10.0.0.1\",\"remote_addr\":\"192.0.2.9\",\"local_port\":5555"));
	EXPECT_NE(NULL, strstr(out, "\"rtt_us\":312,\"flags\":[\"active\",\"ts_local\"]"));
	EXPECT_NE(NULL, strstr(out, "\"history\":\"ShA\""));
	EXPECT_EQ(NULL, strstr(out, "mss_remote"));
	free(out);
}

TEST(malformed_rejected)
{
	char buf[4096];
	struct nlmsghdr *nlh = event_msg(buf, SYNWATCH_EVENT_NEW);
	struct swl_event ev;

	put_conn(nlh, 5);	/* an address of 5 bytes */
	EXPECT_EQ(-1, swl_decode_event(nlh, &ev));
	EXPECT_NE(NULL, strstr(swl_decode_error(), "SYNWATCH_A_CONN_LADDR"));
	nlh = event_msg(buf, SYNWATCH_EVENT_NEW);
	put_conn(nlh, 16);	/* IPv6 address, IPv4 family */
	EXPECT_EQ(-1, swl_decode_event(nlh, &ev));
	EXPECT_NE(NULL, strstr(swl_decode_error(), "family"));
}

TEST(alert_event)
{
	char buf[4096], *out = NULL;
	struct nlmsghdr *nlh = event_msg(buf, SYNWATCH_EVENT_FLOOD_START);
	struct nlattr *al, *l, *srcs, *s;
	uint8_t addr[4] = { 10, 0, 0, 1 }, pfx[4] = { 198, 51, 100, 0 };
	struct swl_event ev;
	size_t len;
	FILE *f;

	al = mnl_attr_nest_start(nlh, SYNWATCH_A_ALERT);
	l = mnl_attr_nest_start(nlh, SYNWATCH_A_ALERT_LISTENER);
	mnl_attr_put(nlh, SYNWATCH_A_LISTENER_ADDR, 4, addr);
	mnl_attr_put_u16(nlh, SYNWATCH_A_LISTENER_PORT, 80);
	mnl_attr_put_u32(nlh, SYNWATCH_A_LISTENER_HALF_OPEN, 1200);
	mnl_attr_put_u32(nlh, SYNWATCH_A_LISTENER_SYN_RATE, 5000);
	mnl_attr_put_u8(nlh, SYNWATCH_A_LISTENER_COMPLETION_PCT, 3);
	mnl_attr_put_u8(nlh, SYNWATCH_A_LISTENER_STATUS, SYNWATCH_LISTENER_FLOOD);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_put_u8(nlh, SYNWATCH_A_ALERT_REASON, SYNWATCH_ALERT_HALF_OPEN);
	mnl_attr_put_u8(nlh, SYNWATCH_A_ALERT_COOKIES, 1);
	srcs = mnl_attr_nest_start(nlh, SYNWATCH_A_ALERT_TOP_SOURCES);
	for (int i = 0; i < 6; i++) {	/* more than the contract's 4 */
		s = mnl_attr_nest_start(nlh, (uint16_t)i);
		mnl_attr_put_u8(nlh, SYNWATCH_A_SOURCE_FAMILY, AF_INET);
		mnl_attr_put(nlh, SYNWATCH_A_SOURCE_PREFIX, 4, pfx);
		mnl_attr_put_u8(nlh, SYNWATCH_A_SOURCE_PREFIX_LEN, 24);
		mnl_attr_put_u32(nlh, SYNWATCH_A_SOURCE_SYNS, 500 - (uint32_t)i);
		mnl_attr_nest_end(nlh, s);
	}
	mnl_attr_nest_end(nlh, srcs);
	mnl_attr_nest_end(nlh, al);

	ASSERT_EQ(0, swl_decode_event(nlh, &ev)) TH_LOG("%s", swl_decode_error());
	ASSERT_TRUE(ev.has_alert);
	EXPECT_EQ(AF_INET, ev.alert.listener.family);
	EXPECT_EQ(1200, ev.alert.listener.half_open);
	EXPECT_EQ(SYNWATCH_MAX_TOP_SOURCES, ev.alert.nsources);
	EXPECT_EQ(24, ev.alert.sources[0].prefix_len);
	f = open_memstream(&out, &len);
	swl_text_event(f, &ev, false);
	fclose(f);
	EXPECT_NE(NULL, strstr(out, "FLOOD_START"));
	EXPECT_NE(NULL, strstr(out, "10.0.0.1:80 reason=half-open half_open=1200 syn_rate=5000/s completion=3% cookies=yes"));
	EXPECT_NE(NULL, strstr(out, "top=198.51.100.0/24(500),198.51.100.0/24(499)"));
	free(out);
}

TEST(stats_reply)
{
	char buf[4096];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	const struct nlattr *tb[SYNWATCH_A_MAX + 1];
	struct nlattr *st, *inv;
	struct swl_stats s;

	g->cmd = SYNWATCH_CMD_GET_STATS;
	st = mnl_attr_nest_start(nlh, SYNWATCH_A_STATS);
	mnl_attr_put_u64(nlh, SYNWATCH_A_STATS_PKTS_IN, 100);
	mnl_attr_put_u64(nlh, SYNWATCH_A_STATS_CONN_MAX, 1000);
	mnl_attr_put_u64(nlh, SYNWATCH_A_STATS_CONN_COUNT_TOTAL, 250);
	inv = mnl_attr_nest_start(nlh, SYNWATCH_A_STATS_INVALID);
	mnl_attr_put_u64(nlh, SYNWATCH_INVALID_FLAGS_XMAS, 3);
	mnl_attr_nest_end(nlh, inv);
	mnl_attr_nest_end(nlh, st);
	ASSERT_EQ(SYNWATCH_CMD_GET_STATS, swl_parse_top(nlh, tb));
	ASSERT_NE(NULL, tb[SYNWATCH_A_STATS]);
	ASSERT_EQ(0, swl_decode_stats(tb[SYNWATCH_A_STATS], &s));
	EXPECT_EQ(100, s.val[SYNWATCH_A_STATS_PKTS_IN]);
	EXPECT_EQ(3, s.invalid[SYNWATCH_INVALID_FLAGS_XMAS]);
	EXPECT_FALSE(SWL_HAS(&s, SYNWATCH_A_STATS_PKTS_OUT));
	{
		char *out = NULL;
		size_t len;
		FILE *f = open_memstream(&out, &len);
		struct swl_json j;

		swl_json_init(&j, f);
		swl_json_stats(&j, &s);
		fclose(f);
		EXPECT_STREQ("{\"pkts_in\":100,\"conn_count_total\":250,\"conn_max\":1000,\"table_fill_pct\":25.00,\"invalid\":{\"flags_xmas\":3}}", out);
		free(out);
	}
}

TEST_HARNESS_MAIN
