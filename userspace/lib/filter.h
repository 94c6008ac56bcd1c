/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection filters, shared by "conns", "flush" and "monitor": parsed
 * from ss-like words, sent to the kernel as a SYNWATCH_A_FILTER nest so
 * that selection happens there, and matchable in userspace for the
 * multicast mode of "monitor", which has no kernel-side filter.
 *
 * Grammar (words may be split or joined: "sport >= 1024", "sport>=1024"):
 *   state NAME|GROUP       may repeat; the union is taken
 *   exclude NAME|GROUP     removes states (from "all" if none given yet)
 *   sport [OP] PORT        local port;  OP: = == != < <= > >=  (default =)
 *   dport [OP] PORT        peer port    (also eq ne lt le gt ge)
 *   src ADDR[/LEN]         local address or prefix
 *   dst ADDR[/LEN]         peer address or prefix
 */
#ifndef SWL_FILTER_H
#define SWL_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "records.h"

#define SWL_STATE_MASK_ALL ((1U << (SYNWATCH_STATE_MAX + 1)) - 1)
#define SWL_ALERT_EVENTS ((1U << SYNWATCH_EVENT_FLOOD_START) |		\
			 (1U << SYNWATCH_EVENT_FLOOD_UPDATE) |		\
			 (1U << SYNWATCH_EVENT_FLOOD_END))
#define SWL_CONN_EVENTS ((1U << SYNWATCH_EVENT_NEW) |			\
			(1U << SYNWATCH_EVENT_STATE) |			\
			(1U << SYNWATCH_EVENT_DESTROY))

struct swl_prefix {
	bool set;
	struct swl_addr addr;	/* host bits cleared */
	uint8_t len;
};

struct swl_port_range {
	bool set;
	bool invert;
	uint16_t min, max;
};

struct swl_filter {
	uint32_t state_mask;	/* 0: any state */
	uint8_t family;		/* 0: any family */
	struct swl_prefix local, remote;
	struct swl_port_range lport, rport;
	int netns_fd;		/* -1: the caller's netns */
	uint32_t event_mask;	/* 0: not given (SUBSCRIBE only) */
	uint32_t batch_bytes;	/* 0: not given (SUBSCRIBE only) */
};

void swl_filter_init(struct swl_filter *f);

/* Parses the words; returns 0, or -1 with a message for the user in err. */
int swl_filter_parse(struct swl_filter *f, int argc, char *const argv[],
		    char *err, size_t errlen);

/* "10.0.0.0/8", "2001:db8::/32", "[::1]", "192.0.2.1"; clears host bits */
int swl_parse_prefix(const char *s, struct swl_prefix *p, char *err,
		    size_t errlen);

/* -4 / -6; fails if an address of the other family was given. */
int swl_filter_set_family(struct swl_filter *f, uint8_t family, char *err,
			 size_t errlen);

/* Any condition on connections (not counting event_mask and netns)? */
bool swl_filter_has_conditions(const struct swl_filter *f);

/* Adds a SYNWATCH_A_FILTER nest unless there is nothing to say. */
void swl_filter_put(struct nlmsghdr *nlh, const struct swl_filter *f);

bool swl_filter_match(const struct swl_filter *f, const struct swl_conn *c);

/* A state keyword or group name -> mask; -1 if unknown. */
int swl_state_mask_parse(const char *word, uint32_t *mask);

/*
 * Comma-separated event names or groups ("conn", "alert", "all",
 * "none") -> mask of (1 << SYNWATCH_EVENT_x); -1 with err if unknown.
 */
int swl_event_mask_parse(const char *list, uint32_t *mask, char *err,
			size_t errlen);

/* The inverse, for display: "new,state,destroy" ("none" if 0). */
char *swl_event_mask_format(char *buf, size_t len, uint32_t mask);

/* The list of state names and groups, for usage messages. */
extern const char swl_state_words_help[];

#endif
