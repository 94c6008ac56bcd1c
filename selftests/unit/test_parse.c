// UNIT-DEPS: kmod/engine/state.c kmod/engine/segment.c kmod/engine/track.c
// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of the TCP header parser (kmod/engine/segment.c): lengths, data
 * offset, every option's bounds, option extraction and the flag checks.
 */
#include "unit.h"

#include <stdlib.h>

#define OPT_EOL		0
#define OPT_NOP		1
#define OPT_MSS		2
#define OPT_WS		3
#define OPT_SACKOK	4
#define OPT_SACK	5
#define OPT_TS		8
#define OPT_MPTCP	30

/*
 * Build a TCP header with the given options (optlen must be a multiple of
 * 4; pad with NOP/EOL in the caller so tests control the last byte).
 * Returns the header length.
 */
static u32 mkhdr(u8 *th, u8 flags, const u8 *opt, u32 optlen)
{
	u32 hlen = SW_TCP_HLEN_MIN + optlen;

	memset(th, 0, SW_TCP_HLEN_MAX);
	th[0] = 0x12;			/* sport 0x1234 */
	th[1] = 0x34;
	th[2] = 0xc3;			/* dport 0xc350 (50000) */
	th[3] = 0x50;
	th[4] = 0xde;			/* seq 0xdeadbeef */
	th[5] = 0xad;
	th[6] = 0xbe;
	th[7] = 0xef;
	th[8] = 0x80;			/* ack 0x80000001 */
	th[9] = 0x00;
	th[10] = 0x00;
	th[11] = 0x01;
	th[12] = (u8)((hlen / 4) << 4);
	th[13] = flags;
	th[14] = 0xfe;			/* window 0xfedc */
	th[15] = 0xdc;
	if (optlen)
		memcpy(th + SW_TCP_HLEN_MIN, opt, optlen);
	return hlen;
}

/* Parse a header holding opt, with no payload. */
static int parse_opts(u8 flags, const u8 *opt, u32 optlen, struct sw_pkt *p)
{
	u8 th[SW_TCP_HLEN_MAX];
	u32 hlen = mkhdr(th, flags, opt, optlen);

	return sw_parse_tcp(th, hlen, hlen, p);
}

TEST(header_fields)
{
	u8 th[SW_TCP_HLEN_MAX];
	struct sw_pkt p;
	u32 hlen = mkhdr(th, PSH | ACK, NULL, 0);

	ASSERT_EQ(20U, hlen);
	ASSERT_EQ(20U, sw_tcp_hdrlen(th));
	memset(&p, 0xaa, sizeof(p));
	ASSERT_EQ(0, sw_parse_tcp(th, hlen, hlen + 1000, &p));
	EXPECT_EQ(0x1234, p.sport);
	EXPECT_EQ(50000, p.dport);
	EXPECT_EQ(0xdeadbeefU, p.seq);
	EXPECT_EQ(0x80000001U, p.ack);
	EXPECT_EQ(PSH | ACK, p.flags);
	EXPECT_EQ(0xfedc, p.win);
	EXPECT_EQ(1000U, p.payload);
	EXPECT_EQ(1, p.segs);
	/* no options: nothing left over from before the call */
	EXPECT_EQ(0, p.mss);
	EXPECT_EQ(SW_WSCALE_NONE, p.wscale);
	EXPECT_EQ(0, (int)p.sack_ok);
	EXPECT_EQ(0, (int)p.ts);
}

TEST(hdrlen_from_doff)
{
	u8 th[SW_TCP_HLEN_MIN] = { 0 };
	u32 doff;

	for (doff = 0; doff < 16; doff++) {
		th[12] = (u8)(doff << 4 | 0x0f);	/* reserved bits set */
		EXPECT_EQ(doff * 4, sw_tcp_hdrlen(th));
	}
}

TEST(truncated_header)
{
	u8 th[SW_TCP_HLEN_MAX];
	struct sw_pkt p;
	u32 n;

	mkhdr(th, ACK, NULL, 0);
	/* fewer than 20 bytes copied, or in the packet at all */
	for (n = 0; n < SW_TCP_HLEN_MIN; n++) {
		EXPECT_EQ(SYNWATCH_INVALID_TRUNC_TCP,
			  sw_parse_tcp(th, n, 1500, &p));
		EXPECT_EQ(SYNWATCH_INVALID_TRUNC_TCP,
			  sw_parse_tcp(th, SW_TCP_HLEN_MIN, n, &p));
	}
	EXPECT_EQ(0, sw_parse_tcp(th, SW_TCP_HLEN_MIN, SW_TCP_HLEN_MIN, &p));
}

TEST(doff_below_five)
{
	u8 th[SW_TCP_HLEN_MAX];
	struct sw_pkt p;
	u8 doff;

	mkhdr(th, ACK, NULL, 0);
	for (doff = 0; doff < 5; doff++) {
		th[12] = (u8)(doff << 4);
		EXPECT_EQ(SYNWATCH_INVALID_BAD_DOFF,
			  sw_parse_tcp(th, SW_TCP_HLEN_MAX, 1500, &p));
	}
}

TEST(doff_past_the_packet)
{
	static const u8 nops[40] = {
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	};
	u8 th[SW_TCP_HLEN_MAX];
	struct sw_pkt p;

	/* doff 15 (60 bytes) in a 40-byte segment */
	ASSERT_EQ(60U, mkhdr(th, ACK, nops, 40));
	EXPECT_EQ(SYNWATCH_INVALID_BAD_DOFF, sw_parse_tcp(th, 60, 40, &p));
	EXPECT_EQ(SYNWATCH_INVALID_BAD_DOFF, sw_parse_tcp(th, 40, 40, &p));
	EXPECT_EQ(SYNWATCH_INVALID_BAD_DOFF, sw_parse_tcp(th, 60, 59, &p));
	EXPECT_EQ(0, sw_parse_tcp(th, 60, 60, &p));
	EXPECT_EQ(0U, p.payload);
	/* doff 6 in a 23-byte segment, then 24 */
	ASSERT_EQ(24U, mkhdr(th, ACK, nops, 4));
	EXPECT_EQ(SYNWATCH_INVALID_BAD_DOFF, sw_parse_tcp(th, 24, 23, &p));
	EXPECT_EQ(0, sw_parse_tcp(th, 24, 24, &p));
}

/* The packet is long enough but the caller copied less than doff * 4. */
TEST(doff_past_the_copied_bytes)
{
	static const u8 mss[4] = { OPT_MSS, 4, 0x05, 0xb4 };
	u8 th[SW_TCP_HLEN_MAX];
	struct sw_pkt p;

	mkhdr(th, SYN, mss, 4);
	EXPECT_EQ(SYNWATCH_INVALID_TRUNC_TCP, sw_parse_tcp(th, 20, 1500, &p));
	EXPECT_EQ(SYNWATCH_INVALID_TRUNC_TCP, sw_parse_tcp(th, 23, 1500, &p));
	EXPECT_EQ(0, sw_parse_tcp(th, 24, 1500, &p));
	EXPECT_EQ(1476U, p.payload);
	EXPECT_EQ(1460, p.mss);
}

TEST(payload_length)
{
	static const u8 opt[12] = {
		OPT_NOP, OPT_NOP, OPT_TS, 10, 0, 0, 0, 1, 0, 0, 0, 2,
	};
	u8 th[SW_TCP_HLEN_MAX];
	struct sw_pkt p;
	u32 hlen = mkhdr(th, PSH | ACK, opt, sizeof(opt));

	ASSERT_EQ(32U, hlen);
	ASSERT_EQ(0, sw_parse_tcp(th, hlen, hlen, &p));
	EXPECT_EQ(0U, p.payload);
	ASSERT_EQ(0, sw_parse_tcp(th, hlen, hlen + 1, &p));
	EXPECT_EQ(1U, p.payload);
	ASSERT_EQ(0, sw_parse_tcp(th, hlen, 65535, &p));
	EXPECT_EQ(65535U - 32, p.payload);
	/* a GSO/GRO super-packet */
	ASSERT_EQ(0, sw_parse_tcp(th, hlen, 64U * 1448 + hlen, &p));
	EXPECT_EQ(64U * 1448, p.payload);
	EXPECT_EQ(1, (int)p.ts);
}

/* What Linux puts in a SYN: MSS, SACK-permitted, timestamps, wscale. */
TEST(linux_syn_options)
{
	static const u8 opt[20] = {
		OPT_MSS, 4, 0x05, 0xb4,
		OPT_SACKOK, 2, OPT_TS, 10, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0,
		OPT_NOP, OPT_WS, 3, 7,
	};
	struct sw_pkt p;

	ASSERT_EQ(0, parse_opts(SYN, opt, sizeof(opt), &p));
	EXPECT_EQ(1460, p.mss);
	EXPECT_EQ(7, p.wscale);
	EXPECT_EQ(1, (int)p.sack_ok);
	EXPECT_EQ(1, (int)p.ts);
	EXPECT_EQ(0U, p.payload);
}

TEST(single_options)
{
	static const u8 mss[4] = { OPT_MSS, 4, 0xff, 0xff };
	static const u8 mss_low[4] = { OPT_MSS, 4, 0x02, 0x18 };
	static const u8 sack[4] = { OPT_NOP, OPT_NOP, OPT_SACKOK, 2 };
	static const u8 ts[12] = {
		OPT_NOP, OPT_NOP, OPT_TS, 10, 1, 2, 3, 4, 5, 6, 7, 8,
	};
	struct sw_pkt p;

	ASSERT_EQ(0, parse_opts(SYN, mss, 4, &p));
	EXPECT_EQ(65535, p.mss);
	EXPECT_EQ(SW_WSCALE_NONE, p.wscale);
	EXPECT_EQ(0, (int)p.sack_ok);
	EXPECT_EQ(0, (int)p.ts);
	ASSERT_EQ(0, parse_opts(SYN | ACK, mss_low, 4, &p));
	EXPECT_EQ(536, p.mss);
	ASSERT_EQ(0, parse_opts(SYN, sack, 4, &p));
	EXPECT_EQ(0, p.mss);
	EXPECT_EQ(1, (int)p.sack_ok);
	EXPECT_EQ(0, (int)p.ts);
	ASSERT_EQ(0, parse_opts(ACK, ts, 12, &p));
	EXPECT_EQ(1, (int)p.ts);
	EXPECT_EQ(0, (int)p.sack_ok);
	EXPECT_EQ(SW_WSCALE_NONE, p.wscale);
}

/* RFC 7323 2.3: a shift above 14 is used as 14. */
TEST(wscale_clamped_at_14)
{
	static const struct { u8 in, out; } c[] = {
		{ 0, 0 }, { 1, 1 }, { 7, 7 }, { 13, 13 }, { 14, 14 },
		{ 15, 14 }, { 16, 14 }, { 200, 14 }, { 255, 14 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		u8 opt[4] = { OPT_NOP, OPT_WS, 3, c[i].in };
		struct sw_pkt p;

		ASSERT_EQ(0, parse_opts(SYN, opt, 4, &p));
		EXPECT_EQ(c[i].out, p.wscale) TH_LOG("shift %u", c[i].in);
	}
}

/* Unknown options (and SACK blocks, MPTCP) are skipped by their length. */
TEST(unknown_options_skipped)
{
	static const u8 opt[28] = {
		OPT_SACK, 10, 0, 0, 0, 1, 0, 0, 0, 2,
		OPT_MPTCP, 4, 0, 0,
		254, 2,			/* experimental, empty */
		99, 3, 0,
		OPT_MSS, 4, 0x23, 0x28,
		OPT_NOP, OPT_WS, 3, 2, OPT_EOL,
	};
	struct sw_pkt p;

	ASSERT_EQ(0, parse_opts(SYN, opt, sizeof(opt), &p));
	EXPECT_EQ(9000, p.mss);
	EXPECT_EQ(2, p.wscale);
}

TEST(nop_and_eol)
{
	static const u8 nops[40] = {
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	};
	static const u8 eols[8] = { 0 };
	/* after EOL the rest is padding: never parsed, even if garbage */
	static const u8 eol_garbage[8] = {
		OPT_EOL, OPT_MSS, 1, 0xff, OPT_WS, 9, 9, 9,
	};
	static const u8 mss_eol[8] = {
		OPT_MSS, 4, 0x05, 0x78, OPT_EOL, OPT_WS, 3, 5,
	};
	/* an option that ends exactly where the header does */
	static const u8 nop_end[4] = { OPT_MSS, 4, 0x05, 0xb4 };
	struct sw_pkt p;

	ASSERT_EQ(0, parse_opts(SYN, nops, sizeof(nops), &p));
	EXPECT_EQ(0, p.mss);
	EXPECT_EQ(SW_WSCALE_NONE, p.wscale);
	ASSERT_EQ(0, parse_opts(SYN, eols, sizeof(eols), &p));
	ASSERT_EQ(0, parse_opts(SYN, eol_garbage, sizeof(eol_garbage), &p));
	EXPECT_EQ(0, p.mss);
	EXPECT_EQ(SW_WSCALE_NONE, p.wscale);
	ASSERT_EQ(0, parse_opts(SYN, mss_eol, sizeof(mss_eol), &p));
	EXPECT_EQ(1400, p.mss);
	EXPECT_EQ(SW_WSCALE_NONE, p.wscale);
	/* an option that ends exactly at the end of the header */
	ASSERT_EQ(0, parse_opts(SYN, nop_end, sizeof(nop_end), &p));
	EXPECT_EQ(1460, p.mss);
}

/* Every known option with any length but its own is rejected. */
TEST(known_options_wrong_length)
{
	static const struct { u8 kind, good; } k[] = {
		{ OPT_MSS, 4 }, { OPT_WS, 3 },
		{ OPT_SACKOK, 2 }, { OPT_TS, 10 },
	};
	size_t i;
	u8 len;

	for (i = 0; i < ARRAY_SIZE(k); i++) {
		for (len = 0; len <= 36; len++) {
			u8 opt[36];
			struct sw_pkt p;
			int want;

			/* the option, then room for its bytes (NOPs) */
			memset(opt, OPT_NOP, sizeof(opt));
			opt[0] = k[i].kind;
			opt[1] = len;
			want = len == k[i].good ? 0 :
			       SYNWATCH_INVALID_BAD_OPTIONS;
			EXPECT_EQ(want, parse_opts(SYN, opt, sizeof(opt), &p))
				TH_LOG("kind %u len %u", k[i].kind, len);
		}
	}
}

/* Length 0 or 1 is never valid (it cannot even cover kind and length). */
TEST(option_length_zero_or_one)
{
	static const u8 kinds[] = {
		OPT_MSS, OPT_WS, OPT_SACKOK, OPT_SACK, OPT_TS, 19, OPT_MPTCP,
		34, 253, 254, 255,
	};
	size_t i;
	u8 len;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		for (len = 0; len < 2; len++) {
			u8 opt[8];
			struct sw_pkt p;

			memset(opt, OPT_NOP, sizeof(opt));
			opt[2] = kinds[i];
			opt[3] = len;

			EXPECT_EQ(SYNWATCH_INVALID_BAD_OPTIONS,
				  parse_opts(SYN, opt, sizeof(opt), &p))
				TH_LOG("kind %u len %u", kinds[i], len);
		}
}

/* The kind is the last byte of the header: its length byte is missing. */
TEST(option_length_byte_missing)
{
	static const u8 kinds[] = {
		OPT_MSS, OPT_WS, OPT_SACKOK, OPT_SACK, OPT_TS, OPT_MPTCP, 254,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		u8 opt4[4] = { OPT_NOP, OPT_NOP, OPT_NOP, kinds[i] };
		u8 opt40[40];
		struct sw_pkt p;

		memset(opt40, OPT_NOP, sizeof(opt40));
		opt40[39] = kinds[i];
		EXPECT_EQ(SYNWATCH_INVALID_BAD_OPTIONS,
			  parse_opts(SYN, opt4, sizeof(opt4), &p))
			TH_LOG("kind %u", kinds[i]);
		EXPECT_EQ(SYNWATCH_INVALID_BAD_OPTIONS,
			  parse_opts(SYN, opt40, sizeof(opt40), &p))
			TH_LOG("kind %u", kinds[i]);
	}
}

/* Options with a correct length that still run past doff * 4. */
TEST(option_overruns_header)
{
	static const u8 mss[4] = { OPT_NOP, OPT_MSS, 4, 0x05 };
	static const u8 ws[4] = { OPT_NOP, OPT_NOP, OPT_WS, 3 };
	static const u8 ts[8] = { OPT_NOP, OPT_NOP, OPT_TS, 10, 0, 0, 0, 0 };
	static const u8 sack[12] = {
		OPT_NOP, OPT_NOP, OPT_SACK, 18, 0, 0, 0, 1, 0, 0, 0, 2,
	};
	static const u8 unknown[4] = { 99, 5, 0, 0 };
	static const u8 huge[4] = { 99, 255, 0, 0 };
	struct sw_pkt p;

	EXPECT_EQ(SYNWATCH_INVALID_BAD_OPTIONS, parse_opts(SYN, mss, 4, &p));
	EXPECT_EQ(SYNWATCH_INVALID_BAD_OPTIONS, parse_opts(SYN, ws, 4, &p));
	EXPECT_EQ(SYNWATCH_INVALID_BAD_OPTIONS, parse_opts(ACK, ts, 8, &p));
	EXPECT_EQ(SYNWATCH_INVALID_BAD_OPTIONS,
		  parse_opts(ACK, sack, 12, &p));
	EXPECT_EQ(SYNWATCH_INVALID_BAD_OPTIONS,
		  parse_opts(ACK, unknown, 4, &p));
	EXPECT_EQ(SYNWATCH_INVALID_BAD_OPTIONS, parse_opts(ACK, huge, 4, &p));
}

/* The option area is doff * 4, not what the caller copied or the packet. */
TEST(options_stop_at_doff)
{
	static const u8 opt[8] = {
		OPT_MSS, 4, 0x05, 0xb4, OPT_WS, 3, 9, OPT_NOP,
	};
	u8 th[SW_TCP_HLEN_MAX];
	struct sw_pkt p;

	mkhdr(th, SYN, opt, sizeof(opt));
	th[12] = 6 << 4;	/* doff 24: the MSS only; WS is payload */
	ASSERT_EQ(0, sw_parse_tcp(th, 28, 28, &p));
	EXPECT_EQ(1460, p.mss);
	EXPECT_EQ(SW_WSCALE_NONE, p.wscale);
	EXPECT_EQ(4U, p.payload);
}

/* xorshift32: a fixed sequence, so failures reproduce */
static u32 rnd(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Random headers in a buffer of exactly hlen bytes (so that a sanitizer
 * build catches any read past what the caller copied): the parser returns
 * 0 or a known reason, and on success what it extracted is sane.
 */
TEST(random_headers)
{
	static const u8 kinds[] = {
		OPT_EOL, OPT_NOP, OPT_MSS, OPT_WS, OPT_SACKOK, OPT_SACK,
		OPT_TS, OPT_MPTCP, 99,
	};
	u32 seed = 0x5eed1234, i, ok = 0;

	for (i = 0; i < 200000; i++) {
		u32 doff = 5 + rnd(&seed) % 11, hlen, l4len, j;
		struct sw_pkt p;
		u8 *th;
		int rc;

		hlen = doff * 4 - rnd(&seed) % 3 * (rnd(&seed) % 8 == 0);
		l4len = doff * 4 + rnd(&seed) % 3000 - (rnd(&seed) % 8 == 0);
		th = malloc(hlen);
		ASSERT_NE(NULL, th);
		for (j = 0; j < hlen; j++)
			th[j] = (u8)rnd(&seed);
		th[12] = (u8)(doff << 4);
		th[13] = (rnd(&seed) & 1) ? SYN : (u8)rnd(&seed);
		/* options: mostly known kinds with mostly right lengths */
		for (j = SW_TCP_HLEN_MIN; j + 1 < hlen; ) {
			u8 k = kinds[rnd(&seed) % ARRAY_SIZE(kinds)];
			u8 len = k == OPT_MSS ? 4 : k == OPT_WS ? 3 :
				 k == OPT_SACKOK ? 2 : k == OPT_TS ? 10 : 6;

			th[j] = k;
			if (k <= OPT_NOP) {
				j++;
				continue;
			}
			th[j + 1] = rnd(&seed) % 16 ? len : (u8)rnd(&seed);
			j += th[j + 1] ? th[j + 1] : 1;
		}
		rc = sw_parse_tcp(th, hlen, l4len, &p);
		EXPECT_TRUE(rc >= 0 && rc <= SYNWATCH_INVALID_MAX &&
			    rc != SYNWATCH_INVALID_TRUNC_IP &&
			    rc != SYNWATCH_INVALID_RST_WINDOW &&
			    rc != SYNWATCH_INVALID_FRAGMENT)
			TH_LOG("iteration %u: %d", i, rc);
		if (!rc) {
			ok++;
			EXPECT_EQ(l4len - doff * 4, p.payload);
			EXPECT_TRUE(p.wscale <= 14 ||
				    p.wscale == SW_WSCALE_NONE);
			EXPECT_EQ(0, sw_check_flags(p.flags));
		}
		free(th);
		if (_metadata->passed == 0)
			break;
	}
	/* the generator must reach the success path often enough */
	EXPECT_LT(10000U, ok);
}

struct flag_case {
	char name[16];
	u8 flags;
	int want;
};

static const struct flag_case flag_cases[] = {
	/* probes and impossible combinations */
	{ "NULL", 0, SYNWATCH_INVALID_FLAGS_NULL },
	{ "ECE alone", ECE, SYNWATCH_INVALID_FLAGS_NULL },
	{ "CWR alone", CWR, SYNWATCH_INVALID_FLAGS_NULL },
	{ "ECE CWR", ECE | CWR, SYNWATCH_INVALID_FLAGS_NULL },
	{ "XMAS", FIN | PSH | URG, SYNWATCH_INVALID_FLAGS_XMAS },
	{ "XMAS ACK", FIN | PSH | URG | ACK, SYNWATCH_INVALID_FLAGS_XMAS },
	{ "all flags", 0xff, SYNWATCH_INVALID_FLAGS_XMAS },
	{ "SYN FIN", SYN | FIN, SYNWATCH_INVALID_FLAGS_SYNFIN },
	{ "SYN FIN ACK", SYN | FIN | ACK, SYNWATCH_INVALID_FLAGS_SYNFIN },
	{ "SYN FIN PSH", SYN | FIN | PSH, SYNWATCH_INVALID_FLAGS_SYNFIN },
	{ "SYN RST", SYN | RST, SYNWATCH_INVALID_FLAGS_SYNRST },
	{ "SYN RST ACK", SYN | RST | ACK, SYNWATCH_INVALID_FLAGS_SYNRST },
	{ "FIN", FIN, SYNWATCH_INVALID_FLAGS_FIN_NOACK },
	{ "FIN PSH", FIN | PSH, SYNWATCH_INVALID_FLAGS_FIN_NOACK },
	{ "FIN URG", FIN | URG, SYNWATCH_INVALID_FLAGS_FIN_NOACK },
	{ "FIN RST", FIN | RST, SYNWATCH_INVALID_FLAGS_FIN_NOACK },
	/* what real stacks send */
	{ "SYN", SYN, 0 },
	{ "SYN ACK", SYN | ACK, 0 },
	{ "SYN ECE CWR", SYN | ECE | CWR, 0 },
	{ "SYN ACK ECE", SYN | ACK | ECE, 0 },
	{ "RST", RST, 0 },
	{ "RST ACK", RST | ACK, 0 },
	{ "ACK", ACK, 0 },
	{ "PSH ACK", PSH | ACK, 0 },
	{ "FIN ACK", FIN | ACK, 0 },
	{ "FIN PSH ACK", FIN | PSH | ACK, 0 },
	{ "URG ACK", URG | ACK, 0 },
	{ "ACK ECE CWR", ACK | ECE | CWR, 0 },
	{ "FIN ACK CWR", FIN | ACK | CWR, 0 },
};

TEST(check_flags)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flag_cases); i++)
		EXPECT_EQ(flag_cases[i].want,
			  sw_check_flags(flag_cases[i].flags))
			TH_LOG("%s", flag_cases[i].name);
}

/* The parser reports the same reasons, on a well-formed header. */
TEST(parse_reports_flags)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flag_cases); i++) {
		struct sw_pkt p;

		EXPECT_EQ(flag_cases[i].want,
			  parse_opts(flag_cases[i].flags, NULL, 0, &p))
			TH_LOG("%s", flag_cases[i].name);
	}
}

/* ECE and CWR (RFC 3168) never change the verdict. */
TEST(ecn_bits_are_neutral)
{
	unsigned int f;

	for (f = 0; f < 0x40; f++) {
		int base = sw_check_flags((u8)f);

		EXPECT_EQ(base, sw_check_flags((u8)(f | ECE)));
		EXPECT_EQ(base, sw_check_flags((u8)(f | CWR)));
		EXPECT_EQ(base, sw_check_flags((u8)(f | ECE | CWR)));
	}
}

TEST_HARNESS_MAIN
