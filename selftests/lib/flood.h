/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the flood selftests (selftests/flood_*.c), on top of
 * topo.h and nl.h (namespaces A and B, the generic netlink session):
 *
 *  - st_fl_target_up(): B is the target. Replies to spoofed sources leave
 *    through a dummy device (default routes), so B answers every SYN
 *    without erring and without sending its SYN-ACKs back over the veth;
 *    A is the attacker and the legitimate client;
 *  - st_fl_alert_*(), st_fl_listener(): alert events and listener dumps;
 *  - st_fl_config(): flood thresholds, timeouts and max_conns of a netns;
 *  - st_fl_dump_from(), st_fl_subscribe_from(): records and events of one
 *    remote address;
 *  - st_fl_spawn()/st_fl_wait(): a generator (synflood, hping3) run in a netns;
 *  - fl_server/fl_client: a real server in B and a real client in A,
 *    each a thread.
 */
#ifndef ST_FLOOD_H
#define ST_FLOOD_H

#include <pthread.h>
#include <stddef.h>
#include "nl.h"

#define FL_PORT		80
#define FL_MAX_CONNS	1024
#define FL_SYNFLOOD	"selftests/build/synflood"

/*
 * Fixture variants: a family, its spoofed source prefix and what an alert
 * names it (gen: the generator, for those that have a choice).
 *	FIXTURE_VARIANT(f) { FL_VARIANT_FIELDS; };
 *	FIXTURE_VARIANT_ADD(f, ipv4) { FL_VARIANT_IPV4 };
 */
#define FL_VARIANT_FIELDS \
	int family; int gen; const char *src; const char *prefix; int plen
#define FL_VARIANT_IPV4 \
	.family = AF_INET, .src = "203.0.113.0/24", \
	.prefix = "203.0.113.0", .plen = 24
#define FL_VARIANT_IPV6 \
	.family = AF_INET6, .src = "2001:db8:bad:1::/64", \
	.prefix = "2001:db8:bad:1::", .plen = 64

uint64_t st_fl_real_ns(void);


/* A listening socket in nsfd on addr:port with this accept backlog. */
int st_fl_listen(struct st_topo *t, int nsfd, const uint8_t *addr,
	      uint16_t port, int backlog);

/* A receive buffer for a burst of events (root may exceed rmem_max). */
int st_fl_rcvbuf(struct st_nl *s, int bytes);

/* Join a multicast group of the family (SYNWATCH_MCGRP_*). */
int st_fl_join(struct st_nl *s, int grp);

/*
 * The usual setting: A and B of one family, B the target (st_fl_target_up),
 * a request session and an alert group member in B.
 */
struct st_fl_env {
	struct st_topo t;
	struct st_nl nl;			/* requests, in B */
	struct st_nl al;			/* member of B's alert group */
};

int st_fl_up(struct st_fl_env *e, int family, const char *tag);

void st_fl_down(struct st_fl_env *e);

/* ------------------------------------------------------------------ */
/* Listeners and alerts                                               */
/* ------------------------------------------------------------------ */

struct st_flst {
	uint8_t family, status, compl;
	uint8_t addr[16];
	uint16_t port;
	uint64_t syn_rx, synack_tx, completed, reset, cookie, unanswered;
	uint32_t half_open, recent, rate, peak;
};

struct st_fsrc {
	uint8_t family, plen;
	uint8_t prefix[16];
	uint32_t syns;
};

struct st_falert {
	uint8_t type, reason, cookies;
	uint64_t seq, subseq, time_ns, duration_ms, suppressed;
	uint32_t peak;
	struct st_flst l;
	struct st_fsrc src[SYNWATCH_MAX_TOP_SOURCES];
	int nsrc;
};



struct st_flst_ctx {
	struct st_flst *out;
	int max, n;
	int port;			/* only this one; -1: all */
};




/* The listener on port (the first address found): 1, 0 if none, -errno. */
int st_fl_listener(struct st_nl *s, uint16_t port, struct st_flst *l);




/*
 * The next alert event on s (a member of the alert group) within
 * timeout_ms: 1, 0 on timeout, -errno. Other events are skipped.
 */
int st_fl_alert_next(struct st_nl *s, struct st_falert *al,
		  int timeout_ms);

/* Alerts read so far by a test. */
#define FL_ALERTS_MAX	64

struct st_fl_alerts {
	struct st_falert a[FL_ALERTS_MAX];
	int n;
};

/* Read alerts until one of type arrives: 1, 0 on timeout, -errno. */
int st_fl_alert_wait(struct st_nl *s, struct st_fl_alerts *log,
		  int type, int timeout_ms);

/* How many alerts of type the log holds; the last one in *last. */
int st_fl_alert_count(const struct st_fl_alerts *log, int type,
		   const struct st_falert **last);

/* ------------------------------------------------------------------ */
/* Configuration, records and events of one peer                      */
/* ------------------------------------------------------------------ */

/* SET_CONFIG values; -1 leaves one as it is. */
struct st_flcfg {
	int64_t ho_high, ho_low, rate_high, rate_low, pct, hold_ms, update_ms;
	int64_t max_conns;
	int64_t timeout_syn_recv, timeout_listen;	/* seconds */
};

#define FLCFG_KEEP ((struct st_flcfg){ -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 })

int st_fl_config(struct st_nl *s, const struct st_flcfg *c);


/* The records of peer raddr on local port lport (GET_CONN dump). */
int st_fl_dump_from(struct st_nl *s, const uint8_t *raddr, int alen,
		 int lport, struct st_conn *out, int max);

/* Subscribe s to the events of peer raddr (all types but alerts). */
int st_fl_subscribe_from(struct st_nl *s, const uint8_t *raddr,
		      int alen, int lport);

/*
 * A connection handshake that synwatch followed from its SYN: passive, not
 * picked up, the peer's SYN then our SYN-ACK first in its history, and
 * the ACK that completed it. A retransmission on a slow host may come
 * between them ("sHTa": our SYN-ACK sent twice): still followed from the
 * SYN.
 */
bool st_fl_tracked(const struct st_conn *c);

/* ------------------------------------------------------------------ */
/* Generators                                                         */
/* ------------------------------------------------------------------ */

struct st_fl_proc {
	pid_t pid;
	bool reaped;
	int status;			/* wait status, once reaped */
	int out;			/* its stdout and stderr */
	char buf[4096];
	size_t len;
	uint64_t start_ns, end_ns;	/* CLOCK_REALTIME */
};

/* Run argv in the netns nsfd, output to a pipe; 0 or -errno. */
int st_fl_spawn(struct st_fl_proc *p, int nsfd, char *const argv[]);

/* Still running? (Reaps it, and notes the time, when it is not.) */
bool st_fl_running(struct st_fl_proc *p);

/*
 * Wait for it to exit: its exit status (128 + signal), -errno; its output
 * in p->buf, the time it ended in p->end_ns.
 */
int st_fl_wait(struct st_fl_proc *p);

/* synflood from A: args after the program name, then DST PORT. */
int st_fl_synflood(struct st_fl_proc *p, struct st_topo *t,
		const char *src, const char *duration,
		const char *rate);

/* Packets and rate from synflood's output line; 0 if not found. */
uint64_t st_fl_synflood_sent(const struct st_fl_proc *p, double *pps);

/* ------------------------------------------------------------------ */
/* A real server in B and a real client in A                          */
/* ------------------------------------------------------------------ */

/* Accepts until stopped; keeps the connections open, or closes them. */
struct st_fl_server {
	int lfd;
	bool close_at_once;
	volatile bool stop;
	int fds[FL_MAX_CONNS];
	int n;
	pthread_t th;
};


int st_fl_server_start(struct st_fl_server *sv, int lfd, bool close);

void st_fl_server_stop(struct st_fl_server *sv);

/*
 * count connections from (A, laddr) to raddr:port, paced at rate per
 * second (0: back to back), each within 5 s or failed; kept open in fds
 * (keep) or closed at once. Runs in its own thread (st_fl_client_start).
 */
struct st_fl_client {
	struct st_topo *t;
	int nsfd;
	const uint8_t *laddr, *raddr;
	uint16_t port;
	int count;
	double rate;
	bool keep;
	int ok, failed;
	uint16_t ports[FL_MAX_CONNS];	/* local ports of the good ones */
	int fds[FL_MAX_CONNS];
	pthread_t th;
	bool done;			/* st_fl_client_run() returned */
};

void *st_fl_client_run(void *arg);

bool st_fl_client_done(struct st_fl_client *c);

int st_fl_client_start(struct st_fl_client *c);

void st_fl_client_join(struct st_fl_client *c);

void st_fl_client_close(struct st_fl_client *c);

/* Was local port p one of the client's good connections? */
bool st_fl_client_had(const struct st_fl_client *c, uint16_t p);

#endif
