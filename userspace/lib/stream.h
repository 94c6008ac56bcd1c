/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An event stream: the socket that "synwatch monitor" and synwatchd read
 * events from, in one of two modes:
 *
 *   subscribe  SYNWATCH_CMD_SUBSCRIBE with a filter, so the kernel selects;
 *              loss is detected from gaps in SYNWATCH_A_EVENT_SUB_SEQ
 *   multicast  join the "conn" and/or "alert" groups, select here; loss is
 *              detected from SYNWATCH_A_EVENT_SEQ only when both groups
 *              are joined (SEQ counts the events of both)
 *
 * Either way a large receive buffer is asked for, NETLINK_NO_ENOBUFS is
 * left off so that overruns are reported, and every loss reaches the
 * on_loss callback: nothing is lost silently.
 */
#ifndef SW_STREAM_H
#define SW_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "filter.h"
#include "nl.h"
#include "records.h"

struct sw_stream;

/* A selected event. */
typedef void (*sw_event_cb)(struct sw_stream *s, const struct sw_event *ev,
			    void *data);
/*
 * Events were lost: lost is the count from the sequence gap, or 0 when
 * only the overrun is known so far (the count follows with the next
 * event). overrun: the socket buffer overran (ENOBUFS).
 */
typedef void (*sw_loss_cb)(struct sw_stream *s, uint64_t lost, bool overrun,
			   void *data);

struct sw_stream_opts {
	bool multicast;
	uint32_t event_mask;		/* 0: every type */
	const struct sw_filter *filter;	/* NULL: every connection */
	int rcvbuf;			/* bytes; 0: SW_STREAM_RCVBUF */
	sw_event_cb on_event;
	sw_loss_cb on_loss;
	void *data;
};

#define SW_STREAM_RCVBUF (8 << 20)
/* synwatchd's default buffer_size: it logs every event, in bursts too */
#define SW_DAEMON_RCVBUF (16 << 20)

struct sw_stream {
	struct sw_nl nl;
	struct sw_stream_opts o;
	struct sw_filter filter;	/* copy, for multicast mode */
	bool check_seq;
	bool have_last;
	uint64_t last;			/* last SEQ or SUB_SEQ seen */
	bool overrun_pending;		/* ENOBUFS not yet told with a count */
	int rcvbuf;			/* what the kernel granted */
	const char *failed_step;	/* set when sw_stream_open() fails */
	uint64_t events, lost, overruns;
};

/*
 * Opens the socket, sizes its buffer, subscribes or joins. Returns 0 or
 * a negative errno with failed_step saying what failed ("open" means
 * sw_nl_open(): see sw_open_error()).
 */
int sw_stream_open(struct sw_stream *s, const struct sw_stream_opts *o);

/* One receive; handles ENOBUFS and EINTR itself. 0 or a negative errno. */
int sw_stream_read(struct sw_stream *s);

/*
 * Sequence accounting and selection of one decoded event, as done for
 * every event read; separate so that it can be tested without a kernel.
 * Returns true if the event is selected.
 */
bool sw_stream_account(struct sw_stream *s, const struct sw_event *ev);

/* Forget the last sequence number (after a new SUBSCRIBE, say). */
void sw_stream_resync(struct sw_stream *s);

void sw_stream_close(struct sw_stream *s);

#endif
