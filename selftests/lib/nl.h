/* SPDX-License-Identifier: GPL-2.0 */
/* A generic netlink session with the synwatch module: requests, dumps, events. */
#ifndef ST_NL_H
#define ST_NL_H

#include "topo.h"

#define ST_NL_BUF	(64 * 1024)

struct st_nl {
	struct mnl_socket *nl;
	uint16_t fam;
	uint32_t portid, seq;
	uint32_t grp[__SYNWATCH_MCGRP_MAX];
	char ext[256];			/* extack message of the last error */
	char *buf;
	/* a datagram of events (several messages) being read: st_nl_ev_msg() */
	char *evbuf;
	int evlen;
	struct nlmsghdr *evnext;
};

/* One connection record, as SYNWATCH_A_CONN carries it. */
struct st_conn {
	uint8_t family, state, reason, closer;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	uint32_t flags;
	uint64_t age_ms, state_age_ms, idle_ms, timeout_ms;
	bool has_isn_l, has_isn_r, has_syn_rtt, has_synack_rtt;
	bool has_timeout;
	uint32_t isn_l, isn_r;
	uint16_t mss_l, mss_r;		/* 0: absent */
	int wscale_l, wscale_r;		/* -1: absent */
	uint32_t syn_rtt, synack_rtt;
	uint32_t rtx_syn, rtx_synack, rtx_fin;
	uint64_t pkts_in, pkts_out, bytes_in, bytes_out;
	char hist[SYNWATCH_HISTORY_LEN + 1];
};

struct st_ev {
	uint8_t type, old, new, tcpflags, dir;
	bool has_pkt;
	uint64_t seq, subseq, time_ns;
	bool has_conn;
	struct st_conn c;
};

struct st_stats {
	uint64_t v[SYNWATCH_A_STATS_MAX + 1];
	uint64_t inval[SYNWATCH_INVALID_MAX + 1];
};



/*
 * Send nlh, then read until its ACK, error or DONE; other messages go to
 * cb. Returns 0 or -errno (the kernel's), extack message in s->ext.
 */
int st_nl_talk(struct st_nl *s, struct nlmsghdr *nlh,
	      mnl_cb_t cb, void *data);

/* A request in s->buf: generic netlink header for cmd, any flags. */
struct nlmsghdr *st_nl_msg(struct st_nl *s, uint16_t type,
					uint8_t cmd, uint16_t flags);

/* A synwatch request: ACKed unless a dump. */
struct nlmsghdr *st_msg(struct st_nl *s, uint8_t cmd,
				      uint16_t flags);

void st_nl_close(struct st_nl *s);

/* Open a session in the current netns; -ENOENT without the module. */
int st_nl_open(struct st_nl *s);

/* Open a session in the netns nsfd (the socket stays there). */
int st_nl_open_ns(struct st_nl *s, struct st_topo *t, int nsfd);

/*
 * A SYNWATCH_A_CONN nest, decoded by userspace/lib's swl_decode_conn():
 * 0, or -EBADMSG (said on stderr) if an attribute is malformed.
 */
int st_conn_parse(const struct nlattr *nest, struct st_conn *c);

/* Connection filter for dumps, FLUSH and SUBSCRIBE; -1/0 = absent. */
struct st_filt {
	int lport, rport;		/* exact port, -1 any */
	int netns_fd;			/* -1: none */
	uint32_t state_mask;		/* 0: none */
	uint32_t event_mask;		/* 0: none */
	int family;			/* 0: none */
	uint32_t batch_bytes;		/* 0: none */
};

#define FILT_ANY ((struct st_filt){ .lport = -1, .rport = -1, .netns_fd = -1 })

void st_put_filter(struct nlmsghdr *nlh, const struct st_filt *f);

struct st_dump_ctx {
	struct st_conn *out;
	int max, n;
};

int st_dump_cb(const struct nlmsghdr *nlh, void *data);

/* GET_CONN dump; returns the number of records (may exceed max). */
int st_dump(struct st_nl *s, const struct st_filt *f,
	    struct st_conn *out, int max);

/* The one record of (lport, rport), or 0 if none; -errno. */
int st_find(struct st_nl *s, int lport, int rport, struct st_conn *c);

/*
 * Busy-wait until the record of (lport, rport) is in state st (-1: until
 * it exists; -2: until it is gone). 0 when there, -ETIMEDOUT otherwise;
 * the last record seen in *c.
 */
int st_wait_state(struct st_nl *s, int lport, int rport, int st,
		  int timeout_ms, struct st_conn *c);

/*
 * One established connection from A:cport to B:sport, real sockets both
 * ends (listener, A's and B's in *lfd, *a, *b), and each end's record
 * ESTABLISHED (na, nb: sessions in A and in B).
 */
int st_topo_pair(struct st_topo *t, struct st_nl *na, struct st_nl *nb,
	      uint16_t cport, uint16_t sport, int *lfd, int *a,
	      int *b);


int st_get_stats(struct st_nl *s, struct st_stats *st);

/* A plain request without attributes (RESET_STATS, FLUSH...). */
int st_cmd(struct st_nl *s, uint8_t cmd);

/* SET_CONFIG of one timeout (seconds) for a state. */
int st_set_timeout(struct st_nl *s, int state, uint32_t secs);

/* Subscribe this session to the events of a filter. */
int st_subscribe(struct st_nl *s, const struct st_filt *f);


int st_ev_parse(const struct nlmsghdr *nlh, struct st_ev *e);

/*
 * The next message of the family from the socket within timeout_ms: the
 * module sends events several to a datagram, so the rest of the last one
 * comes first. 1 with *m set, 0 on timeout, -errno.
 */
int st_nl_ev_msg(struct st_nl *s, struct nlmsghdr **m,
		int timeout_ms);

/* The next event within timeout_ms: 1, 0 on timeout, -errno. */
int st_ev_next(struct st_nl *s, struct st_ev *e, int timeout_ms);

/* Events of one test, in arrival order. */
#define EVLOG_MAX 64

struct st_evlog {
	struct st_ev ev[EVLOG_MAX];
	int n;
	char trail[1024];
};

/*
 * Read events into log until one of type (and, for STATE/NEW, new state
 * st; -1 any) arrives, or timeout_ms passes. 1 found, 0 timeout, -errno.
 */
int st_ev_wait(struct st_nl *s, struct st_evlog *log, int type, int st,
	    int timeout_ms);

/* Collect whatever arrives within ms (to check that nothing does). */
int st_ev_drain(struct st_nl *s, struct st_evlog *log, int ms);



/*
 * "NEW SYN_SENT S/out, STATE ESTABLISHED SA/in, DESTROY TIME_WAIT": each
 * event's type, its new state (the state it left for DESTROY) and the
 * packet that caused it.
 */
const char *st_ev_trail(struct st_evlog *log);

/* Just the states: "SYN_SENT ESTABLISHED FIN_WAIT_1 ..." */
const char *st_ev_states(struct st_evlog *log, char *buf, size_t len);

/* Do consecutive events chain (each old state the previous new one)? */
bool st_ev_chained(const struct st_evlog *log);

#endif
