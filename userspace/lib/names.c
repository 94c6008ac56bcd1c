// SPDX-License-Identifier: GPL-2.0
/* Name tables; designated initializers keep them right if the enums move. */
#include <ctype.h>
#include <sys/socket.h>
#include <linux/synwatch.h>

#include "names.h"

#define N(k, l, j) { .keyword = k, .label = l, .json = j }

const struct swl_name swl_state_names[] = {
	[SYNWATCH_STATE_CLOSED]		= N("closed", "CLOSED", "closed"),
	[SYNWATCH_STATE_LISTEN]		= N("listen", "LISTEN", "listen"),
	[SYNWATCH_STATE_SYN_SENT]	= N("syn-sent", "SYN_SENT", "syn_sent"),
	[SYNWATCH_STATE_SYN_RECEIVED]	= N("syn-recv", "SYN_RECV", "syn_recv"),
	[SYNWATCH_STATE_ESTABLISHED]	= N("established", "ESTABLISHED", "established"),
	[SYNWATCH_STATE_FIN_WAIT_1]	= N("fin-wait-1", "FIN_WAIT_1", "fin_wait_1"),
	[SYNWATCH_STATE_FIN_WAIT_2]	= N("fin-wait-2", "FIN_WAIT_2", "fin_wait_2"),
	[SYNWATCH_STATE_CLOSE_WAIT]	= N("close-wait", "CLOSE_WAIT", "close_wait"),
	[SYNWATCH_STATE_CLOSING]	= N("closing", "CLOSING", "closing"),
	[SYNWATCH_STATE_LAST_ACK]	= N("last-ack", "LAST_ACK", "last_ack"),
	[SYNWATCH_STATE_TIME_WAIT]	= N("time-wait", "TIME_WAIT", "time_wait"),
};

const struct swl_name swl_close_reason_names[] = {
	[SYNWATCH_CLOSE_NONE]		= N("none", "none", "none"),
	[SYNWATCH_CLOSE_LOCAL_FIN]	= N("local-fin", "local-fin", "local_fin"),
	[SYNWATCH_CLOSE_REMOTE_FIN]	= N("remote-fin", "remote-fin", "remote_fin"),
	[SYNWATCH_CLOSE_LOCAL_RST]	= N("local-rst", "local-rst", "local_rst"),
	[SYNWATCH_CLOSE_REMOTE_RST]	= N("remote-rst", "remote-rst", "remote_rst"),
	[SYNWATCH_CLOSE_REFUSED]	= N("refused", "refused", "refused"),
	[SYNWATCH_CLOSE_TIMEOUT]	= N("timeout", "timeout", "timeout"),
	[SYNWATCH_CLOSE_EVICTED]	= N("evicted", "evicted", "evicted"),
	[SYNWATCH_CLOSE_UNLOAD]		= N("unload", "unload", "unload"),
	[SYNWATCH_CLOSE_FLUSH]		= N("flush", "flush", "flush"),
};

const struct swl_name swl_closer_names[] = {
	[SYNWATCH_CLOSER_NONE]		= N("none", "none", "none"),
	[SYNWATCH_CLOSER_LOCAL]		= N("local", "local", "local"),
	[SYNWATCH_CLOSER_REMOTE]	= N("remote", "remote", "remote"),
	[SYNWATCH_CLOSER_BOTH]		= N("both", "both", "both"),
};

const struct swl_name swl_invalid_names[] = {
	[SYNWATCH_INVALID_UNSPEC]	= N(NULL, "unspec", "unspec"),
	[SYNWATCH_INVALID_TRUNC_IP]	= N("trunc-ip", "truncated IP header", "trunc_ip"),
	[SYNWATCH_INVALID_TRUNC_TCP]	= N("trunc-tcp", "truncated TCP header", "trunc_tcp"),
	[SYNWATCH_INVALID_BAD_DOFF]	= N("bad-doff", "bad data offset", "bad_doff"),
	[SYNWATCH_INVALID_BAD_OPTIONS]	= N("bad-options", "bad TCP options", "bad_options"),
	[SYNWATCH_INVALID_FLAGS_NULL]	= N("flags-null", "no flags (NULL scan)", "flags_null"),
	[SYNWATCH_INVALID_FLAGS_XMAS]	= N("flags-xmas", "FIN+PSH+URG (Xmas scan)", "flags_xmas"),
	[SYNWATCH_INVALID_FLAGS_SYNFIN]	= N("flags-synfin", "SYN+FIN", "flags_synfin"),
	[SYNWATCH_INVALID_FLAGS_SYNRST]	= N("flags-synrst", "SYN+RST", "flags_synrst"),
	[SYNWATCH_INVALID_FLAGS_FIN_NOACK] = N("flags-fin-noack", "FIN without ACK", "flags_fin_noack"),
	[SYNWATCH_INVALID_RST_WINDOW]	= N("rst-window", "RST outside window", "rst_window"),
	[SYNWATCH_INVALID_FRAGMENT]	= N("fragment", "IPv6 fragment", "fragment"),
};

const struct swl_name swl_event_names[] = {
	[SYNWATCH_EVENT_UNSPEC]		= N(NULL, "?", "unspec"),
	[SYNWATCH_EVENT_NEW]		= N("new", "NEW", "new"),
	[SYNWATCH_EVENT_STATE]		= N("state", "STATE", "state"),
	[SYNWATCH_EVENT_DESTROY]	= N("destroy", "DESTROY", "destroy"),
	[SYNWATCH_EVENT_FLOOD_START]	= N("flood-start", "FLOOD_START", "flood_start"),
	[SYNWATCH_EVENT_FLOOD_UPDATE]	= N("flood-update", "FLOOD_UPDATE", "flood_update"),
	[SYNWATCH_EVENT_FLOOD_END]	= N("flood-end", "FLOOD_END", "flood_end"),
};

const struct swl_name swl_listener_status_names[] = {
	[SYNWATCH_LISTENER_OK]		= N("ok", "ok", "ok"),
	[SYNWATCH_LISTENER_FLOOD]	= N("flood", "FLOOD", "flood"),
	[SYNWATCH_LISTENER_BACKLOG]	= N("backlog-full", "backlog-full", "backlog_full"),
};

const struct swl_name swl_alert_reason_names[] = {
	[SYNWATCH_ALERT_HALF_OPEN]	= N("half-open", "half-open", "half_open"),
	[SYNWATCH_ALERT_RATE]		= N("rate", "rate", "rate"),
};

const struct swl_name swl_dir_names[] = {
	[SYNWATCH_DIR_NONE]		= N("none", "-", "none"),
	[SYNWATCH_DIR_IN]		= N("in", "in", "in"),
	[SYNWATCH_DIR_OUT]		= N("out", "out", "out"),
};

#define ST(a, l, j) [SYNWATCH_A_STATS_##a] = N(NULL, l, j)
const struct swl_name swl_stats_names[] = {
	ST(PKTS_IN, "packets in", "pkts_in"),
	ST(PKTS_OUT, "packets out", "pkts_out"),
	ST(PKTS_FWD, "packets forwarded", "pkts_fwd"),
	ST(CONN_NEW, "connections created", "conn_new"),
	ST(CONN_DESTROY, "connections destroyed", "conn_destroy"),
	ST(STATE_CHANGES, "state changes", "state_changes"),
	ST(RTX_SYN, "SYN retransmits", "rtx_syn"),
	ST(RTX_SYNACK, "SYN-ACK retransmits", "rtx_synack"),
	ST(RTX_FIN, "FIN retransmits", "rtx_fin"),
	ST(PICKUP, "picked up mid-stream", "pickup"),
	ST(UNTRACKED, "packets of no connection", "untracked"),
	ST(EVICT, "evictions", "evict"),
	ST(INSERT_FAILED, "insert failures", "insert_failed"),
	ST(EXPIRED, "expired", "expired"),
	ST(EVENTS_SENT, "events sent", "events_sent"),
	ST(EVENT_DROP, "events dropped", "event_drop"),
	ST(EVENT_SUPPRESSED, "events suppressed", "event_suppressed"),
	ST(SEARCH_RESTART, "lookup restarts", "search_restart"),
	ST(CONN_COUNT, "connections (this netns)", "conn_count"),
	ST(CONN_COUNT_TOTAL, "connections (all netns)", "conn_count_total"),
	ST(CONN_MAX, "table capacity", "conn_max"),
	ST(HASH_SIZE, "hash buckets", "hash_size"),
	ST(OBJ_SIZE, "record size", "obj_size"),
	ST(MEM_BYTES, "memory in use", "mem_bytes"),
	ST(LISTENERS, "listeners", "listeners"),
	ST(INVALID, "invalid packets", "invalid"),
	ST(ALERTS, "flood alerts", "alerts"),
};

const char *swl_family_name(unsigned int family)
{
	return family == AF_INET ? "ipv4" : family == AF_INET6 ? "ipv6" : "?";
}

#define LEN(t) const size_t t##_len = sizeof(t) / sizeof(t[0])
LEN(swl_state_names);
LEN(swl_close_reason_names);
LEN(swl_closer_names);
LEN(swl_invalid_names);
LEN(swl_event_names);
LEN(swl_listener_status_names);
LEN(swl_alert_reason_names);
LEN(swl_dir_names);
LEN(swl_stats_names);

static const struct swl_name unknown = N(NULL, "?", "unknown");

const struct swl_name *swl_name_of(const struct swl_name *tab, size_t len,
				 unsigned int v)
{
	if (v >= len || !tab[v].label)
		return &unknown;
	return &tab[v];
}

static int same_word(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = *a == '_' ? '-' : (char)tolower((unsigned char)*a);
		char cb = *b == '_' ? '-' : (char)tolower((unsigned char)*b);

		if (ca != cb)
			return 0;
	}
	return *a == *b;
}

int swl_name_lookup(const struct swl_name *tab, size_t len, const char *s)
{
	for (size_t i = 0; i < len; i++)
		if (tab[i].keyword && same_word(tab[i].keyword, s))
			return (int)i;
	return -1;
}
