/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The keys of "synwatch config": names, value syntax, ranges, and how they
 * map onto SYNWATCH_A_CONFIG_*. Values are checked here, before anything
 * is sent, so that users get "flood.completion_pct: 140 is out of range
 * (0-100)" rather than the kernel's terse EINVAL.
 */
#ifndef SWL_CFGKEYS_H
#define SWL_CFGKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "records.h"

enum swl_cfg_kind {
	SWL_CFG_SECONDS,		/* "90", "90s", "5m", "2h", "1d" */
	SWL_CFG_MS,		/* "250", "250ms", "2s" */
	SWL_CFG_COUNT,		/* plain number */
	SWL_CFG_PCT,		/* 0..100, "%" allowed */
	SWL_CFG_EVENTS,		/* event list, see swl_event_mask_parse() */
};

struct swl_cfg_key {
	const char *name;
	enum swl_cfg_kind kind;
	uint16_t attr;		/* SYNWATCH_A_CONFIG_* */
	uint8_t state;		/* SYNWATCH_STATE_* for timeouts */
	bool readonly;
	uint32_t min, max;
	const char *doc;
};

extern const struct swl_cfg_key swl_cfg_keys[];
extern const size_t swl_cfg_nkeys;

/* '-' and '_' are interchangeable: "timeout.syn-sent" works too. */
const struct swl_cfg_key *swl_cfg_find(const char *name);

bool swl_cfg_has(const struct swl_config *c, const struct swl_cfg_key *k);
uint32_t swl_cfg_get(const struct swl_config *c, const struct swl_cfg_key *k);
void swl_cfg_set(struct swl_config *c, const struct swl_cfg_key *k, uint32_t v);

int swl_cfg_parse_value(const struct swl_cfg_key *k, const char *s,
		       uint32_t *v, char *err, size_t errlen);

/* "KEY=VALUE" into *set; 0 or -1 with a message in err. */
int swl_cfg_parse_assignment(struct swl_config *set, const char *arg,
			    char *err, size_t errlen);

/*
 * Checks what cannot be checked one key at a time: each low mark must
 * not exceed its high mark, taking values from set, else from cur (the
 * kernel's current config; may be NULL).
 */
int swl_cfg_check(const struct swl_config *cur, const struct swl_config *set,
		 char *err, size_t errlen);

/* Formats a value the way swl_cfg_parse_value() reads it back. */
char *swl_cfg_format(char *buf, size_t len, const struct swl_cfg_key *k,
		    const struct swl_config *c);

/* Adds the SYNWATCH_A_CONFIG nest with every value set has. */
void swl_cfg_put(struct nlmsghdr *nlh, const struct swl_config *set);

/* "timeout.listen, timeout.syn_sent, ..." for error messages */
char *swl_cfg_key_list(char *buf, size_t len);

#endif
