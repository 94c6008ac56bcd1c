// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

/* Parses the leading digits of s; *end points past them. */
static int parse_digits(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9') {
		errno = EINVAL;
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10) {
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + d;
	}
	*end = p;
	*out = v;
	return 0;
}

struct unit {
	const char *suffix;
	uint64_t mult;
};

/* digits followed by one of the units (the first unit is the default) */
static int parse_with_units(const char *s, const struct unit *units,
			    uint64_t max, uint64_t *out)
{
	const char *end;
	uint64_t v;

	if (parse_digits(s, &end, &v))
		return -1;
	for (const struct unit *u = units; u->suffix; u++) {
		if (strcmp(end, u->suffix))
			continue;
		if (v > max / u->mult) {
			errno = ERANGE;
			return -1;
		}
		*out = v * u->mult;
		return 0;
	}
	errno = EINVAL;
	return -1;
}

int swl_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	static const struct unit none[] = { { "", 1 }, { NULL, 0 } };

	return parse_with_units(s, none, max, out);
}

int swl_parse_duration_s(const char *s, uint64_t max, uint64_t *out)
{
	static const struct unit units[] = {
		{ "", 1 }, { "s", 1 }, { "m", 60 }, { "h", 3600 },
		{ "d", 86400 }, { NULL, 0 },
	};

	return parse_with_units(s, units, max, out);
}

int swl_parse_duration_ms(const char *s, uint64_t max, uint64_t *out)
{
	static const struct unit units[] = {
		{ "", 1 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { NULL, 0 },
	};

	return parse_with_units(s, units, max, out);
}

int swl_parse_size(const char *s, uint64_t max, uint64_t *out)
{
	static const struct unit units[] = {
		{ "", 1 }, { "k", 1ULL << 10 }, { "K", 1ULL << 10 },
		{ "M", 1ULL << 20 }, { "G", 1ULL << 30 }, { NULL, 0 },
	};

	return parse_with_units(s, units, max, out);
}

int swl_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (unsigned int i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}
