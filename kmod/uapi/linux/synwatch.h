/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * synwatch: per-connection TCP state tracking, as seen by the local host.
 *
 * Documentation
 * =============
 *
 * This header is the whole contract between the synwatch kernel module and
 * userspace. Userspace includes this very file as <linux/synwatch.h>.
 *
 * synwatch speaks generic netlink, family SYNWATCH_GENL_NAME, version
 * SYNWATCH_GENL_VERSION. All state is per network namespace: a request made
 * from a netns reads and changes that netns only (see SYNWATCH_A_FILTER_NETNS_FD
 * for the one exception). Every command validates its attributes strictly:
 * unknown attributes, wrong types or lengths and values that make no sense
 * are rejected with -EINVAL, integers outside a range the policy states
 * (timeouts, FLOOD_*_MS, FLOOD_COMPLETION_PCT) with -ERANGE as the netlink
 * policy check reports them; each with an extack message. Commands marked
 * (admin) need CAP_NET_ADMIN in the user namespace owning the netns
 * (GENL_UNS_ADMIN_PERM); everything else may be used by any user.
 *
 * Addresses are in network byte order (struct in_addr / struct in6_addr,
 * NLA_BINARY of 4 or 16 bytes). Ports and all other integers are in host
 * byte order. Times are in the units their names say.
 *
 * "Local" is the endpoint on this host; "remote" is its peer. All states are
 * the local endpoint's RFC 9293 states, inferred from the packets it sends
 * and receives.
 *
 * SYNWATCH_CMD_GET_STATS
 * ----------------------
 * Plain request, no attributes. The reply carries:
 *
 *    SYNWATCH_A_STATS: NLA_NESTED
 *        SYNWATCH_A_STATS_*: NLA_U64 each, per-CPU counters summed
 *        SYNWATCH_A_STATS_INVALID: NLA_NESTED
 *            SYNWATCH_INVALID_<reason> (1..SYNWATCH_INVALID_MAX): NLA_U64
 *
 * Counters that are global to the module (table size, memory, evictions of
 * the shared table) are the same in every netns; packet and event counters
 * are the netns' own.
 *
 * SYNWATCH_CMD_RESET_STATS (admin)
 * -------------------------
 * Zeroes the netns' counters, like "conntrack -S -z". No attributes.
 *
 * SYNWATCH_CMD_GET_CONN
 * ---------------------
 * Must be a dump (NLM_F_DUMP). The request may carry a filter:
 *
 *    SYNWATCH_A_FILTER: NLA_NESTED (optional; absent means "everything")
 *        SYNWATCH_A_FILTER_STATE_MASK: NLA_U32, bit (1 << SYNWATCH_STATE_x)
 *        SYNWATCH_A_FILTER_FAMILY: NLA_U8, AF_INET or AF_INET6
 *        SYNWATCH_A_FILTER_LADDR: NLA_BINARY, 4 or 16 bytes
 *        SYNWATCH_A_FILTER_LPREFIX: NLA_U8, prefix length for LADDR
 *        SYNWATCH_A_FILTER_RADDR: NLA_BINARY, 4 or 16 bytes
 *        SYNWATCH_A_FILTER_RPREFIX: NLA_U8, prefix length for RADDR
 *        SYNWATCH_A_FILTER_LPORT_MIN / _MAX: NLA_U16, inclusive range
 *        SYNWATCH_A_FILTER_LPORT_INVERT: NLA_FLAG, match outside the range
 *        SYNWATCH_A_FILTER_RPORT_MIN / _MAX / _INVERT: likewise for the peer
 *        SYNWATCH_A_FILTER_NETNS_FD: NLA_S32, dump the netns of this fd
 *            instead of the caller's; needs CAP_NET_ADMIN over that netns.
 *            GET_CONN and GET_LISTENER only: FLUSH and SUBSCRIBE act on
 *            the caller's netns and reject it with -EINVAL
 *        SYNWATCH_A_FILTER_EVENT_MASK: NLA_U32, only for SUBSCRIBE
 *        SYNWATCH_A_FILTER_BATCH_BYTES: NLA_U32, only for SUBSCRIBE: the
 *            largest datagram of events this reader takes (its receive
 *            buffer), at least 4096; see "Batches" below
 *
 * Every condition present must hold. Each connection comes in its own
 * message (NLM_F_MULTI):
 *
 *    SYNWATCH_A_CONN: NLA_NESTED
 *        SYNWATCH_A_CONN_FAMILY: NLA_U8
 *        SYNWATCH_A_CONN_STATE: NLA_U8, enum synwatch_state
 *        SYNWATCH_A_CONN_LADDR, SYNWATCH_A_CONN_RADDR: NLA_BINARY
 *        SYNWATCH_A_CONN_LPORT, SYNWATCH_A_CONN_RPORT: NLA_U16
 *        SYNWATCH_A_CONN_FLAGS: NLA_U32, SYNWATCH_CONN_F_*
 *        SYNWATCH_A_CONN_AGE_MS: NLA_U64, since first packet
 *        SYNWATCH_A_CONN_STATE_AGE_MS: NLA_U64, since entering STATE
 *        SYNWATCH_A_CONN_IDLE_MS: NLA_U64, since the last packet
 *        SYNWATCH_A_CONN_ISN_LOCAL, SYNWATCH_A_CONN_ISN_REMOTE: NLA_U32
 *            (absent for connections picked up mid-stream)
 *        SYNWATCH_A_CONN_MSS_LOCAL, SYNWATCH_A_CONN_MSS_REMOTE: NLA_U16
 *        SYNWATCH_A_CONN_WSCALE_LOCAL, SYNWATCH_A_CONN_WSCALE_REMOTE: NLA_U8
 *            (each option attribute present only if the SYN carried it)
 *        SYNWATCH_A_CONN_SYN_TO_SYNACK_US: NLA_U32, client-side handshake
 *            RTT: local SYN to remote SYN-ACK (active open only)
 *        SYNWATCH_A_CONN_SYNACK_TO_ACK_US: NLA_U32, server-side handshake
 *            RTT: local SYN-ACK to remote ACK (passive open only)
 *        SYNWATCH_A_CONN_RTX_SYN, _RTX_SYNACK, _RTX_FIN: NLA_U32
 *        SYNWATCH_A_CONN_PKTS_IN, _PKTS_OUT: NLA_U64
 *        SYNWATCH_A_CONN_BYTES_IN, _BYTES_OUT: NLA_U64, payload bytes in
 *            sequence space, so retransmissions are not counted twice
 *        SYNWATCH_A_CONN_CLOSE_REASON: NLA_U8, enum synwatch_close_reason
 *        SYNWATCH_A_CONN_CLOSER: NLA_U8, enum synwatch_closer
 *        SYNWATCH_A_CONN_HISTORY: NLA_NUL_STRING, see "History" below
 *        SYNWATCH_A_CONN_TIMEOUT_MS: NLA_U64, time left before expiry
 *
 * SYNWATCH_CMD_GET_LISTENER
 * -------------------------
 * Must be a dump. Each listener (netns, local address, local port) that has
 * seen a SYN comes in its own message:
 *
 *    SYNWATCH_A_LISTENER: NLA_NESTED
 *        SYNWATCH_A_LISTENER_FAMILY: NLA_U8
 *        SYNWATCH_A_LISTENER_ADDR: NLA_BINARY
 *        SYNWATCH_A_LISTENER_PORT: NLA_U16
 *        SYNWATCH_A_LISTENER_SYN_RX, _SYNACK_TX, _COMPLETED, _RESET,
 *        _COOKIE_COMPLETED, _UNANSWERED: NLA_U64, counters
 *        SYNWATCH_A_LISTENER_HALF_OPEN: NLA_U32, current half-open count
 *        SYNWATCH_A_LISTENER_SYN_RATE: NLA_U32, SYNs/s, EWMA over ~1 s
 *        SYNWATCH_A_LISTENER_PEAK_RATE: NLA_U32, highest SYN_RATE seen
 *        SYNWATCH_A_LISTENER_COMPLETION_PCT: NLA_U8, handshakes completed
 *            per SYN received (and not refused) over the recent window,
 *            0..100
 *        SYNWATCH_A_LISTENER_STATUS: NLA_U8, enum synwatch_listener_status
 *        SYNWATCH_A_LISTENER_HALF_OPEN_RECENT: NLA_U32, of HALF_OPEN, those
 *            begun in the last 3 to 4 s: what the flood detector compares
 *            with the FLOOD_HALF_OPEN marks (see "Flood detection")
 *
 * COUNTERS count passive opens only (the peer sent the SYN). COMPLETED
 * includes COOKIE_COMPLETED: handshakes whose SYN-ACK was a SYN cookie, or
 * connections first seen as an ACK establishing them (their SYN-ACK, a
 * cookie or not, went out before synwatch could track it, or its record
 * was evicted). UNANSWERED counts half-open records that ended (timeout,
 * eviction, flush) without our SYN-ACK.
 *
 * SYNWATCH_CMD_GET_CONFIG / SYNWATCH_CMD_SET_CONFIG (admin)
 * ---------------------------------------------------------
 * GET takes no attributes and replies with the whole SYNWATCH_A_CONFIG
 * nest. SET takes a SYNWATCH_A_CONFIG nest with any subset of:
 *
 *    SYNWATCH_A_CONFIG: NLA_NESTED
 *        SYNWATCH_A_CONFIG_TIMEOUTS: NLA_NESTED
 *            SYNWATCH_STATE_x + 1 (attribute type 0 is reserved, so the
 *                type is the state plus one): NLA_U32 seconds,
 *                1..SYNWATCH_TIMEOUT_MAX_S
 *        SYNWATCH_A_CONFIG_EVENT_MASK: NLA_U32, which event types are sent
 *            to the multicast groups at all, bit (1 << SYNWATCH_EVENT_x)
 *        SYNWATCH_A_CONFIG_MAX_CONNS: NLA_U32, this netns' share of the
 *            table, 0 = no per-netns limit (the module cap still holds).
 *            At its share, a new record takes the place of one of the
 *            netns' own, found by scanning the buckets near it (as for
 *            the module cap): where the netns' records are few among
 *            many buckets the scan may find none, and the connection goes
 *            untracked (SYNWATCH_A_STATS_INSERT_FAILED)
 *        SYNWATCH_A_CONFIG_MAX_CONNS_GLOBAL: NLA_U32, read-only, the
 *            module's max_conns parameter
 *        SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH / _LOW: NLA_U32, recent
 *            half-open connections (HIGH 0 disables the half-open test)
 *        SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH / _LOW: NLA_U32, SYNs/s
 *            (HIGH 0 disables the rate test)
 *        SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT: NLA_U8, the rate test only
 *            counts while the completion ratio is below this
 *        SYNWATCH_A_CONFIG_FLOOD_HOLD_MS: NLA_U32, time under the low
 *            marks before FLOOD_END (100..3600000)
 *        SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS: NLA_U32, FLOOD_UPDATE period
 *            (100..3600000)
 *        The defaults of the flood keys: SYNWATCH_FLOOD_DEFAULT_* below,
 *        the one place they are defined.
 *
 * A LOW mark above its HIGH mark is rejected.
 *
 * The whole request is validated before anything changes: either every
 * value is applied or none is.
 *
 * SYNWATCH_CMD_FLUSH (admin)
 * ------------------
 * Removes every connection (DESTROY events with reason FLUSH) and listener
 * of the netns. An optional SYNWATCH_A_FILTER limits what is flushed.
 *
 * SYNWATCH_CMD_SUBSCRIBE
 * ----------------------
 * Registers a kernel-side event filter for the calling socket: a
 * SYNWATCH_A_FILTER nest (EVENT_MASK plus any connection conditions, and
 * BATCH_BYTES). From then on, matching events are unicast to this socket,
 * each carrying SYNWATCH_A_EVENT_SUB_SEQ, the subscription's own sequence
 * number, so that a filtered subscriber can still detect loss. A new
 * SUBSCRIBE replaces the filter; SYNWATCH_CMD_UNSUBSCRIBE or closing the
 * socket ends it (events still waiting in the subscription's batch are
 * sent before UNSUBSCRIBE's reply; UNSUBSCRIBE from a socket with no
 * subscription fails with ENOENT). A subscriber need not join any
 * multicast group.
 *
 * Events
 * ======
 * Events are SYNWATCH_CMD_EVENT messages sent to the multicast groups
 * SYNWATCH_MCGRP_CONN ("conn": NEW, STATE, DESTROY) and SYNWATCH_MCGRP_ALERT
 * ("alert": FLOOD_START, FLOOD_UPDATE, FLOOD_END), and to subscribers:
 *
 *    SYNWATCH_A_EVENT: NLA_NESTED
 *        SYNWATCH_A_EVENT_TYPE: NLA_U8, enum synwatch_event_type
 *        SYNWATCH_A_EVENT_SEQ: NLA_U64, per netns and per group: +1 for
 *            every event multicast to that group, starting at 1, so a
 *            jump means this reader lost events of its group. Events
 *            nobody listens to, masked out by EVENT_MASK, or summarised
 *            during a flood take no number. 0 in a subscriber's copy of
 *            an event that did not go to the group.
 *        SYNWATCH_A_EVENT_SUB_SEQ: NLA_U64, the subscription's own
 *            sequence number: +1 for every event its filter matched,
 *            starting at 1 after SUBSCRIBE and kept across a replacing
 *            SUBSCRIBE; 0 in messages to the groups
 *        SYNWATCH_A_EVENT_TIME_NS: NLA_U64, CLOCK_REALTIME
 *        SYNWATCH_A_EVENT_OLD_STATE, SYNWATCH_A_EVENT_NEW_STATE: NLA_U8
 *        SYNWATCH_A_EVENT_TCP_FLAGS: NLA_U8, the TCP flags of the packet
 *            that caused the event (TCP header byte 13), if one did
 *        SYNWATCH_A_EVENT_DIR: NLA_U8, enum synwatch_dir of that packet
 *    SYNWATCH_A_CONN: NLA_NESTED, the full record (conn events)
 *    SYNWATCH_A_ALERT: NLA_NESTED (alert events)
 *        SYNWATCH_A_ALERT_LISTENER: NLA_NESTED, a SYNWATCH_A_LISTENER_* set
 *        SYNWATCH_A_ALERT_REASON: NLA_U8, enum synwatch_alert_reason
 *        SYNWATCH_A_ALERT_DURATION_MS: NLA_U64
 *        SYNWATCH_A_ALERT_SUPPRESSED: NLA_U64, half-open conn events not
 *            sent for this listener since the last alert event
 *        SYNWATCH_A_ALERT_COOKIES: NLA_U8, 1 if SYN cookies are in use:
 *            tcp_syncookies=2, or the netns sent one in the last 2 s
 *            (its SyncookiesSent counter went up; the counter is the
 *            netns', for all its listeners)
 *        SYNWATCH_A_ALERT_TOP_SOURCES: NLA_NESTED, largest first
 *            1, 2, ...: NLA_NESTED
 *                SYNWATCH_A_SOURCE_FAMILY: NLA_U8
 *                SYNWATCH_A_SOURCE_PREFIX: NLA_BINARY, 4 or 16 bytes
 *                SYNWATCH_A_SOURCE_PREFIX_LEN: NLA_U8 (24 or 64)
 *                SYNWATCH_A_SOURCE_SYNS: NLA_U32, SYNs sampled from it:
 *                    one SYN in four. Outside a flood the counts halve
 *                    every 250 ms, so that FLOOD_START names who sends
 *                    now; during a flood they add up, so that
 *                    FLOOD_UPDATE and FLOOD_END name the flood's sources
 *            ...
 *        SYNWATCH_A_ALERT_PEAK_RATE: NLA_U32, the highest SYN_RATE since
 *            FLOOD_START
 *
 * Batches
 * -------
 * Events are not sent one per datagram: each event is a complete
 * SYNWATCH_CMD_EVENT message (its own nlmsghdr, nlmsg_seq 0), and one
 * datagram carries as many as fit, in SEQ (SUB_SEQ) order; read them all
 * with NLMSG_OK()/NLMSG_NEXT() or mnl_cb_run(). A datagram leaves when the
 * next event does not fit in it, at most SYNWATCH_BATCH_DELAY_MS after
 * its first event was made (a soft timer: later only if the CPU is held
 * by softirq work), and at once after any alert (FLOOD_*), which also
 * sends every other pending datagram of the netns first. Datagrams to the
 * multicast groups, and to subscribers without BATCH_BYTES, hold at most
 * one page (NLMSG_GOODSIZE, under 4096 bytes), so a reader with a 4096
 * byte buffer (libmnl's MNL_SOCKET_BUFFER_SIZE) never truncates one. A
 * subscriber that gave BATCH_BYTES gets datagrams up to
 * min(BATCH_BYTES, SYNWATCH_BATCH_BYTES_MAX) while events come fast, and
 * of a page again once the timer has sent one of less than half a page.
 * A datagram that cannot be delivered (full receive buffer) counts all
 * its events in SYNWATCH_A_STATS_EVENT_DROP; the reader sees the gap in
 * SEQ/SUB_SEQ.
 *
 * Flood detection
 * ===============
 * Per listener, every 100 ms while it receives SYNs. FLOOD_START when,
 * from many sources (see BACKLOG below):
 *  - the recent half-open count (HALF_OPEN_RECENT: handshakes begun in the
 *    last 3 to 4 s that have not completed) reaches FLOOD_HALF_OPEN_HIGH
 *    (reason SYNWATCH_ALERT_HALF_OPEN), or
 *  - SYN_RATE reaches FLOOD_RATE_HIGH while COMPLETION_PCT is under
 *    FLOOD_COMPLETION_PCT (reason SYNWATCH_ALERT_RATE).
 * FLOOD_UPDATE every FLOOD_UPDATE_MS while it lasts. FLOOD_END once the
 * recent half-open count is at most FLOOD_HALF_OPEN_LOW and the rate at
 * most FLOOD_RATE_LOW (or the completion ratio healthy again), without a
 * break, for FLOOD_HOLD_MS. The total HALF_OPEN is not the measure: the
 * records a flood leaves stay half-open until they time out.
 *
 * While a listener is flooded, the conn events of its connections that
 * never completed a handshake (their NEW, LISTEN to SYN_RECEIVED, reset,
 * timeout or eviction) are not sent: each alert event's SUPPRESSED says
 * how many were held back since the previous one (also counted in
 * SYNWATCH_A_STATS_EVENT_SUPPRESSED). Established and closing connections
 * keep their events.
 *
 * A server that accepts too slowly is not flooded: with its accept queue
 * full, Linux drops new SYNs unanswered, and their records pile up like a
 * flood's. Its status is SYNWATCH_LISTENER_BACKLOG, with no alert, when at
 * least 4 half-open connections wait unanswered in LISTEN, they are most
 * of the half-open ones, the SYNs of the last two seconds came from about
 * 16 source addresses or fewer, and the handshakes that did get a SYN-ACK
 * completed.
 *
 * Under a flood the connection table stays within max_conns: a new record
 * takes the place of the oldest (longest idle) of about 8 candidates: a
 * TIME_WAIT or CLOSED one if there is one among them (that connection has
 * ended; its DESTROY event keeps the reason it ended for), else a
 * half-open one; established connections are never evicted. A legitimate
 * handshake leaves the half-open states within a round trip, so it is the
 * youngest and the last to go.
 *
 * Event costs nothing while nobody listens: the module checks for group
 * members and subscribers before it builds a message. An event that cannot
 * be delivered (no memory, full socket buffer) is counted in
 * SYNWATCH_A_STATS_EVENT_DROP; the packet is never dropped because of it.
 *
 * History
 * =======
 * SYNWATCH_A_CONN_HISTORY is the order in which things first happened on the
 * connection, one letter each, upper case for packets sent by the local
 * endpoint and lower case for packets it received:
 *
 *    S s   SYN                  H h   SYN-ACK
 *    A a   first pure ACK       D d   first segment with payload
 *    F f   FIN                  R r   RST
 *    T t   a retransmitted SYN, SYN-ACK or FIN
 *    P     picked up mid-stream (first packet seen was not a SYN)
 *
 * How a record ended (timeout, eviction, flush...) is in CLOSE_REASON.
 *
 * Each letter is recorded the first time it happens, so a string has at
 * most SYNWATCH_HISTORY_LEN letters. For example "sHadADFf", seen on a
 * server: SYN in, SYN-ACK out, ACK in, the request in, our ACK, the reply
 * out, then our FIN (we closed first) and the client's.
 */

#ifndef _UAPI_LINUX_SYNWATCH_H
#define _UAPI_LINUX_SYNWATCH_H

#define SYNWATCH_GENL_NAME "synwatch"
#define SYNWATCH_GENL_VERSION 1

#define SYNWATCH_MCGRP_CONN_NAME "conn"
#define SYNWATCH_MCGRP_ALERT_NAME "alert"

#define SYNWATCH_HISTORY_LEN 16
#define SYNWATCH_TIMEOUT_MAX_S (30 * 24 * 3600)
#define SYNWATCH_MAX_TOP_SOURCES 4
#define SYNWATCH_BATCH_DELAY_MS 2	/* see "Batches" */
#define SYNWATCH_BATCH_BYTES_MAX 32768

enum synwatch_cmd {
	SYNWATCH_CMD_UNSPEC,
	SYNWATCH_CMD_GET_STATS,
	SYNWATCH_CMD_RESET_STATS,
	SYNWATCH_CMD_GET_CONN,
	SYNWATCH_CMD_GET_LISTENER,
	SYNWATCH_CMD_GET_CONFIG,
	SYNWATCH_CMD_SET_CONFIG,
	SYNWATCH_CMD_FLUSH,
	SYNWATCH_CMD_SUBSCRIBE,
	SYNWATCH_CMD_UNSUBSCRIBE,
	SYNWATCH_CMD_EVENT,
	__SYNWATCH_CMD_MAX
};

#define SYNWATCH_CMD_MAX (__SYNWATCH_CMD_MAX - 1)

enum synwatch_mcgrp {
	SYNWATCH_MCGRP_CONN,
	SYNWATCH_MCGRP_ALERT,
	__SYNWATCH_MCGRP_MAX
};

/* The local endpoint's RFC 9293 states (section 3.3.2). */
enum synwatch_state {
	SYNWATCH_STATE_CLOSED,		/* no connection (initial and final) */
	SYNWATCH_STATE_LISTEN,		/* SYN received, not answered yet */
	SYNWATCH_STATE_SYN_SENT,
	SYNWATCH_STATE_SYN_RECEIVED,
	SYNWATCH_STATE_ESTABLISHED,
	SYNWATCH_STATE_FIN_WAIT_1,
	SYNWATCH_STATE_FIN_WAIT_2,
	SYNWATCH_STATE_CLOSE_WAIT,
	SYNWATCH_STATE_CLOSING,
	SYNWATCH_STATE_LAST_ACK,
	SYNWATCH_STATE_TIME_WAIT,
	__SYNWATCH_STATE_MAX
};

#define SYNWATCH_STATE_MAX (__SYNWATCH_STATE_MAX - 1)

enum synwatch_event_type {
	SYNWATCH_EVENT_UNSPEC,
	SYNWATCH_EVENT_NEW,		/* first packet of a connection */
	SYNWATCH_EVENT_STATE,		/* state change, OLD_STATE -> NEW_STATE */
	SYNWATCH_EVENT_DESTROY,		/* record removed; CLOSE_REASON says why */
	SYNWATCH_EVENT_FLOOD_START,
	SYNWATCH_EVENT_FLOOD_UPDATE,	/* periodic while a flood goes on */
	SYNWATCH_EVENT_FLOOD_END,
	__SYNWATCH_EVENT_MAX
};

#define SYNWATCH_EVENT_MAX (__SYNWATCH_EVENT_MAX - 1)
#define SYNWATCH_EVENT_MASK_ALL (((1U << __SYNWATCH_EVENT_MAX) - 1) & ~1U)

enum synwatch_dir {
	SYNWATCH_DIR_NONE,		/* not caused by a packet (timer, flush) */
	SYNWATCH_DIR_IN,		/* received by the local endpoint */
	SYNWATCH_DIR_OUT,		/* sent by the local endpoint */
};

/*
 * A reason is set once, by what ended the connection: a record that
 * expires in TIME-WAIT, or whose tuple a new SYN reuses (DESTROY, then
 * NEW), keeps the FIN or RST reason it closed with.
 */
enum synwatch_close_reason {
	SYNWATCH_CLOSE_NONE,		/* still open */
	SYNWATCH_CLOSE_LOCAL_FIN,	/* the local side sent the first FIN */
	SYNWATCH_CLOSE_REMOTE_FIN,	/* the peer sent the first FIN */
	SYNWATCH_CLOSE_LOCAL_RST,
	SYNWATCH_CLOSE_REMOTE_RST,
	SYNWATCH_CLOSE_REFUSED,		/* SYN answered by RST */
	SYNWATCH_CLOSE_TIMEOUT,		/* expired in the state it is in */
	SYNWATCH_CLOSE_EVICTED,		/* removed to make room */
	SYNWATCH_CLOSE_UNLOAD,		/* module unloaded or netns deleted */
	SYNWATCH_CLOSE_FLUSH,		/* SYNWATCH_CMD_FLUSH */
	__SYNWATCH_CLOSE_MAX
};

#define SYNWATCH_CLOSE_MAX (__SYNWATCH_CLOSE_MAX - 1)

enum synwatch_closer {
	SYNWATCH_CLOSER_NONE,
	SYNWATCH_CLOSER_LOCAL,
	SYNWATCH_CLOSER_REMOTE,
	SYNWATCH_CLOSER_BOTH,		/* simultaneous close */
};

/* SYNWATCH_A_CONN_FLAGS */
enum synwatch_conn_flags {
	SYNWATCH_CONN_F_ACTIVE		= 1U << 0, /* local side sent the SYN */
	SYNWATCH_CONN_F_PICKUP		= 1U << 1, /* picked up mid-stream */
	SYNWATCH_CONN_F_SACK_LOCAL	= 1U << 2, /* SACK-permitted in our SYN */
	SYNWATCH_CONN_F_SACK_REMOTE	= 1U << 3,
	SYNWATCH_CONN_F_TS_LOCAL	= 1U << 4, /* timestamps in our SYN */
	SYNWATCH_CONN_F_TS_REMOTE	= 1U << 5,
	SYNWATCH_CONN_F_COOKIE		= 1U << 6, /* our SYN-ACK was a SYN
						    * cookie (no request
						    * socket), or the record
						    * began with the ACK that
						    * completed the handshake
						    */
	SYNWATCH_CONN_F_SIMULTANEOUS	= 1U << 7, /* simultaneous open */
};

/* Why a packet was ignored: SYNWATCH_A_STATS_INVALID sub-attributes. */
enum synwatch_invalid {
	SYNWATCH_INVALID_UNSPEC,
	SYNWATCH_INVALID_TRUNC_IP,	/* IP header truncated */
	SYNWATCH_INVALID_TRUNC_TCP,	/* TCP header truncated */
	SYNWATCH_INVALID_BAD_DOFF,	/* data offset < 5 or past the packet */
	SYNWATCH_INVALID_BAD_OPTIONS,	/* an option overruns the header */
	SYNWATCH_INVALID_FLAGS_NULL,	/* no flags at all */
	SYNWATCH_INVALID_FLAGS_XMAS,	/* FIN+PSH+URG (and more) */
	SYNWATCH_INVALID_FLAGS_SYNFIN,
	SYNWATCH_INVALID_FLAGS_SYNRST,
	SYNWATCH_INVALID_FLAGS_FIN_NOACK,
	SYNWATCH_INVALID_RST_WINDOW,	/* RST outside the receive window */
	SYNWATCH_INVALID_FRAGMENT,	/* non-first IPv6 fragment, no header */
	__SYNWATCH_INVALID_MAX
};

#define SYNWATCH_INVALID_MAX (__SYNWATCH_INVALID_MAX - 1)

enum synwatch_listener_status {
	SYNWATCH_LISTENER_OK,
	SYNWATCH_LISTENER_FLOOD,	/* half-open SYN flood in progress */
	SYNWATCH_LISTENER_BACKLOG,	/* SYNs go unanswered, but from few
					 * sources that complete when answered:
					 * the server is slow to accept (see
					 * "Flood detection")
					 */
};

enum synwatch_alert_reason {
	SYNWATCH_ALERT_HALF_OPEN,	/* half-open count crossed its mark */
	SYNWATCH_ALERT_RATE,		/* SYN rate high, completion low */
};

enum synwatch_attr {
	SYNWATCH_A_UNSPEC,
	SYNWATCH_A_STATS,
	SYNWATCH_A_CONN,
	SYNWATCH_A_LISTENER,
	SYNWATCH_A_CONFIG,
	SYNWATCH_A_FILTER,
	SYNWATCH_A_EVENT,
	SYNWATCH_A_ALERT,
	__SYNWATCH_A_MAX
};

#define SYNWATCH_A_MAX (__SYNWATCH_A_MAX - 1)

enum synwatch_stats_attr {
	SYNWATCH_A_STATS_UNSPEC,
	SYNWATCH_A_STATS_PAD,
	SYNWATCH_A_STATS_PKTS_IN,	/* TCP segments seen arriving */
	SYNWATCH_A_STATS_PKTS_OUT,	/* TCP segments seen leaving */
	SYNWATCH_A_STATS_PKTS_FWD,	/* forwarded (track_forward=1 only) */
	SYNWATCH_A_STATS_CONN_NEW,
	SYNWATCH_A_STATS_CONN_DESTROY,
	SYNWATCH_A_STATS_STATE_CHANGES,
	SYNWATCH_A_STATS_RTX_SYN,
	SYNWATCH_A_STATS_RTX_SYNACK,
	SYNWATCH_A_STATS_RTX_FIN,
	SYNWATCH_A_STATS_PICKUP,	/* connections picked up mid-stream */
	SYNWATCH_A_STATS_UNTRACKED,	/* packets of no connection (e.g. a
					 * lone RST or ACK after expiry)
					 */
	SYNWATCH_A_STATS_EVICT,		/* records evicted when full */
	SYNWATCH_A_STATS_INSERT_FAILED,	/* new records that could not be made */
	SYNWATCH_A_STATS_EXPIRED,
	SYNWATCH_A_STATS_EVENTS_SENT,
	SYNWATCH_A_STATS_EVENT_DROP,	/* events that could not be delivered */
	SYNWATCH_A_STATS_EVENT_SUPPRESSED, /* summarised during floods */
	SYNWATCH_A_STATS_SEARCH_RESTART, /* lockless lookups restarted */
	SYNWATCH_A_STATS_CONN_COUNT,	/* records of this netns now */
	SYNWATCH_A_STATS_CONN_COUNT_TOTAL, /* records of all netns now */
	SYNWATCH_A_STATS_CONN_MAX,	/* module max_conns */
	SYNWATCH_A_STATS_HASH_SIZE,	/* buckets */
	SYNWATCH_A_STATS_OBJ_SIZE,	/* slab bytes of one record, with the
					 * allocator's free pointer
					 */
	SYNWATCH_A_STATS_MEM_BYTES,	/* slab + bucket memory in use */
	SYNWATCH_A_STATS_LISTENERS,	/* listener records of this netns */
	SYNWATCH_A_STATS_INVALID,	/* nest, see enum synwatch_invalid */
	SYNWATCH_A_STATS_ALERTS,	/* FLOOD_START events raised */
	__SYNWATCH_A_STATS_MAX
};

#define SYNWATCH_A_STATS_MAX (__SYNWATCH_A_STATS_MAX - 1)

enum synwatch_conn_attr {
	SYNWATCH_A_CONN_UNSPEC,
	SYNWATCH_A_CONN_PAD,
	SYNWATCH_A_CONN_FAMILY,
	SYNWATCH_A_CONN_STATE,
	SYNWATCH_A_CONN_LADDR,
	SYNWATCH_A_CONN_RADDR,
	SYNWATCH_A_CONN_LPORT,
	SYNWATCH_A_CONN_RPORT,
	SYNWATCH_A_CONN_FLAGS,
	SYNWATCH_A_CONN_AGE_MS,
	SYNWATCH_A_CONN_STATE_AGE_MS,
	SYNWATCH_A_CONN_IDLE_MS,
	SYNWATCH_A_CONN_ISN_LOCAL,
	SYNWATCH_A_CONN_ISN_REMOTE,
	SYNWATCH_A_CONN_MSS_LOCAL,
	SYNWATCH_A_CONN_MSS_REMOTE,
	SYNWATCH_A_CONN_WSCALE_LOCAL,
	SYNWATCH_A_CONN_WSCALE_REMOTE,
	SYNWATCH_A_CONN_SYN_TO_SYNACK_US,
	SYNWATCH_A_CONN_SYNACK_TO_ACK_US,
	SYNWATCH_A_CONN_RTX_SYN,
	SYNWATCH_A_CONN_RTX_SYNACK,
	SYNWATCH_A_CONN_RTX_FIN,
	SYNWATCH_A_CONN_PKTS_IN,
	SYNWATCH_A_CONN_PKTS_OUT,
	SYNWATCH_A_CONN_BYTES_IN,
	SYNWATCH_A_CONN_BYTES_OUT,
	SYNWATCH_A_CONN_CLOSE_REASON,
	SYNWATCH_A_CONN_CLOSER,
	SYNWATCH_A_CONN_HISTORY,
	SYNWATCH_A_CONN_TIMEOUT_MS,
	__SYNWATCH_A_CONN_MAX
};

#define SYNWATCH_A_CONN_MAX (__SYNWATCH_A_CONN_MAX - 1)

enum synwatch_listener_attr {
	SYNWATCH_A_LISTENER_UNSPEC,
	SYNWATCH_A_LISTENER_PAD,
	SYNWATCH_A_LISTENER_FAMILY,
	SYNWATCH_A_LISTENER_ADDR,
	SYNWATCH_A_LISTENER_PORT,
	SYNWATCH_A_LISTENER_SYN_RX,
	SYNWATCH_A_LISTENER_SYNACK_TX,
	SYNWATCH_A_LISTENER_COMPLETED,
	SYNWATCH_A_LISTENER_RESET,
	SYNWATCH_A_LISTENER_COOKIE_COMPLETED,
	SYNWATCH_A_LISTENER_UNANSWERED,
	SYNWATCH_A_LISTENER_HALF_OPEN,
	SYNWATCH_A_LISTENER_SYN_RATE,
	SYNWATCH_A_LISTENER_PEAK_RATE,
	SYNWATCH_A_LISTENER_COMPLETION_PCT,
	SYNWATCH_A_LISTENER_STATUS,
	SYNWATCH_A_LISTENER_HALF_OPEN_RECENT,
	__SYNWATCH_A_LISTENER_MAX
};

#define SYNWATCH_A_LISTENER_MAX (__SYNWATCH_A_LISTENER_MAX - 1)

/*
 * The flood detector's defaults (SYNWATCH_A_CONFIG_FLOOD_*), defined here
 * only: a listener is flooded when HALF_OPEN_HIGH handshakes begun in the
 * last few seconds are still half-open (a listen backlog is 128 to 4096),
 * or when it gets RATE_HIGH SYN/s while fewer than COMPLETION_PCT percent
 * complete (a busy legitimate client is no flood); it is over after
 * HOLD_MS under HALF_OPEN_LOW and RATE_LOW. UPDATE_MS: a FLOOD_UPDATE this
 * often while it lasts.
 */
#define SYNWATCH_FLOOD_DEFAULT_HALF_OPEN_HIGH	256
#define SYNWATCH_FLOOD_DEFAULT_HALF_OPEN_LOW	64
#define SYNWATCH_FLOOD_DEFAULT_RATE_HIGH	200
#define SYNWATCH_FLOOD_DEFAULT_RATE_LOW		100
#define SYNWATCH_FLOOD_DEFAULT_COMPLETION_PCT	50
#define SYNWATCH_FLOOD_DEFAULT_HOLD_MS		3000
#define SYNWATCH_FLOOD_DEFAULT_UPDATE_MS	5000

enum synwatch_config_attr {
	SYNWATCH_A_CONFIG_UNSPEC,
	SYNWATCH_A_CONFIG_TIMEOUTS,
	SYNWATCH_A_CONFIG_EVENT_MASK,
	SYNWATCH_A_CONFIG_MAX_CONNS,
	SYNWATCH_A_CONFIG_MAX_CONNS_GLOBAL,
	SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_HIGH,
	SYNWATCH_A_CONFIG_FLOOD_HALF_OPEN_LOW,
	SYNWATCH_A_CONFIG_FLOOD_RATE_HIGH,
	SYNWATCH_A_CONFIG_FLOOD_RATE_LOW,
	SYNWATCH_A_CONFIG_FLOOD_COMPLETION_PCT,
	SYNWATCH_A_CONFIG_FLOOD_HOLD_MS,
	SYNWATCH_A_CONFIG_FLOOD_UPDATE_MS,
	__SYNWATCH_A_CONFIG_MAX
};

#define SYNWATCH_A_CONFIG_MAX (__SYNWATCH_A_CONFIG_MAX - 1)

enum synwatch_filter_attr {
	SYNWATCH_A_FILTER_UNSPEC,
	SYNWATCH_A_FILTER_STATE_MASK,
	SYNWATCH_A_FILTER_FAMILY,
	SYNWATCH_A_FILTER_LADDR,
	SYNWATCH_A_FILTER_LPREFIX,
	SYNWATCH_A_FILTER_RADDR,
	SYNWATCH_A_FILTER_RPREFIX,
	SYNWATCH_A_FILTER_LPORT_MIN,
	SYNWATCH_A_FILTER_LPORT_MAX,
	SYNWATCH_A_FILTER_LPORT_INVERT,
	SYNWATCH_A_FILTER_RPORT_MIN,
	SYNWATCH_A_FILTER_RPORT_MAX,
	SYNWATCH_A_FILTER_RPORT_INVERT,
	SYNWATCH_A_FILTER_NETNS_FD,
	SYNWATCH_A_FILTER_EVENT_MASK,
	SYNWATCH_A_FILTER_BATCH_BYTES,
	__SYNWATCH_A_FILTER_MAX
};

#define SYNWATCH_A_FILTER_MAX (__SYNWATCH_A_FILTER_MAX - 1)

enum synwatch_event_attr {
	SYNWATCH_A_EVENT_UNSPEC,
	SYNWATCH_A_EVENT_PAD,
	SYNWATCH_A_EVENT_TYPE,
	SYNWATCH_A_EVENT_SEQ,
	SYNWATCH_A_EVENT_SUB_SEQ,
	SYNWATCH_A_EVENT_TIME_NS,
	SYNWATCH_A_EVENT_OLD_STATE,
	SYNWATCH_A_EVENT_NEW_STATE,
	SYNWATCH_A_EVENT_TCP_FLAGS,
	SYNWATCH_A_EVENT_DIR,
	__SYNWATCH_A_EVENT_MAX
};

#define SYNWATCH_A_EVENT_MAX (__SYNWATCH_A_EVENT_MAX - 1)

enum synwatch_alert_attr {
	SYNWATCH_A_ALERT_UNSPEC,
	SYNWATCH_A_ALERT_PAD,
	SYNWATCH_A_ALERT_LISTENER,
	SYNWATCH_A_ALERT_REASON,
	SYNWATCH_A_ALERT_DURATION_MS,
	SYNWATCH_A_ALERT_SUPPRESSED,
	SYNWATCH_A_ALERT_COOKIES,
	SYNWATCH_A_ALERT_TOP_SOURCES,
	SYNWATCH_A_ALERT_PEAK_RATE,
	__SYNWATCH_A_ALERT_MAX
};

#define SYNWATCH_A_ALERT_MAX (__SYNWATCH_A_ALERT_MAX - 1)

enum synwatch_source_attr {
	SYNWATCH_A_SOURCE_UNSPEC,
	SYNWATCH_A_SOURCE_FAMILY,
	SYNWATCH_A_SOURCE_PREFIX,
	SYNWATCH_A_SOURCE_PREFIX_LEN,
	SYNWATCH_A_SOURCE_SYNS,
	__SYNWATCH_A_SOURCE_MAX
};

#define SYNWATCH_A_SOURCE_MAX (__SYNWATCH_A_SOURCE_MAX - 1)

#endif /* _UAPI_LINUX_SYNWATCH_H */
