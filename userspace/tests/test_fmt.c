// SPDX-License-Identifier: GPL-2.0
/* Formatting helpers, name tables and the JSON writer. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kselftest_harness.h"

#include "fmt.h"
#include "json.h"
#include "line.h"
#include "names.h"

static char *flags(uint8_t f)
{
	static char buf[SWL_FMT_LEN];

	return swl_fmt_tcp_flags(buf, f);
}

TEST(tcp_flags_tcpdump_style)
{
	EXPECT_STREQ("[S]", flags(0x02));
	EXPECT_STREQ("[S.]", flags(0x12));
	EXPECT_STREQ("[.]", flags(0x10));
	EXPECT_STREQ("[F.]", flags(0x11));
	EXPECT_STREQ("[R]", flags(0x04));
	EXPECT_STREQ("[R.]", flags(0x14));
	EXPECT_STREQ("[P.]", flags(0x18));
	EXPECT_STREQ("[FP.]", flags(0x19));
	EXPECT_STREQ("[SEW]", flags(0xc2));
	EXPECT_STREQ("[none]", flags(0));
	EXPECT_STREQ("[FSRP.UEW]", flags(0xff));
}

TEST(durations)
{
	char b[SWL_FMT_LEN];

	EXPECT_STREQ("0ms", swl_fmt_duration_ms(b, 0));
	EXPECT_STREQ("999ms", swl_fmt_duration_ms(b, 999));
	EXPECT_STREQ("1.0s", swl_fmt_duration_ms(b, 1000));
	EXPECT_STREQ("12.3s", swl_fmt_duration_ms(b, 12345));
	EXPECT_STREQ("1m00s", swl_fmt_duration_ms(b, 60000));
	EXPECT_STREQ("5m02s", swl_fmt_duration_ms(b, 302000));
	EXPECT_STREQ("3h04m", swl_fmt_duration_ms(b, (3 * 3600 + 4 * 60 + 5) * 1000ULL));
	EXPECT_STREQ("2d03h", swl_fmt_duration_ms(b, (2 * 86400 + 3 * 3600) * 1000ULL));
	EXPECT_STREQ("0.312ms", swl_fmt_rtt_us(b, 312));
	EXPECT_STREQ("12.045ms", swl_fmt_rtt_us(b, 12045));
	EXPECT_STREQ("0.000ms", swl_fmt_rtt_us(b, 0));
	EXPECT_STREQ("4294967.295ms", swl_fmt_rtt_us(b, UINT32_MAX));
	EXPECT_STREQ("59.9s", swl_fmt_duration_ms(b, 59999));
	EXPECT_STREQ("59m59s", swl_fmt_duration_ms(b, 3599999));
	EXPECT_STREQ("23h59m", swl_fmt_duration_ms(b, 86399999));
	EXPECT_STREQ("213503982334d14h", swl_fmt_duration_ms(b, UINT64_MAX));
	EXPECT_STREQ("5d", swl_fmt_seconds(b, 432000));
	EXPECT_STREQ("2m", swl_fmt_seconds(b, 120));
	EXPECT_STREQ("75s", swl_fmt_seconds(b, 75));
	EXPECT_STREQ("2h", swl_fmt_seconds(b, 7200));
	EXPECT_STREQ("0s", swl_fmt_seconds(b, 0));
	EXPECT_STREQ("512B", swl_fmt_bytes(b, 512));
	EXPECT_STREQ("1.5KiB", swl_fmt_bytes(b, 1536));
	EXPECT_STREQ("3.0MiB", swl_fmt_bytes(b, 3 << 20));
}

TEST(endpoints)
{
	struct swl_addr a = { .family = AF_INET };
	char b[SWL_FMT_LEN];

	inet_pton(AF_INET, "10.0.0.1", a.raw);
	EXPECT_STREQ("10.0.0.1:80", swl_fmt_endpoint(b, &a, 80));
	a.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", a.raw);
	EXPECT_STREQ("[2001:db8::1]:443", swl_fmt_endpoint(b, &a, 443));
	EXPECT_STREQ("2001:db8::1/64", swl_fmt_prefix(b, &a, 64));
	a.family = 0;
	EXPECT_STREQ("?:1", swl_fmt_endpoint(b, &a, 1));
}

/* The same text as "%02d:%02d:%02d.%06u" of localtime_r(), cached or not. */
TEST(wall_clock_times)
{
	static const uint64_t ns[] = {
		1700000000000000000ULL, 1700000000999999999ULL,
		1700000001000000000ULL, 1700000000000001000ULL,
		0, 1234567890123456789ULL,
	};
	char b[SWL_FMT_LEN], want[SWL_FMT_LEN];

	setenv("TZ", "Europe/Paris", 1);
	tzset();
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		time_t t = (time_t)(ns[i] / 1000000000);
		struct tm tm;

		ASSERT_NE(NULL, localtime_r(&t, &tm));
		snprintf(want, sizeof(want), "%02d:%02d:%02d.%06u", tm.tm_hour,
			 tm.tm_min, tm.tm_sec,
			 (unsigned int)(ns[i] % 1000000000 / 1000));
		EXPECT_STREQ(want, swl_fmt_time_ns(b, ns[i]));
	}
	unsetenv("TZ");
	tzset();
}

/* The line builder: columns as printf's, and never past the buffer. */
TEST(line_builder)
{
	char buf[16], big[64];
	struct swl_line l;

	swl_line_init(&l, big, sizeof(big));
	swl_line_pad(&l, "ab", 4);
	swl_line_rpad(&l, "cd", 4);
	swl_line_pad(&l, "toolong", 3);
	swl_line_key_u64(&l, " n=", 18446744073709551615ULL);
	EXPECT_EQ(strlen("ab    cdtoolong n=18446744073709551615"),
		  swl_line_end(&l));
	EXPECT_STREQ("ab    cdtoolong n=18446744073709551615", big);

	memset(buf, 'x', sizeof(buf));
	swl_line_init(&l, buf, 8);
	swl_line_str(&l, "0123456789");
	swl_line_chr(&l, 'y');
	swl_line_u64(&l, 42);
	swl_line_to(&l, 20);
	EXPECT_EQ(7, swl_line_end(&l));
	EXPECT_STREQ("0123456", buf);
	EXPECT_EQ('x', buf[8]);

	swl_line_init(&l, buf, 1);
	swl_line_lit(&l, "abc");
	EXPECT_EQ(0, swl_line_end(&l));
	EXPECT_STREQ("", buf);

	EXPECT_EQ(6, swl_put_u64(big, 7, 6) - big);
	big[6] = 0;
	EXPECT_STREQ("000007", big);
}

TEST(conn_flags)
{
	char b[SWL_FMT_LEN];

	EXPECT_STREQ("passive", swl_fmt_conn_flags(b, sizeof(b), 0));
	EXPECT_STREQ("active", swl_fmt_conn_flags(b, sizeof(b), SYNWATCH_CONN_F_ACTIVE));
	EXPECT_STREQ("passive,picked-up,cookie",
		     swl_fmt_conn_flags(b, sizeof(b), SYNWATCH_CONN_F_PICKUP |
						       SYNWATCH_CONN_F_COOKIE));
}

TEST(name_tables_complete)
{
	/* every enum value has a name: a missing initializer shows here */
	for (unsigned int i = 0; i <= SYNWATCH_STATE_MAX; i++) {
		ASSERT_NE(NULL, swl_state_names[i].keyword);
		EXPECT_EQ(i, (unsigned int)swl_name_lookup(swl_state_names,
			  swl_state_names_len, swl_state_names[i].keyword));
	}
	ASSERT_EQ(SYNWATCH_STATE_MAX + 1, swl_state_names_len);
	ASSERT_EQ(SYNWATCH_CLOSE_MAX + 1, swl_close_reason_names_len);
	ASSERT_EQ(SYNWATCH_INVALID_MAX + 1, swl_invalid_names_len);
	ASSERT_EQ(SYNWATCH_EVENT_MAX + 1, swl_event_names_len);
	for (unsigned int i = 1; i <= SYNWATCH_INVALID_MAX; i++)
		ASSERT_NE(NULL, swl_invalid_names[i].keyword);
	for (unsigned int i = SYNWATCH_A_STATS_PKTS_IN; i <= SYNWATCH_A_STATS_MAX; i++)
		ASSERT_NE(NULL, swl_stats_names[i].json);
	EXPECT_STREQ("?", SWL_NAME(swl_state_names, 200)->label);
	EXPECT_EQ(SYNWATCH_STATE_SYN_SENT,
		  swl_name_lookup(swl_state_names, swl_state_names_len, "SYN_SENT"));
	EXPECT_EQ(-1, swl_name_lookup(swl_state_names, swl_state_names_len, "bogus"));
}

/*
 * render.c writes these values at a JSON cursor, unescaped: each must be
 * a plain identifier that fits its room (json.h, SWL_JC_VALUE).
 */
static int json_plain(const char *s)
{
	if (!s || strlen(s) > SWL_JC_VALUE - 2)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '?'))
			return 0;
	return 1;
}

TEST(name_tables_json_plain)
{
	const struct { const struct swl_name *tab; size_t len; } tabs[] = {
		{ swl_state_names, swl_state_names_len },
		{ swl_close_reason_names, swl_close_reason_names_len },
		{ swl_closer_names, swl_closer_names_len },
		{ swl_event_names, swl_event_names_len },
		{ swl_listener_status_names, swl_listener_status_names_len },
		{ swl_alert_reason_names, swl_alert_reason_names_len },
		{ swl_dir_names, swl_dir_names_len },
	};

	for (size_t t = 0; t < sizeof(tabs) / sizeof(tabs[0]); t++) {
		/* one past the end: the fallback for unknown values */
		for (unsigned int i = 0; i <= tabs[t].len; i++) {
			const char *s = swl_name_of(tabs[t].tab, tabs[t].len, i)->json;

			EXPECT_TRUE(json_plain(s)) {
				TH_LOG("table %zu, value %u: \"%s\"", t, i, s ?: "(null)");
			}
		}
	}
	for (unsigned int f = 0; f < 64; f++)
		EXPECT_TRUE(json_plain(swl_family_name(f)));
}

/* Runs a writer into a string. */
#define JSON_TO(str, code) do {						\
	size_t _len;							\
	FILE *_f = open_memstream(&(str), &_len);			\
	struct swl_json _j;						\
	swl_json_init(&_j, _f);						\
	{ struct swl_json *j = &_j; code; }				\
	fclose(_f);							\
} while (0)

TEST(json_escaping)
{
	char *s = NULL;

	JSON_TO(s, swl_json_str(j, "a\"b\\c\n\t\x01\x1f\x7f/é"));
	EXPECT_STREQ("\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\\u007f/é\"", s);
	free(s);
	JSON_TO(s, swl_json_str(j, "\b\f\r"));
	EXPECT_STREQ("\"\\b\\f\\r\"", s);
	free(s);
}

TEST(json_structure)
{
	char *s = NULL;

	JSON_TO(s, {
		swl_json_obj_open(j);
		swl_json_ku64(j, "a", 1);
		swl_json_key(j, "list");
		swl_json_arr_open(j);
		swl_json_u64(j, 1);
		swl_json_str(j, "x");
		swl_json_obj_open(j);
		swl_json_obj_close(j);
		swl_json_arr_close(j);
		swl_json_kbool(j, "b", false);
		swl_json_key(j, "k\"ey");
		swl_json_u64(j, 0);
		swl_json_key(j, "d");
		swl_json_double(j, 1.0 / 0.0, 2);
		swl_json_key(j, "e");
		swl_json_double(j, 12.345, 2);
		swl_json_obj_close(j);
	});
	EXPECT_STREQ("{\"a\":1,\"list\":[1,\"x\",{}],\"b\":false,\"k\\\"ey\":0,\"d\":null,\"e\":12.35}", s);
	free(s);
}

/* A cursor's members between the writer's own, commas right. */
static void cursor_members(struct swl_json *j)
{
	static const struct swl_json_name a = SWL_JSON_NAME("a"),
		b = SWL_JSON_NAME("b"), c = SWL_JSON_NAME("c");
	struct swl_json_cur cur;
	char long_s[100];

	memset(long_s, 'x', sizeof(long_s) - 1);
	long_s[sizeof(long_s) - 1] = 0;
	swl_json_obj_open(j);
	/* nothing written: the next member takes no comma */
	if (swl_json_cur_begin(j, &cur, 0))
		swl_json_cur_end(j, &cur);
	if (swl_json_cur_begin(j, &cur, 2)) {
		swl_jc_u64(&cur, &a, 1);
		swl_jc_lit(&cur, &b, "x");
		swl_json_cur_end(j, &cur);
	}
	swl_json_ku64(j, "n", 2);
	swl_json_key(j, "o");
	swl_json_obj_open(j);
	if (swl_json_cur_begin(j, &cur, 1)) {
		swl_jc_lit(&cur, &c, long_s);	/* cut to its room */
		swl_json_cur_end(j, &cur);
	}
	swl_json_obj_close(j);
	swl_json_obj_close(j);
}

TEST(json_cursor)
{
	char want[160], *s = NULL;
	struct swl_json b = { 0 };

	snprintf(want, sizeof(want), "{\"a\":1,\"b\":\"x\",\"n\":2,\"o\":{\"c\":\"%.*s\"}}",
		 SWL_JC_VALUE - 2,
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	JSON_TO(s, cursor_members(j));
	EXPECT_STREQ(want, s);
	free(s);
	/* the same into a buffer */
	swl_json_init_buf(&b);
	cursor_members(&b);
	ASSERT_FALSE(b.oom);
	ASSERT_EQ(strlen(want), b.len);
	EXPECT_EQ(0, memcmp(want, b.buf, b.len));
	free(b.buf);
}

/* Every digit count, at and either side of each power of ten. */
TEST(json_u64_digits)
{
	uint64_t v[64], p = 1;
	int n = 0;

	v[n++] = 0;
	v[n++] = UINT64_MAX;
	for (int i = 0; i < 20; i++) {
		v[n++] = p - 1;
		v[n++] = p;
		v[n++] = p + 1;
		if (i < 19)
			p *= 10;
	}
	for (int i = 0; i < n; i++) {
		char *s = NULL, ref[24];

		JSON_TO(s, swl_json_u64(j, v[i]));
		snprintf(ref, sizeof(ref), "%" PRIu64, v[i]);
		EXPECT_STREQ(ref, s);
		free(s);
	}
}

TEST_HARNESS_MAIN
