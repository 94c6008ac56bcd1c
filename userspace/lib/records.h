/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plain C views of the records the module sends: one struct per nest of
 * <linux/synwatch.h>, decoded by decode.c. Optional attributes are common
 * (ISNs, options, RTTs), so every record has a "have" bitmap with bit
 * (1 << SYNWATCH_A_<NEST>_<ATTR>) set for each attribute present; test it
 * with SWL_HAS() before trusting a field.
 */
#ifndef SWL_RECORDS_H
#define SWL_RECORDS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/synwatch.h>

#define SWL_HAS(rec, attr) ((((rec)->have) >> (attr)) & 1)
#define SWL_BIT(attr) (1ULL << (attr))

struct swl_addr {
	uint8_t family;		/* AF_INET, AF_INET6, or 0 if absent */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t raw[16];
	};
};

struct swl_conn {
	uint64_t have;
	uint8_t family, state, close_reason, closer;
	struct swl_addr laddr, raddr;
	uint16_t lport, rport;
	uint32_t flags;
	uint64_t age_ms, state_age_ms, idle_ms, timeout_ms;
	uint32_t isn_local, isn_remote;
	uint16_t mss_local, mss_remote;
	uint8_t wscale_local, wscale_remote;
	uint32_t syn_to_synack_us, synack_to_ack_us;
	uint32_t rtx_syn, rtx_synack, rtx_fin;
	uint64_t pkts_in, pkts_out, bytes_in, bytes_out;
	char history[SYNWATCH_HISTORY_LEN + 1];
};

struct swl_listener {
	uint64_t have;
	uint8_t family;
	struct swl_addr addr;
	uint16_t port;
	uint64_t syn_rx, synack_tx, completed, reset, cookie_completed,
		 unanswered;
	uint32_t half_open, half_open_recent, syn_rate, peak_rate;
	uint8_t completion_pct, status;
};

struct swl_stats {
	uint64_t have;
	uint64_t val[SYNWATCH_A_STATS_MAX + 1];
	uint64_t invalid_have;
	uint64_t invalid[SYNWATCH_INVALID_MAX + 1];
};

struct swl_config {
	uint64_t have;		/* SYNWATCH_A_CONFIG_* bits */
	uint32_t timeout_have;	/* bit per SYNWATCH_STATE_* */
	uint32_t timeout[SYNWATCH_STATE_MAX + 1];
	/* indexed by SYNWATCH_A_CONFIG_*; NLA_U8 values widened */
	uint32_t val[SYNWATCH_A_CONFIG_MAX + 1];
};

struct swl_source {
	uint8_t family, prefix_len;
	struct swl_addr prefix;
	uint32_t syns;
};

struct swl_alert {
	uint64_t have;
	struct swl_listener listener;
	uint8_t reason, cookies;
	uint64_t duration_ms, suppressed;
	uint32_t peak_rate;
	unsigned int nsources;
	struct swl_source sources[SYNWATCH_MAX_TOP_SOURCES];
};

struct swl_event {
	uint64_t have;
	uint8_t type, old_state, new_state, tcp_flags, dir;
	uint64_t seq, sub_seq, time_ns;
	bool has_conn, has_alert;
	struct swl_conn conn;
	struct swl_alert alert;
};

/*
 * Splits a synwatch message into its top-level nests (tb[SYNWATCH_A_x]),
 * validating that each known one is a nest. Returns the genl command, or
 * -1 on a malformed message.
 */
int swl_parse_top(const struct nlmsghdr *nlh,
		 const struct nlattr *tb[SYNWATCH_A_MAX + 1]);

/*
 * Each decoder fills *out from a nest and returns 0, or -1 with errno
 * EBADMSG and swl_decode_error() saying which attribute was wrong.
 */
int swl_decode_conn(const struct nlattr *nest, struct swl_conn *out);
int swl_decode_listener(const struct nlattr *nest, struct swl_listener *out);
int swl_decode_stats(const struct nlattr *nest, struct swl_stats *out);
int swl_decode_config(const struct nlattr *nest, struct swl_config *out);
int swl_decode_alert(const struct nlattr *nest, struct swl_alert *out);
/* a whole SYNWATCH_CMD_EVENT message */
int swl_decode_event(const struct nlmsghdr *nlh, struct swl_event *out);

const char *swl_decode_error(void);

/* The handshake RTT that matters for this side of the connection. */
bool swl_conn_rtt_us(const struct swl_conn *c, uint32_t *us);

#endif
