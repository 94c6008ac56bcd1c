/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict parsers for the numbers users type. Strict means: no sign, no
 * leading space, no trailing junk, no silent wrap-around; "12abc" and
 * "-1" are errors, not 12 and 2^64-1 as strtoul would have it.
 * All return 0 on success or -1 with errno EINVAL (not a number) or
 * ERANGE (a number, but too large).
 */
#ifndef SWL_PARSE_H
#define SWL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

int swl_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* "90", "90s", "5m", "2h", "1d" -> seconds */
int swl_parse_duration_s(const char *s, uint64_t max, uint64_t *out);

/* "250", "250ms", "2s", "1m" -> milliseconds */
int swl_parse_duration_ms(const char *s, uint64_t max, uint64_t *out);

/* "4096", "64k", "16M", "1G" (powers of 1024) -> bytes */
int swl_parse_size(const char *s, uint64_t max, uint64_t *out);

/* yes/no, true/false, on/off, 1/0 */
int swl_parse_bool(const char *s, bool *out);

#endif
