// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fmt.h"
#include "json.h"

char *swl_put_u64(char *p, uint64_t v, int width)
{
	char d[20];
	int n = (int)swl_json_put_u64(d, v);

	for (; width > n; width--)
		*p++ = '0';
	memcpy(p, d, (size_t)n);
	return p + n;
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

char *swl_fmt_tcp_flags(char *buf, uint8_t flags)
{
	/* tcpdump's print order (print-tcp.c tcp_flag_values), ACK as '.' */
	static const struct { uint8_t bit; char c; } tab[] = {
		{ 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
		{ 0x10, '.' }, { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' },
	};
	char *p = buf;

	if (!flags) {
		strcpy(buf, "[none]");
		return buf;
	}
	*p++ = '[';
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (flags & tab[i].bit)
			*p++ = tab[i].c;
	*p++ = ']';
	*p = 0;
	return buf;
}

/* inet_ntop() goes through sprintf for IPv4: this is the same, faster. */
static void fmt_ipv4(char *buf, const uint8_t *b)
{
	char *p = buf;

	for (int i = 0; i < 4; i++) {
		unsigned int v = b[i];

		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = 0;
}

char *swl_fmt_addr(char *buf, const struct swl_addr *a)
{
	if (a->family == AF_INET)
		fmt_ipv4(buf, (const uint8_t *)a->raw);
	else if (!a->family || !inet_ntop(a->family, a->raw, buf, SWL_FMT_LEN))
		strcpy(buf, "?");
	return buf;
}

char *swl_fmt_endpoint(char *buf, const struct swl_addr *a, uint16_t port)
{
	char addr[SWL_FMT_LEN], *p = buf;

	swl_fmt_addr(addr, a);
	if (a->family == AF_INET6)
		*p++ = '[';
	p = put_str(p, addr);		/* at most INET6_ADDRSTRLEN - 1 */
	if (a->family == AF_INET6)
		*p++ = ']';
	*p++ = ':';
	*swl_put_u64(p, port, 1) = 0;
	return buf;
}

char *swl_fmt_prefix(char *buf, const struct swl_addr *a, unsigned int len)
{
	char *p;

	swl_fmt_addr(buf, a);
	p = buf + strlen(buf);
	*p++ = '/';
	*swl_put_u64(p, len, 1) = 0;
	return buf;
}

char *swl_fmt_duration_ms(char *buf, uint64_t ms)
{
	uint64_t s = ms / 1000;
	char *p = buf;

	if (ms < 1000) {
		p = put_str(swl_put_u64(p, ms, 1), "ms");
	} else if (s < 60) {
		p = swl_put_u64(p, s, 1);
		*p++ = '.';
		p = swl_put_u64(p, (ms % 1000) / 100, 1);
		*p++ = 's';
	} else if (s < 3600) {
		p = swl_put_u64(p, s / 60, 1);
		*p++ = 'm';
		p = swl_put_u64(p, s % 60, 2);
		*p++ = 's';
	} else if (s < 86400) {
		p = swl_put_u64(p, s / 3600, 1);
		*p++ = 'h';
		p = swl_put_u64(p, s % 3600 / 60, 2);
		*p++ = 'm';
	} else {
		p = swl_put_u64(p, s / 86400, 1);
		*p++ = 'd';
		p = swl_put_u64(p, s % 86400 / 3600, 2);
		*p++ = 'h';
	}
	*p = 0;
	return buf;
}

char *swl_fmt_rtt_us(char *buf, uint32_t us)
{
	char *p = swl_put_u64(buf, us / 1000, 1);

	*p++ = '.';
	p = swl_put_u64(p, us % 1000, 3);
	strcpy(p, "ms");
	return buf;
}

char *swl_fmt_bytes(char *buf, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, SWL_FMT_LEN, "%" PRIu64 "B", bytes);
		return buf;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, SWL_FMT_LEN, "%.1f%s", v, units[u]);
	return buf;
}

/*
 * localtime_r() takes a lock and works out the zone on every call: a
 * stream of events mostly stays within one second, so each thread keeps
 * the last second's "HH:MM:SS".
 */
char *swl_fmt_time_ns(char *buf, uint64_t ns)
{
	static __thread time_t last = -1;
	static __thread char hms[9];
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	char *p;

	if (t != last) {
		if (!localtime_r(&t, &tm)) {
			strcpy(buf, "?");
			return buf;
		}
		p = swl_put_u64(hms, (uint64_t)tm.tm_hour % 100, 2);
		*p++ = ':';
		p = swl_put_u64(p, (uint64_t)tm.tm_min, 2);
		*p++ = ':';
		swl_put_u64(p, (uint64_t)tm.tm_sec, 2);
		last = t;
	}
	memcpy(buf, hms, 8);
	buf[8] = '.';
	*swl_put_u64(buf + 9, ns % 1000000000 / 1000, 6) = 0;
	return buf;
}

char *swl_fmt_seconds(char *buf, uint64_t s)
{
	static const struct { uint64_t div; const char *unit; } units[] = {
		{ 86400, "d" }, { 3600, "h" }, { 60, "m" },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (s && s % units[i].div == 0) {
			snprintf(buf, SWL_FMT_LEN, "%" PRIu64 "%s",
				 s / units[i].div, units[i].unit);
			return buf;
		}
	}
	snprintf(buf, SWL_FMT_LEN, "%" PRIu64 "s", s);
	return buf;
}

char *swl_fmt_conn_flags(char *buf, size_t len, uint32_t flags)
{
	static const struct { uint32_t bit; const char *name; } tab[] = {
		{ SYNWATCH_CONN_F_ACTIVE, "active" },
		{ SYNWATCH_CONN_F_PICKUP, "picked-up" },
		{ SYNWATCH_CONN_F_COOKIE, "cookie" },
		{ SYNWATCH_CONN_F_SIMULTANEOUS, "simultaneous" },
	};
	size_t n = 0;

	buf[0] = 0;
	/* passive is the absence of "active"; say it, it is what people ask */
	n += (size_t)snprintf(buf, len, "%s",
			      flags & SYNWATCH_CONN_F_ACTIVE ? "" : "passive");
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]) && n < len; i++)
		if (flags & tab[i].bit)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "," : "", tab[i].name);
	return buf;
}

char *swl_fmt_sparkline(char *buf, const uint32_t *samples, size_t n)
{
	static const char *const bars[] = {
		"\u2581", "\u2582", "\u2583", "\u2584",
		"\u2585", "\u2586", "\u2587", "\u2588",
	};
	uint32_t max = 0;
	char *p = buf;

	for (size_t i = 0; i < n; i++)
		max = samples[i] > max ? samples[i] : max;
	for (size_t i = 0; i < n; i++) {
		if (!samples[i]) {
			*p++ = ' ';
			continue;
		}
		/* 1..max onto the 8 bars; any non-zero sample shows */
		size_t b = (size_t)(((uint64_t)samples[i] * 8 - 1) / max);

		memcpy(p, bars[b], 3);
		p += 3;
	}
	*p = 0;
	return buf;
}

uint64_t swl_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
