/* SPDX-License-Identifier: GPL-2.0 */
/*
 * synwatch replay: the module's own engine (kmod/engine/, compiled for
 * userspace) run over the packets of a capture file, with the capture's
 * timestamps as its clock.
 *
 * driver.c is the engine's host, as the module's glue is: it finds or
 * makes the record, runs the tracker, and leaves what that means
 * (counters, listeners, events) to the engine's step; it runs the flood
 * detector's tick every 100 ms and expiry in time order. Results come out as the same
 * decoded records (records.h) that the live commands get from netlink, so
 * that they print with the same code.
 */
#ifndef SW_REPLAY_H
#define SW_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "records.h"

/* Which side of a connection is the local endpoint. */
#define RP_MAX_LOCAL 32

/*
 * Replay's own counters, for what never reaches the engine (the module
 * only ever sees IP packets of its own host).
 */
enum rp_counter {
	RP_FRAMES,		/* frames read */
	RP_TCP,			/* TCP segments handed to the engine */
	RP_NOT_IP,		/* neither IPv4 nor IPv6 */
	RP_NOT_TCP,		/* IP, another protocol */
	RP_LINK_TRUNC,		/* link-layer header cut short */
	RP_SNAPLEN,		/* headers cut by the capture's snaplen */
	RP_NOT_LOCAL,		/* --local given, neither address matches */
	RP_TIME_BACK,		/* timestamp earlier than one before it */
	RP_COUNTER_MAX
};

extern const char *const rp_counter_names[RP_COUNTER_MAX];

typedef void (*rp_event_cb)(const struct swl_event *ev, void *data);

struct rp_opts {
	/* the local side: addresses in these prefixes; none: see below */
	const struct swl_prefix *local;
	unsigned int nlocal;
	/*
	 * Without local prefixes, the side that receives a connection's
	 * first SYN is local (the server); a connection picked up
	 * mid-stream has the side with the lower port as local, or the
	 * receiver of its first packet if the ports are equal.
	 */
	const struct swl_config *cfg;	/* timeout.* and flood.* overrides */
	/* what a subscriber would ask for: event types (0: all), conns */
	uint32_t event_mask;
	const struct swl_filter *filter;	/* NULL: every connection */
	rp_event_cb on_event;
	void *data;
};

struct rp;

struct rp *rp_new(const struct rp_opts *o);
void rp_free(struct rp *rp);

/* The capture's link type (a DLT_*); -1 if it is not supported. */
int rp_set_link(struct rp *rp, int dlt);

/* One frame, ts in nanoseconds since the epoch. */
void rp_frame(struct rp *rp, uint64_t ts_ns, const uint8_t *data,
	      uint32_t caplen, uint32_t len);

/*
 * Frames in capture order, as rp_frame() on each; the lookups of the
 * later ones are started (prefetched) while the earlier ones run, which
 * hides most cache misses of a large table. data is not read after.
 */
struct rp_frame_in {
	uint64_t ts_ns;
	const uint8_t *data;
	uint32_t caplen, len;
};

#define RP_BATCH	8

void rp_frames(struct rp *rp, const struct rp_frame_in *f, unsigned int n);

/*
 * The state at the end of the capture, as of its last timestamp:
 * connections (oldest first), listeners (first seen first), counters.
 * fn returns non-zero to stop; that value is returned.
 */
int rp_conns(struct rp *rp, int (*fn)(const struct swl_conn *c, void *data),
	     void *data);
int rp_listeners(struct rp *rp,
		 int (*fn)(const struct swl_listener *l, void *data),
		 void *data);
void rp_stats(struct rp *rp, struct swl_stats *st);
uint64_t rp_count(const struct rp *rp, enum rp_counter c);
/* First and last timestamp (ns since the epoch); 0 if no frame. */
uint64_t rp_first_ns(const struct rp *rp);
uint64_t rp_last_ns(const struct rp *rp);

/*
 * Capture files, through libpcap: pcap or pcapng, "-" for stdin.
 * rp_pcap_open() opens the file and gives rp its link type: -1 if the
 * file cannot be read or its link type is not supported (err names it).
 * rp_pcap_run() replays every frame and closes: 0, or 1 if the file
 * ended early (a cut capture: what was read is replayed, err says why).
 */
struct rp_pcap {
	void *p;		/* pcap_t */
	char link[64];		/* the link type's name, "EN10MB" */
	/*
	 * A classic pcap file in this host's byte order is read directly
	 * (pcapin.c), libpcap taking over at the first record it would
	 * treat specially; fd is -1 when libpcap reads it all.
	 */
	int fd;
	bool nsec;		/* nanosecond time stamps */
	uint32_t snaplen;	/* libpcap's, pcap_snapshot() */
};

int rp_pcap_open(struct rp_pcap *f, struct rp *rp, const char *path,
		 char *err, size_t errlen);
int rp_pcap_run(struct rp_pcap *f, struct rp *rp, char *err, size_t errlen);

#endif
