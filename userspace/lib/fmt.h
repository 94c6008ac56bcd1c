/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Formatting helpers shared by the CLI and the daemon. Each writes into a
 * caller's buffer (SWL_FMT_LEN is enough for any of them) and returns it,
 * so that they can be used as printf arguments.
 */
#ifndef SWL_FMT_H
#define SWL_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "records.h"

#define SWL_FMT_LEN 64

/*
 * v in decimal at p, at least width digits (zero-padded), no NUL; returns
 * the end (at most max(20, width) bytes on). swl_json_put_u64()'s digits,
 * with the padding the event lines need of snprintf().
 */
char *swl_put_u64(char *p, uint64_t v, int width);

/* tcpdump style: "[S]", "[S.]", "[F.]", "[R.]", "[P.]", "[none]" */
char *swl_fmt_tcp_flags(char *buf, uint8_t flags);

char *swl_fmt_addr(char *buf, const struct swl_addr *a);
/* "10.0.0.1:80", "[2001:db8::1]:80" */
char *swl_fmt_endpoint(char *buf, const struct swl_addr *a, uint16_t port);
/* "10.0.0.0/24" */
char *swl_fmt_prefix(char *buf, const struct swl_addr *a, unsigned int len);

/* compact, two units at most: "850ms", "12.3s", "5m02s", "3h04m", "2d03h" */
char *swl_fmt_duration_ms(char *buf, uint64_t ms);
/* handshake RTTs: milliseconds with microsecond precision, "0.312ms" */
char *swl_fmt_rtt_us(char *buf, uint32_t us);
/* "512B", "1.5KiB", "3.2MiB" */
char *swl_fmt_bytes(char *buf, uint64_t bytes);
/* CLOCK_MONOTONIC in milliseconds: the clock of timers and timeouts */
uint64_t swl_monotonic_ms(void);
/* local wall-clock time of a CLOCK_REALTIME stamp, "14:03:07.123456" */
char *swl_fmt_time_ns(char *buf, uint64_t ns);
/* config timeouts, in the largest unit that is exact: "5d", "2m", "75s" */
char *swl_fmt_seconds(char *buf, uint64_t s);
/* SYNWATCH_CONN_F_* as "active,sack,ts" ("-" if none) */
char *swl_fmt_conn_flags(char *buf, size_t len, uint32_t flags);

/*
 * n samples as a UTF-8 sparkline, one of " ▁▂▃▄▅▆▇█" each (blank for 0),
 * scaled to the largest sample; buf needs 3 * n + 1 bytes.
 */
char *swl_fmt_sparkline(char *buf, const uint32_t *samples, size_t n);

#endif
